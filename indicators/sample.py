"""Sample data that looks like the real thing: the files Guangdong's agencies and the two pilot teams
would send for 2021-01 … 2023-12, and a manifest saying who sent each file and when.

Seeded and deterministic: the same seed writes the same bytes. Levels are anchored on the published
figures in DOMAIN.md (5G stations, data-centre racks, GDP, the 5,000-enterprise target); the city traits
below are illustrative, not official. Five planted events give the pipeline something real to catch: a
file to reject, a pilot revision, a late file, a pilot value that disagrees with the agency's, and a
city missing from an agency file. Two more change values already released, so published revisions show:
an agency's correction that stands, and one the agency withdrew (withdrawal_history).

city missing from an agency file.

The agencies of record give the number of contributing units (单位数) with every magnitude value:
gdiit the data centres behind each city's racks, energy and computing power, gdstats the core-industry
enterprises behind its value added (`sample_n_units`). A few cities outside the Pearl River Delta have
only one or two data centres, so disclosure control has small cells to suppress. The pilots send no
magnitude indicator, hence no counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.writer.excel import ExcelWriter

from indicators import reference as ref
from indicators.clock import SHANGHAI
from indicators.reference import Indicator, add_months
from indicators.values import Period

SAMPLE_REFERENCE_DATE = dt.date(2024, 1, 10)
DEFAULT_SEED = 20220413  # the day the 2022 work plan was issued

FIRST_MONTH = dt.date(2021, 1, 1)
BASELINE_YEAR = 2020  # 2021's derived values divide by 2020's denominators
PILOT_START = dt.date(2023, 1, 1)
PILOT_INDICATORS = ("fiveg_base_stations", "iiot_identifier_registrations", "enterprises_transformed",
                    "smes_on_cloud")

TZ = SHANGHAI  # the calendar's zone (indicators.clock)
LATEST_RECEIPT = dt.datetime.combine(SAMPLE_REFERENCE_DATE, dt.time(18, 0), TZ)
FIXED_FILE_TIME = dt.datetime(2024, 1, 1)  # workbook properties and zip entries: no wall-clock time in files
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)

MONTHS = [add_months(FIRST_MONTH, k) for k in range(36)]  # 2021-01 … 2023-12
QUARTERS = MONTHS[::3]  # first month of each quarter
YEARS = [BASELINE_YEAR, 2021, 2022, 2023]

# ----------------------------------------------------------------------------------- who sends what, how


@dataclass(frozen=True)
class SubmissionStyle:
    """How one submitter writes its files; each keeps to its own style, as real senders do."""
    suffix: str  # csv or xlsx
    layout: str  # long: a row per city, period and indicator; wide: a row per city, a column per indicator
    sender: str  # the person who uploads the files (illustrative)
    encoding: str = ""  # CSV only
    city_as: str = "name"  # code 440300, name 深圳市 or short 深圳
    month_as: str = "iso"  # wide layout's period column: iso 2023-06 or zh 2023年6月
    title: bool = False  # XLSX: a merged title row and a blank row above the header


STYLES = {
    "gdca": SubmissionStyle("csv", "long", "陈志强", encoding="utf-8-sig", city_as="code"),
    "gdiit": SubmissionStyle("xlsx", "wide", "林晓燕", month_as="zh", title=True),
    "gdgsa": SubmissionStyle("csv", "wide", "黄伟明", encoding="gb18030", city_as="short"),
    "gdstats": SubmissionStyle("xlsx", "long", "张丽华"),
    "pilot-440300": SubmissionStyle("xlsx", "wide", "刘洋"),
    "pilot-441900": SubmissionStyle("xlsx", "wide", "叶嘉欣"),
}
SHEET_NAME = "数据"
LONG_HEADER = ["期间", "指标代码", "数值", "单位", "备注"]  # after the city column
N_UNITS_HEADER = "单位数"  # the long layout's count column; in the wide layout after the indicator's name
CITY_HEADER = {"code": "城市代码", "name": "城市", "short": "城市"}

# ------------------------------------------------------------------------------------------ planted events
# Each is planted in the file of one (profile, reporting month).
REJECTED = ("pilot-440300", dt.date(2023, 7, 1))  # carries a row for Dongguan: not the pilot's city
DISCREPANCY = ("pilot-440300", dt.date(2023, 9, 1))  # counted indoor small cells too: 5G stations +15 %
DISCREPANCY_FACTOR = 1.15
REVISED = ("pilot-441900", dt.date(2023, 10, 1))  # copied September's identifier count; corrected later
REVISION_RECEIVED = dt.datetime(2023, 12, 5, 10, 26, 14, tzinfo=TZ)
LATE = ("gdgsa", dt.date(2023, 11, 1))  # due 2023-12-10
LATE_RECEIVED = dt.datetime(2023, 12, 18, 15, 42, 37, tzinfo=TZ)
MISSING = ("gdiit", dt.date(2023, 11, 1))
MISSING_CITY = "445300"  # Yunfu's row left out
# Due 2024-01-10 and not in yet on the reference date: not late, so the Dongguan pilot's 2023-12 file
# fills gdiit's cells for Dongguan.
NOT_YET_SENT = {("gdiit", dt.date(2023, 12, 1)), ("pilot-440300", dt.date(2023, 12, 1))}
CENSUS_RECEIVED = dt.datetime(2021, 5, 11, 10, 0, 0, tzinfo=TZ)  # the 7th census communiqués
CENSUS_NOTE = "第七次全国人口普查"
# Corrections of released values, each a one-cell file sent after its month's release (August released
# 2023-09-20, September 2023-10-30). gdca's August file missed Shaoguan's sites opened at the month's end;
# its correction carries the true count and stands: the city, 粤北 and the province change, and their 5G
# stations per 10,000 people.
CORRECTED_CELL = ("gdca", "fiveg_base_stations", "440200", dt.date(2023, 8, 1))  # Shaoguan
CORRECTION_MISSED = 37  # sites the August file left out
CORRECTION_RECEIVED = dt.datetime(2023, 10, 16, 15, 12, 5, tzinfo=TZ)
CORRECTION_NOTE = "更正：8月漏计乳源、南雄两地月末开通的37个5G基站"
# gdgsa lowered Zhanjiang's September 粤智助 villages after a spot check, then withdrew the correction:
# the check had used an outdated roster. The released value (and 粤西's, the province's and the coverage
# rates) went down on the 6th and came back on the 9th.
WITHDRAWN_CELL = ("gdgsa", "admin_villages_yzz", "440800", dt.date(2023, 9, 1))  # Zhanjiang
WITHDRAWN_SHORTFALL = 12  # villages the withdrawn correction took off
WITHDRAWN_RECEIVED = dt.datetime(2023, 11, 6, 10, 41, 27, tzinfo=TZ)
WITHDRAWN_AT = dt.datetime(2023, 11, 9, 16, 5, 0, tzinfo=TZ)
WITHDRAWAL_REASON = "撤回：11月6日更正表依据的抽查名册已过期，9月数据以原报送为准"
# The release history (release_history below): who released the months, how long after the last due date.
RELEASED_BY = "周敏"  # the analyst (illustrative)
RELEASE_DAYS_AFTER_DUE = 10
RELEASE_TIME = dt.time(10, 0)

# ------------------------------------------------------------------------------------------------ levels
# Illustrative city traits (approximate, not official figures): large industrial enterprises and GDP
# (亿元) around 2022, share of the province's data-centre racks, how rural the city is (natural and
# administrative villages per person, relative), core digital industries' share of GDP, towns and streets.
CITY_TRAITS = {  # code: (enterprises, gdp, rack_share, rural, digital_share, towns)
    "440100": (6_900, 28_839, 0.28, 0.3, 0.20, 176),
    "440200": (750, 1_564, 0.03, 1.8, 0.05, 104),
    "440300": (13_000, 32_388, 0.24, 0.02, 0.41, 74),
    "440400": (1_600, 4_045, 0.03, 0.3, 0.18, 24),
    "440500": (2_400, 3_018, 0.02, 1.0, 0.06, 69),
    "440600": (9_100, 12_698, 0.07, 0.3, 0.09, 32),
    "440700": (4_000, 3_774, 0.02, 1.0, 0.07, 73),
    "440800": (800, 3_712, 0.02, 1.3, 0.04, 121),
    "440900": (700, 3_905, 0.01, 1.3, 0.03, 113),
    "441200": (1_500, 2_705, 0.02, 1.2, 0.06, 107),
    "441300": (2_900, 5_401, 0.05, 0.8, 0.28, 72),
    "441400": (650, 1_318, 0.01, 1.8, 0.05, 110),
    "441500": (400, 1_322, 0.01, 1.3, 0.08, 54),
    "441600": (700, 1_295, 0.01, 1.8, 0.12, 100),
    "441700": (600, 1_536, 0.01, 1.3, 0.03, 48),
    "441800": (1_200, 2_032, 0.02, 1.6, 0.04, 85),
    "441900": (13_000, 11_200, 0.09, 0.3, 0.24, 32),
    "442000": (4_800, 3_631, 0.02, 0.3, 0.10, 23),
    "445100": (900, 1_313, 0.01, 1.2, 0.05, 51),
    "445200": (1_300, 2_260, 0.01, 1.2, 0.04, 90),
    "445300": (500, 1_162, 0.01, 1.8, 0.03, 63),
}
SHENZHEN, GUANGZHOU, SHAOGUAN = "440300", "440100", "440200"

# 5G stations in 2020-08 (DOMAIN.md): the IT department's city figures, as issue 2 anchors the sample
# (Shenzhen ≈ 30k; DOMAIN.md's 46,400 is the communications administration's broader count), and the
# rest of its province total 98,613 shared by population.
FIVEG_ANCHOR_MONTH = dt.date(2020, 8, 1)
FIVEG_ANCHOR = {SHENZHEN: 30_591, GUANGZHOU: 23_555, "441900": 8_305, "440600": 7_472}
FIVEG_ANCHOR_REST = 98_613 - (30_591 + 23_555 + 8_305 + 7_472)
FIVEG_PROVINCE = {  # 124.5k at end-2020 is 144k (2021-09) less the 19.5k built in 2021's first nine months
    dt.date(2020, 12, 1): 124_500, dt.date(2021, 9, 1): 144_000, dt.date(2021, 12, 1): 170_000,
    dt.date(2022, 11, 1): 212_500, dt.date(2022, 12, 1): 221_000, dt.date(2023, 12, 1): 305_000,
}
FIVEG_700MHZ_PROVINCE = {dt.date(2020, 12, 1): 0, dt.date(2021, 6, 1): 1_500, dt.date(2021, 12, 1): 6_000,
                         dt.date(2022, 12, 1): 14_000, dt.date(2023, 12, 1): 21_000}
FIVEG_USERS_PROVINCE = {dt.date(2021, 12, 1): 58e6, dt.date(2022, 12, 1): 82e6, dt.date(2023, 12, 1): 104e6}
RACKS_2019 = 218_000  # standard racks in production, end-2019 (DOMAIN.md)
RACKS_PROVINCE = {dt.date(2019, 10, 1): RACKS_2019, dt.date(2020, 10, 1): 250_000,
                  dt.date(2021, 10, 1): 288_000, dt.date(2022, 10, 1): 332_000, dt.date(2023, 10, 1): 386_000}
IDENTIFIERS_PROVINCE = {dt.date(2020, 12, 1): 4e9, dt.date(2021, 12, 1): 12e9, dt.date(2022, 12, 1): 28e9,
                        dt.date(2023, 12, 1): 52e9}
SMES_ON_CLOUD_PROVINCE = {dt.date(2020, 10, 1): 280_000, dt.date(2021, 10, 1): 360_000,
                          dt.date(2022, 10, 1): 460_000, dt.date(2023, 10, 1): 572_000}  # +100k+ in 2023
TRANSFORMED_PROVINCE = {2021: (3_400, 3_800), 2022: (4_950, 5_250), 2023: (5_050, 5_350)}  # December range
ENTERPRISES_PROVINCE = {2020: 57_600, 2021: 63_900, 2022: 67_000, 2023: 68_500}
GDP_PROVINCE = {2020: 110_760.9, 2021: 124_369.7, 2022: 128_800.0, 2023: 135_600.0}  # 亿元
CORE_DIGITAL_SHARE = {2020: 0.174, 2021: 0.179, 2022: 0.185, 2023: 0.19}
POPULATION_CHANGE = {2021: (0.006, -0.002), 2022: (0.001, -0.003), 2023: (0.002, -0.002)}  # PRD, elsewhere
VILLAGES20_PROVINCE = 98_000
ADMIN_VILLAGES_PROVINCE = 19_600
# Within-year shape of flows and of year-to-date counts: Spring Festival in February, a year-end push.
MONTH_SEASON = np.array([0.95, 0.78, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.02, 1.0, 1.08, 1.12])
TRANSFORMED_MONTH_SHARE = np.array([0.03, 0.03, 0.07, 0.07, 0.08, 0.09, 0.08, 0.08, 0.1, 0.1, 0.12, 0.15])
# Data centres in a city: its standard racks over the racks of a typical centre there, rounded down and
# at least one. The national hub cluster (Guangzhou, Shenzhen, Dongguan, Foshan, Shaoguan) has many;
# five cities in the north, east and west have one or two in some or all quarters (illustrative).
DC_COUNT_INDICATORS = ("dc_standard_racks", "dc_racks_in_use", "dc_it_energy_mwh", "dc_total_energy_mwh",
                       "compute_power_pflops")
RACKS_PER_DATA_CENTRE = {"440100": 1_100, "440300": 1_100, "441900": 1_100, "440600": 1_000,
                         "440200": 1_500,  # Shaoguan: the hub's new, larger centres
                         "445300": 2_000, "441500": 1_800, "441400": 1_500, "445100": 1_300, "441600": 1_300}
RACKS_PER_DATA_CENTRE_ELSEWHERE = 800
# Core digital-industry enterprises behind a city's value added (亿元): more, and larger, where it is large.
ENTERPRISES_PER_VALUE_ADDED = (12.0, 0.6)  # enterprises ≈ 12 × value added ^ 0.6: ~80 (Yunfu) to ~3,500 (Shenzhen)
# Data centres by quarter: IT load dips in Q1; cooling pushes PUE up in Q3.
IT_LOAD_SEASON = np.array([0.96, 1.0, 1.03, 1.01])
PUE_SEASON = np.array([-0.04, 0.0, 0.08, -0.01])

Key = tuple[str, str, dt.date]  # (indicator code, city code, first day of the period)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _province_path(knots: dict[dt.date, float], periods: list[dt.date]) -> np.ndarray:
    """A province level through the knots, linear between them."""
    return np.interp([_month_index(p) for p in periods], [_month_index(k) for k in knots],
                     list(knots.values()))


def _grow(start: np.ndarray, path: np.ndarray, weights: np.ndarray, rng: np.random.Generator,
          noise: float) -> np.ndarray:
    """City levels that never fall: each period's province increment is shared out by noisy weights.
    The province path is jittered a little so that its totals don't land on the round knots."""
    path = np.maximum.accumulate(path * (1 + rng.normal(0, 0.002, len(path))))
    steps = np.diff(path, prepend=start.sum()).clip(min=0)
    shares = weights[:, None] * rng.lognormal(0.0, noise, (len(start), len(path)))
    return start[:, None] + np.cumsum(shares / shares.sum(axis=0) * steps, axis=1)


