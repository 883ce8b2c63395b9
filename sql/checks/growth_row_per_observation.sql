-- mart.growth has one row for each row of mart.observations, and no other.
SELECT coalesce(o.area_code, g.area_code) AS area_code, coalesce(o.period, g.period) AS period,
       coalesce(o.indicator_code, g.indicator_code) AS indicator_code, count(*) AS n
FROM mart.observations o
FULL JOIN mart.growth g USING (area_code, period, indicator_code)
GROUP BY ALL
HAVING count(*) <> 1 OR any_value(o.area_code) IS NULL OR any_value(g.area_code) IS NULL;
