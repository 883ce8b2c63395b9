"""Reference data: cities and areas, the indicator catalogue, submitter profiles, targets, calendar.

Plain data files in ``indicators/data`` with a small, cached Python API over them. No Dagster here.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from indicators.errors import BilingualError

PROVINCE_CODE = "440000"
PROVINCE_NAME_ZH = "广东省"
PROVINCE_NAME_EN = "Guangdong"
REGIONS = {  # region code -> (zh, en, the name used in cities.csv)
    "GD-PRD": ("珠三角", "Pearl River Delta", "Pearl River Delta"),
    "GD-E": ("粤东", "East Guangdong", "East"),
    "GD-W": ("粤西", "West Guangdong", "West"),
    "GD-N": ("粤北", "North Guangdong", "North"),
}


def _data_text(name: str) -> str:
    return resources.files("indicators").joinpath("data", name).read_text(encoding="utf-8")


def _yaml(name: str) -> dict:
    # libyaml's loader (same objects as safe_load): the pure-Python one costs a tenth of a second at start-up
    return yaml.load(_data_text(name), Loader=yaml.CSafeLoader)


@dataclass(frozen=True)
class City:
    code: str
    name_zh: str  # with 市, as in the census
    name_en: str
    region_code: str
    has_districts: bool
    population_census_2020: int
    population_source: str

    @property
    def short_zh(self) -> str:
        return self.name_zh.removesuffix("市")


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    freq: str  # M, Q or A
    kind: str  # stock, flow, ytd, or rate for derived
    direction: str  # up, down, none
    min_value: float
    max_value: float
    plan_item: str
    submitter: str | None  # the agency of record; None for derived
    monotone: bool = False
    magnitude: bool = False
    nominal: bool = False
    numerator: str | None = None
    denominator: str | None = None
    multiplier: float | None = None

    @property
    def is_derived(self) -> bool:
        return self.numerator is not None

    @property
    def aggregation(self) -> str:
        return "ratio_of_sums" if self.is_derived else "sum"

    @property
    def formula(self) -> str | None:
        if not self.is_derived:
            return None
        scale = "" if self.multiplier == 1 else f" × {self.multiplier:g}"
        return f"{self.numerator} / {self.denominator}{scale}"


@dataclass(frozen=True)
class Profile:
    profile_id: str
    name_zh: str
    name_en: str
    kind: str  # agency or pilot
    indicators: frozenset[str]
    cities: frozenset[str]

    def may_submit(self, indicator_code: str) -> bool:
        return indicator_code in self.indicators

    def covers_city(self, city_code: str) -> bool:
        return city_code in self.cities


TARGET_MEASURES = ("latest", "annual_ratio_of_sums")
TARGET_SCOPES = ("area", "national_applied_to_province")


@dataclass(frozen=True)
class Target:
    target_id: str
    indicator_code: str
    area_code: str
    year: int
    value: float
    comparison: str  # ">=" or "<="
    kind: str  # count, level, or increase (added within the target year)
    illustrative: bool
    source: str
    start_year: int | None = None  # a multi-year target's first year (14th five-year plan: 2021)
    measure: str = "latest"  # latest, or annual_ratio_of_sums (a rate of flows over a complete year)
    scope: str = "area"  # area, or national_applied_to_province

    def __post_init__(self):
        choices = {"measure": TARGET_MEASURES, "scope": TARGET_SCOPES}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"targets.yaml 目标 {self.target_id}: {name} 须为 {' | '.join(allowed)} / "
                                 f"target {self.target_id}: {name} must be one of {', '.join(allowed)},"
                                 f" not {getattr(self, name)!r}")

    @property
    def first_year(self) -> int:
        return self.start_year or self.year


@dataclass(frozen=True)
class Calendar:
    timezone: str
    due: dict = field(hash=False)
    first_period: dt.date = dt.date(2021, 1, 1)
    earliest_valid_period: dt.date = dt.date(2019, 1, 1)

    def due_date(self, period: dt.date, freq: str) -> dt.date:
        """The date a period's data is due (inclusive: received on that day is on time). The
        completeness board computes the same in SQL (sql/marts/completeness_period.sql)."""
        rule = self.due[freq]
        due_month = add_months(period_end(period, freq).replace(day=1), rule["months_after_period_end"])
        return due_month.replace(day=min(rule["day"], period_end(due_month, "M").day))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


FREQ_MONTHS = {"M": 1, "Q": 3, "A": 12}
FREQ_NAMES = {"M": ("月度", "monthly"), "Q": ("季度", "quarterly"), "A": ("年度", "annual")}  # zh, en


def period_end(period: dt.date, freq: str) -> dt.date:
    """The last day of a period (SQL: core.period_end, sql/schema/30_core.sql)."""
    return add_months(period, FREQ_MONTHS[freq]) - dt.timedelta(days=1)


def period_label(period: dt.date, freq: str) -> str:
    """SDMX TIME_PERIOD: 2023-06, 2023-Q2 or 2023 (SQL: mart.time_period, sql/schema/40_mart.sql)."""
    if freq == "M":
        return f"{period.year}-{period.month:02d}"
    if freq == "Q":
        return f"{period.year}-Q{(period.month - 1) // 3 + 1}"
    return str(period.year)


@functools.cache
def cities() -> tuple[City, ...]:
    region_by_name = {names[2]: code for code, names in REGIONS.items()}
    rows = csv.DictReader(_data_text("cities.csv").splitlines())
    return tuple(
        City(
            code=row["city_code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            region_code=region_by_name[row["region"]],
            has_districts=row["has_districts"] == "yes",
            population_census_2020=int(row["population_census_2020"]),
            population_source=row["population_source"],
        )
        for row in rows
    )


@functools.cache
def city_by_code() -> dict[str, City]:
    return {c.code: c for c in cities()}


def fold(value: object) -> str:
    """Text as people's spellings compare: full-width to half-width (NFKC), surrounding spaces removed."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def resolve_area_code(text: object) -> str | None:
    """The area's code for its code or name (``440300``, ``深圳市``, ``深圳``, ``Shenzhen``); None if the
    register has no such area. A name two areas share resolves to neither: their codes tell them apart."""
    if text is None:
        return None
    folded = fold(text).casefold()
    if folded.endswith(".0"):  # a code that Excel stored as a number
        folded = folded[:-2]
    return _area_aliases(area_register_name()).get(folded)


