-- The panel's rows as written, typed as indicators.readers types cells (the columns the GX suite checks):
-- the area and indicator looked up, the period parsed with its frequency, the value with its unit factor.
CREATE OR REPLACE TEMP TABLE typed AS
WITH raw AS (
    SELECT "城市代码" AS area_text, "期间" AS period_text, "指标代码" AS indicator_text,
           "数值" AS value_text, coalesce("单位", '') AS unit_text
    FROM read_csv($files, header = true, all_varchar = true, union_by_name = true)
), parsed AS (
    SELECT r.period_text, a.area_code AS city_code, a.area_level, a.city_code AS parent_city_code,
           a.province_code, i.indicator_code, i.freq AS indicator_freq, i.max_value, i.is_derived,
           CASE WHEN regexp_full_match(r.period_text, '\d{4}-(0[1-9]|1[0-2])') THEN 'M'
                WHEN regexp_full_match(r.period_text, '\d{4}Q[1-4]') THEN 'Q'
                WHEN regexp_full_match(r.period_text, '\d{4}') THEN 'A' END AS period_freq,
           TRY_CAST(replace(r.value_text, ',', '') AS DOUBLE) AS value_in_file,
           CASE WHEN r.unit_text = '' OR r.unit_text = i.unit THEN 1.0
                WHEN r.unit_text = '万' || i.unit THEN 10000.0 END AS unit_factor
    FROM raw r
    LEFT JOIN areas a ON a.area_code = r.area_text
    LEFT JOIN indicators i ON i.indicator_code = r.indicator_text
)
SELECT *,
       CASE period_freq
           WHEN 'M' THEN make_date(period_text[1:4]::INT, period_text[6:7]::INT, 1)
           WHEN 'Q' THEN make_date(period_text[1:4]::INT, (period_text[6:6]::INT - 1) * 3 + 1, 1)
           WHEN 'A' THEN make_date(period_text::INT, 1, 1) END AS period_start,
       value_in_file * unit_factor AS value
FROM parsed;
