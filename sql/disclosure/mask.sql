-- Hide the suppressed cells of mart.observations: no value, no parts, OBS_STATUS Q and their CONF_STATUS.
UPDATE mart.observations o
SET value = NULL, numerator_value = NULL, denominator_value = NULL, obs_status = 'Q', conf_status = d.conf_status
FROM core.disclosure d
WHERE o.area_code = d.area_code AND o.period = d.period AND o.indicator_code = d.indicator_code
  AND list_contains($indicators, d.indicator_code)
