-- The published figure `digecon explain` traces (pipelines/explain_command.py), read from the serving DB:
-- its cell of mart.observations with the names, unit, formula, status labels and the release of its period.
SELECT o.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en, o.area_level,
       o.period, o.freq, o.time_period,
       o.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en, o.unit,
       i.is_derived, i.numerator, i.denominator, i.multiplier, i.magnitude,
       o.value, o.obs_status, s.label_zh AS obs_status_zh, s.label_en AS obs_status_en,
       o.conf_status, c.label_zh AS conf_status_zh, c.label_en AS conf_status_en,
       o.released, o.source_profile, o.numerator_value, o.denominator_value, o.denominator_period,
       o.n_areas, o.n_imputed, o.n_units, o.n_areas_expected, o.coverage_pct,
       (SELECT max(released_at) FROM mart.lineage l
        WHERE l.area_code = o.area_code AND l.period = o.period AND l.indicator_code = o.indicator_code)
           AS released_at,
       (SELECT min_units FROM ref.disclosure_rules) AS min_units,
       (SELECT unknown_units FROM ref.disclosure_rules) AS unknown_units,
       (SELECT min_coverage_pct FROM ref.aggregation_rules) AS min_coverage_pct
FROM mart.observations o
JOIN ref.areas a USING (area_code)
JOIN ref.indicators i USING (indicator_code)
LEFT JOIN ref.status_labels s ON s.code_list = 'obs_status' AND s.code = o.obs_status
LEFT JOIN ref.status_labels c ON c.code_list = 'conf_status' AND c.code = o.conf_status
WHERE o.area_code = $area_code AND o.period = $period AND o.indicator_code = $indicator_code
