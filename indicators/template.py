"""The Excel template a submitter fills in, made for one profile: a 统计报表 as a clerk expects it.

Sheet 数据, from the top:
- the title, and the form block: 填报单位 on the left; 表号, 制定机关 and 有效期至 on the right (form.yaml);
- a guide row: how often each column is reported and where a coarser figure goes, Chinese first;
- the header: Chinese names with the unit in brackets (`5G基站数（个）`), which the readers match against the
  catalogue, and right below it the same in English, which the readers take as its translation;
- the data rows. A one-city pilot's rows are prefilled with the city and every period from the
  calendar's first period to the last one ended before the reference date; a cell that takes no value
  in its row (a quarterly figure in a January row) is grey and locked. An agency gets blank rows, enough
  for every city and period, with dropdowns for city and period;
- the footer (单位负责人 / 填表人 / 联系电话 / 报出日期), where the readers stop reading data.

A magnitude indicator (racks, data-centre energy, computing power, value added) has a second column right
after its value: `已投产标准机架数 单位数`, the number of units (data centres, enterprises) behind the value,
which disclosure control needs; the readers take it as that value's count (readers.py).

The sheet is protected without a password: only the data cells and the footer's blanks are unlocked,
and a value must be a number within the catalogue's bounds (min … max), whole for a count unit (个, 户 …),
decimals allowed otherwise (MWh, PFLOPS, 亿元); a number of units a whole number from 0 to N_UNITS_MAX.
A whole-number rule has no bound of its own: LibreOffice Calc takes 10¹² identifier registrations, the
catalogue's maximum, as whole (tests/test_template.py checks the rules in Calc; Excel itself is not run
here). A second sheet explains how to fill the template in and lists the indicators.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from importlib import resources

import openpyxl
import yaml
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from indicators import reference
from indicators.clock import today_shanghai
from indicators.errors import BilingualError
from indicators.reference import FREQ_NAMES, Area, Indicator, Profile
from indicators.values import COUNT_UNITS, N_UNITS_HEADERS, N_UNITS_MAX, Period, format_number

DATA_SHEET = "数据"  # the readers take a sheet of this name before any other
INSTRUCTIONS_SHEET = "填报说明 Instructions"
LISTS_SHEET = "lists"  # hidden: the dropdowns' choices
TITLE_ROW = 1
FORM_ROWS = (2, 3, 4)  # 填报单位 on the left; 表号, 制定机关, 有效期至 on the right
GUIDE_ROW, HEADER_ROW, ENGLISH_ROW = 5, 6, 7
FIRST_DATA_ROW = ENGLISH_ROW + 1
CITY_COLUMN, PERIOD_COLUMN = 1, 2
FIRST_INDICATOR_COLUMN = 3
# The footer, two rows of (label, blank to fill in) pairs under the table, one blank row between. Its
# first label starts a row the readers stop at (readers.FOOTER_LABELS).
FOOTER = [
    [("单位负责人：\nHead of unit", "@"), ("填表人：\nFilled in by", "@")],
    [("联系电话：\nTelephone", "@"), ("报出日期：\nDate sent", "yyyy-mm-dd")],
]

# Where a coarser indicator goes in a finer template: the row of the period that closes it.
CLOSING_ROWS = {
    ("M", "Q"): ("3、6、9、12月", "Mar, Jun, Sep, Dec"),
    ("M", "A"): ("12月", "December"),
    ("Q", "A"): ("第四季度", "Q4"),
}
PERIOD_EXAMPLES = {"M": "2023-06", "Q": "2023-Q2", "A": "2023"}

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="D9D9D9")  # a cell that takes no value in its row
GUIDE_FONT = Font(italic=True, color="595959", size=9)
UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class Form:
    """The statistical form the template is (indicators/data/form.yaml)."""

    title_zh: str
    title_en: str
    form_number: str
    authority: Profile  # 制定机关
    valid_until: dt.date  # the month the form is valid to


@functools.cache
def form() -> Form:
    data = yaml.safe_load(resources.files("indicators").joinpath("data", "form.yaml").read_text(encoding="utf-8"))
    return Form(title_zh=data["title_zh"], title_en=data["title_en"], form_number=data["form_number"],
                authority=reference.profiles()[data["authority"]],
                valid_until=dt.date.fromisoformat(f"{data['valid_until']}-01"))


def template_indicators(profile: Profile) -> list[Indicator]:
    """The profile's indicators in catalogue order."""
    return [i for i in reference.base_indicators() if profile.may_submit(i.code)]


