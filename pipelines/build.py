"""Every write to the build DB: the writer lock, the schema, loading submissions, derive, marts.

Plain functions on a DuckDB connection, called by the Dagster assets and the CLI. SQL lives in ``sql/``
and is loaded by file name; values always go in as bound parameters.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from indicators import reference
from indicators.clock import now_shanghai, shanghai_wall_clock
from indicators.landing import LandingZone, Receipt
from indicators.report import Report
from pipelines.paths import Paths, sql_files, sql_text


def _writer_lock_path(paths: Paths) -> Path:
    return paths.build_db.with_suffix(".lock")


def writer_busy(paths: Paths) -> bool:
    """Whether some process holds the build DB's writer lock right now."""
    _writer_lock_path(paths).parent.mkdir(parents=True, exist_ok=True)
    with open(_writer_lock_path(paths), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


@contextmanager
def open_build_db(paths: Paths) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one way to write the build DB: an exclusive lock first (one writer at a time), then the schema."""
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    with open(_writer_lock_path(paths), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        con = duckdb.connect(str(paths.build_db))
        try:
            for name in sql_files("schema"):
                con.execute(sql_text(name))
            refresh_reference(con)
            for name in sql_files("core"):
                if name.startswith("core/1"):  # views and macros; derive (core/2x) is a step of its own
                    con.execute(sql_text(name))
            yield con
        finally:
            con.close()


def refresh_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the ref tables from indicators/data in one transaction."""
    cities = pd.DataFrame([
        dict(city_code=c.code, name_zh=c.name_zh, name_en=c.name_en, region_code=c.region_code,
             has_districts=c.has_districts, population_census_2020=c.population_census_2020,
             population_source=c.population_source)
        for c in reference.cities()
    ])
    areas = pd.DataFrame(reference.areas())
    indicators = pd.DataFrame([
        dict(indicator_code=i.code, name_zh=i.name_zh, name_en=i.name_en, unit=i.unit, freq=i.freq,
             series_kind=i.kind, direction=i.direction, min_value=i.min_value, max_value=i.max_value,
             plan_item=i.plan_item, submitter=i.submitter, is_derived=i.is_derived, monotone=i.monotone,
             magnitude=i.magnitude, nominal=i.nominal, numerator=i.numerator, denominator=i.denominator,
             multiplier=i.multiplier, formula=i.formula, aggregation=i.aggregation)
        for i in reference.catalogue().values()
    ])
    targets = pd.DataFrame([
        dict(target_id=t.target_id, indicator_code=t.indicator_code, area_code=t.area_code, year=t.year,
             start_year=t.first_year, target_value=t.value, comparison=t.comparison, target_kind=t.kind,
             illustrative=t.illustrative, source_citation=t.source)
        for t in reference.targets()
    ])
    profiles = pd.DataFrame([
        dict(profile=p.profile_id, profile_kind=p.kind, name_zh=p.name_zh, name_en=p.name_en,
             indicator_code=code, city_code=city)
        for p in reference.profiles().values() for code in sorted(p.indicators) for city in sorted(p.cities)
    ])
    calendar = pd.DataFrame([
        dict(freq=freq, months_after_period_end=rule["months_after_period_end"], due_day=rule["day"])
        for freq, rule in reference.calendar().due.items()
    ])
    gigabit = pd.DataFrame(list(reference.gigabit_city_thresholds()),
                           columns=["indicator_code", "threshold", "comparison", "verified", "source"]
                           ).rename(columns={"source": "source_citation"})
    frames = dict(cities=cities, areas=areas, indicators=indicators, targets=targets, profiles=profiles,
                  reporting_calendar=calendar, gigabit_city_thresholds=gigabit)
    con.execute("BEGIN TRANSACTION")
    for table, frame in frames.items():
        con.execute(f"DELETE FROM ref.{table}")
        insert_frame(con, f"ref.{table}", frame)
    con.execute("COMMIT")


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append a DataFrame to a table, matching columns by name."""
    # Not unregistered in a `finally`: inside a failed transaction that would mask the real error, and
    # the next register replaces the view anyway.
    con.register("incoming_frame", frame)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_frame")
    con.unregister("incoming_frame")


def processed_submission_ids(con: duckdb.DuckDBPyConnection) -> set[int]:
    return {row[0] for row in con.execute("SELECT submission_id FROM ops.submissions").fetchall()}


def load_submission(con: duckdb.DuckDBPyConnection, receipt: Receipt, archived_path: Path,
                    report: Report, observations: pd.DataFrame) -> int:
    """Register one checked submission and, if accepted, load its observations: all or nothing.

    Returns the number of observations loaded (0 for a rejected file, which is quarantined: its report
    and per-rule results are kept, its values are not).
    """
    loaded = observations if report.accepted else observations.iloc[0:0]
    rows = loaded.assign(
        submission_id=receipt.submission_id, source=receipt.profile,
        received_at=receipt.received_local,
    ).rename(columns={"city_code": "area_code"})[
        ["submission_id", "source", "received_at", "area_code", "period", "freq", "indicator_code",
         "value", "note", "source_row"]
    ]
    rule_rows = pd.DataFrame(
        [dict(submission_id=receipt.submission_id, **vars(r)) for r in report.rule_results],
        columns=["submission_id", "rule", "severity", "dimension", "evaluated", "passed", "failed",
                 "not_evaluable"],
    )
    carried = pd.DataFrame(columns=["area_code", "period", "freq", "indicator_code"]) if report.accepted \
        else cells_carried(archived_path, receipt.original_filename)
    findings = report.errors + report.warnings
    finding_rows = pd.DataFrame(
        [dict(submission_id=receipt.submission_id, finding_no=n, severity=f.severity, rule=f.rule,
              sheet=f.sheet, row=f.row, column=f.column, value=f.value, message_zh=f.message_zh,
              message_en=f.message_en) for n, f in enumerate(findings, start=1)],
        columns=["submission_id", "finding_no", "severity", "rule", "sheet", "row", "column", "value",
                 "message_zh", "message_en"],
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO ops.submissions VALUES ($id, $sha, $profile, $by, $name, $path, $received,"
            " $status, $rows, $obs, $errors, $warnings, $report, $processed)",
            dict(id=receipt.submission_id, sha=receipt.sha256, profile=receipt.profile,
                 by=receipt.submitted_by, name=receipt.original_filename, path=str(archived_path),
                 received=receipt.received_local, status="accepted" if report.accepted else "rejected",
                 rows=report.rows, obs=len(rows), errors=len(report.errors), warnings=len(report.warnings),
                 report=json.dumps(report.to_dict(), ensure_ascii=False),
                 processed=shanghai_wall_clock(now_shanghai())),
        )
        insert_frame(con, "ops.rule_results", rule_rows)
        insert_frame(con, "ops.findings", finding_rows)
        insert_frame(con, "ops.rejected_cells", carried.assign(submission_id=receipt.submission_id))
        # Revisions against the source's previous vintage, before this one joins core.observations.
        con.register("incoming_rows", rows)
        con.execute(sql_text("core/30_vintage_changes.sql"), dict(received_at=receipt.received_local))
        con.unregister("incoming_rows")
        insert_frame(con, "core.observations", rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(rows)


def cells_carried(path: Path, name: str) -> pd.DataFrame:
    """The cells (city, period, indicator) a file carries, as far as they parse; none if it cannot be read.

    Kept for rejected files, whose values never load, so that the completeness board can tell a cell the
    agency tried to send (rejected) from one it never sent (missing).
    """
    from indicators.readers import CELL_KEY, UnreadableFile, cells_frame, find_table, read_grid

    columns = ["area_code", "period", "freq", "indicator_code"]
    try:
        table = find_table(read_grid(Path(path), name=name))
    except UnreadableFile:
        return pd.DataFrame(columns=columns)
    cells = cells_frame(table) if table is not None else pd.DataFrame(columns=CELL_KEY)
    # one row per cell, whatever frequency it was written at (ops.rejected_cells' key)
    cells = cells.dropna(subset=CELL_KEY).drop_duplicates(subset=["city_code", "period_start", "indicator_code"])
    return pd.DataFrame({
        "area_code": cells["city_code"].astype(str),
        "period": [p.date() for p in cells["period_start"]],
        "freq": cells["period_freq"].astype(str),
        "indicator_code": cells["indicator_code"].astype(str),
    }, columns=columns)


def sync_landing_acts(con: duckdb.DuckDBPyConnection, landing: LandingZone) -> dict[str, int]:
    """Copy the withdrawals and releases recorded in the landing zone that the build DB lacks yet."""
    acts = {
        "ops.withdrawals": [(w.submission_id, shanghai_wall_clock(w.withdrawn_at), w.withdrawn_by, w.reason)
                            for w in landing.withdrawals()],
        "ops.releases": [(r.period, shanghai_wall_clock(r.released_at), r.released_by) for r in landing.releases()],
    }
    added = {}
    for table, rows in acts.items():
        before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for row in rows:  # a few rows: an act already copied is ignored by its primary key
            con.execute(f"INSERT OR IGNORE INTO {table} VALUES ({', '.join('?' * len(row))})", row)
        added[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] - before
    return added


def derive(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(sql_text("core/20_derive.sql"))
    return con.execute("SELECT count(*) FROM core.derived_pairs").fetchone()[0]


def build_mart(con: duckdb.DuckDBPyConnection, name: str, **params) -> int:
    """Run one mart's SQL file (``marts/<name>.sql``) and return the table's row count."""
    sql = sql_text(f"marts/{name}.sql")
    used = {key: value for key, value in params.items() if f"${key}" in sql}  # DuckDB rejects extras
    con.execute(sql, used or None)
    table = "mart." + name.split("_", 1)[1]
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def build_period_completeness(con: duckdb.DuckDBPyConnection, period_month: dt.date,
                              reference_date: dt.date) -> dict[str, int]:
    """Replace one month's completeness board in one transaction; returns the count per status."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM mart.completeness WHERE period_month = $period_month",
                    dict(period_month=period_month))
        con.execute(sql_text("marts/completeness_period.sql"),
                    dict(period_month=period_month, reference_date=reference_date))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    rows = con.execute("SELECT completeness_status, count(*) FROM mart.completeness WHERE period_month = $period_month"
                       " GROUP BY ALL ORDER BY ALL", dict(period_month=period_month)).fetchall()
    return {status: n for status, n in rows}
