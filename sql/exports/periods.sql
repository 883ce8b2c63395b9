-- The released periods, one Excel workbook each.
SELECT DISTINCT period, freq, time_period FROM mart.v_released_observations ORDER BY period, freq
