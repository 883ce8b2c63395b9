-- The first rows an analyst sees for mart.growth in the Dagster UI.
SELECT area_code, time_period, indicator_code, pop_growth, yoy_growth, ytd_growth, growth_unit, price_basis FROM mart.growth WHERE area_level = 'province' AND freq = 'M' ORDER BY period DESC, indicator_code LIMIT 10;
