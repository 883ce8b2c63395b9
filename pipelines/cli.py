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
    except (OSError, duckdb.IOException) as error:  # e.g. another program holds the warehouse file
        print(f"digecon: 无法打开文件，可能正被其他程序占用 / cannot open a file, perhaps another program"
              f" holds it: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
