-- Counts by category shown beside mart.target_lights in the Dagster UI: (label, count) pairs.
SELECT 'released_' || light, count(*) FROM mart.target_lights WHERE basis = 'released' GROUP BY ALL
UNION ALL
SELECT 'changed_by_revision', count(*) FROM mart.target_lights WHERE change_cause IN ('revision', 'revision_and_new_data');
