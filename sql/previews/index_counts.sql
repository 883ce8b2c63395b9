-- Counts by category shown beside the index in the Dagster UI: (label, count) pairs: the cities ranked per
-- basis and year, and the indicators working against their pillar.
SELECT label, n FROM (
    SELECT basis || '_' || time_period || '_ranked' AS label, count(*) FILTER (WHERE ranked) AS n
    FROM mart.city_ranking GROUP BY basis, time_period
    UNION ALL
    SELECT 'indicators_against_their_pillar', count(*) FILTER (WHERE against_pillar) FROM mart.index_correlations
) ORDER BY label;
