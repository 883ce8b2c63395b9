-- How far each of the submissions $submission_ids has got, as the serving DB shows it:
--   loaded:    the warehouse has processed it (its rule results are in mart.data_quality);
--   published: the values it supplies (city cells whose latest value is its own in mart.observations,
--              and a pilot's values beside the agency of record's in mart.discrepancies) all fall in
--              released periods. A submission that supplies no value (all replaced by later vintages, or
--              withdrawn, or rejected) is never published.
-- A period is released when mart.observations marks its values released (the month it ends in was
-- released: mart.release_month).
WITH asked AS (
    SELECT unnest($submission_ids::BIGINT[]) AS submission_id
),
supplied AS (
    SELECT submission_id, period, freq FROM mart.observations WHERE source_profile <> 'aggregate'
    UNION ALL
    SELECT pilot_submission_id, period, freq FROM mart.discrepancies
),
released_periods AS (
    SELECT DISTINCT period, freq FROM mart.observations WHERE released
)
SELECT a.submission_id,
       a.submission_id IN (SELECT submission_id FROM mart.data_quality) AS loaded,
       count(s.period) > 0 AND count(s.period) = count(r.period) AS published
FROM asked a
LEFT JOIN supplied s USING (submission_id)
LEFT JOIN released_periods r USING (period, freq)
GROUP BY a.submission_id
ORDER BY a.submission_id;
