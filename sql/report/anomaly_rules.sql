-- The anomaly rules and their thresholds (ref.anomaly_rules), for the notes on method.
SELECT rule, rule_zh, rule_en, parameter, value FROM ref.anomaly_rules ORDER BY rule, parameter;
