"""Every write to the build DB: the writer lock, the schema, loading submissions, derive, marts.

Plain functions on a DuckDB connection, called by the Dagster assets and the CLI. SQL lives in ``sql/``
and is loaded by file name; values always go in as bound parameters.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from indicators import reference
from indicators.clock import now_shanghai
from indicators.errors import BilingualError
from indicators.landing import LandingZone, Receipt, pid_alive
from indicators.report import Report
from indicators.tokens import AuditLog
from pipelines.disclosure import protect_observations
from pipelines.paths import Paths, build_memory_mb, sql_files, sql_text
from pipelines.registers import is_register, load_register


class WriterBusy(BilingualError):
    """Another process held the build DB's writer lock for longer than this one would wait."""


@dataclass
class _Held:
    handle: object
    depth: int


_held: dict[tuple[Path, int], _Held] = {}  # (lock file, thread): the lock this thread holds, and how often


def _writer_lock_path(paths: Paths) -> Path:
    return paths.build_db.with_suffix(".lock")


def writer_wait_seconds() -> float:
    """How long a second writer waits for the first: $DIGECON_WRITER_WAIT seconds, default half an hour."""
    return float(os.environ.get("DIGECON_WRITER_WAIT") or 1800)


@contextmanager
def writer_lock(paths: Paths, *, purpose: str = "digecon", wait_seconds: float | None = None,
                on_wait: Callable[[str], None] | None = None) -> Iterator[list[str]]:
    """The one-writer lock on the build DB, held for a whole run, rebuild or release.

    Re-entrant within a thread (a command holds it across its jobs; the runs it starts take it again), and
    exclusive across threads and processes. The second comer waits, says once who holds it, and gives up
    after `wait_seconds` with WriterBusy. The holder's pid and purpose are written into the lock file.
    Whoever takes it first clears what killed writers left behind (`recover`); it yields what was done.
    """
    key = (_writer_lock_path(paths), threading.get_ident())
    if key in _held:
        _held[key].depth += 1
        try:
            yield []
        finally:
            _held[key].depth -= 1
        return
    key[0].parent.mkdir(parents=True, exist_ok=True)
    handle = open(key[0], "a+")
    try:
        _acquire(handle, wait_seconds if wait_seconds is not None else writer_wait_seconds(), on_wait)
        handle.truncate(0)
        handle.write(f"{os.getpid()} {purpose}\n")
        handle.flush()
        _held[key] = _Held(handle, 1)
        try:
            yield recover(paths)
        finally:
            del _held[key]
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def _acquire(handle, wait_seconds: float, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        handle.seek(0)
        holder = handle.read().strip() or "?"
        if time.monotonic() >= deadline:
            raise WriterBusy(f"另一个运行（{holder}）正在写入仓库，已等待 {wait_seconds:g} 秒仍未结束，请稍后重试",
                             f"another run ({holder}) is writing the warehouse and has not finished after "
                             f"{wait_seconds:g} s: try again later")
        if not told and on_wait is not None:
            on_wait(f"另一个运行（{holder}）正在写入仓库，等待其结束（最多 {wait_seconds:g} 秒）… / another run"
                    f" ({holder}) is writing the warehouse: waiting for it to finish (up to {wait_seconds:g} s) …")
            told = True
        time.sleep(0.2)  # flock has no timeout: poll until the holder lets go or the wait runs out


def writer_busy(paths: Paths) -> bool:
    """Whether some other process or thread holds the build DB's writer lock right now."""
    try:
        with writer_lock(paths, wait_seconds=0):
            return False
    except WriterBusy:
        return True


@contextmanager
def open_build_db(paths: Paths, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the build DB. Writing takes the writer lock (already held inside a run); reading
    never does, so asset checks and previews never block or write."""
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    limit = build_memory_mb()
    config = {} if limit is None else {"memory_limit": f"{limit}MB"}
    if read_only:
        with closing(duckdb.connect(str(paths.build_db), read_only=True, config=config)) as con:
            yield con
        return
    with writer_lock(paths), closing(duckdb.connect(str(paths.build_db), config=config)) as con:
        yield con


def prepare_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing (idempotent DDL) and the core views and macros: once per run."""
    outdated = _outdated_disclosure_table(con)
    if _check_lacks(con, "ref", "areas", "county"):  # made before county areas: ref is refilled every run
        con.execute("DROP TABLE ref.areas")
    for name in sql_files("schema"):
        con.execute(sql_text(name))
    if outdated:
        con.execute(f"INSERT INTO core.disclosure SELECT * FROM {outdated}; DROP TABLE {outdated}")
    for name in sql_files("core"):
        if name.startswith("core/1"):  # views and macros; derive (core/2x) is a step of its own
            con.execute(sql_text(name))


def _check_lacks(con: duckdb.DuckDBPyConnection, schema: str, table: str, value: str) -> bool:
    """Whether the table exists with a CHECK constraint that does not name `value`: DuckDB cannot alter a
    CHECK, so a table made by an earlier version is replaced."""
    checks = [expression for expression, in con.execute(
        "SELECT expression FROM duckdb_constraints() WHERE database_name = current_database()"
        " AND schema_name = ? AND table_name = ? AND constraint_type = 'CHECK'", [schema, table]).fetchall()]
    return bool(checks) and not any(value in expression for expression in checks)


def _outdated_disclosure_table(con: duckdb.DuckDBPyConnection) -> str | None:
    """A build DB made before the registers' dominance rule has core.disclosure with a CHECK that refuses
    the reason 'dominance': the table is moved aside (its rows are copied into the new one by
    prepare_schema). Returns the name it was moved to, or None."""
    if not _check_lacks(con, "core", "disclosure", "dominance"):
        return None
    con.execute("ALTER TABLE core.disclosure RENAME TO disclosure_before_registers")
    return "core.disclosure_before_registers"


def bump_generation(con: duckdb.DuckDBPyConnection) -> int:
    """Count a change to the build DB that the serving file does not show yet (see serving_behind)."""
    con.execute("UPDATE ops.build_state SET generation = generation + 1")
    return con.execute("SELECT generation FROM ops.build_state").fetchone()[0]


def build_generation(paths: Paths) -> int:
    """The build DB's generation (0 for none yet), read without the writer lock."""
    if not paths.build_db.exists():
        return 0
    with open_build_db(paths, read_only=True) as con:
        try:
            return con.execute("SELECT generation FROM ops.build_state").fetchone()[0]
        except duckdb.CatalogException:
            return 0


def serving_behind(paths: Paths) -> str | None:
    """Why the serving file lags, or None: `interrupted`, a run changed the build DB and did not publish;
    `configuration`, the code or configuration (configuration_digest) is not what it was published with.
    The next run then rebuilds and publishes even with nothing new landed."""
    built = build_generation(paths)
    if not paths.serving_db.exists():
        return "interrupted" if built > 0 or paths.landing_zone().receipts() else None
    with closing(duckdb.connect(str(paths.serving_db), read_only=True)) as con:
        try:
            published, configuration = con.execute(
                "SELECT build_generation, configuration FROM mart.publication").fetchone()
        except duckdb.Error:
            return "configuration"  # published by a version that did not record it
    if published < built:
        return "interrupted"
    return "configuration" if configuration != configuration_digest() else None


def configuration_digest() -> str:
    """What the published figures depend on besides the data: the code (_code_digest), the reference data
    files and the area register $DIGECON_AREA_REGISTER names. A serving file published under another one is
    behind: an upgrade, or a register set or changed, republishes without a new file."""
    digest = hashlib.sha256(_code_digest().encode())
    for entry in sorted(resources.files("indicators").joinpath("data").iterdir(), key=lambda e: e.name):
        if entry.is_file():
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    register = reference.area_register_name()
    if register:
        digest.update(register.encode() + b"\0" + Path(register).read_bytes())
    return digest.hexdigest()


def recover(paths: Paths) -> list[str]:
    """Clear what killed processes left behind (writer_lock calls it); returns what was done, also
    recorded in the audit log.

    A rebuild killed before it finished leaves its half-built DB and the previous one beside it: the
    previous one comes back. Temporary serving files of ended processes and the landing zone's orphans
    go (LandingZone.recover)."""
    done = []
    previous = [paths.build_db.with_name(paths.build_db.name + suffix + ".previous") for suffix in ("", ".wal")]
    if previous[0].exists():
        for current, kept in zip(build_db_files(paths), previous, strict=True):
            current.unlink(missing_ok=True)
            if kept.exists():
                os.replace(kept, current)
        done.append(f"restored {paths.build_db.name} from an interrupted rebuild")
    if paths.serving_db.parent.exists():
        for path in paths.serving_db.parent.glob(f".{paths.serving_db.name}.*.tmp*"):
            pid = path.name.removeprefix(f".{paths.serving_db.name}.").split(".")[0]
            if pid.isdigit() and not pid_alive(int(pid)):
                path.unlink(missing_ok=True)
                done.append(f"removed {path.relative_to(paths.home)}")
    done += [f"removed landing/{name}" for name in paths.landing_zone().recover()]
    if done:
        AuditLog.at(paths.home).record("recovery", actor="digecon", pid=os.getpid(), done=done)
    return done


def build_db_files(paths: Paths) -> list[Path]:
    return [paths.build_db, paths.build_db.with_name(paths.build_db.name + ".wal")]


TARGET_COLUMNS = ["target_id", "indicator_code", "area_code", "year", "start_year", "target_value", "comparison",
                  "target_kind", "measure", "target_scope", "illustrative", "source_citation"]


def refresh_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the ref tables from indicators/data in one transaction."""
    cities = pd.DataFrame([
        dict(city_code=c.code, name_zh=c.name_zh, name_en=c.name_en, region_code=c.region_code,
             has_districts=c.has_districts, population_census_2020=c.population_census_2020,
             population_source=c.population_source)
        for c in reference.cities()
    ])
    areas = pd.DataFrame([dict(area_code=a.code, area_level=a.level, name_zh=a.name_zh, name_en=a.name_en,
                                parent_code=a.parent_code, reporting=a.code in reference.reporting_areas())
                          for a in reference.areas()])
    area_members = pd.DataFrame(reference.area_members(), columns=["area_code", "member_code"])
    listed = {a.code for a in reference.areas()}
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
             measure=t.measure, target_scope=t.scope, illustrative=t.illustrative, source_citation=t.source)
        for t in reference.targets() if t.area_code in listed  # an area register without the area: not monitored
    ], columns=TARGET_COLUMNS)
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
    aggregation_rules = pd.DataFrame([reference.aggregation()])
    disclosure_rules = pd.DataFrame([reference.disclosure()])
    anomaly_rules = pd.DataFrame(list(reference.anomaly_rules()))
    frames = dict(cities=cities, areas=areas, area_members=area_members, indicators=indicators, targets=targets,
                  profiles=profiles, reporting_calendar=calendar, gigabit_city_thresholds=gigabit,
                  aggregation_rules=aggregation_rules, disclosure_rules=disclosure_rules, anomaly_rules=anomaly_rules)
    con.execute("BEGIN TRANSACTION")
    for table, frame in frames.items():
        con.execute(f"DELETE FROM ref.{table}")
        insert_frame(con, f"ref.{table}", frame)
    con.execute("COMMIT")


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append a DataFrame to a table, matching columns by name."""
    if frame.empty:  # most files have no findings and no rejected cells: registering a frame is not free
        return
    # Not unregistered in a `finally`: inside a failed transaction that would mask the real error, and
    # the next register replaces the view anyway.
    con.register("incoming_frame", frame)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_frame")
    con.unregister("incoming_frame")


def processed_submission_ids(con: duckdb.DuckDBPyConnection) -> set[int]:
    return {row[0] for row in con.execute("SELECT submission_id FROM ops.submissions").fetchall()}


def load_submission(con: duckdb.DuckDBPyConnection, receipt: Receipt, archived_path: Path,
                    report: Report, cells: pd.DataFrame) -> int:
    """Register one checked submission and, if accepted, load its observations: all or nothing.

    `cells` are what the check read (validation.OBSERVATION_COLUMNS): an accepted file's observations, or
    the cells a rejected file carried. Returns the number of observations loaded (0 for a rejected file,
    which is quarantined: its report, per-rule results and the cells it tried to send are kept, its values
    are not; the completeness board tells a cell the agency tried to send from one it never sent).
    """
    register = is_register(cells)  # a registry's records: aggregated into observations in the transaction
    loaded = cells if report.accepted else cells.iloc[0:0]
    rows = _observation_rows(receipt, loaded.iloc[0:0] if register else loaded)
    rule_rows = pd.DataFrame(
        [dict(submission_id=receipt.submission_id, **vars(r)) for r in report.rule_results],
        columns=["submission_id", "rule", "severity", "dimension", "evaluated", "passed", "failed",
                 "not_evaluable"],
    )
    carried = cells.iloc[0:0] if report.accepted else cells
    if register:  # an accepted list's records are no carried cells
        carried = pd.DataFrame(columns=["city_code", "period", "freq", "indicator_code"])
    carried = carried.dropna(subset=["city_code", "period", "indicator_code"]).drop_duplicates(
        subset=["city_code", "period", "indicator_code"])  # one row per cell, whatever its frequency
    carried = carried.rename(columns={"city_code": "area_code"})[["area_code", "period", "freq", "indicator_code"]]
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
        if register and report.accepted:
            rows = _observation_rows(receipt, load_register(con, receipt, loaded))
        con.execute(
            "INSERT INTO ops.submissions VALUES ($id, $sha, $profile, $by, $name, $path, $received,"
            " $status, $rows, $obs, $errors, $warnings, $report, $processed)",
            dict(id=receipt.submission_id, sha=receipt.sha256, profile=receipt.profile,
                 by=receipt.submitted_by, name=receipt.original_filename, path=str(archived_path),
                 received=receipt.received_at, status="accepted" if report.accepted else "rejected",
                 rows=report.rows, obs=len(rows), errors=len(report.errors), warnings=len(report.warnings),
                 report=json.dumps(report.to_dict(), ensure_ascii=False),
                 processed=now_shanghai()),
        )
        insert_frame(con, "ops.rule_results", rule_rows)
        insert_frame(con, "ops.findings", finding_rows)
        insert_frame(con, "ops.rejected_cells", carried.assign(submission_id=receipt.submission_id))
        # Revisions against the source's previous vintage, before this one joins core.observations.
        con.register("incoming_rows", rows)
        con.execute(sql_text("core/30_vintage_changes.sql"),
                    dict(received_at=receipt.received_at, areas=sorted(rows["area_code"].unique().tolist()),
                         periods=sorted(rows["period"].unique().tolist())))
        con.unregister("incoming_rows")
        insert_frame(con, "core.observations", rows)
        bump_generation(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(rows)


def _observation_rows(receipt: Receipt, observations: pd.DataFrame) -> pd.DataFrame:
    """A submission's observations (validation.OBSERVATION_COLUMNS) as core.observations holds them."""
    rows = observations.assign(
        submission_id=receipt.submission_id, source=receipt.profile,
        received_at=receipt.received_at,
    ).rename(columns={"city_code": "area_code"}).reindex(columns=[
        "submission_id", "source", "received_at", "area_code", "period", "freq", "indicator_code",
        "value", "note", "source_row", "n_units"])
    rows["n_units"] = rows["n_units"].astype("Int64")  # blank (or a file checked before counts): NULL
    return rows


def sync_landing_acts(con: duckdb.DuckDBPyConnection, landing: LandingZone) -> dict[str, int]:
    """Copy the withdrawals and releases recorded in the landing zone that the build DB lacks yet."""
    acts = {
        "ops.withdrawals": [(w.submission_id, w.withdrawn_at, w.withdrawn_by, w.reason) for w in landing.withdrawals()],
        "ops.releases": [(r.period, r.released_at, r.released_by) for r in landing.releases()],
    }
    added = {}
    for table, rows in acts.items():
        before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for row in rows:  # a few rows: an act already copied is ignored by its primary key
            con.execute(f"INSERT OR IGNORE INTO {table} VALUES ({', '.join('?' * len(row))})", row)
        added[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] - before
    if any(added.values()):
        bump_generation(con)
    return added


# Tables refreshed per indicator family. Each script defines a table macro <table>_in(scope) giving the
# table's rows for the indicators in scope. A run rebuilds only the families of the submissions and
# withdrawals new since the table's last refresh (ops.refresh_state), so one area's resubmission costs its
# families, not the whole table; anything else the table reads (the reference tables, the releases) changing
# rebuilds it whole, from the same macro over every indicator.
REFRESHED_PER_FAMILY = {"core.derived_pairs": "core/20_derive.sql", "mart.observations": "marts/observations.sql",
                        "mart.growth": "marts/growth.sql", "mart.anomalies": "marts/anomalies.sql",
                        "mart.lineage": "marts/lineage.sql"}


def refresh(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Bring `table` (one of REFRESHED_PER_FAMILY) up to date inside the caller's transaction: rebuild the
    rows of the stale families, or the whole table when what else it depends on has changed. Returns the
    indicators whose rows were rebuilt (every one on a full refresh)."""
    fingerprint = _inputs_fingerprint(con)
    state = con.execute("SELECT inputs_fingerprint FROM ops.refresh_state WHERE table_name = ?", [table]).fetchone()
    schema, name = table.split(".")
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
                         " AND schema_name = ? AND table_name = ?", [schema, name]).fetchone()[0]
    full = not exists or state is None or state[0] != fingerprint
    if full:
        scope = every_indicator(con)
        build_whole(con, table, scope)
    else:
        con.execute(sql_text(REFRESHED_PER_FAMILY[table]))  # (re)defines the table macro
        stale = [code for (code,) in con.execute(sql_text("core/50_refresh_scope.sql"), dict(table_name=table)).fetchall()]
        scope = reference.indicator_families(stale)
        if scope:
            con.execute(f"DELETE FROM {table} WHERE list_contains($scope, indicator_code)", dict(scope=scope))
            con.execute(f"INSERT INTO {table} BY NAME FROM {table}_in($scope)", dict(scope=scope))
    con.execute(sql_text("core/51_refresh_state.sql"), dict(
        table_name=table, inputs_fingerprint=fingerprint, last_refresh="full" if full else "families",
        indicators_refreshed=len(scope)))
    return scope


def build_whole(con: duckdb.DuckDBPyConnection, table: str, indicators: list[str]) -> None:
    """`table` (one of REFRESHED_PER_FAMILY) made afresh with the rows of `indicators` (whole families), and
    no refresh state written: what a full refresh builds, and a rewound build (rolled back) alone."""
    con.execute(sql_text(REFRESHED_PER_FAMILY[table]))  # (re)defines the table macro
    con.execute(f"CREATE OR REPLACE TABLE {table} AS FROM {table}_in($scope)", dict(scope=indicators))


def every_indicator(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [code for (code,) in con.execute("SELECT indicator_code FROM ref.indicators ORDER BY ALL").fetchall()]


def _inputs_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of what a family-refreshed table depends on besides observations and withdrawals: the code
    that builds it, every reference table and the releases (a release turns a period's values from
    provisional to released)."""
    tables = [f"ref.{name}" for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'ref'"
        " ORDER BY ALL").fetchall()] + ["ops.releases"]
    return ";".join([f"code={_code_digest()}"] + [
        table + "=" + con.execute(f"SELECT md5(coalesce(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR), ''))"
                                  f" FROM {table} t").fetchone()[0]
        for table in tables])


@functools.cache
def _code_digest() -> str:
    """SHA-256 of the SQL and Python the tables are built by: an upgrade that changes them rebuilds them whole."""
    digest = hashlib.sha256()

    def walk(folder) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                walk(entry)
            elif entry.name.endswith((".sql", ".py")):
                digest.update(entry.name.encode() + b"\0" + entry.read_bytes())

    for package in ("sql", "indicators", "pipelines"):
        walk(resources.files(package))
    return digest.hexdigest()


def derive(con: duckdb.DuckDBPyConnection) -> int:
    """Refresh core.derived_pairs in one transaction; returns its row count."""
    con.execute("BEGIN TRANSACTION")
    try:
        refresh(con, "core.derived_pairs")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return con.execute("SELECT count(*) FROM core.derived_pairs").fetchone()[0]


def build_mart(con: duckdb.DuckDBPyConnection, table: str, **params) -> int:
    """Rebuild mart.<table> from ``marts/<table>.sql`` in one transaction and return its row count."""
    con.execute("BEGIN TRANSACTION")
    try:
        _rebuild_mart(con, table, params)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return con.execute(f"SELECT count(*) FROM mart.{table}").fetchone()[0]


def _rebuild_mart(con: duckdb.DuckDBPyConnection, table: str, params: dict, *,
                  rewound_scope: list[str] | None = None) -> None:
    """Rebuild mart.<table>: refreshed if it is refreshed per family, or, with `rewound_scope`, built whole
    for those indicators (a rewound build)."""
    if f"mart.{table}" in REFRESHED_PER_FAMILY:
        if rewound_scope is None:
            rebuilt = refresh(con, f"mart.{table}")
        else:
            rebuilt = rewound_scope
            build_whole(con, f"mart.{table}", rebuilt)
        if table == "observations":  # confidential cells are blanked before the table is ever committed
            protect_observations(con, rebuilt)
        return
    sql = sql_text(f"marts/{table}.sql")
    con.execute(sql, {key: value for key, value in params.items() if f"${key}" in sql} or None)  # no extras


@contextmanager
def rewound(con: duckdb.DuckDBPyConnection, script: str, **params) -> Iterator[duckdb.DuckDBPyConnection]:
    """The build DB as sql/<script> leaves its inputs (e.g. as they stood at an earlier time), with
    mart.observations rebuilt on them as a run builds it (disclosure control included), inside a
    transaction that is always rolled back: nothing of it is ever committed. A list of `indicators` in
    params (whole families) limits the rebuild to them."""
    con.execute("BEGIN TRANSACTION")
    try:
        for statement in con.extract_statements(sql_text(script)):
            con.execute(statement, {name: params[name] for name in statement.named_parameters})
        # its inputs are rewritten: built whole (no refresh state: all of it is rolled back)
        scope = params.get("indicators") or every_indicator(con)
        build_whole(con, "core.derived_pairs", scope)
        _rebuild_mart(con, "observations", {}, rewound_scope=scope)
        con.complete()  # a relation needs the connection free: a row count above leaves its result open
        yield con
    finally:
        con.execute("ROLLBACK")


def build_period_completeness(con: duckdb.DuckDBPyConnection, period_month: dt.date,
                              reference_date: dt.date) -> dict[str, int]:
    """Replace one month's completeness board in one transaction; returns the count per status."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM mart.completeness WHERE period_month = $period_month",
                    dict(period_month=period_month))
        con.execute(sql_text("marts/completeness_period.sql"),
                    dict(period_month=period_month, reference_date=reference_date,
                         timezone=reference.calendar().timezone))
        bump_generation(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    rows = con.execute("SELECT completeness_status, count(*) FROM mart.completeness WHERE period_month = $period_month"
                       " GROUP BY ALL ORDER BY ALL", dict(period_month=period_month)).fetchall()
    return {status: n for status, n in rows}
