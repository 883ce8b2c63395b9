-- The site list's rows typed: city and county looked up, the commissioning date parsed, the end of the
-- reporting month.
CREATE OR REPLACE TEMP TABLE typed AS
SELECT r."站址编号" AS site_id, c.area_code AS city_code, k.city_code AS county_city_code,
       r."区县代码" AS county_code, r."频段" AS band, r."运营商" AS operator, r."状态" AS status,
       TRY_CAST(r."开通日期" AS DATE) AS commissioned,
       last_day(TRY_CAST(r."报告期" || '-01' AS DATE)) AS period_end
FROM read_csv($files, header = true, all_varchar = true) r
LEFT JOIN areas c ON c.area_code = r."城市代码" AND c.area_level = 'city'
LEFT JOIN areas k ON k.area_code = r."区县代码" AND k.area_level = 'county';
