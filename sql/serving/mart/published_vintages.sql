-- mart.published_vintages: its key, its comments in Chinese and English (the columns it shares with
-- mart.observations take theirs, pipelines/publish.py), and mart.published_as_of, what BI asks it.

ALTER TABLE mart.published_vintages ADD PRIMARY KEY (area_code, period, indicator_code, valid_from);

COMMENT ON TABLE mart.published_vintages IS '已发布数值的各版本：每个已发布单元格（基础、派生、汇总；市、区域、全省）曾以何值何状态发布、自何时至何时（各列同 mart.observations），可查任一时点所发布的数据 / Published vintages: every value and status each released cell (base, derived, aggregate; city, region, province) was published with, and from when to when (columns as in mart.observations), so BI can ask what was published at any instant';
COMMENT ON COLUMN mart.published_vintages.vintage_no IS '发布版本序号（1 为首次发布） / Vintage number of the published cell (1: first published)';
COMMENT ON COLUMN mart.published_vintages.valid_from IS '此版本在已发布视图中出现的时间（所属期别发布时间与引起变动的报送或撤回时间中较晚者） / When this vintage appeared in the released views: the later of its period''s release and the submission or withdrawal that produced it';
COMMENT ON COLUMN mart.published_vintages.valid_to IS '此版本被替换或撤下的时间（现行版本为空） / When this vintage was replaced or taken out (blank while current)';
COMMENT ON COLUMN mart.published_vintages.release_month IS '所属发布（发布的月份首日：该月结束的各期别一并发布） / The release it belongs to: the month released (first day), with every period ending in it';
COMMENT ON COLUMN mart.published_vintages.released_at IS '该月份的发布时间 / When that month was released';

-- What was published at an instant: a TIMESTAMPTZ is that instant whatever the connection's TimeZone; a
-- DATE or a timestamp without zone is read as Beijing time, the calendar's zone (DATE '2023-11-01' is
-- midnight at its start in Beijing), never as the connection's zone.
CREATE OR REPLACE MACRO mart.published_as_of(as_of) AS TABLE
SELECT v.area_code, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
       v.area_level, v.period, v.freq, v.time_period,
       v.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       v.value, v.unit,
       v.obs_status, s.label_zh AS obs_status_zh,
       v.* EXCLUDE (area_code, area_level, period, freq, time_period, indicator_code, value, unit, obs_status)
FROM mart.published_vintages v
CROSS JOIN (SELECT CASE WHEN typeof(as_of) = 'TIMESTAMP WITH TIME ZONE' THEN as_of::TIMESTAMPTZ
                        ELSE timezone('Asia/Shanghai', as_of::TIMESTAMP) END AS instant) t
LEFT JOIN ref.areas a USING (area_code)
LEFT JOIN ref.indicators i USING (indicator_code)
LEFT JOIN ref.status_labels s ON s.code_list = 'obs_status' AND s.code = v.obs_status
WHERE v.valid_from <= t.instant AND (v.valid_to IS NULL OR v.valid_to > t.instant);
COMMENT ON MACRO TABLE mart.published_as_of IS '某一时点已发布的数据（含地区、指标名称和状态标签）：SELECT * FROM mart.published_as_of(TIMESTAMPTZ ''2023-11-01 00:00:00+08'')；日期或不带时区的时间按北京时间解释 / What was published at an instant, with area and indicator names and status labels: SELECT * FROM mart.published_as_of(TIMESTAMPTZ ''2023-11-01 00:00:00+08''); a date or a time without zone is read as Beijing time';
