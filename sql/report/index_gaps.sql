-- Why an index year ($year) ranks no city: each indicator input that is not usable on released figures,
-- by its status (missing, suppressed, not_released), with how many cities lack it.
SELECT component_code, component_name_zh, component_name_en, input_status, count(*) AS cities
FROM mart.index
WHERE basis = 'released' AND year(period) = $year AND component_level = 'indicator' AND input_status <> 'ok'
GROUP BY ALL
ORDER BY component_code, input_status;
