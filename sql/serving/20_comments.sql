-- What every table and column of the serving DB means, in Chinese and English, for BI tools that show
-- comments (DBeaver, Superset via duckdb-engine, `SELECT comment FROM duckdb_columns()`).
-- The released views take their columns' comments from these tables (warehouse.document_serving).

-- ------------------------------------------------------------------------------------------------- ref
COMMENT ON TABLE ref.areas IS '地区：21个地级市、4个区域和全省 / Areas: the 21 prefecture-level cities, the four regions and the province';
COMMENT ON COLUMN ref.areas.area_code IS '地区代码（市为GB/T 2260六位码，区域为GD-PRD等，全省440000） / Area code (GB/T 2260 for cities, GD-PRD etc. for regions, 440000 for the province)';
COMMENT ON COLUMN ref.areas.area_level IS '地区层级：city 市、region 区域、province 省 / Area level: city, region or province';
COMMENT ON COLUMN ref.areas.name_zh IS '中文名称 / Name in Chinese';
COMMENT ON COLUMN ref.areas.name_en IS '英文名称 / Name in English';
COMMENT ON COLUMN ref.areas.parent_code IS '上级地区代码（市属区域，区域属全省） / Parent area code (a city''s region, a region''s province)';

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
COMMENT ON COLUMN ref.indicators.kind IS '类型：stock 期末存量、flow 期内流量、ytd 年初至今累计、rate 派生比率 / Kind: stock (end-of-period level), flow (total within the period), ytd (cumulative within the year), rate (derived)';
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
COMMENT ON COLUMN ref.targets.target_value IS '目标值 / Target value';
COMMENT ON COLUMN ref.targets.comparison IS '比较方向：>= 不低于、<= 不高于（如PUE，反向计算进度） / Comparison: >= at least, <= at most (PUE: progress counts in reverse)';
COMMENT ON COLUMN ref.targets.kind IS '目标类型：count 数量、level 水平 / Target kind: count (a figure to reach) or level (a rate to hold)';
COMMENT ON COLUMN ref.targets.illustrative IS '是否示意性目标（无公开来源的城市分解） / Illustrative target (no public source, e.g. a city breakdown)';
COMMENT ON COLUMN ref.targets.source IS '目标出处 / Source of the target';

COMMENT ON TABLE ref.profiles IS '报送主体及其可报送的指标和城市 / Submitter profiles: which indicators for which cities each may submit';
COMMENT ON COLUMN ref.profiles.profile IS '报送主体代码 / Submitter profile id';
COMMENT ON COLUMN ref.profiles.kind IS '主体类型：agency 省级机构、pilot 试点城市工作组 / Kind: agency (provincial) or pilot (city team)';
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
COMMENT ON COLUMN ref.gigabit_city_thresholds.source IS '门槛出处 / Source of the threshold';

-- ------------------------------------------------------------------------------------------ observations
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

