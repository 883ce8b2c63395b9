"""Seeded national-scale data for the benchmarks: a county panel, a 5G site list, an enterprise list.

    .venv/bin/python benchmarks/national_data.py --size full|small --out DIR [--seed N]

Writes into DIR (the seed, sizes and row counts go to DIR/manifest.json):
- `areas.csv`: 31 provinces (GB/T 2260 codes PP0000), their cities (PPCC00; Guangdong's are the 21 real
  ones) and ~2,800 counties (PPCCNN), with area_level county/city/province and each area's city and
  province code.
- `panel/<profile>/<province>-<year>.csv`: the county panel in the long layout the readers accept
  (城市代码, 期间, 指标代码, 数值, 单位, 单位数), 30 base indicators of `indicators/data/catalogue.yaml` at
  their own frequencies over 120 months, one file per submitting agency, province and year (a file is
  what one agency sends, so it can be checked against that agency's profile). Stocks grow (monotone ones
  never fall), year-to-date values restart in January, parts never exceed their totals, nothing is
  negative. The catalogue's real frequencies give 2,200 observations per county over ten years
  (14 monthly × 120 + 12 quarterly × 40 + 4 annual × 10): 6.2 million at full size, not 2,800 × 30 × 120.
  The ten years start in 2019-01 because the project's calendar rejects periods before then
  (`earliest_valid_period`); the manifest's `reference_date` is the day after the last month's due date.
- `dirty/panel.csv`: planted bad rows, each failing exactly one check (PANEL_DIRTY says which, how many).
- `sites/440000.csv`: the 5G site list (报告期, 站址编号, 城市代码, 区县代码, 频段, 运营商, 开通日期, 状态),
  3.5 million rows at full size, as the gdca sends it: one province's list (Guangdong's 21 cities and their
  counties), since a site list is what one province's agency keeps and the project knows Guangdong's areas;
  `dirty/sites.csv` its planted bad rows (SITES_DIRTY).
- `enterprises/<province>.csv`: the enterprise transformation list (报告期, 统一社会信用代码, 企业名称, 城市代码,
  行业代码, 是否规上, 项目名称, 完成日期), 500,000 rows: several projects per enterprise, some enterprises
  in two cities' lists, and about 0.5 % of the codes with a wrong GB 32100-2015 check character.

`--size small` writes the same shapes at about 1/1000 of the size in a few seconds. Rows are written a
file at a time: nothing holds the whole panel as rows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from indicators import reference  # noqa: E402

DEFAULT_SEED = 20240110
FIRST_YEAR = 2019  # the calendar's earliest_valid_period
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
             "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
GUANGDONG = "44"
AREAS_HEADER = ["area_code", "area_level", "parent_code", "name_zh", "name_en", "city_code", "province_code"]
PANEL_HEADER = ["城市代码", "期间", "指标代码", "数值", "单位", "单位数"]
SITES_HEADER = ["报告期", "站址编号", "城市代码", "区县代码", "频段", "运营商", "开通日期", "状态"]
ENTERPRISES_HEADER = ["报告期", "统一社会信用代码", "企业名称", "城市代码", "行业代码", "是否规上", "项目名称", "完成日期"]
BANDS = ["700MHz", "2.6GHz", "3.5GHz", "4.9GHz"]
BAND_WEIGHTS = [0.12, 0.30, 0.48, 0.10]
OPERATORS = ["中国移动", "中国电信", "中国联通", "中国广电"]
OPERATOR_WEIGHTS = [0.45, 0.25, 0.22, 0.08]
STATUSES = ["在网", "退网"]
# GB 32100-2015: the 31 characters (no I O S V Z) and the weights of the first 17 positions.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
INDUSTRY_CODES = ["C1311", "C1713", "C2211", "C2614", "C2710", "C2927", "C3130", "C3311", "C3421", "C3511",
                  "C3612", "C3670", "C3811", "C3823", "C3912", "C3914", "C3921", "C3971", "C3981", "C4011"]
PROJECTS = ["智能工厂改造", "数字化车间建设", "工业互联网平台应用", "生产设备联网", "ERP与MES集成", "5G全连接工厂",
            "供应链协同平台", "质量追溯系统", "能耗在线监测", "研发设计云化"]
NAME_WORDS = ["华", "粤", "新", "恒", "盛", "达", "信", "通", "宏", "创", "科", "联", "海", "泰", "丰", "佳", "鸿", "瑞"]
NAME_TRADES = ["电子", "机械", "材料", "精密", "智能制造", "光电", "五金", "塑胶", "纺织", "食品"]

# The 30 base indicators of the panel: every monthly and quarterly one, and the annual ones the
# catalogue's rates need (gdp, core value added and towns_total are left out).
LEFT_OUT = ("gdp", "de_core_value_added", "towns_total")
# How each indicator is made at county level (first-month level = `base` × the county's size; `growth`
# a year); a part is `share` of its `of` (rising from share[0] to share[1] over the ten years).
SHAPES: dict[str, dict] = {
    "fiveg_base_stations": {"base": 300, "growth": 0.30},
    "fiveg_base_stations_700mhz": {"of": "fiveg_base_stations", "share": (0.02, 0.15)},
    "pon_ports_total": {"base": 20_000, "growth": 0.05},
    "pon_ports_10g": {"of": "pon_ports_total", "share": (0.05, 0.60)},
    "broadband_users_total": {"base": 150_000, "growth": 0.04},
    "broadband_users_500m_plus": {"of": "broadband_users_total", "share": (0.02, 0.50)},
    "broadband_users_1000m": {"of": "broadband_users_500m_plus", "share": (0.30, 0.60)},
    "mobile_users_total": {"base": 500_000, "growth": 0.02},
    "fiveg_users": {"of": "mobile_users_total", "share": (0.05, 0.75)},
    "iiot_identifier_registrations": {"base": 1_000_000, "growth": 0.50},
    "iiot_identifier_resolutions": {"base": 400_000, "growth": 0.40},
    "enterprises_transformed": {"base": 3, "growth": 0.15},  # new enterprises a month; ytd sums them
    "admin_villages_yzz": {"of": "admin_villages_total", "share": (0.10, 1.00)},
    "towns_yzz": {"base": 15, "growth": 0.0, "share": (0.10, 1.00)},  # of the county's towns (not reported)
    "households_total": {"base": 150_000, "growth": 0.02},
    "households_gigabit_covered": {"of": "households_total", "share": (0.20, 1.00)},
    "key_venues_total": {"base": 300, "growth": 0.03},
    "key_venues_5g_covered": {"of": "key_venues_total", "share": (0.30, 1.00)},
    "villages20_fibre": {"of": "villages20_total", "share": (0.80, 1.00)},
    "villages20_4g": {"of": "villages20_total", "share": (0.85, 1.00)},
    "dc_standard_racks": {"base": 800, "growth": 0.15},
    "dc_racks_in_use": {"of": "dc_standard_racks", "share": (0.50, 0.75)},
    "dc_it_energy_mwh": {"racks": "dc_racks_in_use"},  # 2.5 kW a rack at 60 % load over the quarter
    "dc_total_energy_mwh": {"pue_of": "dc_it_energy_mwh", "pue": (1.60, 1.30)},
    "compute_power_pflops": {"base": 5, "growth": 0.35},
    "smes_on_cloud": {"base": 500, "growth": 0.20},
    "villages20_total": {"base": 400, "growth": 0.0},
    "enterprises_above_scale": {"base": 200, "growth": 0.03},
    "admin_villages_total": {"base": 150, "growth": 0.0},
    "resident_population": {"base": 450_000, "growth": 0.005},
}

# Planted bad rows of dirty/panel.csv: check → (rows, how a row is spoiled). Each row fails that check only.
PANEL_DIRTY = {
    "city_unknown": 2, "province_submitted": 1, "indicator_unknown": 3, "indicator_derived": 1,
    "period_invalid": 2, "period_too_early": 1, "period_future": 1, "frequency_mismatch": 2,
    "value_not_numeric": 4, "value_negative": 3, "value_out_of_range": 1, "unit_mismatch": 2,
}
SITES_DIRTY = {
    "city_unknown": 1, "county_not_in_city": 2, "band_invalid": 3, "operator_invalid": 1, "status_invalid": 2,
    "date_invalid": 2, "date_after_period": 1,
}


@dataclass(frozen=True)
class Size:
    counties: int
    years: int
    sites: int
    enterprises: int


SIZES = {"full": Size(counties=2_800, years=10, sites=3_500_000, enterprises=500_000),
         "small": Size(counties=62, years=2, sites=3_500, enterprises=500)}


def uscc_check(first17: str) -> str:
    """The GB 32100-2015 check character of the code's first 17 characters."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    return (len(code) == 18 and all(c in USCC_CHARSET for c in code)
            and uscc_check(code[:17]) == code[17])


