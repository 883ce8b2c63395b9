-- mart.index_correlations: over each year's ranked cities, Pearson's r of each indicator's score with its
-- pillar's and with the index, and of each pillar with the index (OECD/JRC Handbook, step 4: an indicator
-- that correlates negatively with its pillar works against what the pillar measures). One row per basis ×
-- year × indicator or pillar, from pipelines/composite_index.py.
CREATE OR REPLACE TABLE mart.index_correlations AS
SELECT basis::VARCHAR AS basis,
       make_date(year::INTEGER, 1, 1) AS period,
       mart.time_period(make_date(year::INTEGER, 1, 1), 'A') AS time_period,
       component_level::VARCHAR AS component_level,
       component_code::VARCHAR AS component_code,
       pillar_code::VARCHAR AS pillar_code,
       n_cities::INTEGER AS n_cities,
       corr_with_pillar::DOUBLE AS corr_with_pillar,
       corr_with_index::DOUBLE AS corr_with_index,
       against_pillar::BOOLEAN AS against_pillar,
       against_index::BOOLEAN AS against_index
FROM correlation_rows
ORDER BY basis, period, pillar_code, CASE component_level WHEN 'pillar' THEN 0 ELSE 1 END, component_code;
