"""Monthly partitions: what is really per period (the month's completeness board, its release)."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from indicators import reference

# Partition keys are the first day of the month ("2023-12-01"); the schedule runs in Shanghai time.
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=reference.calendar().first_period.isoformat(), timezone=reference.calendar().timezone, end_offset=0)


def partition_period(partition_key: str) -> dt.date:
    """The partition as the DATE that SQL compares with (a string period silently matches nothing)."""
    return dt.date.fromisoformat(partition_key)
