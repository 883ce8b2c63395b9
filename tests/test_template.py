"""The Excel template as a 统计报表 clerk expects it, read back with openpyxl: Chinese header over its
English translation, the form block and the footer, pilot rows prefilled up to the last ended period, a
protected sheet with only the data cells unlocked, numeric validation by unit; a filled-in template
passes the real validator with no findings, for every profile."""

import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import subprocess
from importlib import resources

import openpyxl
import pytest
import yaml
from corpus import validator  # noqa: F401  (the session's one Validator)

from indicators import reference
from indicators.readers import find_table, read_grid
from indicators.template import (
    DATA_SHEET,
    ENGLISH_ROW,
    FIRST_DATA_ROW,
    FIRST_INDICATOR_COLUMN,
    GUIDE_ROW,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    build_template,
    template_columns,
    template_file_name,
    template_indicators,
)
from pipelines import cli

TODAY = dt.date(2024, 1, 10)
FORM = yaml.safe_load(resources.files("indicators").joinpath("data", "form.yaml").read_text(encoding="utf-8"))
QUARTER_ENDS, YEAR_END = {3, 6, 9, 12}, {12}


def workbook_of(profile_id: str, reference_date: dt.date = TODAY) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(build_template(profile_id, reference_date)))


def column_values(sheet, column: int, first_row: int, last_row: int) -> list:
    return [sheet.cell(row, column).value for row in range(first_row, last_row + 1)]


def data_rows_of(sheet) -> int:
    """Rows from FIRST_DATA_ROW down to the blank row above the footer."""
    row = FIRST_DATA_ROW
    while not str(sheet.cell(row + 1, 1).value or "").startswith("单位负责人"):
        row += 1
    return row - FIRST_DATA_ROW  # the row above the footer is blank


# ------------------------------------------------------------------------------------------- headers

def test_chinese_header_first_with_its_english_translation_below():
    sheet = workbook_of("pilot-440300")[DATA_SHEET]
    headers = [c.value for c in sheet[HEADER_ROW]]
    english = [c.value for c in sheet[ENGLISH_ROW]]
    guides = [c.value for c in sheet[GUIDE_ROW]]

    assert ENGLISH_ROW == HEADER_ROW + 1 and GUIDE_ROW < HEADER_ROW
    assert headers[:3] == ["城市", "期间", "5G基站数（个）"] and headers[-1] == "备注"
    assert english[:3] == ["City", "Period", "5G base stations (个)"] and english[-1] == "Note"
    assert guides[2].splitlines() == ["月度", "monthly", "fiveg_base_stations"]  # Chinese first
    quarterly = guides[headers.index("城市家庭总户数（户）")].splitlines()
    assert quarterly[:2] == ["季度，填在3、6、9、12月行", "quarterly: in the Mar, Jun, Sep, Dec row"]
    assert "dc_standard_racks" in " ".join(guides)  # a pilot may submit any base indicator
    assert "fiveg_per_10k_people" not in " ".join(guides)  # derived: never submitted


