-- What $table_name now covers (pipelines/build.py refresh): every accepted submission and every withdrawal.
INSERT OR REPLACE INTO ops.refresh_state
SELECT $table_name,
       coalesce((SELECT list(submission_id ORDER BY submission_id) FROM ops.submissions
                 WHERE status = 'accepted'), []),
       coalesce((SELECT list(submission_id ORDER BY submission_id) FROM ops.withdrawals), []),
       $inputs_fingerprint, $last_refresh, $indicators_refreshed, now()
