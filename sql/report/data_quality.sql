-- The files received between the previous bulletin and this one ($since, $until): per file and rule, the
-- evaluated, failed and not evaluable items, with the file's outcome (the summary counts files and failures).
SELECT q.submission_id, q.source_profile, p.name_zh AS profile_name_zh, p.name_en AS profile_name_en,
       q.original_filename, q.received_at, q.submission_status, q.withdrawn, q.rule, q.severity, q.dimension,
       q.evaluated, q.failed, q.not_evaluable, q.blocking
FROM mart.data_quality q
LEFT JOIN (SELECT DISTINCT profile, name_zh, name_en FROM ref.profiles) p ON p.profile = q.source_profile
WHERE q.received_at >= $since AND q.received_at < $until
ORDER BY q.received_at, q.submission_id, q.rule;
