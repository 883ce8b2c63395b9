-- mart.revisions: its key, its comments in Chinese and English, and the released view BI shows by default
-- (its columns take these comments; the label columns it adds have their own).

ALTER TABLE mart.revisions ADD PRIMARY KEY (area_code, period, indicator_code, changed_at);

COMMENT ON TABLE mart.revisions IS '已发布数值的修订：发布后数值或状态发生变动的每个单元格（基础、派生、汇总；市、区域、全省），含新旧值与状态、变动时间及引起变动的报送或撤回 / Revisions of published values: every released cell (base, derived, aggregate; city, region, province) whose value or status changed after its release, with old and new value and status, when, and the submission or withdrawal that caused it';
COMMENT ON COLUMN mart.revisions.area_code IS '地区代码 / Area code (ref.areas)';
COMMENT ON COLUMN mart.revisions.area_level IS '地区层级：county（全国部署）、city、region、province / Area level: county (national deployment), city, region or province';
COMMENT ON COLUMN mart.revisions.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.revisions.freq IS '频度：M 月、Q 季、A 年 / Frequency: M (monthly), Q (quarterly) or A (annual)';
COMMENT ON COLUMN mart.revisions.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.revisions.indicator_code IS '指标代码 / Indicator code (ref.indicators)';
COMMENT ON COLUMN mart.revisions.unit IS '计量单位 / Unit of measure';
COMMENT ON COLUMN mart.revisions.revision_type IS '修订类型：revised 数值或状态变动、added 发布后新增（原未发布）、removed 撤下（不再发布） / Revision: revised (value or status changed), added (first published after the release, or again), removed (no longer published)';
COMMENT ON COLUMN mart.revisions.changed_at IS '变动时间（新值进入已发布视图的时间） / When the change entered the released views';
COMMENT ON COLUMN mart.revisions.old_value IS '修订前发布的数值（新增为空） / Value published before the change (blank when added)';
COMMENT ON COLUMN mart.revisions.new_value IS '修订后发布的数值（撤下为空） / Value published after the change (blank when removed)';
COMMENT ON COLUMN mart.revisions.change IS '修订量（新值减旧值） / Change: new minus old';
COMMENT ON COLUMN mart.revisions.change_pct IS '修订幅度（%，相对旧值） / Change as % of the old value';
COMMENT ON COLUMN mart.revisions.old_obs_status IS '修订前的观测状态（SDMX CL_OBS_STATUS：A 正常、P 初步、E 估计、B 序列中断、M 缺失、Q 保密；新增为空） / Observation status before the change (SDMX CL_OBS_STATUS: A normal, P provisional, E estimated, B break, M missing, Q suppressed; blank when added)';
COMMENT ON COLUMN mart.revisions.new_obs_status IS '修订后的观测状态（SDMX CL_OBS_STATUS：A 正常、P 初步、E 估计、B 序列中断、M 缺失、Q 保密；撤下为空） / Observation status after the change (SDMX CL_OBS_STATUS: A normal, P provisional, E estimated, B break, M missing, Q suppressed; blank when removed)';
COMMENT ON COLUMN mart.revisions.old_conf_status IS '修订前的保密状态（SDMX CONF_STATUS：F 可公布，C 主隐藏，D 补充隐藏；新增为空） / Confidentiality status before the change (SDMX CONF_STATUS: F free, C primary, D secondary confidential; blank when added)';
COMMENT ON COLUMN mart.revisions.new_conf_status IS '修订后的保密状态（SDMX CONF_STATUS：F 可公布，C 主隐藏，D 补充隐藏；撤下为空）：变为 C、D 的单元格不再显示数值 / Confidentiality status after the change (SDMX CONF_STATUS: F free, C primary, D secondary confidential; blank when removed): a cell that became C or D shows no value any more';
COMMENT ON COLUMN mart.revisions.source_profile IS '数值来源：报送主体代码、derived 市级派生或 aggregate 汇总（修订后，撤下时为修订前） / Where the value comes from: the submitting profile, derived or aggregate (after the change; before it when removed)';
COMMENT ON COLUMN mart.revisions.cause_type IS '引起变动的行为：submission 报送、withdrawal 撤回 / What caused the change: a submission received, or a withdrawal';
COMMENT ON COLUMN mart.revisions.cause_submission_id IS '引起变动的报送批次（收到或被撤回的批次） / The submission received, or withdrawn, that caused the change';
COMMENT ON COLUMN mart.revisions.cause_source_profile IS '引起变动的报送主体 / The submitter of that submission';
COMMENT ON COLUMN mart.revisions.reason IS '修订原因：撤回原因，或报送者在该单元格（派生、汇总值为该批次各单元格）的备注 / Reason: the withdrawal''s, or the submitter''s note on the cell (for a derived or aggregate cell, the notes of that submission)';
COMMENT ON COLUMN mart.revisions.release_month IS '所属发布（发布的月份首日） / The release the cell belongs to: the month released (first day)';
COMMENT ON COLUMN mart.revisions.released_at IS '该期别发布时间 / When the period was released';

-- The revision notice: the same rows with the area and indicator names and the status labels.
CREATE OR REPLACE VIEW mart.v_released_revisions AS
SELECT r.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       r.area_level, r.period, r.freq, r.time_period,
       r.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       r.unit, r.revision_type, r.changed_at, r.old_value, r.new_value, r.change, r.change_pct,
       r.old_obs_status, so.label_zh AS old_obs_status_zh, r.new_obs_status, sn.label_zh AS new_obs_status_zh,
       r.* EXCLUDE (area_code, area_level, period, freq, time_period, indicator_code, unit, revision_type,
                    changed_at, old_value, new_value, change, change_pct, old_obs_status, new_obs_status)
FROM mart.revisions r
LEFT JOIN ref.areas a USING (area_code)
LEFT JOIN ref.indicators i USING (indicator_code)
LEFT JOIN ref.status_labels so ON so.code_list = 'obs_status' AND so.code = r.old_obs_status
LEFT JOIN ref.status_labels sn ON sn.code_list = 'obs_status' AND sn.code = r.new_obs_status;
COMMENT ON VIEW mart.v_released_revisions IS '已发布数值的修订公告（含地区、指标名称和状态标签） / The revision notice: changes to published values, with area and indicator names and status labels';
COMMENT ON COLUMN mart.v_released_revisions.area_name_zh IS '地区中文名称 / Area name in Chinese';
COMMENT ON COLUMN mart.v_released_revisions.area_name_en IS '地区英文名称 / Area name in English';
COMMENT ON COLUMN mart.v_released_revisions.indicator_name_zh IS '指标中文名称 / Indicator name in Chinese';
COMMENT ON COLUMN mart.v_released_revisions.indicator_name_en IS '指标英文名称 / Indicator name in English';
COMMENT ON COLUMN mart.v_released_revisions.old_obs_status_zh IS '修订前观测状态中文标签（ref.status_labels） / Label in Chinese of the status before (ref.status_labels)';
COMMENT ON COLUMN mart.v_released_revisions.new_obs_status_zh IS '修订后观测状态中文标签（ref.status_labels） / Label in Chinese of the status after (ref.status_labels)';
