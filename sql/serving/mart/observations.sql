-- mart.observations: its key, its comments in Chinese and English, and the released view BI shows by default
-- (its columns take these comments; the label columns it adds have their own).

ALTER TABLE mart.observations ADD PRIMARY KEY (area_code, period, indicator_code);

COMMENT ON TABLE mart.observations IS '各市、区域、全省每个指标的最新值（每地区×期别×指标一行）；区域比率为分子之和除以分母之和；缺报城市按比率法插补（E），覆盖不足或无法插补则不公布（M） / Latest value of every indicator for cities, regions and the province, one row per (area, period, indicator); a region''s rate is the ratio of summed parts; missing cities are imputed by ratio imputation (E), and a total below the coverage threshold or that cannot be imputed is withheld (M)';
COMMENT ON COLUMN mart.observations.area_code IS '地区代码 / Area code (ref.areas)';
COMMENT ON COLUMN mart.observations.area_level IS '地区层级：county（全国部署）、city、region、province / Area level: county (national deployment), city, region or province';
COMMENT ON COLUMN mart.observations.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.observations.freq IS '频度：M 月、Q 季、A 年 / Frequency: M, Q or A';
COMMENT ON COLUMN mart.observations.time_period IS '报告期（SDMX格式：2023-06、2023-Q2、2023） / Period in SDMX form: 2023-06, 2023-Q2 or 2023';
COMMENT ON COLUMN mart.observations.indicator_code IS '指标代码 / Indicator code (ref.indicators)';
COMMENT ON COLUMN mart.observations.value IS '数值（全精度存储，显示时四舍五入；M 不公布、Q 保密时为空） / Value at full precision (round half away from zero for display; blank when withheld, M, or suppressed for confidentiality, Q)';
COMMENT ON COLUMN mart.observations.unit IS '计量单位 / Unit of measure';
COMMENT ON COLUMN mart.observations.obs_status IS '观测状态（SDMX CL_OBS_STATUS，按此顺序取首个适用者）：Q 保密不公布（披露控制：conf_status 为 C 或 D，不公布数值）、M 缺失（区域或全省汇总覆盖城市低于阈值或缺报城市无历史值，不公布数值）、B 序列中断（城市数据来源在法定报送机构与试点之间切换的首期）、E 估计值（汇总含插补城市）、A 正常（已发布）、P 初步（未发布）；是否来自法定报送机构见 from_source_of_record / Observation status (SDMX CL_OBS_STATUS, the first that applies): Q suppressed (disclosure control: conf_status C or D, no value published), M missing (a region or province total below the coverage threshold, or missing a city with no earlier value: no value published), B break in series (the first period after a city''s source switched between the agency of record and a pilot), E estimated (a total with imputed cities), A normal (released), P provisional (not released); whether a value comes from the source of record is from_source_of_record';
COMMENT ON COLUMN mart.observations.released IS '所属期别是否已发布 / Whether the period has been released';
COMMENT ON COLUMN mart.observations.source_profile IS '数值来源：报送主体代码（ref.profiles），derived 市级派生，aggregate 区域或全省汇总 / Where the value comes from: the submitting profile (ref.profiles), derived (a city''s rate) or aggregate (region or province)';
COMMENT ON COLUMN mart.observations.submission_id IS '数值所属报送批次（市级基础指标） / Submission (vintage) the value comes from (city base values)';
COMMENT ON COLUMN mart.observations.from_source_of_record IS '是否全部来自法定报送机构（否：含试点填补值；与观测状态无关，发布后仍保留） / Every input comes from the agency of record (false: rests on a pilot''s value; independent of obs_status and kept after release)';
COMMENT ON COLUMN mart.observations.numerator_value IS '派生指标的分子（区域为各市分子之和，含插补城市；M 时为空） / Numerator of a derived value (a region''s is the sum over its cities, imputed ones included; blank when withheld)';
COMMENT ON COLUMN mart.observations.denominator_value IS '派生指标的分母（区域为各市分母之和，含插补城市；M 时为空） / Denominator of a derived value (a region''s is the sum over its cities, imputed ones included; blank when withheld)';
COMMENT ON COLUMN mart.observations.denominator_period IS '市级派生值所用分母的期别（不晚于分子期末） / Period of the denominator a city''s derived value used (ending at or before the numerator''s)';
COMMENT ON COLUMN mart.observations.n_areas IS '已报送的城市数（比率：分子分母齐全的城市），不含插补城市 / Cities that reported (for a rate: cities with both parts), imputed cities not counted';
COMMENT ON COLUMN mart.observations.n_imputed IS '插补的城市数（上次报送值×已报送城市同期变化；E），未插补为0 / Cities imputed (last reported value × the change of the reporting cities; status E), 0 if none';
COMMENT ON COLUMN mart.observations.n_units IS '贡献单位数（量值指标：数据中心、企业个数；市为报送值，区域、全省为已报送城市之和，有城市未报送单位数则为空） / Contributing units (magnitude indicators: data centres, enterprises): a city''s as submitted, a total''s the sum over its reporting cities (blank if one of them gave none)';
COMMENT ON COLUMN mart.observations.conf_status IS '保密状态（SDMX CONF_STATUS）：F 可公布；C 主隐藏（贡献单位少于 ref.disclosure_rules.min_units，或由其推算的比率）；D 补充隐藏（为防止由汇总、比率、增速推算出 C 格而隐藏）。C、D 不公布数值，观测状态为 Q / Confidentiality status (SDMX CONF_STATUS): F free; C primary confidential (fewer units than ref.disclosure_rules.min_units, or a rate over such a cell); D secondary confidential (hidden so that no C cell can be derived from totals, rates or growth). C and D publish no value, obs_status Q';
COMMENT ON COLUMN mart.observations.n_areas_expected IS '应有城市数（市为1） / Cities the area has (1 for a city)';
COMMENT ON COLUMN mart.observations.coverage_pct IS '城市覆盖率（%，已报送城市/应有城市；低于阈值则 M，见 ref.aggregation_rules） / Coverage: cities that reported as % of cities expected (below the threshold in ref.aggregation_rules: M)';
COMMENT ON COLUMN mart.observations.complete IS '是否全部城市均已报送（否：E 插补或 M 不公布） / Every city of the area reported (false: imputed, E, or withheld, M)';