@dataclass(frozen=True)
class TemplateColumn:
    """A column after city and period: an indicator's values, or (`counts`) its number of units."""

    indicator: Indicator
    counts: bool = False


def template_columns(profile: Profile) -> list[TemplateColumn]:
    """The profile's indicators in catalogue order, each magnitude indicator's count column right after it."""
    return [TemplateColumn(i, counts) for i in template_indicators(profile)
            for counts in ((False, True) if i.magnitude else (False,))]


def template_freq(profile: Profile) -> str:
    """The period of a row: the finest frequency among the profile's indicators."""
    freqs = {i.freq for i in template_indicators(profile)}
    return min(freqs, key=lambda f: reference.FREQ_MONTHS[f])


def template_cities(profile: Profile) -> list[Area]:
    """The reporting areas the profile submits for, in the register's order: Guangdong's cities, or the
    counties of a national area register."""
    reporting = reference.reporting_areas()
    return [a for a in reference.areas() if a.code in reporting and profile.covers_city(a.code)]


def area_label(area: Area) -> str:
    """How the template writes an area: its name, or its code where the name is another area's too (a
    national register's 东区, 新区 …), which the reader would refuse as unknown."""
    return area.name_zh if reference.resolve_area_code(area.name_zh) == area.code else area.code


def template_periods(freq: str, reference_date: dt.date) -> list[dt.date]:
    """Every period from the calendar's first period to the last one ended before `reference_date`,
    oldest first."""
    periods = []
    start = reference.calendar().first_period
    while reference.period_end(start, freq) < reference_date:
        periods.append(start)
        start = reference.add_months(start, reference.FREQ_MONTHS[freq])
    return periods


def scope_names(profile: Profile) -> tuple[str, str]:
    """Whose return it is, in a title or a file name: a one-city pilot's city, else the submitter."""
    cities = template_cities(profile)
    if len(cities) == 1:
        return cities[0].name_zh, cities[0].name_en
    return profile.name_zh, profile.name_en


def template_file_name(profile_id: str) -> str:
    """The name a downloaded template is saved under: 深圳市数字经济监测报表模板.xlsx."""
    return f"{scope_names(reference.profiles()[profile_id])[0]}{form().title_zh}模板.xlsx"


def header_text(indicator: Indicator) -> str:
    return f"{indicator.name_zh}（{indicator.unit}）"


def english_header_text(indicator: Indicator) -> str:
    return f"{indicator.name_en} ({indicator.unit})"


def n_units_header_text(indicator: Indicator) -> str:
    """A count column's header, which the readers match: the indicator's name, then 单位数."""
    return f"{indicator.name_zh} {N_UNITS_HEADERS[0]}"


def english_n_units_header_text(indicator: Indicator) -> str:
    return f"{indicator.name_en}: number of units"


# What a count column holds, in its guide cell and its input prompt.
N_UNITS_GUIDE = ("单位数：贡献该数值的单位（数据中心、企业）个数，整数；不知道留空",
                 "units (data centres, enterprises) behind the value, whole; blank if unknown")


def guide_lines(indicator: Indicator, row_freq: str) -> tuple[str, str]:
    """How often an indicator is reported and, in a finer template, in which rows: (zh, en)."""
    zh, en = FREQ_NAMES[indicator.freq]
    if indicator.freq != row_freq:
        rows_zh, rows_en = CLOSING_ROWS[(row_freq, indicator.freq)]
        zh, en = f"{zh}，填在{rows_zh}行", f"{en}: in the {rows_en} row"
    return zh, en


