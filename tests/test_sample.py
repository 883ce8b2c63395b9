"""The sample submissions: deterministic bytes, plausible levels, and exactly the planted events.

The files are read back here with csv/openpyxl directly, not with the project's readers, so that a
reader bug cannot hide a generator bug (or the other way round).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicators import reference as ref
from indicators import sample

CITY_CODES = [c.code for c in ref.cities()]
WIDE_HEADER = {f"{i.name_zh}（{i.unit}）": i.code for i in ref.base_indicators()}
LONG_HEADERS = [[city, "期间", "指标代码", "数值", "单位", "备注"] for city in ("城市代码", "城市")]
COUNTED_LONG_HEADER = ["城市", "期间", "指标代码", "数值", "单位", "单位数", "备注"]  # gdstats: value added's units
COUNT_SUFFIX = " 单位数"  # a wide file's count column: the indicator's name, then this
MAGNITUDE = {i.code for i in ref.base_indicators() if i.magnitude}
NAME_ZH = {i.name_zh: i.code for i in ref.base_indicators()}
EVENTS = {"census", "rejected", "revision", "late", "discrepancy", "missing", "correction", "withdrawn"}


# ----------------------------------------------------------------------------------------- reading back

def _grid(path: Path) -> list[list]:
    """Non-blank rows of a CSV (UTF-8 with or without BOM, else GB18030) or of an XLSX's 数据 sheet."""
    if path.suffix == ".csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    else:
        workbook = openpyxl.load_workbook(path, read_only=True)
        rows = [list(r) for r in workbook["数据"].iter_rows(values_only=True)]
        workbook.close()
    return [r for r in rows if any(v not in (None, "") for v in r)]


def _period(text: str, freq: str) -> str:
    """The SDMX label of a period written as 2023-06, 2023年6月, 2023Q2 or 2023, read at `freq`."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})|年(\d{1,2})月|Q([1-4]))?", str(text))
    assert match, text
    year, month = int(match[1]), int(match[2] or match[3] or 0)
    if match[4]:
        month = 3 * int(match[4])
    if freq == "M":
        assert month, text
        return f"{year}-{month:02d}"
    if freq == "Q":
        assert month % 3 == 0, text  # a quarterly value sits in the quarter's last month
        return f"{year}-Q{month // 3}"
    assert month in (0, 12), text  # an annual value sits in December
    return str(year)


def _read(path: Path) -> tuple[list, list[dict]]:
    """(header, observations as dicts of city, period, indicator, value and n_units, None if not given)."""
    grid = _grid(path)
    [at] = [k for k, row in enumerate(grid) if row[0] in ("城市", "城市代码")]
    header, body = grid[at], grid[at + 1:]
    catalogue = ref.catalogue()
    observations = []
    for row in body:
        city = ref.resolve_area_code(row[0])
        if "指标代码" in header:
            count = row[header.index("单位数")] if "单位数" in header else None
            cells = [(row[2], row[1], row[3], count)]
        else:
            named = dict(zip(header[2:], row[2:], strict=True))
            counts = {h.removesuffix(COUNT_SUFFIX): v for h, v in named.items() if h.endswith(COUNT_SUFFIX)}
            cells = [(WIDE_HEADER[h], row[1], v, counts.get(h.split("（")[0])) for h, v in named.items()
                     if not h.endswith(COUNT_SUFFIX)]
        for code, period, value, count in cells:
            freq = catalogue[code].freq
            observations.append({"city": city, "period": _period(period, freq), "indicator": code,
                                 "value": float(value), "n_units": None if count in (None, "") else int(count)})
    return header, observations


def _ordinary(entries: list[sample.SampleFile]) -> list[sample.SampleFile]:
    """The files of values, without the registry lists (sample.REGISTER_SAMPLES, tests/test_registers.py)."""
    lists = {f"_{registry}.csv" for registry, _ in sample.REGISTER_SAMPLES}
    return [e for e in entries if not e.file.endswith(tuple(lists))]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, list[sample.SampleFile]]:
    dest = tmp_path_factory.mktemp("sample")
    return dest, sample.write_sample(dest)


@pytest.fixture(scope="module")
def obs(written) -> pd.DataFrame:
    """Every value in every file, with its file's manifest entry."""
    dest, entries = written
    rows = []
    for e in _ordinary(entries):
        for o in _read(dest / e.file)[1]:
            rows.append(dict(o, file=e.file, profile=e.profile, event=e.event))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def agency(obs) -> pd.Series:
    """The agencies' values as they stand: the source of record (each cell once). The withdrawn file's
    value never stood; the correction, received later, replaces the one cell it carries."""
    frame = obs[obs.profile.isin(["gdca", "gdiit", "gdgsa", "gdstats"]) & (obs.event != "withdrawn")]
    standing = frame.drop_duplicates(["city", "period", "indicator"], keep="last")  # obs are in received order
    assert len(frame) - len(standing) == 1
    return standing.set_index(["indicator", "city", "period"]).value


