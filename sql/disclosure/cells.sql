-- The cells of mart.observations that disclosure control looks at: magnitude indicators and the rates
-- over them, with each suppressed cell's true value restored from core.disclosure (the audit of an
-- already protected mart; on a fresh build core.disclosure is empty for these cells). A city cell whose
-- latest vintage was aggregated from a registry carries its two largest contributions (the p % rule).
SELECT o.area_code, o.area_level, o.period, o.indicator_code,
       coalesce(d.true_value, o.value) AS value,
       coalesce(d.true_numerator_value, o.numerator_value) AS numerator_value,
       coalesce(d.true_denominator_value, o.denominator_value) AS denominator_value,
       o.denominator_period, o.n_units,
       coalesce(d.obs_status, o.obs_status) AS obs_status,
       rc.largest, rc.second_largest
FROM mart.observations o
JOIN ref.indicators i USING (indicator_code)
LEFT JOIN core.disclosure d USING (area_code, period, indicator_code)
LEFT JOIN core.v_latest l ON o.source_profile <> 'aggregate' AND l.area_code = o.area_code AND l.period = o.period
                         AND l.indicator_code = o.indicator_code
LEFT JOIN core.register_contributions rc ON rc.submission_id = l.submission_id AND rc.area_code = o.area_code
                                        AND rc.period = o.period AND rc.indicator_code = o.indicator_code
WHERE list_contains($indicators, o.indicator_code)
  AND (i.magnitude
       OR i.numerator IN (SELECT indicator_code FROM ref.indicators WHERE magnitude)
       OR i.denominator IN (SELECT indicator_code FROM ref.indicators WHERE magnitude))
