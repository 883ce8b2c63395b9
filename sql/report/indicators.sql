-- The catalogue entries of the indicators the bulletin charts ($codes, from report.yaml).
SELECT indicator_code, name_zh, name_en, unit, freq, series_kind, direction, is_derived, nominal
FROM ref.indicators
WHERE indicator_code IN (SELECT unnest($codes::VARCHAR[]));
