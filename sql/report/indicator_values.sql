-- The bulletin's indicators ($codes) for every city, region and the province, each at its latest period that
-- ends by the end of the bulletin's month ($month) and that at least the coverage threshold of the cities
-- reported (ref.aggregation_rules.min_coverage_pct, the rule that withholds a thin total), else its latest
-- period with any city: December's bulletin shows monthly series at 2023-12, quarterly ones at 2023-Q4,
-- annual ones at the last year published, and a month only one pilot city has reported yet gives way to
-- the month before. latest_time_period and latest_cities say what a later, thinner period holds.
-- Growth from mart.growth (percentage points for rates). A withheld value (Q, M) is blank here, as published.
WITH reported AS (
    SELECT indicator_code, period, time_period, count(*) AS cities
    FROM mart.observations
    WHERE indicator_code IN (SELECT unnest($codes::VARCHAR[])) AND area_level = 'city'
      AND period + CASE freq WHEN 'M' THEN INTERVAL 1 MONTH WHEN 'Q' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END
          <= $month::DATE + INTERVAL 1 MONTH
    GROUP BY ALL
),
periods AS (
    SELECT indicator_code,
           coalesce(max(period) FILTER (WHERE cities * 100.0 >= (SELECT min_coverage_pct FROM ref.aggregation_rules)
                                                                * (SELECT count(*) FROM ref.cities)),
                    max(period)) AS period,
           arg_max(time_period, period) AS latest_time_period,
           arg_max(cities, period) AS latest_cities
    FROM reported
    GROUP BY indicator_code
)
SELECT o.indicator_code, o.area_code, o.area_level, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       c.region_code, o.period, o.time_period, o.value, o.unit, o.obs_status, o.conf_status, o.released,
       o.n_areas, o.n_areas_expected, o.n_imputed, p.latest_time_period, p.latest_cities,
       g.pop_base_time_period, g.pop_change, g.pop_growth, g.yoy_change, g.yoy_growth, g.growth_unit
FROM mart.observations o
JOIN periods p USING (indicator_code, period)
JOIN ref.areas a USING (area_code)
LEFT JOIN ref.cities c ON c.city_code = o.area_code
LEFT JOIN mart.growth g USING (area_code, period, indicator_code)
ORDER BY o.indicator_code, o.area_code;
