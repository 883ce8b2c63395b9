"""`digecon release PERIOD [--by NAME]`: an analyst releases a month, and BI's released views show it.

The release is recorded in the landing zone (who and when), like a withdrawal, so that `digecon rebuild`
replays it; the pipeline run that follows copies it into ops.releases, rebuilds the marts and publishes.
Releasing a month releases every period that ends in it: the month, a quarter ending then and, in
December, the year. A period is released once; values that change afterwards are new vintages, listed
in mart.revisions (mart.v_released_revisions).
"""

from __future__ import annotations

import datetime as dt
import getpass

from indicators import reference
from indicators.errors import BilingualError
from indicators.values import parse_period
from pipelines import runner
from pipelines.paths import Paths, resolve_reference_date


def register(commands) -> None:
    release = commands.add_parser(
        "release", help="release a month: its values stop being provisional and enter the BI views / 发布月度数据")
    release.add_argument("period", metavar="PERIOD",
                         help="the month to release, e.g. 2023-12 (with its quarter and, in December, its year)")
    release.add_argument("--by", metavar="NAME", help="who releases it (default: the login name)")
    release.add_argument("--reference-date", metavar="YYYY-MM-DD",
                         help="the date that counts as today (default: $DIGECON_REFERENCE_DATE, else today)")
    release.set_defaults(handler=_handler)


def _handler(args) -> int:
    return release(Paths.resolve(), args.period, args.by or getpass.getuser(),
                   resolve_reference_date(args.reference_date))


def release(paths: Paths, period_text: str, by: str, reference_date: dt.date,
            released_at: dt.datetime | None = None) -> int:
    """Record the release, then run the pipeline so that the marts and the serving DB show it. Raises
    `BilingualError` for a period that cannot be released."""
    month, problem = releasable_month(period_text, reference_date)
    if problem:
        raise problem
    recorded, is_new = paths.landing_zone().release(month, by, released_at)
    label = f"{month:%Y-%m}"
    if not is_new:
        runner.say(f"digecon: {label} was already released on {recorded.released_at:%Y-%m-%d %H:%M} by"
                   f" {recorded.released_by}; a changed value needs a new vintage (see mart.revisions).")
        return 0
    runner.say(f"digecon: {label} released by {recorded.released_by} at {recorded.released_at:%Y-%m-%d %H:%M};")
    runner.say("  rebuilding the marts and publishing …")
    runner.execute_pipeline(paths, reference_date)
    runner.say(f"Released values are in mart.v_released_* of {paths.serving_db}")
    _say_still_owed(paths, month)
    return 0


def _say_still_owed(paths: Paths, month: dt.date) -> None:
    """What the released periods still lack by the board: those values, when they come, enter the released
    views at once (and the totals and rates they feed), so the analyst should know they are to come."""
    import duckdb

    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        owed = con.execute("SELECT completeness_status, count(*) FROM mart.completeness WHERE period_month = ?"
                           " AND completeness_status NOT IN ('received', 'received_late') GROUP BY ALL ORDER BY ALL",
                           [month]).fetchall()
    if owed:
        counts = ", ".join(f"{n:,} {status}" for status, n in owed)
        runner.say(f"  still owed for periods ending {month:%Y-%m}: {counts} (mart.completeness); values that"
                   " come later are listed as added in mart.v_released_revisions.")


def releasable_month(text: str, reference_date: dt.date) -> tuple[dt.date | None, BilingualError | None]:
    """The month to release, or why it cannot be: not a month, before monitoring began, not over yet."""
    period = parse_period(text)
    if period is None or period.freq != "M":
        return None, BilingualError(f"“{text}”不是月份：请写作 2023-12", f"{text!r} is not a month: write it as 2023-12")
    first = reference.calendar().first_period
    if period.start < first:
        return None, BilingualError(f"{text} 早于监测开始的月份（{first:%Y-%m}）",
                                    f"{text} is before monitoring began ({first:%Y-%m})")
    if period.end >= reference_date:
        return None, BilingualError(f"{text} 到参考日期 {reference_date} 还没有结束",
                                    f"{text} has not ended by the reference date {reference_date}")
    return period.start, None
