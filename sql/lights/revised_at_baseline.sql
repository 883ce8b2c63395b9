-- The previous release's periods with today's revisions, inside a transaction that is rolled back
-- (pipelines.build.rewound, for pipelines/target_lights.py): what was known at $as_of, but every cell that had a value then takes its
-- value of today (new vintages and withdrawals since are kept). Taken away: cells first received since
-- (new periods, late values) and the releases recorded since.
DELETE FROM core.observations o
WHERE o.received_at > $as_of
  AND NOT EXISTS (SELECT 1 FROM core.observations_as_of($as_of) k
                  WHERE k.area_code = o.area_code AND k.period = o.period AND k.indicator_code = o.indicator_code);
DELETE FROM ops.releases WHERE released_at > $as_of;
