-- Counts by category shown beside mart.revisions in the Dagster UI: (label, count) pairs.
SELECT 'after_release', count(*) FILTER (WHERE after_release AND affects_marts) FROM mart.revisions;
