"""The build step of the composite index: mart.index, mart.city_ranking and mart.index_correlations.

Reads the year's value of each index indicator from mart.observations (sql/marts/index_inputs.sql: the
published, suppressed figures, on released values and on the latest ones), computes scores, ranks and
the rank intervals in indicators.composite_index, and replaces the three tables in one transaction
(sql/marts/index.sql, city_ranking.sql, index_correlations.sql).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from indicators import reference
from indicators.composite_index import Framework, build_tables, framework
from pipelines.paths import sql_text


def build_index(con: duckdb.DuckDBPyConnection, table: str = "index", *, reference_date: dt.date,
                fw: Framework | None = None) -> int:
    """Rebuild the index marts after mart.observations (called like build_mart); returns the rows of
    mart.index."""
    fw = fw or framework()
    inputs = con.execute(sql_text("marts/index_inputs.sql"),
                         dict(codes=[i.code for i in fw.indicators], reference_date=reference_date,
                              first_year=reference.calendar().first_period.year)).df()
    tables = build_tables(fw, inputs)
    frames = dict(index_rows=tables.index, ranking_rows=tables.ranking, correlation_rows=tables.correlations)
    con.execute("BEGIN TRANSACTION")
    try:
        for name, frame in frames.items():
            con.register(name, frame)
        for table in ("index", "city_ranking", "index_correlations"):
            con.execute(sql_text(f"marts/{table}.sql"))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in frames:
            con.unregister(name)
    [(rows,)] = con.execute("SELECT count(*) FROM mart.index").fetchall()  # fetched to the end: the
    return rows  # connection takes con.sql() next (DuckDB 2 refuses it while a result is half read)
