-- BI: the ranking of the areas of one level by the latest value of one indicator.
SELECT area_code, value, rank() OVER (ORDER BY value DESC) AS rank FROM mart.observations
WHERE indicator_code = $indicator AND area_level = $level
  AND period = (SELECT max(period) FROM mart.observations WHERE indicator_code = $indicator AND area_level = $level)
ORDER BY rank;
