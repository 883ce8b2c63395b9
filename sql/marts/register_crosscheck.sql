-- mart.register_crosscheck: every cell for which an agency sent both a registry's list (the value
-- aggregated from it, sql/registers/) and a value in an ordinary file, each its latest vintage not
-- withdrawn: both values and the gap. Neither is overwritten: both are vintages of the same source in
-- core.observations, and the marts use the later received one (used_from_register says which), as they
-- do for any resubmission. gap = register − submitted; gap_pct relative to the submitted value. A cell
-- disclosure control suppressed (conf_status C or D) shows neither value nor gap, only whether they differ.
CREATE OR REPLACE TABLE mart.register_crosscheck AS
WITH vintages AS (
    SELECT o.*, r.registry
    FROM core.observations o
    LEFT JOIN core.register_submissions r USING (submission_id)
    LEFT JOIN ops.withdrawals w USING (submission_id)
    WHERE w.submission_id IS NULL
    QUALIFY row_number() OVER (
        PARTITION BY o.source, o.area_code, o.period, o.indicator_code, r.registry IS NULL
        ORDER BY o.received_at DESC, o.submission_id DESC) = 1
)
SELECT g.area_code,
       g.period,
       g.freq,
       mart.time_period(g.period, g.freq) AS time_period,
       g.indicator_code,
       g.source,
       g.registry,
       CASE WHEN NOT hidden THEN g.value END AS register_value,
       g.submission_id AS register_submission_id,
       g.received_at AS register_received_at,
       CASE WHEN NOT hidden THEN s.value END AS submitted_value,
       s.submission_id AS submitted_submission_id,
       s.received_at AS submitted_received_at,
       CASE WHEN NOT hidden THEN g.value - s.value END AS gap,
       CASE WHEN NOT hidden AND s.value <> 0 THEN 100.0 * (g.value - s.value) / abs(s.value) END AS gap_pct,
       g.value <> s.value AS differs,
       l.submission_id = g.submission_id AS used_from_register,
       coalesce(d.conf_status, 'F') AS conf_status
FROM vintages g
JOIN vintages s ON s.source = g.source AND s.area_code = g.area_code AND s.period = g.period
               AND s.indicator_code = g.indicator_code AND s.registry IS NULL
JOIN core.v_latest l ON l.area_code = g.area_code AND l.period = g.period AND l.indicator_code = g.indicator_code
LEFT JOIN core.disclosure d ON d.area_code = g.area_code AND d.period = g.period AND d.indicator_code = g.indicator_code,
LATERAL (SELECT d.conf_status IS NOT NULL AS hidden)
WHERE g.registry IS NOT NULL
ORDER BY g.indicator_code, g.area_code, g.period;
