"""Exports of what the warehouse publishes, read from the serving DB only (opened read-only):

- SDMX-CSV 1.0 and 2.0 of the released observations, with the data structure definition (SDMX-ML 2.1);
- Parquet: one dataset per mart table, hive-partitioned by year, column comments as Arrow field metadata;
- Excel for people: one workbook per released period, Chinese headers, area names and status notes.

A withheld value (OBS_STATUS Q or M, CONF_STATUS C or D) leaves blank in SDMX-CSV with its status, and
shows "…" with a footnote in Excel. Text that a spreadsheet would take as a formula is neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from indicators.errors import BilingualError
from indicators.values import parse_period
from pipelines.paths import Paths, sql_text

FORMATS = ("parquet", "sdmx-csv-1", "sdmx-csv-2", "xlsx")
AGENCY, DATAFLOW, DSD_VERSION = "GDSTATS", "DF_DIGECON", "1.0"
DATAFLOW_REF = f"{AGENCY}:{DATAFLOW}({DSD_VERSION})"
DSD_FILE = "DSD_DIGECON.xml"
SDMX_COLUMNS = ["REF_AREA", "INDICATOR", "FREQ", "TIME_PERIOD", "OBS_VALUE",
                "OBS_STATUS", "CONF_STATUS", "UNIT_MEASURE", "UNIT_MULT"]
WITHHELD_OBS_STATUS = {"Q", "M"}  # SDMX: suppressed, missing
WITHHELD_CONF_STATUS = {"C", "D"}  # SDMX: primary and secondary confidentiality
WITHHELD_MARK = "…"

# ref.indicators' unit text → SDMX UNIT_MEASURE code, UNIT_MULT (power of ten) and the code's names in
# CL_UNIT: 亿元 is CNY (元) × 10^8. A unit missing here stops the export rather than leaving it blank.
UNITS = {
    "个": ("UNITS", 0, "个", "Units"),
    "户": ("HOUSEHOLDS", 0, "户", "Households (accounts)"),
    "次": ("TIMES", 0, "次", "Times"),
    "家": ("ENTERPRISES", 0, "家", "Enterprises"),
    "人": ("PERSONS", 0, "人", "Persons"),
    "个/万人": ("UNITS_PER_10K_PERSONS", 0, "个/万人", "Units per 10,000 residents"),
    "%": ("PCT", 0, "%", "Percent"),
    "ratio": ("RATIO", 0, "比值", "Ratio"),
    "架": ("RACKS", 0, "架", "Racks"),
    "MWh": ("MWH", 0, "兆瓦时", "Megawatt hours"),
    "PFLOPS": ("PFLOPS", 0, "PFLOPS", "Peta floating-point operations per second"),
    "亿元": ("CNY", 8, "元", "Yuan renminbi"),
}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AREA_LEVEL_ZH = {"province": "全省", "region": "区域", "city": "地市"}

ET.register_namespace("mes", "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message")
ET.register_namespace("str", "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure")
ET.register_namespace("com", "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common")
_STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
_COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common}"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def neutralise(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export(paths: Paths, fmt: str, out_dir: Path, period_text: str | None = None) -> list[Path]:
    """Write one format's export into `out_dir`; return the files (or Parquet dataset folders) written.
    Raises `BilingualError` for a bad format or period, or a serving DB that does not exist yet."""
    if fmt not in FORMATS:
        raise BilingualError(f"导出格式“{fmt}”无效：可选 {', '.join(FORMATS)}",
                             f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    period = _period(period_text)
    if period and fmt == "parquet":
        raise BilingualError("Parquet 导出整个数据集市表，不接受 --period",
                             "the Parquet export writes whole mart tables and takes no --period")
    with _serving(paths, out_dir) as con:
        observations = None if fmt == "parquet" else released_observations(con, period)
        if period and observations.empty:
            raise BilingualError(f"{period_text_of(period)} 没有已发布的数据（先用 digecon release 发布）",
                                 f"{period_text_of(period)} has no released observations (digecon release first)")
        return _write(con, fmt, out_dir, observations, f"_{period_text_of(period)}" if period else "")


def export_all(paths: Paths, out_dir: Path) -> dict[str, list[Path]]:
    """Every format, whole (what the Dagster asset materialises into DIGECON_HOME/exports), from one read
    of the released observations."""
    with _serving(paths, out_dir) as con:
        observations = released_observations(con)
        return {fmt: _write(con, fmt, out_dir, observations, "") for fmt in FORMATS}


def _serving(paths: Paths, out_dir: Path) -> duckdb.DuckDBPyConnection:
    """The serving DB, read-only, once `out_dir` is there to write into."""
    if not paths.serving_db.exists():
        raise BilingualError(f"服务库 {paths.serving_db} 不存在：请先运行 digecon run",
                             f"the serving DB {paths.serving_db} does not exist: run `digecon run` first")
    if out_dir.exists() and not out_dir.is_dir():
        raise BilingualError(f"输出位置 {out_dir} 不是文件夹", f"the output {out_dir} is not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(paths.serving_db), read_only=True)


def _write(con, fmt: str, out_dir: Path, observations: pd.DataFrame | None, suffix: str) -> list[Path]:
    if fmt == "parquet":
        return write_parquet(con, out_dir)
    if fmt == "xlsx":
        return write_workbooks(observations, out_dir)
    version = "1.0" if fmt == "sdmx-csv-1" else "2.0"
    data = write_sdmx_csv(observations, out_dir / f"{DATAFLOW}{suffix}_sdmx-csv-{version}.csv", version)
    return [data, write_dsd(con, out_dir / DSD_FILE)]


def _period(text: str | None):
    if text is None:
        return None
    period = parse_period(text)
    if period is None:
        raise BilingualError(f"期别“{text}”无效：请写作 2023-12、2023-Q4 或 2023",
                             f"{text!r} is not a period: write it as 2023-12, 2023-Q4 or 2023")
    return period


def period_text_of(period) -> str:
    from indicators.reference import period_label

    return period_label(period.start, period.freq)


def released_observations(con, period=None) -> pd.DataFrame:
    """mart.v_released_observations (of one period if given), with whether each value is withheld."""
    frame = con.execute(sql_text("exports/released_observations.sql"),
                        {"period": period.start if period else None, "freq": period.freq if period else None}).df()
    frame["withheld"] = frame["obs_status"].isin(WITHHELD_OBS_STATUS) | frame["conf_status"].isin(WITHHELD_CONF_STATUS)
    return frame


def _unit(unit: str) -> tuple[str, int, str, str]:
    if unit not in UNITS:
        raise BilingualError(f"计量单位“{unit}”没有对应的 SDMX 单位代码（pipelines/exports.py UNITS）",
                             f"unit {unit!r} has no SDMX UNIT_MEASURE code (pipelines/exports.py UNITS)")
    return UNITS[unit]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write_sdmx_csv(observations: pd.DataFrame, path: Path, version: str) -> Path:
    """SDMX-CSV 1.0 (first column DATAFLOW) or 2.0 (STRUCTURE, STRUCTURE_ID, ACTION) of the observations."""
    lead = ["DATAFLOW"] if version == "1.0" else ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    lead_values = [DATAFLOW_REF] if version == "1.0" else ["dataflow", DATAFLOW_REF, "I"]  # I: information

    units = {unit: _unit(unit) for unit in observations["unit"].unique()}
    # Column by column rather than row by row: iterating a Series gives the same Python values itertuples does.
    columns = [observations[name] for name in ("area_code", "indicator_code", "freq", "time_period")]
    columns.append(["" if withheld or pd.isna(value) else _number(value)
                    for withheld, value in zip(observations["withheld"], observations["value"], strict=True)])
    columns += [observations["obs_status"], observations["conf_status"],
                [units[unit][0] for unit in observations["unit"]], [str(units[unit][1]) for unit in observations["unit"]]]
    lead_cells = [neutralise(cell) for cell in lead_values]
    with _replacing(path) as staging, staging.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([neutralise(cell) for cell in lead + SDMX_COLUMNS])
        writer.writerows([*lead_cells, *map(neutralise, row)] for row in zip(*columns, strict=True))
    return path


def write_dsd(con, path: Path) -> Path:
    """The shipped DSD (pipelines/sdmx/dsd.xml) with CL_AREA, CL_INDICATOR and CL_UNIT made from the ref
    tables, so each export's codes and the codelists it is read with come from the same serving DB."""
    tree = ET.parse(resources.files("pipelines").joinpath("sdmx/dsd.xml"))
    codelists = tree.getroot().find(f".//{_STR}Codelists")
    areas = con.execute("SELECT area_code, name_zh, name_en FROM ref.areas ORDER BY area_code").fetchall()
    indicators = con.execute("SELECT indicator_code, name_zh, name_en FROM ref.indicators ORDER BY indicator_code").fetchall()
    units = sorted({(code, name_zh, name_en) for code, _, name_zh, name_en in UNITS.values()})
    for list_id, name, codes in (("CL_AREA", "Areas of Guangdong", areas), ("CL_INDICATOR", "Indicators", indicators),
                                 ("CL_UNIT", "Units of measure", units)):
        codelist = ET.SubElement(codelists, f"{_STR}Codelist", id=list_id, agencyID=AGENCY, version=DSD_VERSION)
        ET.SubElement(codelist, f"{_COM}Name", {_LANG: "en"}).text = name
        for code, name_zh, name_en in codes:
            item = ET.SubElement(codelist, f"{_STR}Code", id=code)
            ET.SubElement(item, f"{_COM}Name", {_LANG: "zh"}).text = name_zh
            ET.SubElement(item, f"{_COM}Name", {_LANG: "en"}).text = name_en
    prepared = tree.getroot().find(".//{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}Prepared")
    prepared.text = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with _replacing(path) as staging:
        tree.write(staging, encoding="UTF-8", xml_declaration=True)
    return path


