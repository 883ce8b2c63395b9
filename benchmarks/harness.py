"""What every benchmark shares: timing a command in its own process, the workload record, the JSON result,
and the README table rendered from the results.

A workload record: `target` (bounds named `<metric>_at_most` / `<metric>_at_least`), `measured` (the
metrics), `meets_target` (computed from them: None when a metric could not be measured), `peak_rss_mb`,
`paths` = {ours, naive, limit_proxy} each with `status`, `wall_s`, `rows`, `rows_per_s`, `peak_rss_mb`
(and `reason` when it could not run), and `ratios` between the paths' wall times.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PATHS = ("ours", "naive", "limit_proxy")
RAN = ("ok",)  # statuses of a path that ran and was timed


# Linux counts in a process's peak RSS the memory of the process that forked it (the high-water mark
# carried over at exec), so a big harness would inflate every measurement. A bare Python (about 10 MB)
# starts the command instead and writes that command's rusage (itself and the children it waited for).
LAUNCHER = """import os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as handle:
    handle.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(command: list[str], *, env: dict | None = None, cwd: Path = ROOT,
                 timeout_s: float | None = None) -> dict:
    """Runs `command` in its own process: wall seconds, its peak RSS (that process and the children it
    waited for, nothing else), its exit code, its stdout and the end of its stderr. Past `timeout_s` the
    command and its children are killed: `timed_out`, and the wall time is how long it was let run."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".maxrss") as maxrss:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-S", "-c", LAUNCHER, maxrss.name, *command], cwd=cwd,
                                   env=env, stdout=out, stderr=err, start_new_session=True)
        try:
            process.wait(timeout=timeout_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the launcher's session: the command too
            process.wait()
            timed_out = True
        wall = time.perf_counter() - started
        err.seek(0)
        out.seek(0)
        kilobytes = maxrss.read().strip()
        return {"wall_s": round(wall, 3), "peak_rss_mb": round(int(kilobytes) / 1024, 1) if kilobytes else None,
                "returncode": process.returncode, "timed_out": timed_out, "stdout": out.read().decode(errors="replace"),
                "stderr_tail": err.read()[-3000:].decode(errors="replace")}


def path_record(measured: dict | None, result: dict, rows: int | None = None) -> dict:
    """One path's entry: timed if it ran, otherwise its status and why."""
    if measured is not None and measured.get("timed_out"):
        return {"status": "timed_out", "reason": f"stopped after {measured['wall_s']:.0f} s"
                + (f", {result['reached']}" if result.get("reached") else ""),
                "wall_s": None, "rows": result.get("rows"), "rows_per_s": None, "peak_rss_mb": None,
                "stopped_after_s": measured["wall_s"], **({"stages_s": result["stages_s"]} if "stages_s" in result else {})}
    if measured is not None and measured["returncode"] != 0 and result.get("status") is None:
        return {"status": "failed", "reason": measured["stderr_tail"].strip().splitlines()[-1:] or ["no output"],
                "wall_s": None, "rows": None, "rows_per_s": None, "peak_rss_mb": measured["peak_rss_mb"]}
    status = result.get("status", "ok")
    record = {"status": status}
    if result.get("reason"):
        record["reason"] = result["reason"]
    rows = result.get("rows", rows)
    if status in RAN and measured is not None:
        record.update(wall_s=measured["wall_s"], rows=rows,
                      rows_per_s=round(rows / measured["wall_s"]) if rows and measured["wall_s"] else None,
                      peak_rss_mb=measured["peak_rss_mb"])
    else:
        record.update(wall_s=None, rows=rows, rows_per_s=None, peak_rss_mb=None)
    if "stages_s" in result:  # where a path's time went
        record["stages_s"] = result["stages_s"]
    return record


def not_run(status: str, reason: str) -> dict:
    return {"status": status, "reason": reason, "wall_s": None, "rows": None, "rows_per_s": None, "peak_rss_mb": None}


