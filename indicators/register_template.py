"""The Excel template of a registry's list (indicators/registers.py): one sheet 数据 with the title, the
Chinese header the readers recognise, the English field codes right below it (a translation the readers
skip), blank rows with dropdowns for the fixed vocabularies (是/否, band, status) and a number ≥ 0 rule on
the data-centre figures, then the footer (单位负责人 …) where the readers stop. A second sheet explains
each field in Chinese and English, and how the list is counted.
"""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.registers import BANDS, REGISTRIES, STATUSES, Registry
from indicators.template import DATA_SHEET, FOOTER, HEADER_FILL, INSTRUCTIONS_SHEET, UNLOCKED

TITLE_ROW, HEADER_ROW, ENGLISH_ROW = 1, 2, 3
FIRST_DATA_ROW = ENGLISH_ROW + 1
BLANK_ROWS = 500  # more rows can be inserted: the readers read up to the footer

# How each field is filled in, for the instructions sheet: (zh, en)
FIELD_NOTES = {
    "period": ("月报填 2023-12；数据中心名录为季报，填 2023Q3", "monthly 2023-12; the data-centre register is quarterly: 2023Q3"),
    "city_code": ("地级市代码或名称（如 440300、深圳市），以此列为准计数",
                  "a city's code or name (440300, 深圳市); counting goes by this column"),
    "uscc": ("18 位统一社会信用代码（GB 32100-2015），系统校验第 18 位校验码",
             "the 18-character Unified Social Credit Code (GB 32100-2015); its check character is verified"),
    "above_scale": ("是 或 否；只统计规上工业企业", "是 (yes) or 否 (no); only above-scale enterprises count"),
    "completion_date": ("项目完成日期，如 2023-06-30；须在报告期所在年份内且不晚于报告期末",
                        "the project's completion date, e.g. 2023-06-30, within the reporting year and by its end"),
    "band": ("700MHz、2.6GHz、3.5GHz 或 4.9GHz", "700MHz, 2.6GHz, 3.5GHz or 4.9GHz"),
    "status": ("在网 或 退网；只统计在网基站", "在网 (in service) or 退网 (retired); only sites in service count"),
    "commissioning_date": ("开通日期，如 2023-06-30；晚于报告期末的不计入本期",
                           "commissioning date; after the period's end it does not count"),
    "it_energy_mwh": ("本季度 IT 设备能耗，兆瓦时", "IT equipment energy in the quarter, MWh"),
    "total_energy_mwh": ("本季度总能耗，兆瓦时；不得低于 IT 能耗（PUE ≥ 1）",
                         "total energy in the quarter, MWh; not below IT energy (PUE ≥ 1)"),
    "racks_in_use": ("已上架标准机架数，不得多于标准机架数", "standard racks in use; not more than standard racks"),
}
HOW_COUNTED = {
    "enterprise_list": ("每家企业每年只计一次：以其最新一次报送中当年最早完成的规上项目所在城市计数。",
                        "Each enterprise counts once a year, in the city of its earliest above-scale project"
                        " in its latest list."),
    "dc_register": ("各市数值为其数据中心之和，单位数为数据中心个数；PUE = 总能耗之和 / IT 能耗之和。",
                    "A city's values are its data centres' sums, n_units their number; PUE = Σtotal / ΣIT."),
    "site_list": ("各市基站数为报告期末前开通的在网基站数，700MHz 基站数为其中频段为 700MHz 者。",
                  "A city's stations are those in service commissioned by the period's end; 700 MHz among them by band."),
}


def register_template_file_name(name: str) -> str:
    return f"{REGISTRIES[name].name_zh}模板.xlsx"


def build_register_template(name: str) -> bytes:
    """A registry's template as XLSX bytes."""
    registry = REGISTRIES[name]
    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    data.cell(TITLE_ROW, 1, f"{registry.name_zh} {registry.name_en}").font = Font(bold=True, size=14)
    for column, field in enumerate(registry.fields, start=1):
        header = data.cell(HEADER_ROW, column, field.header_zh)
        header.font, header.fill = Font(bold=True), HEADER_FILL
        data.cell(ENGLISH_ROW, column, field.name).font = Font(italic=True, color="595959")
        data.column_dimensions[get_column_letter(column)].width = 22
        for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + BLANK_ROWS):
            cell = data.cell(row, column)
            cell.protection = UNLOCKED
            cell.number_format = "yyyy-mm-dd" if field.kind == "date" else "@" if field.kind != "number" else "General"
    _validations(data, registry)
    footer_row = FIRST_DATA_ROW + BLANK_ROWS + 1
    for row, pairs in enumerate(FOOTER, start=footer_row):
        for pair, (label, _) in enumerate(pairs):
            data.cell(row, 1 + 2 * pair, label).alignment = Alignment(wrap_text=True)
            data.cell(row, 2 + 2 * pair).protection = UNLOCKED
    _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), registry)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _validations(sheet, registry: Registry) -> None:
    last = FIRST_DATA_ROW + BLANK_ROWS - 1
    choices = {"flag": ["是", "否"], "band": list(BANDS), "status": list(STATUSES)}
    for column, field in enumerate(registry.fields, start=1):
        letter = get_column_letter(column)
        cells = f"{letter}{FIRST_DATA_ROW}:{letter}{last}"
        if field.kind in choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(choices[field.kind]) + '"', allow_blank=True)
        elif field.kind == "number":
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        else:
            continue
        rule.error = f"{field.header_zh}：请按填报说明填写 / {field.label_en}: see the instructions"
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        rule.add(cells)


def _instructions(sheet, registry: Registry) -> None:
    sheet.append([f"{registry.name_zh}填报说明", f"How to fill in the {registry.name_en}"])
    sheet.append(["每行一个单位（企业项目、数据中心或基站）；报送方：" + registry.submitter,
                  f"One row per unit (enterprise project, data centre or site); submitted by {registry.submitter}"])
    sheet.append(list(HOW_COUNTED[registry.name]))
    sheet.append([])
    sheet.append(["字段", "field", "填写要求", "how to fill it in"])
    for field in registry.fields:
        zh, en = FIELD_NOTES.get(field.name, ("必填", "required"))
        sheet.append([field.header_zh, field.name, zh, en])
    for column in "ABCD":
        sheet.column_dimensions[column].width = 40
