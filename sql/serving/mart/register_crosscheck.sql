-- mart.register_crosscheck: its key and its comments in Chinese and English

ALTER TABLE mart.register_crosscheck ADD PRIMARY KEY (area_code, period, indicator_code);

COMMENT ON TABLE mart.register_crosscheck IS '名录核对：同一机构既报送名录（由名录汇总的数值）又在普通报表中报送的数据，两者数值及差距；两者均保留，汇总表采用较晚送达的版本 / Registry cross-check: cells an agency sent both as a list (the value aggregated from it) and in an ordinary file, both values and the gap; neither is overwritten, the marts use the later received vintage';
COMMENT ON COLUMN mart.register_crosscheck.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.register_crosscheck.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.register_crosscheck.freq IS '频度：M 月、Q 季、A 年 / Frequency: M (monthly), Q (quarterly) or A (annual)';
COMMENT ON COLUMN mart.register_crosscheck.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.register_crosscheck.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.register_crosscheck.source IS '报送机构（ref.profiles） / Submitting agency (ref.profiles)';
COMMENT ON COLUMN mart.register_crosscheck.registry IS '名录：enterprise_list 数字化转型企业清单、dc_register 数据中心名录、site_list 5G基站站址清单 / Registry: enterprise_list (enterprise transformation list), dc_register (data-centre register), site_list (5G site list)';
COMMENT ON COLUMN mart.register_crosscheck.register_value IS '由名录汇总的数值（最新版本） / Value aggregated from the list (latest vintage)';
COMMENT ON COLUMN mart.register_crosscheck.register_submission_id IS '名录所属版本 / Vintage of the list';
COMMENT ON COLUMN mart.register_crosscheck.register_received_at IS '名录送达时间 / When the list was received';
COMMENT ON COLUMN mart.register_crosscheck.submitted_value IS '普通报表报送的数值（最新版本） / Value sent in an ordinary file (latest vintage)';
COMMENT ON COLUMN mart.register_crosscheck.submitted_submission_id IS '普通报表所属版本 / Vintage of the ordinary file';
COMMENT ON COLUMN mart.register_crosscheck.submitted_received_at IS '普通报表送达时间 / When the ordinary file was received';
COMMENT ON COLUMN mart.register_crosscheck.gap IS '差距（名录减报表） / Gap: list minus file';
COMMENT ON COLUMN mart.register_crosscheck.gap_pct IS '差距占报表数值的百分比 / Gap as % of the file''s value';
COMMENT ON COLUMN mart.register_crosscheck.differs IS '两者是否不一致 / The two values differ';
COMMENT ON COLUMN mart.register_crosscheck.used_from_register IS '汇总表是否采用名录数值（较晚送达者） / The marts use the list''s value (the later received)';
COMMENT ON COLUMN mart.register_crosscheck.conf_status IS '保密状态（SDMX CONF_STATUS）：F 可公布；C 主隐藏、D 补充隐藏（此时不显示数值与差距） / Confidentiality status (SDMX CONF_STATUS): F free; C primary, D secondary confidential (values and gap not shown)';
