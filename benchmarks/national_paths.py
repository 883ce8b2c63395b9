"""The three paths over the same generated national files, one per process (benchmarks/harness.py times them).

    python -m benchmarks.national_paths WORKLOAD PATH DATA OUT
    python -m benchmarks.national_paths resubmission DATA HOME OUT   (one county's, on ours' published home)
    python -m benchmarks.national_paths bi DB PARAMETERS ROUNDS OUT   (the BI queries on a DuckDB file)

WORKLOAD is `panel` or `sites`, PATH `ours`, `naive` or `limit_proxy`; DATA a folder written by
benchmarks/national_data.py; OUT an empty folder. Every path writes OUT/result.json (`status`, `rows`,
`failing` per check) and its aggregates as OUT/<name>.parquet, so the harness can check that the paths agree:

- ours: the project's code as a user runs it. The site list is landed, checked (`Validator.check`: its suite
  compiled to SQL and run in DuckDB), loaded into a fresh build DB as a run loads it, and every mart is built
  in the run's order. The panel likewise, in a national deployment: the generated areas are its area register
  ($DIGECON_AREA_REGISTER, counties as the reporting areas), and the serving DB is published at the end.
- naive: `pandas.read_csv` of every file into one DataFrame, Great Expectations 1.x on the whole of it
  (the expectation types of expectations/submission.json), then pandas groupby/merge for the aggregates.
- limit_proxy: one DuckDB read of the files (benchmarks/sql/*.sql) computing the same checks and aggregates,
  and, for the panel, a DuckDB file with `mart.observations` that the BI queries run on.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SQL = Path(__file__).resolve().parent / "sql"
BANDS = ["700MHz", "2.6GHz", "3.5GHz", "4.9GHz"]
OPERATORS = ["中国移动", "中国电信", "中国联通", "中国广电"]
STATUSES = ["在网", "退网"]
PANEL_CHECKS = ["city_unknown", "province_submitted", "indicator_unknown", "indicator_derived", "period_invalid",
                "period_too_early", "period_future", "frequency_mismatch", "value_not_numeric", "value_negative",
                "value_out_of_range", "unit_mismatch"]
SITES_CHECKS = ["city_unknown", "county_not_in_city", "band_invalid", "operator_invalid", "status_invalid",
                "date_invalid", "date_after_period"]
PANEL_AGGREGATES = ("city_sums", "province_sums", "rate")
SITES_AGGREGATES = ("city_band_stock", "city_band_latest", "province_band_stock")
# What the project calls each of the benchmark's site checks: (rule, the column its finding names where the
# rule is shared by several fields). Blank or unreadable cells are register_value_invalid whatever the field.
SITES_RULES = {"city_unknown": ("register_value_invalid", "城市代码"),
               "county_not_in_city": ("site_county_not_in_city", None),
               "band_invalid": ("site_band_unknown", None), "operator_invalid": ("site_operator_unknown", None),
               "status_invalid": ("site_status_unknown", None), "date_invalid": ("register_value_invalid", "开通日期"),
               "date_after_period": ("site_commissioned_after_period", None)}
BI_QUERIES = ("bi_latest_all_areas", "bi_area_series", "bi_ranking")


def sql(name: str) -> str:
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


def manifest(data: Path) -> dict:
    return json.loads((data / "manifest.json").read_text(encoding="utf-8"))


def files(data: Path, workload: str) -> list[Path]:
    """The workload's files: the clean ones, then the planted bad rows."""
    dirty = data / "dirty" / f"{workload}.csv"
    return [data / f for f in manifest(data)[workload]["files"]] + ([dirty] if dirty.exists() else [])


def window(data: Path) -> tuple[dt.date, dt.date]:
    """(earliest valid period, reference date): the project's calendar, the data's reference date."""
    from indicators import reference
    return reference.calendar().earliest_valid_period, dt.date.fromisoformat(manifest(data)["reference_date"])


