-- fiveg_base_stations and fiveg_base_stations_700mhz from the 5G site list, for the months of submission
-- $submission_id, as the list stands at its receipt ($as_of; core.register_units_as_of): per city the sites
-- in service (在网) commissioned on or before the month's end, and those among them on 700 MHz.
WITH months AS (
    SELECT DISTINCT period FROM core.register_records WHERE submission_id = $submission_id
),
cities AS (
    SELECT DISTINCT period, area_code FROM core.register_records_as_of('site_list', $as_of)
    WHERE period IN (SELECT period FROM months)
),
counted AS (
    SELECT period, area_code, band FROM core.register_units_as_of('site_list', $as_of)
    WHERE period IN (SELECT period FROM months) AND in_service AND commissioning_date <= last_day(period)
)
SELECT c.area_code, c.period, 'M' AS freq, i.indicator_code,
       count(s.band) FILTER (WHERE i.indicator_code = 'fiveg_base_stations' OR s.band = '700MHz')::DOUBLE AS value,
       NULL::INTEGER AS n_units, NULL::DOUBLE AS largest, NULL::DOUBLE AS second_largest
FROM cities c
CROSS JOIN (VALUES ('fiveg_base_stations'), ('fiveg_base_stations_700mhz')) i(indicator_code)
LEFT JOIN counted s ON s.period = c.period AND s.area_code = c.area_code
GROUP BY ALL
ORDER BY c.period, c.area_code, i.indicator_code;