@functools.cache
def _area_aliases(register: str) -> dict[str, str]:
    listed = _areas(register)
    named: dict[str, set[str]] = {}
    for area in listed:
        spellings = [area.name_zh, area.name_en]
        if area.code in city_by_code():
            city = city_by_code()[area.code]
            spellings += [city.short_zh, f"{city.name_en} City"]
        for spelling in spellings:
            named.setdefault(fold(spelling).casefold(), set()).add(area.code)
    aliases = {alias: codes.pop() for alias, codes in named.items() if len(codes) == 1}
    aliases.update({fold(area.code).casefold(): area.code for area in listed})
    return aliases


AREA_REGISTER_VARIABLE = "DIGECON_AREA_REGISTER"
AREA_LEVELS = ("province", "region", "city", "county")
AREA_REGISTER_COLUMNS = ("area_code", "area_level", "parent_code", "name_zh", "name_en")


@dataclass(frozen=True)
class Area:
    code: str
    level: str  # province, region, city or county
    name_zh: str
    name_en: str
    parent_code: str | None


def areas() -> tuple[Area, ...]:
    """The deployment's areas: Guangdong's province, four regions and 21 cities, or the register file
    $DIGECON_AREA_REGISTER names (a national roll-out: provinces, cities and counties, GB/T 2260)."""
    return _areas(area_register_name())


def area_register_name() -> str:
    """The register file's name, '' for Guangdong's: what the caches below are keyed on."""
    return os.environ.get(AREA_REGISTER_VARIABLE, "").strip()


@functools.cache
def _areas(register: str) -> tuple[Area, ...]:
    listed = _read_area_register(Path(register)) if register else _guangdong_areas()
    _check_tree(listed, register or "Guangdong")
    return listed


def _guangdong_areas() -> tuple[Area, ...]:
    rows = [Area(PROVINCE_CODE, "province", PROVINCE_NAME_ZH, PROVINCE_NAME_EN, None)]
    rows += [Area(code, "region", zh, en, PROVINCE_CODE) for code, (zh, en, _) in REGIONS.items()]
    rows += [Area(c.code, "city", c.name_zh, c.name_en, c.region_code) for c in cities()]
    return tuple(rows)