def areas_frame(data: Path) -> pd.DataFrame:
    return pd.read_csv(data / "areas.csv", dtype=str, keep_default_na=False)


def indicators_frame() -> pd.DataFrame:
    from indicators import reference
    return pd.DataFrame([{"indicator_code": i.code, "freq": i.freq, "max_value": i.max_value, "unit": i.unit,
                          "is_derived": i.is_derived} for i in reference.catalogue().values()])


# ---------------------------------------------------------------- ours


@contextmanager
def _loaded_home(listed: list[Path], out: Path, reference_date: dt.date, profile_of: Callable[[Path], str],
                 tally: Callable[[object], None], stages: dict[str, float],
                 progress: Callable[[int], None] = lambda number: None) -> Iterator[tuple[object, object]]:
    """(build DB connection, Paths) of a fresh home under `out` with every file landed, checked as
    `profile_of(file)` and loaded as a run loads it (a rejected file loads nothing): the checks run in worker
    processes (Validator.check_all) while this one loads what they have checked. Each report goes to
    `tally`, the seconds of each stage add up in `stages` ("check": the time spent waiting for a verdict),
    `progress(n)` follows each file."""
    from indicators.readers import ReadLimits
    from indicators.validation import CheckJob, Validator
    from pipelines.build import load_submission, open_build_db, prepare_schema, refresh_reference
    from pipelines.paths import Paths

    # a province's file is larger than an upload of values: its limits as DIGECON_MAX_UPLOAD_MB/ROWS would set them
    validator = Validator(ReadLimits.from_env(max_bytes=max(f.stat().st_size for f in listed) + 1,
                                              max_rows=10_000_000))
    paths = Paths.resolve(out / "home")
    landing = paths.landing_zone()
    for stage in ("land", "check", "load"):
        stages.setdefault(stage, 0.0)
    with open_build_db(paths) as con:
        prepare_schema(con)
        refresh_reference(con)
        started = time.perf_counter()
        receipts = [landing.receive(path.read_bytes(), path.name, profile_of(path), "benchmark")[0] for path in listed]
        stages["land"] += time.perf_counter() - started
        results = validator.check_all([CheckJob(landing.path_of(receipt), receipt.profile, display_name=path.name,
                                                reference_date=reference_date)
                                       for receipt, path in zip(receipts, listed, strict=True)])
        for number, receipt in enumerate(receipts, start=1):
            started = time.perf_counter()
            checked = next(results)
            tally(checked.report)
            done_check = time.perf_counter()
            load_submission(con, receipt, landing.path_of(receipt), checked.report, checked.cells)
            stages["check"] += done_check - started
            stages["load"] += time.perf_counter() - done_check
            progress(number)
        yield con, paths


def ours_sites(data: Path, out: Path) -> dict:
    """Guangdong's site list as the project takes it from the gdca: each file landed, checked, loaded into a
    fresh build DB as a run loads it (a rejected file loads nothing), then every mart in the run's order.
    Writes the band stocks from mart.register_site_bands."""
    from benchmarks.resubmission import build_every_mart
    from indicators import reference

    _, reference_date = window(data)
    counted = {"rows": 0}
    failing = dict.fromkeys(SITES_CHECKS, 0)

    def tally(report) -> None:
        counted["rows"] += report.rows
        findings = [*report.errors, *report.warnings]
        for check, (rule, column) in SITES_RULES.items():
            failing[check] += sum(f.rule == rule and f.row is not None and column in (None, f.column)
                                  for f in findings)

    with _loaded_home(files(data, "sites"), out, reference_date, lambda path: "gdca", tally, {}) as (con, _):
        build_every_mart(con, reference_date)
        stock = con.execute("SELECT area_code, band, base_stations AS value FROM mart.register_site_bands "
                            "WHERE base_stations > 0").df()
    stock.to_parquet(out / "city_band_latest.parquet", index=False)
    stock.assign(area_code=reference.PROVINCE_CODE).groupby(["area_code", "band"], as_index=False)["value"].sum() \
        .to_parquet(out / "province_band_stock.parquet", index=False)
    return {"status": "ok", "rows": counted["rows"], "failing": failing}


