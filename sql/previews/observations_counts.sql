-- Counts by category shown beside mart.observations in the Dagster UI: (label, count) pairs.
SELECT 'released_rows', count(*) FILTER (WHERE released) FROM mart.observations UNION ALL SELECT 'provisional_rows', count(*) FILTER (WHERE obs_status = 'P') FROM mart.observations;
