-- Every period an indicator has city values for, every city has one: a missing city leaves its region's
-- and the province's figure short for that period (the completeness board says who owes it).
WITH periods AS (
    SELECT DISTINCT indicator_code, period FROM mart.observations WHERE area_level = 'city'
)
SELECT p.indicator_code, p.period, c.city_code AS missing_city
FROM periods p CROSS JOIN ref.cities c
LEFT JOIN mart.observations o
  ON o.indicator_code = p.indicator_code AND o.period = p.period AND o.area_code = c.city_code
WHERE o.area_code IS NULL
ORDER BY p.indicator_code, p.period, c.city_code;
