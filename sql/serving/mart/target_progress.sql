-- mart.target_progress: its key, its comments in Chinese and English, and the released view BI shows by default
-- (its columns take these comments; the label columns it adds have their own).

ALTER TABLE mart.target_progress ADD PRIMARY KEY (target_id, basis);

COMMENT ON TABLE mart.target_progress IS '目标进度：实际值、完成率、时间进度、按当前速度预计、状态；basis 区分已发布口径与最新口径 / Target progress: actual, completion, time elapsed, run-rate projection, status; basis tells released values from latest values';
COMMENT ON COLUMN mart.target_progress.target_id IS '目标代码 / Target id';
COMMENT ON COLUMN mart.target_progress.basis IS '口径：released 仅已发布数据、latest 含初步数据的最新值 / Basis: released (released values only) or latest (including provisional values)';
COMMENT ON COLUMN mart.target_progress.indicator_code IS '考核指标代码 / Indicator';
COMMENT ON COLUMN mart.target_progress.area_code IS '地区代码 / Area code';
COMMENT ON COLUMN mart.target_progress.area_level IS '地区层级：county 县（全国部署）、city 市、region 区域、province 全省 / Area level: county (national deployment), city, region or province';
COMMENT ON COLUMN mart.target_progress.year IS '目标年份 / Target year';
COMMENT ON COLUMN mart.target_progress.deadline IS '目标截止日（目标年12月31日） / Deadline (31 December of the target year)';
COMMENT ON COLUMN mart.target_progress.comparison IS '比较方向：>= 不低于、<= 不高于（反向计算） / Comparison: >= at least, <= at most (counts in reverse)';
COMMENT ON COLUMN mart.target_progress.target_kind IS '目标类型：count 数量、level 水平、increase 年内新增 / Target kind: count, level or increase (added within the year)';
COMMENT ON COLUMN mart.target_progress.measure IS '实际值口径：latest 最新一期数值、annual_ratio_of_sums 完整年度各期分子之和/分母之和（如PUE取全年总耗电量/IT耗电量，而非单个季度） / Measure of the actual: latest (the latest period''s value) or annual_ratio_of_sums (a complete year''s Σ numerator / Σ denominator over its periods, e.g. PUE as the year''s total over IT energy, not one seasonal quarter)';
COMMENT ON COLUMN mart.target_progress.target_scope IS '目标适用范围：area 本地区目标、national_applied_to_province 全国目标用于衡量全省 / Scope: area (a target set for the area) or national_applied_to_province (a national target the province is measured against)';
COMMENT ON COLUMN mart.target_progress.target_value IS '目标值 / Target value';
COMMENT ON COLUMN mart.target_progress.unit IS '计量单位 / Unit of measure';
COMMENT ON COLUMN mart.target_progress.actual_period IS '实际值所属期别首日 / First day of the period of the actual value';
COMMENT ON COLUMN mart.target_progress.actual_time_period IS '实际值所属期别（SDMX格式） / Period of the actual value (SDMX form)';
COMMENT ON COLUMN mart.target_progress.actual IS '实际值：按目标口径（measure），截至参考日和截止日、覆盖全部城市的最新值；截止日后即最终值，所属期别见 actual_time_period / Actual: on the target''s measure, the latest value covering every city whose period ends by the reference date and the deadline; after the deadline the final value, from actual_time_period';
COMMENT ON COLUMN mart.target_progress.actual_obs_status IS '实际值的观测状态（SDMX CL_OBS_STATUS，代码同 mart.observations.obs_status）：A 正常、P 初步、E 估计、B 序列中断、M 缺失、Q 保密不公布 / Observation status of the actual value (SDMX CL_OBS_STATUS, the codes of mart.observations.obs_status): A normal, P provisional, E estimated, B break in series, M missing, Q suppressed (confidential)';
COMMENT ON COLUMN mart.target_progress.completion_pct IS '完成率（%）：实际/目标；<= 目标为目标/实际 / Completion (%): actual / target; for a <= target, target / actual';
COMMENT ON COLUMN mart.target_progress.remaining IS '距目标尚差（已达成为0） / Still to go to reach the target (0 once met)';
COMMENT ON COLUMN mart.target_progress.time_elapsed_pct IS '时间进度（%）：参考日当日结束时目标期（起始年1月1日至目标年末）已过天数占比 / Time elapsed (%): share of the target''s span (1 January of its start year to the end of its year) gone by at the end of the reference date';
COMMENT ON COLUMN mart.target_progress.run_rate_base_period IS '速度基期首日：12个月前的期别（年初至今累计指标及年内新增目标为空，自年初0起算） / First day of the base period of the run-rate: 12 months earlier (blank for a year-to-date series or an increase target, which start from 0 in January)';
COMMENT ON COLUMN mart.target_progress.run_rate_base_time_period IS '速度基期（SDMX格式） / Base period of the run-rate (SDMX form)';
COMMENT ON COLUMN mart.target_progress.run_rate_base_value IS '速度基期数值 / Value at the base of the run-rate';
COMMENT ON COLUMN mart.target_progress.run_rate_per_month IS '月均变化（当前速度） / Run-rate: change per month';
COMMENT ON COLUMN mart.target_progress.projection IS '按当前速度预计截止日数值（限于指标合理范围） / Projected value at the deadline at the run-rate (kept within the indicator''s bounds)';
COMMENT ON COLUMN mart.target_progress.projected_completion_pct IS '预计完成率（%） / Projected completion (%)';
COMMENT ON COLUMN mart.target_progress.target_status IS '目标状态：截止日后为 achieved 已完成、not_achieved 未完成（按最终值）；截止日前为 on_track 可完成（已完成或预计完成率≥100%）、at_risk 有风险（预计完成率≥90%或无法测算）、off_track 难完成（<90%）；no_data 尚无覆盖全部城市的数据 / Target status: after the deadline achieved or not_achieved (on the final value); before it on_track (met, or projected completion >= 100 %), at_risk (>= 90 %, or no run-rate), off_track (< 90 %); no_data (no value covering every city yet)';
COMMENT ON COLUMN mart.target_progress.illustrative IS '是否示意性目标 / Illustrative target (no public source)';
COMMENT ON COLUMN mart.target_progress.source_citation IS '目标出处（引文） / Source of the target (citation)';
COMMENT ON COLUMN mart.target_progress.reference_date IS '参考日（视为“今天”） / Reference date (what counts as today)';

