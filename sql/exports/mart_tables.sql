-- The mart tables of the serving DB (one Parquet dataset each), with how each is split by year:
-- year(period) where the table has a period, its year column where it has one, else not split.
SELECT t.table_name,
       CASE WHEN list_contains(list(c.column_name), 'period') THEN 'period'
            WHEN list_contains(list(c.column_name), 'year') THEN 'year' END AS year_from
FROM duckdb_tables() t
JOIN duckdb_columns() c USING (database_name, schema_name, table_name)
WHERE t.schema_name = 'mart'
GROUP BY t.table_name
ORDER BY t.table_name
