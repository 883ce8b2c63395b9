-- The mart tables and views this serving DB holds: a section whose mart is not published yet says so.
SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'mart'
UNION
SELECT view_name FROM duckdb_views() WHERE schema_name = 'mart'
UNION
SELECT 'ref.' || table_name FROM duckdb_tables() WHERE schema_name = 'ref';
