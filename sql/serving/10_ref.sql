-- What every reference table and column means, in Chinese and English, for BI tools that show
-- comments (DBeaver, Superset via duckdb-engine, `SELECT comment FROM duckdb_columns()`).
COMMENT ON TABLE ref.areas IS '地区：21个地级市、4个区域和全省（全国部署为地区名录中的省、市、县） / Areas: the 21 prefecture-level cities, the four regions and the province (a national deployment: the provinces, cities and counties of its area register)';
COMMENT ON COLUMN ref.areas.area_code IS '地区代码（市为GB/T 2260六位码，区域为GD-PRD等，全省440000） / Area code (GB/T 2260 for cities, GD-PRD etc. for regions, 440000 for the province)';
COMMENT ON COLUMN ref.areas.area_level IS '地区层级：county 县、city 市、region 区域、province 省 / Area level: county, city, region or province';
COMMENT ON COLUMN ref.areas.name_zh IS '中文名称 / Name in Chinese';
COMMENT ON COLUMN ref.areas.name_en IS '英文名称 / Name in English';
COMMENT ON COLUMN ref.areas.parent_code IS '上级地区代码（市属区域，区域属全省；县属市） / Parent area code (a city''s region, a region''s province; a county''s city)';

COMMENT ON COLUMN ref.areas.reporting IS '是否报送地区（数据按此地区报送，汇总地区由其计算） / Reporting area: values are submitted for it, and totals are computed from such areas';
COMMENT ON TABLE ref.area_members IS '汇总地区及其包含的报送地区（任意层级） / Each aggregate area with every reporting area within it, at any depth: the areas its totals sum';
COMMENT ON COLUMN ref.area_members.area_code IS '汇总地区代码（区域、全省；全国部署含市、省） / Aggregate area code (a region or the province; nationally also cities and provinces)';
COMMENT ON COLUMN ref.area_members.member_code IS '报送地区代码（地级市；全国部署为县） / Reporting area code (a city; nationally a county)';

COMMENT ON TABLE ref.cities IS '地级市及其所属区域和2020年第七次人口普查常住人口 / Prefecture-level cities with their region and 2020 census resident population';
COMMENT ON COLUMN ref.cities.city_code IS '城市代码（GB/T 2260） / City code (GB/T 2260)';
COMMENT ON COLUMN ref.cities.name_zh IS '城市中文名称 / City name in Chinese';
COMMENT ON COLUMN ref.cities.name_en IS '城市英文名称 / City name in English';
COMMENT ON COLUMN ref.cities.region_code IS '所属区域：GD-PRD 珠三角、GD-E 粤东、GD-W 粤西、GD-N 粤北 / Region: GD-PRD Pearl River Delta, GD-E East, GD-W West, GD-N North';
COMMENT ON COLUMN ref.cities.has_districts IS '是否设区（东莞、中山不设区） / Whether the city has districts (Dongguan and Zhongshan have none)';
COMMENT ON COLUMN ref.cities.population_census_2020 IS '2020年第七次人口普查常住人口（人） / Resident population, 2020 census (persons)';
COMMENT ON COLUMN ref.cities.population_source IS '人口数据来源 / Source of the population figure';

COMMENT ON TABLE ref.indicators IS '指标目录v1：代码是BI用户的公开约定 / Indicator catalogue v1: the codes are the public contract for BI users';
COMMENT ON COLUMN ref.indicators.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN ref.indicators.name_zh IS '指标中文名称 / Indicator name in Chinese';
COMMENT ON COLUMN ref.indicators.name_en IS '指标英文名称 / Indicator name in English';
COMMENT ON COLUMN ref.indicators.unit IS '计量单位 / Unit of measure';
COMMENT ON COLUMN ref.indicators.freq IS '频度：M 月、Q 季、A 年 / Frequency: M monthly, Q quarterly, A annual';
COMMENT ON COLUMN ref.indicators.series_kind IS '序列类型：stock 期末存量、flow 期内流量、ytd 年初至今累计、rate 派生比率 / Series kind: stock (end-of-period level), flow (total within the period), ytd (cumulative within the year), rate (derived)';
COMMENT ON COLUMN ref.indicators.direction IS '方向：up 越大越好、down 越小越好、none 无 / Direction: up = more is better, down = less is better, none';
COMMENT ON COLUMN ref.indicators.min_value IS '合理取值下限 / Lowest plausible value';
COMMENT ON COLUMN ref.indicators.max_value IS '合理取值上限 / Highest plausible value';
COMMENT ON COLUMN ref.indicators.plan_item IS '《2022年广东省数字经济工作要点》对应条目 / Item of the 2022 Guangdong digital-economy work plan';
COMMENT ON COLUMN ref.indicators.submitter IS '法定报送机构（数据权威来源）；派生指标为空 / Agency of record (the submitter whose values the marts use); blank for derived indicators';
COMMENT ON COLUMN ref.indicators.is_derived IS '是否派生指标（由分子分母计算，不报送） / Derived indicator (computed from numerator and denominator, never submitted)';
COMMENT ON COLUMN ref.indicators.monotone IS '只增不减的序列（下降为警告） / Series that may never fall (a fall is a warning)';
COMMENT ON COLUMN ref.indicators.magnitude IS '适用保密规则的量值指标 / Magnitude indicator subject to the confidentiality rule';
COMMENT ON COLUMN ref.indicators.nominal IS '现价（名义）指标，增长为名义增长 / At current prices: growth is nominal';
COMMENT ON COLUMN ref.indicators.numerator IS '派生指标的分子指标代码 / Numerator indicator of a derived indicator';
COMMENT ON COLUMN ref.indicators.denominator IS '派生指标的分母指标代码 / Denominator indicator of a derived indicator';
COMMENT ON COLUMN ref.indicators.multiplier IS '派生指标的乘数（100为百分比，10000为每万人） / Multiplier of a derived indicator (100 for %, 10,000 for per 10k)';
COMMENT ON COLUMN ref.indicators.formula IS '派生公式 / Formula of a derived indicator';
COMMENT ON COLUMN ref.indicators.aggregation IS '汇总方法：sum 求和、ratio_of_sums 分子之和除以分母之和 / Aggregation: sum, or ratio_of_sums (summed numerators over summed denominators)';

