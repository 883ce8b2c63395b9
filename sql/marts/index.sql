-- mart.index: the digital-economy development index of each city and year, with its pillar scores and the
-- normalised score of each indicator (one row per basis × city × year × component), from the rows
-- pipelines/composite_index.py computes (indicators/composite_index.py; framework in
-- indicators/data/index.yaml). Scores run 0-100: indicators min-max against fixed goalposts, pillars and
-- the index as weighted arithmetic means. A pillar or the index lacking an input has no score (never a
-- zero) and says why; only cities with every input published are ranked.
CREATE OR REPLACE TABLE mart.index AS
SELECT basis::VARCHAR AS basis,
       area_code::VARCHAR AS area_code,
       make_date(year::INTEGER, 1, 1) AS period,
       'A' AS freq,
       mart.time_period(make_date(year::INTEGER, 1, 1), 'A') AS time_period,
       component_level::VARCHAR AS component_level,
       component_code::VARCHAR AS component_code,
       pillar_code::VARCHAR AS pillar_code,
       component_name_zh::VARCHAR AS component_name_zh,
       component_name_en::VARCHAR AS component_name_en,
       weight::DOUBLE AS weight,
       effective_weight::DOUBLE AS effective_weight,
       value::DOUBLE AS value,
       unit::VARCHAR AS unit,
       input_time_period::VARCHAR AS input_time_period,
       input_obs_status::VARCHAR AS input_obs_status,
       input_status::VARCHAR AS input_status,
       worst::DOUBLE AS worst,
       best::DOUBLE AS best,
       score::DOUBLE AS score,
       capped::BOOLEAN AS capped,
       ranked::BOOLEAN AS ranked,
       rank::INTEGER AS rank,
       n_ranked::INTEGER AS n_ranked,
       reason_zh::VARCHAR AS reason_zh,
       reason_en::VARCHAR AS reason_en
FROM index_rows
ORDER BY basis, period, area_code,
         CASE component_level WHEN 'index' THEN 0 WHEN 'pillar' THEN 1 ELSE 2 END, pillar_code, component_code;
