-- The bulletin's indicators ($codes) for every city and the province over the periods that end by the end
-- of the bulletin's month ($month): monthly and quarterly series from $since, annual ones from $since_year.
SELECT o.indicator_code, o.area_code, o.period, o.time_period, o.value, o.obs_status, o.conf_status
FROM mart.observations o
WHERE o.indicator_code IN (SELECT unnest($codes::VARCHAR[])) AND o.area_level IN ('city', 'province')
  AND o.period >= CASE o.freq WHEN 'A' THEN $since_year::DATE ELSE $since::DATE END
  AND o.period + CASE o.freq WHEN 'M' THEN INTERVAL 1 MONTH WHEN 'Q' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END
      <= $month::DATE + INTERVAL 1 MONTH
ORDER BY o.indicator_code, o.area_code, o.period;
