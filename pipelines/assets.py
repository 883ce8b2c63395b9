"""The monitoring pipeline as Dagster assets: intake → validate → load → derive → marts → publish."""


import datetime as dt
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg
import pandas as pd

from indicators import reference
from indicators.clock import SHANGHAI
from indicators.landing import Receipt
from indicators.rounding import round_half_away
from indicators.report import Report
from indicators.served import read_served
from indicators.validation import CheckJob
from pipelines.build import (
    refresh_reference,
    build_mart, build_period_completeness, derive, load_submission, processed_submission_ids, sync_landing_acts,
)
from pipelines.composite_index import build_index
from pipelines.paths import sql_exists, sql_text
from pipelines.exports import export_all
from pipelines.publish import publish
from pipelines.published import build_published_vintages
from pipelines.partitions import monthly_partitions, partition_period
from pipelines.resources import WarehouseResource, shared_validator
from pipelines.target_lights import build_target_lights


# Every asset and check touches the build DB: the instance admits one run holding this pool at a time
# (dagster.yaml: pools granularity "run", limit 1), whether it came from a job, a sensor or a backfill.
WAREHOUSE_POOL = "digecon_warehouse"
OWNERS = ["team:statistics-bureau"]  # who answers for the monitoring data in the UI


class IntakeConfig(dg.Config):
    """Which landed submissions a run takes: one (the sensor's run per file) or all not yet processed."""

    submission_id: int | None = None


class CheckConfig(dg.Config):
    """Whether files are judged again (a rebuild) rather than loaded as judged on their way in."""

    rejudge: bool = False


@dataclass
class CheckedSubmission:
    receipt: Receipt
    report: Report
    cells: pd.DataFrame  # what the check read: the observations, or a rejected file's carried cells


def _preview(con, sql: str, params: dict | None = None) -> dg.MetadataValue:
    """The query's rows as a table for the UI; figures rounded for display (half away from zero, 2 places)."""
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    records = [dg.TableRecord({name: _shown(value) for name, value in zip(names, row, strict=True)})
               for row in cursor.fetchall()]
    return dg.MetadataValue.table(records, schema=dg.TableSchema(columns=[dg.TableColumn(n) for n in names]))


def _shown(value):
    if isinstance(value, float):
        return None if value != value else round_half_away(value, 2)
    if isinstance(value, dt.datetime) and value.tzinfo:  # a stored instant, shown in the calendar's zone
        return str(value.astimezone(SHANGHAI))
    return value if value is None or isinstance(value, str | int | bool) else str(value)


