-- The released cells of mart.observations, one row per cell with the whole row as `state` (released, always
-- true here, left out): what BI's released views show. Read at each checkpoint and for today.
CREATE OR REPLACE VIEW core.v_released_cell_states AS
SELECT o.area_code, o.period, o.freq, o.indicator_code, o AS state
FROM (SELECT * EXCLUDE (released) FROM mart.observations WHERE released) o;

-- The instants at which released cells of an indicator can have changed: where pipelines/published.py
-- computes the released cells of the warehouse as it stood then (mart.published_vintages).
--
-- A released cell changes only when an input it is computed from changes after its release. mart.observations
-- computes a cell from cells of its own family only (the indicator, the rates using it as a part, their
-- other parts, and so on), and of periods ending at or before its own (its period; the latest earlier
-- period of each city it imputes; the previous period a break compares with; the denominator period
-- ending at or before it); releases go by the month a period ends in. So an input change at t, of a
-- period whose release month is m, can change released cells of its family only if some month at or after
-- m was released before t: that is a post-release change, and t a checkpoint for that family. All else
-- (the data of a month arriving before its release: the normal flow) cannot change a released cell and
-- costs nothing. A release is a checkpoint for a family when a post-release change of the family, of its
-- month or an earlier one, follows it (its cells' first published state then differs from today's) and
-- no other release comes before that change. Without one, a cell's state from its release on is today's.
--
-- evaluated: a family's latest checkpoint is not computed, today's marts stand for it (nothing after it can
-- change the family's released cells). A step that made a released cell depend on another family, on a
-- later period or on another period's release would have to add those instants here.
CREATE OR REPLACE TABLE core.published_checkpoints AS
WITH RECURSIVE parts AS (
    SELECT indicator_code, numerator AS part FROM ref.indicators WHERE is_derived
    UNION
    SELECT indicator_code, denominator FROM ref.indicators WHERE is_derived
),
links AS (
    SELECT indicator_code, part AS other FROM parts
    UNION
    SELECT part, indicator_code FROM parts
    UNION
    SELECT indicator_code, indicator_code FROM ref.indicators
),
-- family: every indicator linked to an indicator through rates and their parts, itself included
family (indicator_code, member) AS (
    SELECT indicator_code, other FROM links
    UNION
    SELECT f.indicator_code, l.other FROM family f JOIN links l ON l.indicator_code = f.member
),
input_changes AS (
    SELECT DISTINCT received_at AS changed_at, indicator_code, period, freq FROM core.observations
    UNION
    SELECT DISTINCT w.withdrawn_at, o.indicator_code, o.period, o.freq
    FROM ops.withdrawals w JOIN core.observations o USING (submission_id)
),
post_release AS (
    SELECT c.changed_at, f.member AS indicator_code, min(mart.release_month(c.period, c.freq)) AS first_month
    FROM input_changes c
    JOIN family f USING (indicator_code)
    WHERE EXISTS (SELECT 1 FROM ops.releases r
                  WHERE r.released_at < c.changed_at AND r.period >= mart.release_month(c.period, c.freq))
    GROUP BY ALL
),
candidates AS (
    SELECT changed_at AS as_of, indicator_code, TRUE AS input_changed FROM post_release
    UNION ALL
    SELECT r.released_at, p.indicator_code, FALSE
    FROM ops.releases r JOIN post_release p ON p.changed_at > r.released_at AND p.first_month <= r.period
),
checkpoints AS (
    SELECT as_of, indicator_code, bool_or(input_changed) AS input_changed FROM candidates GROUP BY ALL
)
SELECT as_of, indicator_code, as_of < max(as_of) OVER (PARTITION BY indicator_code) AS evaluated
FROM checkpoints
-- Of releases in a row, the last gives the first state of the cells of all (nothing changed them between)
QUALIFY input_changed OR lead(input_changed) OVER (PARTITION BY indicator_code ORDER BY as_of)
ORDER BY as_of, indicator_code;