def takes_value(period: dt.date, row_freq: str, indicator: Indicator) -> bool:
    """Whether a row of `period` holds a value of `indicator`: a quarterly one only in a quarter's last month."""
    return Period(period, row_freq).as_freq(indicator.freq) is not None


def build_template(profile_id: str, reference_date: dt.date | None = None) -> bytes:
    """The template for a profile, as XLSX bytes. Its periods end before `reference_date` (default: today
    in Shanghai, the date the upload service checks a file against)."""
    profile = reference.profiles()[profile_id]
    reference_date = reference_date or today_shanghai()
    indicators = template_indicators(profile)
    columns = template_columns(profile)
    row_freq = template_freq(profile)
    cities = template_cities(profile)
    periods = template_periods(row_freq, reference_date)
    if not periods:
        first = reference.calendar().first_period
        raise BilingualError(f"参考日期 {reference_date} 之前还没有结束的报告期（监测始于 {first:%Y-%m}）",
                             f"no reporting period has ended before the reference date {reference_date}"
                             f" (monitoring starts in {first:%Y-%m})")
    if not cities:  # a pilot team whose city the area register lists as a total (counties report)
        raise BilingualError(f"{profile_id} 在地区名录（{reference.AREA_REGISTER_VARIABLE}）中没有可报送的地区",
                             f"{profile_id} has no reporting area in the area register ({reference.AREA_REGISTER_VARIABLE})")
    # A one-city pilot's rows are its periods; an agency fills in city and period on blank rows.
    prefilled = len(cities) == 1
    rows = [(cities[0], p) for p in periods] if prefilled else [(None, None)] * (len(cities) * len(periods))

    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    _write_heading(data, profile, columns, row_freq, prefilled)
    _write_rows(data, rows, columns, row_freq)
    _write_footer(data, FIRST_DATA_ROW + len(rows))
    _write_value_validations(data, columns, row_freq, len(rows))
    if not prefilled:
        lists = workbook.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
        _write_dropdowns(data, lists, cities, [reference.period_label(p, row_freq) for p in reversed(periods)],
                         len(rows))
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), profile, indicators, row_freq, cities,
                        periods if prefilled else None)
    data.protection.sheet = True  # no password: the lock guards against slips, not against the clerk
    data.protection.formatColumns = data.protection.formatRows = False  # widths and heights may change
    workbook.security = WorkbookProtection(lockStructure=True)  # sheets stay named, in order and hidden

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_heading(sheet, profile: Profile, columns: list[TemplateColumn], row_freq: str, prefilled: bool) -> None:
    last_column = FIRST_INDICATOR_COLUMN + len(columns)  # the note column
    the_form = form()
    scope_zh, scope_en = scope_names(profile)
    sheet.cell(TITLE_ROW, 1, f"{scope_zh}{the_form.title_zh} / {the_form.title_en}: {scope_en}").font = \
        Font(bold=True, size=14)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last_column)

    authority = the_form.authority
    valid = the_form.valid_until
    block_column = max(FIRST_INDICATOR_COLUMN + 1, last_column - 1)  # right-hand side; text runs on to the right
    sheet.cell(FORM_ROWS[0], 1, f"填报单位 Reporting unit：{profile.name_zh}")
    for row, text in zip(FORM_ROWS, [
            f"表号 Form No.：{the_form.form_number}",
            f"制定机关 Issued by：{authority.name_zh} / {authority.name_en}",
            f"有效期至 Valid until：{valid.year}年{valid.month}月 / {valid:%Y-%m}"], strict=True):
        sheet.cell(row, block_column, text)

    # Guide texts must not read as role headers (城市, City …): only the header rows name the columns.
    where_city = ("已预填", "filled in") if prefilled else ("从列表选择", "pick from the list")
    where_period = ("已预填", "filled in") if prefilled else ("选择或填写", f"pick or type {PERIOD_EXAMPLES[row_freq]}")
    guides = ["\n".join(where_city), "\n".join(where_period),
              *("\n".join([*N_UNITS_GUIDE, f"{c.indicator.code}_n_units"]) if c.counts
                else "\n".join([*guide_lines(c.indicator, row_freq), c.indicator.code]) for c in columns),
              "可选\noptional"]
    headers = ["城市", "期间", *(n_units_header_text(c.indicator) if c.counts else header_text(c.indicator)
                             for c in columns), "备注"]
    english = ["City", "Period", *(english_n_units_header_text(c.indicator) if c.counts
                                   else english_header_text(c.indicator) for c in columns), "Note"]
    for column, (guide, header, translation) in enumerate(zip(guides, headers, english, strict=True), start=1):
        guide_cell = sheet.cell(GUIDE_ROW, column, guide)
        guide_cell.font = GUIDE_FONT
        guide_cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        header_cell = sheet.cell(HEADER_ROW, column, header)
        header_cell.font = Font(bold=True)
        header_cell.fill = HEADER_FILL
        header_cell.alignment = Alignment(wrap_text=True, vertical="center")
        english_cell = sheet.cell(ENGLISH_ROW, column, translation)
        english_cell.font = GUIDE_FONT
        english_cell.fill = HEADER_FILL
        english_cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = 12 if column <= PERIOD_COLUMN else 22
    sheet.row_dimensions[GUIDE_ROW].height = 48
    sheet.row_dimensions[HEADER_ROW].height = 45
    sheet.row_dimensions[ENGLISH_ROW].height = 36
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, FIRST_INDICATOR_COLUMN)