-- ----------------------------------------------------------------------------------------------- growth
COMMENT ON TABLE mart.growth IS '增长：环比、同比、年初至今累计及同比、复合年均增长率；比率以百分点计，现价指标为名义增长 / Growth: period-on-period, year-on-year, year to date, CAGR; rates in percentage points, current-price series nominal';
COMMENT ON COLUMN mart.growth.area_code IS '地区代码 / Area code';
COMMENT ON COLUMN mart.growth.area_level IS '地区层级 / Area level';
COMMENT ON COLUMN mart.growth.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.growth.freq IS '频度 / Frequency';
COMMENT ON COLUMN mart.growth.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.growth.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.growth.kind IS '指标类型：stock、flow、ytd、rate / Indicator kind: stock, flow, ytd or rate';
COMMENT ON COLUMN mart.growth.unit IS '计量单位 / Unit of measure';
COMMENT ON COLUMN mart.growth.value IS '本期数值 / Value of the period';
COMMENT ON COLUMN mart.growth.n_areas IS '本期覆盖城市数 / Cities the value covers';
COMMENT ON COLUMN mart.growth.n_areas_expected IS '应有城市数 / Cities the area has';
COMMENT ON COLUMN mart.growth.complete IS '本期是否覆盖全部城市 / The value covers every city';
COMMENT ON COLUMN mart.growth.growth_unit IS '增长单位：% 百分比，pp 百分点（比率指标） / Unit of the growth columns: % or pp (percentage points, for rates)';
COMMENT ON COLUMN mart.growth.price_basis IS '价格口径：nominal 名义（现价），空为不适用 / Price basis: nominal (current prices); blank where not applicable';
COMMENT ON COLUMN mart.growth.pop_base_period IS '环比基期 / Base period of the period-on-period change';
COMMENT ON COLUMN mart.growth.pop_base_value IS '环比基期数值 / Value of the previous period';
COMMENT ON COLUMN mart.growth.pop_change IS '环比增减量 / Period-on-period change (absolute)';
COMMENT ON COLUMN mart.growth.pop_growth IS '环比增长（%，比率为百分点） / Period-on-period growth (%, percentage points for rates)';
COMMENT ON COLUMN mart.growth.pop_complete IS '环比两期是否均覆盖全部城市 / Both periods cover every city';
COMMENT ON COLUMN mart.growth.yoy_base_value IS '上年同期数值 / Value of the same period a year earlier';
COMMENT ON COLUMN mart.growth.yoy_change IS '同比增减量 / Year-on-year change (absolute)';
COMMENT ON COLUMN mart.growth.yoy_growth IS '同比增长（%，比率为百分点） / Year-on-year growth (%, percentage points for rates)';
COMMENT ON COLUMN mart.growth.yoy_complete IS '同比两期是否均覆盖全部城市 / Both periods cover every city';
COMMENT ON COLUMN mart.growth.ytd_value IS '年初至今累计（流量指标；缺期为空） / Year to date (flows; blank if a period so far is missing)';
COMMENT ON COLUMN mart.growth.ytd_base_value IS '上年同期累计 / Year to date over the same span a year earlier';
COMMENT ON COLUMN mart.growth.ytd_change IS '累计同比增减量 / Year-to-date change on a year earlier (absolute)';
COMMENT ON COLUMN mart.growth.ytd_growth IS '累计同比增长（%） / Year-to-date growth on a year earlier (%)';
COMMENT ON COLUMN mart.growth.ytd_complete IS '累计所用各期是否均覆盖全部城市 / Every period in the year-to-date figures covers every city';
COMMENT ON COLUMN mart.growth.annual_value IS '全年值（完整年度；存量取年末，流量取全年合计） / Value of the complete year (a stock''s year-end level, a flow''s full-year sum)';
COMMENT ON COLUMN mart.growth.cagr_base_year IS '复合增长率基年（该序列首个完整年度） / Base year of the CAGR (the series'' first complete year)';
COMMENT ON COLUMN mart.growth.cagr_base_value IS '基年全年值 / Value of the base year';
COMMENT ON COLUMN mart.growth.cagr IS '复合年均增长率（%；比率为年均增减百分点） / Compound annual growth rate (%; for rates the average change in points a year)';
COMMENT ON COLUMN mart.growth.released IS '所用数值是否均已发布 / Every value the row uses has been released';