def panel_indicators() -> list[reference.Indicator]:
    return [i for i in reference.base_indicators() if i.code not in LEFT_OUT]


def profile_of(code: str) -> str:
    return reference.catalogue()[code].submitter


def last_month(size: Size) -> dt.date:
    return dt.date(FIRST_YEAR + size.years - 1, 12, 1)


def reference_date(size: Size) -> dt.date:
    """The day after the last month's data are due (the 10th of the month after)."""
    return dt.date(FIRST_YEAR + size.years, 1, 11)


# ---------------------------------------------------------------- areas


def make_areas(rng: np.random.Generator, counties: int) -> list[dict]:
    """Provinces, cities and counties with their parents: GB/T 2260-shaped codes, named (Guangdong's cities
    by their names), written as an area register (indicators.reference: $DIGECON_AREA_REGISTER)."""
    rows = _area_tree(rng, counties)
    parent_of = {"province": None, "city": "province_code", "county": "city_code"}
    named = reference.city_by_code()
    for row in rows:
        row["parent_code"] = row[parent_of[row["area_level"]]] if parent_of[row["area_level"]] else ""
        city = named.get(row["area_code"])
        row["name_zh"], row["name_en"] = ((city.name_zh, city.name_en) if city
                                          else (f"地区{row['area_code']}", f"Area {row['area_code']}"))
    return rows