def _wobble(level: np.ndarray, growth_per_year: float, periods: int, months_per_period: int,
            rng: np.random.Generator, noise: float) -> np.ndarray:
    """Levels that drift up with a trend and wobble around it, so they may fall now and then."""
    years = np.arange(periods) * months_per_period / 12
    return level[:, None] * (1 + growth_per_year * years) * (1 + rng.normal(0, noise, (len(level), periods)))


def _rising(start: np.ndarray, end: np.ndarray | float, periods: int, rng: np.random.Generator,
            done: np.ndarray | None = None) -> np.ndarray:
    """Per-city rates rising from start to end, reaching end at period `done` and staying there."""
    done = np.full(len(start), periods - 1) if done is None else done
    progress = np.clip(np.arange(periods) / done[:, None], 0, 1)
    end = np.broadcast_to(end, start.shape)[:, None]
    rate = start[:, None] + (end - start[:, None]) * progress
    rate += rng.normal(0, 0.004, rate.shape) * (progress < 1)
    return np.minimum(np.maximum.accumulate(rate, axis=1), end)


def _in_effect_year(period: dt.date, freq: str) -> int:
    """The year whose annual denominator a period divides by: the latest ending at or before it."""
    end = ref.period_end(period, freq)
    return end.year if end.month == 12 else end.year - 1


