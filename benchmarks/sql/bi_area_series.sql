-- BI: one area's series of one indicator.
SELECT period, value FROM mart.observations
WHERE area_code = $area AND indicator_code = $indicator ORDER BY period;
