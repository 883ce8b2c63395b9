"""Publishing: the serving file BI reads, built beside the old one and swapped in atomically."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.build import REFRESHED_PER_FAMILY, configuration_digest
from pipelines.paths import sql_files, sql_text

SERVING_STORAGE_VERSION = "v1.2.0"  # BI drivers lag: DuckDB 1.2+ clients must open the serving file
PUBLISHED_SCHEMAS = ("ref", "mart")  # never core or ops: record-level data stays in the build DB


def publish(con: duckdb.DuckDBPyConnection, serving_db: Path) -> dict[str, int]:
    """Build a new serving file with only ref and mart, then atomically replace the old one.

    BI readers holding the old file keep their snapshot (os.replace never touches an open inode) and
    never block the run. A table keeps the primary key the build DB declares for it (the ref tables,
    mart.completeness); a mart made by CREATE TABLE AS gets its natural key from its sql/serving/mart file.
    A duplicate key fails the publish and leaves the old file in place.
    """
    serving_db.parent.mkdir(parents=True, exist_ok=True)
    staging = serving_db.with_name(f".{serving_db.name}.{os.getpid()}.tmp")
    staged = [staging, staging.with_name(staging.name + ".wal")]
    for path in staged:
        path.unlink(missing_ok=True)
    # which build generation, under which code and configuration, this file serves
    con.execute(sql_text("marts/publication.sql"), dict(configuration=configuration_digest()))
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
        " AND schema_name IN ('ref', 'mart') ORDER BY ALL"
    ).fetchall()
    declared_keys = {(schema, table): columns for schema, table, columns in con.execute(
        "SELECT schema_name, table_name, constraint_column_names FROM duckdb_constraints()"
        " WHERE database_name = current_database() AND constraint_type = 'PRIMARY KEY'"
        " AND schema_name IN ('ref', 'mart')").fetchall()}
    counts: dict[str, int] = {}
    try:
        con.execute(f"ATTACH '{staging}' AS serving (STORAGE_VERSION '{SERVING_STORAGE_VERSION}')")
        try:
            for schema in PUBLISHED_SCHEMAS:
                con.execute(f"CREATE SCHEMA serving.{schema}")
            for schema, table in tables:
                # A table refreshed per family holds its refreshed rows last: sorted here, the file does not
                # depend on which families the runs before it refreshed.
                order = " ORDER BY ALL" if f"{schema}.{table}" in REFRESHED_PER_FAMILY else ""
                con.execute(f'CREATE TABLE serving.{schema}."{table}" AS SELECT * FROM {schema}."{table}"{order}')
                if (schema, table) in declared_keys:
                    key = ", ".join(f'"{column}"' for column in declared_keys[schema, table])
                    con.execute(f'ALTER TABLE serving.{schema}."{table}" ADD PRIMARY KEY ({key})')
                counts[f"{schema}.{table}"] = con.execute(
                    f'SELECT count(*) FROM serving.{schema}."{table}"').fetchone()[0]
            con.execute("CHECKPOINT serving")
        finally:
            con.execute("DETACH serving")
        document_serving(staging, [table for schema, table in tables if schema == "mart"])
        os.replace(staging, serving_db)
    finally:
        for path in staged:  # a failed publish leaves nothing behind
            path.unlink(missing_ok=True)
    return counts


def document_serving(path: Path, marts: list[str]) -> None:
    """Add what BI reads beside the tables: sql/serving/*.sql (macros, the ref tables' comments, the status
    labels), then for each published mart sql/serving/mart/<table>.sql (its primary key, COMMENT ON the table
    and every column in Chinese and English, and its released view with area, indicator and status labels
    beside the codes). A view's columns take the comments of its table's columns (v_released_observations
    from observations), and so do mart.published_vintages' columns from mart.observations, so each text is
    written once; only the columns a view or table adds have their own."""
    scripts = sql_files("serving") + [name for name in sql_files("serving/mart") if Path(name).stem in marts]
    serving = duckdb.connect(str(path))
    try:
        for name in scripts:
            try:
                serving.execute(sql_text(name))
            except duckdb.Error as exc:  # say which file: a duplicate key names no table
                exc.add_note(f"while running sql/{name} on the new serving file")
                raise
        inherited = serving.execute(
            """SELECT v.schema_name, v.table_name, v.column_name, t.comment
               FROM duckdb_columns() v
               JOIN (SELECT schema_name, view_name AS name, replace(view_name, 'v_released_', '') AS source
                     FROM duckdb_views() WHERE NOT internal
                     UNION ALL  -- the published states of mart.observations' rows
                     SELECT 'mart', 'published_vintages', 'observations') w
                 ON w.schema_name = v.schema_name AND w.name = v.table_name
               JOIN duckdb_columns() t
                 ON t.schema_name = v.schema_name AND t.table_name = w.source AND t.column_name = v.column_name
               WHERE v.comment IS NULL AND t.comment IS NOT NULL"""
        ).fetchall()
        for schema, view, column, comment in inherited:
            # COMMENT ON takes no bound parameter: the text is our own catalogue comment, quoted for SQL
            literal = comment.replace("'", "''")
            serving.execute(f'COMMENT ON COLUMN {schema}."{view}"."{column}" IS \'{literal}\'')
        serving.execute("CHECKPOINT")
    finally:
        serving.close()
