-- Series that may never fall do not fall (a fall is a warning: it may be a correction).
SELECT area_code, indicator_code, period, value, previous_value FROM (
    SELECT l.area_code, l.indicator_code, l.period, l.value,
           lag(l.value) OVER (PARTITION BY l.area_code, l.indicator_code ORDER BY l.period) AS previous_value
    FROM core.v_latest l JOIN ref.indicators i USING (indicator_code)
    WHERE i.monotone
) WHERE value < previous_value;
