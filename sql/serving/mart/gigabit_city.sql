-- mart.gigabit_city: its key, its comments in Chinese and English, and the released view BI shows by default
-- (its columns take these comments; the label columns it adds have their own).

ALTER TABLE mart.gigabit_city ADD PRIMARY KEY (basis, area_code, indicator_code);

COMMENT ON TABLE mart.gigabit_city IS '千兆城市达标情况：各市×工信部七项评价指标（门槛未经核实） / Gigabit-city compliance per city and MIIT indicator (thresholds unverified)';
COMMENT ON COLUMN mart.gigabit_city.basis IS '口径：released 仅已发布数据、latest 最新值 / Basis: released values only, or latest values';
COMMENT ON COLUMN mart.gigabit_city.area_code IS '城市代码 / City code';
COMMENT ON COLUMN mart.gigabit_city.indicator_code IS '评价指标代码 / Indicator evaluated';
COMMENT ON COLUMN mart.gigabit_city.period IS '所用数值的报告期首日（截至参考日最新） / First day of the period used (the latest ending by the reference date)';
COMMENT ON COLUMN mart.gigabit_city.time_period IS '所用数值的报告期 / Period used';
COMMENT ON COLUMN mart.gigabit_city.value IS '指标值 / Value';
COMMENT ON COLUMN mart.gigabit_city.obs_status IS '观测状态（SDMX CL_OBS_STATUS，代码同 mart.observations.obs_status）：A 正常、P 初步、E 估计、B 序列中断、M 缺失、Q 保密不公布 / Observation status (SDMX CL_OBS_STATUS, the codes of mart.observations.obs_status): A normal, P provisional, E estimated, B break in series, M missing, Q suppressed (confidential)';
COMMENT ON COLUMN mart.gigabit_city.threshold IS '达标门槛；为空表示无门槛 / Pass threshold; blank where none';
COMMENT ON COLUMN mart.gigabit_city.comparison IS '比较方向：>= 不低于门槛、<= 不高于门槛 / Comparison: >= at least the threshold, <= at most';
COMMENT ON COLUMN mart.gigabit_city.verified IS '门槛是否经核实 / Threshold verified';
COMMENT ON COLUMN mart.gigabit_city.source_citation IS '门槛出处（引文） / Source of the threshold (citation)';
COMMENT ON COLUMN mart.gigabit_city.meets IS '是否达标；无门槛或无数据为空 / Meets the threshold; blank without a threshold or a value';
COMMENT ON COLUMN mart.gigabit_city.n_thresholds IS '该市有门槛的指标数 / Indicators with a threshold';
COMMENT ON COLUMN mart.gigabit_city.n_met IS '该市达标指标数 / Indicators the city meets';
COMMENT ON COLUMN mart.gigabit_city.meets_all IS '是否全部达标；任一不达标为否，尚缺数据为空 / Meets every threshold: false once one fails, blank while one has no value';
COMMENT ON COLUMN mart.gigabit_city.reference_date IS '参考日 / Reference date';

CREATE OR REPLACE VIEW mart.v_released_gigabit_city AS
SELECT g.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       g.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       g.period, g.time_period, g.value,
       g.obs_status, s.label_zh AS obs_status_zh,
       g.* EXCLUDE (basis, area_code, indicator_code, period, time_period, value, obs_status)
FROM mart.gigabit_city g
LEFT JOIN ref.areas a USING (area_code)
LEFT JOIN ref.indicators i USING (indicator_code)
LEFT JOIN ref.status_labels s ON s.code_list = 'obs_status' AND s.code = g.obs_status
WHERE g.basis = 'released';
COMMENT ON VIEW mart.v_released_gigabit_city IS '按已发布数值计算的千兆城市达标情况 / Gigabit-city compliance on released values';
COMMENT ON COLUMN mart.v_released_gigabit_city.area_name_zh IS '地区中文名称 / Area name in Chinese';
COMMENT ON COLUMN mart.v_released_gigabit_city.area_name_en IS '地区英文名称 / Area name in English';
COMMENT ON COLUMN mart.v_released_gigabit_city.indicator_name_zh IS '指标中文名称 / Indicator name in Chinese';
COMMENT ON COLUMN mart.v_released_gigabit_city.indicator_name_en IS '指标英文名称 / Indicator name in English';
COMMENT ON COLUMN mart.v_released_gigabit_city.obs_status_zh IS '观测状态中文标签（ref.status_labels） / Observation status label in Chinese (ref.status_labels)';
