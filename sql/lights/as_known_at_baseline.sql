-- The build DB as it stood at $as_of (the previous release), inside a transaction that is rolled back
-- (pipelines/target_lights.py): the vintages received, the withdrawals made and the releases recorded
-- since then are taken away, so the marts rebuilt from it are what that release published.
DELETE FROM core.observations WHERE received_at > $as_of;
DELETE FROM ops.withdrawals WHERE withdrawn_at > $as_of;
DELETE FROM ops.releases WHERE released_at > $as_of;
