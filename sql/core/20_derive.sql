-- Derived indicators per city: numerator / denominator x multiplier, where the denominator is the
-- latest one whose period ends at or before the numerator's period end (never one from the future).
-- The pair is kept so that regions and the province can take the ratio of the summed parts.
-- The pairs of the indicators in `scope` (closed under numerator and denominator: pipelines/build.py refresh).
CREATE OR REPLACE MACRO core.derived_pairs_in(scope) AS TABLE
WITH latest AS (
    SELECT area_code, period, freq, indicator_code, value, core.period_end(period, freq) AS period_end
    FROM core.v_latest
    WHERE list_contains(scope, indicator_code)
),
numerators AS (
    SELECT d.indicator_code AS derived_code, d.denominator, d.multiplier,
           l.area_code, l.period, l.freq, l.period_end, l.value
    FROM ref.indicators d
    JOIN latest l ON l.indicator_code = d.numerator
    WHERE d.is_derived
)
SELECT n.derived_code AS indicator_code, n.area_code, n.period, n.freq,
       n.value AS numerator_value, den.value AS denominator_value,
       den.period AS denominator_period, n.multiplier
FROM numerators n
ASOF JOIN latest den
  ON den.indicator_code = n.denominator
 AND den.area_code = n.area_code
 AND n.period_end >= den.period_end;
