"""Readers: the CSV and XLSX files people really send, turned into cells to validate.

Three steps, each usable on its own:
1. `read_grid` — a file to rows of cell values, numbered as the user sees them (Excel row, text line).
   The format is told by content; CSV encodings UTF-8 (with or without BOM), UTF-16 and GB18030/GBK are
   tried in turn. A cell merged down a column holds its value on every row. Rows are read as they are
   consumed, so a large file never sits in memory whole. Anything that cannot be read raises
   `UnreadableFile` with a message in zh and en, and a file over a configured limit (`ReadLimits`: rows,
   columns, characters in a cell, bytes) raises `LimitExceeded` naming the limit and the value; either may
   come while the rows are read. A formula that Excel never calculated holds no value: the grid lists it.
2. `find_table` — finds the header below any title and blank rows (and a second header row under group
   headings), names each column's role (city, period, indicator, value …) and tells the long layout
   (one value per row) from the wide one (one column per indicator).
3. `cell_batches` — one row per reported value with the text as written, where it is (row, column as
   headed, sheet) and what it parses to, a batch of rows at a time. Not-reported cells (blank, —, -, /)
   make no row at all. `cells_frame` is all of them in one frame, for small files and tests.

A magnitude indicator's value may come with the number of units that contribute to it (n_units, 单位数:
data centres, enterprises), which disclosure control needs. In the long layout it is an optional column
headed 单位数 or n_units; in the wide layout each such indicator may have a companion column headed by
the value column's own header followed by 单位数 or n_units (`已投产标准机架数（架）单位数`,
`已投产标准机架数 单位数`, `dc_standard_racks_n_units`), anywhere in the row. A blank count is unknown,
never zero. The readers take the count as written; validation judges it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import itertools
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import SHEET_MAIN_NS

from indicators import reference
from indicators.errors import BadLimitSetting, BilingualError
from indicators.registers import match_layout
from indicators.values import (
    N_UNITS_HEADERS,
    Period,
    cell_text,
    fold,
    is_not_reported,
    name_key,
    parse_n_units,
    parse_number,
    parse_period,
    resolve_area,
    resolve_indicator,
    resolve_n_units_column,
    unit_factor,
)

SHEET_NAMES = ("数据", "data")  # a sheet with one of these names is read instead of the first sheet
HEADER_SEARCH_ROWS = 30  # title and blank rows above the header, at most
# A 统计报表's signature block under the table (单位负责人：… 填表人：… 联系电话：… 报出日期：…): the data end there.
FOOTER_LABELS = ("单位负责人", "统计负责人", "填表人", "联系电话", "报出日期")
_FOOTER_INITIALS = frozenset(label[0] for label in FOOTER_LABELS)
WORKBOOK_EXTENSIONS = {".xlsx", ".xlsm"}
TEXT_EXTENSIONS = {".csv", ".txt", ".tsv"}


class UnreadableFile(BilingualError):
    """The file cannot be read at all (missing, empty, corrupt, the wrong format)."""


class LimitExceeded(UnreadableFile):
    """A file over one of the configured limits: refused whole, before any more of it is read.
    `row` and `column` (0-based index) say where, when one cell or row is over."""

    def __init__(self, limit: str, message_zh: str, message_en: str, *, row: int | None = None,
                 column: int | None = None, value: str | None = None) -> None:
        super().__init__(message_zh, message_en)
        self.limit = limit
        self.row = row
        self.column = column
        self.value = value


@dataclass(frozen=True)
class ReadLimits:
    """How much one file may hold, how much of it is checked at a time and how much a report lists.

    Rows, columns and characters in a cell default to Excel's own limits (a sheet holds 1,048,576 rows
    and 16,384 columns, a cell 32,767 characters): any file Excel can open passes. Memory is bounded by
    `batch_cells`, whatever the file's length. `from_env` reads the overrides in ENV_VARIABLES."""

    max_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 256 * 1024 * 1024  # an XLSX is a zip: refuse one that unpacks to more
    max_rows: int = 1_048_576  # rows that are not blank, title and header included
    max_columns: int = 16_384  # up to the last cell that is not blank
    max_cell_chars: int = 32_767
    max_findings_per_rule: int = 1_000  # findings listed per rule; the rule results count all of them
    batch_cells: int = 20_000  # values checked at a time

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None, **given) -> ReadLimits:
        """The defaults, then the environment's overrides, then `given` (a caller's own setting wins)."""
        environ = os.environ if environ is None else environ
        values = {}
        for name, variable in ENV_VARIABLES.items():
            text = environ.get(variable, "").strip()
            if text:
                if not text.isdigit() or int(text) == 0:
                    raise BadLimitSetting(variable, text)
                values[name] = int(text)
        text = environ.get(MAX_FILE_MB_VARIABLE, "").strip()
        if text:
            try:
                megabytes = float(text)
            except ValueError:
                megabytes = 0.0
            if not 0 < megabytes < float("inf"):
                raise BadLimitSetting(MAX_FILE_MB_VARIABLE, text, whole=False)
            values["max_bytes"] = int(megabytes * 1024 * 1024)
        return cls(**{**values, **given})


