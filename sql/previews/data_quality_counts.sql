-- Counts by category shown beside mart.data_quality in the Dagster UI: (label, count) pairs.
SELECT 'rejected_submissions', count(DISTINCT submission_id) FILTER (WHERE submission_status = 'rejected') FROM mart.data_quality;
