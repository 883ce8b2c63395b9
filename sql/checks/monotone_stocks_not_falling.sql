-- Series that may never fall do not fall (a fall is a warning: it may be a correction). The falls are judged
-- once, by the rule monotone_fall of mart.anomalies (sql/marts/anomalies.sql).
SELECT area_code, indicator_code, period, value, compared_value AS previous_value
FROM mart.anomalies
WHERE rule = 'monotone_fall';
