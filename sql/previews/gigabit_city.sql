-- The first rows an analyst sees for mart.gigabit_city in the Dagster UI.
SELECT area_code, any_value(n_met) AS n_met, any_value(n_thresholds) AS n_thresholds, any_value(meets_all) AS meets_all FROM mart.gigabit_city WHERE basis = 'latest' GROUP BY area_code ORDER BY area_code;
