-- The first rows an analyst sees for mart.register_crosscheck in the Dagster UI.
SELECT area_code, time_period, indicator_code, registry, register_value, submitted_value, gap_pct, used_from_register FROM mart.register_crosscheck WHERE differs ORDER BY abs(gap_pct) DESC NULLS LAST LIMIT 10;
