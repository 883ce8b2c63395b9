-- Derived values stay within the catalogue's bounds: rates 0–100 %, PUE 1–5, per-10k 0–1,000.
SELECT o.area_code, o.period, o.indicator_code, o.value, i.min_value, i.max_value
FROM mart.observations o JOIN ref.indicators i USING (indicator_code)
WHERE i.is_derived AND (o.value < i.min_value OR o.value > i.max_value);