ENV_VARIABLES = {  # ReadLimits field -> the environment variable that overrides it
    "max_rows": "DIGECON_MAX_ROWS",
    "max_columns": "DIGECON_MAX_COLUMNS",
    "max_cell_chars": "DIGECON_MAX_CELL_CHARS",
    "max_findings_per_rule": "DIGECON_MAX_FINDINGS_PER_RULE",
    "batch_cells": "DIGECON_VALIDATION_BATCH_CELLS",
}
assert set(ENV_VARIABLES) <= {f.name for f in fields(ReadLimits)}
# The largest file, in MB: the upload service's limit (`digecon serve --max-upload-mb`) is every reader's, so
# `digecon validate`, `submit` and `run` accept what the service accepts.
MAX_FILE_MB_VARIABLE = "DIGECON_MAX_UPLOAD_MB"

DEFAULT_LIMITS = ReadLimits()


@dataclass
class Formulas:
    """Formula cells met so far in the rows read. One without a calculated value (a file written by a
    program and never opened in Excel) reads as blank: the first `listed` of them are kept to report."""

    total: int = 0
    uncalculated: int = 0
    listed: list[tuple[int, int, str]] = field(default_factory=list)  # (row, 0-based column, formula)


@dataclass(frozen=True)
class TextSource:
    path: Path
    encoding: str
    delimiter: str


class Grid:
    """The rows of a file's sheet (or of a CSV), read as they are consumed: (row number as the user sees
    it, cell values), blank rows left out. Use it in a `with` block, or close it."""

    def __init__(self, sheet: str | None, rows: Iterator[tuple[int, list[object]]], formulas: Formulas,
                 resources: tuple = (), text: TextSource | None = None) -> None:
        self.sheet = sheet  # the worksheet read; None for CSV
        self.rows = rows
        self.formulas = formulas
        self.text = text  # a CSV's file, encoding and delimiter, for a reader that takes the file whole
        self._resources = resources

    def close(self) -> None:
        self.rows.close()
        for resource in self._resources:
            resource.close()

    def __enter__(self) -> Grid:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
        raise LimitExceeded("max_bytes", f"文件大小 {size / 1024 / 1024:,.1f} MB，超过上限 {mb:g} MB",
                            f"the file is {size / 1024 / 1024:,.1f} MB, larger than the {mb:g} MB limit")
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
    return _read_text(Path(path), limits)


def _within_limits(rows: Iterator[tuple[int, list[object]]], limits: ReadLimits) -> Iterator[tuple[int, list[object]]]:
    """The rows, refused at the first one over a limit: too many rows, too wide, a cell too long."""
    for count, (number, cells) in enumerate(rows, start=1):
        if count > limits.max_rows:
            raise LimitExceeded(
                "max_rows", f"文件超过 {limits.max_rows:,} 行的上限（第 {number:,} 行起超出）：请拆分为几个文件报送",
                f"the file has more than {limits.max_rows:,} rows, the limit (max_rows; row {number:,} is over it): "
                "split it into several files", row=number)
        if len(cells) > limits.max_columns:  # trailing blanks do not count: only then is the width worked out
            width = next((i for i in range(len(cells), 0, -1) if cells[i - 1] not in (None, "")), 0)
            if width > limits.max_columns:
                raise _too_wide(number, width, limits)
        if cells and _longest_text(cells) <= limits.max_cell_chars:
            yield number, cells
            continue
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > limits.max_cell_chars:
                raise LimitExceeded(
                    "max_cell_chars", f"单元格有 {len(cell):,} 个字符，超过 {limits.max_cell_chars:,} 个字符的上限",
                    f"the cell holds {len(cell):,} characters, over the limit of {limits.max_cell_chars:,} "
                    "(max_cell_chars)", row=number, column=index, value=cell[:32] + "…")
        yield number, cells


