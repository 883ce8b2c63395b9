"""The one clock: the reporting calendar's time zone (indicators/data/calendar.yaml) and "now" in it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from indicators import reference

SHANGHAI = ZoneInfo(reference.calendar().timezone)


def now_shanghai() -> dt.datetime:
    return dt.datetime.now(SHANGHAI)


def today_shanghai() -> dt.date:
    """The real date in Asia/Shanghai, the reporting calendar's zone (a reference date overrides it)."""
    return now_shanghai().date()
