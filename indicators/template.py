"""The Excel template a submitter fills in, made for one profile.

Wide layout (the readers unpivot it): one row per city and period, one column per indicator the profile
submits. The header row is Chinese with the unit in brackets (`5G基站数（个）`), which the readers match
against the catalogue; the row above it says the same in English, with how often the indicator is
reported. It sits above the header so that the readers skip it like a title row. City and period have
dropdowns; a second sheet explains how to fill the template in and lists the indicators.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators import reference
from indicators.clock import today_shanghai
from indicators.reference import FREQ_NAMES, Indicator, Profile

DATA_SHEET = "数据"  # the readers take a sheet of this name before any other
INSTRUCTIONS_SHEET = "填报说明 Instructions"
LISTS_SHEET = "lists"  # hidden: the dropdowns' choices
TITLE_ROW, ENGLISH_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
DROPDOWN_ROWS = 2000  # data rows that get the city and period dropdowns
CITY_COLUMN, PERIOD_COLUMN = 1, 2
FIRST_INDICATOR_COLUMN = 3

# Where a coarser indicator goes in a finer template: the row of the period that closes it.
CLOSING_ROWS = {
    ("M", "Q"): ("3、6、9、12月", "Mar, Jun, Sep, Dec"),
    ("M", "A"): ("12月", "December"),
    ("Q", "A"): ("第四季度", "Q4"),
}
PERIOD_EXAMPLES = {"M": "2023-06", "Q": "2023-Q2", "A": "2023"}

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
GUIDE_FONT = Font(italic=True, color="595959", size=9)


def template_indicators(profile: Profile) -> list[Indicator]:
    """The profile's indicators in catalogue order."""
    return [i for i in reference.base_indicators() if profile.may_submit(i.code)]


def template_freq(profile: Profile) -> str:
    """The period of a row: the finest frequency among the profile's indicators."""
    freqs = {i.freq for i in template_indicators(profile)}
    return min(freqs, key=lambda f: reference.FREQ_MONTHS[f])


def template_periods(freq: str, today: dt.date) -> list[str]:
    """Every period from the earliest accepted up to the one running on `today`, newest first."""
    months = reference.FREQ_MONTHS[freq]
    first = reference.calendar().earliest_valid_period
    periods = []
    start = first
    while start <= today:
        periods.append(reference.period_label(start, freq))
        start = reference.add_months(start, months)
    return periods[::-1]


def header_text(indicator: Indicator) -> str:
    return f"{indicator.name_zh}（{indicator.unit}）"


def guide_text(indicator: Indicator, row_freq: str) -> str:
    zh, en = FREQ_NAMES[indicator.freq]
    if indicator.freq != row_freq:
        rows_zh, rows_en = CLOSING_ROWS[(row_freq, indicator.freq)]
        zh, en = f"{zh}，填在{rows_zh}行", f"{en}: fill in the {rows_en} row"
    return f"{indicator.name_en} ({indicator.unit})\n{zh} / {en}\n{indicator.code}"


def build_template(profile_id: str, today: dt.date | None = None) -> bytes:
    """The filled-in-nothing template for a profile, as XLSX bytes. `today` decides the latest period."""
    profile = reference.profiles()[profile_id]
    today = today or today_shanghai()
    indicators = template_indicators(profile)
    row_freq = template_freq(profile)
    cities = [c for c in reference.cities() if profile.covers_city(c.code)]
    periods = template_periods(row_freq, today)

    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    _write_data_sheet(data, profile, indicators, row_freq)
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    _write_dropdowns(data, lists, cities, periods)
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), profile, indicators, row_freq, cities)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_data_sheet(sheet, profile: Profile, indicators: list[Indicator], row_freq: str) -> None:
    last_column = FIRST_INDICATOR_COLUMN + len(indicators)  # the note column
    sheet.cell(TITLE_ROW, 1, f"{profile.name_zh} 数字经济统计监测数据报送表 / "
                             f"Digital-economy monitoring submission: {profile.name_en} ({profile.profile_id})")
    sheet.cell(TITLE_ROW, 1).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last_column)

    # Guide texts must not read as role headers (城市, City …): only the header row may name the columns.
    guides = ["City: pick from the list\n从列表选择城市",
              f"Period: pick or type {PERIOD_EXAMPLES[row_freq]}\n选择或填写期间",
              *(guide_text(i, row_freq) for i in indicators), "Note (optional)\n可选"]
    headers = ["城市", "期间", *(header_text(i) for i in indicators), "备注"]
    for column, (guide, header) in enumerate(zip(guides, headers, strict=True), start=1):
        guide_cell = sheet.cell(ENGLISH_ROW, column, guide)
        guide_cell.font = GUIDE_FONT
        guide_cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_cell = sheet.cell(HEADER_ROW, column, header)
        header_cell.font = Font(bold=True)
        header_cell.fill = HEADER_FILL
        header_cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = 12 if column <= PERIOD_COLUMN else 22
    sheet.row_dimensions[ENGLISH_ROW].height = 62
    sheet.row_dimensions[HEADER_ROW].height = 45
    # Periods stay text: Excel would turn a typed 2023-06 into a date.
    sheet.column_dimensions[get_column_letter(PERIOD_COLUMN)].number_format = "@"
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, FIRST_INDICATOR_COLUMN)


