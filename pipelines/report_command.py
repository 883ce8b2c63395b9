"""`digecon report [--period 2023-12] -o DIR`: the monthly bulletin (监测月报) as report.html and report.pdf,
read from the serving DB only (pipelines/bulletin)."""

from __future__ import annotations

from pathlib import Path

from pipelines.bulletin import write_report
from pipelines.paths import Paths


def register(commands) -> None:
    parser = commands.add_parser(
        "report", help="write the monthly bulletin as HTML and PDF / 编制监测月报（HTML 与 PDF）")
    parser.add_argument("--period", metavar="MONTH",
                        help="the month, e.g. 2023-12 (default: the latest month with published figures)")
    parser.add_argument("-o", "--output", metavar="DIR", required=True, type=Path,
                        help="the folder to write report.html and report.pdf into")
    parser.set_defaults(handler=_handler)


def _handler(args) -> int:
    written = write_report(Paths.resolve(), args.output, args.period)
    print(written.html)
    print(written.pdf)
    return 0
