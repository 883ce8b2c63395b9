-- Counts by category shown beside mart.discrepancies in the Dagster UI: (label, count) pairs.
SELECT 'differing_cells', count(*) FILTER (WHERE differs) FROM mart.discrepancies;
