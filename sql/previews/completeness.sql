-- Who still owes what for the latest month of a board run: every cell not received on time.
SELECT time_period, expected_from, completeness_status, count(*) AS cells,
       string_agg(DISTINCT area_code, ' ' ORDER BY area_code) AS cities
FROM mart.completeness
WHERE period_month = $month AND completeness_status <> 'received'
GROUP BY ALL ORDER BY ALL;
