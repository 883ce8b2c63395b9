-- The county values that pass every check: what the aggregates sum.
CREATE OR REPLACE TEMP TABLE kept AS
SELECT city_code AS area_code, parent_city_code, province_code, indicator_code, period_text AS period,
       period_start, value
FROM typed
WHERE area_level IN ('county', 'city') AND NOT is_derived AND period_start BETWEEN $earliest AND $latest
  AND period_freq = indicator_freq AND value BETWEEN 0 AND max_value;
