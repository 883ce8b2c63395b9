-- mart.discrepancies: every cell reported by both a pilot team and the agency of record (each source's
-- latest vintage), with both values and the gap. The agency is the source of record, so the marts use
-- its value (used_source says which one mart.observations carries). gap_pct is relative to the agency's
-- value; differs is false where the two agree. A cell disclosure control suppressed (conf_status C or D,
-- see mart.observations) shows neither value nor gap, only whether the two differ.
CREATE OR REPLACE TABLE mart.discrepancies AS
WITH cells AS MATERIALIZED (
    SELECT * FROM core.source_cells_as_of(TIMESTAMPTZ 'infinity')
),
pilots AS (
    SELECT DISTINCT profile FROM ref.profiles WHERE profile_kind = 'pilot'
)
SELECT a.area_code,
       a.period,
       a.freq,
       mart.time_period(a.period, a.freq) AS time_period,
       a.indicator_code,
       a.source AS agency,
       CASE WHEN NOT hidden THEN a.value END AS agency_value,
       a.submission_id AS agency_submission_id,
       a.received_at AS agency_received_at,
       p.source AS pilot,
       CASE WHEN NOT hidden THEN p.value END AS pilot_value,
       p.submission_id AS pilot_submission_id,
       p.received_at AS pilot_received_at,
       CASE WHEN NOT hidden THEN p.value - a.value END AS gap,
       CASE WHEN NOT hidden AND a.value <> 0 THEN 100.0 * (p.value - a.value) / abs(a.value) END AS gap_pct,
       p.value <> a.value AS differs,
       l.source AS used_source,
       CASE WHEN NOT hidden THEN l.value END AS used_value,
       coalesce(d.conf_status, 'F') AS conf_status
FROM cells a
JOIN ref.indicators i ON i.indicator_code = a.indicator_code AND i.submitter = a.source
JOIN cells p ON p.area_code = a.area_code AND p.period = a.period AND p.indicator_code = a.indicator_code
JOIN pilots ON pilots.profile = p.source
JOIN core.v_latest l ON l.area_code = a.area_code AND l.period = a.period AND l.indicator_code = a.indicator_code
LEFT JOIN core.disclosure d ON d.area_code = a.area_code AND d.period = a.period AND d.indicator_code = a.indicator_code,
LATERAL (SELECT d.conf_status IS NOT NULL AS hidden)
ORDER BY a.indicator_code, a.area_code, a.period, p.source;
