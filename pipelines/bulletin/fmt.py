"""Figures as the bulletin prints them: rounded half away from zero for display only (storage keeps full
precision), counts whole with thousands separators, rates with two decimals so that 99.97 % never reads
as a met 100 %."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from indicators.clock import SHANGHAI
from indicators.rounding import round_half_away

WHOLE_UNITS = {"个", "户", "家", "人", "次", "架", "MWh"}  # counted things: no decimals
UNIT_SHOWN = {"ratio": "", "%": "%"}


def is_blank(value) -> bool:
    """None, NaN, NaT or NA: nothing published."""
    return value is None or bool(pd.isna(value))


def decimals(unit: str) -> int:
    return 0 if unit in WHOLE_UNITS else 2


def number(value, unit: str = "", digits: int | None = None) -> str:
    """A figure with its display rounding; "—" for none."""
    if is_blank(value):
        return "—"
    digits = decimals(unit) if digits is None else digits
    return f"{round_half_away(float(value), digits):,.{digits}f}"


def with_unit(value, unit: str) -> str:
    shown = UNIT_SHOWN.get(unit, f" {unit}")
    return number(value, unit) + ("" if is_blank(value) else shown)


def signed(value, digits: int = 2) -> str:
    if is_blank(value):
        return "—"
    rounded = round_half_away(float(value), digits)
    return f"{rounded:+,.{digits}f}" if rounded else f"{0:.{digits}f}"


def local_time(value) -> str:
    """A stored instant in the calendar's zone (Asia/Shanghai), to the minute."""
    if is_blank(value):
        return "—"
    if isinstance(value, dt.datetime) and value.tzinfo:
        value = value.astimezone(SHANGHAI)
    return f"{value:%Y-%m-%d %H:%M}"


def day(value) -> str:
    return "—" if is_blank(value) else f"{value:%Y-%m-%d}"


def month_zh(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def month_en(month: dt.date) -> str:
    return f"{month:%B %Y}"
