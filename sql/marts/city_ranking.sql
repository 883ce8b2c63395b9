-- mart.city_ranking: each city's index rank per year, and how sure it is: the median rank and the 5-95 %
-- interval over the seeded Monte-Carlo draws that vary the weights, the normalisation and the aggregation
-- (indicators/composite_index.py, rank_uncertainty; settings in indicators/data/index.yaml). One row per
-- basis × city × year, ranked or not; an unranked city says why.
CREATE OR REPLACE TABLE mart.city_ranking AS
SELECT basis::VARCHAR AS basis,
       area_code::VARCHAR AS area_code,
       make_date(year::INTEGER, 1, 1) AS period,
       mart.time_period(make_date(year::INTEGER, 1, 1), 'A') AS time_period,
       index_score::DOUBLE AS index_score,
       ranked::BOOLEAN AS ranked,
       rank::INTEGER AS rank,
       n_ranked::INTEGER AS n_ranked,
       rank_median::INTEGER AS rank_median,
       rank_p05::INTEGER AS rank_p05,
       rank_p95::INTEGER AS rank_p95,
       seed::BIGINT AS seed,
       n_draws::INTEGER AS n_draws,
       weight_concentration::DOUBLE AS weight_concentration,
       reason_zh::VARCHAR AS reason_zh,
       reason_en::VARCHAR AS reason_en
FROM ranking_rows
ORDER BY basis, period, rank NULLS LAST, area_code;