-- --------------------------------------------------------------------------------------- target_progress
COMMENT ON TABLE mart.target_progress IS '目标进度：实际值、完成率、时间进度、按当前速度预计、状态；basis 区分已发布口径与最新口径 / Target progress: actual, completion, time elapsed, run-rate projection, status; basis tells released values from latest values';
COMMENT ON COLUMN mart.target_progress.target_id IS '目标代码 / Target id';
COMMENT ON COLUMN mart.target_progress.basis IS '口径：released 仅已发布数据、latest 含初步数据的最新值 / Basis: released (released values only) or latest (including provisional values)';
COMMENT ON COLUMN mart.target_progress.indicator_code IS '考核指标代码 / Indicator';
COMMENT ON COLUMN mart.target_progress.area_code IS '地区代码 / Area code';
COMMENT ON COLUMN mart.target_progress.area_level IS '地区层级 / Area level';
COMMENT ON COLUMN mart.target_progress.year IS '目标年份 / Target year';
COMMENT ON COLUMN mart.target_progress.deadline IS '目标截止日（目标年12月31日） / Deadline (31 December of the target year)';
COMMENT ON COLUMN mart.target_progress.comparison IS '比较方向：>= 不低于、<= 不高于（反向计算） / Comparison: >= at least, <= at most (counts in reverse)';
COMMENT ON COLUMN mart.target_progress.target_kind IS '目标类型：count 数量、level 水平 / Target kind: count or level';
COMMENT ON COLUMN mart.target_progress.target_value IS '目标值 / Target value';
COMMENT ON COLUMN mart.target_progress.unit IS '计量单位 / Unit of measure';
COMMENT ON COLUMN mart.target_progress.actual_period IS '实际值所属期别 / Period of the actual value';
COMMENT ON COLUMN mart.target_progress.actual IS '实际值：截至参考日和截止日、覆盖全部城市的最新值 / Actual: the latest value covering every city whose period ends by the reference date and the deadline';
COMMENT ON COLUMN mart.target_progress.actual_obs_status IS '实际值的观测状态（SDMX） / Observation status of the actual value (SDMX)';
COMMENT ON COLUMN mart.target_progress.completion_pct IS '完成率（%）：实际/目标；<= 目标为目标/实际 / Completion (%): actual / target; for a <= target, target / actual';
COMMENT ON COLUMN mart.target_progress.remaining IS '距目标尚差（已达成为0） / Still to go to reach the target (0 once met)';
COMMENT ON COLUMN mart.target_progress.time_elapsed_pct IS '时间进度（%）：参考日当日结束时目标年已过天数占比 / Time elapsed (%): share of the target year gone by at the end of the reference date';
COMMENT ON COLUMN mart.target_progress.run_rate_base_period IS '速度基期：12个月前的期别（年初至今累计指标为空，自年初0起算） / Base period of the run-rate: 12 months earlier (blank for a year-to-date series, which starts from 0 in January)';
COMMENT ON COLUMN mart.target_progress.run_rate_base_value IS '速度基期数值 / Value at the base of the run-rate';
COMMENT ON COLUMN mart.target_progress.run_rate_per_month IS '月均变化（当前速度） / Run-rate: change per month';
COMMENT ON COLUMN mart.target_progress.projection IS '按当前速度预计截止日数值（限于指标合理范围） / Projected value at the deadline at the run-rate (kept within the indicator''s bounds)';
COMMENT ON COLUMN mart.target_progress.projected_completion_pct IS '预计完成率（%） / Projected completion (%)';
COMMENT ON COLUMN mart.target_progress.status IS '状态：on_track 可完成（已完成或预计完成率≥100%）、at_risk 有风险（预计完成率≥90%或无法测算）、off_track 难完成（<90%）、no_data 尚无覆盖全部城市的数据 / Status: on_track (met, or projected completion >= 100 %), at_risk (>= 90 %, or no run-rate), off_track (< 90 %), no_data (no value covering every city yet)';
COMMENT ON COLUMN mart.target_progress.illustrative IS '是否示意性目标 / Illustrative target (no public source)';
COMMENT ON COLUMN mart.target_progress.source IS '目标出处 / Source of the target';
COMMENT ON COLUMN mart.target_progress.reference_date IS '参考日（视为“今天”） / Reference date (what counts as today)';

