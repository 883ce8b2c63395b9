"""Running the pipeline from the command line: land files, execute the Dagster jobs, summarise.

`digecon run` and `digecon rebuild` both come here; the Dagster UI runs the very same jobs.
"""

from __future__ import annotations

import atexit
import contextvars
import datetime as dt
import functools
import gc
import os
import signal
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indicators import reference
from indicators.reference import add_months
from indicators.rounding import round_half_away
from indicators.errors import BilingualError
from pipelines.build import (
    WriterBusy,
    build_db_files,
    build_generation,
    open_build_db,
    processed_submission_ids,
    serving_behind,
    writer_lock,
)
from pipelines.instance import instance_settings
from pipelines.paths import Paths


def say(message: str) -> None:
    print(message, flush=True)


def prepare_dagster_home(paths: Paths) -> Path:
    """Point Dagster at DIGECON_HOME/dagster with the project's instance settings.

    A DAGSTER_HOME set from outside is the operator's instance: its dagster.yaml is written only if missing.
    """
    chosen = os.environ.get("DAGSTER_HOME")
    home = Path(chosen or paths.dagster_home)
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not chosen or not settings.exists():
        settings.write_text(instance_settings())
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def land_sample(paths: Paths) -> tuple[int, int]:
    """Write the bundled sample submissions and land them as their manifest says, then record the sample's
    withdrawals and release history as the service and `digecon release` do (so a rebuild replays them);
    returns (new receipts, new releases)."""
    from indicators.sample import release_history, withdrawal_history, write_sample

    inbox = paths.home / "inbox" / "sample"
    entries = write_sample(inbox)
    landing = paths.landing_zone()
    new = 0
    receipts = {}
    for entry in entries:
        receipts[entry.file], is_new = landing.receive((inbox / entry.file).read_bytes(), entry.file, entry.profile,
                                                       entry.submitted_by, entry.received_at)
        new += is_new
    recorded = {w.submission_id for w in landing.withdrawals()}
    for w in withdrawal_history():
        if receipts[w.file].submission_id not in recorded:
            landing.withdraw(receipts[w.file].submission_id, w.withdrawn_by, w.reason, w.withdrawn_at)
    released = sum(landing.release(r.month, r.released_by, r.released_at)[1] for r in release_history())
    return new, released


def pending_submissions(paths: Paths) -> int:
    """Landed files the build DB has not processed yet (read under the writer lock: nobody is adding)."""
    receipts = paths.landing_zone().receipts()
    if build_generation(paths) == 0:
        return len(receipts)
    with open_build_db(paths, read_only=True) as con:
        done = processed_submission_ids(con)
    return sum(r.submission_id not in done for r in receipts)


class RunFailed(BilingualError):
    """A pipeline run failed: the message names the step and the error, in Chinese and English."""


def execute_pipeline(paths: Paths, reference_date: dt.date, submission_id: int | None = None, *,
                     command: str = "run", rejudge: bool = False) -> None:
    """Run ingest_job (check, load, derive, marts, publish), then every month's completeness board, under
    one hold of the writer lock; `command` tags the runs (digecon/command) so the UI shows who started them."""
    _leave_heap_at_exit()
    with writer_lock(paths, purpose=f"digecon {command}", on_wait=say):
        # In a copy of the context: entering a Dagster 1.13 instance sets a context variable (its defs-state
        # storage) that leaving it never resets, which would outlive the run in a long-lived process.
        contextvars.copy_context().run(_execute, paths, reference_date, submission_id, command, rejudge)


