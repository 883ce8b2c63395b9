-- For each indicator's latest period, every city has a value (a missing one leaves its region short).
WITH latest AS (
    SELECT indicator_code, max(period) AS period FROM mart.observations
    WHERE area_level = 'city' GROUP BY indicator_code
)
SELECT l.indicator_code, l.period, c.city_code AS missing_city
FROM latest l CROSS JOIN ref.cities c
LEFT JOIN mart.observations o
  ON o.indicator_code = l.indicator_code AND o.period = l.period AND o.area_code = c.city_code
WHERE o.area_code IS NULL;
