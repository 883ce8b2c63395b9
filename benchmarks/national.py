"""National scale: the county panel and the 5G site list through the three paths, side by side.

Generates the seeded national data (benchmarks/national_data.py), runs each path of each workload in its
own process (benchmarks/national_paths.py, timed by benchmarks/harness.py), checks that the paths that ran
agree on the rows, the failing-row counts and the aggregates, and writes benchmarks/results/national.json:

- panel: the county panel (6.2 M observations at full size): ≤ 120 s, peak RSS ≤ 4 GB for ours;
- site_list: the 3.5 M-row 5G site list: ≤ 60 s for ours;
- ours_vs_naive (≥ 5× faster) and ours_vs_limit_proxy (within 3×), on the panel and on the site list.

Run: .venv/bin/python benchmarks/national.py [--size full|small] (`make bench` runs it at full size).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import harness, national_data  # noqa: E402
from benchmarks.national_paths import PANEL_AGGREGATES, SITES_AGGREGATES  # noqa: E402

AGGREGATES = {"panel": PANEL_AGGREGATES, "sites": SITES_AGGREGATES}
KEYS = {"panel": ["area_code", "indicator_code", "period"], "sites": ["area_code", "band"]}


# A path is stopped past this many seconds (ten times the panel's target): its record says where it was.
PATH_TIMEOUT_S = 1200


def run_path(workload: str, path: str, data: Path, out: Path) -> tuple[dict, dict]:
    """(the path's record, its result.json) for one path of one workload, in its own process; a path
    stopped at PATH_TIMEOUT_S is recorded with how far it got (its progress.json)."""
    measured = harness.run_measured([sys.executable, "-m", "benchmarks.national_paths", workload, path,
                                     str(data), str(out)], timeout_s=PATH_TIMEOUT_S)
    written = [f for f in (out / "result.json", out / "progress.json") if f.exists()]
    result = json.loads(written[0].read_text(encoding="utf-8")) if written else {}
    return harness.path_record(measured, result), result


def aggregates(out: Path, workload: str) -> dict[str, pd.DataFrame]:
    """The aggregates a path wrote, sorted on their keys so that two paths' frames compare row by row (ours
    writes the site list's stock at the list's month, not the monthly series from commissioning dates)."""
    frames = {}
    for name in AGGREGATES[workload]:
        if not (out / f"{name}.parquet").exists():
            continue
        frame = pd.read_parquet(out / f"{name}.parquet")
        keys = [k for k in [*KEYS[workload], "month"] if k in frame.columns]
        frames[name] = frame.sort_values(keys).reset_index(drop=True)
    return frames


def agreement(workload: str, outs: dict[str, Path], results: dict[str, dict]) -> dict:
    """Whether the paths that produced aggregates agree with the limit proxy: rows, failing counts, every
    aggregate a path wrote (values to 1e-9 relative)."""
    ran = [p for p in outs if results[p].get("status") == "ok" and (outs[p] / "result.json").exists()
           and any((outs[p] / f"{n}.parquet").exists() for n in AGGREGATES[workload])]
    if "limit_proxy" not in ran:
        return {"compared": [], "agree": None}
    written = {path: aggregates(outs[path], workload) for path in ran}  # each path's parquet files, read once
    reference = written["limit_proxy"]
    verdict = {"compared": ran, "rows": {p: results[p]["rows"] for p in ran},
               "failing": {p: results[p]["failing"] for p in ran}}
    same = len({results[p]["rows"] for p in ran}) == 1 and all(
        results[p]["failing"] == results["limit_proxy"]["failing"] for p in ran)
    for path in ran:
        for name, frame in written[path].items():
            other = reference[name]
            same = same and len(frame) == len(other) and all(
                frame[c].astype(str).equals(other[c].astype(str)) for c in frame.columns if c not in ("value",)) \
                and bool(((frame["value"] - other["value"]).abs() <= 1e-9 * other["value"].abs().clip(lower=1)).all())
    verdict["agree"] = same
    verdict["aggregate_rows"] = {name: len(frame) for name, frame in reference.items()}
    verdict["aggregates_compared"] = {path: sorted(written[path]) for path in ran}
    return verdict


def _ours_measured(record: dict) -> dict:
    """ours' wall time and peak RSS; stopped at PATH_TIMEOUT_S, the time it was let run (a lower bound,
    enough to say a bound below it is missed) and no RSS."""
    if record["status"] == "timed_out":
        return {"wall_s": record["stopped_after_s"], "peak_rss_mb": None}
    return {"wall_s": record.get("wall_s"), "peak_rss_mb": record.get("peak_rss_mb")}


def _ratio(paths: dict, metric: str, bound: dict) -> tuple[float | None, list[str]]:
    """The ratio between ours and the other path; with ours stopped at T seconds, the bound T gives it
    (naive/ours at most naive/T, ours/proxy at least T/proxy) when that bound already misses the target."""
    value, ours = harness.ratios(paths)[metric], paths["ours"]
    other = paths["naive" if metric == "naive_over_ours" else "limit_proxy"].get("wall_s")
    if value is not None or ours["status"] != "timed_out" or not other:
        return value, []
    stopped = ours["stopped_after_s"]
    limit = other / stopped if metric == "naive_over_ours" else stopped / other
    if harness.meets(bound, {metric: limit}) is not False:
        return None, []
    side = "at most" if metric == "naive_over_ours" else "at least"
    return round(limit, 3), [f"a bound, not a measurement: ours was stopped after {stopped:.0f} s, so {metric} is "
                             f"{side} {limit:.3g}"]


def run(size: str, work: Path, results: Path = harness.RESULTS) -> dict:
    """Generates, runs, writes national.json; returns it with the limit proxy's DuckDB file (`proxy_db`)."""
    data = work / "data"
    harness.say(f"generating the national data ({size}) …")
    started = time.perf_counter()
    manifest = national_data.generate(data, size)
    generated_s = round(time.perf_counter() - started, 1)
    records, checks = {}, {}
    for workload in ("panel", "sites"):
        outs, found = {}, {}
        records[workload] = {}
        for path in harness.PATHS:
            harness.say(f"{workload}: {path} …")
            outs[path] = work / "out" / workload / path
            records[workload][path], found[path] = run_path(workload, path, data, outs[path])
            harness.say(f"  {json.dumps(records[workload][path], ensure_ascii=False)[:400]}")
        checks[workload] = agreement(workload, outs, found)
        checks[workload]["planted"] = manifest[f"{workload}_dirty"]["failing_by_check"]
        checks[workload]["generated_rows"] = manifest[workload]["rows"] + manifest[f"{workload}_dirty"]["rows"]
    panel, sites = records["panel"], records["sites"]
    ours_panel, ours_sites = _ours_measured(panel["ours"]), _ours_measured(sites["ours"])
    rows = f"{manifest['panel']['rows'] + manifest['panel_dirty']['rows']:,}"
    workloads = [
        harness.workload("panel", f"county panel, {rows} observations: validate, load, derive, marts, publish",
                         {"wall_s_at_most": 120, "peak_rss_mb_at_most": 4096},
                         {"wall_s": ours_panel.get("wall_s"), "peak_rss_mb": ours_panel.get("peak_rss_mb")}, panel,
                         notes=["the catalogue's real frequencies give 2,200 observations per county over 120 "
                                "months (14 monthly, 12 quarterly, 4 annual indicators), so 2,800 counties make "
                                "6.2 M observations, not 10 M"],
                         agreement=checks["panel"]),
        harness.workload("site_list", f"5G site list, {manifest['sites']['rows']:,} rows: upload to marts",
                         {"wall_s_at_most": 60}, {"wall_s": ours_sites.get("wall_s")}, sites,
                         agreement=checks["sites"]),
    ]
    # The ratio targets hold for 2 M rows and up: the panel, and the site list (where ours also loads the
    # list into a build DB and builds every mart, and the other two only check and count).
    site_rows = f"{manifest['sites']['rows'] + manifest['sites_dirty']['rows']:,}"
    for based_on, paths, label, suffix in (("panel", panel, f"the panel ({rows} rows)", ""),
                                           ("site_list", sites, f"the site list ({site_rows} rows)", "_site_list")):
        for name, metric, bound in (("ours_vs_naive", "naive_over_ours", {"naive_over_ours_at_least": 5}),
                                    ("ours_vs_limit_proxy", "ours_over_limit_proxy",
                                     {"ours_over_limit_proxy_at_most": 3})):
            value, notes = _ratio(paths, metric, bound)
            workloads.append(harness.workload(f"{name}{suffix}", f"{name.replace('_', ' ')} on {label}", bound,
                                              {metric: value}, paths, notes=notes, based_on=based_on))
    workloads.append(resubmission(data, found_ours(work, "home"), work / "out" / "resubmission"))
    harness.write_result("national", size, workloads, results, data={**{k: v for k, v in manifest.items()
                                                                         if k not in ("panel", "sites")},
                                                                      "panel_rows": manifest["panel"]["rows"],
                                                                      "panel_files": len(manifest["panel"]["files"]),
                                                                      "site_rows": manifest["sites"]["rows"]},
                         generate_s=generated_s)
    proxy_db = work / "out" / "panel" / "limit_proxy" / "national.duckdb"
    return {"workloads": workloads, "proxy_db": proxy_db if proxy_db.exists() else None, "manifest": manifest,
            "data": data, "ours_serving_db": found_ours(work, "serving_db")}


