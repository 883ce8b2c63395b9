-- Counts by category shown beside mart.lineage in the Dagster UI: (label, count) pairs.
SELECT 'role_' || role, count(*) FROM mart.lineage GROUP BY ALL
UNION ALL
SELECT 'submissions_traced', count(DISTINCT submission_id) FROM mart.lineage WHERE role <> 'superseded';
