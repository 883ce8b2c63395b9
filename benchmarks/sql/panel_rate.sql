-- pon_10g_share_pct by province: the ratio of the summed parts over the counties that have both.
WITH num AS (SELECT area_code, province_code, period, value FROM kept WHERE indicator_code = 'pon_ports_10g'),
     den AS (SELECT area_code, province_code, period, value FROM kept WHERE indicator_code = 'pon_ports_total')
SELECT province_code AS area_code, 'pon_10g_share_pct' AS indicator_code, period,
       100 * sum(num.value) / sum(den.value) AS value, count(*) AS n_areas
FROM num JOIN den USING (area_code, province_code, period)
GROUP BY ALL;