-- ------------------------------------------------------------------------------------------ gigabit_city
COMMENT ON TABLE mart.gigabit_city IS '千兆城市达标情况：各市×工信部七项评价指标（门槛未经核实） / Gigabit-city compliance per city and MIIT indicator (thresholds unverified)';
COMMENT ON COLUMN mart.gigabit_city.basis IS '口径：released 仅已发布数据、latest 最新值 / Basis: released values only, or latest values';
COMMENT ON COLUMN mart.gigabit_city.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.gigabit_city.indicator_code IS '评价指标代码 / Indicator evaluated';
COMMENT ON COLUMN mart.gigabit_city.period IS '所用数值的报告期首日（截至参考日最新） / First day of the period used (the latest ending by the reference date)';
COMMENT ON COLUMN mart.gigabit_city.time_period IS '所用数值的报告期 / Period used';
COMMENT ON COLUMN mart.gigabit_city.value IS '指标值 / Value';
COMMENT ON COLUMN mart.gigabit_city.obs_status IS '观测状态（SDMX） / Observation status (SDMX)';
COMMENT ON COLUMN mart.gigabit_city.threshold IS '达标门槛；为空表示无门槛 / Pass threshold; blank where none';
COMMENT ON COLUMN mart.gigabit_city.comparison IS '比较方向 / Comparison';
COMMENT ON COLUMN mart.gigabit_city.verified IS '门槛是否经核实 / Threshold verified';
COMMENT ON COLUMN mart.gigabit_city.source IS '门槛出处 / Source of the threshold';
COMMENT ON COLUMN mart.gigabit_city.meets IS '是否达标；无门槛或无数据为空 / Meets the threshold; blank without a threshold or a value';
COMMENT ON COLUMN mart.gigabit_city.n_thresholds IS '该市有门槛的指标数 / Indicators with a threshold';
COMMENT ON COLUMN mart.gigabit_city.n_met IS '该市达标指标数 / Indicators the city meets';
COMMENT ON COLUMN mart.gigabit_city.meets_all IS '是否全部达标；任一不达标为否，尚缺数据为空 / Meets every threshold: false once one fails, blank while one has no value';
COMMENT ON COLUMN mart.gigabit_city.reference_date IS '参考日 / Reference date';

-- ------------------------------------------------------------------------------------------ completeness
COMMENT ON TABLE mart.completeness IS '报送完整性看板：各市×指标×期别应报数据的状态（谁还欠报什么） / Completeness board: every city × indicator × period the reporting calendar expects, and who still owes what';
COMMENT ON COLUMN mart.completeness.period_month IS '看板月份（报告期结束的月份） / Board month (the month the period ends in)';
COMMENT ON COLUMN mart.completeness.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.completeness.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.completeness.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.completeness.freq IS '频度 / Frequency';
COMMENT ON COLUMN mart.completeness.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.completeness.expected_from IS '应报机构（法定报送机构） / Owed by (the agency of record)';
COMMENT ON COLUMN mart.completeness.due_date IS '报送截止日（当日送达为按时） / Due date (received on it is on time)';
COMMENT ON COLUMN mart.completeness.received_at IS '应报机构首次有效送达时间（未被撤回） / When the agency''s first standing value was received (not withdrawn)';
COMMENT ON COLUMN mart.completeness.days_late IS '逾期天数（送达日或参考日减截止日，不小于0） / Days past the due date (received date, or the reference date if still owed; at least 0)';
COMMENT ON COLUMN mart.completeness.status IS '状态：received 按时、received_late 逾期送达、rejected 被退回、missing 缺报、not_yet_due 未到期 / Status: received, received_late, rejected (only rejected files carried it), missing, not_yet_due';
COMMENT ON COLUMN mart.completeness.rejected_submission_id IS '含该数据的最近一次被退回文件 / The agency''s latest rejected file that carried the cell';
COMMENT ON COLUMN mart.completeness.rejected_at IS '被退回文件的送达时间 / When that rejected file was received';
COMMENT ON COLUMN mart.completeness.filled_by_pilot IS '应报机构未报，暂由试点数据填补 / A pilot team''s value stands in while the agency still owes the cell';
COMMENT ON COLUMN mart.completeness.pilot_source IS '报送该数据的试点工作组 / Pilot team that reported the cell';
COMMENT ON COLUMN mart.completeness.pilot_received_at IS '试点数据送达时间 / When the pilot''s value was received';
COMMENT ON COLUMN mart.completeness.reference_date IS '参考日（视为“今天”） / Reference date (what counts as today)';

