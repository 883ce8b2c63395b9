-- mart.growth's figures over magnitude series: the relations between periods a reader can use.
SELECT g.area_code, g.period, g.freq, g.indicator_code, g.pop_base_period, g.pop_change, g.pop_growth, g.pop_base_value,
       g.yoy_change, g.yoy_growth, g.yoy_base_value, g.ytd_value
FROM mart.growth g JOIN ref.indicators i USING (indicator_code)
WHERE i.magnitude
