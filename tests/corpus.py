"""Realistic submission files, built in a test's temporary folder, and a served history to check against.

`LONG_HEADER` rows are what a pilot team or an agency writes in the long layout; `write_file` writes
the same rows as UTF-8 CSV, GB18030 CSV or an XLSX with a merged title and a blank row above the
header, so one case runs in every format. `HEADER_ROW` says where the header lands in each format, so
a test can name the row a user sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import openpyxl
import pytest

REFERENCE_DATE = dt.date(2024, 1, 10)
LONG_HEADER = ["城市", "期间", "指标", "数值", "单位", "备注"]
FORMATS = ["utf8.csv", "gb18030.csv", "titled.xlsx"]
HEADER_ROW = {"utf8.csv": 1, "gb18030.csv": 1, "titled.xlsx": 3}  # title, blank row, then the header


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes(rows, encoding))
    return path


def write_xlsx(path: Path, rows: list[list], *, title: str | None = None, sheet: str = "Sheet1",
               sheets_before: tuple[str, ...] = ()) -> Path:
    """A workbook as people make them: optional sheets before the data sheet, and a merged title row
    and a blank row above the header."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = sheets_before[0] if sheets_before else sheet
    for name in sheets_before[1:]:
        workbook.create_sheet(name)
    data = workbook.create_sheet(sheet) if sheets_before else first
    if sheets_before:
        first.append(["填报说明：请在“数据”表中填写"])
    if title:
        data.append([title])
        data.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(r) for r in rows))
        data.append([])
    for row in rows:
        data.append(row)
    workbook.save(path)
    return path


def write_file(folder: Path, fmt: str, rows: list[list], stem: str = "submission") -> Path:
    """The same table in one of FORMATS."""
    path = folder / f"{stem}.{fmt.rsplit('.', 1)[1]}"
    if fmt == "utf8.csv":
        return write_csv(path, rows, "utf-8-sig")
    if fmt == "gb18030.csv":
        return write_csv(path, rows, "gb18030")
    return write_xlsx(path, rows, title="2023年6月 数字经济监测数据报送表", sheet="数据")


def data_row(fmt: str, index: int) -> int:
    """The row a user sees for the index-th data row (0-based) of a file written by write_file."""
    return HEADER_ROW[fmt] + 1 + index


def shenzhen_june() -> list[list]:
    """A clean long-layout file from the Shenzhen pilot for 2023-06 (and Q2): 8 values."""
    return [
        LONG_HEADER,
        ["深圳市", "2023-06", "5G基站数", "52,310", "个", ""],
        ["深圳市", "2023-06", "pon_ports_total", "812000", "个", ""],
        ["深圳市", "2023-06", "pon_ports_10g", "401500", "个", ""],
        ["深圳市", "2023-06", "Fixed broadband subscribers", "6350000", "户", ""],
        ["深圳市", "2023-06", "500Mbps及以上用户数", "2100000", "户", "含1000M"],
        ["深圳市", "2023Q2", "households_total", "6120000", "户", ""],
        ["深圳市", "2023Q2", "千兆光纤网络覆盖家庭户数", "5800000", "户", ""],
        ["深圳市", "2023-06", "iiot_identifier_registrations", "1530000000", "个", ""],
    ]


@pytest.fixture(scope="session")
def validator():
    """One Validator per test session: its suites are compiled once."""
    from indicators.validation import Validator

    return Validator()


def served_history(path: Path, rows: list[tuple[str, dt.date, str, str, float]], source: str = "gdca",
                   submission_id: int = 1) -> Path:
    """A serving DB holding mart.observations for (city, period, freq, indicator, value) rows from one source
    and submission, and an empty mart.discrepancies: the columns indicators/served.py reads."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE SCHEMA mart")
        connection.execute("""
            CREATE TABLE mart.observations (area_code VARCHAR, area_level VARCHAR, period DATE, freq VARCHAR,
                                            indicator_code VARCHAR, value DOUBLE, unit VARCHAR, source_profile VARCHAR,
                                            submission_id INTEGER)""")
        connection.execute("""
            CREATE TABLE mart.discrepancies (area_code VARCHAR, period DATE, freq VARCHAR, indicator_code VARCHAR,
                                             pilot VARCHAR, pilot_value DOUBLE, pilot_submission_id INTEGER)""")
        connection.executemany(
            "INSERT INTO mart.observations VALUES (?, 'city', ?, ?, ?, ?, NULL, ?, ?)",
            [[*row, source, submission_id] for row in rows])
    return path


def history_of(path: Path | None, profile: str = "pilot-440300"):
    """What the validator is handed: the serving DB's values in the profile's scope (None: not at hand)."""
    from indicators.reference import profiles
    from indicators.served import read_served

    return None if path is None else read_served(path, profiles()[profile])