def ratios(paths: dict) -> dict:
    def ratio(a: str, b: str) -> float | None:
        x, y = paths.get(a, {}).get("wall_s"), paths.get(b, {}).get("wall_s")
        return round(x / y, 3) if x and y else None
    return {"ours_over_naive": ratio("ours", "naive"), "ours_over_limit_proxy": ratio("ours", "limit_proxy"),
            "naive_over_ours": ratio("naive", "ours"), "naive_over_limit_proxy": ratio("naive", "limit_proxy")}


def meets(target: dict, measured: dict) -> bool | None:
    """Every bound in `target` against `measured`: False if one is missed, else None if a bounded metric was
    not measured."""
    verdicts = []
    for key, bound in target.items():
        metric, _, side = key.rpartition("_at_")
        value = measured.get(metric)
        verdicts.append(None if value is None else value <= bound if side == "most" else value >= bound)
    return False if False in verdicts else None if None in verdicts else True  # one bound missed is enough


def workload(name: str, what: str, target: dict, measured: dict, paths: dict, *, notes: list[str] | None = None,
             **extra) -> dict:
    """A workload's record; `measured` holds the metrics the target bounds (None where not measured)."""
    paths = {p: paths.get(p) or not_run("not_applicable", "no such path for this workload") for p in PATHS}
    rss = [p["peak_rss_mb"] for p in paths.values() if p.get("peak_rss_mb") is not None]
    unmet = [p for p in paths.values() if p["status"] not in RAN and p["status"] != "not_applicable"]
    return {"name": name, "what": what, "target": target, "measured": measured, "meets_target": meets(target, measured),
            "peak_rss_mb": measured.get("peak_rss_mb", paths["ours"].get("peak_rss_mb") or (max(rss) if rss else None)),
            "paths": paths, "ratios": ratios(paths), "notes": (notes or []) + [
                f"{p['status']}: {p['reason']}" for p in unmet if p.get("reason")], **extra}


def machine() -> dict:
    import duckdb
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "duckdb": duckdb.__version__,
            "platform": platform.platform(), "memory_gb": round(os.sysconf("SC_PAGE_SIZE")
                                                                 * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            # the machine is shared: the load when the result was written says how quiet it was
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()]}


def write_result(benchmark: str, size: str, workloads: list[dict], results: Path = RESULTS, **extra) -> Path:
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{benchmark}.json"
    document = {"benchmark": benchmark, "size": size, "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": machine(), **extra, "workloads": workloads}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the README table


def _number(value, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.3g}{unit}" if isinstance(value, float) and value < 100 else f"{value:,.0f}{unit}"


def _bounds(target: dict) -> str:
    return ", ".join(f"{key.rpartition('_at_')[0]} {'≤' if key.endswith('most') else '≥'} {bound:g}"
                     for key, bound in target.items())


def _measured(target: dict, measured: dict) -> str:
    return ", ".join(f"{key.rpartition('_at_')[0]} {_number(measured.get(key.rpartition('_at_')[0]))}"
                     for key in target)


def readme_table(results: Path = RESULTS) -> str:
    """The README's Benchmarks table: one line per workload of every result in the new shape."""
    lines = ["| benchmark · workload | target | measured | met | ours | naive | limit proxy |",
             "|---|---|---|---|---|---|---|"]
    for path in sorted(results.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for w in document.get("workloads", []):
            met = {True: "yes", False: "**no**", None: "not measured"}[w["meets_target"]]
            cells = []
            for name in PATHS:
                p = w["paths"][name]
                cells.append(f"{_number(p['wall_s'], ' s')}, {_number(p['peak_rss_mb'], ' MB')}"
                             if p["status"] in RAN else p["status"].replace("_", " "))
            lines.append(f"| {document['benchmark']} · {w['name']} | {_bounds(w['target'])} | "
                         f"{_measured(w['target'], w['measured'])} | {met} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def update_readme(readme: Path = ROOT / "README.md", results: Path = RESULTS) -> None:
    """Replaces the table between the Benchmarks section's markers with the one rendered from the results."""
    begin, end = "<!-- bench-table:begin -->", "<!-- bench-table:end -->"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{begin}\n{readme_table(results)}\n{end}{tail}", encoding="utf-8")