def ours_panel(data: Path, out: Path) -> dict:
    """The county panel as the project takes it in a national deployment: the generated areas are its area
    register ($DIGECON_AREA_REGISTER), each agency's file is landed, checked as that agency (the planted bad
    rows as gdca), loaded into a fresh build DB (a rejected file loads nothing), every mart is built in the
    run's order and the serving DB is published. Writes the aggregates from mart.observations."""
    import os

    from benchmarks.resubmission import build_every_mart
    from indicators import reference
    from pipelines.disclosure import audit_published
    from pipelines.publish import publish

    os.environ[reference.AREA_REGISTER_VARIABLE] = str(data / "areas.csv")
    _, reference_date = window(data)
    listed = files(data, "panel")
    counted = {"rows": 0}
    failing = dict.fromkeys(PANEL_CHECKS, 0)  # the project's rules carry the checks' names
    stages: dict[str, float] = {}

    def tally(report) -> None:
        counted["rows"] += report.rows
        for result in report.rule_results:
            if result.rule in failing:
                failing[result.rule] += result.failed

    def reached(step: str) -> None:
        """Where the path is, for the harness to say if it is stopped (benchmarks/harness.py timeout)."""
        (out / "progress.json").write_text(json.dumps(
            {"reached": f"at {step}", "rows": counted["rows"], "stages_s": {k: round(v, 1) for k, v in stages.items()}}))

    def profile_of(path: Path) -> str:  # panel/<profile>/<province>-<year>.csv; the planted bad rows as gdca
        return path.parent.name if path.parent.parent.name == "panel" else "gdca"

    def progress(number: int) -> None:
        if number % 50 == 0 or number == len(listed):
            reached(f"file {number} of {len(listed)}")

    with _loaded_home(listed, out, reference_date, profile_of, tally, stages, progress) as (con, paths):
        build_every_mart(con, reference_date, stages, before=lambda step: reached(f"the {step} step"))
        reached("the disclosure audit")  # the blocking check a run makes before it publishes
        started = time.perf_counter()
        unprotected = int((~audit_published(con)["protected"].astype(bool)).sum())
        stages["disclosure_audit"] = time.perf_counter() - started
        reached("publishing")
        started = time.perf_counter()
        publish(con, paths.serving_db)
        stages["publish"] = time.perf_counter() - started
        for name, where in (("city_sums", "o.area_level = 'city' AND NOT i.is_derived"),
                            ("province_sums", "o.area_level = 'province' AND NOT i.is_derived"),
                            ("rate", "o.area_level = 'province' AND o.indicator_code = 'pon_10g_share_pct'")):
            con.execute(f"""
                SELECT o.area_code, o.indicator_code,
                       CASE o.freq WHEN 'M' THEN strftime(o.period, '%Y-%m')
                                   WHEN 'Q' THEN year(o.period) || 'Q' || quarter(o.period)
                                   ELSE year(o.period)::VARCHAR END AS period,
                       o.value, o.n_areas::BIGINT AS n_areas
                FROM mart.observations o JOIN ref.indicators i USING (indicator_code)
                WHERE {where}""").df().to_parquet(out / f"{name}.parquet", index=False)
    return {"status": "ok", "rows": counted["rows"], "failing": failing, "unprotected_cells": unprotected,
            "stages_s": {k: round(v, 2) for k, v in stages.items()}, "home": str(paths.home),
            "serving_db": str(paths.serving_db)}


