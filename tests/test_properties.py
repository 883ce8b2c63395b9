"""Property-based tests (Hypothesis): whatever the bytes, CSV text or workbook cells, the readers and the
validator give a report, and `digecon validate` exits 0, 1 or 2 with it: never a traceback.

In-process against the session's Validator, with bounded examples; one subprocess for the CLI contract.
Hypothesis keeps no example database and its other files in a temporary folder (tests never write into
the working tree): each run draws the same examples from a fixed seed, so a failure is reproduced by
running the test again.
"""

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest
from corpus import LONG_HEADER, REFERENCE_DATE, shenzhen_june, validator, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators.readers import LimitExceeded, UnreadableFile, cells_frame, find_table, read_grid
from pipelines import cli
from pipelines.validate_command import EXIT_UNUSABLE, exit_code

__all__ = ["validator"]  # the session fixture, shared through corpus.py

# Hypothesis writes caches (string constants, Unicode tables) under ./.hypothesis unless told otherwise,
# from the moment its pytest plugin sees a test of it collected: this module is imported before that.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "digecon-hypothesis")

BOUNDED = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# What people write, and what goes wrong: cities, periods, indicators, values and units as written,
# odd periods past pandas' dates, formulas, totals, full-width digits, not-reported marks.
WRITTEN = [
    "深圳", "深圳市", "440300", "Shenzhen", "东莞", "广州市", "广东省", "合计", "Atlantis",
    "2023-06", "2023/6", "2023Q2", "2023-Q2", "2023年第二季度", "2023年6月", "2023", "2022-12", "2024-02",
    "2999-12", "0001-01", "0000-01", "9999-12", "2023-13", "202306", "2018-12",
    "5G基站数", "fiveg_base_stations", "pon_ports_total", "pon_ports_10g", "households_total",
    "pon_10g_share_pct", "5G基站数（万个）", "PON端口总数(个)", "PON口数", "iiot_identifier_registrations",
    "52,310", "812000", "0", "-1", "1e400", "nan", "inf", "1,000,001", "５２，３１０", "=1+2", "=A1",
    "个", "万个", "户", "台", "—", "-", "/", "", " ",
    *LONG_HEADER, "期间", "城市", "指标", "数值",
]
cells = st.one_of(
    st.sampled_from(WRITTEN),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
)
headers = st.one_of(st.just(LONG_HEADER), st.just(["城市", "期间", "5G基站数（个）", "PON端口总数(个)", "城市家庭总户数（户）"]),
                    st.lists(cells, max_size=8))
tables = st.tuples(st.lists(st.lists(cells, max_size=3), max_size=3), headers,
                   st.lists(st.lists(cells, max_size=9), max_size=15))


def as_text(cell) -> str:
    return "" if cell is None else str(cell)


def assert_a_report(checked) -> None:
    """The contract: a verdict, findings in both languages, counts that agree."""
    report = checked.report
    assert exit_code(report) in (0, 1, 2)
    data = json.loads(report.to_json())
    assert data["accepted"] == (report.errors == [])
    for finding in report.errors + report.warnings:
        for message in (finding.message_zh, finding.message_en):
            assert message and "Traceback" not in message
    assert len(checked.observations) == report.observations
    if exit_code(report) == EXIT_UNUSABLE:
        assert len(report.errors) == 1 and report.warnings == []


def check(validator, path, profile="pilot-440300", **kwargs):
    return validator.check(path, profile, reference_date=REFERENCE_DATE, **kwargs)


