-- ref.anomaly_rules: the comments of the anomaly rules' parameters (indicators/data/anomalies.yaml).
COMMENT ON TABLE ref.anomaly_rules IS '异常值规则及参数（indicators/data/anomalies.yaml），每条规则×参数一行，附出处；mart.anomalies 按此标记 / Anomaly rules and their parameters (indicators/data/anomalies.yaml), one row per rule and parameter with its source; mart.anomalies flags by them';
COMMENT ON COLUMN ref.anomaly_rules.rule IS '规则代码 / Rule code';
COMMENT ON COLUMN ref.anomaly_rules.rule_zh IS '规则中文名称 / Rule name in Chinese';
COMMENT ON COLUMN ref.anomaly_rules.rule_en IS '规则英文名称 / Rule name in English';
COMMENT ON COLUMN ref.anomaly_rules.method IS '规则的计算方法（英文） / How the rule scores a value (in English)';
COMMENT ON COLUMN ref.anomaly_rules.parameter IS '参数名称 / Parameter';
COMMENT ON COLUMN ref.anomaly_rules.value IS '参数值 / Value of the parameter';
COMMENT ON COLUMN ref.anomaly_rules.source_citation IS '参数值的出处或取值理由 / Source of the value, or why it was chosen';
