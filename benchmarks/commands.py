"""The commands a person runs, timed as they run them: `digecon validate` cold, `digecon run --sample`, and
BI queries on the serving DB.

- cold_validate.json: `digecon validate` of a valid 1,000-row file as a fresh command (≤ 1.5 s median),
  beside the naive path (a fresh Python: pandas.read_csv + GX) and the limit proxy (a fresh Python:
  DuckDB) on the same file;
- sample_run.json: `digecon run --sample` in a fresh DIGECON_HOME, install excluded (≤ 30 s);
- resubmission.json: one city's resubmission on the published sample home: the marts refreshed after its
  load (≤ 5 s), per indicator family (ours) beside everything rebuilt whole (naive; benchmarks/resubmission.py);
- bi_queries.json: the latest value of one indicator for all areas, one area's series and the ranking
  (median ≤ 50 ms each) on the serving DB that run produced (ours) and on the limit proxy's national
  DuckDB file (benchmarks/national.py).

Run: .venv/bin/python benchmarks/commands.py (`make bench` runs it with the national benchmark).
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402
from benchmarks.national_data import PANEL_HEADER  # noqa: E402
from indicators import reference  # noqa: E402

DIGECON = Path(sys.executable).parent / "digecon"
SAMPLE_REFERENCE_DATE = "2024-01-10"
COLD_ROWS = 1000
# gdca's monthly indicators, a part after its whole: a city's 5G stations, PON ports, broadband, mobile users.
COLD_LEVELS = {"fiveg_base_stations": 20_000, "fiveg_base_stations_700mhz": 2_000, "pon_ports_total": 300_000,
               "pon_ports_10g": 90_000, "broadband_users_total": 3_000_000, "broadband_users_500m_plus": 900_000,
               "broadband_users_1000m": 500_000, "mobile_users_total": 12_000_000, "fiveg_users": 6_000_000}


def write_cold_file(folder: Path) -> Path:
    """A valid 1,000-row gdca file for the 21 cities (2023 months), in the panel's long layout, with the
    areas and manifest the naive and limit-proxy paths read. Returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = reference.catalogue()
    rows = []
    for month in range(1, 13):
        for number, city in enumerate(reference.cities()):
            for code, level in COLD_LEVELS.items():
                value = round(level * (1 + number / 21) * (1 + month / 100))
                rows.append([city.code, f"2023-{month:02d}", code, str(value), catalogue[code].unit, ""])
    path = folder / "validate_1000.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([PANEL_HEADER, *rows[:COLD_ROWS]])
    with open(folder / "areas.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["area_code", "area_level", "city_code", "province_code"],
                                      [reference.PROVINCE_CODE, "province", "", reference.PROVINCE_CODE],
                                      *[[c.code, "city", c.code, reference.PROVINCE_CODE] for c in reference.cities()]])
    (folder / "manifest.json").write_text(json.dumps({"reference_date": SAMPLE_REFERENCE_DATE,
                                                      "panel": {"files": [path.name]}}), encoding="utf-8")
    return path


def _rounds(command: list[str], rounds: int, env: dict) -> list[dict]:
    return [harness.run_measured(command, env=env) for _ in range(rounds)]


def _median_record(runs: list[dict], rows: int, *, ok_codes: tuple[int, ...] = (0,)) -> dict:
    if any(r["returncode"] not in ok_codes for r in runs):
        bad = next(r for r in runs if r["returncode"] not in ok_codes)
        return harness.not_run("failed", f"exit {bad['returncode']}: {bad['stderr_tail'][-400:]}")
    wall = statistics.median(r["wall_s"] for r in runs)
    return {**harness.path_record({**runs[0], "wall_s": round(wall, 3), "returncode": 0}, {"status": "ok"}, rows),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "rounds": len(runs),
            "wall_s_each": [r["wall_s"] for r in runs]}


