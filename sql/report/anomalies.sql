-- The anomaly flags on city values of the periods ending with the bulletin's month ($month), provisional
-- ones included: what looks wrong in the figures just in. Rule names from ref.anomaly_rules.
SELECT x.area_code, x.period, x.time_period, x.indicator_code, i.name_zh AS indicator_name_zh,
       i.name_en AS indicator_name_en, i.unit, x.rule, r.rule_zh, r.rule_en, x.value, x.compared_time_period,
       x.compared_value, x.score, x.threshold, x.reason_zh, x.reason_en, x.obs_status, x.released, x.submission_id
FROM mart.anomalies x
LEFT JOIN ref.indicators i USING (indicator_code)
LEFT JOIN (SELECT DISTINCT rule, rule_zh, rule_en FROM ref.anomaly_rules) r USING (rule)
WHERE x.period + CASE x.freq WHEN 'M' THEN INTERVAL 1 MONTH WHEN 'Q' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 YEAR END
      = $month::DATE + INTERVAL 1 MONTH
ORDER BY x.area_code, x.indicator_code, x.rule;