def ours_resubmission(data: Path, home: Path, out: Path) -> dict:
    """One county's resubmission on the home ours_panel published: the county's rows of the gdca's last file
    (its province's last year), one indicator's values one higher (a stock: still never falling). Landed,
    checked and loaded as a run does, then every mart rebuilt in the run's order (the tables refreshed per
    indicator family rebuild only the families the file touches), the disclosure audit and the publish:
    each timed."""
    import csv
    import os

    from benchmarks.resubmission import build_every_mart
    from indicators import reference
    from indicators.validation import Validator
    from pipelines.build import load_submission, open_build_db
    from pipelines.disclosure import audit_published
    from pipelines.paths import Paths
    from pipelines.publish import publish

    os.environ[reference.AREA_REGISTER_VARIABLE] = str(data / "areas.csv")
    _, reference_date = window(data)
    source = sorted((data / "panel" / "gdca").glob("*.csv"))[-1]
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    county, changed = rows[1][0], rows[1][2]
    resubmitted = out / f"{county}-resubmission.csv"
    with resubmitted.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0], *([*r[:3], str(int(r[3]) + 1) if r[2] == changed else r[3], *r[4:]]
                                            for r in rows[1:] if r[0] == county)])
    paths = Paths.resolve(home)
    landing = paths.landing_zone()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    receipt, _ = landing.receive(resubmitted.read_bytes(), resubmitted.name, "gdca", "benchmark")
    checked = Validator().check(landing.path_of(receipt), "gdca", display_name=resubmitted.name,
                                reference_date=reference_date)
    with open_build_db(paths) as con:
        loaded = load_submission(con, receipt, landing.path_of(receipt), checked.report, checked.cells)
        seconds["land_check_load"] = time.perf_counter() - started
        started = time.perf_counter()
        build_every_mart(con, reference_date, seconds)
        seconds["marts"] = time.perf_counter() - started
        started = time.perf_counter()
        unprotected = int((~audit_published(con)["protected"].astype(bool)).sum())
        seconds["disclosure_audit"] = time.perf_counter() - started
        started = time.perf_counter()
        publish(con, paths.serving_db)
        seconds["publish"] = time.perf_counter() - started
    return {"status": "ok" if checked.report.accepted else "rejected", "unprotected_cells": unprotected,
            "rows": loaded, "county": county, "indicator": changed, "file": source.name,
            "seconds": {k: round(v, 3) for k, v in seconds.items()}}


def ours(workload: str, data: Path, out: Path) -> dict:
    return ours_sites(data, out) if workload == "sites" else ours_panel(data, out)


# ---------------------------------------------------------------- naive


def _gx_counts(frame: pd.DataFrame, expectations: list[tuple[str, object]]) -> dict[str, int]:
    """Great Expectations 1.x on the whole DataFrame: failing rows per check."""
    import great_expectations as gx

    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(), analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False)))
    batch = context.data_sources.add_pandas("naive").add_dataframe_asset("rows") \
        .add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name="naive"))
    for check, expectation in expectations:
        expectation.meta = {"check": check}
        suite.add_expectation(expectation)
    validation = context.validation_definitions.add(gx.ValidationDefinition(name="naive", data=batch, suite=suite))
    outcome = validation.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
    counts = {}
    for result in outcome.results:
        if result.exception_info.get("raised_exception"):
            raise RuntimeError(f"GX failed: {result.exception_info}")
        counts[result.expectation_config.meta["check"]] = int(result.result.get("unexpected_count") or 0)
    return counts


def _read_all(paths: list[Path]) -> pd.DataFrame:
    return pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths], ignore_index=True)


