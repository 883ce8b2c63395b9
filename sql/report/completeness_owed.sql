-- Who owes what: every cell of a month up to the bulletin's ($month) still missing or rejected at the
-- reference date, and the cells of the bulletin's month that came late.
SELECT b.expected_from, p.name_zh AS profile_name_zh, p.name_en AS profile_name_en, b.area_code,
       b.indicator_code, i.name_zh AS indicator_name_zh, i.name_en AS indicator_name_en, b.time_period,
       b.due_date, b.days_late, b.completeness_status, b.rejected_submission_id, b.filled_by_pilot, b.pilot_source
FROM mart.completeness b
LEFT JOIN (SELECT DISTINCT profile, name_zh, name_en FROM ref.profiles) p ON p.profile = b.expected_from
LEFT JOIN ref.indicators i USING (indicator_code)
WHERE (b.period_month <= $month AND b.completeness_status IN ('missing', 'rejected'))
   OR (b.period_month = $month AND b.completeness_status = 'received_late')
ORDER BY b.completeness_status <> 'missing', b.expected_from, b.period, b.indicator_code, b.area_code;
