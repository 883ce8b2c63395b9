-- mart.register_site_bands: the 5G base stations in service by city, month and band, from the latest 5G
-- site list of each city and month (core.register_units_as_of, as sql/registers/site_list.sql counts them):
-- sites in service (在网) commissioned on or before the month's end. Every band for every city and month a
-- list covers, 0 where it has none. The 700 MHz row equals fiveg_base_stations_700mhz from the same list,
-- and the four bands sum to fiveg_base_stations.
CREATE OR REPLACE TABLE mart.register_site_bands AS
WITH units AS (
    SELECT * FROM core.register_units_as_of('site_list', TIMESTAMPTZ 'infinity')
),
cities AS (
    SELECT DISTINCT period, area_code FROM core.register_records_as_of('site_list', TIMESTAMPTZ 'infinity')
),
bands AS (
    SELECT unnest(['700MHz', '2.6GHz', '3.5GHz', '4.9GHz']) AS band
)
SELECT c.area_code,
       c.period,
       'M' AS freq,
       mart.time_period(c.period, 'M') AS time_period,
       b.band,
       count(u.unit_id) FILTER (WHERE u.in_service AND u.commissioning_date <= last_day(c.period)) AS base_stations
FROM cities c
CROSS JOIN bands b
LEFT JOIN units u ON u.period = c.period AND u.area_code = c.area_code AND u.band = b.band
GROUP BY ALL
ORDER BY c.area_code, c.period, b.band;