def naive_panel(data: Path, out: Path) -> dict:
    import great_expectations as gx

    earliest, reference_date = window(data)
    frame = _read_all(files(data, "panel"))
    areas = areas_frame(data).set_index("area_code")
    indicators = indicators_frame().set_index("indicator_code")
    frame["city_code"] = frame["城市代码"].where(frame["城市代码"].isin(areas.index))
    frame["area_level"] = frame["城市代码"].map(areas["area_level"])
    frame["parent_city_code"] = frame["城市代码"].map(areas["city_code"])
    frame["province_code"] = frame["城市代码"].map(areas["province_code"])
    frame["indicator_code"] = frame["指标代码"].where(frame["指标代码"].isin(indicators.index))
    frame["indicator_freq"] = frame["指标代码"].map(indicators["freq"])
    frame["max_value"] = frame["指标代码"].map(indicators["max_value"])
    period = frame["期间"]
    monthly = period.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    quarterly = period.str.fullmatch(r"\d{4}Q[1-4]")
    annual = period.str.fullmatch(r"\d{4}")
    frame["period_freq"] = pd.Series(None, index=frame.index, dtype=object).mask(monthly, "M").mask(
        quarterly, "Q").mask(annual, "A")
    month = pd.to_numeric(period.str[5:7].where(monthly), errors="coerce").fillna(
        (pd.to_numeric(period.str[5:6].where(quarterly), errors="coerce") - 1) * 3 + 1).fillna(1)
    frame["period_start"] = pd.to_datetime(
        {"year": pd.to_numeric(period.str[:4], errors="coerce"), "month": month, "day": 1}, errors="coerce"
    ).where(monthly | quarterly | annual)
    frame["value_in_file"] = pd.to_numeric(frame["数值"].str.replace(",", "", regex=False), errors="coerce")
    unit = frame["单位"]
    catalogue_unit = frame["指标代码"].map(indicators["unit"])
    frame["unit_factor"] = pd.Series(float("nan"), index=frame.index).mask(
        unit.eq("") | unit.eq(catalogue_unit), 1.0).mask(unit.eq("万" + catalogue_unit.fillna("")), 10000.0)
    frame["value"] = frame["value_in_file"] * frame["unit_factor"]
    provinces = sorted(areas.index[areas["area_level"] == "province"])
    derived = sorted(indicators.index[indicators["is_derived"]])
    earliest_ts, latest_ts = pd.Timestamp(earliest), pd.Timestamp(reference_date)
    E = gx.expectations
    failing = _gx_counts(frame, [
        ("city_unknown", E.ExpectColumnValuesToNotBeNull(column="city_code")),
        ("province_submitted", E.ExpectColumnValuesToNotBeInSet(column="city_code", value_set=provinces)),
        ("indicator_unknown", E.ExpectColumnValuesToNotBeNull(column="indicator_code")),
        ("indicator_derived", E.ExpectColumnValuesToNotBeInSet(column="indicator_code", value_set=derived)),
        ("period_invalid", E.ExpectColumnValuesToNotBeNull(column="period_start")),
        ("period_too_early", E.ExpectColumnValuesToBeBetween(column="period_start", min_value=earliest_ts)),
        ("period_future", E.ExpectColumnValuesToBeBetween(column="period_start", max_value=latest_ts)),
        ("frequency_mismatch", E.ExpectColumnPairValuesToBeEqual(column_A="period_freq", column_B="indicator_freq",
                                                                 ignore_row_if="either_value_is_missing")),
        ("value_not_numeric", E.ExpectColumnValuesToNotBeNull(column="value_in_file")),
        ("value_negative", E.ExpectColumnValuesToBeBetween(column="value", min_value=0)),
        ("value_out_of_range", E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="max_value", column_B="value", or_equal=True, ignore_row_if="either_value_is_missing")),
        ("unit_mismatch", E.ExpectColumnValuesToNotBeNull(column="unit_factor")),
    ])
    rows = len(frame)
    kept = frame[frame["area_level"].isin(["county", "city"]) & ~frame["indicator_code"].isin(derived)
                 & frame["indicator_code"].notna() & frame["period_start"].between(earliest_ts, latest_ts)
                 & frame["period_freq"].eq(frame["indicator_freq"]) & frame["value"].ge(0)
                 & frame["value"].le(frame["max_value"])]
    kept = kept[["城市代码", "parent_city_code", "province_code", "indicator_code", "期间", "value"]].rename(
        columns={"城市代码": "area_code", "期间": "period"})
    del frame
    sums = {}
    for name, level in (("city_sums", "parent_city_code"), ("province_sums", "province_code")):
        sums[name] = kept.groupby([level, "indicator_code", "period"], as_index=False).agg(
            value=("value", "sum"), n_areas=("value", "size")).rename(columns={level: "area_code"})
    keys = ["area_code", "province_code", "period"]
    both = kept[kept["indicator_code"].eq("pon_ports_10g")][[*keys, "value"]].merge(
        kept[kept["indicator_code"].eq("pon_ports_total")][[*keys, "value"]], on=keys, suffixes=("_num", "_den"))
    rate = both.groupby(["province_code", "period"], as_index=False).agg(
        num=("value_num", "sum"), den=("value_den", "sum"), n_areas=("value_num", "size"))
    rate["value"] = 100 * rate["num"] / rate["den"]
    sums["rate"] = rate.rename(columns={"province_code": "area_code"}).assign(indicator_code="pon_10g_share_pct")[
        ["area_code", "indicator_code", "period", "value", "n_areas"]]
    for name, table in sums.items():
        table.to_parquet(out / f"{name}.parquet", index=False)
    return {"status": "ok", "rows": rows, "failing": failing}