def _series(agency: pd.Series, code: str) -> pd.DataFrame:
    """One indicator as a city × period table."""
    return agency.loc[code].unstack("period").sort_index(axis=1)


def _in_effect(period: str) -> str:
    """The year whose annual denominator a period divides by (the latest ending at or before it)."""
    year = int(period[:4])
    return str(year) if period.endswith(("-12", "-Q4")) or period == str(year) else str(year - 1)


# ------------------------------------------------------------------------------------------------- tests

def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_writes_the_same_bytes(written, tmp_path):
    dest, _ = written
    sample.write_sample(tmp_path)
    assert _hashes(tmp_path) == _hashes(dest)


def test_workbooks_carry_no_wall_clock_time(written):
    dest, entries = written
    for e in entries:
        if e.file.endswith(".xlsx"):
            with zipfile.ZipFile(dest / e.file) as archive:
                assert {i.date_time for i in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
                core = archive.read("docProps/core.xml").decode()
            assert core.count("2024-01-01T00:00:00Z") == 2, core


def test_manifest_lists_every_file_in_received_order(written):
    dest, entries = written
    assert {p.name for p in dest.iterdir()} == {e.file for e in entries} | {"manifest.csv"}
    with open(dest / "manifest.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["file"] for r in rows] == [e.file for e in entries]
    assert list(rows[0]) == ["file", "profile", "submitted_by", "received_at", "event"]
    latest = dt.datetime(2024, 1, 10, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for row, e in zip(rows, entries, strict=True):
        received = dt.datetime.fromisoformat(row["received_at"])
        assert row["received_at"].endswith("+08:00") and received == e.received_at
        assert received <= latest and row["profile"] in ref.profiles() and row["submitted_by"]
        assert 9 <= received.hour < 18, row  # office hours
    assert [e.received_at for e in entries] == sorted(e.received_at for e in entries)
    assert len(entries) == 142 and len(_ordinary(entries)) == 139  # three registry lists


def test_each_profile_keeps_its_format_and_headers(written):
    dest, entries = written
    for e in _ordinary(entries):
        style = sample.STYLES[e.profile]
        assert e.file.startswith(f"{e.profile}_") and e.file.endswith(f".{style.suffix}")
        header, _ = _read(dest / e.file)
        if style.layout == "long":
            assert header in LONG_HEADERS or (e.profile == "gdstats" and header == COUNTED_LONG_HEADER)
        else:
            values = [h for h in header[2:] if not h.endswith(COUNT_SUFFIX)]
            counts = [h.removesuffix(COUNT_SUFFIX) for h in header[2:] if h.endswith(COUNT_SUFFIX)]
            assert header[:2] == ["城市", "期间"] and all(h in WIDE_HEADER for h in values)
            # each count column is a magnitude indicator's, right after its value column
            assert all(ref.catalogue()[NAME_ZH[h]].magnitude for h in counts)
            assert all(header[header.index(h + COUNT_SUFFIX) - 1].startswith(h + "（") for h in counts)
    assert _read(dest / "gdca_2023-06.csv")[0] == LONG_HEADERS[0]
    assert (dest / "gdca_2023-06.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    (dest / "gdgsa_2023-06.csv").read_bytes().decode("gb18030")
    assert "5G基站数（个）" in _read(dest / "pilot-440300_2023-06.xlsx")[0]
    sheet = openpyxl.load_workbook(dest / "gdiit_2023-06.xlsx")["数据"]
    assert sheet["A1"].value == "2023年6月 数字经济监测数据报送表" and sheet["A2"].value is None
    # city, period, 9 gdiit indicators and 5 count columns beside the data-centre ones: A … P
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:P1"]
    assert [c.value for c in sheet[3][2:4]] == ["已投产标准机架数（架）", "已投产标准机架数 单位数"]
    assert [c.value for c in sheet[3][:2]] == ["城市", "期间"] and sheet["B4"].value == "2023年6月"


def test_every_cell_is_reported_but_the_planted_gaps(agency):
    """Agencies cover all 21 cities for every period from 2021 (annual denominators from 2020), except
    Yunfu in gdiit's 2023-11 file, gdiit's 2023-12 file (not due before the reference date) and gdstats'
    2023 figures (due March 2024)."""
    expected = set()
    for indicator in ref.base_indicators():
        first_year = 2020 if indicator.freq == "A" else 2021
        for start in (dt.date(y, m, 1) for y in range(first_year, 2024) for m in range(1, 13)):
            if (start.month - 1) % ref.FREQ_MONTHS[indicator.freq] == 0:
                period = ref.period_label(start, indicator.freq)
                expected |= {(indicator.code, city, period) for city in CITY_CODES}
    catalogue, gdiit = ref.catalogue(), ref.profiles()["gdiit"].indicators
    planted = {(code, "445300", "2023-11") for code in gdiit if catalogue[code].freq == "M"}
    planted |= {(code, city, "2023-12" if catalogue[code].freq == "M" else "2023-Q4")
                for code in gdiit for city in CITY_CODES}
    planted |= {(code, city, "2023") for code in ref.profiles()["gdstats"].indicators for city in CITY_CODES}
    assert set(agency.index) <= expected
    assert expected - set(agency.index) == planted


def test_monotone_series_never_fall(agency):
    for indicator in ref.base_indicators():
        if indicator.monotone:
            table = _series(agency, indicator.code)
            falls = table.diff(axis=1).lt(0)
            assert not falls.any().any(), (indicator.code, table[falls.any(axis=1)])


def test_enterprises_transformed_is_year_to_date_and_near_the_target(agency):
    table = _series(agency, "enterprises_transformed")
    for year in ("2021", "2022", "2023"):
        months = table[[c for c in table.columns if c.startswith(year)]]
        assert not months.diff(axis=1).lt(0).any().any()
    assert (table["2022-01"] < table["2021-12"]).all()  # January restarts
    assert 4_500 <= table["2022-12"].sum() <= 5_500
    # gdiit's 2023-12 file is not in on the reference date; its December is in the values behind the files.
    december_2023 = sum(v for (code, _, period), v in sample.sample_values().items()
                        if code == "enterprises_transformed" and period == dt.date(2023, 12, 1))
    assert 4_500 <= december_2023 <= 5_500


def test_5g_stations_follow_the_published_levels(agency):
    table = _series(agency, "fiveg_base_stations")
    province = table.sum()
    # Shenzhen 30,591 in 2020-08 (issue 2's anchor), growing from there.
    assert 30_591 <= table.loc["440300", "2021-01"] <= 40_000
    assert 23_555 <= table.loc["440100", "2021-01"] <= 35_000
    assert abs(province["2021-09"] / 144_000 - 1) < 0.02
    assert province["2022-11"] > 210_000
    assert province["2023-12"] > province["2022-12"] > province["2021-12"]
    population = agency.loc["resident_population"]
    for period, year, low, high in [("2021-12", "2021", 10, 18), ("2022-12", "2021", 14, 22)]:
        per_10k = province[period] / population.xs(year, level="period").sum() * 10_000
        assert low <= per_10k <= high, (period, per_10k)
    shenzhen = table.loc["440300", "2022-12"] / population.loc[("440300", "2021")] * 10_000
    assert shenzhen > 1.2 * province["2022-12"] / population.xs("2021", level="period").sum() * 10_000


def test_numerators_never_exceed_denominators(agency):
    same_period = [
        ("households_gigabit_covered", "households_total"), ("pon_ports_10g", "pon_ports_total"),
        ("broadband_users_500m_plus", "broadband_users_total"),
        ("broadband_users_1000m", "broadband_users_500m_plus"), ("fiveg_users", "mobile_users_total"),
        ("key_venues_5g_covered", "key_venues_total"), ("dc_racks_in_use", "dc_standard_racks"),
        ("dc_it_energy_mwh", "dc_total_energy_mwh"), ("fiveg_base_stations_700mhz", "fiveg_base_stations"),
    ]
    for numerator, denominator in same_period:
        top, bottom = _series(agency, numerator), _series(agency, denominator)
        assert (top <= bottom[top.columns]).all().all(), numerator
    annual_denominator = [
        ("villages20_fibre", "villages20_total"), ("villages20_4g", "villages20_total"),
        ("admin_villages_yzz", "admin_villages_total"), ("towns_yzz", "towns_total"),
        ("enterprises_transformed", "enterprises_above_scale"),
    ]
    for numerator, denominator in annual_denominator:
        bottom = _series(agency, denominator)
        for (city, period), value in agency.loc[numerator].items():
            assert value <= bottom.loc[city, _in_effect(period)], (numerator, city, period)


def test_coverage_reaches_100_percent_by_end_2022(agency):
    for numerator, denominator, period in [("villages20_fibre", "villages20_total", "2022-Q4"),
                                           ("villages20_4g", "villages20_total", "2022-Q4"),
                                           ("admin_villages_yzz", "admin_villages_total", "2022-12"),
                                           ("towns_yzz", "towns_total", "2022-12")]:
        reached = _series(agency, numerator)[period].sum()
        assert reached / _series(agency, denominator)["2022"].sum() > 0.995, numerator


def test_data_centres_are_plausible_and_seasonal(agency):
    racks, in_use = _series(agency, "dc_standard_racks").sum(), _series(agency, "dc_racks_in_use").sum()
    assert ((in_use / racks).between(0.55, 0.68)).all()
    assert 218_000 < racks.iloc[0] < racks.iloc[-1]
    it, total = _series(agency, "dc_it_energy_mwh"), _series(agency, "dc_total_energy_mwh")
    assert ((total / it >= 1.3) & (total / it <= 1.8)).all().all()
    pue_by_year = [total.filter(like=y).sum().sum() / it.filter(like=y).sum().sum() for y in ("2021", "2022")]
    assert pue_by_year[0] > pue_by_year[1]
    for year in ("2021", "2022"):
        assert total.sum()[f"{year}-Q3"] > total.sum()[f"{year}-Q1"]  # cooling


def test_flows_are_seasonal(agency):
    resolutions = _series(agency, "iiot_identifier_resolutions").sum()
    for year in ("2021", "2022", "2023"):
        assert resolutions[f"{year}-02"] < resolutions[f"{year}-01"]  # Spring Festival


def test_population_starts_with_the_census_and_moves_a_little(written, agency):
    dest, entries = written
    population = _series(agency, "resident_population")
    census = {c.code: c.population_census_2020 for c in ref.cities()}
    assert population["2020"].astype(int).to_dict() == census
    assert (abs(population["2021"] / population["2020"] - 1) <= 0.01).all()
    assert (abs(population["2022"] / population["2021"] - 1) <= 0.01).all()
    carrying_population = [e for e in entries if e.profile == "gdstats"
                           and "resident_population" in {o["indicator"] for o in _read(dest / e.file)[1]}]
    first_population_file = carrying_population[0]
    assert first_population_file.event == "census"
    assert first_population_file.received_at.date() == dt.date(2021, 5, 11)


def test_gdp_and_core_digital_value_added(agency):
    gdp, core = _series(agency, "gdp").sum(), _series(agency, "de_core_value_added").sum()
    assert 125_000 <= gdp["2022"] <= 132_000
    assert ((core / gdp).between(0.17, 0.19)).all()


def test_agencies_count_the_units_of_every_magnitude_value_and_nothing_else(obs):
    given = obs[obs.n_units.notna()]
    agencies = obs[obs.profile.isin(["gdiit", "gdstats"]) & obs.indicator.isin(MAGNITUDE)]
    assert set(given.indicator) == MAGNITUDE
    assert set(given.profile) == {"gdiit", "gdstats"}  # the pilots send no counts (and no magnitude values)
    assert agencies.n_units.notna().all() and (agencies.n_units >= 1).all()
    assert (given.n_units == given.n_units.round()).all()


def test_data_centres_are_counted_from_the_racks_and_some_cities_have_one_or_two(obs):
    """A city's data centres are its racks over a typical centre's (1,100 racks in Guangzhou, Shenzhen and
    Dongguan, 1,000 in Foshan, 1,500 in Shaoguan, 800 where not set, more in five small cities): one count
    for the five data-centre indicators. Five northern, eastern and western cities have fewer than 3 (the
    confidentiality threshold) in some or all quarters, so disclosure control has cells to suppress."""
    centres = obs[obs.indicator.str.startswith(("dc_", "compute_")) & (obs.profile == "gdiit")]
    per_cell = centres.groupby(["city", "period"]).n_units.nunique()
    assert (per_cell == 1).all()  # the same centres behind racks, energy and computing power
    counts = centres[centres.indicator == "dc_standard_racks"].set_index(["city", "period"])
    size = {"440100": 1_100, "440300": 1_100, "441900": 1_100, "440600": 1_000, "440200": 1_500,
            "445300": 2_000, "441500": 1_800, "441400": 1_500, "445100": 1_300, "441600": 1_300}
    for (city, period), row in counts.iterrows():
        assert row.n_units == max(1, row.value // size.get(city, 800)), (city, period)
    small = counts[counts.n_units < 3].reset_index()
    # Yunfu, Shanwei, Meizhou, Chaozhou, Heyuan
    assert set(small.city) == {"445300", "441500", "441400", "445100", "441600"}
    assert (counts.loc["445300"].n_units == 1).all()  # Yunfu: one data centre all along
    hub = counts.loc[["440100", "440300", "441900", "440600", "440200"]]
    assert (hub.n_units >= 6).all()
    steps = counts.n_units.groupby(level="city").diff().dropna()
    assert steps.between(0, 4).all()  # counts change slowly and never fall (racks never do)


def test_value_added_is_counted_in_enterprises(obs):
    enterprises = obs[(obs.indicator == "de_core_value_added") & (obs.profile == "gdstats")]
    assert set(enterprises.period) == {"2020", "2021", "2022"}  # 2023's figures come in March 2024
    assert enterprises.n_units.between(50, 5_000).all()  # hundreds to thousands: never a small cell
    by_city = enterprises.set_index(["city", "period"]).n_units
    assert by_city["440300"].min() > 2_000 and by_city["445300"].max() < 150  # Shenzhen, Yunfu


def test_exactly_one_of_each_planted_event(written):
    _, entries = written
    events = [e.event for e in entries if e.event]
    assert sorted(events) == sorted(EVENTS)


def test_planted_events_are_what_they_claim(written, obs, agency):
    _, entries = written
    by_event = {e.event: e for e in entries if e.event}
    calendar = ref.calendar()

    rejected = obs[obs.file == by_event["rejected"].file]
    assert set(rejected.city) - ref.profiles()[by_event["rejected"].profile].cities == {"441900"}

    late = by_event["late"]
    assert late.file == "gdgsa_2023-11.csv"
    assert late.received_at.date() > calendar.due_date(dt.date(2023, 11, 1), "M")
    for e in [e for e in entries if e.event not in ("late", "revision", "census", "correction", "withdrawn")]:
        month = re.search(r"_(\d{4})(?:-(\d{2}))?", e.file)
        period = dt.date(int(month[1]), int(month[2] or 12), 1)
        due = calendar.due_date(period, "M" if month[2] else "A")
        assert e.received_at.date() <= due, e.file

    missing = obs[obs.file == by_event["missing"].file]
    assert set(CITY_CODES) - set(missing.city) == {"445300"}

    revision = by_event["revision"]
    assert revision.file == "pilot-441900_2023-10_rev1.xlsx"
    original = obs[obs.file == "pilot-441900_2023-10.xlsx"].set_index("indicator").value
    revised = obs[obs.file == revision.file].set_index("indicator").value
    changed = revised[revised != original]
    assert list(changed.index) == ["iiot_identifier_registrations"]
    assert changed.iloc[0] == agency[("iiot_identifier_registrations", "441900", "2023-10")]
    received = {e.file: e.received_at for e in entries}
    assert received["pilot-441900_2023-10.xlsx"] < revision.received_at

    discrepancy = obs[(obs.file == by_event["discrepancy"].file) & (obs.indicator == "fiveg_base_stations")]
    [pilot_value] = discrepancy.value
    gdca_value = agency[("fiveg_base_stations", "440300", discrepancy.period.iloc[0])]
    assert pilot_value == round(gdca_value * 1.15)

    # The two corrections of released values: one cell each, sent after their month's release.
    released = {r.month: r.released_at for r in sample.release_history()}
    original = obs[obs.file == "gdca_2023-08.csv"].set_index(["indicator", "city", "period"]).value
    correction = by_event["correction"]
    assert correction.file == "gdca_2023-08_rev1.csv"
    assert correction.received_at > released[dt.date(2023, 8, 1)]
    [(key, corrected)] = obs[obs.file == correction.file].set_index(["indicator", "city", "period"]).value.items()
    assert key == ("fiveg_base_stations", "440200", "2023-08")
    assert corrected - original[key] == 37 and agency[key] == corrected  # it stands
    withdrawn = by_event["withdrawn"]
    assert withdrawn.file == "gdgsa_2023-09_rev1.csv"
    assert withdrawn.received_at > released[dt.date(2023, 9, 1)]
    [(key, lowered)] = obs[obs.file == withdrawn.file].set_index(["indicator", "city", "period"]).value.items()
    assert key == ("admin_villages_yzz", "440800", "2023-09") and agency[key] - lowered == 12
    [withdrawal] = sample.withdrawal_history()
    assert withdrawal.file == withdrawn.file and withdrawn.received_at < withdrawal.withdrawn_at
    assert withdrawal.withdrawn_at < released[dt.date(2023, 11, 1)] and "撤回" in withdrawal.reason


def test_pilots_agree_with_the_agencies_but_for_the_planted_values(obs, agency):
    pilots = obs[obs.profile.str.startswith("pilot") & (obs.event != "rejected")]
    superseded = "pilot-441900_2023-10.xlsx"
    pilots = pilots[pilots.file != superseded]
    assert set(pilots.city) == {"440300", "441900"}
    assert pilots.period.min() == "2023-01" and set(pilots.indicator) == set(sample.PILOT_INDICATORS)
    differs, fills = [], []
    for row in pilots.itertuples():
        key = (row.indicator, row.city, row.period)
        if key not in agency.index:
            fills.append(key)
        elif agency[key] != row.value:
            differs.append((row.event, *key))
    assert differs == [("discrepancy", "fiveg_base_stations", "440300", "2023-09")]
    # The Dongguan pilot's 2023-12 file fills the cells of gdiit's file, not in on the reference date.
    assert sorted(fills) == [("enterprises_transformed", "441900", "2023-12"),
                             ("iiot_identifier_registrations", "441900", "2023-12"),
                             ("smes_on_cloud", "441900", "2023-Q4")]


def test_the_seed_changes_the_values_not_the_files(tmp_path):
    entries = sample.write_sample(tmp_path, seed=7)
    assert len(entries) == 142 and len(_ordinary(entries)) == 139  # three registry lists
    assert sorted(e.event for e in entries if e.event) == sorted(EVENTS)
    assert sample.sample_values(7) != sample.sample_values()