def _longest_text(cells: list[object]) -> int:
    """The length of the row's longest text: one C-level pass when every cell is text (a CSV row)."""
    try:
        return max(map(len, cells))
    except TypeError:  # a number, a date or a blank among them
        return max((len(c) for c in cells if isinstance(c, str)), default=0)


def _too_wide(number: int, width: int, limits: ReadLimits) -> LimitExceeded:
    return LimitExceeded("max_columns", f"该行有 {width:,} 列，超过 {limits.max_columns:,} 列的上限",
                         f"the row has {width:,} columns, over the limit of {limits.max_columns:,} (max_columns)",
                         row=number, column=width - 1)


# Control characters: binary data that happened to decode as text (tab, CR and LF aside).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _encoding(path: Path) -> str:
    """The first encoding that decodes the whole file without control characters, read a block at a time."""
    with open(path, "rb") as handle:
        head = handle.read(2)
    encodings = ("utf-16",) if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while True:
                    block = handle.read(1 << 20)
                    if _CONTROL.search(decoder.decode(block, final=not block)):
                        break
                    if not block:
                        return encoding
        except UnicodeDecodeError:
            continue
        break  # control characters: not text in any encoding
    raise UnreadableFile("无法识别的文件内容：既不是 Excel 工作簿，也不是 UTF-8 或 GBK 编码的文本",
                         "unrecognised content: neither an Excel workbook nor UTF-8 or GBK text")


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most rows into the same, largest number of fields."""
    def score(delimiter: str) -> tuple[int, int]:
        widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row))
        width, count = widths.most_common(1)[0] if widths else (1, 0)
        return (count, width) if width > 1 else (0, 0)
    return max([",", "\t", ";"], key=score)


def _read_text(path: Path, limits: ReadLimits) -> Grid:
    encoding = _encoding(path)
    # No field can be longer than the file: the csv module's own limit (128 KiB) would only hide where
    # a long cell is, which _within_limits names.
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_bytes))
    with open(path, encoding=encoding, newline="") as handle:
        delimiter = _delimiter(list(itertools.islice(handle, 50)))
    return Grid(None, _within_limits(_text_rows(path, encoding, delimiter), limits), Formulas(),
                text=TextSource(path, encoding, delimiter))


def _text_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[object]]]:
    line = 1  # a quoted cell may span lines: a record is numbered by the line it starts on
    any_row = False
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for record in reader:
                if (record and record[0].strip()) or any(cell.strip() for cell in record):
                    any_row = True
                    yield line, record
                line = reader.line_num + 1
        except csv.Error as exc:
            raise UnreadableFile(f"CSV 格式错误（第 {line} 行）：{exc}", f"malformed CSV at line {line}: {exc}") from exc
    if not any_row:
        raise UnreadableFile("文件为空", "the file is empty")


def _read_workbook(path: Path, limits: ReadLimits) -> Grid:
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _corrupt() from exc
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise UnreadableFile("压缩包不是 Excel 工作簿", "the zip file is not an Excel workbook")
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        mb = limits.max_unpacked_bytes / 1024 / 1024
        raise LimitExceeded("max_unpacked_bytes",
                            f"工作簿解压后有 {unpacked / 1024 / 1024:,.0f} MB，超过 {mb:g} MB 的上限，拒绝读取",
                            f"the workbook unpacks to too much data ({unpacked / 1024 / 1024:,.0f} MB, over the "
                            f"{mb:g} MB limit, max_unpacked_bytes); refused")
    # openpyxl raises many exception types for malformed parts (KeyError, XML and zip errors, …):
    # any of them means the same to the submitter.
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise _corrupt() from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise UnreadableFile("工作簿中没有工作表", "the workbook has no worksheet")
        named = [s for s in sheets if fold(s.title).casefold() in SHEET_NAMES]
        sheet = named[0] if named else sheets[0]
        formulas = Formulas()
        rows = _sheet_rows(workbook, sheet, formulas, limits)
    except BaseException:
        workbook.close()
        raise
    return Grid(sheet.title, _within_limits(rows, limits), formulas, resources=(workbook,))


def _corrupt() -> UnreadableFile:
    return UnreadableFile("工作簿已损坏，无法打开", "the workbook is corrupt and cannot be opened")


def _sheet_parser(workbook, source, shared_strings, formulas: Formulas, listed: int):
    """openpyxl's streaming sheet parser, reading cached values (what Excel shows), that also counts the
    formula cells and keeps those with no calculated value: `<f>` with an empty or missing `<v>`, unless
    the formula's result is the empty text (`t="str"`). A plain inline string (`<is><t>…</t></is>`, as
    openpyxl and pandas write every text cell) is read as its text directly: openpyxl's rich-text parse
    of it gives the same text at several times the cost; any other inline string is left to openpyxl."""
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            inline = element.find(INLINE_STRING) if element.get("t") == "inlineStr" else None
            plain = _plain_inline_text(inline)
            if plain is not None:
                element.remove(inline)  # openpyxl then reads no value, and this text is the cell's
            cell = super().parse_cell(element)
            if plain is not None:
                cell.update(value=plain, data_type="s")
            formula = element.find(FORMULA_TAG)
            if formula is not None:
                formulas.total += 1
                if not element.findtext(VALUE_TAG) and element.get("t") != "str":
                    formulas.uncalculated += 1
                    if len(formulas.listed) < listed:
                        formulas.listed.append((cell["row"], cell["column"] - 1, f"={formula.text or ''}"))
            return cell

    return Parser(source, shared_strings, data_only=True, epoch=workbook.epoch,
                  date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)


_INLINE_TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"


def _plain_inline_text(inline) -> str | None:
    """The text of an inline string that is one `<t>` and nothing else (no runs, no phonetic guide, no
    attributes), as openpyxl's Text.content gives it ("" for an empty `<t/>`); None for any other."""
    if inline is None or inline.attrib or len(inline) != 1 or inline[0].tag != _INLINE_TEXT_TAG:
        return None
    return inline[0].text or ""


