"""Reading single cells the way people write them: numbers, periods, cities, indicators and units.

Every function takes what a CSV or a workbook cell holds (text, a number, a date or None) and returns
the parsed value, or None when the cell cannot be understood. Full-width characters are folded first
(NFKC), so `１２，３４５`, `２０２３年６月` and `（个）` read like their ASCII forms.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
from dataclasses import dataclass

from indicators import reference
from indicators.reference import fold

# What people write for "not reported": no observation, never zero.
NOT_REPORTED = frozenset({"", "-", "—", "——", "–", "/"})

# A unit prefixed with 万 means tens of thousands of that unit, for counts only (万个, 万户, 万人 …).
TEN_THOUSAND = 10_000
COUNT_UNITS = frozenset({"个", "户", "人", "家", "架", "次"})


def cell_text(value: object) -> str:
    """A cell as the user sees it: Excel's 30591.0 is 30591, a date is 2023-06-01."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value).strip()


def format_number(number: float) -> str:
    """A number as a message shows it: 28,500,000 or 187,790.3, never 2.85e+07."""
    return f"{number:,.6f}".rstrip("0").rstrip(".")


def is_not_reported(value: object) -> bool:
    return fold(cell_text(value)) in NOT_REPORTED


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")


def parse_number(value: object) -> float | None:
    """A finite number; thousands separators only in their proper places (1,234,567.5)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = fold(value)
        if not _NUMBER.fullmatch(text):
            return None
        number = float(text.replace(",", ""))
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day of the period
    freq: str  # M, Q or A

    @property
    def end(self) -> dt.date:
        return reference.period_end(self.start, self.freq)

    def as_freq(self, freq: str) -> Period | None:
        """This period read at a coarser frequency, if it closes that period (2023-06 is 2023Q2's last month)."""
        if freq == self.freq:
            return self
        if reference.FREQ_MONTHS[freq] < reference.FREQ_MONTHS[self.freq]:
            return None
        months = reference.FREQ_MONTHS[freq]
        start = dt.date(self.start.year, (self.start.month - 1) // months * months + 1, 1)
        coarse = Period(start, freq)
        return coarse if coarse.end == self.end else None


def _cached(parse):
    """A parser called once per distinct cell text: a file writes the same few cities, periods and
    indicators on every row. Cell values (text, numbers, dates) are hashable."""
    return functools.lru_cache(maxsize=4096, typed=True)(parse)


_CHINESE_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PERIOD_PATTERNS = [  # (pattern, frequency); groups: year, then month or quarter
    (re.compile(r"(\d{4})(?:年度?)?"), "A"),
    (re.compile(r"(\d{4})(?:[-/.]|年|M)?(\d{1,2})(?:月份?)?"), "M"),
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.]\d{1,2}"), "M"),  # a date: the month it falls in
    (re.compile(r"(\d{4})(?:-|年)?Q([1-4])"), "Q"),
    (re.compile(r"(\d{4})年第?([一二三四1-4])季度?"), "Q"),
]


@_cached
def parse_period(value: object) -> Period | None:
    """Monthly 2023-06, 2023/6, 202306, 2023年6月(份), 2023M06; quarterly 2023-Q2 (SDMX, as messages show
    it), 2023Q2, 2023年第二季度, 2023年二季度; annual 2023, 2023年(度). A date (an Excel date cell,
    2023-06-30) is the month it falls in."""
    if isinstance(value, (dt.date, dt.datetime)):
        return _period(value.year, value.month, "M")
    text = fold(cell_text(value)).upper().replace(" ", "")
    for pattern, freq in _PERIOD_PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        year = int(match.group(1))
        if freq == "A":
            return _period(year, 1, "A")
        if freq == "Q":
            return _period(year, _CHINESE_QUARTER[match.group(2)] * 3 - 2, "Q")
        month = int(match.group(2))
        if len(match.group(2)) == 1 and text.isdigit():  # 20236 is not a month
            return None
        return _period(year, month, "M") if 1 <= month <= 12 else None
    return None


def _period(year: int, month: int, freq: str) -> Period | None:
    """The period, if the calendar holds its year and the year's end (year 0 and 9999 it does not): a
    month is also read as the quarter and the year it closes."""
    if not dt.MINYEAR <= year < dt.MAXYEAR:
        return None
    return Period(dt.date(year, month, 1), freq)


_TOTAL_ALIASES = frozenset(  # a totals row is an aggregate too: computed, never submitted
    fold(a).casefold() for a in ("广东", "全省", "Guangdong Province", "合计", "总计", "全省合计"))


def resolve_area(value: object, register: str | None = None) -> str | None:
    """The code of the area the cell names (a reporting area, or an aggregate: never submitted, but
    recognised to say so; a totals row reads as the province), or None. `register`: the area register's
    name, if the caller already has it (reading it from the environment per row is not free)."""
    return _resolve_area(value, reference.area_register_name() if register is None else register)


@_cached
def _resolve_area(value: object, register: str) -> str | None:
    text = cell_text(value)
    if fold(text).casefold() in _TOTAL_ALIASES:  # Guangdong's province, else the register's first top area
        return reference.PROVINCE_CODE if reference.PROVINCE_CODE in reference.area_by_code() else \
            next(area.code for area in reference.areas() if area.parent_code is None)
    return reference.resolve_area_code(text)


def name_key(value: object) -> str:
    """How indicator names and column headers compare: folded, case-blind, spaces ignored."""
    return re.sub(r"\s+", "", fold(cell_text(value)).casefold())


@functools.cache
def _indicator_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for indicator in reference.catalogue().values():
        for alias in (indicator.code, indicator.name_zh, indicator.name_en):
            aliases[name_key(alias)] = indicator.code
    return aliases


_TRAILING_BRACKET = re.compile(r"(.*?)\s*[(\[]([^()\[\]]*)[)\]]\s*")
_UNIT_LABEL = re.compile(r"^\s*(?:单位|unit)\s*:\s*", re.IGNORECASE)  # 5G基站数（单位：个）


@_cached
def resolve_indicator(value: object) -> tuple[str | None, str | None]:
    """(indicator code, unit written in brackets) for `5G基站数（个）`, `fiveg_base_stations`,
    `5G base stations (万个)`. Names that themselves end in brackets (`镇(街)数`) are tried whole first."""
    text = fold(cell_text(value))
    unit = None
    while text:
        code = _indicator_aliases().get(name_key(text))
        if code is not None:
            return code, unit
        match = _TRAILING_BRACKET.fullmatch(text)
        if match is None or unit is not None:
            return None, None
        text, unit = match.group(1), _UNIT_LABEL.sub("", match.group(2)).strip()
    return None, None


# The number of units (data centres, enterprises) that contribute to a magnitude indicator's value: a
# long table's column with one of these headers; in a wide table, the header of a value's column followed
# by one of them names that value's count column (`已投产标准机架数 单位数`, `dc_standard_racks_n_units`).
N_UNITS_HEADERS = ("单位数", "n_units")
N_UNITS_MAX = 10_000_000  # more than any real cell holds: a larger count is a slip (and would not fit)
_N_UNITS_KEYS = tuple(h.casefold() for h in N_UNITS_HEADERS)
_N_UNITS_SEPARATORS = "_-·:/"  # between the indicator's header and 单位数 / n_units (spaces are ignored)


def is_n_units_header(value: object) -> bool:
    """A bare 单位数 / n_units header: the long layout's count column."""
    return name_key(value) in _N_UNITS_KEYS


@_cached
def resolve_n_units_column(value: object) -> str | None:
    """The indicator whose counts a wide table's column holds, for a header that is the indicator's own
    header (code, Chinese or English name, a unit in brackets allowed) followed by 单位数 or n_units;
    None for any other header. A header that names an indicator whole is never a count column."""
    key = name_key(value)
    if resolve_indicator(key)[0] is not None:
        return None
    for suffix in _N_UNITS_KEYS:
        if key.endswith(suffix) and len(key) > len(suffix):
            return resolve_indicator(key[: -len(suffix)].rstrip(_N_UNITS_SEPARATORS))[0]
    return None


def parse_n_units(value: object) -> int | None:
    """A count of contributing units: a whole number from 0 to N_UNITS_MAX (thousands separators allowed,
    3.0 is 3); None for anything else (-1, 2.5, abc)."""
    number = parse_number(value)
    if number is None or not number.is_integer() or not 0 <= number <= N_UNITS_MAX:
        return None
    return int(number)


@functools.lru_cache(maxsize=1024)  # the same unknown header behind every row of a wide file
def suggest_indicator(value: object) -> str | None:
    """The indicator whose code or name is closest to one not in the catalogue (`5G基站` → fiveg_base_stations)."""
    text = fold(cell_text(value))
    match = _TRAILING_BRACKET.fullmatch(text)
    key = name_key(match.group(1) if match else text)
    closest = difflib.get_close_matches(key, _indicator_aliases(), n=1, cutoff=0.6) if key else []
    return _indicator_aliases()[closest[0]] if closest else None


def unit_factor(declared: str | None, catalogue_unit: str) -> float | None:
    """What to multiply a value written in `declared` units by to get catalogue units; None if the
    declared unit is neither the catalogue's nor 万 of a count unit."""
    if declared is None or fold(declared) == "":
        return 1.0
    declared = fold(declared)
    if declared.casefold() == catalogue_unit.casefold():
        return 1.0
    if catalogue_unit in COUNT_UNITS and declared == f"万{catalogue_unit}":
        return float(TEN_THOUSAND)
    return None
