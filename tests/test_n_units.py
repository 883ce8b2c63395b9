"""The number of contributing units (n_units, 单位数) from upload to storage: read in both layouts, judged
by its rules, kept in the checked cells beside the file, stored with its vintage in core.observations.

Findings are checked where a clerk would look for them: sheet, row as Excel shows it, column as headed.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from corpus import REFERENCE_DATE, csv_bytes, validator, write_csv, write_xlsx
from mart_support import prepared_build_db

from indicators.readers import ReadLimits, cells_frame, find_table, read_grid
from indicators.validation import Validator
from indicators.values import parse_n_units, resolve_n_units_column
from pipelines import runner
from pipelines.build import prepare_schema
from pipelines.inbox import land_file, offline_intake, submitter
from pipelines.paths import Paths

__all__ = ["validator"]  # the session fixture, shared through corpus.py

LONG = ["城市", "期间", "指标代码", "数值", "单位数"]
WIDE = ["城市", "期间", "已投产标准机架数（架）", "已投产标准机架数 单位数", "dc_racks_in_use", "dc_racks_in_use_n_units",
        "算力规模（PFLOPS）"]
Q2 = dt.date(2023, 4, 1)


def cells_of(path) -> pd.DataFrame:
    return cells_frame(find_table(read_grid(path)))


def check(validator, path, profile="gdiit", **kwargs):
    return validator.check(path, profile, reference_date=REFERENCE_DATE, **kwargs)


def where(finding) -> tuple:
    return finding.rule, finding.sheet, finding.row, finding.column, finding.value


# ------------------------------------------------------------------------------------------------ readers

@pytest.mark.parametrize("header, code", [
    ("已投产标准机架数 单位数", "dc_standard_racks"), ("已投产标准机架数（架）单位数", "dc_standard_racks"),
    ("已投产标准机架数单位数", "dc_standard_racks"), ("dc_standard_racks_n_units", "dc_standard_racks"),
    ("DC_Standard_Racks n_units", "dc_standard_racks"), ("Standard racks in production (2.5 kW) n_units", "dc_standard_racks"),
    ("数字经济核心产业增加值-单位数", "de_core_value_added"), ("5G基站数 单位数", "fiveg_base_stations"),
    ("已投产标准机架数", None), ("单位数", None), ("n_units", None), ("机架 单位数", None), ("单位", None),
])
def test_a_count_column_is_its_indicator_header_then_units(header, code):
    assert resolve_n_units_column(header) == code


@pytest.mark.parametrize("written, count", [
    (12, 12), (12.0, 12), ("12", 12), ("1,234", 1234), ("0", 0), ("１２", 12), ("10000000", 10_000_000),
    ("-1", None), ("2.5", None), (2.5, None), ("abc", None), ("10000001", None), ("3个", None),
])
def test_a_count_is_a_whole_number_from_zero_to_ten_million(written, count):
    assert parse_n_units(written) == count


def test_a_long_file_without_a_count_column_reads_as_before(tmp_path):
    cells = cells_of(write_csv(tmp_path / "f.csv", [LONG[:4], ["深圳", "2023Q2", "dc_standard_racks", "1200"]]))
    assert cells[["n_units_text", "n_units_column"]].values.tolist() == [["", None]]
    assert cells["n_units"].isna().all()


def test_a_long_file_gives_a_count_per_row_blank_is_unknown(tmp_path):
    path = write_csv(tmp_path / "f.csv", [LONG,
                                          ["深圳", "2023Q2", "dc_standard_racks", "92,552", "84"],
                                          ["云浮", "2023Q2", "dc_standard_racks", "3,562", ""],
                                          ["韶关", "2023Q2", "dc_standard_racks", "17,685", "—"],
                                          ["汕尾", "2023Q2", "dc_standard_racks", "3,413", "1"]])
    cells = cells_of(path)
    assert cells[["city_code", "value", "n_units_text", "n_units_column"]].values.tolist() == [
        ["440300", 92552.0, "84", "单位数"], ["445300", 3562.0, "", "单位数"],
        ["440200", 17685.0, "", "单位数"], ["441500", 3413.0, "1", "单位数"]]  # — is blank: unknown
    assert cells["n_units"].tolist()[::3] == [84.0, 1.0] and cells["n_units"][1:3].isna().all()


def test_the_english_count_header_in_a_workbook(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [["city", "period", "indicator", "value", "n_units"],
                                            ["440300", "2023", "de_core_value_added", 12940.5, 3518]],
                      title="核心产业增加值", sheet="数据")
    cells = cells_of(path)
    assert cells[["source_row", "sheet", "n_units_column", "n_units"]].values.tolist() == [[4, "数据", "n_units", 3518.0]]


def test_a_wide_file_gives_counts_beside_their_values(tmp_path):
    path = write_csv(tmp_path / "f.csv", [WIDE,
                                          ["深圳", "2023-06", "92552", "84", "63867", "84", "6443.6"],
                                          ["云浮", "2023-06", "3562", "", "1959", "1", "123.5"]])
    table = find_table(read_grid(path))
    assert [c.code for c in table.indicator_columns] == ["dc_standard_racks", "dc_racks_in_use", "compute_power_pflops"]
    assert table.n_units_columns == {3: "dc_standard_racks", 5: "dc_racks_in_use"}
    cells = cells_frame(table)
    assert cells[["city_code", "indicator_code", "value", "n_units_column", "n_units_text"]].values.tolist() == [
        ["440300", "dc_standard_racks", 92552.0, "已投产标准机架数 单位数", "84"],
        ["440300", "dc_racks_in_use", 63867.0, "dc_racks_in_use_n_units", "84"],
        ["440300", "compute_power_pflops", 6443.6, None, ""],  # no count column: unknown
        ["445300", "dc_standard_racks", 3562.0, "已投产标准机架数 单位数", ""],
        ["445300", "dc_racks_in_use", 1959.0, "dc_racks_in_use_n_units", "1"],
        ["445300", "compute_power_pflops", 123.5, None, ""],
    ]
    assert cells["n_units"].tolist()[:2] == [84.0, 84.0] and cells["n_units"].tolist()[4] == 1.0


def test_a_count_column_before_its_value_column_and_under_group_headings(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [["", "", "数据中心", ""],
                                            ["城市", "期间", "dc_standard_racks_n_units", "已投产标准机架数"],
                                            ["深圳", "2023-06", 84, 92552]], sheet="数据")
    cells = cells_of(path)
    assert cells[["indicator_code", "value", "n_units"]].values.tolist() == [["dc_standard_racks", 92552.0, 84.0]]


# --------------------------------------------------------------------------------------------- validation

def test_counts_are_kept_with_the_observations_they_came_with(validator, tmp_path):
    path = write_csv(tmp_path / "f.csv", [WIDE, ["深圳", "2023-06", "92552", "84", "63867", "", "6443.6"]])
    checked = check(validator, path)
    assert checked.report.accepted and checked.report.errors == checked.report.warnings == []
    observations = checked.observations.set_index("indicator_code")["n_units"]
    assert str(observations.dtype) == "Int64"
    assert observations["dc_standard_racks"] == 84
    assert observations[["dc_racks_in_use", "compute_power_pflops"]].isna().all()  # blank / no column: unknown
    result = {r.rule: r for r in checked.report.rule_results}["n_units_invalid"]
    assert (result.evaluated, result.failed) == (1, 0)  # only the count that was given is judged


@pytest.mark.parametrize("written", ["-1", "2.5", "abc", "10000001"])
def test_a_bad_count_in_a_long_file_is_an_error_where_it_is(validator, tmp_path, written):
    path = write_xlsx(tmp_path / "f.xlsx", [LONG, ["深圳", "2023Q2", "dc_standard_racks", 92552, "84"],
                                            ["云浮", "2023Q2", "dc_standard_racks", 3562, written]],
                      title="2023年第二季度 数据中心", sheet="数据")
    report = check(validator, path).report
    assert not report.accepted and report.warnings == []
    [finding] = report.errors
    assert where(finding) == ("n_units_invalid", "数据", 5, "单位数", written)  # title, blank, header, 2 rows
    assert finding.message_zh == (f"单位数“{written}”无效：须为 0 到 10,000,000 之间的整数，即贡献该数值的数据中心或"
                                  "企业的个数；不知道请留空")
    assert finding.message_en == (f'number of units "{written}" is not valid: write a whole number from 0 to '
                                  "10,000,000, the number of data centres or enterprises that contribute to the value; "
                                  "leave it blank if unknown")


def test_a_bad_count_in_a_wide_file_names_its_count_column(validator, tmp_path):
    path = write_csv(tmp_path / "f.csv", [WIDE, ["深圳", "2023-06", "92552", "84", "63867", "84", "6443.6"],
                                          ["云浮", "2023-06", "3562", "1", "1959", "一个", "123.5"]])
    report = check(validator, path).report
    assert [where(f) for f in report.errors] == [("n_units_invalid", None, 3, "dc_racks_in_use_n_units", "一个")]
    assert report.observations == 0


def test_a_count_on_an_indicator_that_takes_none_is_an_error(validator, tmp_path):
    long = write_csv(tmp_path / "long.csv", [LONG, ["深圳", "2023-06", "fiveg_base_stations", "52310", "3"],
                                             ["深圳", "2023-Q2", "dc_standard_racks", "92552", "84"]])
    report = check(validator, long, profile="pilot-440300").report
    [finding] = report.errors
    assert where(finding) == ("n_units_not_magnitude", None, 2, "单位数", "3")
    assert finding.message_zh.startswith("“5G基站数”不填单位数：请删去单位数“3”。只有按单位汇总的总量指标填报单位数："
                                         "“已投产标准机架数”、")
    assert finding.message_en.startswith('5G base stations takes no number of units: remove "3". Only totals summed '
                                         "over units carry one: Standard racks in production (2.5 kW), ")
    assert "Digital-economy core industries value added (current prices)" in finding.message_en

    wide = write_csv(tmp_path / "wide.csv", [["城市", "期间", "5G基站数（个）", "5G基站数 单位数"],
                                             ["深圳", "2023-06", "52310", ""], ["深圳", "2023-07", "52900", "3"]])
    report = check(validator, wide, profile="pilot-440300").report
    assert [where(f) for f in report.errors] == [("n_units_not_magnitude", None, 3, "5G基站数 单位数", "3")]


def test_a_bare_count_column_in_a_wide_file_must_name_its_indicator(validator, tmp_path):
    path = write_csv(tmp_path / "f.csv", [["城市", "期间", "已投产标准机架数", "单位数"], ["深圳", "2023-06", "92552", "84"]])
    [finding] = check(validator, path).report.errors
    assert where(finding) == ("indicator_unknown", None, 1, "单位数", "单位数")
    assert "单位数列须写明所属指标，如“已投产标准机架数 单位数”" in finding.message_zh
    assert "a count column names its indicator, e.g. 已投产标准机架数 单位数 or dc_standard_racks_n_units" in finding.message_en


def test_no_units_beside_a_value_warns_and_loads(validator, tmp_path):
    path = write_csv(tmp_path / "f.csv", [LONG, ["云浮", "2023Q2", "dc_standard_racks", "3562", "0"],
                                          ["云浮", "2023Q2", "dc_racks_in_use", "0", "0"]])  # 0 of nothing: fine
    checked = check(validator, path)
    assert checked.report.accepted and checked.report.errors == []
    [warning] = checked.report.warnings
    assert where(warning) == ("n_units_zero_with_value", None, 2, "单位数", "0")
    assert warning.message_zh == "单位数为 0，但“已投产标准机架数”的数值为 3562：没有单位，数值应为 0。请核实单位数和数值"
    assert warning.message_en == ("the number of units is 0 but Standard racks in production (2.5 kW) is 3562: with no "
                                  "unit the value would be 0. Check the count and the value")
    assert checked.observations["n_units"].tolist() == [0, 0]


def test_counts_are_judged_a_batch_at_a_time(tmp_path):
    """Streaming: three values a batch; the findings and the counts are those of the whole file."""
    rows = [LONG] + [["深圳", f"2023Q{q}", "dc_standard_racks", str(90000 + q), str(80 + q)] for q in (1, 2, 3)]
    rows += [["云浮", f"2023Q{q}", "dc_standard_racks", str(3000 + q), bad] for q, bad in ((1, "-1"), (2, "x"))]
    path = write_csv(tmp_path / "f.csv", rows)
    small = Validator(ReadLimits(batch_cells=3, max_findings_per_rule=1))
    report = check(small, path).report
    result = {r.rule: r for r in report.rule_results}["n_units_invalid"]
    assert (result.evaluated, result.failed, result.not_listed) == (5, 2, 1)
    listed, summed_up = [f for f in report.errors if f.row], [f for f in report.errors if not f.row]
    assert [where(f) for f in listed] == [("n_units_invalid", None, 5, "单位数", "-1")]  # the first only
    assert [f.message_en for f in summed_up] == [
        '1 more findings of "Number of units not valid" are not listed (at most 1 per rule; the rule results count them all)']


# ------------------------------------------------------------------------------------------------ storage

def gdiit_q2(shenzhen_centres: int, yunfu_centres: str) -> bytes:
    return csv_bytes([LONG, ["深圳市", "2023Q2", "dc_standard_racks", "92552", str(shenzhen_centres)],
                      ["云浮市", "2023Q2", "dc_standard_racks", "3562", yunfu_centres]])


@pytest.mark.slow
def test_a_resubmitted_count_is_a_new_vintage_kept_beside_the_file_and_in_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    paths = Paths.resolve(tmp_path / "home")
    intake = offline_intake(paths)
    who = submitter("gdiit", "林晓燕", "cli")
    # The same values again; Shenzhen counts 85 centres instead of 84, Yunfu's count arrives.
    first = land_file(intake, who, "gdiit-2023Q2.csv", gdiit_q2(84, ""))
    second = land_file(intake, who, "gdiit-2023Q2-rev.csv", gdiit_q2(85, "2"))
    assert (first.status, second.status) == (201, 201)

    landing = paths.landing_zone()
    first_receipt, second_receipt = landing.receipts()
    kept = landing.checked_of(first_receipt).set_index("city_code")["n_units"]
    assert kept["440300"] == 84 and pd.isna(kept["445300"])  # the checked cells carry the count, blank stays blank
    assert landing.checked_of(second_receipt).set_index("city_code")["n_units"].to_dict() == {"440300": 85, "445300": 2}

    assert runner.run(paths, dt.date(2024, 1, 10), with_sample=False) == 0
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        assert con.execute("SELECT submission_id, area_code, value, n_units FROM core.observations"
                           " ORDER BY submission_id, area_code").fetchall() == [
            (first_receipt.submission_id, "440300", 92552, 84), (first_receipt.submission_id, "445300", 3562, None),
            (second_receipt.submission_id, "440300", 92552, 85), (second_receipt.submission_id, "445300", 3562, 2)]
        assert con.execute("SELECT area_code, n_units FROM core.v_latest ORDER BY 1").fetchall() == [
            ("440300", 85), ("445300", 2)]
        between = first_receipt.received_at + (second_receipt.received_at - first_receipt.received_at) / 2
        assert con.execute("SELECT area_code, n_units FROM core.observations_as_of($t) ORDER BY 1",
                           {"t": between}).fetchall() == [("440300", 84), ("445300", None)]
        assert con.execute("SELECT area_code, n_units FROM core.source_cells_as_of($t) ORDER BY 1",
                           {"t": second_receipt.received_at}).fetchall() == [("440300", 85), ("445300", 2)]


# The table as it was first released, before it had n_units.
FIRST_CORE_OBSERVATIONS = """
CREATE TABLE core.observations (
    submission_id BIGINT NOT NULL, source VARCHAR NOT NULL, received_at TIMESTAMPTZ NOT NULL,
    area_code VARCHAR NOT NULL, period DATE NOT NULL, freq VARCHAR NOT NULL, indicator_code VARCHAR NOT NULL,
    value DOUBLE NOT NULL, note VARCHAR, source_row INTEGER,
    PRIMARY KEY (submission_id, area_code, period, indicator_code)
)"""


def test_an_existing_build_db_gains_the_column_and_keeps_its_rows(tmp_path):
    paths = Paths.resolve(tmp_path / "home")
    paths.build_db.parent.mkdir(parents=True)
    with duckdb.connect(str(paths.build_db)) as con:
        con.execute("CREATE SCHEMA core")
        con.execute(FIRST_CORE_OBSERVATIONS)
        con.execute("INSERT INTO core.observations VALUES (1, 'gdiit', TIMESTAMPTZ '2023-07-15 10:00+08:00',"
                    " '440300', DATE '2023-04-01', 'Q', 'dc_standard_racks', 92552, NULL, 2)")

    with prepared_build_db(paths) as con:
        prepare_schema(con)  # a second run changes nothing
        columns = con.execute("SELECT column_name, data_type FROM duckdb_columns()"
                              " WHERE schema_name = 'core' AND table_name = 'observations'").fetchall()
        assert columns[-1] == ("n_units", "INTEGER") and len(columns) == 11
        assert con.execute("SELECT area_code, value, n_units, from_source_of_record FROM core.v_latest").fetchall() == [
            ("440300", 92552, None, True)]


def test_a_count_goes_with_its_vintage_as_of_any_moment(loader):
    """Hand-made vintages (tests/mart_support.py): the count of the vintage an as-of query answers with,
    a withdrawn vintage's count gone with its value."""
    racks = "dc_standard_racks"
    loader.submit("gdiit", [("445300", "2023-04-01", "Q", racks, 3562, None, 1)], "2023-07-15 10:00")
    second = loader.submit("gdiit", [("445300", "2023-04-01", "Q", racks, 3562, None, 2)], "2023-08-01 10:00")
    loader.submit("gdiit", [("445300", "2023-04-01", "Q", racks, 3600)], "2023-09-01 10:00")  # count unknown
    loader.withdraw(second, "2023-08-20 10:00", "counted a centre still being built")

    def as_of(moment: str) -> tuple:
        return loader.con.execute("SELECT value, n_units FROM core.observations_as_of($t::TIMESTAMPTZ)",
                                  {"t": moment}).fetchone()

    assert as_of("2023-07-20 00:00+08:00") == (3562, 1)
    assert as_of("2023-08-10 00:00+08:00") == (3562, 2)
    assert as_of("2023-08-25 00:00+08:00") == (3562, 1)  # withdrawn: the previous vintage, with its count
    assert as_of("2023-09-02 00:00+08:00") == (3600, None)
    assert loader.con.execute("SELECT n_units FROM core.v_latest").fetchall() == [(None,)]
    assert loader.con.execute("SELECT list(n_units ORDER BY submission_id) FROM core.observations").fetchone()[0] == [
        1, 2, None]
