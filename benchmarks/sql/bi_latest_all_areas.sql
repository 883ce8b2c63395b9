-- BI: the latest value of one indicator for every area.
SELECT area_code, period, value FROM mart.observations
WHERE indicator_code = $indicator
  AND period = (SELECT max(period) FROM mart.observations WHERE indicator_code = $indicator);
