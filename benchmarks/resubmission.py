"""One area's resubmission on a home that has published: how long the marts take to be refreshed after load.

    python -m benchmarks.resubmission HOME FILE PROFILE MODE OUT

HOME is a copy of a published home (`digecon run --sample`'s), FILE one area's resubmission from PROFILE.
The file is landed, checked and loaded as a run does (pipelines/assets.py), then every mart is rebuilt in the
run's order (derive, the marts, the index, the target lights), timed apart from the load. MODE:
- ours: as a run does it, so the tables refreshed per indicator family (pipelines/build.py refresh) rebuild
  only the families the file touches;
- naive: the same with the refresh state forgotten first, so everything is rebuilt whole (what every run did
  before the family refresh).
Writes OUT/result.json: status, rows (observations loaded), load_s, marts_s and each mart's seconds.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path


def build_every_mart(con, reference_date, seconds: dict[str, float] | None = None,
                     before: Callable[[str], None] = lambda step: None) -> dict[str, float]:
    """derive, then every mart in the run's order (pipelines/assets.py), each timed into `seconds` (by name,
    returned); `before(step)` is called as each starts."""
    from pipelines.assets import MART_BUILDERS, mart_assets
    from pipelines.build import build_mart, derive

    names = [asset.key.path[-1].removeprefix("mart_") for asset in mart_assets] + ["index", "target_lights"]
    seconds = {} if seconds is None else seconds
    for name in ["derive", *names]:
        before(name)
        begun = time.perf_counter()
        if name == "derive":
            derive(con)
        else:
            MART_BUILDERS.get(name, build_mart)(con, name, reference_date=reference_date)
        seconds[name] = time.perf_counter() - begun
    return seconds


def main(home: Path, file: Path, profile: str, mode: str, out: Path) -> int:
    from indicators import reference
    from indicators.sample import SAMPLE_REFERENCE_DATE
    from indicators.served import read_served
    from pipelines.build import load_submission, open_build_db
    from pipelines.paths import Paths
    from pipelines.resources import shared_validator

    paths = Paths.resolve(home)
    landing = paths.landing_zone()
    started = time.perf_counter()
    receipt, _ = landing.receive(file.read_bytes(), file.name, profile, "benchmark")
    checked = shared_validator().check(landing.path_of(receipt), profile, display_name=file.name,
                                       history=read_served(paths.serving_db, reference.profiles()[profile]),
                                       reference_date=receipt.received_at.date())
    with open_build_db(paths) as con:
        rows = load_submission(con, receipt, landing.path_of(receipt), checked.report, checked.cells)
        load_s = time.perf_counter() - started
        if mode == "naive":
            con.execute("DELETE FROM ops.refresh_state")
        started = time.perf_counter()
        seconds = build_every_mart(con, SAMPLE_REFERENCE_DATE)
        marts_s = time.perf_counter() - started
        refreshed = con.execute("SELECT table_name, last_refresh, indicators_refreshed FROM ops.refresh_state"
                                " ORDER BY ALL").fetchall()
    out.mkdir(parents=True, exist_ok=True)
    (out / "result.json").write_text(json.dumps({
        "status": "ok" if checked.report.accepted else "rejected", "rows": rows, "load_s": round(load_s, 3),
        "marts_s": round(marts_s, 3), "mart_s": {k: round(v, 3) for k, v in seconds.items()},
        "refreshed": [list(r) for r in refreshed]}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4], Path(sys.argv[5])))
