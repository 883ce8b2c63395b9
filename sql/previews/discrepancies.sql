-- The first rows an analyst sees for mart.discrepancies in the Dagster UI.
SELECT area_code, time_period, indicator_code, agency_value, pilot_value, gap_pct, used_source FROM mart.discrepancies WHERE differs ORDER BY abs(gap_pct) DESC LIMIT 10;
