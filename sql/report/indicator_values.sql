-- The bulletin's indicators ($codes) for every city, region and the province, at each indicator's latest
-- period that ends by the end of the bulletin's month ($month) and has a city value: December's bulletin
-- shows monthly series at 2023-12, quarterly ones at 2023-Q4, annual ones at the last year published.
-- Growth from mart.growth (percentage points for rates). A withheld value (Q, M) is blank here, as published.
WITH periods AS (
    SELECT indicator_code, max(period) AS period
    FROM mart.observations
    WHERE indicator_code IN (SELECT unnest($codes::VARCHAR[])) AND area_level = 'city'
      AND period + CASE freq WHEN 'M' THEN INTERVAL 1 MONTH WHEN 'Q' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END
          <= $month::DATE + INTERVAL 1 MONTH
    GROUP BY indicator_code
)
SELECT o.indicator_code, o.area_code, o.area_level, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       c.region_code, o.period, o.time_period, o.value, o.unit, o.obs_status, o.conf_status, o.released,
       o.n_areas, o.n_areas_expected, o.n_imputed,
       g.pop_base_time_period, g.pop_change, g.pop_growth, g.yoy_change, g.yoy_growth, g.growth_unit
FROM mart.observations o
JOIN periods USING (indicator_code, period)
JOIN ref.areas a USING (area_code)
LEFT JOIN ref.cities c ON c.city_code = o.area_code
LEFT JOIN mart.growth g USING (area_code, period, indicator_code)
ORDER BY o.indicator_code, o.area_code;
