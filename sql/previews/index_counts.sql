-- Counts by category shown beside the index in the Dagster UI: (label, count) pairs, per year and basis.
SELECT basis || '_' || time_period || '_ranked', count(*) FILTER (WHERE ranked)
FROM mart.city_ranking GROUP BY basis, time_period
UNION ALL
SELECT 'indicators_against_their_pillar', count(*) FILTER (WHERE against_pillar) FROM mart.index_correlations;
