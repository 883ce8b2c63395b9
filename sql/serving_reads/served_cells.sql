-- The served city values in one submitter's scope, read from the serving DB by indicators/served.py.
-- Per cell (city, indicator, freq, period):
--   served_value, served_source          what is published: the history rules compare a new file with it
--   previous_value, previous_submission_id
--                                        the submitter's own latest vintage as loaded, the value a new
--                                        file's cell replaces: served when the submitter is the cell's
--                                        source, else the pilot's value beside the agency's in
--                                        mart.discrepancies (the warehouse's ops.vintage_changes agrees)
WITH served AS (
    SELECT area_code, indicator_code, freq, period, value, source_profile, submission_id
    FROM mart.observations
    WHERE source_profile <> 'aggregate' AND list_contains($cities, area_code) AND list_contains($indicators, indicator_code)
),
own AS (
    SELECT area_code, indicator_code, freq, period, value, submission_id
    FROM served
    WHERE source_profile = $profile
    UNION ALL
    SELECT area_code, indicator_code, freq, period, pilot_value, pilot_submission_id
    FROM mart.discrepancies
    WHERE pilot = $profile AND list_contains($cities, area_code) AND list_contains($indicators, indicator_code)
)
SELECT area_code AS city_code, indicator_code, freq, period,
       served.value AS served_value, served.source_profile AS served_source,
       own.value AS previous_value, own.submission_id AS previous_submission_id
FROM served FULL JOIN own USING (area_code, indicator_code, freq, period)
ORDER BY city_code, indicator_code, freq, period
