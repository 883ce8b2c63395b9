-- mart.observations: its comments in Chinese and English, and the released view BI shows by default (its columns take these comments)

COMMENT ON TABLE mart.observations IS '各市、区域、全省每个指标的最新值（每地区×期别×指标一行）；区域比率为分子之和除以分母之和 / Latest value of every indicator for cities, regions and the province, one row per (area, period, indicator); a region''s rate is the ratio of summed parts';
COMMENT ON COLUMN mart.observations.area_code IS '地区代码 / Area code (ref.areas)';
COMMENT ON COLUMN mart.observations.area_level IS '地区层级：city、region、province / Area level: city, region or province';
COMMENT ON COLUMN mart.observations.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.observations.freq IS '频度：M 月、Q 季、A 年 / Frequency: M, Q or A';
COMMENT ON COLUMN mart.observations.time_period IS '报告期（SDMX格式：2023-06、2023-Q2、2023） / Period in SDMX form: 2023-06, 2023-Q2 or 2023';
COMMENT ON COLUMN mart.observations.indicator_code IS '指标代码 / Indicator code (ref.indicators)';
COMMENT ON COLUMN mart.observations.value IS '数值（全精度存储，显示时四舍五入） / Value at full precision (round half away from zero for display)';
COMMENT ON COLUMN mart.observations.unit IS '计量单位 / Unit of measure';
COMMENT ON COLUMN mart.observations.obs_status IS '观测状态（SDMX）：A 正常（已发布）、P 初步（未发布或依据试点数据） / Observation status (SDMX): A normal (released), P provisional (not released, or resting on a pilot''s figure)';
COMMENT ON COLUMN mart.observations.released IS '所属期别是否已发布 / Whether the period has been released';
COMMENT ON COLUMN mart.observations.source IS '来源：报送主体代码，derived 市级派生，aggregate 区域或全省汇总 / Source: the submitting profile, derived (a city''s rate), or aggregate (region or province)';
COMMENT ON COLUMN mart.observations.submission_id IS '数值所属报送批次（市级基础指标） / Submission (vintage) the value comes from (city base values)';
COMMENT ON COLUMN mart.observations.from_source_of_record IS '是否全部来自法定报送机构（否：含试点填补值） / Every input comes from the agency of record (false: rests on a pilot''s value)';
COMMENT ON COLUMN mart.observations.numerator_value IS '派生指标的分子（区域为各市分子之和） / Numerator of a derived value (a region''s is the sum over its cities)';
COMMENT ON COLUMN mart.observations.denominator_value IS '派生指标的分母（区域为各市分母之和） / Denominator of a derived value (a region''s is the sum over its cities)';
COMMENT ON COLUMN mart.observations.denominator_period IS '市级派生值所用分母的期别（不晚于分子期末） / Period of the denominator a city''s derived value used (ending at or before the numerator''s)';
COMMENT ON COLUMN mart.observations.n_areas IS '纳入计算的城市数（比率：分子分母齐全的城市） / Cities the value covers (for a rate: cities with both parts)';
COMMENT ON COLUMN mart.observations.n_areas_expected IS '应有城市数（市为1） / Cities the area has (1 for a city)';
COMMENT ON COLUMN mart.observations.coverage_pct IS '城市覆盖率（%） / Coverage: cities covered as % of cities expected';
COMMENT ON COLUMN mart.observations.complete IS '是否覆盖全部城市 / Covers every city of the area';

CREATE OR REPLACE VIEW mart.v_released_observations AS
    SELECT * FROM mart.observations WHERE released;
COMMENT ON VIEW mart.v_released_observations IS '已发布数值（BI默认使用） / Released values only: what BI shows by default';