def _write_rows(sheet, rows: list[tuple[Area | None, dt.date | None]], columns: list[TemplateColumn],
                row_freq: str) -> None:
    note_column = FIRST_INDICATOR_COLUMN + len(columns)
    for row, (city, period) in enumerate(rows, start=FIRST_DATA_ROW):
        city_cell = sheet.cell(row, CITY_COLUMN, area_label(city) if city else None)
        # Periods stay text: Excel would turn a typed 2023-06 into a date.
        period_cell = sheet.cell(row, PERIOD_COLUMN, reference.period_label(period, row_freq) if period else None)
        period_cell.number_format = "@"
        if city is None:
            city_cell.protection = period_cell.protection = UNLOCKED
        for column, template_column in enumerate(columns, start=FIRST_INDICATOR_COLUMN):
            cell = sheet.cell(row, column)
            if period is None or takes_value(period, row_freq, template_column.indicator):
                cell.protection = UNLOCKED
            else:
                cell.fill = NOT_APPLICABLE_FILL
        sheet.cell(row, note_column).protection = UNLOCKED


def _write_footer(sheet, row_after_table: int) -> None:
    for row, pairs in enumerate(FOOTER, start=row_after_table + 1):  # one blank row under the table
        sheet.row_dimensions[row].height = 30
        for pair, (label, number_format) in enumerate(pairs):
            label_cell = sheet.cell(row, 1 + 2 * pair, label)
            label_cell.font = Font(bold=True)
            label_cell.alignment = Alignment(wrap_text=True, vertical="center")
            blank = sheet.cell(row, 2 + 2 * pair)
            blank.protection = UNLOCKED
            blank.number_format = number_format


