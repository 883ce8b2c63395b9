"""`digecon run`, `digecon rebuild`, `digecon dev`."""

from __future__ import annotations

from pipelines import runner
from pipelines.paths import Paths, resolve_reference_date


def register(commands) -> None:
    run = commands.add_parser(
        "run", help="处理新到文件并运行整个流程 / land new files and run the whole pipeline, then print a summary")
    run.add_argument("--sample", action="store_true", help="land the bundled sample submissions first")
    run.add_argument("--reference-date", help="the date that counts as today (default: $DIGECON_REFERENCE_DATE, else today)")
    run.set_defaults(handler=lambda args: runner.run(Paths.resolve(), resolve_reference_date(args.reference_date), args.sample))

    rebuild = commands.add_parser(
        "rebuild", help="按接收顺序重放所有文件，重建仓库 / replay the landing zone in received order into a fresh build DB")
    rebuild.add_argument("--reference-date", help="the date that counts as today (default: $DIGECON_REFERENCE_DATE, else today)")
    rebuild.set_defaults(handler=lambda args: runner.rebuild(Paths.resolve(), resolve_reference_date(args.reference_date)))

    dev = commands.add_parser(
        "dev", help="打开 Dagster 界面和后台进程 / open the Dagster UI and daemon (dagster dev), by default on 127.0.0.1:3000")
    dev.add_argument("--host", default="127.0.0.1",
                     help="the address the UI listens on (default 127.0.0.1; put TLS in front of any other)")
    dev.add_argument("--port", type=int, default=3000, help="the UI's port (default 3000)")
    dev.set_defaults(handler=lambda args: runner.dagster_dev(Paths.resolve(), args.host, args.port))