def _area_tree(rng: np.random.Generator, counties: int) -> list[dict]:
    weights = rng.uniform(0.5, 1.5, len(PROVINCES))
    per_province = np.floor(weights / weights.sum() * counties).astype(int)
    per_province[np.argsort(-(weights / weights.sum() * counties - per_province))[:counties - per_province.sum()]] += 1
    gd_cities = [c.code for c in reference.cities()]
    rows = []
    for province, n in zip(PROVINCES, per_province, strict=True):
        province_code = f"{province}0000"
        rows.append({"area_code": province_code, "area_level": "province", "city_code": "",
                     "province_code": province_code})
        if province == GUANGDONG:
            city_codes = gd_cities
        else:
            city_codes = [f"{province}{i:02d}00" for i in range(1, max(1, round(n / rng.uniform(6, 12))) + 1)]
        # each city gets at least one county while there are counties to give
        shares = rng.multinomial(max(0, n - len(city_codes)), np.full(len(city_codes), 1 / len(city_codes)))
        for i, city in enumerate(city_codes):
            own = int(shares[i]) + (1 if i < n else 0)
            if own == 0:
                continue
            rows.append({"area_code": city, "area_level": "city", "city_code": city, "province_code": province_code})
            rows.extend({"area_code": f"{city[:4]}{j + 2:02d}", "area_level": "county", "city_code": city,
                         "province_code": province_code} for j in range(min(own, 97)))
    return rows


# ---------------------------------------------------------------- panel


