-- Sites in service that pass every check, with their city's province.
CREATE OR REPLACE TEMP TABLE kept AS
SELECT t.city_code, a.province_code, t.band, strftime(t.commissioned, '%Y-%m') AS month
FROM typed t JOIN areas a ON a.area_code = t.city_code
WHERE t.county_city_code = t.city_code AND t.band IN ('700MHz', '2.6GHz', '3.5GHz', '4.9GHz')
  AND t.operator IN ('中国移动', '中国电信', '中国联通', '中国广电') AND t.status = '在网'
  AND t.commissioned <= t.period_end;
