-- Every loaded observation names a reporting area (a city), a base indicator and an accepted submission.
SELECT o.submission_id, o.area_code, o.indicator_code
FROM core.observations o
LEFT JOIN ref.areas c ON c.area_code = o.area_code AND c.reporting
LEFT JOIN ref.indicators i ON i.indicator_code = o.indicator_code AND NOT i.is_derived
LEFT JOIN ops.submissions s ON s.submission_id = o.submission_id AND s.status = 'accepted'
WHERE c.area_code IS NULL OR i.indicator_code IS NULL OR s.submission_id IS NULL;
