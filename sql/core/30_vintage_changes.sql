-- The cells of an incoming submission whose value differs from the same source's previous vintage.
-- Run by load_submission inside its transaction, before it inserts the submission: incoming_rows is the
-- submission's frame of observations, $received_at its received time (the as-of of "previous"), $areas and
-- $periods its areas and periods: lists given as values, which DuckDB filters the scan with (a subquery
-- for them made the whole warehouse's latest vintages be ranked for every file, ten times slower at
-- national scale).
INSERT INTO ops.vintage_changes BY NAME
SELECT n.submission_id, n.source, n.area_code, n.period, n.freq, n.indicator_code,
       p.value AS old_value, n.value AS new_value, p.submission_id AS previous_submission_id, n.source_row
FROM incoming_rows n
JOIN core.source_cells_as_of($received_at, areas := $areas, periods := $periods) p
  ON p.source = n.source AND p.area_code = n.area_code AND p.period = n.period
 AND p.indicator_code = n.indicator_code
WHERE p.value <> n.value;
