-- mart.submission_revisions: every change a submitter made to its own submitted values, per source and
-- cell, with the old and the new value, both vintages, the submission that made the change and the reason:
--   new_vintage  a resubmission changed the source's value (ops.vintage_changes, recorded at load);
--                the reason is the note the submitter wrote on the cell;
--   withdrawal   a submission was withdrawn and the cell fell back to the source's previous vintage (or
--                to nothing); the reason is the withdrawal's.
-- Before or after a release, used by the marts or not (a pilot's figure where the agency reported):
-- the submitters' side. What changed in what was published is mart.revisions.
-- affects_marts: the source's value is the one the marts use for the cell (the agency of record, or a
-- pilot filling a cell the agency has not reported).
CREATE OR REPLACE TABLE mart.submission_revisions AS
WITH new_vintages AS (
    SELECT vc.area_code, vc.period, vc.freq, vc.indicator_code, vc.source,
           n.received_at AS changed_at, 'new_vintage' AS change_type, vc.submission_id,
           vc.old_value, vc.new_value,
           vc.previous_submission_id AS old_submission_id, p.received_at AS old_received_at,
           vc.submission_id AS new_submission_id, n.received_at AS new_received_at,
           n.note AS reason
    FROM ops.vintage_changes vc
    JOIN core.observations n
      ON n.submission_id = vc.submission_id AND n.area_code = vc.area_code AND n.period = vc.period
     AND n.indicator_code = vc.indicator_code
    JOIN core.observations p
      ON p.submission_id = vc.previous_submission_id AND p.area_code = vc.area_code AND p.period = vc.period
     AND p.indicator_code = vc.indicator_code
),
withdrawn_cells AS (
    SELECT o.*, w.withdrawn_at, w.reason AS withdrawal_reason
    FROM ops.withdrawals w JOIN core.observations o USING (submission_id)
),
withdrawals AS (
    SELECT c.area_code, c.period, c.freq, c.indicator_code, c.source,
           c.withdrawn_at AS changed_at, 'withdrawal' AS change_type, c.submission_id,
           c.value AS old_value, f.value AS new_value,
           c.submission_id AS old_submission_id, c.received_at AS old_received_at,
           f.submission_id AS new_submission_id, f.received_at AS new_received_at,
           c.withdrawal_reason AS reason
    FROM withdrawn_cells c
    -- the withdrawal changes the cell only if the withdrawn vintage was the source's value just before it
    JOIN LATERAL (
        SELECT x.submission_id FROM core.source_cells_as_of(c.withdrawn_at - INTERVAL 1 MICROSECOND) x
        WHERE x.source = c.source AND x.area_code = c.area_code AND x.period = c.period
          AND x.indicator_code = c.indicator_code
    ) before ON before.submission_id = c.submission_id
    LEFT JOIN LATERAL (
        SELECT x.value, x.submission_id, x.received_at FROM core.source_cells_as_of(c.withdrawn_at) x
        WHERE x.source = c.source AND x.area_code = c.area_code AND x.period = c.period
          AND x.indicator_code = c.indicator_code
    ) f ON TRUE
    WHERE f.value IS DISTINCT FROM c.value
),
changes AS (
    SELECT * FROM new_vintages
    UNION ALL BY NAME
    SELECT * FROM withdrawals
)
SELECT c.area_code,
       c.period,
       c.freq,
       mart.time_period(c.period, c.freq) AS time_period,
       c.indicator_code,
       c.source AS source_profile,
       c.source = i.submitter AS from_source_of_record,
       c.source = i.submitter OR l.source IS DISTINCT FROM i.submitter AS affects_marts,
       c.change_type,
       c.changed_at,
       c.submission_id,
       -- a cell disclosure control suppresses (core.disclosure) shows no value, no change
       CASE WHEN d.conf_status IS NULL THEN c.old_value END AS old_value,
       CASE WHEN d.conf_status IS NULL THEN c.new_value END AS new_value,
       CASE WHEN d.conf_status IS NULL THEN c.new_value - c.old_value END AS change,
       CASE WHEN d.conf_status IS NULL AND c.old_value <> 0
            THEN 100.0 * (c.new_value - c.old_value) / abs(c.old_value) END AS change_pct,
       coalesce(d.conf_status, 'F') AS conf_status,
       c.old_submission_id,
       c.old_received_at,
       c.new_submission_id,
       c.new_received_at,
       c.reason
FROM changes c
JOIN ref.indicators i USING (indicator_code)
LEFT JOIN core.v_latest l USING (area_code, period, indicator_code)
LEFT JOIN core.disclosure d USING (area_code, period, indicator_code)
ORDER BY c.changed_at, c.area_code, c.indicator_code, c.period, c.source;