def _sheet_rows(workbook, sheet, formulas: Formulas, limits: ReadLimits) -> Iterator[tuple[int, list[object]]]:
    """The sheet's rows as the user sees them: a cell merged down a column repeated on each of its rows."""
    starts: dict[int, list[tuple[int, int]]] = {}  # merged range's first row -> [(column, last row)]
    for min_col, min_row, max_col, max_row in _merged_ranges(workbook, sheet):
        if min_col == max_col:  # a range across columns is a title or a group heading: no copies
            starts.setdefault(min_row, []).append((min_col, max_row))
    filling: dict[int, tuple[object, int]] = {}  # column -> (value, last row)
    try:
        with workbook._archive.open(sheet._worksheet_path) as source:
            for number, cells in _sheet_parser(workbook, source, sheet._shared_strings, formulas,
                                                        limits.max_findings_per_rule).parse():
                # as wide as its last cell, blank or not (a merged range fills only so far), within the limit
                values: list[object] = [None] * min(max((c["column"] for c in cells), default=0), limits.max_columns)
                for cell in cells:
                    if cell["value"] is not None:
                        if cell["column"] > limits.max_columns:
                            raise _too_wide(number, cell["column"], limits)
                        values[cell["column"] - 1] = cell["value"]
                filling = {col: fill for col, fill in filling.items() if fill[1] >= number}
                for col, (value, _) in filling.items():
                    if col <= len(values):
                        values[col - 1] = value
                for col, last in starts.pop(number, ()):
                    if col <= len(values):
                        filling[col] = (values[col - 1], last)
                if any(cell_text(v) for v in values):
                    yield number, values
    except UnreadableFile:
        raise
    except Exception as exc:
        raise _corrupt() from exc


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
    "n_units": list(N_UNITS_HEADERS),  # long layout only: a wide table names the indicator (values.py)
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
    layout: str  # "long", "wide", or a registry's name (indicators.registers.REGISTRIES)
    roles: dict[str, int]  # role -> column index; a registry's: field -> column index
    role_columns: set[int] = field(default_factory=set)  # every column with a role (a second city column too)
    indicator_columns: list[IndicatorColumn] = field(default_factory=list)  # wide layout: the headed ones
    # wide layout: the columns giving an indicator's number of contributing units (`… 单位数`), by index
    n_units_columns: dict[int, str] = field(default_factory=dict)  # column index -> indicator code
    data_rows: Iterator[tuple[int, list[object]]] = field(default_factory=lambda: iter(()))  # read once
    rows_read: int = 0  # data rows consumed so far by cell_batches
    area_register: str = field(default_factory=reference.area_register_name)  # whose areas the file names

    def header(self, role: str) -> str | None:
        return self.headers[self.roles[role]] if role in self.roles else None

    @functools.cached_property
    def headed_columns(self) -> dict[int, IndicatorColumn]:
        return {column.index: column for column in self.indicator_columns}

    @functools.cached_property
    def n_units_column_of(self) -> dict[str, int]:
        """Each indicator's count column in the wide layout (the first, if two name the same indicator)."""
        found: dict[str, int] = {}
        for index, code in self.n_units_columns.items():
            found.setdefault(code, index)
        return found



