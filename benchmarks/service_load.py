"""Upload service under load: uploads of distinct files from six tokens at once, and the same bytes sent
several times at once, against a real `digecon serve` on loopback, while a BI reader queries the
serving DB. Every file must land exactly once and the repeated bytes give one submission; the p95
latency of the answers and the service's peak memory (VmHWM) are recorded.

Full size (30 distinct files, 6 tokens, the same bytes 10 times; a serving DB from `digecon run
--sample` that the checks read and the BI reader queries, and a `digecon run` afterwards that must load
each landed file once) writes benchmarks/results/service_load.json:

    .venv/bin/python benchmarks/service_load.py

tests/test_service_load.py runs `run_load` at a small size and asserts what it found, never its times.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the tests' harness starts and stops the real service

from corpus import LONG_HEADER, csv_bytes  # noqa: E402
from service_harness import DIGECON, start_service  # noqa: E402

from indicators import reference  # noqa: E402
from indicators.landing import LandingZone, sha256_of  # noqa: E402
from indicators.tokens import TokenStore  # noqa: E402

RESULT = ROOT / "benchmarks" / "results" / "service_load.json"
REFERENCE_DATE = "2024-01-10"  # the sample's "today"
PROFILES = ["gdca", "gdiit", "gdgsa", "gdstats", "pilot-440300", "pilot-441900"]  # one token each
BI_QUERY = """SELECT area_code, period, value FROM mart.observations
              WHERE indicator_code = 'fiveg_per_10k_people' ORDER BY period DESC, value DESC LIMIT 21"""


@dataclass
class Load:
    """What one load run found."""

    statuses: dict[str, list[int]] = field(default_factory=dict)  # "distinct" / "same": HTTP statuses
    seconds: list[float] = field(default_factory=list)  # every request's wait for its answer
    landed_once: bool = False
    same_bytes_submissions: int = 0
    peak_rss_mb: float = 0.0
    bi_queries: int = 0
    bi_errors: list[str] = field(default_factory=list)

    def p95(self) -> float:
        return statistics.quantiles(self.seconds, n=20, method="inclusive")[-1]


def say(message: str) -> None:
    print(message, flush=True)


def file_for(profile: str, number: int) -> bytes:
    """A valid one-value file of `profile`, its value (and so its bytes) set by `number`."""
    allowed = reference.profiles()[profile]
    catalogue = reference.catalogue()
    indicator = catalogue[min(code for code in allowed.indicators if not catalogue[code].is_derived)]
    city = reference.city_by_code()[min(allowed.cities)]
    period = {"M": "2023-06", "Q": "2023Q2", "A": "2022"}[indicator.freq]
    return csv_bytes([LONG_HEADER, [city.name_zh, period, indicator.name_zh, str(1000 + number), indicator.unit, ""]])


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (Linux: VmHWM in /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: not Linux?")


def query_while(serving_db: Path, running: threading.Event, load: Load) -> None:
    """A BI reader: connect read-only, query, disconnect, again and again while the load runs."""
    while running.is_set():
        try:
            with duckdb.connect(str(serving_db), read_only=True) as con:
                con.execute(BI_QUERY).fetchall()
            load.bi_queries += 1
        except duckdb.Error as error:
            load.bi_errors.append(str(error))


def run_load(home: Path, per_token: int, same_times: int) -> Load:
    """`per_token` distinct files from each of the six profiles' tokens and one file `same_times` times
    over, all at once, against a service on `home`; a BI reader queries the serving DB meanwhile if
    there is one."""
    secrets = {profile: TokenStore.at(home).create(profile, f"load-{profile}", actor="benchmark")[1]
               for profile in PROFILES}
    distinct = [(profile, file_for(profile, n)) for n in range(per_token) for profile in PROFILES]
    same = file_for("gdca", 999)
    sends = [("distinct", profile, data) for profile, data in distinct] + [("same", "gdca", same)] * same_times
    load = Load()
    service = start_service(home, "--uploads-per-minute", str(per_token + same_times))
    serving_db = home / "serving" / "digital_economy.duckdb"
    running = threading.Event()
    running.set()
    reader = threading.Thread(target=query_while, args=(serving_db, running, load)) if serving_db.exists() else None
    try:
        with httpx.Client(timeout=300, limits=httpx.Limits(max_connections=len(sends))) as client:
            def send(item: tuple[str, str, bytes]) -> tuple[str, int, float]:
                kind, profile, data = item
                started = time.perf_counter()
                response = client.post(f"{service.url}/api/v1/submissions", files={"file": (f"{profile}.csv", data)},
                                       headers={"Authorization": f"Bearer {secrets[profile]}"})
                return kind, response.status_code, time.perf_counter() - started

            if reader:
                reader.start()
            with ThreadPoolExecutor(max_workers=len(sends)) as pool:
                answers = list(pool.map(send, sends))
        load.peak_rss_mb = peak_rss_mb(service.process.pid)
    finally:
        running.clear()
        if reader:
            reader.join()
        service.stop()
    for kind, status, seconds in answers:
        load.statuses.setdefault(kind, []).append(status)
        load.seconds.append(seconds)
    landed = [r.sha256 for r in LandingZone(home / "landing").receipts()]
    load.landed_once = all(landed.count(sha256_of(data)) == 1 for _, data in distinct)
    load.same_bytes_submissions = landed.count(sha256_of(same))
    return load


def loaded_once(home: Path, env: dict) -> bool:
    """After a `digecon run`: every landed file is in the serving DB's results exactly once."""
    subprocess.run([str(DIGECON), "run"], env=env, check=True, capture_output=True)
    landed = sorted(r.submission_id for r in LandingZone(home / "landing").receipts())
    with duckdb.connect(str(home / "serving" / "digital_economy.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT submission_id, count(DISTINCT rule) = count(*) FROM mart.data_quality"
                           " GROUP BY submission_id ORDER BY submission_id").fetchall()
    return [submission_id for submission_id, _ in rows] == landed and all(once for _, once in rows)


def main() -> int:
    per_token, same_times = 5, 10
    with tempfile.TemporaryDirectory(prefix="digecon-load-") as folder:
        home = Path(folder) / "home"
        env = {**os.environ, "DIGECON_HOME": str(home), "DIGECON_REFERENCE_DATE": REFERENCE_DATE,
               "DAGSTER_HOME": str(home / "dagster")}
        say("setting up: digecon run --sample (the serving DB the checks read and BI queries) …")
        subprocess.run([str(DIGECON), "run", "--sample"], env=env, check=True, capture_output=True)
        landed_before = len(LandingZone(home / "landing").receipts())
        say(f"{per_token * len(PROFILES)} distinct uploads from {len(PROFILES)} tokens and the same bytes "
            f"{same_times} times, at once …")
        load = run_load(home, per_token, same_times)
        say("digecon run: each landed file loaded once?")
        every_file_loaded_once = loaded_once(home, env)
    results = {
        "what": "concurrent uploads over loopback HTTP to digecon serve, a BI reader querying the serving DB",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "tokens": len(PROFILES), "distinct_uploads": per_token * len(PROFILES), "same_bytes_sends": same_times,
        "landed_before": landed_before,
        "statuses": {kind: dict(sorted(Counter(str(s) for s in statuses).items()))
                     for kind, statuses in load.statuses.items()},
        "each_distinct_file_landed_once": load.landed_once,
        "same_bytes_submissions": load.same_bytes_submissions,
        "each_landed_file_loaded_once": every_file_loaded_once,
        "latency_seconds": {"p50": round(statistics.median(load.seconds), 3), "p95": round(load.p95(), 3),
                            "max": round(max(load.seconds), 3)},
        "service_peak_rss_mb": round(load.peak_rss_mb, 1),
        "bi_reader": {"queries": load.bi_queries, "errors": load.bi_errors[:5]},
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    say(json.dumps(results, ensure_ascii=False, indent=2))
    ok = load.landed_once and load.same_bytes_submissions == 1 and every_file_loaded_once and not load.bi_errors
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
