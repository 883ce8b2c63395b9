-- mart.gigabit_city: each city against the seven MIIT gigabit-city (千兆城市) indicators, at the latest
-- period ending by the reference date, on released values (basis 'released') and on the latest values
-- (basis 'latest'). Thresholds come from configuration and are unverified (no primary source found);
-- an indicator without a threshold is shown with meets blank. meets_all: every indicator with a threshold
-- has a value and meets it; false once one fails; blank while one has no value yet and none fails.
CREATE OR REPLACE TABLE mart.gigabit_city AS
WITH bases(basis) AS (VALUES ('released'), ('latest')),
grid AS (
    SELECT b.basis, c.city_code AS area_code, g.*
    FROM bases b CROSS JOIN ref.cities c CROSS JOIN ref.gigabit_city_thresholds g
),
latest AS (
    SELECT g.basis, g.area_code, g.indicator_code, o.period, o.time_period, o.value, o.obs_status
    FROM grid g
    JOIN mart.observations o ON o.area_code = g.area_code AND o.indicator_code = g.indicator_code
    WHERE (g.basis = 'latest' OR o.released)
      AND core.period_end(o.period, o.freq) <= $reference_date::DATE
    QUALIFY row_number() OVER (PARTITION BY g.basis, g.area_code, g.indicator_code ORDER BY o.period DESC) = 1
),
judged AS (
    SELECT g.basis, g.area_code, g.indicator_code, l.period, l.time_period, l.value, l.obs_status,
           g.threshold, g.comparison, g.verified, g.source_citation,
           CASE WHEN g.comparison = '>=' THEN l.value >= g.threshold ELSE l.value <= g.threshold END AS meets
    FROM grid g
    LEFT JOIN latest l USING (basis, area_code, indicator_code)
)
SELECT j.*,
       count(*) FILTER (WHERE j.threshold IS NOT NULL) OVER city AS n_thresholds,
       count(*) FILTER (WHERE j.meets) OVER city AS n_met,
       CASE WHEN bool_or(NOT j.meets) OVER city THEN FALSE
            WHEN bool_or(j.threshold IS NOT NULL AND j.value IS NULL) OVER city THEN NULL
            ELSE TRUE END AS meets_all,
       $reference_date::DATE AS reference_date
FROM judged j
WINDOW city AS (PARTITION BY j.basis, j.area_code)
ORDER BY j.basis, j.area_code, j.indicator_code;
