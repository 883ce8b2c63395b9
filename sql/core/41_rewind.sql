-- The warehouse's inputs as they stood at $as_of: what was received, withdrawn or released later is
-- deleted; so are the values of indicators not in $indicators (a list; NULL keeps every indicator), whose
-- families need no rebuild. Run by pipelines.build.rewound (for the published vintages and the target
-- lights) inside a transaction it rolls back (never committed): core.v_latest then gives
-- core.observations_as_of($as_of), ops.releases the periods released by then.
DELETE FROM core.observations
WHERE received_at > $as_of OR NOT list_contains(coalesce($indicators, [indicator_code]), indicator_code);
DELETE FROM ops.withdrawals WHERE withdrawn_at > $as_of;
DELETE FROM ops.releases WHERE released_at > $as_of;
