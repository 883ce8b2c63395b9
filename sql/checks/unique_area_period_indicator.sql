-- mart.observations has exactly one row per (area, period, indicator).
SELECT area_code, period, indicator_code, count(*) AS n
FROM mart.observations
GROUP BY ALL HAVING count(*) > 1;