def column_label(headers: list[str], index: int) -> str:
    """A column as a finding names it: its header, or its letter (D) when it has none."""
    header = headers[index] if index < len(headers) else ""
    return header or get_column_letter(index + 1)


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
    first = cells[0] if cells and cells[0] not in (None, "") else next((c for c in cells if c not in (None, "")), None)
    # most rows start with text that cannot begin a footer label: no cell_text needed
    if first.__class__ is str and first[:1] not in _FOOTER_INITIALS and not first[:1].isspace():
        return False
    return next((text for text in map(cell_text, cells) if text), "").startswith(FOOTER_LABELS)


def _above_footer(rows: Iterator[tuple[int, list[object]]]) -> Iterator[tuple[int, list[object]]]:
    """The data rows, read as they are consumed, up to the form's footer (单位负责人 … 报出日期)."""
    return itertools.takewhile(lambda row: not _is_footer(row[1]), rows)


def find_table(grid: Grid) -> Table | None:
    """The first row naming a city and a period column is the header; None if there is none. A row heading
    every field of a registry (indicators.registers) is that registry's header instead. In the wide
    layout a row naming indicators right below it is a second header row: under group headings such as
    网络基础设施 merged above them its names win; under a header that names the indicators itself it is
    a translation (the template's English row), and the header's names stay. Reads the grid's rows up to
    the header; the table's `data_rows` are the rest, read as they are consumed, up to a footer."""
    rows = iter(grid.rows)
    for number, cells in itertools.islice(rows, HEADER_SEARCH_ROWS):
        headers = [cell_text(c) for c in cells]
        registry = match_layout(headers)
        if registry is not None:  # a registry's list: its layout is its name, its roles are its fields
            data_rows = _above_footer(rows)
            below = next(data_rows, None)  # the template's row of English field codes translates the header
            if below is not None and match_layout([cell_text(c) for c in below[1]]) is None:
                data_rows = itertools.chain([below], data_rows)
            return Table(grid.sheet, number, headers, registry[0].name, registry[1], set(registry[1].values()),
                         data_rows=data_rows)
        role_of, roles = _roles(headers)
        if "city" not in roles or "period" not in roles:
            continue
        table = Table(grid.sheet, number, headers, "long", roles, set(role_of), data_rows=_above_footer(rows))
        if "indicator" in roles and "value" in roles:
            return table
        table.layout = "wide"
        # A bare 单位数 column says not whose count it is: in the wide layout it is read as an indicator
        # column (and refused as unknown); a count goes beside its value as `<indicator> 单位数`.
        role_of = {index: role for index, role in role_of.items() if role != "n_units"}
        table.roles.pop("n_units", None)
        table.role_columns = set(role_of)
        below = next(table.data_rows, None)
        if below is not None and any(resolve_indicator(c)[0] for index, c in enumerate(below[1])
                                     if index not in role_of):
            if not any(resolve_indicator(h)[0] for index, h in enumerate(headers) if index not in role_of):
                width = max(len(below[1]), len(headers))
                table.header_row = below[0]
                table.headers = [top if index in role_of else cell_text(sub) or top  # city, period … keep their role
                                 for index, (sub, top) in enumerate(zip(_padded(below[1], width),
                                                                        _padded(headers, width), strict=True))]
            # else the row translates a header that names the indicators itself: skipped, the names stay
        elif below is not None:
            table.data_rows = itertools.chain([below], table.data_rows)
        for index, header in enumerate(table.headers):
            if index in role_of or not header:
                continue
            counted = resolve_n_units_column(header)
            if counted is not None:
                table.n_units_columns[index] = counted
            else:
                table.indicator_columns.append(IndicatorColumn(index, header, *resolve_indicator(header)))
        return table
    return None