def _write_value_validations(sheet, columns: list[TemplateColumn], row_freq: str, n_rows: int) -> None:
    """A value is a number ≥ the catalogue's minimum: whole for a count unit, decimals allowed otherwise; a
    number of units a whole number from 0 to N_UNITS_MAX (the rule n_units_invalid checks)."""
    last_row = FIRST_DATA_ROW + n_rows - 1
    for column, template_column in enumerate(columns, start=FIRST_INDICATOR_COLUMN):
        indicator = template_column.indicator
        letter = get_column_letter(column)
        if template_column.counts:
            most = format_number(N_UNITS_MAX)
            validation = DataValidation(
                type="whole", operator="between", formula1="0", formula2=_formula_number(N_UNITS_MAX), allow_blank=True,
                showErrorMessage=True, errorStyle="stop", errorTitle="单位数 Number of units",
                error=(f"请填写 0 到 {most} 之间的整数：贡献该数值的数据中心或企业个数；不知道请留空。"
                       f"Enter a whole number from 0 to {most}, the data centres or enterprises behind the "
                       "value; leave it blank if unknown."),
                showInputMessage=True, promptTitle=n_units_header_text(indicator)[:32],
                prompt=f"{N_UNITS_GUIDE[0]}\n{N_UNITS_GUIDE[1]}"[:255])
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
            sheet.add_data_validation(validation)
            continue
        whole = indicator.unit in COUNT_UNITS
        low, high = format_number(indicator.min_value), format_number(indicator.max_value)
        if whole:
            error = (f"请填写 {low} 到 {high} 之间的整数（单位：{indicator.unit}）；没有数据请留空。"
                     f"Enter a whole number from {low} to {high} ({indicator.unit}); leave it blank if there is "
                     "no figure.")
        else:
            error = (f"请填写 {low} 到 {high} 之间的数值，可带小数（单位：{indicator.unit}）；没有数据请留空。"
                     f"Enter a number from {low} to {high}, decimals allowed ({indicator.unit}); leave it blank "
                     "if there is no figure.")
        zh, en = guide_lines(indicator, row_freq)
        # The catalogue's bounds, as the rules value_negative and value_out_of_range check them.
        validation = DataValidation(
            type="whole" if whole else "decimal", operator="between", formula1=_formula_number(indicator.min_value),
            formula2=_formula_number(indicator.max_value), allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle="数值 Value", error=error,
            showInputMessage=True, promptTitle=indicator.name_zh[:32],  # Excel's limits: 32 and 255 characters
            prompt=f"{header_text(indicator)}：{zh}\n{english_header_text(indicator)}: {en}"[:255])
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        sheet.add_data_validation(validation)


