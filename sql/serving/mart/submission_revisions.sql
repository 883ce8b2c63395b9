-- mart.submission_revisions: its key and its comments in Chinese and English. The submitters' changes to
-- their own values; what changed in what was published is mart.revisions (and mart.v_released_revisions).

ALTER TABLE mart.submission_revisions ADD PRIMARY KEY (change_type, submission_id, area_code, period, indicator_code);

COMMENT ON TABLE mart.submission_revisions IS '报送修订记录：报送主体对其已报数值的每次变动（重新报送、撤回），无论发布前后、是否为汇总表所用，含新旧值、两个版本、修订批次和原因；已发布数值的变动见 mart.revisions / Submission revisions: every change a submitter made to its own values (resubmission or withdrawal), before or after release and whether or not the marts use them, with old and new values, both vintages, the submission and the reason; changes to published values are in mart.revisions';
COMMENT ON COLUMN mart.submission_revisions.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.submission_revisions.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.submission_revisions.freq IS '频度：M 月、Q 季、A 年 / Frequency: M (monthly), Q (quarterly) or A (annual)';
COMMENT ON COLUMN mart.submission_revisions.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.submission_revisions.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.submission_revisions.source_profile IS '数值被修订的报送主体代码（ref.profiles） / Submitting profile whose value changed (ref.profiles)';
COMMENT ON COLUMN mart.submission_revisions.from_source_of_record IS '该主体是否为法定报送机构 / The submitter is the agency of record';
COMMENT ON COLUMN mart.submission_revisions.affects_marts IS '该主体的数值是否为汇总表所用（法定机构，或试点填补） / The submitter''s value is the one the marts use (agency of record, or a pilot filling a gap)';
COMMENT ON COLUMN mart.submission_revisions.change_type IS '变动类型：new_vintage 重新报送、withdrawal 撤回 / Change: new_vintage (a resubmission) or withdrawal';
COMMENT ON COLUMN mart.submission_revisions.changed_at IS '变动时间（新版本送达或撤回时间） / When the change took effect (new vintage received, or withdrawal)';
COMMENT ON COLUMN mart.submission_revisions.submission_id IS '引起变动的报送批次（新版本或被撤回的批次） / Submission that made the change (the new vintage, or the one withdrawn)';
COMMENT ON COLUMN mart.submission_revisions.old_value IS '修订前数值 / Value before the change';
COMMENT ON COLUMN mart.submission_revisions.new_value IS '修订后数值（撤回后无值为空） / Value after the change (blank if a withdrawal left none)';
COMMENT ON COLUMN mart.submission_revisions.change IS '修订量（新值减旧值） / Change: new minus old';
COMMENT ON COLUMN mart.submission_revisions.change_pct IS '修订幅度（%） / Change as % of the old value';
COMMENT ON COLUMN mart.submission_revisions.conf_status IS '该单元格的保密状态（SDMX CONF_STATUS：F 可公布，C 主隐藏，D 补充隐藏）；C、D 不显示新旧数值与变化 / Confidentiality status of the cell (SDMX CONF_STATUS: F free, C primary, D secondary confidential); C and D show no old or new value and no change';
COMMENT ON COLUMN mart.submission_revisions.old_submission_id IS '旧值所属版本（报送批次） / Vintage (submission) of the old value';
COMMENT ON COLUMN mart.submission_revisions.old_received_at IS '旧版本送达时间 / When the old vintage was received';
COMMENT ON COLUMN mart.submission_revisions.new_submission_id IS '新值所属版本（报送批次） / Vintage (submission) of the new value';
COMMENT ON COLUMN mart.submission_revisions.new_received_at IS '新版本送达时间 / When the new vintage was received';
COMMENT ON COLUMN mart.submission_revisions.reason IS '修订原因：报送者备注或撤回原因 / Reason: the submitter''s note on the cell, or the withdrawal''s reason';
