-- Each city of each region and of the province (the areas whose totals sum it).
SELECT region_code AS area_code, city_code FROM ref.cities
UNION ALL
SELECT p.area_code, c.city_code FROM ref.cities c JOIN ref.areas p ON p.area_level = 'province'
