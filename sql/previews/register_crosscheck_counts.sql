-- Counts by category shown beside mart.register_crosscheck in the Dagster UI: (label, count) pairs.
SELECT 'differing_cells', count(*) FILTER (WHERE differs) FROM mart.register_crosscheck;