def _series(rng: np.random.Generator, indicators: list[reference.Indicator], sizes: np.ndarray,
            months: int) -> dict[str, np.ndarray]:
    """Monthly values (counties × months) of every indicator; quarterly and annual ones are read off them."""
    n = len(sizes)
    t = np.arange(months) / 12.0  # years since the first month
    frac = np.arange(months) / max(1, months - 1)
    values: dict[str, np.ndarray] = {}

    def trend(shape: dict, monotone: bool) -> np.ndarray:
        base = shape["base"] * sizes[:, None]
        growth = shape["growth"] * rng.uniform(0.6, 1.4, (n, 1))
        level = base * np.exp(growth * t[None, :]) * (1 + rng.normal(0, 0.01, (n, months)))
        return np.maximum.accumulate(level, axis=1) if monotone else level

    def rising_share(shape: dict) -> np.ndarray:
        lo, hi = shape["share"]
        start = lo * rng.uniform(0.7, 1.0, (n, 1))
        end = np.minimum(1.0, hi * rng.uniform(0.85, 1.0, (n, 1)))
        return start + (end - start) * frac[None, :] ** rng.uniform(0.6, 1.5, (n, 1))

    for code in _made_before_parts([i.code for i in indicators]):
        shape, indicator = SHAPES[code], reference.catalogue()[code]
        if "racks" in shape:
            values[code] = values[shape["racks"]] * 2.5 * 730 * 0.6 / 1000 * rng.uniform(0.9, 1.1, (n, months))
        elif "pue_of" in shape:
            hi, lo = shape["pue"]
            values[code] = values[shape["pue_of"]] * (hi + (lo - hi) * frac[None, :]) * rng.uniform(0.97, 1.03, (n, 1))
        elif "of" in shape:
            values[code] = np.floor(rising_share(shape) * values[shape["of"]])
        elif "share" in shape:  # a count reaching towards a fixed number the county does not report
            values[code] = np.floor(rising_share(shape) * np.round(shape["base"] * sizes[:, None] ** 0.3))
        elif indicator.kind == "ytd":
            monthly = rng.poisson(trend(shape, False))
            values[code] = np.cumsum(monthly.reshape(n, -1, 12), axis=2).reshape(n, months).astype(float)
        else:
            level = trend(shape, indicator.monotone)
            values[code] = level if indicator.unit in ("MWh", "PFLOPS", "亿元") else np.round(level)
    return values


def _made_before_parts(codes: list[str]) -> list[str]:
    """The codes ordered so that each comes after the indicator it is a part (or an energy) of."""
    ordered: list[str] = []
    while len(ordered) < len(codes):
        for code in codes:
            shape = SHAPES[code]
            needs = shape.get("of") or shape.get("racks") or shape.get("pue_of")
            if code not in ordered and (needs is None or needs in ordered):
                ordered.append(code)
    return ordered


def _periods(freq: str, year: int) -> list[tuple[str, int]]:
    """(period text, index of its last month within the year) of one year at the frequency."""
    if freq == "M":
        return [(f"{year}-{m:02d}", m - 1) for m in range(1, 13)]
    if freq == "Q":
        return [(f"{year}Q{q}", q * 3 - 1) for q in range(1, 5)]
    return [(str(year), 11)]


def _panel_value(values: dict[str, np.ndarray], indicator: reference.Indicator, year_index: int,
                 month: int) -> np.ndarray:
    """Counties' values for the period ending at `month` (0-11) of the year: a quarter's flow is its
    three months' sum, a stock its last month's level."""
    at = year_index * 12 + month
    if indicator.kind == "flow" and indicator.freq == "Q":
        return values[indicator.code][:, at - 2:at + 1].sum(axis=1)
    return values[indicator.code][:, at]


def _text(values: np.ndarray, decimals: bool) -> list[str]:
    return [f"{v:.1f}" for v in values] if decimals else [str(int(v)) for v in values]


