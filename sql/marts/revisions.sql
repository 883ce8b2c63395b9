-- mart.revisions: every change to a published cell after its release (base, derived and aggregate; city,
-- region and province), from mart.published_vintages: one row per cell and instant its value or status
-- (obs_status, and conf_status where the marts have it) changed in the released views:
--   revised  a published value or status changed (a resubmission, a withdrawal, a late city value that
--            changes a region's total, a denominator that changes a rate: December's per-10k figure when
--            the year's population arrives);
--   added    a cell first published after its period's release (a late value), or again after it was
--            taken out; old value and status blank;
--   removed  a published cell no longer published (a withdrawal that left no value); new ones blank.
-- A vintage that changes only other columns (the submission a repeated value comes from, n_areas of a
-- withheld total) is in mart.published_vintages but is no revision.
-- cause: the act at the instant of the change, the submission received or withdrawn then (the first by
-- submission id if several acted at the same instant). reason: a withdrawal's reason; for a submission,
-- the note it carries on the cell, or, for a derived or aggregate cell, the notes it carries.
CREATE OR REPLACE TABLE mart.revisions AS
-- Each vintage's start, and each end not followed at once by another vintage (the cell unpublished then).
WITH events AS (
    SELECT area_code, area_level, period, freq, time_period, indicator_code, unit, source_profile,
           release_month, released_at, valid_from AS changed_at, TRUE AS published,
           value, COLUMNS('^(obs_status|conf_status)$')
    FROM mart.published_vintages
    UNION ALL BY NAME
    SELECT area_code, area_level, period, freq, time_period, indicator_code, unit, source_profile,
           release_month, released_at, valid_to AS changed_at, FALSE AS published
    FROM mart.published_vintages v
    WHERE valid_to IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM mart.published_vintages n
                      WHERE n.area_code = v.area_code AND n.period = v.period
                        AND n.indicator_code = v.indicator_code AND n.valid_from = v.valid_to)
),
steps AS (
    SELECT area_code, area_level, period, freq, time_period, indicator_code, unit,
           release_month, released_at, changed_at,
           coalesce(lag(published) OVER w, FALSE) AS was_published,
           published AS is_published,
           lag(value) OVER w AS old_value,
           value AS new_value,
           lag(COLUMNS('^(obs_status|conf_status)$')) OVER w AS 'old_\1',
           COLUMNS('^(obs_status|conf_status)$') AS 'new_\1',
           source_profile,
           lag(list_value(*COLUMNS('^(obs_status|conf_status)$'))) OVER w
               IS DISTINCT FROM list_value(*COLUMNS('^(obs_status|conf_status)$')) AS status_changed
    FROM events
    WINDOW w AS (PARTITION BY area_code, period, indicator_code ORDER BY changed_at)
),
changes AS (
    SELECT *,
           CASE WHEN NOT was_published THEN 'added' WHEN NOT is_published THEN 'removed' ELSE 'revised' END
               AS revision_type
    FROM steps
    WHERE changed_at > released_at  -- a cell's first state, published at its release, is no revision
      AND (was_published <> is_published OR old_value IS DISTINCT FROM new_value OR status_changed)
),
acts AS (
    SELECT received_at AS acted_at, 'submission' AS cause_type, submission_id, profile
    FROM ops.submissions WHERE status = 'accepted'
    UNION ALL
    SELECT w.withdrawn_at, 'withdrawal', w.submission_id, s.profile
    FROM ops.withdrawals w JOIN ops.submissions s USING (submission_id)
),
submission_notes AS (
    SELECT submission_id, string_agg(DISTINCT note, '；' ORDER BY note) AS notes
    FROM core.observations WHERE note IS NOT NULL GROUP BY submission_id
),
caused AS (
    SELECT c.*, a.cause_type, a.submission_id AS cause_submission_id, a.profile AS cause_source_profile,
           CASE WHEN a.cause_type = 'withdrawal' THEN w.reason
                WHEN o.submission_id IS NOT NULL THEN o.note
                ELSE n.notes END AS reason
    FROM changes c
    LEFT JOIN acts a ON a.acted_at = c.changed_at
    LEFT JOIN ops.withdrawals w ON a.cause_type = 'withdrawal' AND w.submission_id = a.submission_id
    LEFT JOIN core.observations o
      ON a.cause_type = 'submission' AND o.submission_id = a.submission_id AND o.area_code = c.area_code
     AND o.period = c.period AND o.indicator_code = c.indicator_code
    LEFT JOIN submission_notes n ON a.cause_type = 'submission' AND n.submission_id = a.submission_id
    QUALIFY row_number() OVER (PARTITION BY c.area_code, c.period, c.indicator_code, c.changed_at
                               ORDER BY a.submission_id, a.cause_type) = 1
)
SELECT area_code, area_level, period, freq, time_period, indicator_code, unit,
       revision_type,
       changed_at,
       old_value,
       new_value,
       new_value - old_value AS change,
       CASE WHEN old_value <> 0 THEN 100.0 * (new_value - old_value) / abs(old_value) END AS change_pct,
       old_obs_status,
       new_obs_status,
       -- old_ and new_conf_status where the marts have it, then source_profile (which anchors the pattern)
       COLUMNS('^((old|new)_conf_status|source_profile)$'),
       cause_type,
       cause_submission_id,
       cause_source_profile,
       reason,
       release_month,
       released_at
FROM caused
ORDER BY changed_at, indicator_code, area_level, area_code, period;
