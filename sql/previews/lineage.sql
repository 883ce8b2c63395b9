-- The first rows an analyst sees for mart.lineage in the Dagster UI: what the province's latest 5G stations
-- per 10,000 people rests on.
SELECT time_period, role, part, input_area_code, input_time_period, input_indicator_code, input_value, submission_id, source_profile, original_filename FROM mart.lineage WHERE area_level = 'province' AND indicator_code = 'fiveg_per_10k_people' AND period = (SELECT max(period) FROM mart.lineage WHERE area_level = 'province' AND indicator_code = 'fiveg_per_10k_people') ORDER BY part DESC, input_area_code LIMIT 10;