def _register_error(path: Path, row: int | None, zh: str, en: str) -> BilingualError:
    where_zh, where_en = (f"第{row}行：", f"row {row}: ") if row else ("", "")
    return BilingualError(f"地区名录 {path}（{AREA_REGISTER_VARIABLE}）{where_zh}{zh}",
                          f"area register {path} ({AREA_REGISTER_VARIABLE}): {where_en}{en}")


def _read_area_register(path: Path) -> tuple[Area, ...]:
    """A UTF-8 CSV with the columns AREA_REGISTER_COLUMNS, one row per area."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            missing = [c for c in AREA_REGISTER_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise _register_error(path, None, f"缺少列 {', '.join(missing)}",
                                      f"the columns {', '.join(missing)} are missing")
            rows = []
            for line, row in enumerate(reader, start=2):
                cells = {column: (row[column] or "").strip() for column in AREA_REGISTER_COLUMNS}
                if not all(cells[c] for c in ("area_code", "area_level", "name_zh", "name_en")):
                    raise _register_error(path, line, "地区代码、层级和名称不能为空",
                                          "area_code, area_level, name_zh and name_en must not be blank")
                if cells["area_level"] not in AREA_LEVELS:
                    raise _register_error(path, line, f"层级“{cells['area_level']}”须为 {' | '.join(AREA_LEVELS)}",
                                          f"area_level {cells['area_level']!r} must be one of {', '.join(AREA_LEVELS)}")
                rows.append(Area(cells["area_code"], cells["area_level"], cells["name_zh"], cells["name_en"],
                                 cells["parent_code"] or None))
    except UnicodeDecodeError:
        raise _register_error(path, None, "不是UTF-8编码", "is not UTF-8") from None
    except OSError as error:
        raise _register_error(path, None, f"无法读取（{error.strerror}）", f"cannot be read: {error.strerror}") from None
    return tuple(rows)


def _check_tree(listed: tuple[Area, ...], source: str) -> None:
    """Each code once, each parent listed, no cycle: what aggregation from leaves to ancestors needs."""
    path = Path(source)
    by_code: dict[str, Area] = {}
    for line, area in enumerate(listed, start=2):
        if area.code in by_code:
            raise _register_error(path, line, f"地区代码 {area.code} 重复", f"area code {area.code} is listed twice")
        by_code[area.code] = area
    if not listed:
        raise _register_error(path, None, "没有地区", "lists no area")
    for line, area in enumerate(listed, start=2):
        seen = {area.code}
        parent = area.parent_code
        while parent is not None:
            if parent not in by_code:
                raise _register_error(path, line, f"上级地区 {parent} 不在名录中",
                                      f"parent {parent} of {area.code} is not listed")
            if parent in seen:
                raise _register_error(path, line, f"地区 {area.code} 的上级循环", f"the parents of {area.code} loop")
            seen.add(parent)
            parent = by_code[parent].parent_code


def area_by_code() -> dict[str, Area]:
    return _area_by_code(area_register_name())


@functools.cache
def _area_by_code(register: str) -> dict[str, Area]:
    return {area.code: area for area in _areas(register)}


def reporting_areas() -> frozenset[str]:
    """The areas values are submitted for: those no other area lies in (cities, or counties nationally)."""
    return _reporting_areas(area_register_name())


@functools.cache
def _reporting_areas(register: str) -> frozenset[str]:
    listed = _areas(register)
    parents = {a.parent_code for a in listed}
    return frozenset(a.code for a in listed if a.code not in parents)


def aggregate_areas() -> list[str]:
    """The areas whose values are totals of reporting areas: computed, never submitted."""
    return sorted({a.code for a in areas()} - reporting_areas())


def area_members() -> list[tuple[str, str]]:
    """(aggregate area, reporting area) for each area and every reporting area within it, at any depth:
    the areas whose values a total sums."""
    by_code = area_by_code()
    pairs = []
    for member in sorted(reporting_areas()):
        above = by_code[member].parent_code
        while above is not None:
            pairs.append((above, member))
            above = by_code[above].parent_code
    return pairs


BASE_KEYS = {"code", "name_zh", "name_en", "unit", "freq", "kind", "direction", "min", "max", "plan_item",
             "submitter", "monotone", "magnitude", "nominal"}
DERIVED_KEYS = {"code", "name_zh", "name_en", "unit", "numerator", "denominator", "multiplier", "direction",
                "min", "max", "plan_item"}


def _check_keys(item: dict, allowed: set[str]) -> None:
    """A key the loader does not know is a typo (or YAML splitting an unquoted comma): refuse it."""
    unknown = set(item) - allowed
    if unknown:
        raise ValueError(f"catalogue.yaml: {item.get('code')}: unknown keys {sorted(map(str, unknown))}")


@functools.cache
def catalogue() -> dict[str, Indicator]:
    data = _yaml("catalogue.yaml")
    result: dict[str, Indicator] = {}
    for item in data["base"] + data["derived"]:
        _check_keys(item, DERIVED_KEYS if "numerator" in item else BASE_KEYS)
    for item in data["base"]:
        result[item["code"]] = Indicator(
            code=item["code"], name_zh=item["name_zh"], name_en=item["name_en"], unit=item["unit"],
            freq=item["freq"], kind=item["kind"], direction=item["direction"],
            min_value=float(item["min"]), max_value=float(item["max"]), plan_item=item["plan_item"],
            submitter=item["submitter"], monotone=item.get("monotone", False),
            magnitude=item.get("magnitude", False), nominal=item.get("nominal", False),
        )
    for item in data["derived"]:
        numerator = result[item["numerator"]]
        result[item["code"]] = Indicator(
            code=item["code"], name_zh=item["name_zh"], name_en=item["name_en"], unit=item["unit"],
            freq=numerator.freq, kind="rate", direction=item["direction"],
            min_value=float(item["min"]), max_value=float(item["max"]), plan_item=item["plan_item"],
            submitter=None, nominal=numerator.nominal,
            numerator=item["numerator"], denominator=item["denominator"],
            multiplier=float(item["multiplier"]),
        )
    return result


def base_indicators() -> list[Indicator]:
    return [i for i in catalogue().values() if not i.is_derived]


def derived_indicators() -> list[Indicator]:
    return [i for i in catalogue().values() if i.is_derived]


def indicator_families(codes: Iterable[str]) -> list[str]:
    """`codes` with every indicator that shares a derived relation with one of them, sorted: each derived
    indicator goes with its numerator and denominator, transitively. A family is what a derived figure and
    disclosure control read together, so a table refreshed per family (pipelines/build.py) stays exact."""
    linked: dict[str, set[str]] = {code: {code} for code in catalogue()}
    for indicator in derived_indicators():
        members = {indicator.code, indicator.numerator, indicator.denominator}
        for code in members:
            linked[code] |= members
    family, todo = set(), [c for c in codes if c in linked]
    while todo:
        code = todo.pop()
        if code not in family:
            family.add(code)
            todo.extend(linked[code] - family)
    return sorted(family)


def profiles() -> dict[str, Profile]:
    return _profiles(area_register_name())


@functools.cache
def _profiles(register: str) -> dict[str, Profile]:
    base_codes = frozenset(i.code for i in base_indicators())
    all_cities = _reporting_areas(register)
    result = {}
    for pid, p in _yaml("profiles.yaml")["profiles"].items():
        result[pid] = Profile(
            profile_id=pid, name_zh=p["name_zh"], name_en=p["name_en"], kind=p["kind"],
            indicators=base_codes if p["indicators"] == "all_base" else frozenset(p["indicators"]),
            cities=all_cities if p["cities"] == "all" else frozenset(p["cities"]),
        )
    return result


@functools.cache
def targets() -> tuple[Target, ...]:
    result = tuple(Target(**t) for t in _yaml("targets.yaml")["targets"])
    for t in result:
        indicator = catalogue()[t.indicator_code]
        if t.measure == "annual_ratio_of_sums" and indicator.numerator is None:
            raise ValueError(f"targets.yaml 目标 {t.target_id}: annual_ratio_of_sums 须用于比率指标 / target"
                             f" {t.target_id}: annual_ratio_of_sums needs a rate, {t.indicator_code} is not one")
    return result


@functools.cache
def gigabit_city_thresholds() -> tuple[dict, ...]:
    return tuple(_yaml("targets.yaml")["gigabit_city_thresholds"])


@functools.cache
def calendar() -> Calendar:
    data = _yaml("calendar.yaml")
    return Calendar(
        timezone=data["timezone"], due=data["due"],
        first_period=dt.date.fromisoformat(data["first_period"]),
        earliest_valid_period=dt.date.fromisoformat(data["earliest_valid_period"]),
    )


@functools.cache
def aggregation() -> dict:
    """The rule for totals that miss cities (aggregation.yaml): coverage threshold and imputation method."""
    data = _yaml("aggregation.yaml")
    if not 0 < data["min_coverage_pct"] <= 100:
        raise ValueError("aggregation.yaml: min_coverage_pct 须在 (0, 100] 内 / must be in (0, 100]")
    if data["imputation_method"] != "ratio_carry_forward":
        raise ValueError("aggregation.yaml: imputation_method 仅支持 ratio_carry_forward / only"
                         " ratio_carry_forward is implemented")
    return data


@functools.cache
def disclosure() -> dict:
    """The disclosure-control rules (disclosure.yaml): threshold, unknown counts, protection interval."""
    data = _yaml("disclosure.yaml")
    if not isinstance(data.get("min_units"), int) or data["min_units"] < 1:
        raise ValueError("disclosure.yaml: min_units 须为正整数 / must be a positive whole number")
    if data.get("unknown_units") not in ("publish", "withhold"):
        raise ValueError("disclosure.yaml: unknown_units 须为 publish 或 withhold / must be publish or withhold")
    if not 0 < data.get("protection_interval_pct", 0) < 100:
        raise ValueError("disclosure.yaml: protection_interval_pct 须在 (0, 100) 内 / must be in (0, 100)")
    if not 0 < data.get("dominance_p", 0) < 100 or not data.get("dominance_p_source"):
        raise ValueError("disclosure.yaml: dominance_p 须在 (0, 100) 内并注明依据 / must be in (0, 100), with its source")
    return data


ANOMALY_PARAMETERS = {  # the parameters sql/marts/anomalies.sql reads for each rule
    "modified_z": {"threshold", "min_cities", "min_level", "min_gap_pp"},
    "hidiroglou_berthelot": {"U", "A", "C", "min_cities", "min_level", "min_gap_pp"},
    "unit_slip": {"factor"},
    "monotone_fall": {"max_change_pct"},
    "seasonal": {"factor"},
}


@functools.cache
def anomaly_rules() -> tuple[dict, ...]:
    """The anomaly rules' parameters (anomalies.yaml), one row per rule and parameter for ref.anomaly_rules:
    rule, its labels, parameter, value and the source of the value."""
    rules = _yaml("anomalies.yaml")["rules"]
    if set(rules) != set(ANOMALY_PARAMETERS):
        raise ValueError(f"anomalies.yaml: 规则须为 / rules must be {sorted(ANOMALY_PARAMETERS)}, not {sorted(rules)}")
    rows = []
    for rule, spec in rules.items():
        parameters = spec["parameters"]
        if set(parameters) != ANOMALY_PARAMETERS[rule]:
            raise ValueError(f"anomalies.yaml: {rule} 的参数须为 / parameters of {rule} must be"
                             f" {sorted(ANOMALY_PARAMETERS[rule])}, not {sorted(parameters)}")
        for name, parameter in parameters.items():
            value = parameter["value"]
            if isinstance(value, bool) or not isinstance(value, int | float) or not parameter.get("source"):
                raise ValueError(f"anomalies.yaml: {rule}.{name} 须有数值和出处 / needs a number and a source")
            rows.append(dict(rule=rule, rule_zh=spec["label_zh"], rule_en=spec["label_en"], method=spec["method"],
                             parameter=name, value=float(value), source_citation=parameter["source"]))
    return tuple(rows)


def anomaly_parameter(rule: str, parameter: str) -> float:
    """One parameter of an anomaly rule, e.g. anomaly_parameter("unit_slip", "factor")."""
    [value] = [r["value"] for r in anomaly_rules() if (r["rule"], r["parameter"]) == (rule, parameter)]
    return value
