"""The monitoring pipeline as Dagster assets: intake → validate → load → derive → marts → publish."""


import warnings
from dataclasses import dataclass

import dagster as dg
import pandas as pd

from indicators import reference
from indicators.landing import Receipt
from indicators.rounding import round_half_away
from indicators.report import Report
from indicators.served import read_served
from pipelines.build import (
    build_mart, build_period_completeness, derive, load_submission, open_build_db, processed_submission_ids, sync_landing_acts,
)
from pipelines.publish import publish
from pipelines.partitions import monthly_partitions, partition_period
from pipelines.resources import WarehouseResource, shared_validator


# Every asset and check touches the build DB: the instance admits one run holding this pool at a time
# (dagster.yaml: pools granularity "run", limit 1), whether it came from a job, a sensor or a backfill.
WAREHOUSE_POOL = "digecon_warehouse"


class IntakeConfig(dg.Config):
    """Which landed submissions a run takes: one (the sensor's run per file) or all not yet processed."""

    submission_id: int | None = None


@dataclass
class CheckedSubmission:
    receipt: Receipt
    report: Report
    observations: pd.DataFrame


def _preview(con, sql: str, params: dict | None = None) -> dg.MetadataValue:
    """A markdown table of the query's rows; figures rounded for display (half away from zero, 2 places)."""
    frame = con.execute(sql, params).df()
    for column in frame.select_dtypes("float").columns:
        frame[column] = [None if pd.isna(v) else f"{round_half_away(v, 2):,.2f}" for v in frame[column]]
    return dg.MetadataValue.md(frame.to_markdown(index=False) if len(frame) else "(no rows)")


@dg.asset(pool=WAREHOUSE_POOL, group_name="intake", kinds={"python"})
def landed_submissions(context: dg.AssetExecutionContext, config: IntakeConfig,
                       warehouse: WarehouseResource) -> list[Receipt]:
    """Files received from submitters and not yet processed, in received order."""
    paths = warehouse.paths
    landing = paths.landing_zone()
    with open_build_db(paths) as con:
        done = processed_submission_ids(con)
    pending = [r for r in landing.receipts() if r.submission_id not in done]
    if config.submission_id is not None:
        pending = [r for r in pending if r.submission_id == config.submission_id]
    context.add_output_metadata({
        "submissions": len(pending),
        "files": dg.MetadataValue.md("\n".join(
            f"- #{r.submission_id} `{r.original_filename}` from {r.profile}, {r.received_local:%Y-%m-%d %H:%M}"
            for r in pending[:50]) or "(none)"),
    })
    return pending


@dg.asset(pool=WAREHOUSE_POOL, group_name="intake", kinds={"python"})
def validated_submissions(context: dg.AssetExecutionContext, landed_submissions: list[Receipt],
                          warehouse: WarehouseResource) -> list[CheckedSubmission]:
    """Each file checked against the Great Expectations suites and the domain rules; errors reject it."""
    paths = warehouse.paths
    landing = paths.landing_zone()
    validator = shared_validator()
    checked = []
    for receipt in landed_submissions:
        # A file judged before (at upload, or by an earlier build) keeps that report: its history
        # warnings were judged against what was served then, so a rebuild reproduces them exactly.
        kept = landing.report_of(receipt)
        result = validator.check(
            landing.path_of(receipt), receipt.profile, display_name=receipt.original_filename,
            history=None if kept else read_served(paths.serving_db, reference.profiles()[receipt.profile]),
            reference_date=receipt.received_local.date(),
        )
        if kept is None:
            landing.keep_report(receipt, result.report.to_dict())
        report = result.report if kept is None else Report.from_dict(kept)
        if report.accepted != result.report.accepted:
            raise RuntimeError(f"{receipt.original_filename}: the rules now judge this file differently from"
                               " its kept report; review the rule change before rebuilding")
        checked.append(CheckedSubmission(receipt, report, result.observations))
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


