-- The first rows an analyst sees for mart.observations in the Dagster UI.
SELECT area_code, time_period, value, n_areas, n_areas_expected, obs_status FROM mart.observations WHERE indicator_code = 'fiveg_per_10k_people' AND area_level <> 'city' ORDER BY period DESC, area_code LIMIT 10;
