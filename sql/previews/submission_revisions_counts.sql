-- Counts by category shown beside mart.submission_revisions in the Dagster UI: (label, count) pairs.
SELECT 'new_vintage', count(*) FILTER (WHERE change_type = 'new_vintage') FROM mart.submission_revisions
UNION ALL SELECT 'withdrawal', count(*) FILTER (WHERE change_type = 'withdrawal') FROM mart.submission_revisions;