def _cap(totals: dict[int, np.ndarray], periods: list[dt.date], freq: str) -> np.ndarray:
    """Per city and period, the smallest annual total in effect from then on: a numerator kept under it
    stays under its denominator even where the total later falls, and can still never fall itself."""
    return np.stack([np.min([totals[y] for y in YEARS if y >= _in_effect_year(p, freq)], axis=0)
                     for p in periods], axis=1)


def sample_values(seed: int = DEFAULT_SEED) -> dict[Key, int | float]:
    """The true value of every base indicator, city and period behind the sample files."""
    rng = np.random.default_rng(seed)
    cities = ref.cities()
    codes = [c.code for c in cities]
    n = len(codes)
    at = {code: i for i, code in enumerate(codes)}
    census = np.array([c.population_census_2020 for c in cities])
    pop = census.astype(float)
    prd = np.array([c.region_code == "GD-PRD" for c in cities])
    enterprises_w, gdp_w, rack_w, rural_w, digital_share, towns_2020 = (
        np.array([CITY_TRAITS[code][k] for code in codes], float) for k in range(6))
    enterprise_share = enterprises_w / enterprises_w.sum()
    values: dict[Key, int | float] = {}

    def store(code: str, table: np.ndarray, periods: list[dt.date], decimals: int | None = None) -> None:
        for i, city in enumerate(codes):
            for t, period in enumerate(periods):
                x = table[i, t]
                values[code, city, period] = round(float(x), decimals) if decimals else int(x)

    def store_years(code: str, by_year: dict[int, np.ndarray], decimals: int | None = None) -> None:
        table = np.stack([by_year[y] for y in YEARS], axis=1)
        store(code, table, [dt.date(y, 1, 1) for y in YEARS], decimals)

    # Population: the census, then small moves (the Pearl River Delta gains, the rest loses a little).
    population = {BASELINE_YEAR: census}
    for year, (in_delta, elsewhere) in POPULATION_CHANGE.items():
        change = np.clip(np.where(prd, in_delta, elsewhere) + rng.normal(0, 0.002, n), -0.009, 0.009)
        population[year] = np.round(population[year - 1] * (1 + change)).astype(np.int64)
    store_years("resident_population", population)

    # 5G stations from the 2020-08 anchors; Shenzhen, built out early, takes a smaller share of new sites.
    start = FIVEG_ANCHOR_REST * pop / pop[[at[c] for c in codes if c not in FIVEG_ANCHOR]].sum()
    for city, stations in FIVEG_ANCHOR.items():
        start[at[city]] = stations
    since_anchor = [add_months(FIVEG_ANCHOR_MONTH, k) for k in range(1, 41)]
    path = _province_path({FIVEG_ANCHOR_MONTH: start.sum(), **FIVEG_PROVINCE}, since_anchor)
    weights = pop * np.where(prd, 1.25, 1.0)
    weights[at[SHENZHEN]] *= 0.5
    fiveg = np.floor(_grow(start, path, weights, rng, 0.35))[:, -len(MONTHS):]
    store("fiveg_base_stations", fiveg, MONTHS)
    path = _province_path(FIVEG_700MHZ_PROVINCE, MONTHS)  # 700 MHz is for rural coverage
    store("fiveg_base_stations_700mhz",
          np.floor(_grow(np.zeros(n), path, pop * np.where(prd, 0.6, 1.4), rng, 0.35)), MONTHS)

    # Mobile subscribers (more SIMs than people in the big cities) and the 5G users among them.
    sims_per_person = np.where(prd, 1.3, 1.12)
    sims_per_person[at[SHENZHEN]], sims_per_person[at[GUANGZHOU]] = 1.6, 1.5
    mobile = np.floor(_wobble(pop * sims_per_person, 0.012, len(MONTHS), 1, rng, 0.003))
    store("mobile_users_total", mobile, MONTHS)
    start = mobile[:, 0] * np.where(prd, 0.22, 0.17)
    path = _province_path({dt.date(2020, 12, 1): start.sum(), **FIVEG_USERS_PROVINCE}, MONTHS)
    store("fiveg_users", np.floor(_grow(start, path, mobile[:, 0] * np.where(prd, 1.1, 0.9), rng, 0.15)),
          MONTHS)

    # Fixed broadband: 1000M users are among the 500M+ users, who are among all users.
    broadband = np.floor(_wobble(pop / 2.9 * np.where(prd, 1.05, 0.92), 0.035, len(MONTHS), 1, rng, 0.003))
    share_500 = _rising(np.where(prd, 0.10, 0.06) + rng.normal(0, 0.01, n),
                        np.where(prd, 0.40, 0.30) + rng.normal(0, 0.02, n), len(MONTHS), rng)
    fast = np.floor(broadband * share_500)
    gigabit = np.floor(fast * _rising(np.full(n, 0.35), 0.55, len(MONTHS), rng))
    store("broadband_users_total", broadband, MONTHS)
    store("broadband_users_500m_plus", fast, MONTHS)
    store("broadband_users_1000m", gigabit, MONTHS)
    pon = np.floor(_wobble(pop / 33 * np.where(prd, 1.05, 0.95), 0.04, len(MONTHS), 1, rng, 0.003))
    store("pon_ports_total", pon, MONTHS)
    store("pon_ports_10g",
          np.floor(pon * _rising(np.where(prd, 0.18, 0.10), np.where(prd, 0.60, 0.45), len(MONTHS), rng)),
          MONTHS)

    # Households reached by gigabit fibre; key venues reached by 5G.
    households = np.floor(_wobble(pop / 2.63, 0.01, len(QUARTERS), 3, rng, 0.001))
    store("households_total", households, QUARTERS)
    coverage = _rising(np.where(prd, 0.70, 0.50), np.where(prd, 0.99, 0.93), len(QUARTERS), rng)
    store("households_gigabit_covered", np.floor(households * coverage), QUARTERS)
    venues = np.floor(_wobble(pop / 2800, 0.02, len(QUARTERS), 3, rng, 0.004))
    store("key_venues_total", venues, QUARTERS)
    reach = _rising(np.where(prd, 0.88, 0.78), np.where(prd, 0.998, 0.985), len(QUARTERS), rng)
    store("key_venues_5g_covered", np.floor(venues * reach), QUARTERS)

    # Village totals move a little from year to year; fibre, 4G and 粤智助 reach 100 % during 2022.
    def yearly_totals(weight: np.ndarray, province: int, noise: float) -> dict[int, np.ndarray]:
        totals = {BASELINE_YEAR: np.maximum(np.round(weight / weight.sum() * province), 20)}
        for year in YEARS[1:]:
            totals[year] = np.round(totals[year - 1] * (1 + rng.normal(0, noise, n)))
        return totals

    villages20 = yearly_totals(rural_w * pop, VILLAGES20_PROVINCE, 0.003)
    store_years("villages20_total", villages20)
    cap = _cap(villages20, QUARTERS, "Q")
    for code, first in [("villages20_fibre", (0.94, 0.975)), ("villages20_4g", (0.965, 0.99))]:
        rate = _rising(rng.uniform(*first, n), 1.0, len(QUARTERS), rng, done=rng.integers(5, 8, n))
        store(code, np.floor(rate * cap), QUARTERS)
    admin_villages = yearly_totals(rural_w * pop, ADMIN_VILLAGES_PROVINCE, 0.001)
    towns = yearly_totals(towns_2020, towns_2020.sum(), 0.001)
    store_years("admin_villages_total", admin_villages)
    store_years("towns_total", towns)
    rate = _rising(rng.uniform(0.6, 0.8, n), 1.0, len(MONTHS), rng, done=rng.integers(18, 24, n))
    store("admin_villages_yzz", np.floor(rate * _cap(admin_villages, MONTHS, "M")), MONTHS)
    rate = _rising(rng.uniform(0.82, 0.95, n), 1.0, len(MONTHS), rng, done=rng.integers(10, 18, n))
    store("towns_yzz", np.floor(rate * _cap(towns, MONTHS, "M")), MONTHS)

    # Data centres: racks grow from the 2019 stock (Shaoguan's cluster fastest), about 60 % in use.
    start = RACKS_2019 * rack_w / rack_w.sum()
    since_2019 = [add_months(dt.date(2020, 1, 1), 3 * k) for k in range(16)]
    weights = rack_w.copy()
    weights[at[SHAOGUAN]] *= 3
    racks = np.floor(_grow(start, _province_path(RACKS_PROVINCE, since_2019), weights, rng, 0.4))
    racks = racks[:, -len(QUARTERS):]
    utilisation = np.where(prd, 0.63, 0.55)
    utilisation[at[SHENZHEN]], utilisation[at[GUANGZHOU]], utilisation[at[SHAOGUAN]] = 0.69, 0.632, 0.45
    in_use = np.floor(racks * np.clip(utilisation[:, None] + rng.normal(0, 0.01, racks.shape), 0.3, 0.9))
    store("dc_standard_racks", racks, QUARTERS)
    store("dc_racks_in_use", in_use, QUARTERS)
    years = np.arange(len(QUARTERS)) / 4
    quarter = np.arange(len(QUARTERS)) % 4
    hours = np.array([(ref.period_end(q, "Q") - q).days + 1 for q in QUARTERS]) * 24
    kw_per_rack = 1.45 + 0.02 * years
    it_energy = np.round(in_use * kw_per_rack * hours / 1000 * IT_LOAD_SEASON[quarter]
                         * (1 + rng.normal(0, 0.01, racks.shape)), 1)
    base_pue = np.where(prd, 1.62, 1.70)
    base_pue[at[SHENZHEN]] = 1.55
    pue = np.clip(base_pue[:, None] - 0.05 * years + PUE_SEASON[quarter] + rng.normal(0, 0.01, racks.shape),
                  1.3, 1.8)
    store("dc_it_energy_mwh", it_energy, QUARTERS, decimals=1)
    store("dc_total_energy_mwh", np.round(it_energy * pue, 1), QUARTERS, decimals=1)
    intensity = np.full(n, 0.9)
    intensity[[at[SHENZHEN], at[GUANGZHOU], at[SHAOGUAN]]] = 1.4, 1.2, 1.3
    pflops = in_use * (0.055 + 0.0165 * years) * intensity[:, None] * (1 + rng.normal(0, 0.02, racks.shape))
    store("compute_power_pflops", np.round(pflops, 1), QUARTERS, decimals=1)

    # Industrial internet: registrations accumulate; resolutions are a seasonal monthly flow.
    start = IDENTIFIERS_PROVINCE[dt.date(2020, 12, 1)] * enterprise_share
    path = _province_path(IDENTIFIERS_PROVINCE, MONTHS)
    store("iiot_identifier_registrations", np.floor(_grow(start, path, enterprises_w, rng, 0.3)), MONTHS)
    volume = 0.6e9 * 5 ** (np.arange(len(MONTHS)) / (len(MONTHS) - 1))
    resolutions = (volume * MONTH_SEASON[np.arange(len(MONTHS)) % 12] * enterprise_share[:, None]
                   * rng.lognormal(0, 0.08, (n, len(MONTHS))))
    store("iiot_identifier_resolutions", np.floor(resolutions), MONTHS)

    # Enterprises transformed this year: counted distinct from January, so it never falls within a year.
    transformed = np.zeros((n, len(MONTHS)))
    for k, year in enumerate(YEARS[1:]):
        low, high = TRANSFORMED_PROVINCE[year]
        by_city = rng.multinomial(rng.integers(low, high + 1), enterprise_share)
        by_month = np.stack([rng.multinomial(total, TRANSFORMED_MONTH_SHARE) for total in by_city])
        transformed[:, 12 * k:12 * (k + 1)] = np.cumsum(by_month, axis=1)
    store("enterprises_transformed", transformed, MONTHS)
    sme_share = (enterprise_share + pop / pop.sum()) / 2
    path = _province_path(SMES_ON_CLOUD_PROVINCE, QUARTERS)
    start = SMES_ON_CLOUD_PROVINCE[dt.date(2020, 10, 1)] * sme_share
    store("smes_on_cloud", np.floor(_grow(start, path, sme_share, rng, 0.2)), QUARTERS)

    # Annual statistics: enterprises above scale, GDP and core digital value added at current prices.
    enterprises = {year: np.round(enterprise_share * total * (1 + rng.normal(0, 0.015, n)))
                   for year, total in ENTERPRISES_PROVINCE.items()}
    store_years("enterprises_above_scale", enterprises)
    gdp = {y: np.round(gdp_w / gdp_w.sum() * total * (1 + rng.normal(0, 0.008, n)), 1)
           for y, total in GDP_PROVINCE.items()}
    store_years("gdp", gdp, decimals=1)
    core = {}
    for year, share in CORE_DIGITAL_SHARE.items():
        scale = share * gdp[year].sum() / (gdp[year] * digital_share).sum()
        core[year] = np.round(gdp[year] * digital_share * scale * (1 + rng.normal(0, 0.02, n)), 1)
    store_years("de_core_value_added", core, decimals=1)
    _plant_anomalies(values)
    return values


