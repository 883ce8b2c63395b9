-- ent_duplicate_project and ent_two_cities over the rows with a USCC:
--   a project listed again (same 报告期 as written, USCC and project): the first listing's row;
--   an enterprise under a second city in the same 报告期: the first city it was listed under, and that row.
-- First a row of totals (row_id NULL: how many rows have a USCC), then each failing row, in row order.
WITH keyed AS (
    SELECT row_id, source_row, period_text, uscc, coalesce(project, '') AS project_key, city_code
    FROM list_rows WHERE uscc <> ''
),
ranked AS (
    SELECT *,
           row_number() OVER project_rows AS project_rank,
           first_value(source_row) OVER project_rows AS first_project_row,
           first_value(city_code) OVER city_rows AS first_city,
           first_value(source_row) OVER city_rows AS first_city_row
    FROM keyed
    WINDOW project_rows AS (PARTITION BY period_text, uscc, project_key ORDER BY row_id
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
           city_rows AS (PARTITION BY period_text, uscc, city_code IS NULL ORDER BY row_id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
failing AS (
    SELECT row_id, project_rank > 1 AS repeated_project, first_project_row,
           city_code IS NOT NULL AND city_code <> first_city AS second_city, first_city, first_city_row
    FROM ranked
)
SELECT NULL AS row_id, count(*) AS evaluated, NULL AS repeated_project, NULL AS first_project_row,
       NULL AS second_city, NULL AS first_city, NULL AS first_city_row
FROM keyed
UNION ALL
SELECT row_id, NULL, repeated_project, first_project_row, second_city, first_city, first_city_row
FROM failing WHERE repeated_project OR second_city
ORDER BY row_id NULLS FIRST