def naive_sites(data: Path, out: Path) -> dict:
    import great_expectations as gx

    frame = _read_all(files(data, "sites"))
    areas = areas_frame(data)
    cities = areas[areas["area_level"] == "city"].set_index("area_code")
    counties = areas[areas["area_level"] == "county"].set_index("area_code")
    frame["city_code"] = frame["城市代码"].where(frame["城市代码"].isin(cities.index))
    frame["county_city_code"] = frame["区县代码"].map(counties["city_code"])
    frame["commissioned"] = pd.to_datetime(frame["开通日期"], format="%Y-%m-%d", errors="coerce")
    frame["period_end"] = pd.to_datetime(frame["报告期"] + "-01", format="%Y-%m-%d", errors="coerce") \
        + pd.offsets.MonthEnd(0)
    E = gx.expectations
    failing = _gx_counts(frame, [
        ("city_unknown", E.ExpectColumnValuesToNotBeNull(column="city_code")),
        ("county_not_in_city", E.ExpectColumnPairValuesToBeEqual(column_A="county_city_code", column_B="city_code",
                                                                 ignore_row_if="either_value_is_missing")),
        ("band_invalid", E.ExpectColumnValuesToBeInSet(column="频段", value_set=BANDS)),
        ("operator_invalid", E.ExpectColumnValuesToBeInSet(column="运营商", value_set=OPERATORS)),
        ("status_invalid", E.ExpectColumnValuesToBeInSet(column="状态", value_set=STATUSES)),
        ("date_invalid", E.ExpectColumnValuesToNotBeNull(column="commissioned")),
        ("date_after_period", E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="period_end", column_B="commissioned", or_equal=True, ignore_row_if="either_value_is_missing")),
    ])
    rows = len(frame)
    kept = frame[frame["county_city_code"].eq(frame["city_code"]) & frame["频段"].isin(BANDS)
                 & frame["运营商"].isin(OPERATORS) & frame["状态"].eq("在网")
                 & frame["commissioned"].le(frame["period_end"])]
    kept = kept.assign(month=kept["commissioned"].dt.strftime("%Y-%m"),
                       province_code=kept["city_code"].map(cities["province_code"]))
    del frame
    new = kept.groupby(["city_code", "频段", "month"], as_index=False).size().sort_values(["city_code", "频段", "month"])
    new["value"] = new.groupby(["city_code", "频段"])["size"].cumsum()
    new.rename(columns={"city_code": "area_code", "频段": "band"})[["area_code", "band", "month", "value"]] \
        .to_parquet(out / "city_band_stock.parquet", index=False)
    kept.groupby(["city_code", "频段"], as_index=False).size().rename(
        columns={"city_code": "area_code", "频段": "band", "size": "value"}).to_parquet(
        out / "city_band_latest.parquet", index=False)
    kept.groupby(["province_code", "频段"], as_index=False).size().rename(
        columns={"province_code": "area_code", "频段": "band", "size": "value"}).to_parquet(
        out / "province_band_stock.parquet", index=False)
    return {"status": "ok", "rows": rows, "failing": failing}