def sample_n_units(values: dict[Key, int | float]) -> dict[Key, int]:
    """The number of units behind every magnitude value the agencies send: data centres for gdiit's five
    data-centre indicators (one count per city and quarter, from its racks), enterprises for gdstats'
    core value added. Counts follow the racks and the value added, so they change slowly."""
    counts: dict[Key, int] = {}
    for (code, city, period), value in values.items():
        if code == "dc_standard_racks":
            centres = max(1, int(value // RACKS_PER_DATA_CENTRE.get(city, RACKS_PER_DATA_CENTRE_ELSEWHERE)))
            counts |= {(indicator, city, period): centres for indicator in DC_COUNT_INDICATORS}
        elif code == "de_core_value_added":
            scale, power = ENTERPRISES_PER_VALUE_ADDED
            counts[code, city, period] = round(scale * value ** power)
    assert set(counts) == {key for key in values if ref.catalogue()[key[0]].magnitude}
    return counts


# ------------------------------------------------------------------------------------- planted anomalies
# One clear case for each rule of mart.anomalies (indicators/data/anomalies.yaml), in the last periods the
# sample has, so that no later period carries the error on. The agencies' ones are what their files say (the
# values above, as sent); the pilot's is a value of its file only. tests/test_anomalies.py names the flags.
UNIT_SLIP = ("broadband_users_1000m", "440900", dt.date(2023, 12, 1))  # Maoming's gigabit users sent in 万户
LEVEL_JUMP = ("fiveg_base_stations", "440700", dt.date(2023, 12, 1))  # Jiangmen counts indoor small cells too
LEVEL_JUMP_FACTOR = 1.382  # on its November: 环比 +38.2 %, the other cities about +2 %
SEASONAL_SLIP = ("iiot_identifier_resolutions", "441500", dt.date(2023, 11, 1))  # Shanwei's Oct + Nov as Nov
# The Dongguan pilot's December registrations count only its own secondary node: below gdiit's November.
PILOT_FALL = ("pilot-441900", ("iiot_identifier_registrations", "441900", dt.date(2023, 12, 1)))
PILOT_FALL_FACTOR = 0.995  # of gdiit's November figure


def _plant_anomalies(values: dict[Key, int | float]) -> None:
    """The agencies' planted anomalies, in the values their files carry."""
    values[UNIT_SLIP] = round(values[UNIT_SLIP] / 10_000, 1)
    code, city, month = LEVEL_JUMP
    values[LEVEL_JUMP] = round(values[(code, city, add_months(month, -1))] * LEVEL_JUMP_FACTOR)
    code, city, month = SEASONAL_SLIP
    values[SEASONAL_SLIP] += values[(code, city, add_months(month, -1))]


def _plant_pilot_fall(planned: list[_Planned], values: dict[Key, int | float]) -> None:
    """The pilot's planted fall: a value of its file, not of the agency's series."""
    profile, key = PILOT_FALL
    code, city, month = key
    [pilot] = [p for p in planned if (p.profile, p.month) == (profile, month)]
    pilot.wrong_values[key] = round(values[(code, city, add_months(month, -1))] * PILOT_FALL_FACTOR)


# ------------------------------------------------------------------------------------------------- files


@dataclass(frozen=True)
class SampleFile:
    file: str
    profile: str
    submitted_by: str
    received_at: dt.datetime  # tz-aware, Asia/Shanghai
    event: str  # "" or census / rejected / revision / late / discrepancy / missing


@dataclass
class _Planned:
    """A file to write: what it carries, for which cities, and what differs from the true values."""
    profile: str
    month: dt.date  # the reporting month whose file this is
    contents: list[tuple[Indicator, dt.date]]
    cities: list[str]
    name_suffix: str = ""
    event: str = ""
    received_at: dt.datetime | None = None
    wrong_values: dict[Key, int | float] = field(default_factory=dict)
    note: str = ""  # the long layout's 备注 on every row

    @property
    def file(self) -> str:
        only_annual = all(ind.freq == "A" for ind, _ in self.contents)
        label = str(self.month.year) if only_annual else f"{self.month:%Y-%m}"
        return f"{self.profile}_{label}{self.name_suffix}.{STYLES[self.profile].suffix}"

    @property
    def due(self) -> dt.date:
        return min(ref.calendar().due_date(period, ind.freq) for ind, period in self.contents)


def _period_closing_with(month: dt.date, freq: str) -> dt.date | None:
    """The period of this frequency that ends with the month, if one does."""
    closed = Period(month, "M").as_freq(freq)
    return closed.start if closed else None


def _collected(indicator: Indicator, period: dt.date) -> bool:
    """Monitoring starts in 2021; annual denominators are collected from the baseline year, except the
    baseline population, which is the census."""
    if period >= FIRST_MONTH:
        return True
    return (indicator.freq == "A" and period.year == BASELINE_YEAR
            and indicator.code != "resident_population")


def _contents(codes: list[str], month: dt.date) -> list[tuple[Indicator, dt.date]]:
    contents = []
    for code in codes:
        indicator = ref.catalogue()[code]
        period = _period_closing_with(month, indicator.freq)
        if period is not None and _collected(indicator, period):
            contents.append((indicator, period))
    return contents


def _plan() -> list[_Planned]:
    planned = []
    catalogue_order = list(ref.catalogue())
    for profile in ref.profiles().values():
        if profile.kind == "agency":
            codes = sorted(profile.indicators, key=catalogue_order.index)
            cities = [c.code for c in ref.cities()]
            months = [add_months(FIRST_MONTH, -1), *MONTHS]  # the baseline December carries annual 2020
        else:
            codes, cities = list(PILOT_INDICATORS), sorted(profile.cities)
            months = [m for m in MONTHS if m >= PILOT_START]
        for month in months:
            contents = _contents(codes, month)
            if contents and (profile.profile_id, month) not in NOT_YET_SENT:
                planned.append(_Planned(profile.profile_id, month, contents, list(cities)))
    census = ref.catalogue()["resident_population"], dt.date(BASELINE_YEAR, 1, 1)
    planned.append(_Planned("gdstats", dt.date(BASELINE_YEAR, 12, 1), [census],
                            [c.code for c in ref.cities()], name_suffix="_census", event="census",
                            received_at=CENSUS_RECEIVED, note=CENSUS_NOTE))
    return planned


def _plant_events(planned: list[_Planned], values: dict[Key, int | float]) -> list[_Planned]:
    def find(profile: str, month: dt.date) -> _Planned:
        [match] = [p for p in planned if (p.profile, p.month, p.event) == (profile, month, "")]
        return match

    rejected = find(*REJECTED)
    rejected.event = "rejected"
    rejected.cities.append("441900")

    discrepancy = find(*DISCREPANCY)
    discrepancy.event = "discrepancy"
    key = ("fiveg_base_stations", SHENZHEN, DISCREPANCY[1])
    discrepancy.wrong_values[key] = round(values[key] * DISCREPANCY_FACTOR)

    original = find(*REVISED)
    month, [city] = original.month, original.cities
    original.wrong_values[("iiot_identifier_registrations", city, month)] = values[
        ("iiot_identifier_registrations", city, add_months(month, -1))]
    planned.append(_Planned(original.profile, month, original.contents, list(original.cities),
                            name_suffix="_rev1", event="revision", received_at=REVISION_RECEIVED))

    late = find(*LATE)
    late.event, late.received_at = "late", LATE_RECEIVED

    missing = find(*MISSING)
    missing.event = "missing"
    missing.cities.remove(MISSING_CITY)

    profile, *cell = CORRECTED_CELL
    find(profile, cell[2]).wrong_values[tuple(cell)] = values[tuple(cell)] - CORRECTION_MISSED
    planned.append(_correction(CORRECTED_CELL, "correction", CORRECTION_RECEIVED, note=CORRECTION_NOTE))
    profile, *cell = WITHDRAWN_CELL
    withdrawn = _correction(WITHDRAWN_CELL, "withdrawn", WITHDRAWN_RECEIVED)
    withdrawn.wrong_values[tuple(cell)] = values[tuple(cell)] - WITHDRAWN_SHORTFALL
    planned.append(withdrawn)
    return planned


def _correction(cell: tuple[str, str, str, dt.date], event: str, received_at: dt.datetime, note: str = "") -> _Planned:
    """A file correcting one monthly cell (profile, indicator, city, month) of a file already sent."""
    profile, code, city, month = cell
    return _Planned(profile, month, [(ref.catalogue()[code], month)], [city], name_suffix="_rev1", event=event,
                    received_at=received_at, note=note)


def _receipt_time(due: dt.date, rng: np.random.Generator) -> dt.datetime:
    """A few working days before the due date, in office hours."""
    day = due - dt.timedelta(days=int(rng.integers(1, 7)))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    minutes = int(rng.integers(9 * 60, 17 * 60 + 30))
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, int(rng.integers(0, 60))), TZ)