def cold_validate(work: Path, rounds: int, results: Path = harness.RESULTS) -> dict:
    folder = work / "cold"
    path = write_cold_file(folder)
    env = {**os.environ, "DIGECON_HOME": str(work / "cold-home"), "DIGECON_REFERENCE_DATE": SAMPLE_REFERENCE_DATE}
    harness.say(f"cold validate: {rounds} rounds per path …")
    ours_runs = _rounds([str(DIGECON), "validate", str(path), "--as", "gdca", "--json"], rounds, env)
    ours = _median_record(ours_runs, COLD_ROWS)
    if ours["status"] == "ok":
        report = json.loads(ours_runs[0]["stdout"])
        ours.update(accepted=report["accepted"], observations=report["observations"])
    paths = {"ours": ours}
    for name in ("naive", "limit_proxy"):
        out = work / "cold-out" / name
        runs = _rounds([sys.executable, "-m", "benchmarks.national_paths", "panel", name, str(folder), str(out)],
                       rounds, env)
        paths[name] = _median_record(runs, COLD_ROWS)
        if paths[name]["status"] == "ok":
            paths[name]["failing"] = json.loads((out / "result.json").read_text(encoding="utf-8"))["failing"]
    record = harness.workload("validate_1000_rows_cold", "digecon validate of a valid 1,000-row CSV as a fresh "
                              "command (process start, imports, check, report)", {"wall_s_at_most": 1.5},
                              {"wall_s": ours.get("wall_s"), "peak_rss_mb": ours.get("peak_rss_mb")}, paths,
                              notes=["naive and limit proxy: a fresh Python running the same checks on the same "
                                     "file (pandas + GX; DuckDB), so all three include their start-up"])
    harness.write_result("cold_validate", "full" if rounds > 1 else "small", [record], results)
    return record


def sample_run(work: Path, results: Path = harness.RESULTS, rounds: int = 3) -> tuple[dict, Path]:
    """`digecon run --sample`, each round in a fresh home (the first run on a machine also warms its file
    cache and Chromium: the median is reported); returns the record and the last serving DB published."""
    runs = []
    for number in range(rounds):
        home = work / f"sample-home-{number}"
        env = {**os.environ, "DIGECON_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"),
               "DIGECON_REFERENCE_DATE": SAMPLE_REFERENCE_DATE}
        (home / "dagster").mkdir(parents=True, exist_ok=True)
        harness.say(f"digecon run --sample ({number + 1} of {rounds}) …")
        runs.append(harness.run_measured([str(DIGECON), "run", "--sample"], env=env))
    landed = len(list((home / "landing").rglob("*.json"))) if (home / "landing").exists() else None
    ours = _median_record(runs, landed or 0)
    reason = "the whole pipeline (Dagster, vintages, derive, marts, publish, exports) has no hand-written twin"
    record = harness.workload("make_run_sample", "digecon run --sample in a fresh DIGECON_HOME (make run without "
                              "the install)", {"wall_s_at_most": 30},
                              {"wall_s": ours.get("wall_s"), "peak_rss_mb": ours.get("peak_rss_mb")},
                              {"ours": ours, "naive": harness.not_run("not_applicable", reason),
                               "limit_proxy": harness.not_run("not_applicable", reason)},
                              notes=["rows: files the landing zone holds afterwards (json receipts)"])
    harness.write_result("sample_run", "full", [record], results)
    return record, home / "serving" / "digital_economy.duckdb"


def write_resubmission(home: Path, folder: Path) -> Path:
    """Shenzhen's rows of gdca's latest file in `home`, its 5G stations raised by 1 %: one city resubmitting."""
    import duckdb

    with duckdb.connect(str(home / "build" / "warehouse.duckdb"), read_only=True) as con:
        archived, = con.execute("SELECT archived_path FROM ops.submissions WHERE profile = 'gdca'"
                                " AND status = 'accepted' ORDER BY submission_id DESC LIMIT 1").fetchone()
    with open(archived, encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    city, indicator, value = header.index("城市代码"), header.index("指标代码"), header.index("数值")
    revised = [[*r[:value], str(round(float(r[value]) * 1.01)), *r[value + 1:]] if r[indicator] == "fiveg_base_stations"
               else r for r in rows if r[city] == "440300"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gdca_shenzhen_resubmission.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *revised])
    return path