def write_panel(rng: np.random.Generator, areas: list[dict], size: Size, out: Path) -> int:
    indicators = panel_indicators()
    rows_written = 0
    for province in PROVINCES:
        counties = [a["area_code"] for a in areas if a["area_level"] == "county" and a["province_code"][:2] == province]
        if not counties:
            continue
        sizes = rng.lognormal(0.0, 0.6, len(counties))
        values = _series(rng, indicators, sizes, size.years * 12)
        n_units = rng.integers(1, 12, len(counties))
        for year_index in range(size.years):
            year = FIRST_YEAR + year_index
            by_profile: dict[str, list[list[str]]] = {}
            for indicator in indicators:
                decimals = indicator.unit in ("MWh", "PFLOPS", "亿元")
                units = [str(u) for u in n_units] if indicator.magnitude else [""] * len(counties)
                for period, month in _periods(indicator.freq, year):
                    texts = _text(_panel_value(values, indicator, year_index, month), decimals)
                    by_profile.setdefault(indicator.submitter, []).extend(
                        [county, period, indicator.code, text, indicator.unit, unit]
                        for county, text, unit in zip(counties, texts, units, strict=True))
            for profile, rows in by_profile.items():
                rows_written += _write_csv(out / "panel" / profile / f"{province}0000-{year}.csv", PANEL_HEADER, rows)
    return rows_written


def write_panel_dirty(rng: np.random.Generator, areas: list[dict], size: Size, out: Path) -> int:
    """Rows that each fail exactly one check: what a validator must find in PANEL_DIRTY's counts."""
    counties = [a["area_code"] for a in areas if a["area_level"] == "county"]
    catalogue = reference.catalogue()
    monthly = [i for i in panel_indicators() if i.freq == "M"]
    year = FIRST_YEAR + size.years - 1
    rows = []
    for check, count in PANEL_DIRTY.items():
        for k in range(count):
            indicator = monthly[(k * 5 + len(rows)) % len(monthly)]
            row = [counties[int(rng.integers(len(counties)))], f"{year}-{k % 12 + 1:02d}", indicator.code,
                   str(int(rng.integers(1, 1000))), indicator.unit, ""]
            if check == "city_unknown":
                row[0] = f"99{k:02d}01"
            elif check == "province_submitted":
                row[0] = f"{GUANGDONG}0000"
            elif check == "indicator_unknown":
                row[2] = indicator.code + "_typo"
                row[4] = ""  # no unit to compare with an unknown indicator
            elif check == "indicator_derived":
                row[2], row[4] = "pon_10g_share_pct", catalogue["pon_10g_share_pct"].unit  # monthly, as its parts
                row[3] = "35.5"  # within the rate's range: the code alone is wrong
            elif check == "period_invalid":
                row[1] = f"{year}-13"
            elif check == "period_too_early":
                row[1] = f"{FIRST_YEAR - 1}-06"
            elif check == "period_future":
                row[1] = f"{year + 1}-{k % 9 + 3:02d}"
            elif check == "frequency_mismatch":
                quarterly = catalogue["households_total"]
                row[2], row[4] = quarterly.code, quarterly.unit
            elif check == "value_not_numeric":
                row[3] = ["12a", "约300", "1O0", "五十"][k % 4]
            elif check == "value_negative":
                row[3] = str(-int(rng.integers(1, 50)))
            elif check == "value_out_of_range":
                row[3] = str(int(indicator.max_value) * 2)
            elif check == "unit_mismatch":
                row[4] = "吨"
            rows.append(row)
    return _write_csv(out / "dirty" / "panel.csv", PANEL_HEADER, rows)


# ---------------------------------------------------------------- registries


def _dates_before(rng: np.random.Generator, n: int, first: dt.date, last: dt.date) -> np.ndarray:
    """n dates from `first` to `last`, more of them late (sites are built faster every year)."""
    span = (last - first).days
    days = np.floor(span * np.sqrt(rng.uniform(0, 1, n))).astype(int)
    return np.datetime64(first.isoformat()) + days


