-- mart.discrepancies: its key and its comments in Chinese and English

ALTER TABLE mart.discrepancies ADD PRIMARY KEY (area_code, period, indicator_code, pilot);

COMMENT ON TABLE mart.discrepancies IS '来源差异：试点工作组与法定报送机构均报送的数据，两者数值及差距；汇总表采用法定机构数值 / Discrepancies: cells reported by both a pilot team and the agency of record, both values and the gap; the marts use the agency''s';
COMMENT ON COLUMN mart.discrepancies.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.discrepancies.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.discrepancies.freq IS '频度：M 月、Q 季、A 年 / Frequency: M (monthly), Q (quarterly) or A (annual)';
COMMENT ON COLUMN mart.discrepancies.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.discrepancies.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.discrepancies.agency IS '法定报送机构 / Agency of record';
COMMENT ON COLUMN mart.discrepancies.agency_value IS '法定机构数值（最新版本） / The agency''s value (latest vintage)';
COMMENT ON COLUMN mart.discrepancies.agency_submission_id IS '法定机构数值所属版本 / Vintage of the agency''s value';
COMMENT ON COLUMN mart.discrepancies.agency_received_at IS '法定机构数值送达时间 / When the agency''s value was received';
COMMENT ON COLUMN mart.discrepancies.pilot IS '试点工作组 / Pilot team';
COMMENT ON COLUMN mart.discrepancies.pilot_value IS '试点数值（最新版本） / The pilot''s value (latest vintage)';
COMMENT ON COLUMN mart.discrepancies.pilot_submission_id IS '试点数值所属版本 / Vintage of the pilot''s value';
COMMENT ON COLUMN mart.discrepancies.pilot_received_at IS '试点数值送达时间 / When the pilot''s value was received';
COMMENT ON COLUMN mart.discrepancies.gap IS '差距（试点减法定机构） / Gap: pilot minus agency';
COMMENT ON COLUMN mart.discrepancies.gap_pct IS '差距占法定机构数值的百分比 / Gap as % of the agency''s value';
COMMENT ON COLUMN mart.discrepancies.differs IS '两者是否不一致 / The two values differ';
COMMENT ON COLUMN mart.discrepancies.used_source IS '汇总表采用的来源 / Source the marts use';
COMMENT ON COLUMN mart.discrepancies.used_value IS '汇总表采用的数值 / Value the marts use';
COMMENT ON COLUMN mart.discrepancies.conf_status IS '保密状态（SDMX CONF_STATUS）：F 可公布；C 主隐藏、D 补充隐藏（此时不显示数值与差距） / Confidentiality status (SDMX CONF_STATUS): F free; C primary, D secondary confidential (values and gap not shown)';
