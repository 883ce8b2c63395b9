-- The 21 cities in the order the bulletin lists them (by region, then code), with their region's names.
SELECT c.city_code AS area_code, c.name_zh, c.name_en, c.region_code,
       r.name_zh AS region_name_zh, r.name_en AS region_name_en
FROM ref.cities c JOIN ref.areas r ON r.area_code = c.region_code
ORDER BY list_position(['GD-PRD', 'GD-E', 'GD-W', 'GD-N'], c.region_code), c.city_code;
