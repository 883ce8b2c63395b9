-- mart.revisions: every change to a submitted value, per source and cell, with the old and the new value,
-- both vintages, the submission that made the change and the reason given:
--   new_vintage  a resubmission changed the source's value (ops.vintage_changes, recorded at load);
--                the reason is the note the submitter wrote on the cell;
--   withdrawal   a submission was withdrawn and the cell fell back to the source's previous vintage (or
--                to nothing); the reason is the withdrawal's.
--   late_value   a value for a cell the source had none for, received after the cell's period was
--                released: it enters the released views (and the released totals and rates) at once, so
--                the notice lists it; old value blank. Before a release a first value is no change.
-- affects_marts: the source's value is the one the marts use for the cell (the agency of record, or a
-- pilot filling a cell the agency has not reported). after_release: the cell's period had been released
-- before the change, so a released value changed; these rows are mart.v_released_revisions.
CREATE OR REPLACE TABLE mart.revisions AS
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
late_values AS (
    SELECT o.area_code, o.period, o.freq, o.indicator_code, o.source,
           o.received_at AS changed_at, 'late_value' AS change_type, o.submission_id,
           NULL::DOUBLE AS old_value, o.value AS new_value,
           NULL::BIGINT AS old_submission_id, NULL::TIMESTAMPTZ AS old_received_at,
           o.submission_id AS new_submission_id, o.received_at AS new_received_at,
           o.note AS reason
    FROM core.observations o
    JOIN ops.releases r ON r.period = mart.release_month(o.period, o.freq) AND r.released_at < o.received_at
    -- the source had no standing value for the cell when this one came (vintages in received order)
    WHERE NOT EXISTS (
        SELECT 1 FROM core.observations p
        LEFT JOIN ops.withdrawals w USING (submission_id)
        WHERE p.source = o.source AND p.area_code = o.area_code AND p.period = o.period
          AND p.indicator_code = o.indicator_code
          AND (p.received_at, p.submission_id) < (o.received_at, o.submission_id)
          AND (w.withdrawn_at IS NULL OR w.withdrawn_at > o.received_at))
),
changes AS (
    SELECT * FROM new_vintages
    UNION ALL BY NAME
    SELECT * FROM withdrawals
    UNION ALL BY NAME
    SELECT * FROM late_values
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
       c.old_value,
       c.new_value,
       c.new_value - c.old_value AS change,
       CASE WHEN c.old_value <> 0 THEN 100.0 * (c.new_value - c.old_value) / abs(c.old_value) END AS change_pct,
       c.old_submission_id,
       c.old_received_at,
       c.new_submission_id,
       c.new_received_at,
       c.reason,
       r.released_at,
       coalesce(r.released_at < c.changed_at, FALSE) AS after_release
FROM changes c
JOIN ref.indicators i USING (indicator_code)
LEFT JOIN core.v_latest l USING (area_code, period, indicator_code)
LEFT JOIN ops.releases r ON r.period = mart.release_month(c.period, c.freq)
ORDER BY c.changed_at, c.area_code, c.indicator_code, c.period, c.source;
