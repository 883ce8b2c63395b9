-- The released observations that leave the warehouse (SDMX-CSV and the Excel tables), in a stable order.
-- Parameters: $period (first day of the period, or NULL for all), $freq (M, Q, A, or NULL for all).
SELECT *
FROM mart.v_released_observations
WHERE ($period IS NULL OR period = $period) AND ($freq IS NULL OR freq = $freq)
ORDER BY indicator_code, freq, period, CASE area_level WHEN 'province' THEN 1 WHEN 'region' THEN 2 ELSE 3 END, area_code