COMMENT ON TABLE ref.targets IS '监测目标（来自配置）；illustrative 为示意性目标 / Targets monitored (from configuration); illustrative ones have no public source';
COMMENT ON COLUMN ref.targets.target_id IS '目标代码 / Target id';
COMMENT ON COLUMN ref.targets.indicator_code IS '考核指标代码 / Indicator the target is set on';
COMMENT ON COLUMN ref.targets.area_code IS '目标所属地区代码 / Area the target is set for';
COMMENT ON COLUMN ref.targets.year IS '目标年份（截至该年12月31日） / Target year (deadline 31 December of it)';
COMMENT ON COLUMN ref.targets.start_year IS '目标期起始年（多年目标，如“十四五”目标自2021年起；单年目标同目标年份） / First year of the target''s span (2021 for a 14th five-year-plan target; the target year for a one-year target)';
COMMENT ON COLUMN ref.targets.target_value IS '目标值 / Target value';
COMMENT ON COLUMN ref.targets.comparison IS '比较方向：>= 不低于、<= 不高于（如PUE，反向计算进度） / Comparison: >= at least, <= at most (PUE: progress counts in reverse)';
COMMENT ON COLUMN ref.targets.target_kind IS '目标类型：count 数量、level 水平、increase 年内新增 / Target kind: count (a figure to reach), level (a rate to hold) or increase (a number to add within the year)';
COMMENT ON COLUMN ref.targets.measure IS '实际值口径：latest 最新一期数值、annual_ratio_of_sums 完整年度各期分子之和/分母之和（如PUE） / Measure of the actual: latest (the latest period''s value) or annual_ratio_of_sums (a complete year''s Σ numerator / Σ denominator, e.g. PUE)';
COMMENT ON COLUMN ref.targets.target_scope IS '目标适用范围：area 本地区目标、national_applied_to_province 全国目标用于衡量全省 / Scope: area (set for the area) or national_applied_to_province (a national target the province is measured against)';
COMMENT ON COLUMN ref.targets.illustrative IS '是否示意性目标（无公开来源的城市分解） / Illustrative target (no public source, e.g. a city breakdown)';
COMMENT ON COLUMN ref.targets.source_citation IS '目标出处（引文） / Source of the target (citation)';

COMMENT ON TABLE ref.profiles IS '报送主体及其可报送的指标和城市 / Submitter profiles: which indicators for which cities each may submit';
COMMENT ON COLUMN ref.profiles.profile IS '报送主体代码 / Submitter profile id';
COMMENT ON COLUMN ref.profiles.profile_kind IS '报送主体类型：agency 省级机构、pilot 试点城市工作组 / Profile kind: agency (provincial) or pilot (city team)';
COMMENT ON COLUMN ref.profiles.name_zh IS '报送主体中文名称 / Submitter name in Chinese';
COMMENT ON COLUMN ref.profiles.name_en IS '报送主体英文名称 / Submitter name in English';
COMMENT ON COLUMN ref.profiles.indicator_code IS '可报送的指标代码 / Indicator the profile may submit';
COMMENT ON COLUMN ref.profiles.city_code IS '可报送的城市代码 / City the profile may submit for';

