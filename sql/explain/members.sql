-- The reporting areas a total sums (a city: none), for `digecon explain` to name the cities a total misses.
SELECT a.area_code AS city_code, a.name_zh, a.name_en
FROM ref.area_members m
JOIN ref.areas a ON a.area_code = m.member_code
WHERE m.area_code = $area_code
ORDER BY a.area_code
