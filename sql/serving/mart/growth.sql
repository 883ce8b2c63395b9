-- mart.growth: its key, its comments in Chinese and English, and the released view BI shows by default
-- (its columns take these comments; the label columns it adds have their own).

ALTER TABLE mart.growth ADD PRIMARY KEY (area_code, period, indicator_code);

COMMENT ON TABLE mart.growth IS '增长：当期值、环比、同比、年初至今累计及同比、复合年均增长率；比率以百分点计，现价指标为名义增长 / Growth: own value of a year-to-date series, period-on-period, year-on-year, year to date, CAGR; rates in percentage points, current-price series nominal';
COMMENT ON COLUMN mart.growth.area_code IS '地区代码 / Area code';
COMMENT ON COLUMN mart.growth.area_level IS '地区层级：county 县（全国部署）、city 市、region 区域、province 全省 / Area level: county (national deployment), city, region or province';
COMMENT ON COLUMN mart.growth.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.growth.freq IS '频度：M 月、Q 季、A 年 / Frequency: M (monthly), Q (quarterly) or A (annual)';
COMMENT ON COLUMN mart.growth.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.growth.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.growth.series_kind IS '序列类型：stock 期末存量、flow 期内流量、ytd 年初至今累计、rate 派生比率 / Series kind: stock, flow, ytd (year to date) or rate';
COMMENT ON COLUMN mart.growth.unit IS '计量单位 / Unit of measure';
COMMENT ON COLUMN mart.growth.value IS '本期数值（保密时为空） / Value of the period (blank when suppressed for confidentiality)';
COMMENT ON COLUMN mart.growth.conf_status IS '本期数值的保密状态（SDMX CONF_STATUS：F 可公布，C 主隐藏，D 补充隐藏）；用到保密数值的增速、累计值均为空 / Confidentiality status of the period''s value (SDMX CONF_STATUS: F free, C primary, D secondary confidential); every growth or year-to-date figure that would use a suppressed value is blank';
COMMENT ON COLUMN mart.growth.own_value IS '当期值（年初至今累计指标）：本期累计减同年上期累计，1月即累计；上期缺报为空；其比率为当期分子/本期分母 / Own value of the period (year-to-date series): this period''s year to date less the previous period''s within the year, January''s is its year to date; blank if the previous period is missing; for a rate over one, the own period''s numerator over this period''s denominator';
COMMENT ON COLUMN mart.growth.own_complete IS '当期值所用两期是否均覆盖全部城市 / Both periods the own value uses cover every city';
COMMENT ON COLUMN mart.growth.n_areas IS '本期已报送城市数 / Cities that reported this period';
COMMENT ON COLUMN mart.growth.n_areas_expected IS '应有城市数 / Cities the area has';
COMMENT ON COLUMN mart.growth.complete IS '本期是否覆盖全部城市 / The value covers every city';
COMMENT ON COLUMN mart.growth.growth_unit IS '增长单位：% 百分比，pp 百分点（比率指标） / Unit of the growth columns: % or pp (percentage points, for rates)';
COMMENT ON COLUMN mart.growth.price_basis IS '价格口径：nominal 名义（现价），空为不适用 / Price basis: nominal (current prices); blank where not applicable';
COMMENT ON COLUMN mart.growth.pop_base_period IS '环比基期首日 / First day of the base period of the period-on-period change';
COMMENT ON COLUMN mart.growth.pop_base_time_period IS '环比基期（SDMX格式） / Base period of the period-on-period change (SDMX form)';
COMMENT ON COLUMN mart.growth.pop_base_value IS '环比基期数值（年初至今累计指标为上期当期值） / Value of the previous period (a year-to-date series: its own value)';
COMMENT ON COLUMN mart.growth.pop_change IS '环比增减量（年初至今累计指标按当期值） / Period-on-period change (absolute; a year-to-date series on own values)';
COMMENT ON COLUMN mart.growth.pop_growth IS '环比增长（%，比率为百分点；年初至今累计指标按当期值，不比较不同长度的累计） / Period-on-period growth (%, percentage points for rates; a year-to-date series on own values, never year-to-date totals of different lengths)';
COMMENT ON COLUMN mart.growth.pop_complete IS '环比所用各期是否均覆盖全部城市 / Every period the period-on-period figures use covers every city';
COMMENT ON COLUMN mart.growth.pop_flag IS '环比可比性标志：break 跨序列中断（B）、estimate 含估计值（E），空为可比 / Period-on-period comparability: break (across a break in series, B), estimate (uses an imputed total, E); blank when like with like';
COMMENT ON COLUMN mart.growth.yoy_base_value IS '上年同期数值 / Value of the same period a year earlier';
COMMENT ON COLUMN mart.growth.yoy_change IS '同比增减量 / Year-on-year change (absolute)';
COMMENT ON COLUMN mart.growth.yoy_growth IS '同比增长（%，比率为百分点） / Year-on-year growth (%, percentage points for rates)';
COMMENT ON COLUMN mart.growth.yoy_complete IS '同比两期是否均覆盖全部城市 / Both periods cover every city';
COMMENT ON COLUMN mart.growth.yoy_flag IS '同比可比性标志：break 近12个月内有序列中断（B）、estimate 含估计值（E），空为可比 / Year-on-year comparability: break (a break in series within the twelve months up to the period, B), estimate (uses an imputed total, E); blank when like with like';
COMMENT ON COLUMN mart.growth.ytd_value IS '年初至今累计（流量求和，缺期为空；年初至今累计指标及其比率取报送值） / Year to date (flows summed, blank if a period so far is missing; a year-to-date series and a rate over one as reported)';
COMMENT ON COLUMN mart.growth.ytd_base_value IS '上年同期累计 / Year to date over the same span a year earlier';
COMMENT ON COLUMN mart.growth.ytd_change IS '累计同比增减量 / Year-to-date change on a year earlier (absolute)';
COMMENT ON COLUMN mart.growth.ytd_growth IS '累计同比增长（%，比率为百分点） / Year-to-date growth on a year earlier (%, percentage points for rates)';
COMMENT ON COLUMN mart.growth.ytd_complete IS '累计所用各期是否均覆盖全部城市 / Every period in the year-to-date figures covers every city';
COMMENT ON COLUMN mart.growth.ytd_flag IS '累计同比可比性标志：break 近12个月内有序列中断（B）、estimate 所用各期含估计值（E），空为可比 / Year-to-date growth comparability: break (a break in series within the twelve months up to the period, B), estimate (a period it sums is an imputed total, E); blank when like with like';
COMMENT ON COLUMN mart.growth.annual_value IS '全年值（完整年度；存量取年末，流量取全年合计） / Value of the complete year (a stock''s year-end level, a flow''s full-year sum)';
COMMENT ON COLUMN mart.growth.cagr_base_year IS '复合增长率基年（该序列首个完整年度） / Base year of the CAGR (the series'' first complete year)';
COMMENT ON COLUMN mart.growth.cagr_base_value IS '基年全年值 / Value of the base year';
COMMENT ON COLUMN mart.growth.cagr IS '复合年均增长率（%；比率为年均增减百分点） / Compound annual growth rate (%; for rates the average change in points a year)';
COMMENT ON COLUMN mart.growth.released IS '所用数值是否均已发布 / Every value the row uses has been released';