# ----------------------------------------------------------------------------------------------- writing


def _city_cell(city: str, style: SubmissionStyle) -> str:
    c = ref.city_by_code()[city]
    return {"code": c.code, "name": c.name_zh, "short": c.short_zh}[style.city_as]


def _long_period(period: dt.date, freq: str) -> str:
    """As agencies write them: 2023-06, 2023Q2, 2023."""
    return ref.period_label(period, freq).replace("-Q", "Q")


def _month_text(month: dt.date, style: SubmissionStyle) -> str:
    return f"{month.year}年{month.month}月" if style.month_as == "zh" else f"{month:%Y-%m}"


def _table(p: _Planned, values: dict[Key, int | float], n_units: dict[Key, int]) -> tuple[list[str], list[list]]:
    """The header and rows of a file, in its sender's layout. An agency's magnitude values come with their
    number of units: a 单位数 column in the long layout, a `<indicator> 单位数` column beside each in the
    wide one (readers.py)."""
    style = STYLES[p.profile]
    counted = p.profile in {ind.submitter for ind, _ in p.contents if ind.magnitude}

    def value(indicator: Indicator, city: str, period: dt.date) -> int | float:
        key = (indicator.code, city, period)
        return p.wrong_values.get(key, values[key])

    def count(indicator: Indicator, city: str, period: dt.date) -> int | str:
        return n_units[indicator.code, city, period] if indicator.magnitude else ""

    if style.layout == "long":
        header = [CITY_HEADER[style.city_as], *LONG_HEADER]
        rows = [[_city_cell(city, style), _long_period(period, ind.freq), ind.code, value(ind, city, period),
                 ind.unit, p.note]
                for city in p.cities for ind, period in p.contents]
        if counted:  # 单位数 after 单位, before 备注
            header.insert(-1, N_UNITS_HEADER)
            for row, (city, (ind, period)) in zip(rows, [(c, x) for c in p.cities for x in p.contents], strict=True):
                row.insert(-1, count(ind, city, period))
    else:
        columns = [(ind, period, counts) for ind, period in p.contents
                   for counts in ((False, True) if counted and ind.magnitude else (False,))]
        header = ["城市", "期间", *[f"{ind.name_zh} {N_UNITS_HEADER}" if counts else f"{ind.name_zh}（{ind.unit}）"
                                  for ind, _, counts in columns]]
        rows = [[_city_cell(city, style), _month_text(p.month, style),
                 *[count(ind, city, period) if counts else value(ind, city, period)
                   for ind, period, counts in columns]]
                for city in p.cities]
    return header, rows


