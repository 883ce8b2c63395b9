-- mart.index: its key, its comments in Chinese and English, and the released view BI shows by default
-- (its columns take these comments; the label columns it adds have their own).

ALTER TABLE mart.index ADD PRIMARY KEY (basis, area_code, period, component_code);

COMMENT ON TABLE mart.index IS '数字经济发展指数：各市各年的总指数、四个支柱得分及各指标标准化得分（每口径×城市×年份×构成项一行）；指标按固定目标值（goalposts）极差标准化为0-100，加权算术平均得支柱与总指数；缺少或保密的输入不以零填补，该市当年不排名并说明原因 / Digital-economy development index: per city and year the index, its four pillar scores and each indicator''s normalised score (one row per basis × city × year × component); indicators normalised min-max to 0-100 between fixed goalposts, weighted arithmetic means give the pillars and the index; a missing or suppressed input is never filled with zero: the city is not ranked that year and the reason is given';
COMMENT ON COLUMN mart.index.basis IS '口径：released 仅用已发布数值、latest 含初步数值的最新值 / Basis: released (released values only) or latest (including provisional values)';
COMMENT ON COLUMN mart.index.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.index.period IS '指数年份首日 / First day of the index year';
COMMENT ON COLUMN mart.index.freq IS '频度（SDMX CL_FREQ：M 月、Q 季、A 年）：仅 A 年（不编制季度、月度指数：数字产业化支柱仅有年度数据） / Frequency (SDMX CL_FREQ: M monthly, Q quarterly, A annual): A only (no quarterly or monthly index: the digital-industry pillar has annual data only)';
COMMENT ON COLUMN mart.index.time_period IS '指数年份（SDMX格式，如2023） / Index year in SDMX form, e.g. 2023';
COMMENT ON COLUMN mart.index.component_level IS '构成层级：index 总指数、pillar 支柱、indicator 指标 / Component level: index, pillar or indicator';
COMMENT ON COLUMN mart.index.component_code IS '构成项代码：index、支柱代码或指标代码（ref.indicators） / Component code: index, a pillar code or an indicator code (ref.indicators)';
COMMENT ON COLUMN mart.index.pillar_code IS '所属支柱代码（总指数为空） / Pillar the component belongs to (blank for the index)';
COMMENT ON COLUMN mart.index.component_name_zh IS '构成项中文名称 / Component name in Chinese';
COMMENT ON COLUMN mart.index.component_name_en IS '构成项英文名称 / Component name in English';
COMMENT ON COLUMN mart.index.weight IS '权重：指标在支柱内、支柱在总指数内（index.yaml） / Weight: an indicator''s within its pillar, a pillar''s within the index (index.yaml)';
COMMENT ON COLUMN mart.index.effective_weight IS '在总指数中的权重（支柱权重×指标权重） / Weight in the index (pillar weight × indicator weight)';
COMMENT ON COLUMN mart.index.value IS '指标当年值（原单位；年末值，或流量比率的全年分子之和/分母之和；不可用时为空） / The indicator''s value for the year in its unit (year-end value, or a flow rate''s Σ numerator / Σ denominator over the year; blank when not usable)';
COMMENT ON COLUMN mart.index.unit IS '计量单位 / Unit of measure';
COMMENT ON COLUMN mart.index.input_time_period IS '所用数值的期别（如2023-12、2023-Q4；全年比率为2023） / Period of the value used (e.g. 2023-12, 2023-Q4; 2023 for a rate over the whole year)';
COMMENT ON COLUMN mart.index.input_obs_status IS '所用数值的观测状态（SDMX CL_OBS_STATUS：A 正常、P 初步、E 估计、B 序列中断、M 缺失、Q 保密；全年值取各期中首个非A者） / Observation status of the value used (SDMX CL_OBS_STATUS: A normal, P provisional, E estimated, B break, M missing, Q suppressed; for a whole year, the first status other than A among its periods)';
COMMENT ON COLUMN mart.index.input_status IS '输入状态：ok 可用、missing 无数值（未报送、未到期或全年各期不全）、suppressed 保密不公布（Q）、not_released 尚未发布（released 口径） / Input status: ok, missing (not reported, not yet due, or not every period of the year), suppressed (confidential, Q), not_released (released basis)';
COMMENT ON COLUMN mart.index.worst IS '得0分的目标值（各年固定） / Goalpost scoring 0 (fixed across years)';
COMMENT ON COLUMN mart.index.best IS '得100分的目标值（各年固定；越低越好的指标低于 worst） / Goalpost scoring 100 (fixed across years; below worst where less is better)';
COMMENT ON COLUMN mart.index.score IS '得分0-100：指标为固定目标值间的极差标准化值，支柱与总指数为加权算术平均；输入不全时为空 / Score 0-100: an indicator''s min-max between the fixed goalposts, a pillar''s and the index''s the weighted arithmetic mean; blank when an input is lacking';
COMMENT ON COLUMN mart.index.capped IS '数值超出目标值区间、得分截为0或100 / The value lies beyond a goalpost and its score is capped at 0 or 100';
COMMENT ON COLUMN mart.index.ranked IS '该市当年是否排名（全部输入可用） / Whether the city is ranked that year (every input usable)';
COMMENT ON COLUMN mart.index.rank IS '在当年排名城市中的名次（1为最高，得分相同者并列） / Rank among the year''s ranked cities (1 is the highest; equal scores share a rank)';
COMMENT ON COLUMN mart.index.n_ranked IS '当年排名的城市数 / Cities ranked that year';
COMMENT ON COLUMN mart.index.reason_zh IS '无得分或不排名的原因（中文） / Why there is no score or rank, in Chinese';
COMMENT ON COLUMN mart.index.reason_en IS '无得分或不排名的原因（英文） / Why there is no score or rank, in English';

CREATE OR REPLACE VIEW mart.v_released_index AS
SELECT x.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       x.* EXCLUDE (basis, area_code)
FROM mart.index x
LEFT JOIN ref.areas a USING (area_code)
WHERE x.basis = 'released';
COMMENT ON VIEW mart.v_released_index IS '按已发布数值编制的数字经济发展指数 / Digital-economy development index on released values';
COMMENT ON COLUMN mart.v_released_index.area_name_zh IS '城市中文名称 / City name in Chinese';
COMMENT ON COLUMN mart.v_released_index.area_name_en IS '城市英文名称 / City name in English';
