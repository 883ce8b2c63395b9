"""`digecon validate FILE --as PROFILE [--json] [--history-db PATH]`: check a file before sending it.

Exit codes: 0 accepted (warnings allowed), 1 rejected, 2 unreadable file, a file over a limit
(ReadLimits; `DIGECON_MAX_…` variables raise them) or wrong usage (unknown profile). With --json the
report object is printed on stdout on every exit, 2 included; without it an unreadable file, a file over
a limit or an unknown profile is one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indicators import reference
from indicators.readers import BadLimitSetting
from indicators.report import Finding, Report
from indicators.served import read_served
from pipelines.paths import Paths

EXIT_ACCEPTED, EXIT_REJECTED, EXIT_UNUSABLE = 0, 1, 2
UNUSABLE_RULES = {"unreadable", "limit_exceeded", "profile_unknown"}  # the file was never checked against the rules


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "validate", help="check a submission file and explain every problem (校验报送文件)",
        description="Check a CSV or XLSX submission against the rules, as the upload service would, and "
                    "list every problem with its sheet, row (as Excel shows it) and column, in Chinese and "
                    "English. Exit 0 accepted (warnings allowed), 1 rejected, 2 unreadable, over a limit or wrong usage. "
                    "报送前校验文件：逐条列出问题所在的工作表、行号和列名。",
        epilog="example / 例: digecon validate 深圳-2023-06.xlsx --as pilot-440300")
    parser.add_argument("file", type=Path, help="the CSV or XLSX file to check")
    parser.add_argument("--as", dest="profile", required=True, metavar="PROFILE",
                        help=f"who sends the file (报送方): {', '.join(reference.profiles())}")
    parser.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    parser.add_argument("--history-db", type=Path, default=None,
                        help="serving DuckDB for the history checks (default: $DIGECON_HOME/serving/…)")
    parser.set_defaults(handler=run)
    return parser


def exit_code(report: Report) -> int:
    if any(f.rule in UNUSABLE_RULES for f in report.errors):
        return EXIT_UNUSABLE
    return EXIT_ACCEPTED if report.accepted else EXIT_REJECTED


def run(args: argparse.Namespace) -> int:
    from indicators.validation import Validator  # pandas, openpyxl: only when the command runs

    try:
        validator = Validator()  # the limits: defaults, or the environment's DIGECON_MAX_… overrides
    except BadLimitSetting as exc:
        print(f"digecon validate: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return EXIT_UNUSABLE
    # The history rules read the serving DB under DIGECON_HOME unless told otherwise.
    profile = reference.profiles().get(args.profile)
    history = read_served(args.history_db or Paths.resolve().serving_db, profile) if profile else None
    report = validator.check(args.file, args.profile, history=history).report
    code = exit_code(report)
    if args.json:
        print(report.to_json())
    elif code == EXIT_UNUSABLE:  # the file was never checked: one line saying why, not an empty report
        [error] = report.errors
        where = f"{_place(error)}: " if error.row is not None else ""
        print(f"digecon validate {report.file}: {where}{error.message_zh} / {error.message_en}", file=sys.stderr)
    else:
        print(format_report(report))
    return code


SEVERITY_LABELS = {"error": "错误 error", "warning": "警告 warning"}


def _place(finding: Finding) -> str:
    parts = []
    if finding.sheet:
        parts.append(f"工作表 sheet {finding.sheet}")
    parts.append(f"第 {finding.row} 行 row {finding.row}" if finding.row is not None else "整个文件 whole file")
    if finding.column:
        parts.append(f"列 column “{finding.column}”")
    if finding.value not in (None, ""):
        parts.append(f"值 value “{finding.value}”")
    return " · ".join(parts)


def format_report(report: Report) -> str:
    """The findings as a bilingual list, sorted by row."""
    verdict = "接收 ACCEPTED" if report.accepted else "拒收 REJECTED"
    lines = [
        f"文件 file: {report.file}   报送方 profile: {report.profile}",
        f"sha256: {report.sha256}",
        (f"结果 result: {verdict} — {len(report.errors)} 个错误 errors, {len(report.warnings)} 个警告 warnings; "
         f"{report.rows} 行数据 data rows, {report.observations} 个数值可装载 values to load"),
    ]
    for finding in [*report.errors, *report.warnings]:
        lines += [
            "",
            f"[{SEVERITY_LABELS[finding.severity]}] {_place(finding)}   ({finding.rule})",
            f"    {finding.message_zh}",
            f"    {finding.message_en}",
        ]
    return "\n".join(lines)