def test_readers_take_the_chinese_header_and_skip_the_english_row_form_block_and_footer(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(build_template("gdca", TODAY))

    table = find_table(read_grid(path))

    assert (table.header_row, table.layout, table.sheet) == (HEADER_ROW, "wide", DATA_SHEET)
    assert table.headers[:3] == ["城市", "期间", "5G基站数（个）"]
    assert [c.code for c in table.indicator_columns] == [i.code for i in template_indicators(reference.profiles()["gdca"])]
    assert list(table.data_rows) == []  # blank rows are no rows; the footer is not data


def test_the_form_block_comes_from_form_yaml():
    sheet = workbook_of("pilot-440300")[DATA_SHEET]
    above = " ".join(str(c.value) for row in sheet.iter_rows(max_row=GUIDE_ROW - 1) for c in row if c.value)

    assert f"表号 Form No.：{FORM['form_number']}" in above
    assert "制定机关 Issued by：广东省统计局" in above  # the gdstats profile
    year, month = FORM["valid_until"].split("-")
    assert f"有效期至 Valid until：{int(year)}年{int(month)}月" in above
    assert "填报单位 Reporting unit：深圳市数字经济统计监测试点工作组" in above
    assert sheet["A1"].value.startswith("深圳市数字经济监测报表 / ")


def test_the_footer_sits_below_the_table():
    sheet = workbook_of("pilot-440300")[DATA_SHEET]
    footer = FIRST_DATA_ROW + 36 + 1  # 36 months, then one blank row

    assert [sheet.cell(footer, c).value.split("\n")[0] for c in (1, 3)] == ["单位负责人：", "填表人："]
    assert [sheet.cell(footer + 1, c).value.split("\n")[0] for c in (1, 3)] == ["联系电话：", "报出日期："]
    assert all(sheet.cell(FIRST_DATA_ROW + 36, c).value is None for c in range(1, sheet.max_column + 1))


def test_the_file_name_is_chinese():
    assert template_file_name("pilot-440300") == "深圳市数字经济监测报表模板.xlsx"
    assert template_file_name("pilot-441900") == "东莞市数字经济监测报表模板.xlsx"
    assert template_file_name("gdca") == "广东省通信管理局数字经济监测报表模板.xlsx"


# ---------------------------------------------------------------------------------------------- rows

@pytest.mark.parametrize(("reference_date", "last", "count"), [
    (dt.date(2024, 1, 10), "2023-12", 36),  # 2021-01 … 2023-12: three years of months
    (dt.date(2024, 1, 1), "2023-12", 36),  # December ended the day before
    (dt.date(2023, 12, 31), "2023-11", 35),  # December has not ended yet
])
def test_a_pilot_gets_one_row_per_ended_month_prefilled(reference_date, last, count):
    sheet = workbook_of("pilot-441900", reference_date)[DATA_SHEET]
    last_row = FIRST_DATA_ROW + count - 1

    assert data_rows_of(sheet) == count
    assert column_values(sheet, 1, FIRST_DATA_ROW, last_row) == ["东莞市"] * count
    periods = column_values(sheet, 2, FIRST_DATA_ROW, last_row)
    assert periods[:3] == ["2021-01", "2021-02", "2021-03"] and periods[-1] == last
    assert len(set(periods)) == count
    assert LISTS_SHEET not in workbook_of("pilot-441900", reference_date).sheetnames  # nothing to pick


def test_an_annual_template_runs_over_ended_years():
    workbook = workbook_of("gdstats")  # every gdstats indicator is annual: a row is a year
    assert [c.value for c in workbook[LISTS_SHEET]["B"][1:] if c.value] == ["2023", "2022", "2021"]


def test_an_agency_picks_city_and_period_on_blank_rows():
    workbook = workbook_of("gdca")
    sheet, lists = workbook[DATA_SHEET], workbook[LISTS_SHEET]
    n_rows = 21 * 36  # every city, every month 2021-01 … 2023-12
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}

    assert data_rows_of(sheet) == n_rows
    city = validations[f"A{FIRST_DATA_ROW}:A{FIRST_DATA_ROW + n_rows - 1}"]
    period = validations[f"B{FIRST_DATA_ROW}:B{FIRST_DATA_ROW + n_rows - 1}"]
    assert city.type == period.type == "list"
    assert city.errorStyle == "stop" and period.errorStyle == "warning"  # a running month may be typed
    assert [c.value for c in lists["A"][1:] if c.value] == [c.name_zh for c in reference.cities()]
    periods = [c.value for c in lists["B"][1:] if c.value]
    assert periods[0] == "2023-12" and periods[-1] == "2021-01" and len(periods) == 36
    assert city.formula1 == f"'{LISTS_SHEET}'!$A$2:$A$22" and period.formula1 == f"'{LISTS_SHEET}'!$B$2:$B$37"
    assert lists.sheet_state == "hidden"


# ------------------------------------------------------------------------------------ protection

def unlocked_cells(sheet) -> set[tuple[int, int]]:
    return {(c.row, c.column) for row in sheet.iter_rows() for c in row if not c.protection.locked}