@BOUNDED
@given(data=st.binary(max_size=3000), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f"]))
def test_any_bytes_give_a_report(validator, tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    assert_a_report(check(validator, path))


@BOUNDED
@given(data=st.binary(min_size=1, max_size=200), at=st.integers(min_value=0, max_value=100_000),
       cut=st.booleans())
def test_a_damaged_workbook_gives_a_report(validator, tmp_path, data, at, cut):
    """A real workbook with bytes overwritten or cut off somewhere: zip, XML or shared strings broken."""
    good = write_xlsx(tmp_path / "good.xlsx", shenzhen_june(), title="报送表").read_bytes()
    at %= len(good)
    damaged = good[:at] if cut else good[:at] + data + good[at + len(data):]
    (tmp_path / "f.xlsx").write_bytes(damaged or b"x")
    assert_a_report(check(validator, tmp_path / "f.xlsx"))


@BOUNDED
@given(table=tables, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       delimiter=st.sampled_from([",", "\t", ";"]), profile=st.sampled_from(["pilot-440300", "gdca"]))
def test_generated_csv_gives_a_report(validator, tmp_path, table, encoding, delimiter, profile):
    title, header, rows = table
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(
        [[as_text(c) for c in row] for row in [*title, header, *rows]])
    path = tmp_path / "f.csv"
    path.write_bytes(text.getvalue().encode(encoding))
    assert_a_report(check(validator, path, profile))


def workbook_cell(cell):
    """As a workbook holds it: text without the control characters XML cannot carry, numbers, formulas."""
    if isinstance(cell, str):
        return ILLEGAL_CHARACTERS_RE.sub("", cell)
    if isinstance(cell, float) and cell != cell:
        return None  # openpyxl writes NaN as text Excel refuses
    return cell


@BOUNDED
@given(table=tables, merges=st.lists(st.tuples(st.integers(1, 6), st.integers(1, 18), st.integers(0, 4)), max_size=3),
       dated=st.booleans(), sheet=st.sampled_from(["数据", "Sheet1", "Data"]))
def test_generated_workbooks_give_a_report(validator, tmp_path, table, merges, dated, sheet):
    title, header, rows = table
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in [*title, header, *rows]:
        worksheet.append([workbook_cell(c) for c in row])
    if dated:  # a period typed as an Excel date
        worksheet.cell(row=len(title) + 2, column=2, value=dt.datetime(2023, 6, 1))
    for column, row, down in merges:
        worksheet.merge_cells(start_row=row, start_column=column, end_row=row + down, end_column=column)
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    assert_a_report(check(validator, path, "gdca"))


@BOUNDED
@given(table=tables)
def test_the_readers_raise_only_their_own_errors(tmp_path, table):
    """Reading on its own: rows, table and cells, or UnreadableFile (LimitExceeded is one) — nothing else."""
    title, header, rows = table
    path = tmp_path / "f.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[as_text(c) for c in row] for row in [*title, header, *rows]])
    try:
        with read_grid(path) as grid:
            found = find_table(grid)
            if found is not None:
                frame = cells_frame(found)
                assert frame["cell_id"].tolist() == list(range(len(frame)))
    except UnreadableFile as exc:
        assert exc.message_zh and exc.message_en
        assert not isinstance(exc, LimitExceeded)  # nothing generated here is over a default limit


@settings(max_examples=5, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=500))
def test_the_command_prints_a_json_report_for_any_bytes(tmp_path, capsys, monkeypatch, data):
    """`digecon validate --json` in-process: the command's own main function, as a user runs it."""
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path / "home"))
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    code = cli.main(["validate", str(path), "--as", "pilot-440300", "--json"])
    out = capsys.readouterr().out
    assert code in (0, 1, 2)
    assert json.loads(out)["file"] == "f.csv"


@pytest.mark.slow
def test_the_cli_contract_in_a_real_process(tmp_path):
    """What escaped as a traceback (a 200 KB CSV cell) is now exit 2 with the JSON report."""
    rows = shenzhen_june()
    rows[2][5] = "x" * 200_000
    path = tmp_path / "long-cell.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "validate", str(path), "--as", "pilot-440300",
                           "--json"], capture_output=True, text=True, check=False, timeout=120,
                          env={"DIGECON_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"})
    assert (done.returncode, done.stderr) == (2, "")
    [error] = json.loads(done.stdout)["errors"]
    assert (error["rule"], error["row"], error["column"]) == ("limit_exceeded", 3, "备注")
