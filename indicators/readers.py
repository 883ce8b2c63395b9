"""Readers: the CSV and XLSX files people really send, turned into one frame of cells to validate.

Three steps, each usable on its own:
1. `read_grid` — bytes to rows of cell values, numbered as the user sees them (Excel row, text line).
   The format is told by content; CSV encodings UTF-8 (with or without BOM), UTF-16 and GB18030/GBK are
   tried in turn. A cell merged down a column holds its value on every row. Anything that cannot be read
   raises `UnreadableFile` with a message in zh and en.
2. `find_table` — finds the header below any title and blank rows (and a second header row under group
   headings), names each column's role (city, period, indicator, value …) and tells the long layout
   (one value per row) from the wide one (one column per indicator).
3. `cells_frame` — one row per reported value with the text as written, where it is (row, column as
   headed, sheet) and what it parses to. Not-reported cells (blank, —, -, /) make no row at all.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from indicators import reference
from indicators.errors import BilingualError
from indicators.values import (
    cell_text,
    fold,
    is_not_reported,
    name_key,
    parse_number,
    parse_period,
    resolve_area,
    resolve_indicator,
    unit_factor,
)

SHEET_NAMES = ("数据", "data")  # a sheet with one of these names is read instead of the first sheet
HEADER_SEARCH_ROWS = 30  # title and blank rows above the header, at most
# A 统计报表's signature block under the table (单位负责人：… 填表人：… 联系电话：… 报出日期：…): the data end there.
FOOTER_LABELS = ("单位负责人", "统计负责人", "填表人", "联系电话", "报出日期")
WORKBOOK_EXTENSIONS = {".xlsx", ".xlsm"}
TEXT_EXTENSIONS = {".csv", ".txt", ".tsv"}


class UnreadableFile(BilingualError):
    """The file cannot be read at all (missing, empty, corrupt, the wrong format)."""


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 256 * 1024 * 1024  # an XLSX is a zip: refuse one that unpacks to more


DEFAULT_LIMITS = ReadLimits()


@dataclass
class Grid:
    sheet: str | None  # the worksheet read; None for CSV
    rows: list[tuple[int, list[object]]]  # (row number as the user sees it, cell values); blank rows left out


# ---------------------------------------------------------------------------------------------- 1. grid

def read_grid(path: Path, *, name: str | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> Grid:
    """The rows of a CSV or XLSX file. `name` is the file name the user gave (its extension must agree
    with the content); the stored file itself may have none."""
    extension = Path(name or path.name).suffix.casefold()
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(8)
    except FileNotFoundError as exc:
        raise UnreadableFile("文件不存在", "the file does not exist") from exc
    except IsADirectoryError as exc:
        raise UnreadableFile("这是一个文件夹，不是文件", "it is a folder, not a file") from exc
    except OSError as exc:
        raise UnreadableFile(f"文件无法打开（{exc.strerror}）", f"the file cannot be opened ({exc.strerror})") from exc
    if size == 0:
        raise UnreadableFile("文件为空", "the file is empty")
    if size > limits.max_bytes:
        mb = limits.max_bytes / 1024 / 1024
        raise UnreadableFile(f"文件超过大小上限 {mb:g} MB", f"the file is larger than the {mb:g} MB limit")
    if head.startswith(b"PK\x03\x04"):
        if extension in TEXT_EXTENSIONS:
            raise UnreadableFile(f"文件名为 {extension}，内容却是压缩包/工作簿",
                                 f"the file is named {extension} but holds a zip/workbook")
        return _read_workbook(path, limits)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: a password-protected workbook or a legacy .xls
        data = Path(path).read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise UnreadableFile("工作簿有密码保护，请去掉密码后重新报送",
                                 "the workbook is password-protected; remove the password and send it again")
        raise UnreadableFile("不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV",
                             "the old .xls format is not supported; save as .xlsx or CSV")
    if extension in WORKBOOK_EXTENSIONS:
        raise UnreadableFile(f"文件名为 {extension}，内容却不是 Excel 工作簿（是否为改名的 CSV？）",
                             f"the file is named {extension} but is not an Excel workbook (a renamed CSV?)")
    return _read_text(Path(path).read_bytes())


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
            break  # control characters: binary data that happened to decode
        return text
    raise UnreadableFile("无法识别的文件内容：既不是 Excel 工作簿，也不是 UTF-8 或 GBK 编码的文本",
                         "unrecognised content: neither an Excel workbook nor UTF-8 or GBK text")


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most rows into the same, largest number of fields."""
    def score(delimiter: str) -> tuple[int, int]:
        widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row))
        width, count = widths.most_common(1)[0] if widths else (1, 0)
        return (count, width) if width > 1 else (0, 0)
    return max([",", "\t", ";"], key=score)


