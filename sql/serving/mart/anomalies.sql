-- mart.anomalies: its key, its comments in Chinese and English, and the released view BI shows by default
-- (its columns take these comments; the label columns it adds have their own).

ALTER TABLE mart.anomalies ADD PRIMARY KEY (area_code, period, indicator_code, rule);

COMMENT ON TABLE mart.anomalies IS '异常值：各市报送指标中看起来有误的数值，每条标记一行，含规则、得分、阈值及中英文原因；规则与参数见 ref.anomaly_rules；保密单元格不参与也不出现 / Anomalies: city values of the submitted indicators that look wrong, one row per flag with the rule, the score, the threshold and a reason in Chinese and English; rules and parameters in ref.anomaly_rules; suppressed cells are neither judged nor shown';
COMMENT ON COLUMN mart.anomalies.area_code IS '城市代码 / City code (ref.areas)';
COMMENT ON COLUMN mart.anomalies.period IS '报告期首日 / First day of the period';
COMMENT ON COLUMN mart.anomalies.freq IS '频度：M 月、Q 季、A 年 / Frequency: M, Q or A';
COMMENT ON COLUMN mart.anomalies.time_period IS '报告期（SDMX格式） / Period (SDMX form)';
COMMENT ON COLUMN mart.anomalies.indicator_code IS '指标代码（报送指标） / Indicator code (a submitted indicator)';
COMMENT ON COLUMN mart.anomalies.rule IS '规则：modified_z 环比偏离其他城市、hidiroglou_berthelot 与上期之比按规模偏离、unit_slip 疑似万与个混用、monotone_fall 只增不减的指标下降、seasonal 偏离往年同期规律（ref.anomaly_rules） / Rule: modified_z, hidiroglou_berthelot, unit_slip, monotone_fall or seasonal (ref.anomaly_rules)';
COMMENT ON COLUMN mart.anomalies.value IS '被判断的数值（环比两条规则对年初至今累计指标取当期值） / The value judged (for a year-to-date series, the two change rules judge its own value for the period)';
COMMENT ON COLUMN mart.anomalies.compared_period IS '比较期首日：上期（同年上期或上一次报送），季节规则为上年同期 / First day of the period compared with: the previous one, or the same period a year earlier (seasonal)';
COMMENT ON COLUMN mart.anomalies.compared_time_period IS '比较期（SDMX格式） / Period compared with (SDMX form)';
COMMENT ON COLUMN mart.anomalies.compared_value IS '比较值：上期数值；季节规则为按往年同期规律推算的预期值 / Value compared with: the previous period''s; for the seasonal rule, the value its seasonal pattern expects';
COMMENT ON COLUMN mart.anomalies.score IS '得分：modified_z 为修正z值，hidiroglou_berthelot 为HB标准化得分，unit_slip 为与上期之比，monotone_fall 为环比变化（%），seasonal 为与预期值之比 / Score: the modified z-score; the standardised Hidiroglou–Berthelot score; the ratio to the previous value (unit_slip); the change in % (monotone_fall); the ratio to the expected value (seasonal)';
COMMENT ON COLUMN mart.anomalies.threshold IS '阈值：得分绝对值超过即标记（modified_z、hidiroglou_berthelot）；达到其倍数或倒数即标记（unit_slip、seasonal）；低于即标记（monotone_fall） / Threshold: flagged when the score is beyond ± it (modified_z, hidiroglou_berthelot), at or beyond it or its inverse (unit_slip, seasonal), below it (monotone_fall)';
COMMENT ON COLUMN mart.anomalies.reason_zh IS '原因（中文） / Reason in Chinese';
COMMENT ON COLUMN mart.anomalies.reason_en IS '原因（英文） / Reason in English';
COMMENT ON COLUMN mart.anomalies.obs_status IS '被标记数值的观测状态（SDMX CL_OBS_STATUS：A 正常、P 初步、E 估计、B 序列中断、M 缺失、Q 保密；保密值从不标记） / Observation status of the flagged value (SDMX CL_OBS_STATUS: A normal, P provisional, E estimated, B break, M missing, Q suppressed; a suppressed value is never flagged)';
COMMENT ON COLUMN mart.anomalies.released IS '标记所用数值是否均已发布 / Every value the flag uses has been released';
COMMENT ON COLUMN mart.anomalies.submission_id IS '被标记数值所属版本（报送编号） / Vintage (submission) of the flagged value';

CREATE OR REPLACE VIEW mart.v_released_anomalies AS
SELECT x.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       x.period, x.freq, x.time_period,
       x.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       x.rule, r.rule_zh, r.rule_en,
       x.value, x.compared_period, x.compared_time_period, x.compared_value, x.score, x.threshold,
       x.reason_zh, x.reason_en,
       x.obs_status, s.label_zh AS obs_status_zh,
       x.* EXCLUDE (area_code, period, freq, time_period, indicator_code, rule, value, compared_period,
                    compared_time_period, compared_value, score, threshold, reason_zh, reason_en, obs_status)
FROM mart.anomalies x
LEFT JOIN ref.areas a USING (area_code)
LEFT JOIN ref.indicators i USING (indicator_code)
LEFT JOIN (SELECT DISTINCT rule, rule_zh, rule_en FROM ref.anomaly_rules) r USING (rule)
LEFT JOIN ref.status_labels s ON s.code_list = 'obs_status' AND s.code = x.obs_status
WHERE x.released;
COMMENT ON VIEW mart.v_released_anomalies IS '已发布数值的异常标记 / Anomaly flags on released values only';
COMMENT ON COLUMN mart.v_released_anomalies.area_name_zh IS '地区中文名称 / Area name in Chinese';
COMMENT ON COLUMN mart.v_released_anomalies.area_name_en IS '地区英文名称 / Area name in English';
COMMENT ON COLUMN mart.v_released_anomalies.indicator_name_zh IS '指标中文名称 / Indicator name in Chinese';
COMMENT ON COLUMN mart.v_released_anomalies.indicator_name_en IS '指标英文名称 / Indicator name in English';
COMMENT ON COLUMN mart.v_released_anomalies.rule_zh IS '规则中文名称 / Rule name in Chinese';
COMMENT ON COLUMN mart.v_released_anomalies.rule_en IS '规则英文名称 / Rule name in English';
COMMENT ON COLUMN mart.v_released_anomalies.obs_status_zh IS '观测状态中文标签（ref.status_labels） / Observation status label in Chinese (ref.status_labels)';
