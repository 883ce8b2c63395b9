-- The first rows an analyst sees for mart.target_lights in the Dagster UI: the released lights and why they changed.
SELECT target_id, light, previous_light, change_cause, actual_time_period, change_note_en FROM mart.target_lights WHERE basis = 'released' ORDER BY light_changed DESC, target_id;
