-- Each column's comment (Chinese / English) of a mart table, for the Parquet field metadata.
SELECT column_name, comment
FROM duckdb_columns()
WHERE schema_name = 'mart' AND table_name = $table AND comment IS NOT NULL
