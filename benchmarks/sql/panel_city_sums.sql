SELECT parent_city_code AS area_code, indicator_code, period, sum(value) AS value, count(*) AS n_areas
FROM kept GROUP BY ALL;
