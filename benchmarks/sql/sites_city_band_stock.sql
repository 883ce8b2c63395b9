-- Monthly stock by city and band: sites in service commissioned up to each month with a new site.
SELECT city_code AS area_code, band, month,
       (sum(count(*)) OVER (PARTITION BY city_code, band ORDER BY month))::BIGINT AS value
FROM kept GROUP BY city_code, band, month;
