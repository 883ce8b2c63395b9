-- The first rows an analyst sees for the index in the Dagster UI: the latest year's ranking on the latest
-- values, with the rank interval, and every city that is not ranked with its reason.
SELECT time_period, area_code, index_score, rank, rank_median, rank_p05, rank_p95, reason_en
FROM mart.city_ranking
WHERE basis = 'latest' AND period = (SELECT max(period) FROM mart.city_ranking WHERE basis = 'latest' AND ranked)
ORDER BY rank NULLS LAST, area_code;
