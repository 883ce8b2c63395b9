-- The cities a region or the province sums (a city: none), for `digecon explain` to name the cities a
-- total misses.
SELECT c.city_code, c.name_zh, c.name_en
FROM ref.cities c
JOIN ref.areas a ON a.area_code = $area_code
WHERE a.area_level = 'province' OR (a.area_level = 'region' AND c.region_code = a.area_code)
ORDER BY c.city_code
