-- The index year's ($year) ranking on released figures: rank, score, the Monte-Carlo median rank and its
-- 5-95 % interval, or why a city is not ranked.
SELECT r.area_code, r.index_score, r.ranked, r.rank, r.n_ranked, r.rank_median, r.rank_p05, r.rank_p95,
       r.seed, r.n_draws, r.weight_concentration, r.reason_zh, r.reason_en
FROM mart.city_ranking r
WHERE r.basis = 'released' AND year(r.period) = $year
ORDER BY r.rank NULLS LAST, r.area_code;
