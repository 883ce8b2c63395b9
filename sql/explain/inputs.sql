-- What a figure rests on (mart.lineage), for `digecon explain`: its own rows, and the superseded vintages
-- of each submitted cell it uses (earlier or withdrawn versions of those cells), with names to print.
-- input_value is already blank for a confidential input (mart.lineage never holds one).
WITH own AS (
    SELECT * FROM mart.lineage
    WHERE area_code = $area_code AND period = $period AND indicator_code = $indicator_code
      AND role <> 'superseded'
),
earlier AS (
    SELECT l.* FROM mart.lineage l
    WHERE l.role = 'superseded'
      AND EXISTS (SELECT 1 FROM own o WHERE o.input_area_code = l.area_code AND o.input_period = l.period
                                        AND o.input_indicator_code = l.indicator_code)
),
profiles AS (
    SELECT DISTINCT profile, name_zh, name_en FROM ref.profiles
)
SELECT r.role, r.part, r.input_area_code, a.name_zh AS input_area_name_zh, a.name_en AS input_area_name_en,
       r.input_period, r.input_time_period, r.input_indicator_code,
       i.name_zh AS input_indicator_name_zh, i.name_en AS input_indicator_name_en, i.unit AS input_unit,
       r.input_value, r.input_conf_status, r.submission_id, r.source_profile,
       p.name_zh AS source_name_zh, p.name_en AS source_name_en, r.original_filename, r.received_at,
       r.withdrawn, r.input_released_at
FROM (SELECT * FROM own UNION ALL SELECT * FROM earlier) r
JOIN ref.areas a ON a.area_code = r.input_area_code
JOIN ref.indicators i ON i.indicator_code = r.input_indicator_code
LEFT JOIN profiles p ON p.profile = r.source_profile
ORDER BY CASE r.role WHEN 'reported' THEN 1 WHEN 'imputed' THEN 2 WHEN 'imputation_base' THEN 3 ELSE 4 END,
         r.input_area_code, CASE r.part WHEN 'numerator' THEN 1 WHEN 'denominator' THEN 2 ELSE 0 END,
         r.input_indicator_code, r.input_period, r.received_at
