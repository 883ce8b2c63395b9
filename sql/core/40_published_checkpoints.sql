-- The released cells of mart.observations, one row per cell with the whole row as `state` (released, always
-- true here, left out): what BI's released views show. Read at each checkpoint and for today.
CREATE OR REPLACE VIEW core.v_released_cell_states AS
SELECT o.area_code, o.period, o.freq, o.indicator_code, o AS state
FROM (SELECT * EXCLUDE (released) FROM mart.observations WHERE released) o;

-- The instants at which a released cell can have changed: where pipelines/published.py computes the
-- released cells of the warehouse as it stood then (mart.published_vintages).
--
-- A released cell changes only when an input it is computed from changes after its release. A cell of
-- period q is computed from cells of periods ending at or before q's end (its own period; the latest
-- earlier period of each city it imputes; the previous period a break compares with; the denominator
-- period ending at or before it), and releases go by the month a period ends in. So an input change at
-- t, of a period whose release month is m, can change released cells only if some month at or after m
-- was released before t: that is a post-release change, and t a checkpoint. Everything else (the data of
-- a month arriving before its release, the normal flow) cannot change a released cell and costs nothing.
-- A release is a checkpoint when a post-release change of its month or an earlier one follows it: its
-- cells' first published state then differs from today's. Without one, a cell's state from its release
-- on is today's.
--
-- evaluated: the latest checkpoint is not computed, today's marts stand for it (nothing after it can change
-- a released cell). A step that made a released cell depend on another period's release or on later
-- periods would have to add those instants here.
CREATE OR REPLACE TABLE core.published_checkpoints AS
WITH input_changes AS (
    SELECT DISTINCT received_at AS changed_at, period, freq FROM core.observations
    UNION
    SELECT DISTINCT w.withdrawn_at, o.period, o.freq
    FROM ops.withdrawals w JOIN core.observations o USING (submission_id)
),
post_release AS (
    SELECT c.changed_at, min(mart.release_month(c.period, c.freq)) AS first_month
    FROM input_changes c
    WHERE EXISTS (SELECT 1 FROM ops.releases r
                  WHERE r.released_at < c.changed_at AND r.period >= mart.release_month(c.period, c.freq))
    GROUP BY c.changed_at
),
checkpoints AS (
    SELECT changed_at AS as_of FROM post_release
    UNION
    SELECT r.released_at FROM ops.releases r
    WHERE EXISTS (SELECT 1 FROM post_release p WHERE p.changed_at > r.released_at AND p.first_month <= r.period)
)
SELECT as_of, as_of < max(as_of) OVER () AS evaluated
FROM checkpoints
ORDER BY as_of;
