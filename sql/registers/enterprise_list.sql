-- enterprises_transformed from the enterprise list, for the months of submission $submission_id, as the
-- registry stands at its receipt ($as_of): per city, the enterprises counted from a date on or before the
-- month's end (core.register_enterprises_as_of: once a year each, in its latest vintage's city). Every city
-- with a record that year gets a cell, 0 when its enterprises are all elsewhere now (a count, not a blank).
WITH months AS (
    SELECT DISTINCT period FROM core.register_records WHERE submission_id = $submission_id
),
cities AS (
    SELECT DISTINCT year(period) AS year, area_code FROM core.register_records_as_of('enterprise_list', $as_of)
),
enterprises AS (
    SELECT * FROM core.register_enterprises_as_of($as_of)
)
SELECT c.area_code, m.period, 'M' AS freq, 'enterprises_transformed' AS indicator_code,
       count(e.unit_id)::DOUBLE AS value, NULL::INTEGER AS n_units,
       NULL::DOUBLE AS largest, NULL::DOUBLE AS second_largest
FROM months m
JOIN cities c ON c.year = year(m.period)
LEFT JOIN enterprises e ON e.year = c.year AND e.area_code = c.area_code AND e.counted_from <= last_day(m.period)
GROUP BY ALL
ORDER BY m.period, c.area_code;