def write_parquet(con, out_dir: Path) -> list[Path]:
    """One dataset per mart table under out_dir/parquet/<table>/, hive-partitioned by year (year=2023/)
    where the table has a period or a year, each column's comment as the Arrow field's `comment`."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    written = []
    for table, year_from in con.execute(sql_text("exports/mart_tables.sql")).fetchall():
        comments = dict(con.execute(sql_text("exports/column_comments.sql"), {"table": table}).fetchall())
        year = ", year(period) AS year" if year_from == "period" else ""  # identifiers from duckdb_tables()
        data = con.sql(f'SELECT *{year} FROM mart."{table}"').to_arrow_table()
        schema = pa.schema([field.with_metadata({"comment": comments[field.name]}) if field.name in comments
                            else field for field in data.schema])
        target = out_dir / "parquet" / table
        with _replacing(target) as staging:
            staging.mkdir(parents=True)
            if year_from and data.num_rows:
                ds.write_dataset(data.cast(schema), staging, format="parquet", partitioning=["year"],
                                 partitioning_flavor="hive")
            else:  # an empty table still leaves its columns and their comments
                pq.write_table(data.cast(schema), staging / "part-0.parquet")
        written.append(target)
    return written


def write_workbooks(observations: pd.DataFrame, out_dir: Path) -> list[Path]:
    """One workbook per released period: the table a bureau attaches to a bulletin."""
    written = []
    for (_, _, label), cells in observations.groupby(["period", "freq", "time_period"], sort=True):
        written.append(write_workbook(cells, label, out_dir / f"digecon_{label}.xlsx"))
    return written


def write_workbook(cells: pd.DataFrame, label: str, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = label
    sheet.append([f"广东省数字经济统计监测数据（{label}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["地区", "地区层级", "指标", "计量单位", "数值", "数据状态", "说明"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row_number, obs in enumerate(cells.itertuples(), start=sheet.max_row + 1):
        notes = []
        if obs.withheld:
            notes.append("数值不公布，见注1")
        if _is_false(obs.complete):
            notes.append(f"仅含 {obs.n_areas}/{obs.n_areas_expected} 个地市")
        if obs.obs_status == "E":
            notes.append(f"其中 {obs.n_imputed} 个地市为推算值，见注3")
        if _is_false(obs.from_source_of_record):
            notes.append("含试点单位填补值，非法定报送来源")
        value = WITHHELD_MARK if obs.withheld or pd.isna(obs.value) else float(obs.value)
        row = [obs.area_name_zh, AREA_LEVEL_ZH.get(obs.area_level, obs.area_level), obs.indicator_name_zh,
               obs.unit, value, f"{obs.obs_status} {obs.obs_status_zh}", "；".join(notes)]
        sheet.append([neutralise(cell) for cell in row])
        value_cell = sheet.cell(row=row_number, column=5)  # sheet.max_row scans every row: not per row
        if isinstance(value, float):
            value_cell.number_format = "#,##0" if value.is_integer() else "#,##0.00"
        else:
            value_cell.alignment = Alignment(horizontal="right")
    sheet.append([])
    sheet.append(["注："])
    sheet.append([f"1. “{WITHHELD_MARK}”表示数值不公布：保密（CONF_STATUS C、D）或缺失（OBS_STATUS Q、M）。"])
    statuses = sorted(set(zip(cells["obs_status"], cells["obs_status_zh"], strict=True)))
    legend = "；".join(f"{code} {name}" for code, name in statuses)
    sheet.append([f"2. 数据状态（SDMX CL_OBS_STATUS）：{legend}。"])
    sheet.append(["3. 区域、全省数值为所含地市之和或比率；“仅含”表示未覆盖全部地市：缺报地市以其上次报送值乘以"
                  "已报送地市的同期变化推算（状态 E），推算不足以覆盖时不公布（状态 M）。"])
    for column, width in zip("ABCDEFG", (14, 10, 34, 10, 16, 14, 40), strict=True):
        sheet.column_dimensions[column].width = width
    with _replacing(path) as staging:
        book.save(staging)
    return path


def _is_false(flag) -> bool:
    """False, and not unknown (NULL)."""
    return not pd.isna(flag) and not flag


class _replacing:
    """Write beside the target, then swap it in: a reader never sees half a file, a failure leaves the
    old export whole."""

    def __init__(self, target: Path):
        self.target = target
        self.staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")

    def __enter__(self) -> Path:
        self._remove(self.staging)
        return self.staging

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            if self.target.is_dir():
                shutil.rmtree(self.target)
            os.replace(self.staging, self.target)
        self._remove(self.staging)

    @staticmethod
    def _remove(path: Path) -> None:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
