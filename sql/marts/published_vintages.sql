-- mart.published_vintages: every state a released cell (base, derived, aggregate; city, region, province)
-- was published in, and when. One row per cell and vintage: every column of mart.observations (but
-- `released`) as it was published, from valid_from until valid_to (NULL while current), with the release
-- it belongs to. What was published at an instant D: valid_from <= D AND (valid_to IS NULL OR valid_to > D).
--
-- Built from the released cells of the warehouse as it stood at each checkpoint (core.published_states,
-- filled by pipelines/published.py; sql/core/40_published_checkpoints.sql says which instants, for which
-- indicators) and from today's marts, which stand for each indicator's latest checkpoint. A state seen at a checkpoint holds from that
-- checkpoint; a cell's first state holds from its release (nothing changed it between the release and its
-- first checkpoint). A new vintage starts wherever any published column changes (a resubmission that
-- repeats a value changes only submission_id); a cell missing at a checkpoint was not published then.
CREATE OR REPLACE TABLE mart.published_vintages AS
WITH points AS (
    SELECT indicator_code, as_of, FALSE AS today FROM core.published_checkpoints WHERE evaluated
    UNION ALL
    SELECT i.indicator_code, coalesce(max(c.as_of), '-infinity'::TIMESTAMPTZ), TRUE
    FROM ref.indicators i LEFT JOIN core.published_checkpoints c USING (indicator_code)
    GROUP BY i.indicator_code
),
states AS (
    SELECT as_of, area_code, period, freq, indicator_code, state FROM core.published_states
    UNION ALL
    SELECT p.as_of, s.area_code, s.period, s.freq, s.indicator_code, s.state
    FROM core.v_released_cell_states s JOIN points p ON p.today AND p.indicator_code = s.indicator_code
),
cells AS (
    SELECT DISTINCT s.area_code, s.period, s.freq, s.indicator_code, r.period AS release_month, r.released_at
    FROM states s JOIN ops.releases r ON r.period = mart.release_month(s.period, s.freq)
),
-- Each cell at every point since its release, and today; state NULL where it was not published.
observed AS (
    SELECT c.*, p.as_of, p.today, s.state
    FROM cells c
    JOIN points p ON p.indicator_code = c.indicator_code AND (p.as_of >= c.released_at OR p.today)
    LEFT JOIN states s
      ON s.area_code = c.area_code AND s.period = c.period AND s.indicator_code = c.indicator_code
     AND s.as_of = p.as_of
),
-- The points where the cell's state differs from the point before (its first point if published there).
starts AS (
    SELECT *, row_number() OVER w = 1 AS at_release
    FROM observed
    WINDOW w AS (PARTITION BY area_code, period, indicator_code ORDER BY today, as_of)
    QUALIFY state IS DISTINCT FROM lag(state) OVER w
),
vintages AS (
    SELECT state, release_month, released_at,
           CASE WHEN at_release THEN released_at ELSE as_of END AS valid_from,
           lead(as_of) OVER w AS valid_to
    FROM starts
    WINDOW w AS (PARTITION BY area_code, period, indicator_code ORDER BY today, as_of)
)
SELECT state.*,
       row_number() OVER (PARTITION BY state.area_code, state.period, state.indicator_code ORDER BY valid_from)
           AS vintage_no,
       valid_from,
       valid_to,
       release_month,
       released_at
FROM vintages
WHERE state IS NOT NULL
ORDER BY state.indicator_code, state.area_level, state.area_code, state.period, valid_from;