def _read_text(data: bytes) -> Grid:
    text = _decode(data)
    if not text.strip():
        raise UnreadableFile("文件为空", "the file is empty")
    delimiter = _delimiter(text.splitlines()[:50])
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1  # a quoted cell may span lines: a record is numbered by the line it starts on
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append((line, list(record)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(f"CSV 格式错误（第 {line} 行）：{exc}", f"malformed CSV at line {line}: {exc}") from exc
    return Grid(sheet=None, rows=rows)


def _read_workbook(path: Path, limits: ReadLimits) -> Grid:
    import openpyxl

    corrupt = UnreadableFile("工作簿已损坏，无法打开", "the workbook is corrupt and cannot be opened")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise corrupt from exc
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise UnreadableFile("压缩包不是 Excel 工作簿", "the zip file is not an Excel workbook")
    if sum(m.file_size for m in members) > limits.max_unpacked_bytes:
        raise UnreadableFile("工作簿解压后过大，拒绝读取", "the workbook unpacks to too much data; refused")
    # openpyxl raises many exception types for malformed parts (KeyError, XML and zip errors, …):
    # any of them means the same to the submitter.
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise corrupt from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise UnreadableFile("工作簿中没有工作表", "the workbook has no worksheet")
        named = [s for s in sheets if fold(s.title).casefold() in SHEET_NAMES]
        sheet = named[0] if named else sheets[0]
        sheet.reset_dimensions()  # exporters often write a wrong <dimension>; read every row there is
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        _fill_merged(values, _merged_ranges(workbook, sheet))
        rows = [(number, row) for number, row in enumerate(values, start=1) if any(cell_text(v) for v in row)]
        return Grid(sheet=sheet.title, rows=rows)
    except UnreadableFile:
        raise
    except Exception as exc:
        raise corrupt from exc
    finally:
        workbook.close()


# A merged range in a sheet's XML. A cell's text never holds a raw "<", so a byte scan cannot be fooled,
# and it takes a tenth of the time of an XML parse of the whole sheet.
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(workbook, sheet) -> set[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (min_col, min_row, max_col, max_row). A read-only worksheet does not
    parse them, so they are read from the sheet's XML (`<mergeCell ref="A5:A9"/>`)."""
    from openpyxl.utils.cell import range_boundaries

    refs, tail = set(), b""
    with workbook._archive.open(sheet._worksheet_path) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            refs.update(_MERGE_CELL.findall(data))
            tail = data[-200:]  # a tag cut by the chunk boundary is whole in the next search
    return {range_boundaries(ref.decode()) for ref in refs}


def _fill_merged(values: list[list[object]], ranges: set[tuple[int, int, int, int]]) -> None:
    """A cell merged down a column shows its value on every row, as the user sees it: a city or a period
    merged over the rows it heads. A range across columns is left alone: a title or a group heading
    needs no copies, and a number spread over two indicator columns belongs to one of them, not both.
    Ranges are clipped to the rows the sheet holds."""
    for min_col, min_row, max_col, max_row in ranges:
        if min_col != max_col or min_row > len(values) or min_col > len(values[min_row - 1]):
            continue
        value = values[min_row - 1][min_col - 1]
        for row in values[min_row:max_row]:
            if min_col <= len(row):
                row[min_col - 1] = value


# --------------------------------------------------------------------------------------------- 2. table

ROLE_HEADERS = {  # a column's role, by its header (compared folded, case-blind, spaces ignored)
    "city": ["城市", "城市代码", "城市名称", "地市", "地市名称", "所属地市", "地区", "城市/地区", "行政区划",
             "行政区划代码", "city", "city_code", "city_name", "area", "area_code"],
    "period": ["期间", "时期", "报告期", "统计期", "统计期间", "统计时间", "统计月份", "时间", "年月", "月份", "季度",
               "年份", "period", "time_period", "month"],
    "indicator": ["指标", "指标代码", "指标名称", "indicator", "indicator_code", "indicator_name"],
    "value": ["数值", "值", "数据", "指标值", "本期数", "本期值", "value", "obs_value"],
    "unit": ["单位", "计量单位", "unit"],
    "status": ["状态", "数据状态", "status", "obs_status"],
    "note": ["备注", "说明", "note", "notes", "comment"],
    "row_number": ["序号", "行号", "no", "no.", "#"],
}


_ROLE_BY_HEADER = {name_key(h): role for role, headers in ROLE_HEADERS.items() for h in headers}


@dataclass(frozen=True)
class IndicatorColumn:
    index: int
    header: str
    code: str | None  # None: the header is not an indicator in the catalogue
    unit: str | None  # unit written in brackets in the header

    @property
    def label(self) -> str:
        """The header as written; a column with values but no header is named by its letter (D)."""
        return self.header or get_column_letter(self.index + 1)


@dataclass
class Table:
    sheet: str | None
    header_row: int
    headers: list[str]  # as written in the file
    layout: str  # "long" or "wide"
    roles: dict[str, int]  # role -> column index
    indicator_columns: list[IndicatorColumn] = field(default_factory=list)  # wide layout only
    data_rows: list[tuple[int, list[object]]] = field(default_factory=list)

    def header(self, role: str) -> str | None:
        return self.headers[self.roles[role]] if role in self.roles else None


def _roles(headers: list[str]) -> tuple[dict[int, str], dict[str, int]]:
    """Each column's role by its header, and each role's column (the first of two city columns, code
    and name, is read)."""
    role_of = {index: _ROLE_BY_HEADER[key] for index, key in enumerate(map(name_key, headers))
               if key in _ROLE_BY_HEADER}
    roles: dict[str, int] = {}
    for index, role in role_of.items():
        roles.setdefault(role, index)
    return role_of, roles


def _is_footer(cells: list[object]) -> bool:
    """A row whose first filled cell is a 统计报表 footer label (单位负责人：…)."""
    return next((text for text in map(cell_text, cells) if text), "").startswith(FOOTER_LABELS)


def _above_footer(rows: list[tuple[int, list[object]]]) -> list[tuple[int, list[object]]]:
    footer = next((position for position, (_, cells) in enumerate(rows) if _is_footer(cells)), len(rows))
    return rows[:footer]


def find_table(grid: Grid) -> Table | None:
    """The first row naming a city and a period column is the header; None if there is none. In the wide
    layout a row naming indicators right below it is a second header row: under group headings such as
    网络基础设施 merged above them its names win; under a header that names the indicators itself it is
    a translation (the template's English row), and the header's names stay. The data ends at a footer."""
    width = max((len(row) for _, row in grid.rows), default=0)
    rows = [(number, cells + [None] * (width - len(cells))) for number, cells in grid.rows]
    for position, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [cell_text(c) for c in cells]
        role_of, roles = _roles(headers)
        if "city" not in roles or "period" not in roles:
            continue
        table = Table(grid.sheet, number, headers, "long", roles, data_rows=_above_footer(rows[position + 1:]))
        if "indicator" in roles and "value" in roles:
            return table
        table.layout = "wide"
        below = table.data_rows[0][1] if table.data_rows else []
        if any(resolve_indicator(c)[0] for index, c in enumerate(below) if index not in role_of):
            if not any(resolve_indicator(h)[0] for index, h in enumerate(headers) if index not in role_of):
                table.header_row = table.data_rows[0][0]
                table.headers = [cell_text(sub) or top for sub, top in zip(below, headers, strict=True)]
                role_of, table.roles = _roles(table.headers)
            table.data_rows = table.data_rows[1:]
        table.indicator_columns = [
            IndicatorColumn(index, header, *resolve_indicator(header))
            for index, header in enumerate(table.headers)
            if index not in role_of and (header or any(cell_text(r[index]) for _, r in table.data_rows))
        ]
        return table
    return None


# --------------------------------------------------------------------------------------------- 3. cells

CELL_COLUMNS = [
    "cell_id", "source_row", "sheet",
    # as written, and the header of the column it was written in; in the wide layout the indicator
    # (and a unit in brackets) is written in the header, so its row is the header row
    "city_text", "city_column", "period_text", "period_column",
    "indicator_text", "indicator_column", "indicator_row",
    "value_text", "value_column", "unit_text", "unit_column", "unit_row", "note",
    # as parsed (None/NaN where the text cannot be understood)
    "city_code", "period_start", "period_freq", "indicator_code", "indicator_freq",
    "catalogue_unit", "unit_factor", "value_in_file", "value", "min_value", "max_value",
]
CELL_KEY = ["city_code", "period_start", "period_freq", "indicator_code"]  # what one reported value is of


def cells_frame(table: Table) -> pd.DataFrame:
    """One row per reported value; the wide layout is unpivoted. Values are in catalogue units."""
    records = []
    for number, cells in table.data_rows:
        common = _row_context(table, number, cells)
        if table.layout == "long":
            value_cell = cells[table.roles["value"]]
            if is_not_reported(value_cell):
                continue
            indicator_cell = cells[table.roles["indicator"]]
            code, bracket_unit = resolve_indicator(indicator_cell)
            records.append(_cell(common, code=code, bracket_unit=bracket_unit,
                                 indicator_text=cell_text(indicator_cell), indicator_column=table.header("indicator"),
                                 indicator_row=number, value_cell=value_cell, value_column=table.header("value"),
                                 period_as_indicator=False))
        else:
            for column in table.indicator_columns:
                value_cell = cells[column.index]
                if is_not_reported(value_cell):
                    continue
                records.append(_cell(common, code=column.code, bracket_unit=column.unit,
                                     indicator_text=column.header, indicator_column=column.label,
                                     indicator_row=table.header_row, value_cell=value_cell,
                                     value_column=column.label, period_as_indicator=True))
    frame = pd.DataFrame.from_records(records, columns=CELL_COLUMNS[1:])
    frame.insert(0, "cell_id", range(len(frame)))
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    for column in ("unit_factor", "value_in_file", "value", "min_value", "max_value"):
        frame[column] = frame[column].astype(float)
    return frame


def _convert(number: float | None, factor: float | None) -> float | None:
    if number is None or factor is None:
        return None
    return number if factor == 1 else round(number * factor, 6)  # 4.64 万 is 46400, not 46399.999…


def _row_context(table: Table, number: int, cells: list[object]) -> dict:
    def text(role: str) -> str | None:
        return cell_text(cells[table.roles[role]]) if role in table.roles else None
    return {
        "source_row": number, "sheet": table.sheet,
        "city_text": text("city"), "city_column": table.header("city"),
        "period_text": text("period"), "period_column": table.header("period"),
        "unit_text": text("unit") or None, "unit_column": table.header("unit"),
        "note": text("note") or None,
        "city_code": resolve_area(cells[table.roles["city"]]),
        "period": parse_period(cells[table.roles["period"]]),
    }


def _cell(common: dict, *, code: str | None, bracket_unit: str | None, indicator_text: str,
          indicator_column: str, indicator_row: int, value_cell: object, value_column: str,
          period_as_indicator: bool) -> dict:
    """One value. In the wide layout a row's month also carries the quarter or year it closes (2023-06
    holds 2023Q2's quarterly and, in December, the year's annual values); in the long layout each
    period must be written at its indicator's frequency."""
    indicator = reference.catalogue().get(code) if code else None
    period = common["period"]
    if indicator is not None and period is not None and period_as_indicator:
        period = period.as_freq(indicator.freq) or period
    declared = [u for u in (bracket_unit, common["unit_text"]) if u]
    if len({fold(u) for u in declared}) > 1:
        factor = None  # header and unit column disagree: the unit is unclear
    else:
        factor = unit_factor(declared[0] if declared else None, indicator.unit) if indicator else 1.0
    in_file = parse_number(value_cell)
    record = {key: value for key, value in common.items() if key != "period"}
    unit_in_column = bool(common["unit_text"])
    record.update(
        indicator_text=indicator_text, indicator_column=indicator_column, indicator_row=indicator_row,
        value_text=cell_text(value_cell), value_column=value_column,
        unit_text=" / ".join(declared) or None,
        unit_column=common["unit_column"] if unit_in_column else indicator_column,
        unit_row=common["source_row"] if unit_in_column else indicator_row,
        period_start=period.start if period else None, period_freq=period.freq if period else None,
        indicator_code=code, indicator_freq=indicator.freq if indicator else None,
        catalogue_unit=indicator.unit if indicator else None, unit_factor=factor, value_in_file=in_file,
        value=_convert(in_file, factor),
        min_value=indicator.min_value if indicator else None,
        max_value=indicator.max_value if indicator else None,
    )
    return record