def _execute(paths: Paths, reference_date: dt.date, submission_id: int | None, command: str, rejudge: bool) -> None:
    import dagster as dg

    from pipelines.assets import exports, serving_db
    from pipelines.bulletin import guangdong_areas, latest_month
    from pipelines.definitions import defs
    from pipelines.partitions import monthly_partitions, partition_key

    prepare_dagster_home(paths)
    resources_config = {"warehouse": {"config": {"home": str(paths.home),
                                                 "reference_date": reference_date.isoformat()}}}
    loggers = {"progress": {}}  # plain progress lines instead of Dagster's console log
    with _collector_tuned(), dg.DagsterInstance.get() as instance:
        say("  checking and loading submissions, deriving indicators, building marts …")
        tags = {"digecon/command": command}
        ingest = defs.resolve_job_def("ingest_job")
        # One publish, at the very end: a kill anywhere before it leaves the build DB's generation ahead of
        # the serving file's, and the next run publishes (build.serving_behind).
        without_publish = [key for key in ingest.asset_layer.executable_asset_keys if key not in (serving_db.key, exports.key)]
        _raise_if_failed(ingest.execute_in_process(
            instance=instance, raise_on_error=False, tags=tags, asset_selection=without_publish,
            run_config={"resources": resources_config, "loggers": loggers,
                        "ops": {"landed_submissions": {"config": {"submission_id": submission_id}},
                                "validated_submissions": {"config": {"rejudge": rejudge}}}},
        ))
        last_month = partition_key(add_months(reference_date, -1))
        keys = [k for k in monthly_partitions.get_partition_keys(dynamic_partitions_store=instance) if k <= last_month]
        if not keys:  # the reference date closes no month of the calendar yet: no board, nor a bulletin
            say(f"  publishing (no month since {reference.calendar().first_period:%Y-%m} has closed by "
                f"{reference_date}: no completeness board) …")
            _raise_if_failed(ingest.execute_in_process(
                instance=instance, raise_on_error=False, tags=tags, asset_selection=[serving_db.key, exports.key],
                run_config={"resources": resources_config, "loggers": loggers}))
            return
        say(f"  completeness boards for {keys[0]} … {keys[-1]} and publishing …")
        _raise_if_failed(defs.resolve_job_def("period_job").execute_in_process(
            instance=instance, raise_on_error=False,
            run_config={"resources": resources_config, "loggers": loggers},
            tags={**tags, "dagster/asset_partition_range_start": keys[0],
                  "dagster/asset_partition_range_end": keys[-1]},
        ))
        month = latest_month(paths.serving_db, until=keys[-1])
        if month is not None and not guangdong_areas():
            say("  no monthly bulletin: it is written for Guangdong's province, cities and regions, and this home's"
                " areas come from an area register")
        elif month is not None:  # none until a monthly figure is published
            say(f"  the {month} monthly bulletin (HTML and PDF) …")
            _raise_if_failed(defs.resolve_job_def("report_job").execute_in_process(
                instance=instance, raise_on_error=False, partition_key=month, tags=tags,
                run_config={"resources": resources_config, "loggers": loggers}))


@functools.cache
def _leave_heap_at_exit() -> None:
    """When the process ends, the collector would walk the heap a run leaves (some 400,000 objects) a few
    times over, more than a second, only for the memory to go back to the system: it is frozen instead,
    at exit (atexit runs this before the interpreter's last collections; files are closed by then)."""
    atexit.register(gc.freeze)


@contextmanager
def _collector_tuned() -> Iterator[None]:
    """The cyclic garbage collector, set for a run: it allocates millions of short-lived objects beside the
    ~160,000 that its imports keep, and at the default threshold (a collection every 700 allocations) the
    sample's run spent 2.5 s collecting; every 10,000, about 1 s. Set back after the run."""
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _raise_if_failed(result) -> None:
    """Progress was printed as it went; a failed run ends with the step and the error."""
    if result.success:
        return
    failure = next((e for e in result.all_events if e.is_step_failure), None)
    step = failure.step_key if failure else "?"
    error = failure.event_specific_data.error if failure else None
    cause = (error.cause or error) if error else None
    # DuckDB puts the error first and the offending SQL with a caret pointer below it; Dagster puts the
    # exception's module path before its message, which tells a person nothing.
    detail = cause.message.strip().splitlines()[0] if cause else "unknown error"
    if cause is not None and detail.startswith(f"{cause.cls_name}:") or ".errors." in detail.split(":")[0]:
        detail = detail.split(":", 1)[1].strip()
    raise RunFailed(f"运行在步骤 {step} 失败：{detail}（Dagster 运行 {result.run_id}，`make dev` 可查看完整日志）",
                    f"the run failed at step {step}: {detail} (Dagster run {result.run_id}; `make dev` shows its full log)")


