-- mart.city_ranking: its key, its comments in Chinese and English, and the released view BI shows by default
-- (its columns take these comments; the label columns it adds have their own).

ALTER TABLE mart.city_ranking ADD PRIMARY KEY (basis, area_code, period);

COMMENT ON TABLE mart.city_ranking IS '各市数字经济发展指数排名及其稳健性：按设定权重、极差标准化、算术平均的名次，以及蒙特卡洛敏感性分析（权重按狄利克雷分布扰动、标准化在极差与z分数间、加总在算术与几何平均间随机选取；固定随机种子可复现）的名次中位数与5%-95%区间 / Each city''s index rank and how sure it is: the rank on the chosen weights, min-max and arithmetic means, and over a seeded, reproducible Monte-Carlo sensitivity analysis (Dirichlet weights around the chosen ones, min-max or z-score normalisation, arithmetic or geometric aggregation) the median rank and the 5-95 % rank interval';
COMMENT ON COLUMN mart.city_ranking.basis IS '口径：released 仅用已发布数值、latest 含初步数值的最新值 / Basis: released (released values only) or latest (including provisional values)';
COMMENT ON COLUMN mart.city_ranking.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.city_ranking.period IS '指数年份首日 / First day of the index year';
COMMENT ON COLUMN mart.city_ranking.time_period IS '指数年份（SDMX格式，如2023） / Index year in SDMX form, e.g. 2023';
COMMENT ON COLUMN mart.city_ranking.index_score IS '总指数得分0-100（不排名时为空） / Index score 0-100 (blank when not ranked)';
COMMENT ON COLUMN mart.city_ranking.ranked IS '是否排名（全部输入可用） / Whether the city is ranked (every input usable)';
COMMENT ON COLUMN mart.city_ranking.rank IS '名次（1为最高，得分相同者并列） / Rank (1 is the highest; equal scores share a rank)';
COMMENT ON COLUMN mart.city_ranking.n_ranked IS '当年排名的城市数 / Cities ranked that year';
COMMENT ON COLUMN mart.city_ranking.rank_median IS '各次模拟名次的中位数 / Median rank over the Monte-Carlo draws';
COMMENT ON COLUMN mart.city_ranking.rank_p05 IS '模拟名次的第5百分位（区间上端、较好名次） / 5th percentile of the simulated ranks (the better end of the interval)';
COMMENT ON COLUMN mart.city_ranking.rank_p95 IS '模拟名次的第95百分位（区间下端、较差名次） / 95th percentile of the simulated ranks (the worse end of the interval)';
COMMENT ON COLUMN mart.city_ranking.seed IS '随机数种子（index.yaml；各年以种子和年份初始化） / Random seed (index.yaml; each year''s generator starts from the seed and the year)';
COMMENT ON COLUMN mart.city_ranking.n_draws IS '模拟次数（当年无城市排名时为0） / Monte-Carlo draws (0 when no city is ranked that year)';
COMMENT ON COLUMN mart.city_ranking.weight_concentration IS '狄利克雷集中参数（越大权重越接近设定值） / Dirichlet concentration (the larger, the closer the drawn weights stay to the chosen ones)';
COMMENT ON COLUMN mart.city_ranking.reason_zh IS '不排名的原因（中文） / Why the city is not ranked, in Chinese';
COMMENT ON COLUMN mart.city_ranking.reason_en IS '不排名的原因（英文） / Why the city is not ranked, in English';

CREATE OR REPLACE VIEW mart.v_released_city_ranking AS
SELECT r.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       r.* EXCLUDE (basis, area_code)
FROM mart.city_ranking r
LEFT JOIN ref.areas a USING (area_code)
WHERE r.basis = 'released';
COMMENT ON VIEW mart.v_released_city_ranking IS '按已发布数值的城市排名及名次区间 / City ranking and rank intervals on released values';
COMMENT ON COLUMN mart.v_released_city_ranking.area_name_zh IS '城市中文名称 / City name in Chinese';
COMMENT ON COLUMN mart.v_released_city_ranking.area_name_en IS '城市英文名称 / City name in English';
