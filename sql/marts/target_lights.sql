-- mart.target_lights: each target's traffic light per basis (as mart.target_progress), beside the light at
-- the previous release, and why it changed: new data or a revision of earlier data, naming the submissions.
-- light, from target_status: green achieved / on_track; amber at_risk; red off_track / not_achieved;
--   grey no_data.
-- The previous release is the release before the latest one: the light the previous monthly report showed.
-- pipelines/target_lights.py rebuilds mart.target_progress twice in a rolled-back transaction and hands
-- the results over as light_states (state, target_id, basis, target_status, actual_period,
-- actual_time_period, actual, run_rate_base_period):
--   previous  what was known at that release ($baseline_at), its releases, its date as the reference date;
--   revised   the same periods and releases, with today's values of them (new vintages, withdrawals).
-- change_cause: previous → revised is what revisions did; revised → now what new data did (a new period,
--   late values, the reference date moving on):
--   unchanged              the light is the same colour (whatever moved underneath);
--   new_data               revisions alone left the light as it was;
--   deadline_passed        so did new data: the same actual, judged as final now that the deadline passed;
--   revision               revisions alone turn it to today's colour: a leader must be told;
--   revision_and_new_data  revisions changed it, and new data changed it again;
--   NULL                   no previous release to compare with.
-- The submissions named: received (or withdrawn) since the previous release and supplying a submitted
-- cell the light rests on (mart.lineage of the target's cells: the actual's period, the run-rate base, an
-- increase's base at the end of the year before, every period of an annual ratio, in any of the states);
-- a revision where the cell had a value at the previous release, new data where it had none.
CREATE OR REPLACE TABLE mart.target_lights AS
WITH colours(target_status, light, light_zh) AS (
    VALUES ('achieved', 'green', '绿'), ('on_track', 'green', '绿'), ('at_risk', 'amber', '黄'),
           ('off_track', 'red', '红'), ('not_achieved', 'red', '红'), ('no_data', 'grey', '灰')
),
states AS (
    SELECT 'now' AS state, target_id, basis, target_status, actual_period, actual_time_period, actual,
           run_rate_base_period
    FROM mart.target_progress
    UNION ALL
    SELECT state, target_id, basis, target_status, actual_period::DATE, actual_time_period, actual::DOUBLE,
           run_rate_base_period::DATE
    FROM light_states
),
coloured AS (
    SELECT s.*, c.light, c.light_zh FROM states s JOIN colours c USING (target_status)
),
-- the target's cells each state's light rests on
rests_on AS (
    SELECT DISTINCT s.target_id, s.basis, o.area_code, o.period, o.indicator_code
    FROM states s
    JOIN ref.targets t USING (target_id)
    JOIN mart.observations o ON o.area_code = t.area_code AND o.indicator_code = t.indicator_code
    WHERE o.period = s.actual_period OR o.period = s.run_rate_base_period
       OR (t.measure = 'annual_ratio_of_sums' AND year(o.period) = year(s.actual_period))
       OR (t.target_kind = 'increase' AND core.period_end(o.period, o.freq) = make_date(t.year - 1, 12, 31))
),
-- the submitted cells under them, with the vintage used and whether the cell had a value at the baseline
inputs AS (
    SELECT DISTINCT r.target_id, r.basis, l.input_area_code, l.input_period, l.input_indicator_code,
           l.input_time_period, l.submission_id, l.received_at,
           EXISTS (SELECT 1 FROM core.observations_as_of($baseline_at::TIMESTAMPTZ) k
                   WHERE k.area_code = l.input_area_code AND k.period = l.input_period
                     AND k.indicator_code = l.input_indicator_code) AS known_at_baseline
    FROM rests_on r
    JOIN mart.lineage l USING (area_code, period, indicator_code)
    WHERE l.role <> 'superseded'
),
changes AS (
    -- vintages received since the baseline: a revision of a cell known then, else new data
    SELECT target_id, basis, submission_id, input_time_period AS time_period,
           CASE WHEN known_at_baseline THEN 'revision' ELSE 'new_data' END AS kind
    FROM inputs
    WHERE received_at > $baseline_at::TIMESTAMPTZ
    UNION ALL
    -- submissions withdrawn since the baseline that carried one of those cells: revisions
    SELECT DISTINCT i.target_id, i.basis, w.submission_id, i.input_time_period, 'revision'
    FROM inputs i
    JOIN core.observations v
      ON v.area_code = i.input_area_code AND v.period = i.input_period AND v.indicator_code = i.input_indicator_code
    JOIN ops.withdrawals w ON w.submission_id = v.submission_id AND w.withdrawn_at > $baseline_at::TIMESTAMPTZ
),
named AS (
    SELECT c.target_id, c.basis, c.kind,
           list(DISTINCT c.submission_id ORDER BY c.submission_id) AS submission_ids,
           string_agg(DISTINCT '#' || c.submission_id || ' ' || s.original_filename || ' (' || s.profile || ')', ', '
                      ORDER BY '#' || c.submission_id || ' ' || s.original_filename || ' (' || s.profile || ')')
               AS submissions,
           string_agg(DISTINCT c.time_period, ', ' ORDER BY c.time_period) AS periods
    FROM changes c
    JOIN ops.submissions s USING (submission_id)
    GROUP BY ALL
),
compared AS (
    SELECT n.target_id, n.basis, n.light, n.light_zh, n.target_status, n.actual_time_period, n.actual,
           p.light AS previous_light, p.light_zh AS previous_light_zh, p.target_status AS previous_target_status,
           p.actual_time_period AS previous_actual_time_period, p.actual AS previous_actual,
           r.light AS revised_light, r.target_status AS revised_target_status,
           CASE WHEN p.light IS NULL THEN NULL
                WHEN n.light = p.light THEN 'unchanged'
                WHEN r.light = p.light AND n.target_status IN ('achieved', 'not_achieved')
                     AND r.target_status NOT IN ('achieved', 'not_achieved')
                     AND n.actual_time_period IS NOT DISTINCT FROM r.actual_time_period
                     AND n.actual IS NOT DISTINCT FROM r.actual THEN 'deadline_passed'
                WHEN r.light = p.light THEN 'new_data'
                WHEN n.light = r.light THEN 'revision'
                ELSE 'revision_and_new_data' END AS change_cause
    FROM coloured n
    LEFT JOIN coloured p ON p.state = 'previous' AND p.target_id = n.target_id AND p.basis = n.basis
    LEFT JOIN coloured r ON r.state = 'revised' AND r.target_id = n.target_id AND r.basis = n.basis
    WHERE n.state = 'now'
)
SELECT c.target_id,
       c.basis,
       c.light,
       c.light_zh,
       c.target_status,
       c.actual_time_period,
       c.actual,
       $baseline_period::DATE AS previous_release_period,
       $baseline_at::TIMESTAMPTZ AS previous_released_at,
       c.previous_light,
       c.previous_target_status,
       c.previous_actual_time_period,
       c.previous_actual,
       c.revised_light,
       c.revised_target_status,
       c.change_cause <> 'unchanged' AS light_changed,
       c.change_cause,
       coalesce(rv.submission_ids, []) AS revision_submission_ids,
       coalesce(nd.submission_ids, []) AS new_data_submission_ids,
       CASE c.change_cause
           WHEN 'unchanged' THEN '与上期发布时相同（' || c.light_zh || '）'
           WHEN 'deadline_passed' THEN '由' || c.previous_light_zh || '变' || c.light_zh || '：目标截止日已过，按最终值（'
                || c.actual_time_period || '）判定'
           WHEN 'new_data' THEN '由' || c.previous_light_zh || '变' || c.light_zh || '：因新数据（' ||
                coalesce(c.actual_time_period, '') || '）' || coalesce('，报送批次 ' || nd.submissions, '')
           WHEN 'revision' THEN '由' || c.previous_light_zh || '变' || c.light_zh || '：因早期数据（' ||
                coalesce(rv.periods, '') || '）被修订' || coalesce('，报送批次 ' || rv.submissions, '')
           WHEN 'revision_and_new_data' THEN '由' || c.previous_light_zh || '变' || c.light_zh || '：早期数据（' ||
                coalesce(rv.periods, '') || '）被修订' || coalesce('（报送批次 ' || rv.submissions || '）', '') ||
                '，又有新数据' || coalesce('（报送批次 ' || nd.submissions || '）', '')
           ELSE '无上期发布可比' END AS change_note_zh,
       CASE c.change_cause
           WHEN 'unchanged' THEN 'same as at the previous release (' || c.light || ')'
           WHEN 'deadline_passed' THEN 'turned ' || c.light || ' from ' || c.previous_light ||
                ': the deadline passed, judged on the final value (' || c.actual_time_period || ')'
           WHEN 'new_data' THEN 'turned ' || c.light || ' from ' || c.previous_light || ' with new data (' ||
                coalesce(c.actual_time_period, '') || ')' || coalesce(': submission(s) ' || nd.submissions, '')
           WHEN 'revision' THEN 'turned ' || c.light || ' from ' || c.previous_light || ' because earlier data ('
                || coalesce(rv.periods, '') || ') were revised' || coalesce(': submission(s) ' || rv.submissions, '')
           WHEN 'revision_and_new_data' THEN 'turned ' || c.light || ' from ' || c.previous_light ||
                ': earlier data (' || coalesce(rv.periods, '') || ') were revised' ||
                coalesce(' (submission(s) ' || rv.submissions || ')', '') || ', then new data came' ||
                coalesce(' (submission(s) ' || nd.submissions || ')', '')
           ELSE 'no previous release to compare with' END AS change_note_en,
       $reference_date::DATE AS reference_date
FROM compared c
LEFT JOIN named rv ON rv.target_id = c.target_id AND rv.basis = c.basis AND rv.kind = 'revision'
LEFT JOIN named nd ON nd.target_id = c.target_id AND nd.basis = c.basis AND nd.kind = 'new_data'
ORDER BY c.target_id, c.basis;
