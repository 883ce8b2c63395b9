-- ent_uscc_area: well-formed codes of rows in a Guangdong city ($cities) whose registration area (positions
-- 3–8, GB/T 2260) lies in another prefecture, or outside Guangdong: the city column decides, this is a warning.
-- First a row of totals (row_id NULL: how many rows were judged), then each such row.
WITH located AS (
    SELECT row_id, city_code, substr(uscc, 3, 6) AS registered_area
    FROM list_rows
    WHERE regexp_full_match(uscc, '[' || $charset || ']{18}') AND list_contains($cities, city_code)
)
SELECT NULL AS row_id, count(*) AS evaluated, NULL AS registered_area FROM located
UNION ALL
SELECT row_id, NULL, registered_area FROM located
WHERE NOT regexp_full_match(registered_area, '44[0-9]{4}') OR substr(registered_area, 1, 4) || '00' <> city_code
ORDER BY row_id NULLS FIRST
