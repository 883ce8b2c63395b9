-- Counts shown beside mart.published_vintages in the Dagster UI: (label, count) pairs.
SELECT 'cells', count(DISTINCT (area_code, period, indicator_code)) FROM mart.published_vintages
UNION ALL SELECT 'cells_revised', count(DISTINCT (area_code, period, indicator_code)) FILTER (WHERE vintage_no > 1) FROM mart.published_vintages
UNION ALL SELECT 'checkpoints', count(*) FROM core.published_checkpoints;
