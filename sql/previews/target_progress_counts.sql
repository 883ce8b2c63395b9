-- Counts by category shown beside mart.target_progress in the Dagster UI: (label, count) pairs.
SELECT 'latest_' || target_status, count(*) FROM mart.target_progress WHERE basis = 'latest' GROUP BY ALL;
