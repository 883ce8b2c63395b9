-- The first rows an analyst sees for mart.target_progress in the Dagster UI.
SELECT target_id, actual_time_period, actual, target_value, completion_pct, time_elapsed_pct, projected_completion_pct, target_status FROM mart.target_progress WHERE basis = 'latest' ORDER BY year, target_id;