def run(paths: Paths, reference_date: dt.date, with_sample: bool) -> int:
    say(f"digecon: warehouse at {paths.home}")
    try:
        with writer_lock(paths, purpose="digecon run", on_wait=say):  # the whole command: one writer
            released = 0
            if with_sample:
                new, released = land_sample(paths)
                say(f"  sample submissions landed: {new} new; months released by the sample's analyst: {released} new")
            pending = pending_submissions(paths)
            if pending:
                say(f"  {pending} submission(s) to process")
            elif released:
                say("  no new submissions, but new releases: publishing the released views")
            elif (behind := serving_behind(paths)) == "interrupted":
                say("  no new submissions, but the serving DB is behind the warehouse (an interrupted run):"
                    " publishing again")
            elif behind == "configuration":
                say("  no new submissions, but the code or configuration (the reference data, the area register)"
                    " changed since the serving DB was published: rebuilding and publishing")
            else:
                say("  no new submissions: nothing changed.")
                print_summary(paths)
                return 0
            execute_pipeline(paths, reference_date, command="run")
    except (RunFailed, WriterBusy) as failure:
        say(f"digecon: {failure}")
        return 1
    print_summary(paths)
    return 0


def rebuild(paths: Paths, reference_date: dt.date) -> int:
    """Replay the landing zone in received order into a fresh build DB (the backup is the landing zone),
    judging every file again: a file the rules now judge differently stops the rebuild."""
    say(f"digecon: rebuilding {paths.build_db} from {paths.landing}")
    try:
        with writer_lock(paths, purpose="digecon rebuild", on_wait=say):
            _replay(paths, reference_date)
    except (RunFailed, WriterBusy) as failure:
        say(f"digecon: {failure}")
        return 1
    print_summary(paths)
    return 0


def _replay(paths: Paths, reference_date: dt.date) -> None:
    """Under the writer lock: the old build DB steps aside and comes back if the replay fails (a killed
    replay leaves it as `.previous`, which the next writer restores: build.recover)."""
    kept = [(f, f.with_name(f.name + ".previous")) for f in build_db_files(paths) if f.exists()]
    for current, previous in kept:
        os.replace(current, previous)
    try:
        execute_pipeline(paths, reference_date, command="rebuild", rejudge=True)
    except BaseException:
        for current in build_db_files(paths):
            current.unlink(missing_ok=True)
        for current, previous in kept:
            os.replace(previous, current)
        raise
    for _, previous in kept:
        previous.unlink()


SUMMARY_AREAS = 40  # more areas than this (a national register): the summary lists the top ones