def resubmission(home: Path, work: Path, results: Path = harness.RESULTS) -> dict:
    """One city's resubmission on the published sample `home`: the marts after its load, ours (per indicator
    family) and naive (everything rebuilt whole), each on its own copy of the home."""
    import shutil

    file = write_resubmission(home, work / "resubmission")
    paths = {}
    for name in ("ours", "naive"):
        copy = work / "resubmission" / f"home-{name}"
        shutil.copytree(home, copy)
        out = work / "resubmission" / f"out-{name}"
        harness.say(f"resubmission, {name} …")
        measured = harness.run_measured([sys.executable, "-m", "benchmarks.resubmission", str(copy), str(file),
                                         "gdca", name, str(out)],
                                        env={**os.environ, "DIGECON_HOME": str(copy)})
        result = json.loads((out / "result.json").read_text(encoding="utf-8")) if measured["returncode"] == 0 else {}
        paths[name] = harness.path_record(measured, result, result.get("rows"))
        if result:
            paths[name].update({k: result[k] for k in ("load_s", "marts_s", "mart_s", "refreshed")})
    paths["limit_proxy"] = harness.not_run("not_applicable", "the marts' refresh has no one-pass DuckDB twin")
    record = harness.workload(
        "one_city_resubmission", "one city's resubmission (Shenzhen's gdca rows, 5G stations revised) on the "
        "published sample home: every mart refreshed after its load", {"marts_s_at_most": 5},
        {"marts_s": paths["ours"].get("marts_s"), "peak_rss_mb": paths["ours"].get("peak_rss_mb")}, paths,
        notes=["the issue's workload is one county at national scale; the pipeline has no county areas yet, so "
               "this measures one city of the province",
               "wall_s: the whole process (imports, landing, check, load, marts); marts_s: derive and every mart "
               "after the load, in the run's order"])
    harness.write_result("resubmission", "full", [record], results)
    return record


def bi(serving_db: Path | None, national_db: Path | None, work: Path, rounds: int,
       results: Path = harness.RESULTS, size: str = "full", national_serving_db: Path | None = None) -> list[dict]:
    """The three BI queries on the sample's serving DB (ours), on the national serving DB ours published
    (benchmarks/national.py), and on the limit proxy's national file: one workload for each."""
    measured = {}
    for name, db, parameters in (
            ("sample", serving_db, {"indicator": "fiveg_base_stations", "area": "440300", "level": "city"}),
            ("national", national_serving_db, {"indicator": "fiveg_base_stations", "area": None, "level": "province"}),
            ("national_file", national_db, {"indicator": "fiveg_base_stations", "area": None, "level": "province"})):
        if db is None or not Path(db).exists():
            measured[name] = harness.not_run("not_run", f"no DuckDB file for this path ({db})")
            continue
        if parameters["area"] is None:  # the national file's first county
            import duckdb
            with duckdb.connect(str(db), read_only=True) as con:
                parameters["area"] = con.execute("SELECT min(area_code) FROM mart.observations "
                                                 "WHERE area_level = 'county'").fetchone()[0]
        out = work / "bi" / name
        out.mkdir(parents=True, exist_ok=True)
        run = harness.run_measured([sys.executable, "-m", "benchmarks.national_paths", "bi", str(db),
                                    json.dumps(parameters), str(rounds), str(out)])
        result = json.loads((out / "result.json").read_text(encoding="utf-8")) if run["returncode"] == 0 else {}
        measured[name] = harness.path_record(run, result, None)
        if result:
            measured[name].update(query_median_s={k: round(v, 5) for k, v in result["median_s"].items()},
                                  rows_returned=result["rows_returned"], parameters=parameters,
                                  slowest_median_s=round(max(result["median_s"].values()), 5))
    no_twin = harness.not_run("not_applicable", "BI tools query the serving DuckDB file; there is no hand-written twin")
    notes = ["ours: a serving DB digecon published (mart.observations as BI reads it); limit_proxy: the national "
             "panel's DuckDB file built by the limit proxy (mart.observations, county/city/province, no sort order "
             "or index)", "wall_s is the whole process (start, open, all rounds); the target bounds the per-query "
             "medians"]
    what = ("median of each BI query (latest value of one indicator for all areas, one area's series, the ranking) "
            "on a read-only connection")
    target = {"slowest_median_s_at_most": 0.05}
    records = [
        harness.workload("bi_queries", f"{what}, on the sample's serving DB (21 cities)", target,
                         {"slowest_median_s": measured["sample"].get("slowest_median_s")},
                         {"ours": measured["sample"], "naive": no_twin}, notes=notes),
        harness.workload("bi_queries_national", f"{what}, on the national serving DB ours published", target,
                         {"slowest_median_s": measured["national"].get("slowest_median_s")},
                         {"ours": measured["national"], "naive": no_twin, "limit_proxy": measured["national_file"]},
                         notes=notes),
    ]
    harness.write_result("bi_queries", size, records, results)
    return records


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="digecon-commands-") as folder:
        work = Path(folder)
        cold_validate(work, rounds=5)
        _, serving_db = sample_run(work)
        resubmission(serving_db.parents[1], work)
        bi(serving_db, None, work, rounds=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
