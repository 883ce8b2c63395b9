-- The first rows an analyst sees for mart.data_quality in the Dagster UI.
SELECT submission_id, source_profile, original_filename, rule, severity, failed FROM mart.data_quality WHERE failed > 0 ORDER BY received_at DESC, rule LIMIT 10;
