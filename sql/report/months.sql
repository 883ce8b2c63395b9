-- The months with published figures (released or provisional) in the serving DB: the months a bulletin can
-- be written for.
SELECT DISTINCT period FROM mart.observations WHERE freq = 'M' ORDER BY period;