def _padded(cells: list, width: int) -> list:
    return list(cells) + [None] * (width - len(cells))


# --------------------------------------------------------------------------------------------- 3. cells

CELL_COLUMNS = [
    "cell_id", "source_row", "sheet",
    # as written, and the header of the column it was written in; in the wide layout the indicator
    # (and a unit in brackets) is written in the header, so its row is the header row
    "city_text", "city_column", "period_text", "period_column",
    "indicator_text", "indicator_column", "indicator_row",
    "value_text", "value_column", "unit_text", "unit_column", "unit_row", "note",
    # the number of contributing units as written (blank: not given), and the header of its column
    "n_units_text", "n_units_column",
    # as parsed (None/NaN where the text cannot be understood)
    "city_code", "period_start", "period_freq", "indicator_code", "indicator_freq",
    "catalogue_unit", "unit_factor", "value_in_file", "value", "min_value", "max_value",
    "magnitude",  # whether the indicator may carry a count of contributing units (catalogue.yaml)
    "n_units",  # a whole number 0 … N_UNITS_MAX, NaN where none is given or the text is not one
]
CELL_KEY = ["city_code", "period_start", "period_freq", "indicator_code"]  # what one reported value is of

# pandas holds dates from 1677 to 2262 only. A period beyond (2999-12, 0001-01) is held at the nearest of
# these, which lie outside every valid period: the period rules judge it by its text as written.
_EARLIEST_HELD, _LATEST_HELD = dt.date(1678, 1, 1), dt.date(2262, 1, 1)


def held_date(day: dt.date | None) -> dt.date | None:
    """A date as a pandas column can hold it: one before 1678 or after 2262 at the nearest of those."""
    return None if day is None else min(max(day, _EARLIEST_HELD), _LATEST_HELD)


def cell_batches(table: Table, size: int) -> Iterator[pd.DataFrame]:
    """The table's values, about `size` at a time (a row's values stay together): frames of CELL_COLUMNS,
    `cell_id` counting on across batches. The wide layout is unpivoted; values are in catalogue units."""
    records: list[dict] = []
    first_id = 0
    for number, cells in table.data_rows:
        table.rows_read += 1
        records.extend(_row_cells(table, number, cells))
        if len(records) >= size:
            yield _frame(records, first_id)
            first_id += len(records)
            records = []
    if records:
        yield _frame(records, first_id)


def cells_frame(table: Table) -> pd.DataFrame:
    """Every value of the table in one frame (a small file, a test); `cell_batches` bounds memory."""
    batches = list(cell_batches(table, 1 << 30))
    return batches[0] if batches else _frame([], 0)


def _frame(records: list[dict], first_id: int) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=CELL_COLUMNS[1:])
    frame.insert(0, "cell_id", range(first_id, first_id + len(frame)))
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    for column in ("unit_factor", "value_in_file", "value", "min_value", "max_value", "n_units"):
        frame[column] = frame[column].astype(float)
    return frame


def _row_cells(table: Table, number: int, cells: list[object]) -> list[dict]:
    """The values one data row reports: one in the long layout, one per indicator column in the wide."""
    common = _row_context(table, number, cells)
    if table.layout == "long":
        value_cell = _at(cells, table.roles["value"])
        if is_not_reported(value_cell):
            return []
        indicator_cell = _at(cells, table.roles["indicator"])
        code, bracket_unit = resolve_indicator(indicator_cell)
        n_units_index = table.roles.get("n_units")
        return [_cell(common, code=code, bracket_unit=bracket_unit, indicator_text=cell_text(indicator_cell),
                      indicator_column=table.header("indicator"), indicator_row=number, value_cell=value_cell,
                      value_column=table.header("value"), period_as_indicator=False,
                      n_units_cell=None if n_units_index is None else _at(cells, n_units_index),
                      n_units_column=table.header("n_units"))]
    values = []
    for index, value_cell in enumerate(cells):
        if index in table.role_columns or index in table.n_units_columns or is_not_reported(value_cell):
            continue
        column = _indicator_column(table, index)
        n_units_index = table.n_units_column_of.get(column.code) if column.code else None
        values.append(_cell(common, code=column.code, bracket_unit=column.unit, indicator_text=column.header,
                            indicator_column=column.label, indicator_row=table.header_row, value_cell=value_cell,
                            value_column=column.label, period_as_indicator=True,
                            n_units_cell=None if n_units_index is None else _at(cells, n_units_index),
                            n_units_column=None if n_units_index is None else column_label(table.headers, n_units_index)))
    return values


