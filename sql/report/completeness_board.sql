-- The bulletin month's ($month) completeness board, counted by the agency that owes the cells and status.
SELECT b.expected_from, p.name_zh AS profile_name_zh, p.name_en AS profile_name_en, b.completeness_status,
       count(*) AS cells
FROM mart.completeness b
LEFT JOIN (SELECT DISTINCT profile, name_zh, name_en FROM ref.profiles) p ON p.profile = b.expected_from
WHERE b.period_month = $month
GROUP BY ALL ORDER BY ALL;