CREATE OR REPLACE VIEW mart.v_released_growth AS
SELECT g.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       g.area_level, g.period, g.freq, g.time_period,
       g.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       g.conf_status, c.label_zh AS conf_status_zh,
       g.* EXCLUDE (area_code, area_level, period, freq, time_period, indicator_code, conf_status)
FROM mart.growth g
LEFT JOIN ref.areas a USING (area_code)
LEFT JOIN ref.indicators i USING (indicator_code)
LEFT JOIN ref.status_labels c ON c.code_list = 'conf_status' AND c.code = g.conf_status
WHERE g.released;
COMMENT ON VIEW mart.v_released_growth IS '已发布数值的增长 / Growth computed from released values only';
COMMENT ON COLUMN mart.v_released_growth.area_name_zh IS '地区中文名称 / Area name in Chinese';
COMMENT ON COLUMN mart.v_released_growth.area_name_en IS '地区英文名称 / Area name in English';
COMMENT ON COLUMN mart.v_released_growth.indicator_name_zh IS '指标中文名称 / Indicator name in Chinese';
COMMENT ON COLUMN mart.v_released_growth.indicator_name_en IS '指标英文名称 / Indicator name in English';
COMMENT ON COLUMN mart.v_released_growth.conf_status_zh IS '保密状态中文标签（ref.status_labels） / Confidentiality status label in Chinese (ref.status_labels)';