COMMENT ON TABLE ref.reporting_calendar IS '报送日历：各频度数据的截止日 / Reporting calendar: when each frequency''s data is due';
COMMENT ON COLUMN ref.reporting_calendar.freq IS '频度：M 月、Q 季、A 年 / Frequency: M, Q or A';
COMMENT ON COLUMN ref.reporting_calendar.months_after_period_end IS '报告期结束后第几个月截止 / Months after the period''s end month in which data is due';
COMMENT ON COLUMN ref.reporting_calendar.due_day IS '截止日（该月第几日，含当日） / Due day of that month (received on it is on time)';

COMMENT ON TABLE ref.gigabit_city_thresholds IS '千兆城市评价指标及达标门槛（未经一手来源核实） / Gigabit-city (MIIT) indicators and pass thresholds (not verified against a primary source)';
COMMENT ON COLUMN ref.gigabit_city_thresholds.indicator_code IS '评价指标代码 / Indicator evaluated';
COMMENT ON COLUMN ref.gigabit_city_thresholds.threshold IS '达标门槛；为空表示未找到门槛 / Pass threshold; blank where none was found';
COMMENT ON COLUMN ref.gigabit_city_thresholds.comparison IS '比较方向：>= 不低于、<= 不高于 / Comparison: >= at least, <= at most';
COMMENT ON COLUMN ref.gigabit_city_thresholds.verified IS '门槛是否经一手来源核实 / Threshold verified against a primary source';
COMMENT ON COLUMN ref.gigabit_city_thresholds.source_citation IS '门槛出处（引文） / Source of the threshold (citation)';

COMMENT ON TABLE ref.aggregation_rules IS '区域、全省汇总缺报城市的处理规则（indicators/data/aggregation.yaml） / How a region or province total that misses cities is published (indicators/data/aggregation.yaml)';
COMMENT ON COLUMN ref.aggregation_rules.min_coverage_pct IS '最低城市覆盖率（%，按城市个数）：低于此值汇总不公布（M） / Lowest share of the area''s cities reporting (%, by count): below it the total is withheld (M)';
COMMENT ON COLUMN ref.aggregation_rules.min_coverage_source IS '覆盖率阈值的依据 / Source and rationale of the coverage threshold';
COMMENT ON COLUMN ref.aggregation_rules.imputation_method IS '插补方法：ratio_carry_forward 上次报送值×已报送城市同期变化（E） / Imputation method: ratio_carry_forward, the last reported value × the change of the reporting cities (E)';
COMMENT ON COLUMN ref.aggregation_rules.imputation_source IS '插补方法的依据 / Source of the imputation method';
COMMENT ON TABLE ref.disclosure_rules IS '保密规则（indicators/data/disclosure.yaml）：量值指标单位数少于 min_units 的格不公布（C），并为防止推算另行隐藏补充格（D） / Disclosure rules (indicators/data/disclosure.yaml): a magnitude cell from fewer than min_units units is not published (C), and complementary cells are hidden (D) so that it cannot be derived';
COMMENT ON COLUMN ref.disclosure_rules.min_units IS '最少单位数：少于此数的量值格为主隐藏（CONF_STATUS C） / Fewest contributing units: a magnitude cell with fewer is primary confidential (CONF_STATUS C)';
COMMENT ON COLUMN ref.disclosure_rules.min_units_source IS '阈值规则的依据 / Source of the threshold rule';
COMMENT ON COLUMN ref.disclosure_rules.unknown_units IS '单位数未报送的格：publish 公布（标为不可评估），withhold 视为保密 / A cell without a unit count: publish (marked not evaluable) or withhold (treated as confidential)';
COMMENT ON COLUMN ref.disclosure_rules.unknown_units_reason IS '上述选择的理由 / Why that choice';
COMMENT ON COLUMN ref.disclosure_rules.protection_interval_pct IS '保护区间（真实值的±%）：由全部公布数字可推算出的范围必须至少覆盖此区间 / Protection interval (± % of the true value): the range derivable from everything published must cover at least this';
COMMENT ON COLUMN ref.disclosure_rules.protection_interval_source IS '保护区间的依据 / Source of the protection interval';
COMMENT ON COLUMN ref.disclosure_rules.legal_basis IS '法律依据 / Legal basis';
COMMENT ON COLUMN ref.disclosure_rules.dominance_p IS 'p% 优势规则的 p：由名录得到单位数值的格，若（合计 − 最大 − 次大）< p% × 最大，则为主隐藏（C） / p of the p % dominance rule: a cell whose units'' values come from a registry is primary confidential (C) when (total − largest − second largest) < p % × largest';
COMMENT ON COLUMN ref.disclosure_rules.dominance_p_source IS 'p% 优势规则的依据 / Source of the p % dominance rule';
