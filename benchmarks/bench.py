"""`make bench`: every benchmark at full size, one JSON each under benchmarks/results/, then the README's
Benchmarks table rendered from them.

Order matters where one benchmark measures what another built: the national benchmark's limit proxy
leaves the national DuckDB file and `digecon run --sample` the serving DB that the BI queries run on.
The upload latency benchmark (benchmarks/upload_latency.py) runs last, on its own sample home.

Run: .venv/bin/python benchmarks/bench.py [--size full|small] [--results DIR] [--no-upload] [--no-readme]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import commands, harness, national  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["full", "small"], default="full")
    parser.add_argument("--results", type=Path, default=harness.RESULTS)
    parser.add_argument("--no-upload", action="store_true", help="skip benchmarks/upload_latency.py")
    parser.add_argument("--no-readme", action="store_true", help="leave README.md's table as it is")
    args = parser.parse_args()
    rounds = 5 if args.size == "full" else 1
    with tempfile.TemporaryDirectory(prefix="digecon-bench-") as folder:
        work = Path(folder)
        found = national.run(args.size, work / "national", args.results)
        commands.cold_validate(work, rounds, args.results)
        _, serving_db = commands.sample_run(work, args.results, 3 if args.size == "full" else 1)
        commands.resubmission(serving_db.parents[1], work, args.results)
        commands.bi(serving_db, found["proxy_db"], work, 20 if args.size == "full" else 3, args.results, args.size,
                    national_serving_db=found["ours_serving_db"])
    if not args.no_upload:
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "upload_latency.py")], check=True)
    if not args.no_readme:
        harness.update_readme(results=args.results)
    print(harness.readme_table(args.results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
