-- The first rows an analyst sees for mart.anomalies in the Dagster UI: the latest flags first.
SELECT time_period, area_code, indicator_code, rule, score, threshold, reason_zh FROM mart.anomalies ORDER BY period DESC, indicator_code, area_code, rule LIMIT 10;
