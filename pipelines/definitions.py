"""The one Dagster Definitions of digecon: assets, checks, jobs, the monthly schedules."""

from __future__ import annotations

import dagster as dg

from pipelines.assets import exports, period_completeness, pipeline_assets, serving_db
from pipelines.bulletin.asset import monthly_report, report_job
from pipelines.checks import pipeline_checks
from pipelines.inbox import inbox_sensor
from pipelines.progress import progress_console
from pipelines.resources import WarehouseResource
from pipelines.sensors import landed_submissions_sensor

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.assets(*pipeline_assets) - dg.AssetSelection.assets(period_completeness),
    description="Check and load landed submissions, then rebuild derived indicators and marts, and publish.",
)

period_job = dg.define_asset_job(
    "period_job",
    selection=dg.AssetSelection.assets(period_completeness, serving_db, exports),
    description="Rebuild one month's completeness board (backfill a period from the UI).",
)


# On the 10th at 06:00 Shanghai time, the previous month's data is due: each tick builds the board of the
# last month ended, the partitioned job's latest partition (the UI lists the partitions under period_job;
# Dagster 1.13 does not show a partition set on a schedule itself).
monthly_on_the_10th = dg.build_schedule_from_partitioned_job(
    period_job, name="monthly_on_the_10th", day_of_month=10, hour_of_day=6,
    description="On the 10th at 06:00 Shanghai time, when the previous month's data is due, build that"
                " month's completeness board (who owes what) and republish.")

# An hour later, from the board and figures just published, that month's bulletin (监测月报).
bulletin_on_the_10th = dg.build_schedule_from_partitioned_job(
    report_job, name="bulletin_on_the_10th", day_of_month=10, hour_of_day=7,
    description="On the 10th at 07:00 Shanghai time, an hour after the month's board, write the previous"
                " month's bulletin (HTML and PDF) from the serving DB.")


defs = dg.Definitions(
    assets=[*pipeline_assets, monthly_report],
    asset_checks=pipeline_checks,
    jobs=[ingest_job, period_job, report_job],
    schedules=[monthly_on_the_10th, bulletin_on_the_10th],
    sensors=[landed_submissions_sensor, inbox_sensor],
    resources={"warehouse": WarehouseResource()},
    loggers={"progress": progress_console},  # chosen by `digecon run`; the UI keeps Dagster's console log
    executor=dg.in_process_executor,  # one process: DuckDB allows one writer process on the file
)