CREATE OR REPLACE VIEW mart.v_released_observations AS
SELECT o.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       o.area_level, o.period, o.freq, o.time_period,
       o.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       o.value, o.unit,
       o.obs_status, s.label_zh AS obs_status_zh,
       o.conf_status, c.label_zh AS conf_status_zh,
       o.* EXCLUDE (area_code, area_level, period, freq, time_period, indicator_code, value, unit, obs_status,
                    conf_status)
FROM mart.observations o
LEFT JOIN ref.areas a USING (area_code)
LEFT JOIN ref.indicators i USING (indicator_code)
LEFT JOIN ref.status_labels s ON s.code_list = 'obs_status' AND s.code = o.obs_status
LEFT JOIN ref.status_labels c ON c.code_list = 'conf_status' AND c.code = o.conf_status
WHERE o.released;
COMMENT ON VIEW mart.v_released_observations IS '已发布数值（BI默认使用） / Released values only: what BI shows by default';
COMMENT ON COLUMN mart.v_released_observations.area_name_zh IS '地区中文名称 / Area name in Chinese';
COMMENT ON COLUMN mart.v_released_observations.area_name_en IS '地区英文名称 / Area name in English';
COMMENT ON COLUMN mart.v_released_observations.indicator_name_zh IS '指标中文名称 / Indicator name in Chinese';
COMMENT ON COLUMN mart.v_released_observations.indicator_name_en IS '指标英文名称 / Indicator name in English';
COMMENT ON COLUMN mart.v_released_observations.obs_status_zh IS '观测状态中文标签（ref.status_labels） / Observation status label in Chinese (ref.status_labels)';
COMMENT ON COLUMN mart.v_released_observations.conf_status_zh IS '保密状态中文标签（ref.status_labels） / Confidentiality status label in Chinese (ref.status_labels)';