-- ------------------------------------------------------------------------------------------ data_quality
COMMENT ON TABLE mart.data_quality IS '数据质量：每个报送文件每条校验规则的评估、通过、未通过、无法评估数 / Data quality: per submission and rule, items evaluated, passed, failed and not evaluable';
COMMENT ON COLUMN mart.data_quality.submission_id IS '报送批次 / Submission id';
COMMENT ON COLUMN mart.data_quality.source IS '报送主体代码 / Submitting profile';
COMMENT ON COLUMN mart.data_quality.original_filename IS '原始文件名 / File name as sent';
COMMENT ON COLUMN mart.data_quality.received_at IS '送达时间（北京时间） / Received (Asia/Shanghai)';
COMMENT ON COLUMN mart.data_quality.submission_status IS '文件结果：accepted 接收、rejected 退回 / Outcome: accepted or rejected';
COMMENT ON COLUMN mart.data_quality.withdrawn IS '该文件是否已撤回 / The submission has been withdrawn';
COMMENT ON COLUMN mart.data_quality.rule IS '校验规则代码 / Rule id';
COMMENT ON COLUMN mart.data_quality.severity IS '严重程度：error 错误（退回文件）、warning 警告 / Severity: error (rejects the file) or warning';
COMMENT ON COLUMN mart.data_quality.dimension IS '质量维度/校验层级 / Quality dimension or validation level';
COMMENT ON COLUMN mart.data_quality.evaluated IS '评估项数 / Items evaluated';
COMMENT ON COLUMN mart.data_quality.passed IS '通过项数 / Items passed';
COMMENT ON COLUMN mart.data_quality.failed IS '未通过项数 / Items failed';
COMMENT ON COLUMN mart.data_quality.not_evaluable IS '无法评估项数 / Items not evaluable';
COMMENT ON COLUMN mart.data_quality.pass_rate_pct IS '通过率（%，通过/(通过+未通过)） / Pass rate (%): passed / (passed + failed)';
COMMENT ON COLUMN mart.data_quality.blocking IS '是否导致退回（错误级规则未通过） / Blocking: an error-level rule failed, so the file was rejected';

-- --------------------------------------------------------------------------------------------- revisions
COMMENT ON TABLE mart.revisions IS '修订记录：报送值的每次变动（新版本或撤回），含新旧值、两个版本、修订批次和原因 / Revisions: every change to a submitted value (new vintage or withdrawal) with old and new values, both vintages, the submission and the reason';
COMMENT ON COLUMN mart.revisions.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.revisions.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.revisions.freq IS '频度 / Frequency';
COMMENT ON COLUMN mart.revisions.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.revisions.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.revisions.source IS '数值被修订的报送主体 / Submitter whose value changed';
COMMENT ON COLUMN mart.revisions.from_source_of_record IS '该主体是否为法定报送机构 / The submitter is the agency of record';
COMMENT ON COLUMN mart.revisions.affects_marts IS '该主体的数值是否为汇总表所用（法定机构，或试点填补） / The submitter''s value is the one the marts use (agency of record, or a pilot filling a gap)';
COMMENT ON COLUMN mart.revisions.change_type IS '变动类型：new_vintage 重新报送、withdrawal 撤回 / Change: new_vintage (a resubmission) or withdrawal';
COMMENT ON COLUMN mart.revisions.changed_at IS '变动时间（新版本送达或撤回时间） / When the change took effect (new vintage received, or withdrawal)';
COMMENT ON COLUMN mart.revisions.submission_id IS '引起变动的报送批次（新版本或被撤回的批次） / Submission that made the change (the new vintage, or the one withdrawn)';
COMMENT ON COLUMN mart.revisions.old_value IS '修订前数值 / Value before the change';
COMMENT ON COLUMN mart.revisions.new_value IS '修订后数值（撤回后无值为空） / Value after the change (blank if a withdrawal left none)';
COMMENT ON COLUMN mart.revisions.change IS '修订量（新值减旧值） / Change: new minus old';
COMMENT ON COLUMN mart.revisions.change_pct IS '修订幅度（%） / Change as % of the old value';
COMMENT ON COLUMN mart.revisions.old_submission_id IS '旧值所属版本（报送批次） / Vintage (submission) of the old value';
COMMENT ON COLUMN mart.revisions.old_received_at IS '旧版本送达时间 / When the old vintage was received';
COMMENT ON COLUMN mart.revisions.new_submission_id IS '新值所属版本（报送批次） / Vintage (submission) of the new value';
COMMENT ON COLUMN mart.revisions.new_received_at IS '新版本送达时间 / When the new vintage was received';
COMMENT ON COLUMN mart.revisions.reason IS '修订原因：报送者备注或撤回原因 / Reason: the submitter''s note on the cell, or the withdrawal''s reason';
COMMENT ON COLUMN mart.revisions.released_at IS '该期别发布时间 / When the period was released';
COMMENT ON COLUMN mart.revisions.after_release IS '是否发布后修订（已发布数值的变动） / The change came after the period''s release: a released value changed';

