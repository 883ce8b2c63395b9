-- mart.revisions: its key, its comments in Chinese and English, and the released view BI shows by default
-- (its columns take these comments; the label columns it adds have their own).

ALTER TABLE mart.revisions ADD PRIMARY KEY (change_type, submission_id, area_code, period, indicator_code);

COMMENT ON TABLE mart.revisions IS '修订记录：报送值的每次变动（新版本、撤回，或发布后才送达的数值），含新旧值、两个版本、修订批次和原因 / Revisions: every change to a submitted value (new vintage, withdrawal, or a value received after its period was released) with old and new values, both vintages, the submission and the reason';
COMMENT ON COLUMN mart.revisions.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.revisions.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.revisions.freq IS '频度：M 月、Q 季、A 年 / Frequency: M (monthly), Q (quarterly) or A (annual)';
COMMENT ON COLUMN mart.revisions.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.revisions.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.revisions.source_profile IS '数值被修订的报送主体代码（ref.profiles） / Submitting profile whose value changed (ref.profiles)';
COMMENT ON COLUMN mart.revisions.from_source_of_record IS '该主体是否为法定报送机构 / The submitter is the agency of record';
COMMENT ON COLUMN mart.revisions.affects_marts IS '该主体的数值是否为汇总表所用（法定机构，或试点填补） / The submitter''s value is the one the marts use (agency of record, or a pilot filling a gap)';
COMMENT ON COLUMN mart.revisions.change_type IS '变动类型：new_vintage 重新报送、withdrawal 撤回、late_value 发布后首次送达（原无数值） / Change: new_vintage (a resubmission), withdrawal, or late_value (a first value received after the period''s release)';
COMMENT ON COLUMN mart.revisions.changed_at IS '变动时间（新版本送达或撤回时间） / When the change took effect (new vintage received, or withdrawal)';
COMMENT ON COLUMN mart.revisions.submission_id IS '引起变动的报送批次（新版本或被撤回的批次） / Submission that made the change (the new vintage, or the one withdrawn)';
COMMENT ON COLUMN mart.revisions.old_value IS '修订前数值（发布后首次送达的为空） / Value before the change (blank for a late value)';
COMMENT ON COLUMN mart.revisions.new_value IS '修订后数值（撤回后无值为空） / Value after the change (blank if a withdrawal left none)';
COMMENT ON COLUMN mart.revisions.change IS '修订量（新值减旧值） / Change: new minus old';
COMMENT ON COLUMN mart.revisions.change_pct IS '修订幅度（%） / Change as % of the old value';
COMMENT ON COLUMN mart.revisions.old_submission_id IS '旧值所属版本（报送批次；无旧值为空） / Vintage (submission) of the old value (blank without one)';
COMMENT ON COLUMN mart.revisions.old_received_at IS '旧版本送达时间 / When the old vintage was received';
COMMENT ON COLUMN mart.revisions.new_submission_id IS '新值所属版本（报送批次） / Vintage (submission) of the new value';
COMMENT ON COLUMN mart.revisions.new_received_at IS '新版本送达时间 / When the new vintage was received';
COMMENT ON COLUMN mart.revisions.reason IS '修订原因：报送者备注或撤回原因 / Reason: the submitter''s note on the cell, or the withdrawal''s reason';
COMMENT ON COLUMN mart.revisions.released_at IS '该期别发布时间 / When the period was released';
COMMENT ON COLUMN mart.revisions.after_release IS '是否发布后修订（已发布数值的变动） / The change came after the period''s release: a released value changed';

-- Changes to values already released (and used by the marts): what a revision notice lists.
CREATE OR REPLACE VIEW mart.v_released_revisions AS
SELECT r.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       r.period, r.freq, r.time_period,
       r.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       r.* EXCLUDE (area_code, period, freq, time_period, indicator_code)
FROM mart.revisions r
LEFT JOIN ref.areas a USING (area_code)
LEFT JOIN ref.indicators i USING (indicator_code)
WHERE r.after_release AND r.affects_marts;
COMMENT ON VIEW mart.v_released_revisions IS '已发布数值的修订（修订公告所列） / Changes to values already released (what a revision notice lists)';
COMMENT ON COLUMN mart.v_released_revisions.area_name_zh IS '地区中文名称 / Area name in Chinese';
COMMENT ON COLUMN mart.v_released_revisions.area_name_en IS '地区英文名称 / Area name in English';
COMMENT ON COLUMN mart.v_released_revisions.indicator_name_zh IS '指标中文名称 / Indicator name in Chinese';
COMMENT ON COLUMN mart.v_released_revisions.indicator_name_en IS '指标英文名称 / Indicator name in English';
