-- mart.completeness: its comments in Chinese and English. Its key (area_code, indicator_code, period) comes with
-- the table: it is declared in sql/schema/40_mart.sql, and publish carries every declared key over.

COMMENT ON TABLE mart.completeness IS '报送完整性看板：各市×指标×期别应报数据的状态（谁还欠报什么） / Completeness board: every city × indicator × period the reporting calendar expects, and who still owes what';
COMMENT ON COLUMN mart.completeness.period_month IS '看板月份（报告期结束的月份） / Board month (the month the period ends in)';
COMMENT ON COLUMN mart.completeness.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.completeness.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.completeness.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.completeness.freq IS '频度：M 月、Q 季、A 年 / Frequency: M (monthly), Q (quarterly) or A (annual)';
COMMENT ON COLUMN mart.completeness.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.completeness.expected_from IS '应报机构（法定报送机构） / Owed by (the agency of record)';
COMMENT ON COLUMN mart.completeness.due_date IS '报送截止日（当日送达为按时） / Due date (received on it is on time)';
COMMENT ON COLUMN mart.completeness.received_at IS '应报机构首次有效送达时间（未被撤回） / When the agency''s first standing value was received (not withdrawn)';
COMMENT ON COLUMN mart.completeness.days_late IS '逾期天数（送达日或参考日减截止日，不小于0） / Days past the due date (received date, or the reference date if still owed; at least 0)';
COMMENT ON COLUMN mart.completeness.completeness_status IS '报送状态：received 按时、received_late 逾期送达、rejected 被退回、missing 缺报、not_yet_due 未到期（标签见ref.status_labels） / Completeness status (labels in ref.status_labels): received, received_late, rejected (only rejected files carried it), missing, not_yet_due';
COMMENT ON COLUMN mart.completeness.rejected_submission_id IS '含该数据的最近一次被退回文件 / The agency''s latest rejected file that carried the cell';
COMMENT ON COLUMN mart.completeness.rejected_at IS '被退回文件的送达时间 / When that rejected file was received';
COMMENT ON COLUMN mart.completeness.filled_by_pilot IS '应报机构未报，暂由试点数据填补 / A pilot team''s value stands in while the agency still owes the cell';
COMMENT ON COLUMN mart.completeness.pilot_source IS '报送该数据的试点工作组 / Pilot team that reported the cell';
COMMENT ON COLUMN mart.completeness.pilot_received_at IS '试点数据送达时间 / When the pilot''s value was received';
COMMENT ON COLUMN mart.completeness.reference_date IS '参考日（视为“今天”） / Reference date (what counts as today)';