@dg.asset(pool=WAREHOUSE_POOL, group_name="core", kinds={"duckdb"})
def loaded_observations(context: dg.AssetExecutionContext, validated_submissions: list[CheckedSubmission],
                        warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Accepted files loaded as new vintages, one transaction per file; rejected files quarantined."""
    paths = warehouse.paths
    landing = paths.landing_zone()
    loaded = 0
    with open_build_db(paths) as con:
        # Acts first: each carries its own time, so a replay's as-of comparisons (the revisions recorded at
        # load) see a withdrawal made before a later file exactly as the original run did.
        acts = sync_landing_acts(con, landing)
        for item in validated_submissions:
            loaded += load_submission(con, item.receipt, landing.path_of(item.receipt), item.report,
                                         item.observations)
        total = con.execute("SELECT count(*) FROM core.observations").fetchone()[0]
    return dg.MaterializeResult(metadata={
        "rows_loaded": loaded,
        "rows_rejected": sum(c.report.rows for c in validated_submissions if not c.report.accepted),
        "withdrawals_recorded": acts["ops.withdrawals"],
        "releases_recorded": acts["ops.releases"],
        "observations_all_vintages": total,
    })


@dg.asset(pool=WAREHOUSE_POOL, group_name="core", kinds={"duckdb"}, deps=[loaded_observations])
def derived_indicators(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Rates and per-capita figures per city from the latest numerators and denominators."""
    with open_build_db(warehouse.paths) as con:
        pairs = derive(con)
    return dg.MaterializeResult(metadata={"derived_values": pairs})


def _mart_asset(name: str, doc: str, deps: list, preview_sql: str, counts_sql: str | None = None):
    """An asset rebuilding one mart from its SQL file, with its row count, a preview and, if given,
    counts by category (``counts_sql`` returns label, count pairs) as metadata."""
    table = name.split("_", 1)[1]

    @dg.asset(pool=WAREHOUSE_POOL, name=f"mart_{table}", group_name="marts", kinds={"duckdb"}, deps=deps, description=doc)
    def _asset(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with open_build_db(warehouse.paths) as con:
            rows = build_mart(con, name, reference_date=warehouse.today())
            counts = dict(con.execute(counts_sql).fetchall()) if counts_sql else {}
            preview = _preview(con, preview_sql)
        return dg.MaterializeResult(metadata={"rows": rows, **counts, "preview": preview})

    return _asset


mart_observations = _mart_asset(
    "10_observations",
    "Latest value of every indicator for cities, regions and the province: what BI dashboards read.",
    [derived_indicators],
    "SELECT area_code, time_period, value, n_areas, n_areas_expected, obs_status FROM mart.observations"
    " WHERE indicator_code = 'fiveg_per_10k_people' AND area_level <> 'city'"
    " ORDER BY period DESC, area_code LIMIT 10",
    "SELECT 'released_rows', count(*) FILTER (WHERE released) FROM mart.observations"
    " UNION ALL SELECT 'provisional_rows', count(*) FILTER (WHERE obs_status = 'P') FROM mart.observations",
)
mart_growth = _mart_asset(
    "20_growth",
    "环比, 同比, year to date and CAGR of every series (percentage points for rates; nominal for money).",
    [mart_observations],
    "SELECT area_code, time_period, indicator_code, pop_growth, yoy_growth, ytd_growth, growth_unit, price_basis"
    " FROM mart.growth WHERE area_code = '440000' AND freq = 'M' ORDER BY period DESC, indicator_code LIMIT 10",
)
mart_target_progress = _mart_asset(
    "30_target_progress",
    "Progress toward each configured target: completion, time elapsed, run-rate projection and status.",
    [mart_observations],
    "SELECT target_id, actual_period, actual, target_value, completion_pct, time_elapsed_pct,"
    " projected_completion_pct, status FROM mart.target_progress WHERE basis = 'latest' ORDER BY year, target_id",
    "SELECT 'latest_' || status, count(*) FROM mart.target_progress WHERE basis = 'latest' GROUP BY status",
)
mart_gigabit_city = _mart_asset(
    "35_gigabit_city",
    "Each city against the MIIT gigabit-city indicators and their configured (unverified) thresholds.",
    [mart_observations],
    "SELECT area_code, any_value(n_met) AS n_met, any_value(n_thresholds) AS n_thresholds,"
    " any_value(meets_all) AS meets_all FROM mart.gigabit_city WHERE basis = 'latest'"
    " GROUP BY area_code ORDER BY area_code",
    "SELECT 'cities_meeting_all', count(DISTINCT area_code) FILTER (WHERE meets_all) FROM mart.gigabit_city"
    " WHERE basis = 'latest'",
)
mart_revisions = _mart_asset(
    "40_revisions",
    "Every change to a submitted value (new vintage or withdrawal), old and new, with the reason given.",
    [loaded_observations],
    "SELECT changed_at, source, area_code, time_period, indicator_code, old_value, new_value, reason,"
    " after_release FROM mart.revisions ORDER BY changed_at DESC LIMIT 10",
    "SELECT 'after_release', count(*) FILTER (WHERE after_release AND affects_marts) FROM mart.revisions",
)
mart_discrepancies = _mart_asset(
    "50_discrepancies",
    "Cells reported by both a pilot team and the agency of record: both values and the gap.",
    [loaded_observations],
    "SELECT area_code, time_period, indicator_code, agency_value, pilot_value, gap_pct, used_source"
    " FROM mart.discrepancies WHERE differs ORDER BY abs(gap_pct) DESC LIMIT 10",
    "SELECT 'differing_cells', count(*) FILTER (WHERE differs) FROM mart.discrepancies",
)
mart_data_quality = _mart_asset(
    "60_data_quality",
    "Each submission's validation results per rule: evaluated, passed, failed, not evaluable.",
    [loaded_observations],
    "SELECT submission_id, source, original_filename, rule, severity, failed FROM mart.data_quality"
    " WHERE failed > 0 ORDER BY received_at DESC, rule LIMIT 10",
    "SELECT 'rejected_submissions', count(DISTINCT submission_id) FILTER (WHERE submission_status = 'rejected')"
    " FROM mart.data_quality",
)


def _period_completeness(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Who has and has not sent each month's data: every expected city × indicator, on time, late,
    rejected or missing."""
    totals: dict[str, int] = {}
    months = [partition_period(key) for key in context.partition_keys]
    with open_build_db(warehouse.paths) as con:
        for month in months:  # a backfill of many months runs as one run
            for status, n in build_period_completeness(con, month, warehouse.today()).items():
                totals[status] = totals.get(status, 0) + n
        owed = _preview(con, "SELECT time_period, expected_from, status, count(*) AS cells,"
                             " string_agg(DISTINCT area_code, ' ' ORDER BY area_code) AS cities"
                             " FROM mart.completeness WHERE period_month = $month AND status <> 'received'"
                             " GROUP BY ALL ORDER BY ALL", {"month": max(months)})
    return dg.MaterializeResult(metadata={**totals, "months": len(months), "preview": owed})


with warnings.catch_warnings():  # single-run backfills are beta in Dagster 1.13: chosen knowingly
    warnings.simplefilter("ignore", dg.BetaWarning)
    period_completeness = dg.asset(
        _period_completeness, name="period_completeness", pool=WAREHOUSE_POOL, group_name="marts",
        kinds={"duckdb"}, partitions_def=monthly_partitions, deps=[mart_observations],
        backfill_policy=dg.BackfillPolicy.single_run(),
    )


@dg.asset(pool=WAREHOUSE_POOL, group_name="publish", kinds={"duckdb"},
          deps=[mart_observations, mart_growth, mart_target_progress, mart_gigabit_city, mart_revisions,
                mart_discrepancies, mart_data_quality, period_completeness])
def serving_db(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The read-only file BI tools open: ref and mart only, atomically replaced."""
    paths = warehouse.paths
    with open_build_db(paths) as con:
        counts = publish(con, paths.serving_db)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(paths.serving_db)),
        "tables": len(counts),
        "rows": dg.MetadataValue.md("\n".join(f"- {t}: {n}" for t, n in counts.items())),
    })


mart_assets = [mart_observations, mart_growth, mart_target_progress, mart_gigabit_city, mart_revisions,
               mart_discrepancies, mart_data_quality]
pipeline_assets = [landed_submissions, validated_submissions, loaded_observations, derived_indicators,
                   *mart_assets, period_completeness, serving_db]
