"""Monthly partitions: what is really per period (the month's completeness board, its release).

Keys are months as people write them ("2023-12"), from the calendar's first period to the last month
closed by the reference date, not by the machine's clock: on the bundled sample (reference date
2024-01-10) the last partition is 2023-12. The reference date is read when the code location loads
($DIGECON_REFERENCE_DATE, else today in the calendar's zone), as Dagster needs the set before any run.
"""

from __future__ import annotations

import datetime as dt
import os

import dagster as dg

from indicators import reference
from pipelines.paths import resolve_reference_date

KEY_FORMAT = "%Y-%m"


def monthly_partitions_until(reference_date: dt.date | None) -> dg.MonthlyPartitionsDefinition:
    """Months from the first period to the last one that has ended by `reference_date`; with none (the
    real today), Dagster's own clock moves the end on, so a long-running daemon's schedule keeps up."""
    return dg.MonthlyPartitionsDefinition(
        start_date=reference.calendar().first_period.strftime(KEY_FORMAT), fmt=KEY_FORMAT,
        end_date=reference_date.replace(day=1).strftime(KEY_FORMAT) if reference_date else None,  # exclusive
        end_offset=0, timezone=reference.calendar().timezone)


monthly_partitions = monthly_partitions_until(
    resolve_reference_date() if os.environ.get("DIGECON_REFERENCE_DATE") else None)


def partition_key(month: dt.date) -> str:
    return month.strftime(KEY_FORMAT)


def partition_period(key: str) -> dt.date:
    """The partition as the DATE that SQL compares with (a string period silently matches nothing)."""
    return dt.datetime.strptime(key, KEY_FORMAT).date()