@dg.asset(pool=WAREHOUSE_POOL, owners=OWNERS, group_name="core", kinds={"duckdb"})
def reference_tables(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Cities, areas, the indicator catalogue, targets, profiles and the calendar, from indicators/data."""
    with warehouse.get_connection() as con:
        refresh_reference(con)
        counts = {table: con.execute(f"SELECT count(*) FROM ref.{table}").fetchone()[0]
                  for table in ("cities", "areas", "indicators", "targets", "profiles")}
    return dg.MaterializeResult(metadata=counts)


@dg.asset(pool=WAREHOUSE_POOL, owners=OWNERS, group_name="intake", kinds={"python"}, deps=[reference_tables])
def landed_submissions(context: dg.AssetExecutionContext, config: IntakeConfig,
                       warehouse: WarehouseResource) -> list[Receipt]:
    """Files received from submitters and not yet processed, in received order."""
    paths = warehouse.paths
    landing = paths.landing_zone()
    with warehouse.get_connection(read_only=True) as con:
        done = processed_submission_ids(con)
    pending = [r for r in landing.receipts() if r.submission_id not in done]
    if config.submission_id is not None:
        pending = [r for r in pending if r.submission_id == config.submission_id]
    context.add_output_metadata({
        "submissions": len(pending),
        "files": dg.MetadataValue.md("\n".join(
            f"- #{r.submission_id} `{r.original_filename}` from {r.profile}, {r.received_at:%Y-%m-%d %H:%M}"
            for r in pending[:50]) or "(none)"),
    })
    return pending


@dg.asset(pool=WAREHOUSE_POOL, owners=OWNERS, group_name="intake", kinds={"python"})
def validated_submissions(context: dg.AssetExecutionContext, config: CheckConfig, landed_submissions: list[Receipt],
                          warehouse: WarehouseResource) -> list[CheckedSubmission]:
    """Each file's verdict against the Great Expectations suites and the domain rules; errors reject it.

    A file is parsed and judged once on its way in: the upload service (or the first run that met it) kept
    its report and the cells it read beside it in the landing zone, and the run loads those. Only a
    rebuild judges again, and stops if the rules now give another verdict than the one the submitter got.
    """
    landing = warehouse.paths.landing_zone()
    kept, to_judge = {}, []
    for receipt in landed_submissions:
        kept_report, kept_cells = landing.report_of(receipt), landing.checked_of(receipt)
        if kept_report is not None and kept_cells is not None and not config.rejudge:
            kept[receipt.submission_id] = CheckedSubmission(receipt, Report.from_dict(kept_report), kept_cells)
        else:
            to_judge.append((receipt, kept_report))
    judged = _judge(to_judge, warehouse)
    checked = []
    for receipt in landed_submissions:
        item = kept.get(receipt.submission_id) or next(judged)
        checked.append(item)
        report = item.report
        if not report.accepted or report.warnings:
            verdict = "rejected 拒收" if not report.accepted else f"{len(report.warnings)} warning(s) 警告"
            first = (report.errors or report.warnings)[0]
            context.log.info(f"{receipt.original_filename} ({receipt.profile}): {verdict}: {first.message_en}")
        if len(checked) % 25 == 0 or len(checked) == len(landed_submissions):
            context.log.info(f"checked {len(checked)} of {len(landed_submissions)} files")
    rejected = [c for c in checked if not c.report.accepted]
    context.add_output_metadata({
        "files_checked": len(checked),
        "files_rejected": len(rejected),
        "rows_rejected": sum(c.report.rows for c in rejected),
        "warnings": sum(len(c.report.warnings) for c in checked),
        "rejected": dg.MetadataValue.md("\n".join(
            f"- `{c.receipt.original_filename}`: {c.report.errors[0].message_en}" for c in rejected)
            or "(none)"),
    })
    return checked


def _judge(pending: list[tuple[Receipt, dict | None]], warehouse: WarehouseResource) -> Iterator[CheckedSubmission]:
    """Parse and check, in order, the files that have no kept verdict yet (landed by `digecon run`), or
    again (rebuild): each (receipt, its kept report or None). Many files are checked in worker processes."""
    paths = warehouse.paths
    landing = paths.landing_zone()
    # A file judged before keeps that report: its history warnings were judged against what was served
    # then, so a rebuild reproduces them exactly. The others are judged against what is served now, read
    # once per profile (the run publishes only at its end).
    profiles = {receipt.profile for receipt, kept_report in pending if kept_report is None}
    histories = {profile: read_served(paths.serving_db, reference.profiles()[profile])
                 for profile in sorted(profiles) if profile in reference.profiles()}
    jobs = [CheckJob(landing.path_of(receipt), receipt.profile, display_name=receipt.original_filename,
                     reference_date=receipt.received_at.date(), with_history=kept_report is None)
            for receipt, kept_report in pending]
    results = shared_validator().check_all(jobs, histories) if jobs else iter(())
    for (receipt, kept_report), result in zip(pending, results, strict=True):
        report = result.report if kept_report is None else Report.from_dict(kept_report)
        if report.accepted != result.report.accepted:
            raise RuntimeError(f"{receipt.original_filename}: the rules now judge this file differently from"
                               " its kept report; review the rule change before rebuilding")
        cells = result.cells
        if kept_report is None:
            landing.keep_report(receipt, report.to_dict())
        landing.keep_checked(receipt, cells)
        yield CheckedSubmission(receipt, report, cells)


@dg.asset(pool=WAREHOUSE_POOL, owners=OWNERS, group_name="core", kinds={"duckdb"})
def loaded_observations(context: dg.AssetExecutionContext, validated_submissions: list[CheckedSubmission],
                        warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Accepted files loaded as new vintages, one transaction per file; rejected files quarantined."""
    landing = warehouse.paths.landing_zone()
    loaded = 0
    with warehouse.get_connection() as con:
        # Acts first: each carries its own time, so a replay's as-of comparisons (the revisions recorded at
        # load) see a withdrawal made before a later file exactly as the original run did.
        acts = sync_landing_acts(con, landing)
        for item in validated_submissions:
            loaded += load_submission(con, item.receipt, landing.path_of(item.receipt), item.report, item.cells)
        total = con.execute("SELECT count(*) FROM core.observations").fetchone()[0]
        table = _table_metadata(con, "core.observations", total)
    return dg.MaterializeResult(metadata={
        **table,
        "rows_loaded": loaded,
        "rows_rejected": sum(c.report.rows for c in validated_submissions if not c.report.accepted),
        "withdrawals_recorded": acts["ops.withdrawals"],
        "releases_recorded": acts["ops.releases"],
        "observations_all_vintages": total,
    })


@dg.asset(pool=WAREHOUSE_POOL, owners=OWNERS, group_name="core", kinds={"duckdb"}, deps=[loaded_observations])
def derived_indicators(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Rates and per-capita figures per city from the latest numerators and denominators."""
    with warehouse.get_connection() as con:
        pairs = derive(con)
        table = _table_metadata(con, "core.derived_pairs", pairs)
        refreshed = _last_refresh(con, "core.derived_pairs")
    return dg.MaterializeResult(metadata={**table, "derived_values": pairs, **refreshed})


def _last_refresh(con, table: str) -> dict:
    """How a table refreshed per indicator family was last refreshed, for the UI: `full`, or `families` with
    the number of indicators whose rows were rebuilt (0: nothing new touched it)."""
    row = con.execute("SELECT last_refresh, indicators_refreshed FROM ops.refresh_state WHERE table_name = ?",
                      [table]).fetchone()
    return {} if row is None else {"refresh": row[0], "indicators_refreshed": row[1]}


def _table_metadata(con, table: str, rows: int) -> dict:
    """What Dagster's UI shows for a table asset: its name, row count and columns, each with the Chinese
    and English comment BI reads on the serving file (written once, in sql/serving/mart/<table>.sql)."""
    schema_name, name = table.split(".")
    columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ?"
                          " AND table_name = ? ORDER BY column_index", [schema_name, name]).fetchall()
    comments = _column_comments(table)
    return {
        "dagster/table_name": table,
        "dagster/row_count": rows,
        "dagster/column_schema": dg.TableSchema(columns=[
            dg.TableColumn(column, data_type, description=comments.get(column)) for column, data_type in columns]),
    }


def _column_comments(table: str) -> dict[str, str]:
    """The COMMENT ON COLUMN texts of a published table, from its serving file script (none for core)."""
    schema_name, name = table.split(".")
    script = f"serving/{schema_name}/{name}.sql"
    if not sql_exists(script):
        return {}
    pattern = re.compile(rf"COMMENT ON COLUMN {re.escape(table)}\.(\w+) IS '((?:[^']|'')*)';")
    return {column: text.replace("''", "'") for column, text in pattern.findall(sql_text(script))}


# A mart built by Python as well as SQL names its builder (called like build_mart) here.
MART_BUILDERS = {"published_vintages": build_published_vintages, "index": build_index,
                 "target_lights": build_target_lights}


def _mart_asset(table: str, doc: str, deps: list):
    """An asset rebuilding mart.<table> from sql/marts/<table>.sql, or by its builder in MART_BUILDERS, with
    the standard table metadata, a preview (sql/previews/<table>.sql) and, where
    sql/previews/<table>_counts.sql exists, counts by category."""

    @dg.asset(pool=WAREHOUSE_POOL, name=f"mart_{table}", group_name="marts", kinds={"duckdb"}, deps=deps,
              description=doc, owners=OWNERS)
    def _asset(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.get_connection() as con:
            rows = MART_BUILDERS.get(table, build_mart)(con, table, reference_date=warehouse.today())
        with warehouse.get_connection(read_only=True) as con:
            counts = dict(con.execute(sql_text(f"previews/{table}_counts.sql")).fetchall()) \
                if sql_exists(f"previews/{table}_counts.sql") else {}
            metadata = {**_table_metadata(con, f"mart.{table}", rows), **counts,
                        **_last_refresh(con, f"mart.{table}"),
                        "preview": _preview(con, sql_text(f"previews/{table}.sql"))}
        return dg.MaterializeResult(metadata=metadata)

    return _asset


# In dependency order: each mart reads only what is built before it (tests build them in this order too).
mart_observations = _mart_asset(
    "observations",
    "Latest value of every indicator for cities, regions and the province: what BI dashboards read.",
    [derived_indicators])
mart_growth = _mart_asset(
    "growth",
    "环比, 同比, year to date and CAGR of every series (percentage points for rates; nominal for money).",
    [mart_observations])
mart_target_progress = _mart_asset(
    "target_progress",
    "Progress toward each configured target: completion, time elapsed, run-rate projection and status.",
    [mart_observations])
mart_gigabit_city = _mart_asset(
    "gigabit_city",
    "Each city against the MIIT gigabit-city indicators and their configured (unverified) thresholds.",
    [mart_observations])
mart_published_vintages = _mart_asset(
    "published_vintages",
    "Every value and status each released cell was published with, from when to when (pipelines/published.py).",
    [mart_observations])
mart_revisions = _mart_asset(
    "revisions",
    "Every published cell whose value or status changed after its release, old and new, and what caused it.",
    [mart_published_vintages])
mart_submission_revisions = _mart_asset(
    "submission_revisions",
    "Every change a submitter made to its own values (new vintage or withdrawal), old and new, with the reason.",
    [mart_observations])  # after disclosure control: a suppressed cell's values are not shown
mart_discrepancies = _mart_asset(
    "discrepancies",
    "Cells reported by both a pilot team and the agency of record: both values and the gap.",
    [mart_observations])  # after disclosure control: a suppressed cell's values are not shown
mart_register_crosscheck = _mart_asset(
    "register_crosscheck",
    "Cells an agency sent both as a registry's list and in an ordinary file: both values and the gap.",
    [mart_observations])  # after disclosure control: a suppressed cell's values are not shown
mart_register_site_bands = _mart_asset(
    "register_site_bands", "5G base stations in service by city, month and band, from the 5G site list.",
    [loaded_observations])
mart_data_quality = _mart_asset(
    "data_quality",
    "Each submission's validation results per rule: evaluated, passed, failed, not evaluable.",
    [loaded_observations])
mart_index = _mart_asset(  # not in mart_assets: the tests' hand-made homes build it only where they need it
    "index",
    "Digital-economy development index per city and year (pillars, ranks, Monte-Carlo rank intervals,"
    " indicator correlations): mart.index, mart.city_ranking, mart.index_correlations.",
    [mart_observations])
mart_lineage = _mart_asset(
    "lineage",
    "Where each figure comes from: the submitted city cells, cities imputed and submissions behind it.",
    [mart_observations])  # after disclosure control: a suppressed cell's values are not shown
mart_target_lights = _mart_asset(
    "target_lights",
    "Each target's traffic light against the previous release's, and whether new data or a revision of earlier"
    " data changed it, naming the submissions.",
    [mart_target_progress, mart_lineage])
mart_anomalies = _mart_asset(
    "anomalies",
    "City values that look wrong (change against the cities, HB, 万/个 slip, fall, season): rule, score, reason.",
    [mart_growth])


def _period_completeness(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Who has and has not sent each month's data: every expected city × indicator, on time, late,
    rejected or missing."""
    totals: dict[str, int] = {}
    months = [partition_period(key) for key in context.partition_keys]
    with warehouse.get_connection() as con:
        for month in months:  # a backfill of many months runs as one run
            for status, n in build_period_completeness(con, month, warehouse.today()).items():
                totals[status] = totals.get(status, 0) + n
    with warehouse.get_connection(read_only=True) as con:
        owed = _preview(con, sql_text("previews/completeness.sql"), {"month": max(months)})
        rows = con.execute("SELECT count(*) FROM mart.completeness").fetchone()[0]
        table = _table_metadata(con, "mart.completeness", rows)
    return dg.MaterializeResult(metadata={**table, **totals, "months": len(months), "preview": owed})


with warnings.catch_warnings():  # single-run backfills are beta in Dagster 1.13: chosen knowingly
    warnings.simplefilter("ignore", dg.BetaWarning)
    period_completeness = dg.asset(
        _period_completeness, name="period_completeness", pool=WAREHOUSE_POOL, group_name="marts",
        kinds={"duckdb"}, partitions_def=monthly_partitions, deps=[mart_observations], owners=OWNERS,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )


@dg.asset(pool=WAREHOUSE_POOL, owners=OWNERS, group_name="publish", kinds={"duckdb"},
          deps=[mart_observations, mart_growth, mart_target_progress, mart_gigabit_city, mart_published_vintages,
                mart_revisions, mart_submission_revisions, mart_discrepancies, mart_data_quality, mart_anomalies,
                mart_index, mart_lineage, mart_target_lights, period_completeness, mart_register_crosscheck,
                mart_register_site_bands])
def serving_db(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The read-only file BI tools open: ref and mart only, atomically replaced."""
    paths = warehouse.paths
    context.log.info("publishing the serving DB …")
    with warehouse.get_connection() as con:
        counts = publish(con, paths.serving_db)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(paths.serving_db)),
        "tables": len(counts),
        "rows": dg.MetadataValue.md("\n".join(f"- {t}: {n}" for t, n in counts.items())),
    })


@dg.asset(pool=WAREHOUSE_POOL, owners=OWNERS, group_name="publish", kinds={"parquet", "excel"}, deps=[serving_db])
def exports(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """What leaves the warehouse, from the serving DB only: SDMX-CSV 1.0/2.0 with the DSD, Parquet per mart,
    an Excel workbook per released period, in DIGECON_HOME/exports (pipelines/exports.py)."""
    paths = warehouse.paths
    context.log.info("exporting SDMX-CSV, Parquet and Excel …")
    written = export_all(paths, paths.exports)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(paths.exports)),
        "files": dg.MetadataValue.md("\n".join(f"- {fmt}: {', '.join(p.name for p in files) or 'none'}"
                                               for fmt, files in written.items())),
    })


mart_assets = [mart_observations, mart_growth, mart_target_progress, mart_gigabit_city, mart_published_vintages,
               mart_revisions, mart_submission_revisions, mart_discrepancies, mart_data_quality, mart_lineage,
               mart_anomalies, mart_register_crosscheck, mart_register_site_bands]
pipeline_assets = [reference_tables, landed_submissions, validated_submissions, loaded_observations, derived_indicators,
                   *mart_assets, mart_index, mart_target_lights, period_completeness, serving_db, exports]