CREATE OR REPLACE VIEW mart.v_released_target_progress AS
SELECT t.target_id,
       t.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       t.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       t.area_level, t.year, t.deadline, t.comparison, t.target_kind, t.measure,
       t.target_scope, c.label_zh AS target_scope_zh, t.target_value, t.unit,
       t.actual_period, t.actual_time_period, t.actual,
       t.actual_obs_status, o.label_zh AS actual_obs_status_zh,
       t.completion_pct, t.remaining, t.time_elapsed_pct, t.run_rate_base_period, t.run_rate_base_time_period,
       t.run_rate_base_value, t.run_rate_per_month, t.projection, t.projected_completion_pct,
       t.target_status, s.label_zh AS target_status_zh,
       t.illustrative, t.source_citation, t.reference_date
FROM mart.target_progress t
LEFT JOIN ref.areas a USING (area_code)
LEFT JOIN ref.indicators i USING (indicator_code)
LEFT JOIN ref.status_labels o ON o.code_list = 'obs_status' AND o.code = t.actual_obs_status
LEFT JOIN ref.status_labels s ON s.code_list = 'target_status' AND s.code = t.target_status
LEFT JOIN ref.status_labels c ON c.code_list = 'target_scope' AND c.code = t.target_scope
WHERE t.basis = 'released';
COMMENT ON VIEW mart.v_released_target_progress IS '按已发布数值计算的目标进度 / Target progress on released values';
COMMENT ON COLUMN mart.v_released_target_progress.indicator_name_zh IS '指标中文名称 / Indicator name in Chinese';
COMMENT ON COLUMN mart.v_released_target_progress.indicator_name_en IS '指标英文名称 / Indicator name in English';
COMMENT ON COLUMN mart.v_released_target_progress.area_name_zh IS '地区中文名称 / Area name in Chinese';
COMMENT ON COLUMN mart.v_released_target_progress.area_name_en IS '地区英文名称 / Area name in English';
COMMENT ON COLUMN mart.v_released_target_progress.actual_obs_status_zh IS '实际值观测状态中文标签（ref.status_labels） / Observation status of the actual value, label in Chinese (ref.status_labels)';
COMMENT ON COLUMN mart.v_released_target_progress.target_status_zh IS '目标状态中文标签：已完成、未完成、可完成、有风险、难完成、暂无数据（ref.status_labels） / Target status label in Chinese (ref.status_labels)';
COMMENT ON COLUMN mart.v_released_target_progress.target_scope_zh IS '目标适用范围中文标签：本地区目标、全国目标（用于全省）（ref.status_labels） / Target scope label in Chinese (ref.status_labels)';
