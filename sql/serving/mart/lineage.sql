-- mart.lineage: its key and its comments in Chinese and English.

ALTER TABLE mart.lineage ADD PRIMARY KEY (area_code, period, indicator_code, role, input_area_code, input_period,
                                          input_indicator_code, submission_id);

COMMENT ON TABLE mart.lineage IS '数据溯源：mart.observations 每个数值由哪些城市报送单元格、哪些报送批次得出（市级值的所用版本及被替代版本、比率的分子分母、汇总的报送城市、插补城市及插补基数城市）；不含保密单元格的数值，不含单位明细 / Lineage: the submitted city cells and the submissions behind every figure of mart.observations (a city value''s vintage used and its superseded vintages, a rate''s numerator and denominator, a total''s reporting, imputed and imputation-base cities); no value of a suppressed cell, no record-level data';
COMMENT ON COLUMN mart.lineage.area_code IS '所溯源数值的地区代码 / Area of the figure traced';
COMMENT ON COLUMN mart.lineage.area_level IS '所溯源数值的地区层级：county（全国部署）、city、region、province / Area level of the figure traced: county (national deployment), city, region or province';
COMMENT ON COLUMN mart.lineage.period IS '所溯源数值的报告期首日 / First day of the period of the figure traced';
COMMENT ON COLUMN mart.lineage.freq IS '所溯源数值的频度（SDMX CL_FREQ：M 月、Q 季、A 年） / Frequency of the figure traced (SDMX CL_FREQ: M monthly, Q quarterly, A annual)';
COMMENT ON COLUMN mart.lineage.time_period IS '所溯源数值的报告期（SDMX格式） / Period of the figure traced (SDMX form)';
COMMENT ON COLUMN mart.lineage.indicator_code IS '所溯源数值的指标代码 / Indicator of the figure traced';
COMMENT ON COLUMN mart.lineage.role IS '输入的作用：reported 所用报送值（市级值的所用版本、比率的分子分母、汇总中已报送城市）；imputed 插补城市最后一次报送的数值（汇总为E）；imputation_base 同期已报送城市的数值（插补所乘变化率的基数）；superseded 市级值被替代（较早或已撤回）的版本，未使用 / How the input enters: reported (the submitted value used: a city value''s vintage, a rate''s numerator and denominator, a total''s reporting cities); imputed (an imputed city''s last reported value, in a total marked E); imputation_base (a reporting city''s value in that same period: the base of the change the imputed city is carried forward by); superseded (an earlier or withdrawn vintage of a city value, not used)';
COMMENT ON COLUMN mart.lineage.part IS '输入所属部分：value 数值（计数、汇总之和）、numerator 分子、denominator 分母 / Which part of the figure the input feeds: value (a count, summed into a total), numerator or denominator';
COMMENT ON COLUMN mart.lineage.input_area_code IS '输入单元格的城市代码 / City of the input cell';
COMMENT ON COLUMN mart.lineage.input_period IS '输入单元格的报告期首日（分母为其自身期别；插补为最后报送期） / First day of the input cell''s period (a denominator''s own period; an imputed city''s last reported period)';
COMMENT ON COLUMN mart.lineage.input_freq IS '输入单元格的频度（SDMX CL_FREQ：M 月、Q 季、A 年） / Frequency of the input cell (SDMX CL_FREQ: M monthly, Q quarterly, A annual)';
COMMENT ON COLUMN mart.lineage.input_time_period IS '输入单元格的报告期（SDMX格式） / Period of the input cell (SDMX form)';
COMMENT ON COLUMN mart.lineage.input_indicator_code IS '输入单元格的指标代码（报送的基础指标） / Indicator of the input cell (a submitted base indicator)';
COMMENT ON COLUMN mart.lineage.input_value IS '输入数值：所用版本为 mart.observations 公布值，被替代版本为该版本的数值；输入单元格保密（C、D）时为空 / Value of the input: as mart.observations publishes it for the vintage used, that vintage''s value for a superseded one; blank when the input cell is confidential (C or D)';
COMMENT ON COLUMN mart.lineage.input_obs_status IS '输入单元格的观测状态（mart.observations；SDMX CL_OBS_STATUS：A 正常、P 初步、E 估计、B 序列中断、M 缺失、Q 保密） / Observation status of the input cell (mart.observations; SDMX CL_OBS_STATUS: A normal, P provisional, E estimated, B break, M missing, Q suppressed)';
COMMENT ON COLUMN mart.lineage.input_conf_status IS '输入单元格的保密状态：F 可公布、C 主隐藏、D 补充隐藏（C、D 不列数值） / Confidentiality status of the input cell: F free, C primary, D secondary (C and D show no value)';
COMMENT ON COLUMN mart.lineage.submission_id IS '提供该输入的报送批次（版本） / Submission (vintage) that supplies the input';
COMMENT ON COLUMN mart.lineage.source_profile IS '报送主体代码（ref.profiles） / Submitting profile (ref.profiles)';
COMMENT ON COLUMN mart.lineage.from_source_of_record IS '报送主体是否为该指标的法定报送机构（否：试点填补） / The submitter is the indicator''s agency of record (false: a pilot filling a gap)';
COMMENT ON COLUMN mart.lineage.original_filename IS '报送文件的原始文件名 / File name of the submission as sent';
COMMENT ON COLUMN mart.lineage.received_at IS '报送批次送达时间（TIMESTAMPTZ 时刻，按连接时区显示） / When the submission was received (TIMESTAMPTZ: an instant, shown in the connection''s TimeZone)';
COMMENT ON COLUMN mart.lineage.withdrawn IS '该报送批次是否已撤回（仅被替代版本可能为是） / The submission was withdrawn (only a superseded vintage can be)';
COMMENT ON COLUMN mart.lineage.released_at IS '所溯源数值所属期别的发布时间（空：尚未发布，初步值） / When the period of the figure traced was released (blank: not yet, provisional)';
COMMENT ON COLUMN mart.lineage.input_released_at IS '输入单元格所属期别的发布时间；送达晚于此时间的版本是对已发布数值的修订 / When the input cell''s period was released; a vintage received after it revised a released value';
