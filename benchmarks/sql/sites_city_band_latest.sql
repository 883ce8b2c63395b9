-- The stock at the list's month by city and band: the kept sites (in service, commissioned by the month's end).
SELECT city_code AS area_code, band, count(*) AS value FROM kept GROUP BY ALL;
