"""The Excel template: zh/en headers with units, dropdowns for city and period, instructions; a filled
template passes validation with no findings, for every profile."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from corpus import validator  # noqa: F401  (the session's one Validator)

from indicators import reference
from indicators.readers import find_table, read_grid
from indicators.template import (
    DATA_SHEET,
    ENGLISH_ROW,
    FIRST_DATA_ROW,
    FIRST_INDICATOR_COLUMN,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    build_template,
    template_indicators,
)
from pipelines import cli

TODAY = dt.date(2024, 1, 10)


def workbook_of(profile_id: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(build_template(profile_id, TODAY)))


def test_headers_are_chinese_with_units_and_english_above():
    sheet = workbook_of("pilot-440300")[DATA_SHEET]
    headers = [c.value for c in sheet[HEADER_ROW]]
    guides = [c.value for c in sheet[ENGLISH_ROW]]

    assert headers[:3] == ["城市", "期间", "5G基站数（个）"] and headers[-1] == "备注"
    assert guides[2].splitlines() == ["5G base stations (个)", "月度 / monthly", "fiveg_base_stations"]
    quarterly = guides[headers.index("城市家庭总户数（户）")]
    assert "季度，填在3、6、9、12月行" in quarterly and "quarterly: fill in the Mar, Jun, Sep, Dec row" in quarterly
    assert "dc_standard_racks" in " ".join(guides)  # a pilot may submit any base indicator
    assert "fiveg_per_10k_people" not in " ".join(guides)  # derived: never submitted


def test_readers_take_the_chinese_row_as_the_header_and_every_column_as_an_indicator(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(build_template("gdca", TODAY))

    table = find_table(read_grid(path))

    assert (table.header_row, table.layout, table.sheet) == (HEADER_ROW, "wide", DATA_SHEET)
    assert [c.code for c in table.indicator_columns] == [i.code for i in template_indicators(reference.profiles()["gdca"])]


def test_city_and_period_have_dropdowns_from_the_profile_and_calendar():
    workbook = workbook_of("pilot-441900")
    validations = {str(v.sqref): v for v in workbook[DATA_SHEET].data_validations.dataValidation}
    lists = workbook[LISTS_SHEET]

    city = validations[f"A{FIRST_DATA_ROW}:A{FIRST_DATA_ROW + 1999}"]
    period = validations[f"B{FIRST_DATA_ROW}:B{FIRST_DATA_ROW + 1999}"]
    assert city.type == period.type == "list"
    assert city.errorStyle == "stop" and period.errorStyle == "warning"  # a newer period may still be typed
    assert city.formula1 == f"'{LISTS_SHEET}'!$A$2:$A$2" and lists["A2"].value == "东莞市"
    periods = [c.value for c in lists["B"][1:] if c.value]
    assert periods[0] == "2024-01" and periods[-1] == "2019-01" and len(periods) == 61
    assert period.formula1 == f"'{LISTS_SHEET}'!$B$2:$B$62"
    assert lists.sheet_state == "hidden"


def test_agency_cities_and_annual_periods():
    agency = workbook_of("gdca")[LISTS_SHEET]
    assert [c.value for c in agency["A"][1:] if c.value] == [c.name_zh for c in reference.cities()]
    statistics = workbook_of("gdstats")  # every gdstats indicator is annual: a row is a year
    assert [c.value for c in statistics[LISTS_SHEET]["B"][1:] if c.value][:2] == ["2024", "2023"]


def test_instructions_sheet_explains_in_both_languages():
    sheet = workbook_of("pilot-440300")[INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)

    assert "空白表示未报送，不是零" in text and "blank means not reported, never zero" in text
    assert "440000" in text and "upload page" in text
    assert "fiveg_base_stations" in text and "5G base stations" in text
    steps = [re.match(r"\d+\. (.)", c.value) for c in sheet["B"] if c.value]
    assert [m.group(1).isupper() for m in steps if m] == [True] * 8  # each English step is a sentence


def fill(workbook: openpyxl.Workbook, profile_id: str) -> int:
    """Realistic figures: every share's numerator below its denominator, every value within range.
    Returns the number of values written."""
    profile = reference.profiles()[profile_id]
    denominators = {d.denominator for d in reference.derived_indicators() if d.multiplier == 100}
    sheet = workbook[DATA_SHEET]
    city = next(c for c in reference.cities() if profile.covers_city(c.code))
    annual = all(i.freq == "A" for i in template_indicators(profile))
    rows = [("2023", None)] if annual else [("2023-11", "M"), ("2023-12", None)]  # None: every indicator
    written = 0
    for offset, (period, only_freq) in enumerate(rows):
        row = FIRST_DATA_ROW + offset
        sheet.cell(row, 1, city.name_zh)
        sheet.cell(row, 2, period)
        for column, indicator in enumerate(template_indicators(profile), start=FIRST_INDICATOR_COLUMN):
            if only_freq and indicator.freq != only_freq:
                continue
            share = 10 if indicator.code in denominators else 1000
            sheet.cell(row, column, indicator.max_value / share - offset)
            written += 1
    return written


@pytest.mark.parametrize("profile_id", sorted(reference.profiles()))
def test_a_filled_template_passes_validation_with_no_findings(profile_id, validator, tmp_path):  # noqa: F811
    workbook = workbook_of(profile_id)
    written = fill(workbook, profile_id)
    path = tmp_path / f"{profile_id}.xlsx"
    workbook.save(path)

    report = validator.check(path, profile_id, reference_date=TODAY).report

    assert report.errors == [] and report.warnings == []
    assert report.accepted and report.observations == written


def test_cli_writes_the_template(tmp_path, capsys):
    output = tmp_path / "深圳模板.xlsx"

    assert cli.main(["template", "--as", "pilot-440300", "-o", str(output)]) == 0

    assert "pilot-440300" in openpyxl.load_workbook(output)[DATA_SHEET]["A1"].value
    assert cli.main(["template", "--as", "nobody", "-o", str(output)]) == 2
    assert "没有名为 nobody 的报送方" in capsys.readouterr().err