def _csv_bytes(header: list[str], rows: list[list], encoding: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # as Excel writes CSV
    writer.writerow(header)
    writer.writerows([[f"{v:.1f}" if isinstance(v, float) else v for v in row] for row in rows])
    return text.getvalue().encode(encoding)


def _xlsx_bytes(header: list[str], rows: list[list], title: str | None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append([v if v != "" else None for v in row])
    workbook.properties.creator = "digecon sample"
    workbook.properties.created = workbook.properties.modified = FIXED_FILE_TIME
    raw = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook stamps the current time as "modified".
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _stable_zip(raw.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times and attributes in a fixed order, so bytes repeat."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(members, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, members[name])
    return out.getvalue()


def _file_bytes(p: _Planned, values: dict[Key, int | float], n_units: dict[Key, int]) -> bytes:
    style = STYLES[p.profile]
    header, rows = _table(p, values, n_units)
    if style.suffix == "csv":
        return _csv_bytes(header, rows, style.encoding)
    title = f"{p.month.year}年{p.month.month}月 数字经济监测数据报送表" if style.title else None
    return _xlsx_bytes(header, rows, title)


@dataclass(frozen=True)
class SampleRelease:
    month: dt.date
    released_by: str
    released_at: dt.datetime  # tz-aware, Asia/Shanghai


def release_history() -> list[SampleRelease]:
    """The months the analyst had released by the sample's reference date, as `digecon release` records them.

    A month is released at 10:00, RELEASE_DAYS_AFTER_DUE days after the last due date of the periods its
    release covers (the month; a quarter ending with it, due the 20th; in December the year, due 31 March),
    on the next working day: so every planted file is in before its release (the pilot's revision of
    2023-10 comes after it). 2023-12 carries the year 2023, due 2024-03-31: it stays provisional.
    """
    releases = []
    for month in MONTHS:
        last_due = max(ref.calendar().due_date(period, freq) for freq in ref.calendar().due
                       if (period := _period_closing_with(month, freq)) is not None)
        day = last_due + dt.timedelta(days=RELEASE_DAYS_AFTER_DUE)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        released_at = dt.datetime.combine(day, RELEASE_TIME, TZ)
        if released_at <= LATEST_RECEIPT:
            releases.append(SampleRelease(month, RELEASED_BY, released_at))
    return releases


@dataclass(frozen=True)
class SampleWithdrawal:
    file: str  # the withdrawn file, as the manifest names it
    withdrawn_by: str
    withdrawn_at: dt.datetime  # tz-aware, Asia/Shanghai
    reason: str


def withdrawal_history() -> list[SampleWithdrawal]:
    """The files their submitter withdrew by the sample's reference date, as the upload service records it."""
    withdrawn = _correction(WITHDRAWN_CELL, "withdrawn", WITHDRAWN_RECEIVED)
    return [SampleWithdrawal(withdrawn.file, STYLES[withdrawn.profile].sender, WITHDRAWN_AT, WITHDRAWAL_REASON)]


# ------------------------------------------------------------------------------------------- registries

# The sample's registry lists (indicators/registers.py): Yunfu's, each received the day before the agency's
# ordinary file of the same month (at 09:00), whose totals they agree with. The ordinary file, received
# later, stays the latest vintage of every cell, so the marts' figures are as without the lists; the lists'
# own vintages, records and mart.register_crosscheck / mart.register_site_bands show what they carry.
REGISTER_CITY = "445300"  # Yunfu: one data centre (its racks are confidential by the threshold rule)
REGISTER_SAMPLES = (("enterprise_list", dt.date(2023, 6, 1)), ("dc_register", dt.date(2023, 6, 1)),
                    ("site_list", dt.date(2023, 6, 1)))
REGISTER_AREA = "445302"  # 云城区: where the sample's enterprises registered
REGISTER_RETIRED_SITES = 12  # 退网 rows in the site list: listed, not counted


def _uscc(serial: int) -> str:
    """A valid USCC for a sample enterprise (91 = enterprise, registered in REGISTER_AREA)."""
    from indicators.registers import USCC_CHARSET, uscc_check_character
    body = "".join(USCC_CHARSET[(serial * 7 + k * 3) % len(USCC_CHARSET)] for k in range(9))
    first17 = f"91{REGISTER_AREA}{body}"
    return first17 + uscc_check_character(first17)


def _register_rows(registry: str, month: dt.date, values: dict[Key, int | float]) -> list[list]:
    """The list's rows, their totals those of `values` for REGISTER_CITY."""
    city, quarter = REGISTER_CITY, Period(month, "M").as_freq("Q").start
    if registry == "enterprise_list":
        count = int(values["enterprises_transformed", city, month])
        rows = [[f"{month:%Y-%m}", _uscc(n), f"云浮样例企业{n + 1:03d}", city, "C39", "是", "数字化车间改造",
                 dt.date(month.year, 1 + n % month.month, 1 + n % 28).isoformat()] for n in range(count)]
        # a second project of the first enterprise (counted once) and a firm below the scale (not counted)
        rows.append([f"{month:%Y-%m}", _uscc(0), "云浮样例企业001", city, "C39", "是", "工业互联网平台",
                     dt.date(month.year, month.month, 15).isoformat()])
        rows.append([f"{month:%Y-%m}", _uscc(count), "云浮样例小微企业", city, "C33", "否", "上云",
                     dt.date(month.year, 2, 1).isoformat()])
        return rows
    if registry == "dc_register":
        [figures] = [[values[code, city, quarter] for code in DC_COUNT_INDICATORS[:4]]]
        return [[f"{quarter.year}Q{(quarter.month + 2) // 3}", "YF-DC-01", city, *figures, "A"]]
    stations = int(values["fiveg_base_stations", city, month])
    on_700 = int(values["fiveg_base_stations_700mhz", city, month])
    bands = ["700MHz"] * on_700 + [("2.6GHz", "3.5GHz", "4.9GHz")[n % 3] for n in range(stations - on_700)]
    rows = [[f"{month:%Y-%m}", f"YF{n + 1:05d}", city, "445302", band, ("中国移动", "中国电信", "中国联通", "中国广电")[n % 4],
             add_months(dt.date(2020, 1, 1), n % 40).isoformat(), "在网"] for n, band in enumerate(bands)]
    rows += [[f"{month:%Y-%m}", f"YF{stations + n + 1:05d}", city, "445381", "3.5GHz", "中国电信", "2020-06-01", "退网"]
             for n in range(REGISTER_RETIRED_SITES)]
    return rows


def _register_files(planned: list[_Planned], values: dict[Key, int | float]) -> list[tuple[SampleFile, bytes]]:
    from indicators.registers import REGISTRIES
    files = []
    for registry, month in REGISTER_SAMPLES:
        spec = REGISTRIES[registry]
        [ordinary] = [p for p in planned if (p.profile, p.month, p.event) == (spec.submitter, month, "")]
        received = (ordinary.received_at - dt.timedelta(days=1)).replace(hour=9, minute=0, second=0)
        header = [f.header_zh for f in spec.fields]
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows([header, *_register_rows(registry, month, values)])
        name = f"{spec.submitter}_{month:%Y-%m}_{registry}.csv"
        files.append((SampleFile(name, spec.submitter, STYLES[spec.submitter].sender, received, ""),
                      text.getvalue().encode("utf-8")))
    return files


def write_sample(dest: Path, seed: int = DEFAULT_SEED) -> list[SampleFile]:
    """Write every sample submission into `dest` and `dest/manifest.csv`; the entries by time received."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    values = sample_values(seed)
    n_units = sample_n_units(values)
    times = np.random.default_rng([seed, 1])  # its own stream: receipt times don't shift the values
    planned = _plant_events(_plan(), values)
    _plant_pilot_fall(planned, values)
    for p in planned:
        drawn = _receipt_time(p.due, times)  # drawn for every file, so each file's time is stable
        p.received_at = p.received_at or drawn
    planned.sort(key=lambda p: (p.received_at, p.file))
    entries = []
    for p in planned:
        if p.received_at > LATEST_RECEIPT:
            continue  # not due yet on the reference date (gdstats' 2023 figures come in March 2024)
        (dest / p.file).write_bytes(_file_bytes(p, values, n_units))
        entries.append(SampleFile(p.file, p.profile, STYLES[p.profile].sender, p.received_at, p.event))
    for entry, data in _register_files(planned, values):
        (dest / entry.file).write_bytes(data)
        entries.append(entry)
    entries.sort(key=lambda e: (e.received_at, e.file))
    with open(dest / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "profile", "submitted_by", "received_at", "event"])
        writer.writerows([e.file, e.profile, e.submitted_by, e.received_at.isoformat(), e.event]
                         for e in entries)
    return entries
