"""`digecon`: the command line of the monitoring system.

Each command module exposes ``register(commands)``, which adds its sub-parser(s) and sets ``handler``
(a function taking the parsed args and returning the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys

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
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
