"""The monthly bulletin as a monthly-partitioned Dagster asset, beside the completeness board: a backfill
of report_job regenerates past months' bulletins, each into DIGECON_HOME/reports/<month>/ (report.html and
report.pdf), from the serving DB as published."""

import warnings

import dagster as dg

from pipelines.assets import OWNERS, WAREHOUSE_POOL, serving_db
from pipelines.bulletin import write_report
from pipelines.partitions import monthly_partitions
from pipelines.resources import WarehouseResource


def _monthly_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The monthly bulletin (监测月报) a bureau leader reads, as HTML and PDF: target lights, the index with
    rank intervals and its map, each indicator city by city, anomalies, who owes what, data quality,
    revisions, and notes on method and status codes."""
    paths = warehouse.paths
    written = []
    for key in context.partition_keys:  # a backfill of many months runs as one run
        context.log.info(f"writing the {key} bulletin …")
        written.append(write_report(paths, paths.reports / key, key))
    last = written[-1]
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(last.html)),
        "pdf": dg.MetadataValue.path(str(last.pdf)),
        "months": len(written),
        "html_kb": round(last.html.stat().st_size / 1024),
        "pdf_kb": round(last.pdf.stat().st_size / 1024),
    })


with warnings.catch_warnings():  # single-run backfills are beta in Dagster 1.13: chosen knowingly
    warnings.simplefilter("ignore", dg.BetaWarning)
    monthly_report = dg.asset(
        _monthly_report, name="monthly_report", pool=WAREHOUSE_POOL, group_name="publish", kinds={"html", "pdf"},
        partitions_def=monthly_partitions, deps=[serving_db], owners=OWNERS,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )

report_job = dg.define_asset_job(
    "report_job", selection=dg.AssetSelection.assets(monthly_report),
    description="Write a month's bulletin (HTML and PDF) from the serving DB; backfill a range to regenerate"
                " past months.")