# ---------------------------------------------------------------- limit proxy


def limit_proxy(workload: str, data: Path, out: Path) -> dict:
    import duckdb
    import pyarrow.parquet as pq

    earliest, reference_date = window(data)
    # The panel's proxy keeps its result as a DuckDB file (the serving DB the BI queries run on).
    with duckdb.connect(str(out / "national.duckdb") if workload == "panel" else ":memory:") as con:
        con.register("areas", areas_frame(data))
        con.register("indicators", indicators_frame())
        con.execute(sql(f"{workload}_typed"), {"files": [str(f) for f in files(data, workload)]})
        counts = con.execute(sql(f"{workload}_checks"), {"earliest": earliest, "latest": reference_date}
                             if workload == "panel" else None)
        names = [d[0] for d in counts.description]
        failing = dict(zip(names, counts.fetchone(), strict=True))
        rows = failing.pop("rows")
        con.execute(sql(f"{workload}_kept"), {"earliest": earliest, "latest": reference_date}
                    if workload == "panel" else None)
        for name in PANEL_AGGREGATES if workload == "panel" else SITES_AGGREGATES:
            pq.write_table(con.sql(sql(f"{workload}_{name}")).to_arrow_table(), out / f"{name}.parquet")
        if workload == "panel":
            con.execute(sql("proxy_serving"))
    return {"status": "ok", "rows": rows, "failing": failing}


# ---------------------------------------------------------------- BI queries


def bi_queries(db: Path, parameters: dict, rounds: int) -> dict:
    """Median seconds of each BI query on the DuckDB file, as a BI tool sends them (read-only connection)."""
    import statistics
    import time

    import duckdb

    medians, rows = {}, {}
    with duckdb.connect(str(db), read_only=True) as con:
        for name in BI_QUERIES:
            text = sql(name)
            used = {k: v for k, v in parameters.items() if f"${k}" in text}
            rows[name] = len(con.execute(text, used).fetchall())  # warm: the first read of the file's blocks
            seconds = []
            for _ in range(rounds):
                started = time.perf_counter()
                con.execute(text, used).fetchall()
                seconds.append(time.perf_counter() - started)
            medians[name] = statistics.median(seconds)
    return {"status": "ok", "median_s": medians, "rows_returned": rows, "rounds": rounds}


def main(argv: list[str]) -> int:
    if argv[0] == "bi":
        db, parameters, rounds, out = Path(argv[1]), json.loads(argv[2]), int(argv[3]), Path(argv[4])
        result = bi_queries(db, parameters, rounds)
    elif argv[0] == "resubmission":  # resubmission DATA HOME OUT: on the home ours' panel path published
        data, home, out = Path(argv[1]), Path(argv[2]), Path(argv[3])
        out.mkdir(parents=True, exist_ok=True)
        result = ours_resubmission(data, home, out)
    else:
        workload, path, data, out = argv[0], argv[1], Path(argv[2]), Path(argv[3])
        out.mkdir(parents=True, exist_ok=True)
        if path == "ours":
            result = ours(workload, data, out)
        elif path == "naive":
            result = (naive_panel if workload == "panel" else naive_sites)(data, out)
        else:
            result = limit_proxy(workload, data, out)
    (out / "result.json").write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
