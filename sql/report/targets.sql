-- Target progress for the targets still running in the bulletin's year or later ($year), on both bases:
-- latest (provisional figures included, as the light shows them) and released. The statuses' labels come
-- from ref.status_labels.
SELECT t.target_id, t.basis, t.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       t.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en, t.year, t.deadline,
       t.comparison, t.target_kind, t.target_value, t.unit, t.actual_time_period, t.actual, t.actual_obs_status,
       t.completion_pct, t.time_elapsed_pct, t.projection, t.projected_completion_pct, t.target_status,
       s.label_zh AS status_zh, s.label_en AS status_en, t.illustrative, t.source_citation, t.reference_date
FROM mart.target_progress t
LEFT JOIN ref.indicators i USING (indicator_code)
LEFT JOIN ref.areas a USING (area_code)
LEFT JOIN ref.status_labels s ON s.code_list = 'target_status' AND s.code = t.target_status
WHERE t.year >= $year
ORDER BY t.year, t.area_code <> '440000', t.target_id, t.basis;
