"""`digecon`: the command line of the monitoring system.

Each command module exposes ``register(commands)``, which adds its sub-parser(s) and sets ``handler``
(a function taking the parsed args and returning the exit code).

Errors look the same for every command: one line on stderr, `digecon: <中文> / <English>`, never a
traceback. Exit codes:
- 1: the command was understood but cannot be done — a handler raised a `BilingualError` (an unknown
  profile, a bad date or period, a token that does not exist …), a file cannot be read or written, or
  another program holds the warehouse.
- 2: the command line itself is wrong, as argparse finds it (an unknown option, a missing argument, a
  value of the wrong type), the usual exit status for a usage error. Bare `digecon` (or `digecon token`)
  prints its help and exits 2 too: nothing was done, so a script whose command went missing fails.
- `digecon validate` keeps its own documented contract (0 accepted, 1 rejected, 2 unreadable).
- `digecon explain` exits 2 when the figure cannot be explained: an unknown area, period or indicator,
  or no published value (pipelines/explain_command.py).
"""

from __future__ import annotations

import argparse
import errno
import functools
import importlib
import os
import re
import sys
from importlib.metadata import version
from typing import NoReturn

import duckdb

from indicators.errors import BilingualError
from pipelines.paths import build_memory_mb, resolve_reference_date

COMMAND_MODULES = [
    "pipelines.run_commands",  # run, rebuild, dev
    "pipelines.validate_command",  # validate
    "pipelines.rules_command",  # rules
    "pipelines.release_command",  # release
    "pipelines.service_commands",  # serve, token, template
    "pipelines.ops_commands",  # submit, backup, restore, instance
    "pipelines.export_command",  # export
    "pipelines.explain_command",  # explain
    "pipelines.report_command",  # report
]
USAGE_ERROR = 2

# argparse's usage errors in Chinese (its English text stays as the English half).
_USAGE_ZH = [
    (re.compile(r"the following arguments are required: (.+)"), "缺少参数 {0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数 {0}"),
    (re.compile(r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)"), "参数 {0} 的取值 {1} 无效（可选：{2}）"),
    (re.compile(r"argument (\S+): invalid \w+ value: (.+)"), "参数 {0} 的取值 {1} 无效"),
    (re.compile(r"argument (\S+): expected .*argument"), "参数 {0} 后缺少取值"),
]
_OS_ERRORS_ZH = {
    errno.ENOENT: "文件或文件夹不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个文件夹", errno.ENOSPC: "磁盘已满", errno.EROFS: "只读文件系统",
}


def one_line(error: BilingualError) -> str:
    """The one error format, on a single line whatever the messages hold."""
    return "digecon: " + " ".join(str(error).split())


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors in the one bilingual format (sub-parsers inherit the class)."""

    def error(self, message: str) -> NoReturn:
        zh = next((template.format(*match.groups()) for pattern, template in _USAGE_ZH
                   if (match := pattern.fullmatch(message))), "命令行有误")
        error = BilingualError(f"{zh}（用法见 {self.prog} --help）", f"{message} (usage: {self.prog} --help)")
        self.exit(USAGE_ERROR, one_line(error) + "\n")


def build_parser() -> Parser:
    parser = Parser(prog="digecon", description="广东数字经济统计监测 / Guangdong digital-economy monitoring",
                    epilog="digecon COMMAND --help 查看各命令的用法 / shows each command's options")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('digecon')}",
                        help="print the version and exit / 显示版本号")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands / 命令")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    _help_without_a_command(parser)
    return parser


def _help_without_a_command(parser: argparse.ArgumentParser) -> None:
    """A parser with sub-commands, given none, prints its help: `digecon`, `digecon token`."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            parser.set_defaults(handler=functools.partial(_print_help, parser))
            for sub in action.choices.values():
                _help_without_a_command(sub)


def _print_help(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    parser.print_help()
    return USAGE_ERROR


def _check_reference_date(args: argparse.Namespace) -> None:
    """Every command taking --reference-date gets it as a date, checked once here (it may also come from
    $DIGECON_REFERENCE_DATE)."""
    if "reference_date" not in vars(args):
        return
    try:
        args.reference_date = resolve_reference_date(args.reference_date)
    except ValueError:
        given, text = (("--reference-date", args.reference_date) if args.reference_date
                       else ("DIGECON_REFERENCE_DATE", os.environ.get("DIGECON_REFERENCE_DATE")))
        raise BilingualError(f"{given} 的日期“{text}”无效：请写作 2024-01-10",
                             f"{given} {text!r} is not a date: write it as 2024-01-10") from None


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)  # the parser lists profiles: a bad area register fails here
        _check_reference_date(args)
        build_memory_mb()  # a bad setting is one line here, not a failed step inside a run
        return args.handler(args)
    except BilingualError as error:
        return _fail(error)
    except duckdb.IOException as error:  # DuckDB lets one process hold a database file for writing
        return _fail(BilingualError("仓库文件正被其他程序占用", f"another program holds the warehouse file: {error}"))
    except OSError as error:
        name = f" {error.filename}" if error.filename else ""
        reason_zh = _OS_ERRORS_ZH.get(error.errno, error.strerror)
        return _fail(BilingualError(f"无法读写文件{name}（{reason_zh}）",
                                    f"cannot read or write{name}: {error.strerror or error}"))


def _fail(error: BilingualError) -> int:
    print(one_line(error), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