def _write_dropdowns(data, lists, cities: list[reference.City], periods: list[str]) -> None:
    lists.cell(1, 1, "城市 City")
    lists.cell(1, 2, "期间 Period")
    for row, city in enumerate(cities, start=2):
        lists.cell(row, 1, city.name_zh)
    for row, period in enumerate(periods, start=2):
        lists.cell(row, 2, period).number_format = "@"
    last_data_row = FIRST_DATA_ROW + DROPDOWN_ROWS - 1
    choices = {
        CITY_COLUMN: (f"'{LISTS_SHEET}'!$A$2:$A${len(cities) + 1}", "stop",
                      "城市 City", "请从列表中选择城市。Pick a city from the list."),
        # A period newer than the template is still accepted when typed: warn, do not stop.
        PERIOD_COLUMN: (f"'{LISTS_SHEET}'!$B$2:$B${len(periods) + 1}", "warning",
                        "期间 Period", ("请从列表中选择期间，或按 2023-06 格式填写。"
                                        "Pick a period from the list or type it as 2023-06.")),
    }
    for column, (source, style, title, message) in choices.items():
        validation = DataValidation(type="list", formula1=source, allow_blank=True, errorStyle=style,
                                    showErrorMessage=True, showInputMessage=True,
                                    errorTitle=title, error=message, promptTitle=title, prompt=message)
        letter = get_column_letter(column)
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_data_row}")
        data.add_data_validation(validation)


def _write_instructions(sheet, profile: Profile, indicators: list[Indicator], row_freq: str,
                        cities: list[reference.City]) -> None:
    freq_zh, freq_en = FREQ_NAMES[row_freq]
    example = PERIOD_EXAMPLES[row_freq]
    scope_zh = "、".join(c.name_zh for c in cities) if len(cities) < 21 else "全省21个地级市"
    scope_en = ", ".join(c.name_en for c in cities) if len(cities) < 21 else "all 21 prefecture-level cities"
    steps = [
        (f"在“{DATA_SHEET}”工作表中，每行填写一个城市、一个{freq_zh}期间；每列是一个指标。",
         f"On the sheet “{DATA_SHEET}”, fill one row per city and {freq_en} period; each column is one indicator."),
        (f"城市从下拉列表中选择（可报送：{scope_zh}）。", f"Pick the city from the dropdown (you may submit: {scope_en})."),
        (f"期间从下拉列表中选择，或按 {example} 的格式填写。", f"Pick the period from the dropdown, or type it as {example}."),
        ("按表头括号中的单位填写数值；不要修改第3行表头。没有数据的格子留空：空白表示未报送，不是零。",
         ("Write values in the unit in the header's brackets and leave the header (row 3) as it is. Leave a "
          "cell blank when there is no figure: blank means not reported, never zero.")),
        ("不要填写全省（440000）数据或比率类指标：它们由系统汇总计算。",
         "Do not fill in the province (440000) or rates: the system computes them."),
        ("更正数据时，修改后重新上传整份文件：新文件作为新版本，覆盖所含单元格，旧版本仍可查询。",
         ("To correct a figure, fix the file and upload it again: it becomes a new vintage that replaces "
          "the cells it carries; the old vintage stays on record.")),
        ("上传：打开报送网页，粘贴令牌，选择本文件并上传；系统立即返回检查报告，指出工作表、行和列。",
         ("Upload: open the upload page, paste your token, choose this file and upload it; the report comes "
          "back at once and points at sheet, row and column.")),
    ]
    coarser = sorted({i.freq for i in indicators} - {row_freq}, key=reference.FREQ_MONTHS.get)
    if coarser:  # where quarterly and annual figures go in a monthly template
        steps.insert(3, (
            "；".join(f"{FREQ_NAMES[f][0]}指标填在{CLOSING_ROWS[(row_freq, f)][0]}的行" for f in coarser) + "（见第2行）。",
            "Put " + "; ".join(f"{FREQ_NAMES[f][1]} indicators in the {CLOSING_ROWS[(row_freq, f)][1]} row"
                               for f in coarser) + " (row 2 says which)."))
    lines = [(f"{profile.name_zh} 数据报送模板", f"Submission template: {profile.name_en} ({profile.profile_id})"),
             ("", ""),
             *((f"{n}. {zh}", f"{n}. {en}") for n, (zh, en) in enumerate(steps, start=1))]
    for row, (zh, en) in enumerate(lines, start=1):
        sheet.cell(row, 1, zh)
        sheet.cell(row, 2, en)
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    table_row = len(lines) + 2  # a blank row, then the indicator table
    for column, title in enumerate(["代码 Code", "中文名称", "English name", "单位 Unit", "频率 Frequency",
                                    "类型 Kind"], start=1):
        cell = sheet.cell(table_row, column, title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row, indicator in enumerate(indicators, start=table_row + 1):
        freq_zh, freq_en = FREQ_NAMES[indicator.freq]
        for column, value in enumerate([indicator.code, indicator.name_zh, indicator.name_en, indicator.unit,
                                        f"{freq_zh} {freq_en}", indicator.kind], start=1):
            sheet.cell(row, column, value)
    for column, width in enumerate([34, 60, 60, 10, 16, 8], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
