-- mart.observations: the latest value of every base and derived indicator for cities, the four regions
-- and the province; unique on (area_code, period, indicator_code).
-- Counts aggregate by summing over the cities; rates (and PUE, per-10k) as the ratio of the summed parts
-- over the cities that have both parts, never an average of city rates. Blank means not reported: no
-- city row, never zero.
-- A region or province total that misses cities is not published as if it were a total
-- (ref.aggregation_rules, from indicators/data/aggregation.yaml):
--   * each missing city is imputed by ratio imputation: its last reported value (the latest earlier
--     period it reported, same indicator) × the change of the area's cities that reported in both
--     periods (Σ those cities now / Σ the same cities then). A rate imputes its numerator and its
--     denominator each so. The total is then estimated: obs_status E, n_areas the cities that reported,
--     n_imputed the cities imputed;
--   * below min_coverage_pct of the area's cities reporting, or if a missing city cannot be imputed
--     (it never reported before, or no reporting city shares its last period), no value is published:
--     obs_status M, value and parts blank.
-- Disclosure control (indicators/disclosure.py) then blanks confidential cells in the same transaction:
-- conf_status C (fewer than ref.disclosure_rules.min_units units, n_units) or D (hidden so that no
-- C cell can be derived), obs_status Q. n_units: a city's contributing units as submitted; a total's,
-- the sum over its reporting cities when each gave a count.
-- obs_status (SDMX CL_OBS_STATUS), the first that applies: M withheld total; B a city series whose source
-- switched (agency of record ↔ pilot) since its previous reported period; E an imputed total; A released;
-- P provisional. Whether a value rests on a pilot's figure is from_source_of_record, not the status.
-- The rows of the indicators in `scope` (closed under numerator and denominator: pipelines/build.py refresh).
CREATE OR REPLACE MACRO mart.observations_in(scope) AS TABLE
-- (The scope is applied to the cities' values and pairs, not to `latest`: filtered there, DuckDB's estimate of
-- its rows drops to a handful and the pairs' joins are planned as cross products.)
WITH latest AS MATERIALIZED (
    SELECT * FROM core.v_latest
),
-- Each city counts toward every area it lies in (its region and the province; nationally a county toward its
-- city and province: below, "city" is the reporting area).
aggregation_areas AS (
    SELECT member_code AS city_code, area_code FROM ref.area_members
),
expected AS (
    SELECT area_code, count(*) AS n_areas_expected FROM aggregation_areas GROUP BY area_code
    UNION ALL
    SELECT area_code, 1 FROM ref.areas WHERE reporting
),
city_base AS (
    SELECT area_code, period, freq, indicator_code, value, source, submission_id, from_source_of_record,
           n_units, 1 AS n_areas
    FROM latest
    WHERE list_contains(scope, indicator_code)
),
-- A rate's pairs in scope, joined to their numerator's cell and then (materialised in between) to their
-- denominator's. Left to itself, with `latest` estimated at a few thousand rows, the optimiser joined
-- every cell of an area with every other first: 542 M rows for one rate over two years of the national
-- panel (6.2 M values), minutes where this takes a second.
with_numerator AS MATERIALIZED (
    SELECT p.*, i.denominator, n.from_source_of_record AS numerator_from_source_of_record
    FROM core.derived_pairs p
    JOIN ref.indicators i USING (indicator_code)
    JOIN latest n ON n.area_code = p.area_code AND n.period = p.period AND n.indicator_code = i.numerator
    WHERE list_contains(scope, p.indicator_code)
),
-- Each city's pair with where its parts came from: a rate rests on a pilot if its numerator or denominator does.
pairs AS (
    SELECT p.* EXCLUDE (denominator, numerator_from_source_of_record),
           p.numerator_from_source_of_record AND d.from_source_of_record AS from_source_of_record
    FROM with_numerator p
    JOIN latest d ON d.area_code = p.area_code AND d.period = p.denominator_period
                 AND d.indicator_code = p.denominator
),
city_derived AS (
    SELECT area_code, period, freq, indicator_code, numerator_value / denominator_value * multiplier AS value,
           numerator_value, denominator_value, denominator_period, 'derived' AS source, from_source_of_record,
           1 AS n_areas
    FROM pairs
    WHERE denominator_value > 0  -- a rate over nothing is undefined: blank
),
-- What an aggregate sums, one row per city and part: a count's value, a rate's numerator and denominator.
city_parts AS (
    SELECT area_code AS city_code, period, freq, indicator_code, 'value' AS part, value, from_source_of_record,
           n_units
    FROM city_base
    UNION ALL
    SELECT area_code, period, freq, indicator_code, 'numerator', numerator_value, from_source_of_record, NULL
    FROM pairs
    UNION ALL
    SELECT area_code, period, freq, indicator_code, 'denominator', denominator_value, from_source_of_record, NULL
    FROM pairs
),
reported_parts AS (
    SELECT a.area_code, p.* FROM city_parts p JOIN aggregation_areas a USING (city_code)
),
-- Every aggregate cell some city reported, with what the reporting cities give.
aggregate_cells AS (
    SELECT area_code, period, freq, indicator_code,
           count(DISTINCT city_code) AS n_areas,
           bool_and(from_source_of_record) AS from_source_of_record,
           mart.exact_sum(CASE WHEN part = 'denominator' THEN value END) AS reported_denominator,
           -- contributing units of the reporting cities, when every one of them gave a count
           CASE WHEN count(*) FILTER (WHERE part = 'value') = count(n_units) FILTER (WHERE part = 'value')
                THEN sum(n_units) FILTER (WHERE part = 'value') END::INTEGER AS n_units
    FROM reported_parts
    GROUP BY ALL
),
-- The cities each cell misses, with the latest earlier period each reported the indicator (NULL: never).
missing AS (
    SELECT c.area_code, c.period, c.freq, c.indicator_code, a.city_code,
           (SELECT max(h.period) FROM city_parts h
            WHERE h.city_code = a.city_code AND h.indicator_code = c.indicator_code AND h.period < c.period)
               AS last_period
    FROM aggregate_cells c
    JOIN aggregation_areas a USING (area_code)
    WHERE NOT EXISTS (SELECT 1 FROM city_parts p
                      WHERE p.city_code = a.city_code AND p.period = c.period
                        AND p.indicator_code = c.indicator_code)
),
-- What the area's reporting cities give now, beside each city it misses. Materialised, so that it is
-- joined before their earlier values below: the optimiser would otherwise pair every city's periods
-- with each other first (1.6 M rows for the sample's 14,000 values).
missing_now AS MATERIALIZED (
    SELECT m.area_code, m.period, m.indicator_code, m.city_code, m.last_period,
           now.city_code AS reporting_city, now.part, now.value
    FROM missing m
    JOIN reported_parts now
      ON now.area_code = m.area_code AND now.period = m.period AND now.indicator_code = m.indicator_code
),
-- The change of the area's cities that reported both now and in the missing city's last period.
change AS (
    SELECT n.area_code, n.period, n.indicator_code, n.city_code, n.part,
           mart.exact_sum(n.value) / nullif(mart.exact_sum(earlier.value), 0) AS ratio
    FROM missing_now n
    JOIN city_parts earlier
      ON earlier.city_code = n.reporting_city AND earlier.period = n.last_period
     AND earlier.indicator_code = n.indicator_code AND earlier.part = n.part
    GROUP BY ALL
),
imputed_parts AS (
    SELECT m.area_code, m.period, m.freq, m.indicator_code, m.city_code, last.part,
           last.value * ch.ratio AS value
    FROM missing m
    JOIN city_parts last
      ON last.city_code = m.city_code AND last.period = m.last_period AND last.indicator_code = m.indicator_code
    JOIN change ch
      ON ch.area_code = m.area_code AND ch.period = m.period AND ch.indicator_code = m.indicator_code
     AND ch.city_code = m.city_code AND ch.part = last.part
    WHERE ch.ratio IS NOT NULL
),
-- A city counts as imputed when every part of it is (a rate: numerator and denominator).
imputed_cities AS (
    SELECT p.area_code, p.period, p.indicator_code, count(*) AS n_imputed
    FROM (SELECT area_code, period, indicator_code, city_code, count(*) AS n_parts
          FROM imputed_parts GROUP BY ALL) p
    JOIN ref.indicators i USING (indicator_code)
    WHERE p.n_parts = CASE WHEN i.is_derived THEN 2 ELSE 1 END
    GROUP BY ALL
),
aggregate_sums AS (
    SELECT area_code, period, indicator_code,
           mart.exact_sum(CASE WHEN part = 'value' THEN value END) AS value,
           mart.exact_sum(CASE WHEN part = 'numerator' THEN value END) AS numerator_value,
           mart.exact_sum(CASE WHEN part = 'denominator' THEN value END) AS denominator_value
    FROM (SELECT area_code, period, indicator_code, part, value FROM reported_parts
          UNION ALL
          SELECT area_code, period, indicator_code, part, value FROM imputed_parts)
    GROUP BY ALL
),
aggregates AS (
    SELECT c.area_code, c.period, c.freq, c.indicator_code, c.n_areas, c.from_source_of_record, c.n_units,
           'aggregate' AS source,
           100.0 * c.n_areas / e.n_areas_expected < r.min_coverage_pct
               OR c.n_areas + coalesce(ic.n_imputed, 0) < e.n_areas_expected AS withheld,
           coalesce(ic.n_imputed, 0) AS n_imputed,
           i.is_derived, i.multiplier, s.value, s.numerator_value, s.denominator_value
    FROM aggregate_cells c
    JOIN expected e USING (area_code)
    JOIN ref.indicators i USING (indicator_code)
    JOIN aggregate_sums s USING (area_code, period, indicator_code)
    CROSS JOIN ref.aggregation_rules r
    LEFT JOIN imputed_cities ic USING (area_code, period, indicator_code)
    WHERE NOT i.is_derived OR c.reported_denominator > 0  -- a rate over nothing is undefined: blank
),
aggregate_values AS (
    SELECT area_code, period, freq, indicator_code, source, from_source_of_record, n_areas, n_units, withheld,
           CASE WHEN withheld THEN 0 ELSE n_imputed END AS n_imputed,
           CASE WHEN withheld THEN NULL
                WHEN is_derived THEN numerator_value / nullif(denominator_value, 0) * multiplier
                ELSE value END AS value,
           CASE WHEN NOT withheld THEN numerator_value END AS numerator_value,
           CASE WHEN NOT withheld THEN denominator_value END AS denominator_value
    FROM aggregates
),
-- A city series breaks where its source switches (agency of record ↔ pilot) from its previous reported period.
city_values AS (
    SELECT *, from_source_of_record <> lag(from_source_of_record) OVER (
                  PARTITION BY area_code, indicator_code ORDER BY period) AS source_switched
    FROM (SELECT * FROM city_base UNION ALL BY NAME SELECT * FROM city_derived)
),
all_values AS (
    SELECT *, FALSE AS withheld, 0 AS n_imputed FROM city_values
    UNION ALL BY NAME SELECT *, FALSE AS source_switched FROM aggregate_values
)
SELECT v.area_code,
       ar.area_level,
       v.period,
       v.freq,
       mart.time_period(v.period, v.freq) AS time_period,
       v.indicator_code,
       v.value,
       i.unit,
       CASE WHEN v.withheld THEN 'M'
            WHEN coalesce(v.source_switched, FALSE) THEN 'B'
            WHEN v.n_imputed > 0 THEN 'E'
            WHEN r.period IS NOT NULL THEN 'A'
            ELSE 'P' END AS obs_status,
       'F' AS conf_status,  -- C and D set by disclosure control (pipelines/disclosure.py) before anyone reads it
       r.period IS NOT NULL AS released,
       v.source AS source_profile,
       v.submission_id,
       v.from_source_of_record,
       v.numerator_value,
       v.denominator_value,
       v.denominator_period,
       v.n_areas,
       v.n_imputed,
       v.n_units,
       e.n_areas_expected,
       100.0 * v.n_areas / e.n_areas_expected AS coverage_pct,
       v.n_areas = e.n_areas_expected AS complete
FROM all_values v
JOIN ref.areas ar USING (area_code)
JOIN ref.indicators i USING (indicator_code)
JOIN expected e USING (area_code)
LEFT JOIN ops.releases r ON r.period = mart.release_month(v.period, v.freq)
ORDER BY v.indicator_code, ar.area_level, v.area_code, v.period;
