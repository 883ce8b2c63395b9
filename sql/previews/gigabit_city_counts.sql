-- Counts by category shown beside mart.gigabit_city in the Dagster UI: (label, count) pairs.
SELECT 'cities_meeting_all', count(DISTINCT area_code) FILTER (WHERE meets_all) FROM mart.gigabit_city WHERE basis = 'latest';
