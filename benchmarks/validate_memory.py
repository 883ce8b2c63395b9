"""Validation memory and time on a hostile file: a million rows of the same value (16 MB of CSV).

The file is what a careless export or an attacker sends: a wide CSV whose million rows all report
Shenzhen's 2023-06 5G stations, so every row after the first is a duplicate finding. Before findings were
capped and the file read a batch at a time, such a file gave a 1 GB report and took gigabytes (the
operations issue measured 5.4 GB and 9.5 minutes in the upload service).

Each measurement runs in a fresh Python process (so its peak RSS is its own): build the Validator, check
the file, serialise the report as the service and the CLI do. Side by side:
- current: this checkout;
- baseline: the code at BASELINE_COMMIT (the commit before the change), exported with `git archive`
  into a temporary folder and imported from there, on the same file (or on a smaller one with
  --baseline-rows, when the full size would take too long: the row counts are in the JSON).

Writes benchmarks/results/validate_memory.json.
Run: .venv/bin/python benchmarks/validate_memory.py [--rows 1000000] [--baseline-rows N | --no-baseline]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "benchmarks" / "results" / "validate_memory.json"
BASELINE_COMMIT = "f2b17a5"  # before bounded validation (findings uncapped, the whole file in memory)
PROFILE = "pilot-440300"
REFERENCE_DATE = "2024-01-10"
HEADER = "城市,期间,5G基站数\r\n"
ROW = "深圳,202306,1\r\n"  # 17 bytes: a million rows (17 MB, as in the issue) fit under the 20 MB limit

# Runs in the measured process: the same calls on either version of the code.
MEASURE = """
import datetime as dt, json, resource, sys, time
from pathlib import Path

def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

from indicators.validation import Validator

validator = Validator()
ready_mb = rss_mb()
start = time.perf_counter()
checked = validator.check(Path(sys.argv[1]), sys.argv[2], reference_date=dt.date.fromisoformat(sys.argv[3]))
report = checked.report.to_json()
seconds = time.perf_counter() - start
print(json.dumps({
    "check_and_report_s": round(seconds, 2),
    "rss_after_validator_built_mb": round(ready_mb, 1),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "report_bytes": len(report.encode()),
    "accepted": checked.report.accepted, "rows": checked.report.rows,
    "observations": checked.report.observations,
    "warnings_listed": len(checked.report.warnings),
    "duplicate_findings_counted": next(r.failed for r in checked.report.rule_results if r.rule == "duplicate_identical"),
}))
"""


def write_file(path: Path, rows: int) -> int:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        for _ in range(rows // 10_000):
            handle.write(ROW * 10_000)
        handle.write(ROW * (rows % 10_000))
    return path.stat().st_size


def measure(code_root: Path, path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    started = dt.datetime.now()
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path), PROFILE, REFERENCE_DATE], cwd=code_root,
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"failed": done.stderr[-2000:]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = round((dt.datetime.now() - started).total_seconds(), 2)
    return result


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=None, help="rows for the baseline (default: --rows)")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digecon-bench-") as folder:
        folder = Path(folder)
        results = {
            "benchmark": "validate_memory",
            "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "file": {"layout": "wide CSV, every row the same value (440300, 2023-06, fiveg_base_stations)",
                     "profile": PROFILE},
        }
        path = folder / "duplicates.csv"
        size = write_file(path, args.rows)
        say(f"current code: {args.rows:,} rows, {size / 1e6:.1f} MB …")
        results["current"] = {"rows_in_file": args.rows, "file_bytes": size, **measure(ROOT, path)}
        say(json.dumps(results["current"]))
        if not args.no_baseline:
            baseline_rows = args.baseline_rows or args.rows
            code = folder / "baseline"
            code.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE_COMMIT], capture_output=True,
                                     check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
            if baseline_rows != args.rows:
                path = folder / "baseline.csv"
                size = write_file(path, baseline_rows)
            say(f"baseline {BASELINE_COMMIT}: {baseline_rows:,} rows, {size / 1e6:.1f} MB …")
            results["baseline"] = {"commit": BASELINE_COMMIT, "rows_in_file": baseline_rows, "file_bytes": size,
                                   **measure(code, path)}
            say(json.dumps(results["baseline"]))
        results["issue_measurement"] = ("operations issue (9), before the change, a million duplicate rows (17 MB) "
                                        "uploaded to the service: 1 GB report, 5.4 GB peak, 9.5 minutes")
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    say(f"written to {RESULT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
