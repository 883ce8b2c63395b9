-- Where each headline figure comes from, from mart.lineage: figures are ($areas[i], $periods[i], $codes[i]),
-- in that order. A year's figure of an indicator published more often (a target's annual PUE: the year's
-- energy summed over its quarters) is made of the year's periods (periods lists them).
-- Per figure, with its area's and indicator's names: the cities that reported it and those imputed (E), how many input cells are confidential
-- (C or D), how many earlier vintages were superseded, and the submissions it rests on (not superseded:
-- the reported, imputed and imputation-base inputs), each with its file, submitter profile and receipt.
WITH figures AS (
    SELECT unnest(range(len($areas::VARCHAR[]))) AS ordinal, unnest($areas::VARCHAR[]) AS area_code,
           unnest($periods::VARCHAR[]) AS time_period, unnest($codes::VARCHAR[]) AS indicator_code
)
SELECT f.ordinal, f.area_code, f.time_period, f.indicator_code, fa.name_zh AS area_name_zh, fa.name_en AS area_name_en,
       i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en,
       coalesce(list(DISTINCT l.time_period ORDER BY l.time_period), []) AS periods,
       count(DISTINCT l.input_area_code) FILTER (WHERE l.role = 'reported') AS n_cities_reported,
       coalesce(list(DISTINCT a.name_zh ORDER BY a.name_zh) FILTER (WHERE l.role = 'imputed'), []) AS imputed_zh,
       coalesce(list(DISTINCT a.name_en ORDER BY a.name_en) FILTER (WHERE l.role = 'imputed'), []) AS imputed_en,
       count(DISTINCT (l.input_area_code, l.input_period, l.input_indicator_code))
           FILTER (WHERE l.role <> 'superseded' AND l.input_conf_status IN ('C', 'D')) AS n_confidential_inputs,
       count(*) FILTER (WHERE l.role = 'superseded') AS n_superseded,
       -- sorted by submission id, the struct's first field
       coalesce(list_sort(list(DISTINCT {'submission_id': l.submission_id, 'file': l.original_filename,
                                         'profile': l.source_profile,
                                         'received_at': strftime(l.received_at AT TIME ZONE 'Asia/Shanghai',
                                                                 '%Y-%m-%d %H:%M')})
                          FILTER (WHERE l.role <> 'superseded')), []) AS submissions
FROM figures f
JOIN ref.areas fa USING (area_code)
JOIN ref.indicators i USING (indicator_code)
LEFT JOIN mart.lineage l
       ON l.area_code = f.area_code AND l.indicator_code = f.indicator_code
      AND (l.time_period = f.time_period OR (l.freq <> 'A' AND strftime(l.period, '%Y') = f.time_period))
LEFT JOIN ref.areas a ON a.area_code = l.input_area_code
GROUP BY ALL
ORDER BY f.ordinal;