def print_summary(paths: Paths) -> None:
    import duckdb

    from pipelines.bulletin import latest_report

    if not paths.serving_db.exists():
        say("  no serving DB yet.")
        return
    con = duckdb.connect(str(paths.serving_db), read_only=True)
    try:
        latest = con.execute(
            "SELECT max(period) FROM mart.observations WHERE indicator_code = 'fiveg_per_10k_people'"
        ).fetchone()[0]
        rows = con.execute(
            """SELECT o.area_code, a.name_zh, a.name_en, o.value, o.n_areas, o.n_areas_expected, o.obs_status,
                      a.parent_code IS NULL AS top
               FROM mart.observations o JOIN ref.areas a USING (area_code)
               WHERE o.indicator_code = 'fiveg_per_10k_people' AND o.period = $period
               ORDER BY a.area_level = 'province', a.area_level = 'region', o.value DESC NULLS LAST""",
            dict(period=latest),
        ).fetchall()
        say("")
        if latest is None:  # a fresh home whose first file is one agency's: no rate can be derived yet
            say("5G base stations per 10,000 people / 每万人5G基站数: not yet computable / 暂无法计算"
                " (needs both 5G base stations and resident population / 需要5G基站数和常住人口)")
        else:
            say(f"5G base stations per 10,000 people / 每万人5G基站数, {latest:%Y-%m}")
        shown_rows = rows if len(rows) <= SUMMARY_AREAS else [row for row in rows if row[-1]]  # nationally: provinces
        members = "areas" if reference.area_register_name() else "cities"
        for code, zh, en, value, n_areas, expected, status, _ in shown_rows:
            coverage = "" if expected == 1 else f"  ({n_areas}/{expected} {members}{', estimated' if status == 'E' else ''})"
            # A total too thin to estimate is withheld (M): no figure, never a zero.
            shown = "      —" if value is None else f"{round_half_away(value, 2):>7.2f}"
            say(f"  {code:<7} {pad(zh, 8)}{en:<18} {shown}{coverage}{'  withheld / 不公布' if value is None else ''}")
        if len(shown_rows) < len(rows):
            say(f"  … {len(rows) - len(shown_rows):,} more areas / 其余地区: mart.observations")
        say("")
        say("Target progress / 目标进度")
        for row in con.execute(
            """SELECT target_id, area_code, comparison, target_value, actual_time_period, actual,
                      completion_pct, time_elapsed_pct, projected_completion_pct, target_status
               FROM mart.target_progress WHERE basis = 'latest' ORDER BY year, target_id"""
        ).fetchall():
            target_id, area, comparison, target, period, actual, done, elapsed, projected, status = row
            if actual is None:
                say(f"  {target_id:<26} {area}  {comparison} {target:>9,g}  no data yet / 暂无数据")
                continue
            # Two decimals: a coverage of 99.97 % must not read as a met 100.0 %. After the deadline the
            # actual is the final value and the status the outcome: no projection.
            judged = ("final / 最终值" if status in ("achieved", "not_achieved")
                      else f"projected {projected_text(projected)}")
            say(f"  {target_id:<26} {area}  {comparison} {target:>9,g}  actual {round_half_away(actual, 2):>12,.2f}"
                f" ({period})  {round_half_away(done, 2):>6.2f}% done, {round_half_away(elapsed, 1):>5.1f}% of time,"
                f" {pad(judged, 17)}  {status}")
    finally:
        con.close()
    say("")
    say(f"Serving DB (open read-only): {paths.serving_db}")
    report = latest_report(paths)
    if report is not None:
        say(f"Monthly bulletin / 监测月报 {report.month}: {report.html}")
        say(f"  PDF: {report.pdf}")


def projected_text(projected: float | None) -> str:
    """The run-rate projection the status is judged on (blank when it cannot be projected)."""
    return "   —   " if projected is None else f"{round_half_away(projected, 1):>6.1f}%"


def pad(text: str, width: int) -> str:
    """Left-align by display width: a Chinese character takes two columns in a terminal."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


CODE_LOCATION = "digecon"  # the name the UI shows for the code location, rather than a module path


def workspace_file(dagster_home: Path) -> Path:
    """A workspace that loads the one Definitions under a readable code-location name."""
    path = dagster_home / "workspace.yaml"
    path.write_text("load_from:\n  - python_module:\n      module_name: pipelines.definitions\n"
                    f"      location_name: {CODE_LOCATION}\n")
    return path


def dagster_dev(paths: Paths, host: str = "127.0.0.1", port: int = 3000) -> int:
    """Replace this process with `dagster dev` (webserver + daemon) on host:port."""
    home = prepare_dagster_home(paths)
    # Started in the background, a shell leaves SIGINT ignored and exec keeps that: restore it, so that
    # stopping `dagster dev` by PID with SIGINT works.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    dagster = Path(sys.executable).with_name("dagster")
    os.execv(dagster, [str(dagster), "dev", "-w", str(workspace_file(home)), "-h", host, "-p", str(port)])