def _indicator_column(table: Table, index: int) -> IndicatorColumn:
    """A wide table's column: a headed one, or one with values but no header (named by its letter)."""
    headed = table.headed_columns.get(index)
    if headed is not None:
        return headed
    header = table.headers[index] if index < len(table.headers) else ""
    return IndicatorColumn(index, header, *resolve_indicator(header))


def _at(cells: list[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _convert(number: float | None, factor: float | None) -> float | None:
    if number is None or factor is None:
        return None
    return number if factor == 1 else round(number * factor, 6)  # 4.64 万 is 46400, not 46399.999…


def _row_context(table: Table, number: int, cells: list[object]) -> dict:
    def text(role: str) -> str | None:
        return cell_text(_at(cells, table.roles[role])) if role in table.roles else None
    return {
        "source_row": number, "sheet": table.sheet,
        "city_text": text("city"), "city_column": table.header("city"),
        "period_text": text("period"), "period_column": table.header("period"),
        "unit_text": text("unit") or None, "unit_column": table.header("unit"),
        "note": text("note") or None,
        "city_code": resolve_area(_at(cells, table.roles["city"]), table.area_register),
        "period": parse_period(_at(cells, table.roles["period"])),
    }


def _cell(common: dict, *, code: str | None, bracket_unit: str | None, indicator_text: str,
          indicator_column: str, indicator_row: int, value_cell: object, value_column: str,
          period_as_indicator: bool, n_units_cell: object, n_units_column: str | None) -> dict:
    """One value, in catalogue units."""
    described = _described(code, bracket_unit, common["unit_text"], common["period"], period_as_indicator)
    in_file = parse_number(value_cell)
    # A blank (or —) count is unknown, never zero: no text, no number.
    n_units_text = "" if is_not_reported(n_units_cell) else cell_text(n_units_cell)
    record = {key: value for key, value in common.items() if key != "period"}
    unit_in_column = bool(common["unit_text"])
    record.update(
        described,
        indicator_text=indicator_text, indicator_column=indicator_column, indicator_row=indicator_row,
        value_text=cell_text(value_cell), value_column=value_column,
        unit_column=common["unit_column"] if unit_in_column else indicator_column,
        unit_row=common["source_row"] if unit_in_column else indicator_row,
        value_in_file=in_file, value=_convert(in_file, described["unit_factor"]),
        n_units_text=n_units_text, n_units_column=n_units_column,
        n_units=parse_n_units(n_units_cell) if n_units_text else None,
    )
    return record


@functools.lru_cache(maxsize=4096)
def _described(code: str | None, bracket_unit: str | None, unit_text: str | None, period: Period | None,
               period_as_indicator: bool) -> dict:
    """What a value's indicator, unit and period make of it, the same for every row that writes them
    alike (so worked out once per file, not per row). In the wide layout a row's month also carries the
    quarter or year it closes (2023-06 holds 2023-Q2's quarterly and, in December, the year's annual
    values); in the long layout each period must be written at its indicator's frequency."""
    indicator = reference.catalogue().get(code) if code else None
    if indicator is not None and period is not None and period_as_indicator:
        period = period.as_freq(indicator.freq) or period
    declared = [u for u in (bracket_unit, unit_text) if u]
    if len({fold(u) for u in declared}) > 1:
        factor = None  # header and unit column disagree: the unit is unclear
    else:
        factor = unit_factor(declared[0] if declared else None, indicator.unit) if indicator else 1.0
    return dict(
        unit_text=" / ".join(declared) or None,
        period_start=held_date(period.start) if period else None,
        period_freq=period.freq if period else None,
        indicator_code=code, indicator_freq=indicator.freq if indicator else None,
        catalogue_unit=indicator.unit if indicator else None, unit_factor=factor,
        min_value=indicator.min_value if indicator else None,
        max_value=indicator.max_value if indicator else None,
        magnitude=indicator.magnitude if indicator else None,
    )
