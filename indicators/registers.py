"""Record-level registries: the lists agencies keep, not only their totals (issue 12, DOMAIN.md).

* `enterprise_list` (gdiit): one row per enterprise and digital-transformation project →
  enterprises_transformed (distinct enterprises within the year).
* `dc_register` (gdiit): one row per data centre and quarter → the four dc_* indicators with n_units.
* `site_list` (gdca): one row per 5G base station → fiveg_base_stations, fiveg_base_stations_700mhz and
  the stock by band (mart.register_site_bands).

This module says what each registry's file holds (its fields and their headers, zh and en), reads a data
row into a record, and checks a Unified Social Credit Code (GB 32100-2015). The records' rules are in
`indicators.register_validation`; their aggregation into city observations in `sql/registers/`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from indicators import reference
from indicators.values import Period, cell_text, fold, name_key, parse_number, parse_period, resolve_area

# ---------------------------------------------------------------------------------- USCC, GB 32100-2015

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O S V Z; a character's value is its index
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = f"^[{USCC_CHARSET}]{{18}}$"  # the form the suites check (expectations/enterprise_list.json)


def uscc_check_character(first17: str) -> str | None:
    """The 18th character of a USCC whose first 17 are given: charset[(31 − Σ vᵢ·wᵢ mod 31) mod 31];
    None when a character is outside the code set."""
    if len(first17) != 17 or any(c not in USCC_CHARSET for c in first17):
        return None
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    """Whether an 18-character USCC carries the right check character."""
    return len(code) == 18 and uscc_check_character(code[:17]) == code[17]


def uscc_city(code: str) -> str | None:
    """The prefecture of the registration area (positions 3–8, GB/T 2260) as a city code: 440106 → 440100.
    A firm registered at province level carries 440000 (not a city); None for an area outside Guangdong."""
    area = code[2:8]
    if not area.isdigit() or not area.startswith("44"):
        return None
    return area[:4] + "00"


# ------------------------------------------------------------------------------------------- the layouts

@dataclass(frozen=True)
class Field:
    name: str  # the record's column (and the English header accepted)
    header_zh: str  # the Chinese header of the template
    kind: str  # period, city, text, code, flag, date, number, band, status
    label_en: str  # how a message names it in English


@dataclass(frozen=True)
class Registry:
    name: str  # enterprise_list, dc_register, site_list
    submitter: str  # the only profile that may submit it (profiles.yaml)
    freq: str  # the frequency of its 报告期
    name_zh: str
    name_en: str
    unit_field: str  # what identifies a unit: the USCC, the data-centre id, the site id
    fields: tuple[Field, ...]
    indicators: tuple[str, ...]  # the catalogue indicators it yields

    @property
    def suite(self) -> str:
        return f"{self.name}.json"

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


_PERIOD = Field("period", "报告期", "period", "reporting period")
_CITY = Field("city_code", "城市代码", "city", "city code")

REGISTRIES: dict[str, Registry] = {r.name: r for r in (
    Registry("enterprise_list", "gdiit", "M", "数字化转型企业清单", "Enterprise transformation list", "uscc", (
        _PERIOD,
        Field("uscc", "统一社会信用代码", "code", "USCC"),
        Field("name", "企业名称", "text", "name"),
        _CITY,
        Field("industry_code", "行业代码", "text", "industry code"),
        Field("above_scale", "是否规上", "flag", "above-scale flag"),
        Field("project", "项目名称", "text", "project"),
        Field("completion_date", "完成日期", "date", "completion date"),
    ), ("enterprises_transformed",)),
    Registry("dc_register", "gdiit", "Q", "数据中心名录", "Data-centre register", "dc_id", (
        _PERIOD,
        Field("dc_id", "数据中心编号", "text", "data-centre id"),
        _CITY,
        Field("standard_racks", "标准机架数", "number", "standard racks"),
        Field("racks_in_use", "在用机架数", "number", "racks in use"),
        Field("it_energy_mwh", "IT能耗(兆瓦时)", "number", "IT energy (MWh)"),
        Field("total_energy_mwh", "总能耗(兆瓦时)", "number", "total energy (MWh)"),
        Field("level", "等级", "text", "level"),
    ), ("dc_standard_racks", "dc_racks_in_use", "dc_it_energy_mwh", "dc_total_energy_mwh")),
    Registry("site_list", "gdca", "M", "5G基站站址清单", "5G site list", "site_id", (
        _PERIOD,
        Field("site_id", "站址编号", "text", "site id"),
        _CITY,
        Field("county_code", "区县代码", "text", "county code"),
        Field("band", "频段", "band", "band"),
        Field("operator", "运营商", "text", "operator"),
        Field("commissioning_date", "开通日期", "date", "commissioning date"),
        Field("status", "状态", "status", "status"),
    ), ("fiveg_base_stations", "fiveg_base_stations_700mhz")),
)}

BANDS = ("700MHz", "2.6GHz", "3.5GHz", "4.9GHz")
STATUSES = {"在网": True, "退网": False}  # in service, retired
FLAGS = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False, "1": True, "0": False,
         "true": True, "false": False}


def band_key(text: str) -> str:
    """A band as compared: 700 MHz, 700mhz and ７００ＭＨｚ all read 700MHZ (the suite's set is in this form)."""
    return re.sub(r"\s+", "", fold(text)).upper()


BAND_KEYS = {band_key(b): b for b in BANDS}


@functools.cache
def _header_index() -> dict[str, dict[str, str]]:
    """Per registry, each accepted header (as name_key compares them) → field name."""
    return {r.name: {name_key(h): f.name for f in r.fields for h in (f.header_zh, f.name)}
            for r in REGISTRIES.values()}


def match_layout(headers: list[str]) -> tuple[Registry, dict[str, int]] | None:
    """The registry whose every field is headed in `headers` (Chinese or English codes), with each field's
    column; None if no registry's headers are all there."""
    keys = [name_key(h) for h in headers]
    for registry in REGISTRIES.values():
        index = _header_index()[registry.name]
        columns: dict[str, int] = {}
        for position, key in enumerate(keys):
            if key in index:
                columns.setdefault(index[key], position)
        if len(columns) == len(registry.fields):
            return registry, columns
    return None


# ------------------------------------------------------------------------------------------- a record

def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = fold(cell_text(value))
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _period(value: object, freq: str) -> Period | None:
    period = parse_period(value)
    return period.as_freq(freq) if period is not None else None


def parse_field(field: Field, value: object, freq: str) -> object:
    """A cell of `field` as parsed; None where blank or not understood (the rules then say which)."""
    text = cell_text(value)
    if field.kind == "period":
        return _period(value, freq)
    if field.kind == "city":
        area = resolve_area(value)
        return area
    if field.kind == "date":
        return _date(value)
    if field.kind == "number":
        return parse_number(value)
    if field.kind == "flag":
        return FLAGS.get(fold(text).casefold())
    if field.kind == "band":
        return BAND_KEYS.get(band_key(text))
    if field.kind == "status":
        return STATUSES.get(fold(text))
    if field.kind == "code":
        return fold(text).upper().replace(" ", "")
    return fold(text) or None


def read_record(registry: Registry, columns: dict[str, int], cells: list[object]) -> dict:
    """One data row: each field's text as written (`<name>_text`) and as parsed (`<name>`)."""
    record: dict = {}
    for field in registry.fields:
        index = columns[field.name]
        value = cells[index] if index < len(cells) else None
        record[f"{field.name}_text"] = cell_text(value)
        record[field.name] = parse_field(field, value, registry.freq)
    return record


def city_name(code: str | None) -> str:
    city = reference.city_by_code().get(code or "")
    return f"{city.name_zh} {city.code}" if city else (code or "")
