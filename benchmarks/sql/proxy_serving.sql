-- The limit proxy's serving table: county values and their city and province sums, with the rate.
CREATE SCHEMA IF NOT EXISTS mart;
CREATE OR REPLACE TABLE mart.observations AS
SELECT area_code, 'county' AS area_level, period_start AS period, indicator_code, value FROM kept
UNION ALL
SELECT parent_city_code, 'city', period_start, indicator_code, sum(value) FROM kept GROUP BY ALL
UNION ALL
SELECT province_code, 'province', period_start, indicator_code, sum(value) FROM kept GROUP BY ALL;