def test_a_pilot_sheet_is_protected_with_only_the_data_cells_unlocked():
    workbook = workbook_of("pilot-440300")
    sheet = workbook[DATA_SHEET]
    indicators = template_indicators(reference.profiles()["pilot-440300"])
    columns = template_columns(reference.profiles()["pilot-440300"])  # a magnitude one's count column after it
    note_column = FIRST_INDICATOR_COLUMN + len(columns)
    months = [(2021 + n // 12, n % 12 + 1) for n in range(36)]

    expected = set()
    for row, (_, month) in enumerate(months, start=FIRST_DATA_ROW):
        for column, template_column in enumerate(columns, start=FIRST_INDICATOR_COLUMN):
            # A quarterly figure (and its count) goes in a quarter's last month, an annual one in December.
            if {"M": True, "Q": month in QUARTER_ENDS, "A": month in YEAR_END}[template_column.indicator.freq]:
                expected.add((row, column))
        expected.add((row, note_column))
    footer = FIRST_DATA_ROW + len(months) + 1
    expected |= {(footer, 2), (footer, 4), (footer + 1, 2), (footer + 1, 4)}  # the blanks after the labels

    assert sheet.protection.sheet and sheet.protection.password is None  # documented: no password
    assert workbook.security.lockStructure
    assert unlocked_cells(sheet) == expected
    assert len(columns) == len(indicators) + 6  # racks, racks in use, two energies, computing power, value added
    households = FIRST_INDICATOR_COLUMN + [c.indicator.code for c in columns].index("households_total")
    assert sheet.cell(FIRST_DATA_ROW, households).fill.fgColor.rgb.endswith("D9D9D9")  # January: grey
    assert sheet.cell(FIRST_DATA_ROW + 2, households).fill.fill_type is None  # March: white


def test_an_agency_sheet_unlocks_city_and_period_on_its_blank_rows():
    sheet = workbook_of("gdstats")[DATA_SHEET]
    n_rows, n_columns = 21 * 3, 2 + 4 + 1 + 1  # city, period, four annual indicators, value added's count, note
    footer = FIRST_DATA_ROW + n_rows + 1

    expected = {(row, column) for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + n_rows)
                for column in range(1, n_columns + 1)}
    expected |= {(footer, 2), (footer, 4), (footer + 1, 2), (footer + 1, 4)}
    assert unlocked_cells(sheet) == expected


# ------------------------------------------------------------------------------------ validation

def test_values_must_be_numbers_within_the_catalogue_bounds_whole_for_counts():
    sheet = workbook_of("gdiit")[DATA_SHEET]
    headers = [c.value for c in sheet[HEADER_ROW]]
    n_rows = data_rows_of(sheet)
    by_range = {str(v.sqref): v for v in sheet.data_validations.dataValidation}

    def rule_of(header: str):
        letter = openpyxl.utils.get_column_letter(headers.index(header) + 1)
        return by_range[f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + n_rows - 1}"]

    # catalogue.yaml's min and max, written as a formula writes numbers (no separators, no exponent)
    expected = {"已投产标准机架数（架）": ("whole", "10000000"), "数据中心IT设备能耗（MWh）": ("decimal", "100000000"),
                "算力规模（PFLOPS）": ("decimal", "1000000"), "工业互联网标识解析量（次）": ("whole", "1000000000000"),
                "上云上平台中小企业数(累计)（家）": ("whole", "10000000")}
    for header, (kind, most) in expected.items():
        rule = rule_of(header)
        assert (rule.type, rule.operator, rule.formula1, rule.formula2) == (kind, "between", "0", most), header
        assert rule.errorStyle == "stop" and rule.allow_blank
        assert ("整数" in rule.error) == (kind == "whole") and ("小数" in rule.error) == (kind == "decimal")
        assert f"0 到 {int(most):,} 之间" in rule.error and f"from 0 to {int(most):,}" in rule.error
        assert len(rule.prompt) <= 255 and len(rule.promptTitle) <= 32  # Excel's limits
    assert rule_of("数据中心IT设备能耗（MWh）").prompt.startswith("数据中心IT设备能耗（MWh）：季度")
    assert sum(v.type in ("whole", "decimal") for v in by_range.values()) == len(headers) - 3


def test_a_number_of_units_is_a_whole_number_from_zero_to_ten_million_beside_its_value(tmp_path):
    workbook = workbook_of("gdiit")
    sheet = workbook[DATA_SHEET]
    headers = [c.value for c in sheet[HEADER_ROW]]
    counts = [h for h in headers if h and h.endswith("单位数")]
    n_rows = data_rows_of(sheet)
    by_range = {str(v.sqref): v for v in sheet.data_validations.dataValidation}

    assert counts == ["已投产标准机架数 单位数", "已上架标准机架数 单位数", "数据中心IT设备能耗 单位数",
                      "数据中心总能耗 单位数", "算力规模 单位数"]  # the five data-centre indicators, not the rest
    for header in counts:
        column = headers.index(header) + 1
        assert headers[column - 2].startswith(header.removesuffix(" 单位数") + "（")  # right after its value
        letter = openpyxl.utils.get_column_letter(column)
        rule = by_range[f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + n_rows - 1}"]
        assert (rule.type, rule.operator, rule.formula1, rule.formula2) == ("whole", "between", "0", "10000000")
        assert rule.errorStyle == "stop" and rule.allow_blank  # blank: unknown
        assert "整数" in rule.error and "whole number from 0 to 10,000,000" in rule.error
        assert "不知道留空" in rule.prompt and "blank if unknown" in rule.prompt
        assert len(rule.prompt) <= 255 and len(rule.promptTitle) <= 32  # Excel's limits
        guide = sheet.cell(GUIDE_ROW, column).value.splitlines()
        assert guide[0].startswith("单位数：") and guide[1].startswith("units (data centres, enterprises)")
        assert sheet.cell(ENGLISH_ROW, column).value.endswith(": number of units")

    path = tmp_path / "gdiit.xlsx"
    path.write_bytes(build_template("gdiit", TODAY))
    table = find_table(read_grid(path))
    assert sorted(table.n_units_columns.values()) == sorted(
        ["dc_standard_racks", "dc_racks_in_use", "dc_it_energy_mwh", "dc_total_energy_mwh", "compute_power_pflops"])


def test_the_number_of_cities_comes_from_the_reference_data(monkeypatch):
    twenty = frozenset(c.code for c in reference.cities()[:20])
    monkeypatch.setattr(reference, "reporting_areas", lambda: twenty)

    workbook = workbook_of("gdgsa")
    text = "\n".join(str(c.value) for c in workbook[INSTRUCTIONS_SHEET]["A"] if c.value)

    assert "全省20个地级市" in text
    assert data_rows_of(workbook[DATA_SHEET]) == 20 * 36


def test_instructions_sheet_explains_in_both_languages():
    sheet = workbook_of("pilot-440300")[INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)

    assert "空白表示未报送，不是零" in text and "blank means not reported, never zero" in text
    assert "2021-01 至 2023-12" in text and "2021-01 to 2023-12" in text
    assert "无密码" in text and "no password" in text
    assert "单位负责人" in text and "not read as data" in text
    assert "440000" in text and "upload page" in text
    assert "fiveg_base_stations" in text and "5G base stations" in text
    steps = [re.match(r"\d+\. (.)", c.value) for c in sheet["B"] if c.value]
    assert [m.group(1).isupper() for m in steps if m] == [True] * 10  # each English step is a sentence
    assert "“单位数”列" in text and "blank is not zero" in text  # a pilot may count its units too


# ------------------------------------------------------------------------- filled in, validated

def fill(workbook: openpyxl.Workbook, profile_id: str) -> int:
    """A clerk's work: realistic figures (every share's numerator below its denominator, every value in
    range) in the last two periods' rows, and the footer. Returns the number of values written."""
    profile = reference.profiles()[profile_id]
    indicators = template_indicators(profile)
    columns = template_columns(profile)
    denominators = {d.denominator for d in reference.derived_indicators() if d.multiplier == 100}
    sheet = workbook[DATA_SHEET]
    city = next(c for c in reference.cities() if profile.covers_city(c.code))
    annual = all(i.freq == "A" for i in indicators)
    rows = [("2022", "A"), ("2023", "A")] if annual else [("2023-11", "M"), ("2023-12", None)]  # None: every one
    prefilled = sheet.cell(FIRST_DATA_ROW, 1).value is not None
    written = 0
    for offset, (period, only_freq) in enumerate(rows):
        if not prefilled:  # an agency's blank rows: the clerk picks city and period
            row = FIRST_DATA_ROW + offset
            sheet.cell(row, 1, city.name_zh)
            sheet.cell(row, 2, period)
        else:  # a pilot's prefilled rows
            row = next(r for r in range(FIRST_DATA_ROW, sheet.max_row) if sheet.cell(r, 2).value == period)
            assert sheet.cell(row, 1).value == city.name_zh
        for column, template_column in enumerate(columns, start=FIRST_INDICATOR_COLUMN):
            indicator = template_column.indicator
            if only_freq and indicator.freq != only_freq:
                continue
            if template_column.counts:  # the number of data centres or enterprises behind the value
                sheet.cell(row, column, 12 + offset)
                continue
            share = 10 if indicator.code in denominators else 1000
            sheet.cell(row, column, indicator.max_value / share - offset)
            written += 1
    footer = FIRST_DATA_ROW + data_rows_of(sheet) + 1
    sheet.cell(footer, 2, "李四")
    sheet.cell(footer, 4, "王五")
    sheet.cell(footer + 1, 2, 13800138000)  # a telephone number in an indicator column: not a value
    sheet.cell(footer + 1, 4, dt.date(2024, 1, 8))
    return written


# LibreOffice Calc, a real spreadsheet, judges what a clerk types against the template's validation rules
# (Excel itself cannot run here). Debian's python3-uno drives it; .ci/run installs both.
SOFFICE = "/usr/lib/libreoffice/program/soffice.bin"  # the program itself: one process to stop by its pid
SYSTEM_PYTHON = "/usr/bin/python3"
CALC_SECONDS = 120


def _calc_available() -> bool:
    if not os.path.exists(SOFFICE) or shutil.which(SYSTEM_PYTHON) is None:
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


def calc_invalid_cells(path, sheet: str, tmp_path) -> set[tuple[int, int]]:
    """The cells LibreOffice Calc marks invalid in a workbook (row, column, 1-based)."""
    if not _calc_available():
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice Calc and python3-uno are not installed (.ci/run installs them)")
        pytest.skip("LibreOffice Calc and python3-uno are not installed (.ci/run installs them)")
    pipe = f"digecon-test-{os.getpid()}"
    options = [SOFFICE, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
               f"-env:UserInstallation={(tmp_path / 'calc-profile').as_uri()}"]
    # A new user profile makes Calc exit to restart itself (the soffice launcher would start it again, as a
    # second process): make the profile first, then start the one process that listens.
    subprocess.run([*options, "--terminate_after_init"], capture_output=True, timeout=CALC_SECONDS, check=True)
    calc = subprocess.Popen([*options, f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        helper = os.path.join(os.path.dirname(__file__), "calc_invalid_cells.py")
        done = subprocess.run([SYSTEM_PYTHON, helper, pipe, str(path), sheet, str(CALC_SECONDS)],
                              capture_output=True, text=True, timeout=CALC_SECONDS * 2)
        assert done.returncode == 0, done.stderr
        return {tuple(cell) for cell in json.loads(done.stdout)}
    finally:
        if calc.poll() is None:
            calc.send_signal(signal.SIGTERM)
        try:
            calc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            calc.kill()
            calc.wait()


def test_a_spreadsheet_refuses_what_the_validator_would_and_takes_large_whole_counts(tmp_path):
    """Typed into gdiit's template and judged by Calc: a whole-number rule has no bound of its own
    (10¹² identifier registrations, the catalogue's maximum, is whole), the catalogue's bounds hold, and a
    number of units is a whole number from 0 to 10,000,000 (blank allowed: unknown)."""
    workbook = workbook_of("gdiit")
    sheet = workbook[DATA_SHEET]
    column = {c.value: c.column for c in sheet[HEADER_ROW] if c.value}
    racks, registrations, energy = "已投产标准机架数（架）", "工业互联网标识注册量(累计)（个）", "数据中心IT设备能耗（MWh）"
    units = "已投产标准机架数 单位数"
    typed = [  # (column header, value typed, refused)
        (racks, 45_000, False), (racks, 2.5, True), (racks, -1, True), (racks, 10_000_000, False),
        (racks, 10_000_001, True),  # above the catalogue's maximum
        (registrations, 2_147_483_648, False), (registrations, 5_000_000_000, False),
        (registrations, 1_000_000_000_000, False), (registrations, 1_000_000_000_001, True),
        (energy, 187_790.3, False), (energy, -0.5, True),
        (units, 0, False), (units, 2, False), (units, 10_000_000, False), (units, 10_000_001, True),
        (units, 2.5, True), (units, -1, True), (units, "abc", True),
    ]
    for row, (header, value, _) in enumerate(typed, start=FIRST_DATA_ROW):
        sheet.cell(row, column[header], value)
    path = tmp_path / "typed.xlsx"
    workbook.save(path)

    invalid = calc_invalid_cells(path, DATA_SHEET, tmp_path)

    refused = {(row, column[header]) for row, (header, _, no) in enumerate(typed, start=FIRST_DATA_ROW) if no}
    assert invalid == refused


@pytest.mark.parametrize("profile_id", sorted(reference.profiles()))
def test_a_filled_template_passes_validation_with_no_findings(profile_id, validator, tmp_path):  # noqa: F811
    workbook = workbook_of(profile_id)
    written = fill(workbook, profile_id)
    path = tmp_path / f"{profile_id}.xlsx"
    workbook.save(path)

    checked = validator.check(path, profile_id, reference_date=TODAY)
    report = checked.report

    assert report.errors == [] and report.warnings == []
    assert report.accepted and report.observations == written
    assert report.rows == (36 if profile_id.startswith("pilot") else 2)  # prefilled rows count, blank ones do not
    # fill() writes 12 units in the first row and 13 in the second beside every magnitude value
    observations = checked.observations
    magnitude = observations["indicator_code"].map(lambda code: reference.catalogue()[code].magnitude)
    assert observations.loc[~magnitude, "n_units"].isna().all()
    assert set(observations.loc[magnitude, "n_units"]) <= {12, 13}
    assert magnitude.any() == (profile_id != "gdca" and profile_id != "gdgsa")


def test_readers_stop_at_a_footer_in_any_file(tmp_path):
    path = tmp_path / "agency.csv"
    path.write_text("城市,期间,5G基站数\n深圳市,2023-06,52000\n\n单位负责人：张三,,填表人：李四\n联系电话：,,报出日期：2023-07-05\n",
                    encoding="utf-8")

    table = find_table(read_grid(path))

    assert [number for number, _ in table.data_rows] == [2]


# -------------------------------------------------------------------------------------------- CLI

def test_cli_writes_the_template_under_its_chinese_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    assert cli.main(["template", "--as", "pilot-440300", "--reference-date", "2023-07-01"]) == 0

    sheet = openpyxl.load_workbook(tmp_path / "深圳市数字经济监测报表模板.xlsx")[DATA_SHEET]
    assert sheet.cell(FIRST_DATA_ROW + data_rows_of(sheet) - 1, 2).value == "2023-06"
    assert "深圳市数字经济监测报表模板.xlsx" in capsys.readouterr().out
    assert cli.main(["template", "--as", "gdca", "-o", str(tmp_path / "x.xlsx")]) == 0
