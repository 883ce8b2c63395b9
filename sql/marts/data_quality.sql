-- mart.data_quality: each submission's validation results, one row per rule: items evaluated, passed,
-- failed and not evaluable (Statistics Netherlands' `validate` counts), with the rule's severity and
-- quality dimension. An error that failed rejects the whole file (blocking). pass_rate_pct is over the
-- items that could be evaluated (passed + failed). Who sent the file stays in the build DB: BI sees the
-- submitting profile only.
CREATE OR REPLACE TABLE mart.data_quality AS
SELECT s.submission_id,
       s.profile AS source_profile,
       s.original_filename,
       s.received_at,
       s.status AS submission_status,
       w.submission_id IS NOT NULL AS withdrawn,
       r.rule,
       r.severity,
       r.dimension,
       r.evaluated,
       r.passed,
       r.failed,
       r.not_evaluable,
       CASE WHEN r.passed + r.failed > 0 THEN 100.0 * r.passed / (r.passed + r.failed) END AS pass_rate_pct,
       r.severity = 'error' AND r.failed > 0 AS blocking
FROM ops.rule_results r
JOIN ops.submissions s USING (submission_id)
LEFT JOIN ops.withdrawals w USING (submission_id)
ORDER BY s.received_at, s.submission_id, r.rule;
