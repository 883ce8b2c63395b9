"""Monthly partitions: what is really per period (the month's completeness board, its release)."""

from __future__ import annotations

import datetime as dt

import dagster as dg

# Partition keys are the first day of the month ("2023-12-01"); the schedule runs in Shanghai time.
monthly_partitions = dg.MonthlyPartitionsDefinition(start_date="2021-01-01", timezone="Asia/Shanghai",
                                                    end_offset=0)


def partition_period(partition_key: str) -> dt.date:
    """The partition as the DATE that SQL compares with (a string period silently matches nothing)."""
    return dt.date.fromisoformat(partition_key)
