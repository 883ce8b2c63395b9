-- mart.target_lights: its key and its comments in Chinese and English.

ALTER TABLE mart.target_lights ADD PRIMARY KEY (target_id, basis);

COMMENT ON TABLE mart.target_lights IS '目标信号灯：每个目标的绿、黄、红灯与上期发布时比较，灯色变化是因新数据还是因早期数据被修订，并列出相关报送批次 / Target lights: each target''s green, amber or red light against the light at the previous release, whether new data or a revision of earlier data changed it, and the submissions that did';
COMMENT ON COLUMN mart.target_lights.target_id IS '目标代码（mart.target_progress） / Target id (mart.target_progress)';
COMMENT ON COLUMN mart.target_lights.basis IS '口径：released 仅已发布数据、latest 含初步数据 / Basis: released (released values only) or latest (including provisional values)';
COMMENT ON COLUMN mart.target_lights.light IS '信号灯：green 绿（已完成、可完成）、amber 黄（有风险）、red 红（难完成、未完成）、grey 灰（暂无数据） / Light: green (achieved, on track), amber (at risk), red (off track, not achieved), grey (no data yet)';
COMMENT ON COLUMN mart.target_lights.light_zh IS '信号灯中文：绿、黄、红、灰 / Light in Chinese';
COMMENT ON COLUMN mart.target_lights.target_status IS '目标状态（mart.target_progress.target_status）：achieved 已完成、not_achieved 未完成、on_track 可完成、at_risk 有风险、off_track 难完成、no_data 暂无数据 / Target status (mart.target_progress.target_status): achieved, not_achieved, on_track, at_risk, off_track, no_data';
COMMENT ON COLUMN mart.target_lights.actual_time_period IS '实际值所属期别 / Period of the actual value';
COMMENT ON COLUMN mart.target_lights.actual IS '实际值 / Actual value';
COMMENT ON COLUMN mart.target_lights.previous_release_period IS '上期发布（最近一次之前的一次发布）的月份首日；空：尚无两次发布 / Month of the previous release (the release before the latest one), first day; blank until there are two releases';
COMMENT ON COLUMN mart.target_lights.previous_released_at IS '上期发布时间 / When the previous release was made';
COMMENT ON COLUMN mart.target_lights.previous_light IS '上期发布时的信号灯（按当时已知数据、当时已发布期别、以发布日为参考日） / Light at the previous release (on what was known and released then, with its date as the reference date)';
COMMENT ON COLUMN mart.target_lights.previous_target_status IS '上期发布时的目标状态：achieved 已完成、not_achieved 未完成、on_track 可完成、at_risk 有风险、off_track 难完成、no_data 暂无数据 / Target status at the previous release: achieved, not_achieved, on_track, at_risk, off_track, no_data';
COMMENT ON COLUMN mart.target_lights.previous_actual_time_period IS '上期发布时实际值所属期别 / Period of the actual at the previous release';
COMMENT ON COLUMN mart.target_lights.previous_actual IS '上期发布时的实际值 / Actual value at the previous release';
COMMENT ON COLUMN mart.target_lights.revised_light IS '按上期发布时的期别、计入此后修订的信号灯（区分修订与新数据的影响） / Light on the previous release''s periods with the revisions made since (separates what revisions did from what new data did)';
COMMENT ON COLUMN mart.target_lights.revised_target_status IS '按上期期别、计入修订后的目标状态：achieved 已完成、not_achieved 未完成、on_track 可完成、at_risk 有风险、off_track 难完成、no_data 暂无数据 / Target status on the previous release''s periods with the revisions since: achieved, not_achieved, on_track, at_risk, off_track, no_data';
COMMENT ON COLUMN mart.target_lights.light_changed IS '灯色是否与上期发布时不同 / The light differs from the previous release''s';
COMMENT ON COLUMN mart.target_lights.change_cause IS '变化原因：unchanged 未变；new_data 新数据（新一期或迟报值）；deadline_passed 截止日已过、按最终值判定；revision 早期数据被修订（须向读者说明）；revision_and_new_data 修订与新数据均有；空：无上期发布 / Why it changed: unchanged; new_data (a new period or late values); deadline_passed (the same actual, judged final after the deadline); revision (earlier data were revised: the reader must be told); revision_and_new_data (both); blank: no previous release';
COMMENT ON COLUMN mart.target_lights.revision_submission_ids IS '上期发布后修订（重报或撤回）该灯所依据单元格的报送批次 / Submissions since the previous release that revised (resubmitted or withdrew) a cell the light rests on';
COMMENT ON COLUMN mart.target_lights.new_data_submission_ids IS '上期发布后为该灯提供新单元格的报送批次 / Submissions since the previous release that gave the light a cell it had no value for';
COMMENT ON COLUMN mart.target_lights.change_note_zh IS '变化说明（中文，含报送批次、文件名和报送单位；无上期发布时为“无上期发布可比”） / Why the light is what it is, in Chinese (naming submissions, files and submitters; 无上期发布可比 when there is no previous release)';
COMMENT ON COLUMN mart.target_lights.change_note_en IS '变化说明（英文；无上期发布时为 no previous release to compare with） / Why the light is what it is, in English (no previous release to compare with, when there is none)';
COMMENT ON COLUMN mart.target_lights.reference_date IS '参考日（视为“今天”） / Reference date (what counts as today)';
