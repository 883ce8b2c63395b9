-- mart.target_progress: every configured target against the latest value in its year at the
-- reference date. Completion of a ">=" target is actual / target; a "<=" target (PUE) counts in
-- reverse: target / actual. Time elapsed (时间进度) is the share of the target year gone by.
CREATE OR REPLACE TABLE mart.target_progress AS
WITH latest_in_year AS (
    SELECT t.target_id, o.period, o.time_period, o.value, o.n_areas, o.n_areas_expected
    FROM ref.targets t
    JOIN mart.observations o
      ON o.indicator_code = t.indicator_code
     AND o.area_code = t.area_code
     AND year(o.period) = t.year
     AND core.period_end(o.period, o.freq) <= $reference_date
    QUALIFY row_number() OVER (PARTITION BY t.target_id ORDER BY o.period DESC) = 1
)
SELECT t.target_id,
       t.indicator_code,
       t.area_code,
       t.year,
       t.comparison,
       t.target_value,
       l.time_period AS actual_period,
       l.value AS actual,
       CASE WHEN t.comparison = '>=' THEN l.value / t.target_value * 100
            WHEN l.value > 0 THEN t.target_value / l.value * 100 END AS completion_pct,
       greatest(0, least(100,
           100.0 * (date_diff('day', make_date(t.year, 1, 1), $reference_date::DATE) + 1)
                 / date_diff('day', make_date(t.year, 1, 1), make_date(t.year + 1, 1, 1)))) AS time_elapsed_pct,
       l.n_areas,
       l.n_areas_expected,
       t.illustrative,
       t.source,
       $reference_date::DATE AS reference_date
FROM ref.targets t
LEFT JOIN latest_in_year l USING (target_id)
ORDER BY t.target_id;
