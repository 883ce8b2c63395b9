-- The inputs of the composite index (indicators/data/index.yaml, pipelines/composite_index.py): each
-- city's value of each index indicator ($codes) for each year, on released values only (basis
-- 'released', what BI and the report read) and on the latest values (basis 'latest', provisional ones
-- included). One row per basis × city × year × indicator, whether or not the city has a value.
-- Years: from $first_year (the first monitored year, calendar.yaml) those with a city value of an index
-- indicator, once the year has ended by $reference_date.
-- The year's value (measure):
--   year_end              a rate over a stock or a year-to-date count: its value for the period ending on
--                         31 December (2023-12, 2023-Q4 or 2023), as mart.observations holds it;
--   annual_ratio_of_sums  a rate of two flows (PUE, value added over GDP): Σ numerator / Σ denominator
--                         over every period of the year, which must all be there (not one seasonal quarter).
-- input_status, the first that applies:
--   suppressed    a period used has no value and obs_status Q (confidential; never recomputed from parts);
--   missing       no value for the period (not reported, not yet due, or a rate over nothing), or not
--                 every period of the year for a ratio of sums;
--   not_released  (basis released) a period used is not released yet;
--   ok            the value enters the index.
-- value is blank unless input_status is ok: nothing unreleased or suppressed leaves this query.
WITH bases(basis) AS (VALUES ('released'), ('latest')),
indicators AS (
    SELECT i.indicator_code, i.freq, i.multiplier,
           CASE WHEN n.series_kind = 'flow' THEN 'annual_ratio_of_sums' ELSE 'year_end' END AS measure
    FROM ref.indicators i
    JOIN ref.indicators n ON n.indicator_code = i.numerator
    WHERE list_contains($codes, i.indicator_code)
),
city_values AS (
    SELECT o.area_code, o.indicator_code, o.period, o.freq, year(o.period) AS year, o.value, o.numerator_value,
           o.denominator_value, o.obs_status, o.released
    FROM mart.observations o
    JOIN indicators USING (indicator_code)
    WHERE o.area_level = 'city' AND core.period_end(o.period, o.freq) <= $reference_date::DATE
),
years AS (
    SELECT DISTINCT year FROM city_values
    WHERE year >= $first_year AND make_date(year, 12, 31) <= $reference_date::DATE
),
grid AS (
    SELECT b.basis, c.city_code AS area_code, y.year, i.*,
           CASE i.measure WHEN 'year_end' THEN 1 ELSE mart.periods_per_year(i.freq) END AS periods_expected,
           -- the period ending on 31 December: December, the fourth quarter or the year
           make_date(y.year, 13 - 12 // mart.periods_per_year(i.freq), 1) AS year_end_period
    FROM bases b CROSS JOIN ref.cities c CROSS JOIN years y CROSS JOIN indicators i
),
used AS (
    SELECT g.basis, g.area_code, g.year, g.indicator_code, g.measure, g.periods_expected,
           CASE g.measure WHEN 'year_end' THEN mart.time_period(g.year_end_period, g.freq)
                ELSE mart.time_period(make_date(g.year, 1, 1), 'A') END AS input_time_period,
           count(v.period) AS n_periods,
           count(v.period) FILTER (WHERE v.value IS NULL OR v.numerator_value IS NULL
                                      OR v.denominator_value IS NULL) AS n_blank,
           count(v.period) FILTER (WHERE v.value IS NULL AND v.obs_status = 'Q') AS n_suppressed,
           count(v.period) FILTER (WHERE NOT v.released) AS n_unreleased,
           any_value(v.value) AS year_end_value,
           mart.exact_sum(v.numerator_value) / mart.exact_sum(v.denominator_value) * any_value(g.multiplier)
               AS ratio_of_sums,
           -- the status of the value used: a year's is A when every period's is, else the first other one
           coalesce(arg_min(v.obs_status, v.period) FILTER (WHERE v.obs_status <> 'A'), any_value(v.obs_status))
               AS obs_status
    FROM grid g
    LEFT JOIN city_values v
      ON v.area_code = g.area_code AND v.indicator_code = g.indicator_code AND v.year = g.year
     AND (g.measure = 'annual_ratio_of_sums' OR v.period = g.year_end_period)
    GROUP BY ALL
),
judged AS (
    SELECT *,
           CASE WHEN n_suppressed > 0 THEN 'suppressed'
                WHEN n_periods < periods_expected OR n_blank > 0 THEN 'missing'
                WHEN basis = 'released' AND n_unreleased > 0 THEN 'not_released'
                ELSE 'ok' END AS input_status
    FROM used
)
SELECT basis, area_code, year, indicator_code, measure, input_time_period, n_periods, periods_expected,
       input_status, obs_status,
       CASE WHEN input_status <> 'ok' THEN NULL
            WHEN measure = 'year_end' THEN year_end_value ELSE ratio_of_sums END AS value
FROM judged
ORDER BY basis, year, area_code, indicator_code