def _site_counties(areas: list[dict]) -> list[dict]:
    """The counties a site list covers: Guangdong's (the gdca's list)."""
    return [a for a in areas if a["area_level"] == "county" and a["province_code"] == f"{GUANGDONG}0000"]


def write_sites(rng: np.random.Generator, areas: list[dict], size: Size, out: Path) -> int:
    """Guangdong's 5G site list as of the last month: one row per site, one file."""
    report_month = last_month(size)
    period = report_month.strftime("%Y-%m")
    period_end = dt.date(report_month.year, 12, 31)
    counties = _site_counties(areas)
    weights = rng.lognormal(0, 0.7, len(counties))
    per_county = rng.multinomial(size.sites, weights / weights.sum())
    n = int(per_county.sum())
    county_codes = np.repeat([a["area_code"] for a in counties], per_county)
    city_codes = np.repeat([a["city_code"] for a in counties], per_county)
    bands = rng.choice(BANDS, n, p=BAND_WEIGHTS)
    operators = rng.choice(OPERATORS, n, p=OPERATOR_WEIGHTS)
    statuses = rng.choice(STATUSES, n, p=[0.97, 0.03])
    dates = _dates_before(rng, n, dt.date(FIRST_YEAR, 6, 1), period_end).astype(str)
    ids = (f"{GUANGDONG}5G{i:08d}" for i in range(n))
    rows = ([period, s, c, k, b, o, d, st] for s, c, k, b, o, d, st in
            zip(ids, city_codes, county_codes, bands, operators, dates, statuses, strict=True))
    return _write_csv(out / "sites" / f"{GUANGDONG}0000.csv", SITES_HEADER, rows)


def write_sites_dirty(rng: np.random.Generator, areas: list[dict], size: Size, out: Path) -> int:
    counties = _site_counties(areas)
    period = last_month(size).strftime("%Y-%m")
    year = last_month(size).year
    rows = []
    for check, count in SITES_DIRTY.items():
        for k in range(count):
            county = counties[int(rng.integers(len(counties)))]
            row = [period, f"DIRTY{len(rows):04d}", county["city_code"], county["area_code"], BANDS[k % 4],
                   OPERATORS[k % 4], f"{year}-0{k % 9 + 1}-15", STATUSES[0]]
            if check == "city_unknown":
                row[2] = "990100"
            elif check == "county_not_in_city":
                other = next(c for c in counties if c["city_code"] != county["city_code"])
                row[3] = other["area_code"]
            elif check == "band_invalid":
                row[4] = ["5.8GHz", "3.5G", "N78"][k % 3]
            elif check == "operator_invalid":
                row[5] = "中国铁通"
            elif check == "status_invalid":
                row[7] = ["在建", "规划"][k % 2]
            elif check == "date_invalid":
                row[6] = [f"{year}-02-30", "去年"][k % 2]
            elif check == "date_after_period":
                row[6] = f"{year + 1}-02-01"
            rows.append(row)
    return _write_csv(out / "dirty" / "sites.csv", SITES_HEADER, rows)


def _uscc(rng: np.random.Generator, area: str) -> str:
    """A valid code registered in `area`: 9 (market regulation) 1 (enterprise), the area, a 9-character
    organisation code, the check character."""
    body = "91" + area + "".join(USCC_CHARSET[i] for i in rng.integers(0, 10, 8)) + \
        USCC_CHARSET[int(rng.integers(0, 31))]
    return body + uscc_check(body)


