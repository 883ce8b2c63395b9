-- The first rows an analyst sees for mart.revisions in the Dagster UI: the latest changes to published cells.
SELECT changed_at, revision_type, area_code, time_period, indicator_code, old_value, new_value, old_obs_status, new_obs_status, cause_type, cause_submission_id, reason FROM mart.revisions ORDER BY changed_at DESC, indicator_code, area_code LIMIT 10;
