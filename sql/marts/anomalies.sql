-- mart.anomalies: one row per flag on a city value of a submitted indicator, with the rule, its score, the
-- threshold and a reason in Chinese and English. The rules and their parameters are configuration
-- (indicators/data/anomalies.yaml → ref.anomaly_rules, where each rule's method is stated):
--   modified_z            the city's period-on-period change (mart.growth) against all cities' for the same
--                         indicator and period: 0.6745 (x − median) / MAD (Iglewicz–Hoaglin);
--   hidiroglou_berthelot  the ratio to the previous period, scored by Hidiroglou–Berthelot (U, A, C);
--                         both change rules flag only material changes (enough cities, values not small, a
--                         gap to the median city's change of at least min_gap_pp points);
--   unit_slip             about 10⁴ times (or a 10⁴th of) the previous reported value: 万 and 个 mixed up;
--   monotone_fall         a series the catalogue marks monotone below its previous reported value;
--   seasonal              a monthly or quarterly flow far from the value expected from the same period a year
--                         earlier, carried forward by the last year's growth over the year before.
-- Nothing here reveals a suppressed value: a cell without a value (suppressed, OBS_STATUS Q) is neither
-- flagged nor used as another cell's base, neighbour or expected value, and no reason quotes one.
-- A unit slip is one flag: the other rules skip the slipped value, as a cell and as another cell's base.
-- Regions and the province are not judged: their values are sums of the cities judged here.
-- The flags of the indicators in `scope` (pipelines/build.py refresh).
CREATE OR REPLACE MACRO mart.anomalies_in(scope) AS TABLE
WITH parameters AS (
    SELECT max(value) FILTER (WHERE rule = 'modified_z' AND parameter = 'threshold') AS mz_threshold,
           max(value) FILTER (WHERE rule = 'modified_z' AND parameter = 'min_cities') AS mz_min_cities,
           max(value) FILTER (WHERE rule = 'modified_z' AND parameter = 'min_level') AS mz_min_level,
           max(value) FILTER (WHERE rule = 'modified_z' AND parameter = 'min_gap_pp') AS mz_min_gap_pp,
           max(value) FILTER (WHERE rule = 'hidiroglou_berthelot' AND parameter = 'U') AS hb_u,
           max(value) FILTER (WHERE rule = 'hidiroglou_berthelot' AND parameter = 'A') AS hb_a,
           max(value) FILTER (WHERE rule = 'hidiroglou_berthelot' AND parameter = 'C') AS hb_c,
           max(value) FILTER (WHERE rule = 'hidiroglou_berthelot' AND parameter = 'min_cities') AS hb_min_cities,
           max(value) FILTER (WHERE rule = 'hidiroglou_berthelot' AND parameter = 'min_level') AS hb_min_level,
           max(value) FILTER (WHERE rule = 'hidiroglou_berthelot' AND parameter = 'min_gap_pp') AS hb_min_gap_pp,
           max(value) FILTER (WHERE rule = 'unit_slip' AND parameter = 'factor') AS slip_factor,
           max(value) FILTER (WHERE rule = 'monotone_fall' AND parameter = 'max_change_pct') AS fall_max_change_pct,
           max(value) FILTER (WHERE rule = 'seasonal' AND parameter = 'factor') AS seasonal_factor
    FROM ref.anomaly_rules
),
-- The city values of the submitted indicators that may be shown (a suppressed cell has no value).
cells AS MATERIALIZED (
    SELECT o.area_code, o.period, o.freq, o.time_period, o.indicator_code, o.value, o.obs_status, o.released,
           o.submission_id, i.series_kind, i.monotone, i.unit,
           i.name_zh AS indicator_zh, i.name_en AS indicator_en, a.name_zh AS area_zh, a.name_en AS area_en
    FROM mart.observations o
    JOIN ref.indicators i USING (indicator_code)
    JOIN ref.areas a USING (area_code)
    WHERE o.source_profile <> 'aggregate' AND NOT i.is_derived AND o.value IS NOT NULL AND o.obs_status <> 'Q'
      AND list_contains(scope, o.indicator_code)
),
-- ------------------------------------------------------------------------------------------- unit slips
-- Each value over its previous reported value; none for a year-to-date series' January (it restarts).
steps AS (
    SELECT c.*,
           lag(c.period) OVER series AS previous_period,
           lag(c.time_period) OVER series AS previous_time_period,
           lag(c.value) OVER series AS previous_value,
           lag(c.released) OVER series AS previous_released
    FROM cells c
    WINDOW series AS (PARTITION BY c.area_code, c.indicator_code ORDER BY c.period)
),
step_ratios AS (
    SELECT s.*,
           CASE WHEN s.value > 0 AND s.previous_value > 0
                     AND NOT (s.series_kind = 'ytd' AND year(s.period) <> year(s.previous_period))
                THEN s.value / s.previous_value END AS ratio
    FROM steps s
),
slip_candidates AS (
    SELECT r.*, p.slip_factor, lag(r.ratio) OVER series AS previous_ratio
    FROM step_ratios r CROSS JOIN parameters p
    WINDOW series AS (PARTITION BY r.area_code, r.indicator_code ORDER BY r.period)
),
-- A jump that takes the series back to where it was before the previous jump ends a slip: not a new one.
slips AS (
    SELECT * FROM slip_candidates
    WHERE (ratio >= slip_factor OR ratio <= 1 / slip_factor)
      AND NOT coalesce((previous_ratio >= slip_factor OR previous_ratio <= 1 / slip_factor)
                       AND ratio * previous_ratio < slip_factor AND ratio * previous_ratio > 1 / slip_factor, FALSE)
),
-- What the other rules judge and compare with: every shown value but the slips.
usable AS MATERIALIZED (
    SELECT c.* FROM cells c
    WHERE NOT EXISTS (SELECT 1 FROM slips s WHERE s.area_code = c.area_code
                      AND s.indicator_code = c.indicator_code AND s.period = c.period)
),
-- --------------------------------------------------------------------------------------------- falls
falls AS (
    SELECT f.*, 100.0 * (f.value - f.previous_value) / f.previous_value AS change_pct, p.fall_max_change_pct
    FROM (SELECT u.*,
                 lag(u.period) OVER series AS previous_period,
                 lag(u.time_period) OVER series AS previous_time_period,
                 lag(u.value) OVER series AS previous_value,
                 lag(u.released) OVER series AS previous_released
          FROM usable u
          WHERE u.monotone
          WINDOW series AS (PARTITION BY u.area_code, u.indicator_code ORDER BY u.period)) f
    CROSS JOIN parameters p
    WHERE f.previous_value > 0
      AND 100.0 * (f.value - f.previous_value) / f.previous_value < p.fall_max_change_pct
),
-- ------------------------------------------------------------------------- changes against the cities
-- Each city's 环比 from mart.growth (a year-to-date series compares own values), where both the value and
-- its base may be shown and neither is a slip. The value's growth is materialised before its base is
-- joined on all three keys: left to itself, the planner joins the value to every period of its series first.
grown AS MATERIALIZED (
    SELECT c.area_code, c.period, c.freq, c.time_period, c.indicator_code, c.unit, c.obs_status, c.submission_id,
           c.indicator_zh, c.indicator_en, c.area_zh, c.area_en, c.released,
           CASE WHEN c.series_kind = 'ytd' THEN g.own_value ELSE g.value END AS pop_value,
           g.pop_base_period, g.pop_base_time_period, g.pop_base_value, g.pop_growth
    FROM usable c
    JOIN mart.growth g USING (area_code, period, indicator_code)
    WHERE g.pop_growth IS NOT NULL AND g.pop_base_value IS NOT NULL
),
changes AS MATERIALIZED (
    SELECT c.* REPLACE (c.released AND b.released AS released)
    FROM grown c
    JOIN usable b ON b.area_code = c.area_code AND b.indicator_code = c.indicator_code AND b.period = c.pop_base_period
),
mz_centre AS (
    SELECT *, count(*) OVER cities AS n_cities, median(pop_growth) OVER cities AS median_growth
    FROM changes
    WINDOW cities AS (PARTITION BY indicator_code, period)
),
mz_spread AS (
    SELECT *, median(abs(pop_growth - median_growth)) OVER cities AS mad,
           avg(abs(pop_growth - median_growth)) OVER cities AS mean_ad
    FROM mz_centre
    WINDOW cities AS (PARTITION BY indicator_code, period)
),
modified_z AS (
    SELECT m.*, p.*,
           CASE WHEN m.mad > 0 THEN 0.6745 * (m.pop_growth - m.median_growth) / m.mad
                WHEN m.mean_ad > 0 THEN (m.pop_growth - m.median_growth) / (1.253314 * m.mean_ad) END AS score
    FROM mz_spread m CROSS JOIN parameters p
),
-- Hidiroglou–Berthelot on the cities with both values above zero; when half of them or more did not change,
-- those are left out (else every city that moved is an outlier).
hb_units AS (
    SELECT *, pop_value / pop_base_value AS ratio,
           avg(CASE WHEN pop_value = pop_base_value THEN 1.0 ELSE 0.0 END) OVER cities AS share_unchanged
    FROM changes
    WHERE pop_value > 0 AND pop_base_value > 0
    WINDOW cities AS (PARTITION BY indicator_code, period)
),
hb_centre AS (
    SELECT *, count(*) OVER cities AS n_cities, median(ratio) OVER cities AS median_ratio
    FROM hb_units
    WHERE NOT (share_unchanged >= 0.5 AND pop_value = pop_base_value)
    WINDOW cities AS (PARTITION BY indicator_code, period)
),
hb_effects AS (
    SELECT h.*, p.*,
           (CASE WHEN h.ratio < h.median_ratio THEN 1 - h.median_ratio / h.ratio ELSE h.ratio / h.median_ratio - 1 END)
               * power(greatest(h.pop_value, h.pop_base_value), p.hb_u) AS effect
    FROM hb_centre h CROSS JOIN parameters p
),
hb_quartiles AS (
    SELECT *, quantile_cont(effect, 0.25) OVER cities AS effect_q1, median(effect) OVER cities AS effect_median,
           quantile_cont(effect, 0.75) OVER cities AS effect_q3
    FROM hb_effects
    WINDOW cities AS (PARTITION BY indicator_code, period)
),
hidiroglou_berthelot AS (
    SELECT *,
           CASE WHEN effect < effect_median
                THEN (effect - effect_median) / nullif(greatest(effect_median - effect_q1, abs(hb_a * effect_median)), 0)
                ELSE (effect - effect_median) / nullif(greatest(effect_q3 - effect_median, abs(hb_a * effect_median)), 0)
           END AS score
    FROM hb_quartiles
),
-- ------------------------------------------------------------------------------------ seasonal pattern
-- A monthly or quarterly flow against the same period a year earlier × (Σ last year / Σ the year before),
-- "year" being the twelve months before the period; every one of those periods must be present.
seasonal_sums AS (
    SELECT u.*, mart.periods_per_year(u.freq) AS per_year,
           sum(u.value) OVER last_year AS last_year_sum, count(u.value) OVER last_year AS last_year_n,
           sum(u.value) OVER year_before AS year_before_sum, count(u.value) OVER year_before AS year_before_n,
           bool_and(u.released) OVER two_years AS inputs_released
    FROM usable u
    WHERE u.series_kind = 'flow' AND u.freq IN ('M', 'Q')
    WINDOW last_year AS (PARTITION BY u.area_code, u.indicator_code ORDER BY u.period
                         RANGE BETWEEN INTERVAL 12 MONTHS PRECEDING AND INTERVAL 1 MONTH PRECEDING),
           year_before AS (PARTITION BY u.area_code, u.indicator_code ORDER BY u.period
                           RANGE BETWEEN INTERVAL 24 MONTHS PRECEDING AND INTERVAL 13 MONTHS PRECEDING),
           two_years AS (PARTITION BY u.area_code, u.indicator_code ORDER BY u.period
                         RANGE BETWEEN INTERVAL 24 MONTHS PRECEDING AND CURRENT ROW)
),
seasonal AS (
    SELECT s.*, p.seasonal_factor, y.period AS year_earlier_period, y.time_period AS year_earlier_time_period,
           y.value AS year_earlier_value, s.last_year_sum / s.year_before_sum AS trend,
           y.value * s.last_year_sum / s.year_before_sum AS expected
    FROM seasonal_sums s
    JOIN usable y ON y.area_code = s.area_code AND y.indicator_code = s.indicator_code
                 AND y.period = (s.period - to_months(12))::DATE
    CROSS JOIN parameters p
    WHERE s.last_year_n = s.per_year AND s.year_before_n = s.per_year AND s.year_before_sum > 0 AND y.value > 0
),
-- ------------------------------------------------------------------------------------------ the flags
flags AS (
    SELECT area_code, period, freq, time_period, indicator_code, 'modified_z' AS rule,
           pop_value AS value, pop_base_period AS compared_period, pop_base_time_period AS compared_time_period,
           pop_base_value AS compared_value, score, mz_threshold AS threshold,
           format('{} {} {} 环比 {}，偏离其他城市（中位数 {}，修正z = {}，阈值 ±{}）',
                  area_zh, time_period, indicator_zh, mart.reason_pct(pop_growth), mart.reason_pct(median_growth),
                  mart.reason_score(score), mart.reason_figure(mz_threshold)) AS reason_zh,
           format('{} {} {}: {} on the previous period, far from the other cities (median {}; modified z = {},'
                  ' threshold ±{})',
                  area_en, time_period, indicator_en, mart.reason_pct(pop_growth), mart.reason_pct(median_growth),
                  mart.reason_score(score), mart.reason_figure(mz_threshold)) AS reason_en,
           obs_status, released, submission_id
    FROM modified_z
    WHERE abs(score) > mz_threshold AND n_cities >= mz_min_cities
      AND pop_value >= mz_min_level AND pop_base_value >= mz_min_level
      AND abs(pop_growth - median_growth) >= mz_min_gap_pp

    UNION ALL
    SELECT area_code, period, freq, time_period, indicator_code, 'hidiroglou_berthelot',
           pop_value, pop_base_period, pop_base_time_period, pop_base_value, score, hb_c,
           format('{} {} {} 与上期之比 {}（各城市中位数 {}），按其规模偏离过大（HB得分 = {}，阈值 ±{}）',
                  area_zh, time_period, indicator_zh, mart.reason_ratio(ratio), mart.reason_ratio(median_ratio),
                  mart.reason_score(score), mart.reason_figure(hb_c)),
           format('{} {} {}: ratio to the previous period {} against the cities'' median {}, too far for its size'
                  ' (Hidiroglou–Berthelot score = {}, threshold ±{})',
                  area_en, time_period, indicator_en, mart.reason_ratio(ratio), mart.reason_ratio(median_ratio),
                  mart.reason_score(score), mart.reason_figure(hb_c)),
           obs_status, released, submission_id
    FROM hidiroglou_berthelot
    WHERE abs(score) > hb_c AND n_cities >= hb_min_cities
      AND pop_value >= hb_min_level AND pop_base_value >= hb_min_level
      AND 100 * abs(ratio - median_ratio) >= hb_min_gap_pp

    UNION ALL
    SELECT area_code, period, freq, time_period, indicator_code, 'unit_slip',
           value, previous_period, previous_time_period, previous_value, ratio, slip_factor,
           format('{} {} {} 为 {} {}，约为上期（{}）{} {}的{}：是否混淆了“万”和“个”？（阈值 {} 倍）',
                  area_zh, time_period, indicator_zh, mart.reason_figure(value), unit, previous_time_period,
                  mart.reason_figure(previous_value), unit,
                  CASE WHEN ratio < 1 THEN '1/' || format('{:,.0f}', 1 / ratio)
                       ELSE format('{:,.0f} 倍', ratio) END,
                  mart.reason_figure(slip_factor)),
           format('{} {} {}: {} {}, about {} the previous period''s ({}) {} {}: 万 and 个 mixed up?'
                  ' (threshold: a factor of {})',
                  area_en, time_period, indicator_en, mart.reason_figure(value), unit,
                  CASE WHEN ratio < 1 THEN '1/' || format('{:,.0f}', 1 / ratio) || ' of'
                       ELSE format('{:,.0f} times', ratio) END,
                  previous_time_period, mart.reason_figure(previous_value), unit, mart.reason_figure(slip_factor)),
           obs_status, released AND previous_released, submission_id
    FROM slips

    UNION ALL
    SELECT area_code, period, freq, time_period, indicator_code, 'monotone_fall',
           value, previous_period, previous_time_period, previous_value, change_pct, fall_max_change_pct,
           format('{} {} {} 为 {} {}，比上期（{}）的 {} {}减少 {} {}（{}），但该指标只增不减',
                  area_zh, time_period, indicator_zh, mart.reason_figure(value), unit, previous_time_period,
                  mart.reason_figure(previous_value), unit, mart.reason_figure(previous_value - value), unit,
                  mart.reason_pct(change_pct)),
           format('{} {} {}: {} {}, down {} {} ({}) from {} {} in {}, but the series never falls',
                  area_en, time_period, indicator_en, mart.reason_figure(value), unit,
                  mart.reason_figure(previous_value - value), unit, mart.reason_pct(change_pct),
                  mart.reason_figure(previous_value), unit, previous_time_period),
           obs_status, released AND previous_released, submission_id
    FROM falls

    UNION ALL
    SELECT area_code, period, freq, time_period, indicator_code, 'seasonal',
           value, year_earlier_period, year_earlier_time_period, expected, value / expected, seasonal_factor,
           format('{} {} {} 为 {} {}，按往年同期规律应约为 {} {}（上年同期 {} {} × 近一年较上一年 {}），'
                  '为预期的 {} 倍（阈值 {} 倍或其倒数）',
                  area_zh, time_period, indicator_zh, mart.reason_figure(value), unit, mart.reason_figure(expected),
                  unit, mart.reason_figure(year_earlier_value), unit, mart.reason_ratio(trend),
                  mart.reason_ratio(value / expected), mart.reason_figure(seasonal_factor)),
           format('{} {} {}: {} {}, against about {} {} from its seasonal pattern (the same period a year earlier,'
                  ' {} {}, × the last year''s growth over the year before, {}): {} times the expected value'
                  ' (threshold: {} times up or down)',
                  area_en, time_period, indicator_en, mart.reason_figure(value), unit, mart.reason_figure(expected),
                  unit, mart.reason_figure(year_earlier_value), unit, mart.reason_ratio(trend),
                  mart.reason_ratio(value / expected), mart.reason_figure(seasonal_factor)),
           obs_status, inputs_released, submission_id
    FROM seasonal
    WHERE value / expected >= seasonal_factor OR value / expected <= 1 / seasonal_factor
)
SELECT * FROM flags
ORDER BY period, indicator_code, area_code, rule;
