-- mart.data_quality: its key and its comments in Chinese and English

ALTER TABLE mart.data_quality ADD PRIMARY KEY (submission_id, rule);

COMMENT ON TABLE mart.data_quality IS '数据质量：每个报送文件每条校验规则的评估、通过、未通过、无法评估数 / Data quality: per submission and rule, items evaluated, passed, failed and not evaluable';
COMMENT ON COLUMN mart.data_quality.submission_id IS '报送批次 / Submission id';
COMMENT ON COLUMN mart.data_quality.source_profile IS '报送主体代码（ref.profiles） / Submitting profile (ref.profiles)';
COMMENT ON COLUMN mart.data_quality.original_filename IS '原始文件名 / File name as sent';
COMMENT ON COLUMN mart.data_quality.received_at IS '送达时间（TIMESTAMPTZ 时刻，按连接时区显示） / Received (TIMESTAMPTZ: an instant, shown in the connection''s TimeZone)';
COMMENT ON COLUMN mart.data_quality.submission_status IS '文件结果：accepted 接收、rejected 退回 / Outcome: accepted or rejected';
COMMENT ON COLUMN mart.data_quality.withdrawn IS '该文件是否已撤回 / The submission has been withdrawn';
COMMENT ON COLUMN mart.data_quality.rule IS '校验规则代码 / Rule id';
COMMENT ON COLUMN mart.data_quality.severity IS '严重程度：error 错误（退回文件）、warning 警告 / Severity: error (rejects the file) or warning';
COMMENT ON COLUMN mart.data_quality.dimension IS '质量维度/校验层级：format 格式、completeness 完整性、validity 有效性、consistency 一致性、history 与历史数据比较 / Quality dimension or validation level: format, completeness, validity, consistency or history (against earlier values)';
COMMENT ON COLUMN mart.data_quality.evaluated IS '评估项数 / Items evaluated';
COMMENT ON COLUMN mart.data_quality.passed IS '通过项数 / Items passed';
COMMENT ON COLUMN mart.data_quality.failed IS '未通过项数 / Items failed';
COMMENT ON COLUMN mart.data_quality.not_evaluable IS '无法评估项数 / Items not evaluable';
COMMENT ON COLUMN mart.data_quality.pass_rate_pct IS '通过率（%，通过/(通过+未通过)） / Pass rate (%): passed / (passed + failed)';
COMMENT ON COLUMN mart.data_quality.blocking IS '是否导致退回（错误级规则未通过） / Blocking: an error-level rule failed, so the file was rejected';
