-- mart.observations: the latest value of every base and derived indicator for cities, the four regions
-- and the province; unique on (area_code, period, indicator_code).
-- Counts aggregate by summing over the cities that reported; rates (and PUE, per-10k) as the ratio of
-- the summed parts over the cities that have both parts. n_areas / coverage mark an incomplete aggregate.
-- A value is provisional (obs_status P) until its period is released; a pilot's value that fills a cell
-- the agency of record has not reported stays P.
CREATE OR REPLACE TABLE mart.observations AS
WITH aggregation_areas AS (
    SELECT city_code, region_code AS area_code FROM ref.cities
    UNION ALL
    SELECT city_code, '440000' FROM ref.cities
),
expected AS (
    SELECT area_code, count(*) AS n_areas_expected FROM aggregation_areas GROUP BY area_code
    UNION ALL
    SELECT city_code, 1 FROM ref.cities
),
city_base AS (
    SELECT area_code, period, freq, indicator_code, value, source, submission_id,
           from_source_of_record, 1 AS n_areas
    FROM core.v_latest
),
aggregate_base AS (
    SELECT a.area_code, b.period, b.freq, b.indicator_code, sum(b.value) AS value,
           'aggregate' AS source, NULL::BIGINT AS submission_id, bool_and(b.from_source_of_record) AS from_source_of_record,
           count(*) AS n_areas
    FROM city_base b JOIN aggregation_areas a ON a.city_code = b.area_code
    GROUP BY ALL
),
city_derived AS (
    SELECT area_code, period, freq, indicator_code,
           numerator_value / denominator_value * multiplier AS value,
           'derived' AS source, NULL::BIGINT AS submission_id, NULL::BOOLEAN AS from_source_of_record, 1 AS n_areas
    FROM core.derived_pairs
    WHERE denominator_value > 0
),
aggregate_derived AS (
    SELECT a.area_code, p.period, p.freq, p.indicator_code,
           sum(p.numerator_value) / sum(p.denominator_value) * any_value(p.multiplier) AS value,
           'aggregate' AS source, NULL::BIGINT AS submission_id, NULL::BOOLEAN AS from_source_of_record, count(*) AS n_areas
    FROM core.derived_pairs p JOIN aggregation_areas a ON a.city_code = p.area_code
    GROUP BY ALL
    HAVING sum(p.denominator_value) > 0
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
       CASE v.freq WHEN 'M' THEN strftime(v.period, '%Y-%m')
                   WHEN 'Q' THEN strftime(v.period, '%Y') || '-Q' || quarter(v.period)
                   ELSE strftime(v.period, '%Y') END AS time_period,
       v.indicator_code,
       v.value,
       i.unit,
       CASE WHEN r.period IS NOT NULL AND coalesce(v.from_source_of_record, TRUE) THEN 'A' ELSE 'P' END
           AS obs_status,
       v.source,
       v.submission_id,
       v.n_areas,
       e.n_areas_expected,
       round(100.0 * v.n_areas / e.n_areas_expected, 1) AS coverage_pct,
       r.period IS NOT NULL AS released
FROM all_values v
JOIN ref.areas ar USING (area_code)
JOIN ref.indicators i USING (indicator_code)
JOIN expected e USING (area_code)
LEFT JOIN ops.releases r ON r.period = date_trunc('month', core.period_end(v.period, v.freq))
ORDER BY v.indicator_code, ar.area_level, v.area_code, v.period;