def found_ours(work: Path, what: str) -> Path | None:
    """The `home` or `serving_db` ours' panel path published, if it finished."""
    written = work / "out" / "panel" / "ours" / "result.json"
    found = json.loads(written.read_text(encoding="utf-8")).get(what) if written.exists() else None
    return Path(found) if found else None


def resubmission(data: Path, home: Path | None, out: Path) -> dict:
    """One county's resubmission on the national home ours published: marts refreshed ≤ 5 s after load."""
    what = "one county's resubmission at national scale: marts refreshed after load"
    target = {"marts_s_at_most": 5}
    if home is None:
        return harness.workload("county_resubmission", what, target, {"marts_s": None},
                                {"ours": harness.not_run("not_run", "ours' panel path did not publish a home")})
    measured = harness.run_measured([sys.executable, "-m", "benchmarks.national_paths", "resubmission", str(data),
                                     str(home), str(out)], timeout_s=PATH_TIMEOUT_S)
    written = out / "result.json"
    result = json.loads(written.read_text(encoding="utf-8")) if written.exists() else {}
    record = harness.path_record(measured, result)
    record.update({k: result[k] for k in ("seconds", "county", "indicator", "file", "unprotected_cells")
                   if k in result})
    return harness.workload(
        "county_resubmission", what, target, {"marts_s": result.get("seconds", {}).get("marts")},
        {"ours": record, "naive": harness.not_run("not_applicable", "the naive path keeps no marts to refresh"),
         "limit_proxy": harness.not_run("not_applicable", "the limit proxy keeps no marts to refresh")},
        notes=["the county's rows of the gdca's last file, one stock's values one higher; marts_s: derive and "
               "every mart in the run's order (families the file touches rebuilt whole, for every area); the "
               "disclosure audit and the publish that follow are in the path's seconds"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(national_data.SIZES), default="full")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digecon-national-") as folder:
        run(args.size, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
