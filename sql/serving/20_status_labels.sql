-- The status vocabularies of the marts with their labels, stated once: the released views show the Chinese
-- label beside each status code (obs_status_zh, …); for the tables without a released view (completeness,
-- data quality) BI joins this table on (code_list, code).
CREATE TABLE ref.status_labels (
    code_list VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    label_zh VARCHAR NOT NULL,
    label_en VARCHAR NOT NULL,
    PRIMARY KEY (code_list, code)
);
INSERT INTO ref.status_labels VALUES
    -- SDMX CL_OBS_STATUS: mart.observations carries A, P, E (imputed total), B (source switched) and M
    -- (withheld total); disclosure control adds Q
    ('obs_status', 'A', '正常值', 'Normal value'),
    ('obs_status', 'P', '初步值', 'Provisional value'),
    ('obs_status', 'E', '估计值', 'Estimated value'),
    ('obs_status', 'B', '序列中断', 'Break in series'),
    ('obs_status', 'M', '缺失值', 'Missing value'),
    ('obs_status', 'Q', '保密不公布', 'Missing value; suppressed'),
    -- SDMX CL_CONF_STATUS: disclosure control (indicators/disclosure.py, ref.disclosure_rules)
    ('conf_status', 'F', '可公布', 'Free'),
    ('conf_status', 'C', '保密（主隐藏）', 'Confidential statistical information'),
    ('conf_status', 'D', '保密（补充隐藏）', 'Secondary confidentiality set by the sender, not for publication'),
    -- mart.completeness.completeness_status (sql/marts/completeness_period.sql)
    ('completeness_status', 'received', '按时报送', 'Received on time'),
    ('completeness_status', 'received_late', '逾期报送', 'Received late'),
    ('completeness_status', 'rejected', '被退回', 'Rejected'),
    ('completeness_status', 'missing', '缺报', 'Missing'),
    ('completeness_status', 'not_yet_due', '未到期', 'Not yet due'),
    -- mart.target_progress.target_status (sql/marts/target_progress.sql)
    ('target_status', 'achieved', '已完成', 'Achieved'),
    ('target_status', 'not_achieved', '未完成', 'Not achieved'),
    ('target_status', 'on_track', '可完成', 'On track'),
    ('target_status', 'at_risk', '有风险', 'At risk'),
    ('target_status', 'off_track', '难完成', 'Off track'),
    ('target_status', 'no_data', '暂无数据', 'No data yet'),
    -- mart.target_progress.target_scope (ref.targets, from targets.yaml)
    ('target_scope', 'area', '本地区目标', 'Target set for the area'),
    ('target_scope', 'national_applied_to_province', '全国目标（用于全省）', 'National target applied to the province'),
    -- mart.data_quality.submission_status
    ('submission_status', 'accepted', '已接收', 'Accepted'),
    ('submission_status', 'rejected', '已退回', 'Rejected');

COMMENT ON TABLE ref.status_labels IS '状态代码表：各状态列的代码及中英文标签 / Status code lists: each status column''s codes with labels in Chinese and English';
COMMENT ON COLUMN ref.status_labels.code_list IS '代码表（即状态列名：obs_status、completeness_status、target_status、target_scope、submission_status） / Code list: the status column it labels (obs_status, completeness_status, target_status, target_scope, submission_status)';
COMMENT ON COLUMN ref.status_labels.code IS '状态代码 / Status code';
COMMENT ON COLUMN ref.status_labels.label_zh IS '中文标签 / Label in Chinese';
COMMENT ON COLUMN ref.status_labels.label_en IS '英文标签 / Label in English';