def write_enterprises(rng: np.random.Generator, areas: list[dict], size: Size, out: Path) -> tuple[int, int]:
    """(rows, rows with a wrong check character). One row per enterprise and project, a file per province."""
    report_month = last_month(size)
    period = report_month.strftime("%Y-%m")
    counties = [a for a in areas if a["area_level"] == "county"]
    cities = [a for a in areas if a["area_level"] == "city"]
    province_of = {a["area_code"]: a["province_code"] for a in cities}
    rows_by_province: dict[str, list[list[str]]] = {}
    made, bad = 0, 0
    while made < size.enterprises:
        county = counties[int(rng.integers(len(counties)))]
        code = _uscc(rng, county["area_code"])
        wrong = rng.random() < 0.005  # a mistyped check character, which the register must report
        if wrong:
            code = code[:17] + USCC_CHARSET[(USCC_CHARSET.index(code[17]) + int(rng.integers(1, 31))) % 31]
        name = ("".join(rng.choice(NAME_WORDS, 2)) + NAME_TRADES[int(rng.integers(len(NAME_TRADES)))]
                + ["有限公司", "股份有限公司", "科技有限公司"][int(rng.integers(3))])
        industry = INDUSTRY_CODES[int(rng.integers(len(INDUSTRY_CODES)))]
        above = "是" if rng.random() < 0.8 else "否"
        listed_in = [county["city_code"]]
        if rng.random() < 0.02:  # moved, or listed by two cities: the same code under another city
            listed_in.append(cities[int(rng.integers(len(cities)))]["area_code"])
        for city in listed_in:
            for _ in range(int(rng.integers(1, 5))):
                if made >= size.enterprises:
                    break
                done = dt.date(report_month.year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
                project = PROJECTS[int(rng.integers(len(PROJECTS)))] + "项目"
                province = province_of[city]
                rows_by_province.setdefault(province, []).append(
                    [period, code, name, city, industry, above, project, done.isoformat()])
                made += 1
                bad += wrong
    for province, rows in rows_by_province.items():
        _write_csv(out / "enterprises" / f"{province}.csv", ENTERPRISES_HEADER, rows)
    return made, bad


def _write_csv(path: Path, header: list[str], rows) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def generate(out: Path, size_name: str = "small", seed: int = DEFAULT_SEED) -> dict:
    """Writes the national data into `out` and returns its manifest (also written as manifest.json)."""
    size = SIZES[size_name]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    areas = make_areas(rng, size.counties)
    _write_csv(out / "areas.csv", AREAS_HEADER, ([a[c] for c in AREAS_HEADER] for a in areas))
    panel_rows = write_panel(np.random.default_rng([seed, 1]), areas, size, out)
    dirty_rows = write_panel_dirty(np.random.default_rng([seed, 2]), areas, size, out)
    site_rows = write_sites(np.random.default_rng([seed, 3]), areas, size, out)
    dirty_site_rows = write_sites_dirty(np.random.default_rng([seed, 4]), areas, size, out)
    enterprise_rows, wrong_check = write_enterprises(np.random.default_rng([seed, 5]), areas, size, out)
    manifest = {
        "seed": seed, "size": size_name, "sizes": asdict(size),
        "first_month": f"{FIRST_YEAR}-01", "last_month": last_month(size).strftime("%Y-%m"),
        "reference_date": reference_date(size).isoformat(),
        "areas": {level: sum(a["area_level"] == level for a in areas) for level in ("province", "city", "county")},
        "panel": {"rows": panel_rows, "indicators": [i.code for i in panel_indicators()],
                  "files": sorted(str(p.relative_to(out)) for p in (out / "panel").rglob("*.csv"))},
        "panel_dirty": {"rows": dirty_rows, "failing_by_check": PANEL_DIRTY},
        "sites": {"rows": site_rows, "files": sorted(str(p.relative_to(out)) for p in (out / "sites").glob("*.csv"))},
        "sites_dirty": {"rows": dirty_site_rows, "failing_by_check": SITES_DIRTY},
        "enterprises": {"rows": enterprise_rows, "wrong_check_character_rows": wrong_check},
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    manifest = generate(args.out, args.size, args.seed)
    print(json.dumps({k: v for k, v in manifest.items() if k not in ("panel", "sites")}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
