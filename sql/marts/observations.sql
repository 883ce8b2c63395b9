-- mart.observations: the latest value of every base and derived indicator for cities, the four regions
-- and the province; unique on (area_code, period, indicator_code).
-- Counts aggregate by summing over the cities that reported; rates (and PUE, per-10k) as the ratio of
-- the summed parts over the cities that have both parts, never an average of city rates. n_areas and
-- coverage_pct mark an aggregate that misses cities. Blank means not reported: no row, never zero.
-- A value is provisional (obs_status P) until its period is released; a value resting on a pilot's
-- figure (a pilot filling a cell the agency of record has not reported) stays P after release.
CREATE OR REPLACE TABLE mart.observations AS
WITH latest AS MATERIALIZED (
    SELECT * FROM core.v_latest
),
-- Each city counts toward its region and the province (the one area ref.areas lists at province level).
aggregation_areas AS (
    SELECT city_code, region_code AS area_code FROM ref.cities
    UNION ALL
    SELECT c.city_code, p.area_code FROM ref.cities c JOIN ref.areas p ON p.area_level = 'province'
),
expected AS (
    SELECT area_code, count(*) AS n_areas_expected FROM aggregation_areas GROUP BY area_code
    UNION ALL
    SELECT city_code, 1 FROM ref.cities
),
city_base AS (
    SELECT area_code, period, freq, indicator_code, value, source, submission_id, from_source_of_record,
           1 AS n_areas
    FROM latest
),
aggregate_base AS (
    SELECT a.area_code, b.period, b.freq, b.indicator_code, mart.exact_sum(b.value) AS value,
           'aggregate' AS source,
           bool_and(b.from_source_of_record) AS from_source_of_record, count(*) AS n_areas
    FROM city_base b JOIN aggregation_areas a ON a.city_code = b.area_code
    GROUP BY ALL
),
-- Each city's pair with where its parts came from: a rate inherits P from a pilot's numerator or denominator.
pairs AS (
    SELECT p.*, n.from_source_of_record AND d.from_source_of_record AS from_source_of_record
    FROM core.derived_pairs p
    JOIN ref.indicators i USING (indicator_code)
    JOIN latest n ON n.area_code = p.area_code AND n.period = p.period AND n.indicator_code = i.numerator
    JOIN latest d ON d.area_code = p.area_code AND d.period = p.denominator_period
                 AND d.indicator_code = i.denominator
),
city_derived AS (
    SELECT area_code, period, freq, indicator_code, numerator_value / denominator_value * multiplier AS value,
           numerator_value, denominator_value, denominator_period, 'derived' AS source, from_source_of_record,
           1 AS n_areas
    FROM pairs
    WHERE denominator_value > 0  -- a rate over nothing is undefined: blank
),
aggregate_derived AS (
    SELECT a.area_code, p.period, p.freq, p.indicator_code,
           mart.exact_sum(p.numerator_value) / mart.exact_sum(p.denominator_value) * any_value(p.multiplier)
               AS value,
           mart.exact_sum(p.numerator_value) AS numerator_value,
           mart.exact_sum(p.denominator_value) AS denominator_value,
           'aggregate' AS source, bool_and(p.from_source_of_record) AS from_source_of_record,
           count(*) AS n_areas
    FROM pairs p JOIN aggregation_areas a ON a.city_code = p.area_code
    GROUP BY ALL
    HAVING mart.exact_sum(p.denominator_value) > 0
),
all_values AS (
    SELECT * FROM city_base
    UNION ALL BY NAME SELECT * FROM aggregate_base
    UNION ALL BY NAME SELECT * FROM city_derived
    UNION ALL BY NAME SELECT * FROM aggregate_derived
)
SELECT v.area_code,
       ar.area_level,
       v.period,
       v.freq,
       mart.time_period(v.period, v.freq) AS time_period,
       v.indicator_code,
       v.value,
       i.unit,
       CASE WHEN r.period IS NOT NULL AND v.from_source_of_record THEN 'A' ELSE 'P' END AS obs_status,
       r.period IS NOT NULL AS released,
       v.source AS source_profile,
       v.submission_id,
       v.from_source_of_record,
       v.numerator_value,
       v.denominator_value,
       v.denominator_period,
       v.n_areas,
       e.n_areas_expected,
       100.0 * v.n_areas / e.n_areas_expected AS coverage_pct,
       v.n_areas = e.n_areas_expected AS complete
FROM all_values v
JOIN ref.areas ar USING (area_code)
JOIN ref.indicators i USING (indicator_code)
JOIN expected e USING (area_code)
LEFT JOIN ops.releases r ON r.period = mart.release_month(v.period, v.freq)
ORDER BY v.indicator_code, ar.area_level, v.area_code, v.period;
