-- Counts by category shown beside mart.revisions in the Dagster UI: (label, count) pairs.
SELECT 'revised', count(*) FILTER (WHERE revision_type = 'revised') FROM mart.revisions
UNION ALL SELECT 'added', count(*) FILTER (WHERE revision_type = 'added') FROM mart.revisions
UNION ALL SELECT 'removed', count(*) FILTER (WHERE revision_type = 'removed') FROM mart.revisions;
