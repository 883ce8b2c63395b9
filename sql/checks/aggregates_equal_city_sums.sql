-- A region's and the province's count is the sum of their cities' values over n_areas cities; a rate's
-- numerator and denominator are the sums of its cities' parts. Recomputed from the city rows, so an
-- aggregate missing, extra or off by more than rounding fails. An estimated total (n_imputed > 0) also
-- holds its imputed cities and a withheld one (M) has no value: their n_areas is checked, not their value.
-- Cells hidden by disclosure control are checked at their true values (core.disclosure).
WITH observed AS (
    SELECT o.* REPLACE (coalesce(d.true_value, o.value) AS value,
                        coalesce(d.true_numerator_value, o.numerator_value) AS numerator_value,
                        coalesce(d.true_denominator_value, o.denominator_value) AS denominator_value)
    FROM mart.observations o LEFT JOIN core.disclosure d USING (area_code, period, indicator_code)
),
cities AS (
    SELECT * FROM observed WHERE source_profile <> 'aggregate'
),
parts AS (
    SELECT m.area_code, c.period, c.indicator_code, c.value, c.numerator_value, c.denominator_value
    FROM cities c JOIN ref.area_members m ON m.member_code = c.area_code
),
expected AS (
    SELECT area_code, period, indicator_code, count(*) AS n_areas, sum(value) AS value,
           sum(numerator_value) AS numerator_value, sum(denominator_value) AS denominator_value
    FROM parts GROUP BY ALL
),
aggregates AS (
    SELECT * FROM observed WHERE source_profile = 'aggregate'
)
SELECT coalesce(a.area_code, e.area_code) AS area_code, coalesce(a.period, e.period) AS period,
       coalesce(a.indicator_code, e.indicator_code) AS indicator_code,
       a.value, e.value AS sum_of_cities, a.n_areas, e.n_areas AS cities,
       a.numerator_value, e.numerator_value AS sum_of_numerators,
       a.denominator_value, e.denominator_value AS sum_of_denominators
FROM aggregates a
FULL JOIN expected e USING (area_code, period, indicator_code)
JOIN ref.indicators i ON i.indicator_code = coalesce(a.indicator_code, e.indicator_code)
WHERE a.area_code IS NULL OR e.area_code IS NULL
   OR (NOT i.is_derived AND a.n_areas <> e.n_areas)
   OR (NOT i.is_derived AND a.n_imputed = 0 AND abs(a.value - e.value) > 1e-9 * greatest(1, abs(e.value)))
   OR (i.is_derived AND a.n_imputed = 0 AND (abs(a.numerator_value - e.numerator_value) > 1e-9 * greatest(1, abs(e.numerator_value))
                         OR abs(a.denominator_value - e.denominator_value)
                            > 1e-9 * greatest(1, abs(e.denominator_value))
                         OR abs(a.value - a.numerator_value / a.denominator_value * i.multiplier)
                            > 1e-9 * greatest(1, abs(a.value))));
