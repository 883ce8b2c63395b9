-- The first rows an analyst sees for mart.published_vintages in the Dagster UI: the latest superseded vintages.
SELECT area_code, time_period, indicator_code, vintage_no, value, obs_status, valid_from, valid_to FROM mart.published_vintages WHERE valid_to IS NOT NULL ORDER BY valid_to DESC, indicator_code, area_code LIMIT 10;
