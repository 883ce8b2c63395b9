-- mart.lineage: where each cell of mart.observations comes from, down to the submissions. One row per
-- (published cell, role, input cell, submission): every input is a submitted city cell (a base indicator
-- of one city and period) with the vintage that supplies it, so the submissions behind any figure are
-- its rows, however it was computed:
--   a city's base value   reported: the cell itself and the vintage used (its source's latest, not
--                           withdrawn; the agency of record before a pilot);
--                         superseded: every other vintage of the cell from the same source (received
--                           earlier, or withdrawn), not used;
--   a city's rate         reported: its numerator and its denominator (the denominator's own period);
--   a region's or the province's total (counts and rates alike, part by part)
--                         reported: each city that reported (a rate: its numerator and denominator);
--                         imputed: each city imputed (E), by its cells in the last period it reported;
--                         imputation_base: the reporting cities' cells in that period, whose change
--                           (Σ now / Σ then) carries the imputed city forward.
--   A withheld total (M) lists the cities that reported; the cities it misses have no row.
-- The same rules as sql/marts/observations.sql (which cities a total sums, which it imputes and from
-- when); tests/test_lineage.py holds them to its n_areas and n_imputed.
-- No value of a suppressed cell: input_value is the input cell's value as mart.observations publishes it
-- (blank where conf_status is C or D, also for its superseded vintages). No record-level data: cells and
-- submissions only; who sent a file stays in the build DB (as in mart.data_quality).
-- The rows of the figures of the indicators in `scope` (closed under numerator and denominator:
-- pipelines/build.py refresh); every input of such a figure is of the same family.
CREATE OR REPLACE MACRO mart.lineage_in(scope) AS TABLE
WITH members AS (
    SELECT area_code, member_code AS city_code FROM ref.area_members
),
-- The submitted cells a city gives a figure of (city, period, indicator): a base indicator its own cell;
-- a rate its numerator and denominator, the pair derive chose (also where the denominator is 0 and the
-- city's own rate is blank: the totals still sum it).
city_inputs AS (
    SELECT area_code AS city_code, period, indicator_code, 'value' AS part,
           area_code AS input_area_code, period AS input_period, indicator_code AS input_indicator_code
    FROM mart.observations
    WHERE source_profile NOT IN ('aggregate', 'derived') AND list_contains(scope, indicator_code)
    UNION ALL
    SELECT p.area_code, p.period, p.indicator_code, 'numerator', p.area_code, p.period, i.numerator
    FROM core.derived_pairs p JOIN ref.indicators i USING (indicator_code)
    WHERE list_contains(scope, p.indicator_code)
    UNION ALL
    SELECT p.area_code, p.period, p.indicator_code, 'denominator', p.area_code, p.denominator_period, i.denominator
    FROM core.derived_pairs p JOIN ref.indicators i USING (indicator_code)
    WHERE list_contains(scope, p.indicator_code)
),
city_cells AS (
    SELECT DISTINCT city_code, period, indicator_code FROM city_inputs
),
totals AS (
    SELECT area_code, period, indicator_code, n_imputed FROM mart.observations
    WHERE source_profile = 'aggregate' AND list_contains(scope, indicator_code)
),
-- The cities a total misses, with the last earlier period each reported the indicator; imputed when the
-- total was estimated (n_imputed > 0: a total that is not withheld imputes every city it misses).
missing AS (
    SELECT t.area_code, t.period, t.indicator_code, m.city_code, t.n_imputed > 0 AS imputed,
           (SELECT max(h.period) FROM city_cells h
            WHERE h.city_code = m.city_code AND h.indicator_code = t.indicator_code AND h.period < t.period)
               AS last_period
    FROM totals t
    JOIN members m USING (area_code)
    WHERE NOT EXISTS (SELECT 1 FROM city_cells c WHERE c.city_code = m.city_code AND c.period = t.period
                                                    AND c.indicator_code = t.indicator_code)
),
edges AS (
    -- a city's own figure: a base value's vintage used, a rate's numerator and denominator
    SELECT area_code, period, indicator_code, 'reported' AS role, area_code AS city_code, period AS city_period
    FROM mart.observations WHERE source_profile <> 'aggregate' AND list_contains(scope, indicator_code)
    UNION ALL
    -- a total: the cities that reported
    SELECT t.area_code, t.period, t.indicator_code, 'reported', c.city_code, c.period
    FROM totals t
    JOIN members m USING (area_code)
    JOIN city_cells c ON c.city_code = m.city_code AND c.period = t.period AND c.indicator_code = t.indicator_code
    UNION ALL
    -- the cities imputed, from their last reported period
    SELECT area_code, period, indicator_code, 'imputed', city_code, last_period
    FROM missing WHERE imputed
    UNION ALL
    -- the reporting cities in that period: the base of the change that carries an imputed city forward
    SELECT DISTINCT x.area_code, x.period, x.indicator_code, 'imputation_base', c.city_code, x.last_period
    FROM missing x
    JOIN members m ON m.area_code = x.area_code
    JOIN city_cells now ON now.city_code = m.city_code AND now.period = x.period
                       AND now.indicator_code = x.indicator_code
    JOIN city_cells c ON c.city_code = m.city_code AND c.period = x.last_period
                     AND c.indicator_code = x.indicator_code
    WHERE x.imputed
),
-- each edge down to the submitted cells, with the vintage used
used AS (
    SELECT e.area_code, e.period, e.indicator_code, e.role, ci.part,
           ci.input_area_code, ci.input_period, ci.input_indicator_code,
           b.submission_id, b.value AS cell_value
    FROM edges e
    JOIN city_inputs ci ON ci.city_code = e.city_code AND ci.period = e.city_period
                       AND ci.indicator_code = e.indicator_code
    JOIN mart.observations b ON b.area_code = ci.input_area_code AND b.period = ci.input_period
                            AND b.indicator_code = ci.input_indicator_code
),
-- the other vintages of each city base value, from the source whose vintage is used
superseded AS (
    SELECT o.area_code, o.period, o.indicator_code, 'superseded' AS role, 'value' AS part,
           o.area_code AS input_area_code, o.period AS input_period, o.indicator_code AS input_indicator_code,
           v.submission_id, v.value AS cell_value
    FROM mart.observations o
    JOIN core.observations v
      ON v.source = o.source_profile AND v.area_code = o.area_code AND v.period = o.period
     AND v.indicator_code = o.indicator_code AND v.submission_id <> o.submission_id
    WHERE o.source_profile NOT IN ('aggregate', 'derived') AND list_contains(scope, o.indicator_code)
),
rows AS (
    SELECT * FROM used
    UNION ALL
    SELECT * FROM superseded
)
SELECT r.area_code,
       o.area_level,
       r.period,
       o.freq,
       o.time_period,
       r.indicator_code,
       r.role,
       r.part,
       r.input_area_code,
       r.input_period,
       b.freq AS input_freq,
       b.time_period AS input_time_period,
       r.input_indicator_code,
       CASE WHEN b.conf_status = 'F' THEN r.cell_value END AS input_value,
       b.obs_status AS input_obs_status,
       b.conf_status AS input_conf_status,
       r.submission_id,
       s.profile AS source_profile,
       s.profile = i.submitter AS from_source_of_record,
       s.original_filename,
       s.received_at,
       w.submission_id IS NOT NULL AS withdrawn,
       rel.released_at,
       input_rel.released_at AS input_released_at
FROM rows r
JOIN mart.observations o USING (area_code, period, indicator_code)
JOIN mart.observations b
  ON b.area_code = r.input_area_code AND b.period = r.input_period AND b.indicator_code = r.input_indicator_code
JOIN ref.indicators i ON i.indicator_code = r.input_indicator_code
JOIN ops.submissions s ON s.submission_id = r.submission_id
LEFT JOIN ops.withdrawals w ON w.submission_id = r.submission_id
LEFT JOIN ops.releases rel ON rel.period = mart.release_month(o.period, o.freq)
LEFT JOIN ops.releases input_rel ON input_rel.period = mart.release_month(b.period, b.freq);
-- Not sorted here: the publish sorts the served table (pipelines/publish.py), and nothing reads this one's
-- order. At national scale (34 M rows) the sort here made the mart need more than 4 GB; without it, it
-- builds within DIGECON_BUILD_MEMORY_MB=4096.
