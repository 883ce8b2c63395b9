-- The index years up to the bulletin's ($year), each with how many cities are ranked on released figures:
-- the ranking shown is the latest year with ranked cities; a later year without says why.
SELECT year(period) AS year, count(*) FILTER (WHERE ranked) AS n_ranked
FROM mart.city_ranking
WHERE basis = 'released' AND year(period) <= $year
GROUP BY ALL ORDER BY year;
