"""`digecon export --format F [--period P] -o DIR`: what the warehouse publishes, for other systems and for
people, read from the serving DB only (pipelines/exports.py)."""

from __future__ import annotations

from pathlib import Path

from pipelines import exports
from pipelines.paths import Paths


def register(commands) -> None:
    parser = commands.add_parser(
        "export", help="export the published data: SDMX-CSV, Parquet or Excel / 导出已发布数据")
    parser.add_argument("--format", required=True, choices=exports.FORMATS, dest="fmt",
                        help="sdmx-csv-1 / sdmx-csv-2 (released observations and the DSD), parquet (every mart"
                             " table), xlsx (one workbook per released period)")
    parser.add_argument("--period", metavar="PERIOD",
                        help="only this period (2023-12, 2023-Q4 or 2023); not for parquet")
    parser.add_argument("-o", "--output", metavar="DIR", required=True, type=Path, help="the folder to write into")
    parser.set_defaults(handler=_handler)


def _handler(args) -> int:
    written = exports.export(Paths.resolve(), args.fmt, args.output, args.period)
    for path in written:
        print(path)
    return 0
