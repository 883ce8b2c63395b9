-- The index year's ($year) pillars and indicators on released figures: every city's pillar scores, and the
-- weights and goalposts of each component (the same for every city).
SELECT x.area_code, x.component_level, x.component_code, x.pillar_code, x.component_name_zh, x.component_name_en,
       x.weight, x.effective_weight, x.worst, x.best, x.score, x.value, x.unit, x.input_obs_status
FROM mart.index x
WHERE x.basis = 'released' AND year(x.period) = $year AND x.component_level IN ('pillar', 'indicator')
ORDER BY x.area_code, x.component_level DESC, x.pillar_code, x.component_code;
