-- Failing rows per check: the expectation types of expectations/submission.json, as plain SQL. A NULL
-- operand is not a failure (GX's `mostly` semantics: missing values are not evaluated).
SELECT count(*) AS rows,
       count(*) FILTER (WHERE city_code IS NULL) AS city_unknown,
       count(*) FILTER (WHERE area_level = 'province') AS province_submitted,
       count(*) FILTER (WHERE indicator_code IS NULL) AS indicator_unknown,
       count(*) FILTER (WHERE is_derived) AS indicator_derived,
       count(*) FILTER (WHERE period_start IS NULL) AS period_invalid,
       count(*) FILTER (WHERE period_start < $earliest) AS period_too_early,
       count(*) FILTER (WHERE period_start > $latest) AS period_future,
       count(*) FILTER (WHERE period_freq <> indicator_freq) AS frequency_mismatch,
       count(*) FILTER (WHERE value_in_file IS NULL) AS value_not_numeric,
       count(*) FILTER (WHERE value < 0) AS value_negative,
       count(*) FILTER (WHERE value > max_value) AS value_out_of_range,
       count(*) FILTER (WHERE unit_factor IS NULL) AS unit_mismatch
FROM typed;
