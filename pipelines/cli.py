"""`digecon`: the command line of the monitoring system.

Each command module exposes ``register(commands)``, which adds its sub-parser(s) and sets ``handler``
(a function taking the parsed args and returning the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys

import duckdb

COMMAND_MODULES = [
    "pipelines.run_commands",  # run, rebuild, dev
    "pipelines.validate_command",  # validate
    "pipelines.rules_command",  # rules
    "pipelines.release_command",  # release
    "pipelines.service_commands",  # serve, token, template
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="digecon", description="Guangdong digital-economy monitoring / 广东数字经济统计监测")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except duckdb.IOException as error:  # DuckDB lets one process hold a database file for writing
        print(f"digecon: 仓库文件正被其他程序占用 / another program holds the warehouse file: {error}",
              file=sys.stderr)
        return 1
    except OSError as error:
        print(f"digecon: 无法读写文件 / cannot read or write a file: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
