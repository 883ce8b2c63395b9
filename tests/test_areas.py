"""A national deployment's area register ($DIGECON_AREA_REGISTER): counties are the reporting areas, and
their cities and provinces are totals of them, at any depth. Figures worked by hand."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import duckdb
import httpx
import openpyxl
import pytest
from mart_support import Loader, prepared_build_db
from service_harness import start_service

from indicators import reference
from indicators.errors import BilingualError
from indicators.tokens import TokenStore
from indicators.template import DATA_SHEET, ENGLISH_ROW, FIRST_DATA_ROW, LISTS_SHEET, build_template
from indicators.validation import Validator
from pipelines.paths import Paths, sql_text

# Two provinces; Changsha with two counties, Zhuzhou with one, and Beijing's city with one.
REGISTER = """area_code,area_level,parent_code,name_zh,name_en
430000,province,,湖南省,Hunan
430100,city,430000,长沙市,Changsha
430102,county,430100,芙蓉区,Furong
430103,county,430100,天心区,Tianxin
430200,city,430000,株洲市,Zhuzhou
430202,county,430200,荷塘区,Hetang
110000,province,,北京市,Beijing
110100,city,110000,北京市市辖区,Beijing districts
110101,county,110100,东城区,Dongcheng
"""
FURONG, TIANXIN, HETANG, DONGCHENG = "430102", "430103", "430202", "110101"


@pytest.fixture
def register(tmp_path, monkeypatch):
    path = tmp_path / "areas.csv"
    path.write_text(REGISTER, encoding="utf-8")
    monkeypatch.setenv(reference.AREA_REGISTER_VARIABLE, str(path))
    return path


@pytest.fixture
def county_loader(register, tmp_path):
    with prepared_build_db(Paths.resolve(tmp_path / "home")) as con:
        yield Loader(con, Paths.resolve(tmp_path / "home"))


def test_the_register_gives_reporting_areas_and_members(register):
    assert reference.reporting_areas() == {FURONG, TIANXIN, HETANG, DONGCHENG}
    assert reference.aggregate_areas() == ["110000", "110100", "430000", "430100", "430200"]
    assert sorted(reference.area_members()) == sorted([
        ("110100", DONGCHENG), ("110000", DONGCHENG), ("430100", FURONG), ("430000", FURONG),
        ("430100", TIANXIN), ("430000", TIANXIN), ("430200", HETANG), ("430000", HETANG)])
    assert reference.profiles()["gdca"].cities == {FURONG, TIANXIN, HETANG, DONGCHENG}


def test_counties_are_submitted_and_totals_refused(register, tmp_path):
    """A county by code or name is accepted; a city or province (a total) and an unknown code are refused."""
    path = tmp_path / "gdca.csv"
    path.write_text("城市代码,期间,指标代码,数值\n"
                    "430102,2023-06,fiveg_base_stations,100\n"
                    "天心区,2023-06,fiveg_base_stations,300\n"
                    "430100,2023-06,fiveg_base_stations,400\n"
                    "439999,2023-06,fiveg_base_stations,5\n", encoding="utf-8")
    report = Validator().check(path, "gdca", reference_date=dt.date(2023, 7, 10)).report
    found = {(f.rule, f.row) for f in report.errors}
    assert found == {("province_submitted", 4), ("city_unknown", 5)}


def test_counties_sum_to_their_city_and_province(county_loader):
    loader = county_loader
    cells = [  # county: 5G stations, PON ports, 10G-PON ports
        (FURONG, 100, 50, 20), (TIANXIN, 300, 30, 27), (HETANG, 50, 20, 5), (DONGCHENG, 70, 10, 10)]
    loader.submit("gdca", [row for county, stations, venues, covered in cells for row in (
        (county, "2023-06-01", "M", "fiveg_base_stations", stations),
        (county, "2023-06-01", "M", "pon_ports_total", venues),
        (county, "2023-06-01", "M", "pon_ports_10g", covered))], "2023-07-05 10:00")
    loader.rebuild()
    figure = ("SELECT area_level, value, n_areas, n_areas_expected FROM mart.observations WHERE area_code = ?"
              " AND indicator_code = ? AND period = DATE '2023-06-01'")
    assert loader.row(figure, ["430100", "fiveg_base_stations"]) == ("city", 400, 2, 2)  # 100 + 300
    assert loader.row(figure, ["430000", "fiveg_base_stations"]) == ("province", 450, 3, 3)  # + 50
    assert loader.row(figure, ["110000", "fiveg_base_stations"]) == ("province", 70, 1, 1)
    assert loader.row(figure, [FURONG, "fiveg_base_stations"]) == ("county", 100, 1, 1)
    # A rate of a total is the ratio of sums, 10G-PON share: Changsha (20 + 27) / (50 + 30) = 58.75 %, Hunan 52 / 100.
    assert loader.row(figure, ["430100", "pon_10g_share_pct"])[1] == pytest.approx(58.75)
    assert loader.row(figure, ["430000", "pon_10g_share_pct"])[1] == pytest.approx(52.0)
    assert loader.row(figure, [FURONG, "pon_10g_share_pct"])[1] == pytest.approx(40.0)
    assert loader.rows(sql_text("checks/aggregates_equal_city_sums.sql")) == []
    assert loader.rows(sql_text("checks/referential_integrity.sql")) == []

    # One county resubmits: its city and province follow, and the first vintage is kept.
    loader.submit("gdca", [(TIANXIN, "2023-06-01", "M", "fiveg_base_stations", 350)], "2023-07-08 10:00")
    loader.rebuild()
    assert loader.row(figure, ["430100", "fiveg_base_stations"])[1] == 450
    assert loader.row(figure, ["430000", "fiveg_base_stations"])[1] == 500
    assert loader.rows("SELECT value FROM core.observations WHERE area_code = ? AND indicator_code ="
                       " 'fiveg_base_stations' ORDER BY submission_id", [TIANXIN]) == [(300,), (350,)]


def test_a_total_missing_a_county_is_withheld(county_loader):
    """Changsha with one of its two counties (50 %, the minimum coverage) has no earlier value to impute the
    other from: withheld (M), never published short."""
    county_loader.submit("gdca", [(FURONG, "2023-06-01", "M", "fiveg_base_stations", 100)], "2023-07-05 10:00")
    county_loader.rebuild()
    assert county_loader.row("SELECT value, n_areas, n_areas_expected, obs_status FROM mart.observations"
                             " WHERE area_code = '430100' AND indicator_code = 'fiveg_base_stations'") \
        == (None, 1, 2, "M")


@pytest.mark.parametrize("text, says", [
    ("area_code,area_level,parent_code,name_zh,name_en\n440100,city,449900,广州市,Guangzhou\n",
     "parent 449900 of 440100 is not listed"),
    ("area_code,area_level,parent_code,name_zh,name_en\n440000,province,,广东省,Guangdong\n"
     "440000,province,,广东省,Guangdong\n", "row 3: area code 440000 is listed twice"),
    ("area_code,area_level,parent_code,name_zh,name_en\n440000,state,,广东省,Guangdong\n",
     "row 2: area_level 'state' must be one of province, region, city, county"),
    ("code,name\n440000,广东省\n", "the columns area_code, area_level, parent_code, name_zh, name_en are missing"),
])
def test_a_bad_register_is_one_clear_line(tmp_path, text, says):
    register = tmp_path / "areas.csv"
    register.write_text(text, encoding="utf-8")
    upload = tmp_path / "gdca.csv"
    upload.write_text("城市代码,期间,指标代码,数值\n440100,2023-06,fiveg_base_stations,100\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "validate", str(upload), "--as", "gdca"],
                          capture_output=True, text=True, env={**os.environ, reference.AREA_REGISTER_VARIABLE: str(register)})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("digecon: 地区名录") and says in line and str(register) in line


def test_digecon_run_in_a_national_home(register, tmp_path):
    """Files landed with `digecon submit` and `digecon run` to the serving DB, in a home whose register is
    counties; the reference date, 2021-01-11, closes no month of the calendar yet (first period 2021-01):
    the run publishes without a completeness board instead of failing."""
    upload = tmp_path / "gdca.csv"
    upload.write_text("城市代码,期间,指标代码,数值\n" + "".join(
        f"{county},2020-12,fiveg_base_stations,{value}\n"
        for county, value in ((FURONG, 100), (TIANXIN, 300), (HETANG, 50), (DONGCHENG, 70))), encoding="utf-8")
    env = {**os.environ, "DIGECON_HOME": str(tmp_path / "home"), "DIGECON_REFERENCE_DATE": "2021-01-11"}
    for command in (["submit", str(upload), "--as", "gdca", "--by", "test"], ["run"]):
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", *command], capture_output=True, text=True,
                              env=env)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "no completeness board" in done.stdout
    with duckdb.connect(str(tmp_path / "home" / "serving" / "digital_economy.duckdb"), read_only=True) as con:
        assert con.execute("SELECT area_code, area_level, value, n_areas FROM mart.observations"
                           " WHERE indicator_code = 'fiveg_base_stations' ORDER BY area_code").fetchall() == [
            ("110000", "province", 70, 1), ("110100", "city", 70, 1), (DONGCHENG, "county", 70, 1),
            ("430000", "province", 450, 3), ("430100", "city", 400, 2), (FURONG, "county", 100, 1),
            (TIANXIN, "county", 300, 1), ("430200", "city", 50, 1), (HETANG, "county", 50, 1)]
    # Nothing new: nothing to do. The register changed (a county added): the home is rebuilt and republished.
    again = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], capture_output=True, text=True, env=env)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    register.write_text(REGISTER + "430204,county,430200,石峰区,Shifeng\n", encoding="utf-8")
    changed = subprocess.run([sys.executable, "-m", "pipelines.cli", "run"], capture_output=True, text=True, env=env)
    assert changed.returncode == 0 and "code or configuration" in changed.stdout, changed.stderr
    with duckdb.connect(str(tmp_path / "home" / "serving" / "digital_economy.duckdb"), read_only=True) as con:
        # Zhuzhou now expects two counties and has one: 50 % coverage, and nothing earlier to impute from
        assert con.execute("SELECT value, n_areas, n_areas_expected, obs_status FROM mart.observations"
                           " WHERE area_code = '430200' AND indicator_code = 'fiveg_base_stations'").fetchone() \
            == (None, 1, 2, "M")

    # The upload service of the same home: a county's changed value is shown beside its county's name.
    _, secret = TokenStore.at(tmp_path / "home").create("gdca", "湖南测试", actor="test")
    service = start_service(tmp_path / "home", env={reference.AREA_REGISTER_VARIABLE: str(register),
                                                    "DIGECON_REFERENCE_DATE": "2021-01-11"})
    try:
        sent = httpx.post(f"{service.url}/api/v1/submissions", headers={"Authorization": f"Bearer {secret}"},
                          files={"file": ("gdca.csv", "城市代码,期间,指标代码,数值\n430103,2020-12,fiveg_base_stations,310\n"
                                          .encode())}, timeout=60)
    finally:
        service.stop()
    assert sent.status_code == 201, sent.text
    assert [(c["city_code"], c["city_name_zh"], c["old_value"], c["new_value"]) for c in sent.json()["report"]["changes"]] \
        == [(TIANXIN, "天心区", 300, 310)]

    # A month closes (reference date 2021-02-11) with figures for it: the run publishes them and says why it
    # writes no bulletin (Guangdong's); `digecon report` says so in one line.
    later = {**env, "DIGECON_REFERENCE_DATE": "2021-02-11"}
    january = tmp_path / "gdca-2021-01.csv"
    january.write_text("城市代码,期间,指标代码,数值\n430102,2021-01,fiveg_base_stations,105\n", encoding="utf-8")
    for command in (["submit", str(january), "--as", "gdca", "--by", "test"], ["run"]):
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", *command], capture_output=True, text=True,
                              env=later)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "no monthly bulletin" in done.stdout
    report = subprocess.run([sys.executable, "-m", "pipelines.cli", "report", "-o", str(tmp_path / "bulletin")],
                            capture_output=True, text=True, env=later)
    assert report.returncode == 1 and len(report.stderr.splitlines()) == 1
    assert "the bulletin is written for Guangdong's province" in report.stderr


def test_a_template_lists_the_counties_and_reads_back(tmp_path, monkeypatch):
    """An agency's template in a national home offers the register's counties (by code where two share a
    name); a value written on its row is read back for that county. A pilot whose city is a total there has
    no template, and says so in one line."""
    register = tmp_path / "areas.csv"
    register.write_text(REGISTER + "110102,county,110100,东区,East district\n430204,county,430200,东区,East district\n",
                        encoding="utf-8")
    monkeypatch.setenv(reference.AREA_REGISTER_VARIABLE, str(register))
    workbook = openpyxl.load_workbook(io.BytesIO(build_template("gdca", dt.date(2022, 2, 11))))
    offered = [c.value for c in workbook[LISTS_SHEET]["A"][1:] if c.value]
    assert offered == ["芙蓉区", "天心区", "荷塘区", "东城区", "110102", "430204"]  # the register's order
    sheet = workbook[DATA_SHEET]
    headers = [sheet.cell(ENGLISH_ROW, c).value or "" for c in range(1, sheet.max_column + 1)]
    column = next(c for c, text in enumerate(headers, start=1) if text.startswith("5G base stations"))
    sheet.cell(FIRST_DATA_ROW, 1, "430204")
    sheet.cell(FIRST_DATA_ROW, 2, "2022-01")
    sheet.cell(FIRST_DATA_ROW, column, 120)
    sheet.cell(FIRST_DATA_ROW + 1, 1, "芙蓉区")
    sheet.cell(FIRST_DATA_ROW + 1, 2, "2022-01")
    sheet.cell(FIRST_DATA_ROW + 1, column, 80)
    filled = tmp_path / "gdca.xlsx"
    workbook.save(filled)
    checked = Validator().check(filled, "gdca", reference_date=dt.date(2022, 2, 11))
    assert checked.report.accepted, [f.message_en for f in checked.report.errors]
    assert sorted(zip(checked.observations.city_code, checked.observations.value, strict=True)) == [
        (FURONG, 80), ("430204", 120)]
    with pytest.raises(BilingualError, match="pilot-440300 has no reporting area in the area register"):
        build_template("pilot-440300", dt.date(2022, 2, 11))
