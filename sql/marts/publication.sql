-- What a serving file holds: the build DB generation it was published from, when, and under which code and
-- configuration (pipelines/build.py configuration_digest). A run compares it
-- with ops.build_state to know that an interrupted run left the serving file behind.
CREATE OR REPLACE TABLE mart.publication AS
SELECT generation AS build_generation,
       now() AS published_at,
       (SELECT count(*) FROM ops.submissions) AS submissions,
       (SELECT max(submission_id) FROM ops.submissions) AS last_submission_id,
       $configuration AS configuration
FROM ops.build_state;