-- ---------------------------------------------------------------------------------------- discrepancies
COMMENT ON TABLE mart.discrepancies IS '来源差异：试点工作组与法定报送机构均报送的数据，两者数值及差距；汇总表采用法定机构数值 / Discrepancies: cells reported by both a pilot team and the agency of record, both values and the gap; the marts use the agency''s';
COMMENT ON COLUMN mart.discrepancies.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.discrepancies.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.discrepancies.freq IS '频度 / Frequency';
COMMENT ON COLUMN mart.discrepancies.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.discrepancies.indicator_code IS '指标代码 / Indicator code';
COMMENT ON COLUMN mart.discrepancies.agency IS '法定报送机构 / Agency of record';
COMMENT ON COLUMN mart.discrepancies.agency_value IS '法定机构数值（最新版本） / The agency''s value (latest vintage)';
COMMENT ON COLUMN mart.discrepancies.agency_submission_id IS '法定机构数值所属版本 / Vintage of the agency''s value';
COMMENT ON COLUMN mart.discrepancies.agency_received_at IS '法定机构数值送达时间 / When the agency''s value was received';
COMMENT ON COLUMN mart.discrepancies.pilot IS '试点工作组 / Pilot team';
COMMENT ON COLUMN mart.discrepancies.pilot_value IS '试点数值（最新版本） / The pilot''s value (latest vintage)';
COMMENT ON COLUMN mart.discrepancies.pilot_submission_id IS '试点数值所属版本 / Vintage of the pilot''s value';
COMMENT ON COLUMN mart.discrepancies.pilot_received_at IS '试点数值送达时间 / When the pilot''s value was received';
COMMENT ON COLUMN mart.discrepancies.gap IS '差距（试点减法定机构） / Gap: pilot minus agency';
COMMENT ON COLUMN mart.discrepancies.gap_pct IS '差距占法定机构数值的百分比 / Gap as % of the agency''s value';
COMMENT ON COLUMN mart.discrepancies.differs IS '两者是否不一致 / The two values differ';
COMMENT ON COLUMN mart.discrepancies.used_source IS '汇总表采用的来源 / Source the marts use';
COMMENT ON COLUMN mart.discrepancies.used_value IS '汇总表采用的数值 / Value the marts use';

-- --------------------------------------------------------------------------------------- released views
COMMENT ON VIEW mart.v_released_observations IS '已发布数值（BI默认使用） / Released values only: what BI shows by default';
COMMENT ON VIEW mart.v_released_growth IS '已发布数值的增长 / Growth computed from released values only';
COMMENT ON VIEW mart.v_released_target_progress IS '按已发布数值计算的目标进度 / Target progress on released values';
COMMENT ON VIEW mart.v_released_gigabit_city IS '按已发布数值计算的千兆城市达标情况 / Gigabit-city compliance on released values';
COMMENT ON VIEW mart.v_released_revisions IS '已发布数值的修订（修订公告所列） / Changes to values already released (what a revision notice lists)';
COMMENT ON MACRO mart.round_half_away IS '显示用四舍五入（远离零）：mart.round_half_away(value, 2) / Display rounding half away from zero: mart.round_half_away(value, 2)';
