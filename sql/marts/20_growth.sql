-- mart.growth: year-on-year change (同比) of every series in mart.observations. A rate's change is in
-- percentage points, never %; gdp and value added are at current prices, so their growth is nominal.
CREATE OR REPLACE TABLE mart.growth AS
SELECT o.area_code,
       o.area_level,
       o.period,
       o.freq,
       o.time_period,
       o.indicator_code,
       o.value,
       y.value AS value_year_ago,
       o.value - y.value AS yoy_change,
       CASE WHEN i.unit = '%' THEN o.value - y.value
            WHEN y.value <> 0 THEN (o.value / y.value - 1) * 100 END AS yoy_growth,
       CASE WHEN i.unit = '%' THEN 'pp' ELSE '%' END AS yoy_growth_unit,
       CASE WHEN i.nominal THEN 'nominal' END AS price_basis
FROM mart.observations o
JOIN ref.indicators i USING (indicator_code)
JOIN mart.observations y
  ON y.area_code = o.area_code
 AND y.indicator_code = o.indicator_code
 AND y.period = o.period - INTERVAL 1 YEAR
ORDER BY o.indicator_code, o.area_code, o.period;
