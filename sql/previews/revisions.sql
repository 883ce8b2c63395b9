-- The first rows an analyst sees for mart.revisions in the Dagster UI.
SELECT changed_at, source_profile, area_code, time_period, indicator_code, old_value, new_value, reason, after_release FROM mart.revisions ORDER BY changed_at DESC LIMIT 10;
