"""`digecon run`, `digecon rebuild`, `digecon dev`."""

from __future__ import annotations

import os

from pipelines import runner
from pipelines.warehouse import Paths, reference_date_or_today


def _reference_date(args):
    return reference_date_or_today(args.reference_date or os.environ.get("DIGECON_REFERENCE_DATE"))


def register(commands) -> None:
    run = commands.add_parser("run", help="land new files and run the whole pipeline, then print a summary")
    run.add_argument("--sample", action="store_true", help="land the bundled sample submissions first")
    run.add_argument("--reference-date", help="the date that counts as today (default: $DIGECON_REFERENCE_DATE, else today)")
    run.set_defaults(handler=lambda args: runner.run(Paths.resolve(), _reference_date(args), args.sample))

    rebuild = commands.add_parser("rebuild", help="replay the landing zone in received order into a fresh build DB")
    rebuild.add_argument("--reference-date")
    rebuild.set_defaults(handler=lambda args: runner.rebuild(Paths.resolve(), _reference_date(args)))

    dev = commands.add_parser("dev", help="open the Dagster UI and daemon on 127.0.0.1:3000 (dagster dev)")
    dev.set_defaults(handler=lambda args: runner.dagster_dev(Paths.resolve()))
