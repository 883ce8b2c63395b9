-- The indicators whose rows of $table_name are stale (pipelines/build.py refresh): those of the accepted
-- submissions and the withdrawals that table's last refresh did not cover.
WITH state AS (
    SELECT submission_ids, withdrawn_ids FROM ops.refresh_state WHERE table_name = $table_name
),
changed AS (
    SELECT submission_id FROM ops.submissions
    WHERE status = 'accepted' AND NOT list_contains((SELECT submission_ids FROM state), submission_id)
    UNION
    SELECT submission_id FROM ops.withdrawals
    WHERE NOT list_contains((SELECT withdrawn_ids FROM state), submission_id)
)
SELECT DISTINCT indicator_code FROM core.observations
WHERE submission_id IN (SELECT submission_id FROM changed)
ORDER BY indicator_code
