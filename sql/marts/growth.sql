-- mart.growth: one row per row of mart.observations with its growth.
--   当期值 (own_value): a year-to-date series' own period: its year to date less the previous period's
--     within the same year (January's own value is its year to date; blank when the previous period is
--     missing). A rate over a year-to-date count: the own period's count over the period's denominator.
--   环比 (pop_*): on the previous period of the same frequency (an annual series' previous period is the
--     previous year, so its 环比 and 同比 coincide). A year-to-date series compares own values (January's
--     against December's), never year-to-date totals of different lengths; blank without both.
--   A rate runs through the year like its numerator: PUE sums like its flows, the share of enterprises
--   transformed restarts in January like its year-to-date count.
--   同比 (yoy_*): on the same period a year earlier.
--   Year to date (ytd_*): flows summed from January (blank unless every period so far is present), a
--     year-to-date series as reported, a rate of flows (PUE) as the ratio of the summed parts; with its
--     同比 on the same span a year earlier.
--   CAGR: from the series' first complete year to this year, on the row that closes a complete year
--     (a stock's year-end level, a flow's full-year sum, a year-to-date series' December).
-- Rates (unit %) change in percentage points (growth_unit 'pp'); their "CAGR" is the average change in
-- points a year. gdp and value added are at current prices: their growth is nominal (price_basis).
-- *_complete: every value the figure uses covers all the area's cities (aggregates compare like with like).
-- *_flag: a figure that does not compare like with like says why (blank when it does, or has no figure):
--   'break' a value it uses, or any period between its two ends, is a break in the series (obs_status B:
--     the city's source switched between the agency of record and a pilot); the 同比 and year-to-date
--     figures look for a break in the twelve months up to the period;
--   'estimate' a value it uses is an imputed total (obs_status E; a withheld total, M, has no value).
-- The rows of the indicators in `scope` (pipelines/build.py refresh).
CREATE OR REPLACE MACRO mart.growth_in(scope) AS TABLE
WITH obs AS (
    SELECT o.*, i.series_kind, i.nominal, i.multiplier,
           coalesce(n.series_kind, i.series_kind) AS runs_like,  -- a rate runs through the year like its numerator
           o.obs_status IN ('E', 'M') AS estimated,
           o.obs_status = 'B' AS is_break,
           -- a break within the twelve months up to the period (a quarter's window holds four quarters)
           count(*) FILTER (WHERE o.obs_status = 'B') OVER (
               PARTITION BY o.area_code, o.indicator_code ORDER BY o.period
               RANGE BETWEEN INTERVAL 11 MONTHS PRECEDING AND CURRENT ROW) > 0 AS break_within_year,
           year(o.period) AS year,
           mart.period_in_year(o.period, o.freq) AS period_in_year,
           mart.periods_per_year(o.freq) AS periods_per_year
    FROM mart.observations o
    JOIN ref.indicators i USING (indicator_code)
    LEFT JOIN ref.indicators n ON n.indicator_code = i.numerator
    WHERE list_contains(scope, o.indicator_code)
),
with_ytd AS (
    SELECT *,
           CASE WHEN runs_like = 'ytd' THEN value
                WHEN runs_like <> 'flow' THEN NULL
                WHEN count(value) OVER year_so_far < period_in_year THEN NULL  -- a period missing so far
                WHEN numerator_value IS NULL THEN mart.exact_sum(value) OVER year_so_far
                ELSE mart.exact_sum(numerator_value) OVER year_so_far
                     / mart.exact_sum(denominator_value) OVER year_so_far * multiplier
           END AS ytd_value,
           CASE WHEN runs_like = 'ytd' THEN complete ELSE bool_and(complete) OVER year_so_far END AS ytd_all_complete,
           CASE WHEN runs_like = 'ytd' THEN released ELSE bool_and(released) OVER year_so_far END AS ytd_all_released,
           CASE WHEN runs_like = 'ytd' THEN estimated ELSE bool_or(estimated) OVER year_so_far END AS ytd_estimated
    FROM obs
    WINDOW year_so_far AS (PARTITION BY area_code, indicator_code, year ORDER BY period
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
with_annual AS (
    SELECT *,
           CASE WHEN period_in_year = periods_per_year
                THEN CASE WHEN runs_like IN ('ytd', 'flow') THEN ytd_value ELSE value END END AS annual_value,
           CASE WHEN runs_like IN ('ytd', 'flow') THEN ytd_all_complete ELSE complete END AS annual_complete,
           CASE WHEN runs_like IN ('ytd', 'flow') THEN ytd_all_released ELSE released END AS annual_released
    FROM with_ytd
),
-- The period's own value of a year-to-date series (当期值), and the value its 环比 compares.
with_own AS (
    SELECT o.*,
           CASE WHEN o.runs_like <> 'ytd' THEN NULL
                WHEN o.period_in_year = 1 THEN o.value
                WHEN o.numerator_value IS NULL THEN o.value - m.value
                ELSE (o.numerator_value - m.numerator_value) / o.denominator_value * o.multiplier
           END AS own_value,
           CASE WHEN o.runs_like <> 'ytd' THEN NULL
                WHEN o.period_in_year = 1 THEN o.complete
                ELSE o.complete AND m.complete END AS own_complete,
           o.released AND coalesce(m.released, TRUE) AS own_released,
           o.estimated OR coalesce(m.estimated, FALSE) AS own_estimated,
           o.is_break OR coalesce(m.is_break, FALSE) AS own_break
    FROM with_annual o
    LEFT JOIN with_annual m
      ON m.area_code = o.area_code AND m.indicator_code = o.indicator_code AND m.year = o.year
     AND m.period = (o.period - to_months(12 // o.periods_per_year))::DATE
),
compared AS (
    SELECT *,
           CASE WHEN runs_like = 'ytd' THEN own_value ELSE value END AS pop_value,
           CASE WHEN runs_like = 'ytd' THEN own_complete ELSE complete END AS pop_value_complete,
           CASE WHEN runs_like = 'ytd' THEN own_released ELSE released END AS pop_value_released,
           CASE WHEN runs_like = 'ytd' THEN own_estimated ELSE estimated END AS pop_value_estimated,
           -- the 环比 of a year-to-date series compares own values, which span this period and the previous
           CASE WHEN runs_like = 'ytd' THEN own_break ELSE is_break END AS pop_value_break
    FROM with_own
),
-- The first complete year of each series: the base of its CAGR.
cagr_base AS (
    SELECT area_code, indicator_code,
           min(year) AS base_year, arg_min(annual_value, year) AS base_value,
           arg_min(annual_released, year) AS base_released
    FROM with_annual
    WHERE annual_value IS NOT NULL AND annual_complete
    GROUP BY ALL
),
with_cagr AS (
    SELECT o.*, b.base_year, b.base_value, b.base_released,
           coalesce(o.annual_value IS NOT NULL AND o.annual_complete AND o.year > b.base_year, FALSE) AS has_cagr
    FROM compared o
    LEFT JOIN cagr_base b USING (area_code, indicator_code)
)
SELECT o.area_code,
       o.area_level,
       o.period,
       o.freq,
       o.time_period,
       o.indicator_code,
       o.conf_status,
       o.series_kind,
       o.unit,
       o.value,
       o.own_value,
       o.own_complete,
       o.n_areas,
       o.n_areas_expected,
       o.complete,
       CASE WHEN o.unit = '%' THEN 'pp' ELSE '%' END AS growth_unit,
       CASE WHEN o.nominal THEN 'nominal' END AS price_basis,
       p.period AS pop_base_period,
       p.time_period AS pop_base_time_period,
       p.pop_value AS pop_base_value,
       o.pop_value - p.pop_value AS pop_change,
       mart.growth_rate(o.pop_value, p.pop_value, o.unit) AS pop_growth,
       o.pop_value_complete AND p.pop_value_complete AS pop_complete,
       mart.growth_flag(mart.growth_rate(o.pop_value, p.pop_value, o.unit), o.pop_value_break,
                        o.pop_value_estimated OR p.pop_value_estimated) AS pop_flag,
       y.value AS yoy_base_value,
       o.value - y.value AS yoy_change,
       mart.growth_rate(o.value, y.value, o.unit) AS yoy_growth,
       o.complete AND y.complete AS yoy_complete,
       mart.growth_flag(mart.growth_rate(o.value, y.value, o.unit), o.break_within_year,
                        o.estimated OR y.estimated) AS yoy_flag,
       o.ytd_value,
       y.ytd_value AS ytd_base_value,
       o.ytd_value - y.ytd_value AS ytd_change,
       mart.growth_rate(o.ytd_value, y.ytd_value, o.unit) AS ytd_growth,
       CASE WHEN o.ytd_value IS NOT NULL THEN o.ytd_all_complete AND coalesce(y.ytd_all_complete, TRUE) END
           AS ytd_complete,
       mart.growth_flag(mart.growth_rate(o.ytd_value, y.ytd_value, o.unit), o.break_within_year,
                        o.ytd_estimated OR y.ytd_estimated) AS ytd_flag,
       CASE WHEN o.annual_complete THEN o.annual_value END AS annual_value,
       CASE WHEN o.has_cagr THEN o.base_year END AS cagr_base_year,
       CASE WHEN o.has_cagr THEN o.base_value END AS cagr_base_value,
       CASE WHEN NOT o.has_cagr THEN NULL
            WHEN o.unit = '%' THEN (o.annual_value - o.base_value) / (o.year - o.base_year)
            WHEN o.base_value > 0 AND o.annual_value >= 0
                THEN (power(o.annual_value / o.base_value, 1.0 / (o.year - o.base_year)) - 1) * 100
       END AS cagr,
       -- released when every value the row's figures use is released
       o.released
           AND (o.own_value IS NULL OR o.own_released)
           AND (p.pop_value IS NULL OR p.pop_value_released)
           AND coalesce(y.released, TRUE)
           AND (o.ytd_value IS NULL OR o.ytd_all_released)
           AND (y.ytd_value IS NULL OR o.ytd_value IS NULL OR y.ytd_all_released)
           AND (NOT o.has_cagr OR o.base_released) AS released
FROM with_cagr o
LEFT JOIN compared p
  ON p.area_code = o.area_code AND p.indicator_code = o.indicator_code
 AND p.period = (o.period - to_months(12 // o.periods_per_year))::DATE
LEFT JOIN with_annual y
  ON y.area_code = o.area_code AND y.indicator_code = o.indicator_code
 AND y.period = (o.period - to_months(12))::DATE
ORDER BY o.indicator_code, o.area_level, o.area_code, o.period;
