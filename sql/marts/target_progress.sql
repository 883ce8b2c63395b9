-- mart.target_progress: every configured target, twice: on released values only (basis 'released',
-- what BI shows by default) and on the latest values including provisional ones (basis 'latest').
-- actual: on the target's measure (ref.targets.measure, from targets.yaml), the latest value whose period
--   ends by the reference date and by the deadline (31 December of the target year):
--   latest: each period's value; a year-to-date series, or a rate over one, counts only within the target
--     year (it restarts in January); an "increase" target counts the rise since the end of the year
--     before (a stock's additions this year);
--   annual_ratio_of_sums: each complete year's Σ numerator / Σ denominator over all its periods (PUE: the
--     year's total energy over its IT energy, not one seasonal quarter), period the year (time_period 2023).
--   After the deadline the actual is the final value, from actual_time_period.
-- target_scope: area (set for the area) or national_applied_to_province (a national target the province
--   is measured against).
--   A region's or the province's total counts only when it covers every city: a total with cities
--   missing is short, not progress (no such total yet: no_data).
-- completion_pct: actual / target; a "<=" target (PUE) counts in reverse: target / actual.
-- time_elapsed_pct (时间进度): the share of the target's span (1 January of start_year to 31 December of
--   year) gone by at the end of the reference date.
-- projection: the value at the deadline at the run-rate: a year-to-date series at its pace so far this
--   year (actual / months × 12), an increase likewise; any other series at its change over the last
--   12 months, carried on linearly; kept within the indicator's bounds (a coverage cannot pass 100 %).
-- target_status (thresholds below, documented in docs/marts.md):
--   no_data       no actual value yet (none covering every city);
--   after the deadline (reference date past 31 December of the target year), the outcome on the final value:
--   achieved      the final value meets the target (>= or <= the target value);
--   not_achieved  it does not (99.97 % against 100 % is not achieved);
--   before it:
--   on_track      the target is met already, or the projection meets it (projected completion >= 100 %);
--   at_risk       projected completion >= 90 %, or not met and no run-rate (no value a year earlier);
--   off_track     projected completion < 90 %.
-- *_period columns are the period's first day (DATE); *_time_period its SDMX label (2023-06, 2023-Q2, 2023).
CREATE OR REPLACE TABLE mart.target_progress AS
WITH status_thresholds AS (
    SELECT 100.0 AS on_track_from, 90.0 AS at_risk_from
),
bases(basis) AS (VALUES ('released'), ('latest')),
targets AS (
    SELECT t.*, b.basis, a.area_level, i.unit, i.min_value, i.max_value,
           make_date(t.year, 12, 31) AS deadline,
           -- a rate over a year-to-date count (the share transformed) restarts in January like the count
           coalesce(n.series_kind, i.series_kind) = 'ytd' OR t.target_kind = 'increase' AS counts_within_year
    FROM ref.targets t
    CROSS JOIN bases b
    JOIN ref.indicators i USING (indicator_code)
    LEFT JOIN ref.indicators n ON n.indicator_code = i.numerator
    JOIN ref.areas a USING (area_code)
),
candidates AS (
    -- measure latest: each period's value
    SELECT t.target_id, t.basis, o.period, o.time_period,
           o.value - coalesce(y.value, 0) AS value, o.obs_status,
           core.period_end(o.period, o.freq) AS period_end
    FROM targets t
    JOIN mart.observations o ON o.indicator_code = t.indicator_code AND o.area_code = t.area_code
    -- an increase is measured from the value at the end of the year before, like for like
    LEFT JOIN mart.observations y
      ON t.target_kind = 'increase' AND y.indicator_code = o.indicator_code AND y.area_code = o.area_code
     AND core.period_end(y.period, y.freq) = make_date(t.year - 1, 12, 31)
     AND y.complete AND (t.basis = 'latest' OR y.released)
    WHERE (t.basis = 'latest' OR o.released)
      AND o.complete
      AND core.period_end(o.period, o.freq) <= least($reference_date::DATE, t.deadline)
      AND (NOT t.counts_within_year OR year(o.period) = t.year)
      AND (t.target_kind <> 'increase' OR y.value IS NOT NULL)
      AND t.measure = 'latest'
    UNION ALL
    -- measure annual_ratio_of_sums: each complete year, Σ numerator / Σ denominator over its periods;
    -- its status is A when every period's is, else the first other status among them
    SELECT t.target_id, t.basis, make_date(year(o.period), 1, 1) AS period,
           mart.time_period(make_date(year(o.period), 1, 1), 'A') AS time_period,
           mart.exact_sum(o.numerator_value) / mart.exact_sum(o.denominator_value) * any_value(i.multiplier)
               AS value,
           coalesce(arg_min(o.obs_status, o.period) FILTER (WHERE o.obs_status <> 'A'), 'A') AS obs_status,
           make_date(year(o.period), 12, 31) AS period_end
    FROM targets t
    JOIN ref.indicators i USING (indicator_code)
    JOIN mart.observations o ON o.indicator_code = t.indicator_code AND o.area_code = t.area_code
    WHERE t.measure = 'annual_ratio_of_sums'
      AND (t.basis = 'latest' OR o.released)
      AND o.complete
    GROUP BY t.target_id, t.basis, year(o.period), t.deadline
    HAVING count(*) = mart.periods_per_year(any_value(o.freq))
       AND make_date(year(o.period), 12, 31) <= least($reference_date::DATE, t.deadline)
),
actuals AS (
    SELECT * FROM candidates
    QUALIFY row_number() OVER (PARTITION BY target_id, basis ORDER BY period DESC) = 1
),
progress AS (
    SELECT t.*,
           a.period AS actual_period,
           a.time_period AS actual_time_period,
           a.value AS actual,
           a.obs_status AS actual_obs_status,
           CASE WHEN t.counts_within_year THEN NULL ELSE b.period END AS run_rate_base_period,
           CASE WHEN t.counts_within_year THEN NULL ELSE b.time_period END AS run_rate_base_time_period,
           CASE WHEN t.counts_within_year THEN 0 ELSE b.value END AS run_rate_base_value,
           CASE WHEN t.counts_within_year THEN month(a.period_end) ELSE 12 END AS run_rate_months,
           12 * (year(t.deadline) - year(a.period_end)) + month(t.deadline) - month(a.period_end)
               AS months_to_deadline
    FROM targets t
    LEFT JOIN actuals a USING (target_id, basis)
    LEFT JOIN candidates b
      ON b.target_id = t.target_id AND b.basis = t.basis AND b.period = (a.period - to_months(12))::DATE
),
projected AS (
    SELECT *,
           (actual - run_rate_base_value) / run_rate_months AS run_rate_per_month,
           -- greatest/least skip NULLs: no actual or no run-rate must stay no projection
           CASE WHEN actual IS NOT NULL AND run_rate_base_value IS NOT NULL
                THEN greatest(min_value, least(max_value,
                         actual + (actual - run_rate_base_value) / run_rate_months * months_to_deadline)) END
               AS projection
    FROM progress
),
completion AS (
    SELECT *,
           CASE WHEN comparison = '>=' THEN 100.0 * actual / target_value
                WHEN actual > 0 THEN 100.0 * target_value / actual END AS completion_pct,
           CASE WHEN comparison = '>=' THEN 100.0 * projection / target_value
                WHEN projection > 0 THEN 100.0 * target_value / projection END AS projected_completion_pct
    FROM projected
)
SELECT c.target_id,
       c.basis,
       c.indicator_code,
       c.area_code,
       c.area_level,
       c.year,
       c.deadline,
       c.comparison,
       c.target_kind,
       c.measure,
       c.target_scope,
       c.target_value,
       c.unit,
       c.actual_period,
       c.actual_time_period,
       c.actual,
       c.actual_obs_status,
       c.completion_pct,
       CASE WHEN c.actual IS NULL THEN NULL
            WHEN c.comparison = '>=' THEN greatest(c.target_value - c.actual, 0)
            ELSE greatest(c.actual - c.target_value, 0) END AS remaining,
       greatest(0, least(100,
           100.0 * (date_diff('day', make_date(c.start_year, 1, 1), $reference_date::DATE) + 1)
                 / date_diff('day', make_date(c.start_year, 1, 1), make_date(c.year + 1, 1, 1)))) AS time_elapsed_pct,
       c.run_rate_base_period,
       c.run_rate_base_time_period,
       c.run_rate_base_value,
       c.run_rate_per_month,
       c.projection,
       c.projected_completion_pct,
       CASE WHEN c.actual IS NULL THEN 'no_data'
            WHEN $reference_date::DATE > c.deadline
                THEN CASE WHEN CASE WHEN c.comparison = '>=' THEN c.actual >= c.target_value
                                    ELSE c.actual <= c.target_value END
                          THEN 'achieved' ELSE 'not_achieved' END
            WHEN c.completion_pct >= s.on_track_from
              OR c.projected_completion_pct >= s.on_track_from THEN 'on_track'
            WHEN c.projected_completion_pct >= s.at_risk_from OR c.projection IS NULL THEN 'at_risk'
            ELSE 'off_track' END AS target_status,
       c.illustrative,
       c.source_citation,
       $reference_date::DATE AS reference_date
FROM completion c
CROSS JOIN status_thresholds s
ORDER BY c.year, c.target_id, c.basis;
