-- The four dc_* indicators from the data-centre register, for the quarters of submission $submission_id,
-- as the register stands at its receipt ($as_of; core.register_units_as_of): per city the sums over its
-- data centres, n_units the number of data centres, and the two largest contributions (the p % dominance
-- rule). PUE is derived from the sums (Σtotal / ΣIT, sql/core/20_derive.sql), never averaged.
WITH quarters AS (
    SELECT DISTINCT period FROM core.register_records WHERE submission_id = $submission_id
),
cities AS (
    SELECT DISTINCT period, area_code FROM core.register_records_as_of('dc_register', $as_of)
    WHERE period IN (SELECT period FROM quarters)
),
units AS (
    SELECT * FROM core.register_units_as_of('dc_register', $as_of) WHERE period IN (SELECT period FROM quarters)
),
contributions AS (
    UNPIVOT units ON standard_racks AS 'dc_standard_racks', racks_in_use AS 'dc_racks_in_use',
                     it_energy_mwh AS 'dc_it_energy_mwh', total_energy_mwh AS 'dc_total_energy_mwh'
    INTO NAME indicator_code VALUE contribution
),
indicators AS (
    SELECT unnest(['dc_standard_racks', 'dc_racks_in_use', 'dc_it_energy_mwh', 'dc_total_energy_mwh']) AS indicator_code
)
SELECT c.area_code, c.period, 'Q' AS freq, i.indicator_code,
       coalesce(sum(u.contribution), 0) AS value, count(u.unit_id)::INTEGER AS n_units,
       max(u.contribution) AS largest,
       list_sort(list(u.contribution), 'DESC')[2] AS second_largest
FROM cities c
CROSS JOIN indicators i
LEFT JOIN contributions u ON u.period = c.period AND u.area_code = c.area_code AND u.indicator_code = i.indicator_code
GROUP BY ALL
ORDER BY c.period, c.area_code, i.indicator_code;
