SELECT province_code AS area_code, band, count(*) AS value FROM kept GROUP BY ALL;
