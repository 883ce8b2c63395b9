-- The first rows an analyst sees for mart.submission_revisions in the Dagster UI.
SELECT changed_at, source_profile, change_type, area_code, time_period, indicator_code, old_value, new_value, reason, affects_marts FROM mart.submission_revisions ORDER BY changed_at DESC LIMIT 10;