def _formula_number(number: float) -> str:
    """A bound as a formula writes it: digits only (1000000000000, 0.5), no separators or exponent."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def _write_dropdowns(data, lists, cities: list[Area], period_labels: list[str], n_rows: int) -> None:
    lists.cell(1, 1, "城市 City")
    lists.cell(1, 2, "期间 Period")
    for row, city in enumerate(cities, start=2):
        lists.cell(row, 1, area_label(city))
    for row, label in enumerate(period_labels, start=2):
        lists.cell(row, 2, label).number_format = "@"
    last_data_row = FIRST_DATA_ROW + n_rows - 1
    choices = {
        CITY_COLUMN: (f"'{LISTS_SHEET}'!$A$2:$A${len(cities) + 1}", "stop",
                      "城市 City", "请从列表中选择城市。Pick a city from the list."),
        # A month still running may be reported provisionally when typed: warn, do not stop.
        PERIOD_COLUMN: (f"'{LISTS_SHEET}'!$B$2:$B${len(period_labels) + 1}", "warning",
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
                        cities: list[Area], prefilled_periods: list[dt.date] | None) -> None:
    freq_zh, freq_en = FREQ_NAMES[row_freq]
    example = PERIOD_EXAMPLES[row_freq]
    every_area = {c.code for c in cities} == reference.reporting_areas()
    if every_area and reference.area_register_name():  # a national register: thousands of counties
        scope_zh, scope_en = f"地区名录中的{len(cities)}个地区", f"the {len(cities)} areas of the area register"
    elif every_area:
        scope_zh, scope_en = f"全省{len(cities)}个地级市", f"all {len(cities)} prefecture-level cities"
    else:
        scope_zh, scope_en = "、".join(c.name_zh for c in cities), ", ".join(c.name_en for c in cities)
    if prefilled_periods:
        first, last = (reference.period_label(p, row_freq) for p in (prefilled_periods[0], prefilled_periods[-1]))
        rows_step = (f"城市（{scope_zh}）和期间（{first} 至 {last}）已经填好：只在白色格子中填写数值，灰色格子不填。",
                     f"City ({scope_en}) and period ({first} to {last}) are filled in: write values in the white "
                     "cells only; grey cells take none.")
    else:
        rows_step = (f"城市从下拉列表中选择（可报送：{scope_zh}）；期间从下拉列表中选择，或按 {example} 的格式填写。",
                     f"Pick the city from the dropdown (you may submit: {scope_en}); pick the period from the "
                     f"dropdown, or type it as {example}.")
    steps = [
        (f"在“{DATA_SHEET}”工作表中，每行填写一个城市、一个{freq_zh}期间；每列是一个指标。",
         f"On the sheet “{DATA_SHEET}”, fill one row per city and {freq_en} period; each column is one indicator."),
        rows_step,
        ("按表头括号中的单位填写数值，不小于 0；计数单位（个、户、家等）填整数。没有数据的格子留空：空白表示未报送，不是零。",
         ("Write values in the unit in the header's brackets, at least 0, whole numbers for counts (个, 户, 家 …). "
          "Leave a cell blank when there is no figure: blank means not reported, never zero.")),
        ("工作表已保护（无密码），只有数据格可以填写，表头、城市和期间不能改动，以免文件无法读取。",
         ("The sheet is protected (no password): only the data cells can be filled in; the headers, cities and "
          "periods stay as they are, so that the file can be read.")),
        ("表格下方填写单位负责人、填表人、联系电话和报出日期；这些内容不作为数据读取。",
         ("Below the table, fill in the head of unit, who filled it in, a telephone number and the date sent; "
          "they are not read as data.")),
        ("不要填写全省（440000）数据或比率类指标：它们由系统汇总计算。",
         "Do not fill in the province (440000) or rates: the system computes them."),
        ("更正数据时，修改后重新上传整份文件：新文件作为新版本，覆盖所含单元格，旧版本仍可查询。",
         ("To correct a figure, fix the file and upload it again: it becomes a new vintage that replaces "
          "the cells it carries; the old vintage stays on record.")),
        ("上传：打开报送网页，粘贴令牌，选择本文件并上传；系统立即返回检查报告，指出工作表、行和列。",
         ("Upload: open the upload page, paste your token, choose this file and upload it; the report comes "
          "back at once and points at sheet, row and column.")),
    ]
    if any(i.magnitude for i in indicators):  # the count columns
        most = format_number(N_UNITS_MAX)
        steps.insert(3, (
            f"“单位数”列紧跟在机架、能耗、算力、增加值等总量指标之后，填写贡献该数值的单位个数（数据中心或企业），"
            f"为 0 到 {most} 的整数；不知道请留空，空白不是零。单位过少的数值不对外公布，以免推算出单个单位的数据。",
            f"The 单位数 (number of units) column right after each total (racks, data-centre energy, computing "
            f"power, value added) takes how many units contribute to it (data centres or enterprises), a whole "
            f"number from 0 to {most}; leave it blank if unknown, blank is not zero. A value from too few units is "
            "not published, so that no single unit's figure can be recovered."))
    coarser = sorted({i.freq for i in indicators} - {row_freq}, key=reference.FREQ_MONTHS.get)
    if coarser:  # where quarterly and annual figures go in a monthly template
        steps.insert(2, (
            "；".join(f"{FREQ_NAMES[f][0]}指标填在{CLOSING_ROWS[(row_freq, f)][0]}的行" for f in coarser)
            + f"（见第{GUIDE_ROW}行）。",
            "Put " + "; ".join(f"{FREQ_NAMES[f][1]} indicators in the {CLOSING_ROWS[(row_freq, f)][1]} row"
                               for f in coarser) + f" (row {GUIDE_ROW} says which)."))
    the_form = form()
    lines = [(f"{profile.name_zh} {the_form.title_zh}（{the_form.form_number}）填报说明",
              f"How to fill in the {the_form.title_en}: {profile.name_en}"),
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
