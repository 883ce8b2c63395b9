-- The cells of mart.observations that disclosure control looks at: magnitude indicators and the rates
-- over them, with each suppressed cell's true value restored from core.disclosure (the audit of an
-- already protected mart; on a fresh build core.disclosure is empty for these cells).
SELECT o.area_code, o.area_level, o.period, o.indicator_code,
       coalesce(d.true_value, o.value) AS value,
       coalesce(d.true_numerator_value, o.numerator_value) AS numerator_value,
       coalesce(d.true_denominator_value, o.denominator_value) AS denominator_value,
       o.denominator_period, o.n_units,
       coalesce(d.obs_status, o.obs_status) AS obs_status
FROM mart.observations o
JOIN ref.indicators i USING (indicator_code)
LEFT JOIN core.disclosure d USING (area_code, period, indicator_code)
WHERE i.magnitude
   OR i.numerator IN (SELECT indicator_code FROM ref.indicators WHERE magnitude)
   OR i.denominator IN (SELECT indicator_code FROM ref.indicators WHERE magnitude)
