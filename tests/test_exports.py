"""`digecon export`: SDMX-CSV 1.0 and 2.0 with the DSD (read back by sdmx1), Parquet per mart (read back by
pyarrow), Excel per period (read back by openpyxl), from a small published warehouse (tests/mart_support.py:
Shenzhen 50,000 and Dongguan 9,000 5G stations in June 2023, released; 17 and 10 million residents)."""

import csv
import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.dataset as ds
import pytest
import sdmx

from mart_support import DONGGUAN, SHENZHEN, publish_shenzhen_june
from test_cli import assert_one_bilingual_line, digecon
from pipelines.exports import DSD_FILE, export
from pipelines.paths import Paths

PLANTED = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """One published warehouse for the module; each test copies its serving DB into its own home."""
    paths = Paths.resolve(tmp_path_factory.mktemp("published"))
    publish_shenzhen_june(paths, release_june=True)
    return paths.serving_db


@pytest.fixture
def paths(published, tmp_path, monkeypatch) -> Paths:
    paths = Paths.resolve(tmp_path / "home")
    paths.serving_db.parent.mkdir(parents=True)
    shutil.copy(published, paths.serving_db)
    monkeypatch.setenv("DIGECON_HOME", str(paths.home))
    return paths


def plant(paths: Paths, sql: str) -> None:
    """Change the test's copy of the serving DB (the exports themselves only ever read it)."""
    with duckdb.connect(str(paths.serving_db)) as con:
        con.execute(sql)


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------------------------------ SDMX-CSV

def test_sdmx_csv_2_and_the_dsd_read_back_by_sdmx1(paths, tmp_path):
    data_file, dsd_file = export(paths, "sdmx-csv-2", tmp_path / "out")

    structures = sdmx.read_sdmx(dsd_file)
    dsd = structures.structure["DSD_DIGECON"]
    assert [d.id for d in dsd.dimensions] == ["REF_AREA", "INDICATOR", "FREQ", "TIME_PERIOD"]
    assert {a.id for a in dsd.attributes} == {"OBS_STATUS", "CONF_STATUS", "UNIT_MEASURE", "UNIT_MULT"}
    assert str(structures.codelist["CL_AREA"][SHENZHEN].name["zh"]) == "深圳市"
    assert "fiveg_per_10k_people" in structures.codelist["CL_INDICATOR"]
    assert {"A", "P", "E", "B", "M", "Q"} <= {c.id for c in structures.codelist["CL_OBS_STATUS"]}
    assert {c.id for c in structures.codelist["CL_CONF_STATUS"]} == {"F", "C", "D"}

    message = sdmx.read_sdmx(data_file, structure=dsd)
    observations = {(o.dimension["REF_AREA"].value, o.dimension["INDICATOR"].value): o
                    for ds_ in message.data for o in ds_.obs}
    # 2 indicators (stations; stations per 10k residents) × Shenzhen, Dongguan, the PRD and the province
    assert len(observations) == 8
    shenzhen = observations[SHENZHEN, "fiveg_base_stations"]
    assert float(shenzhen.value) == 50000
    assert shenzhen.dimension["TIME_PERIOD"].value == "2023-06" and shenzhen.dimension["FREQ"].value == "M"
    attributes = {k: v.value for k, v in shenzhen.attached_attribute.items()}
    assert attributes == {"OBS_STATUS": "A", "CONF_STATUS": "F", "UNIT_MEASURE": "UNITS", "UNIT_MULT": "0"}
    # 50,000 stations / 17,000,000 residents × 10,000 = 29.4117647…
    assert float(observations[SHENZHEN, "fiveg_per_10k_people"].value) == pytest.approx(29.41176470588235)
    # The province has 2 of its 21 cities, below the coverage threshold: blank, OBS_STATUS M.
    province = observations["440000", "fiveg_base_stations"]
    assert province.value == "" and province.attached_attribute["OBS_STATUS"].value == "M"


def test_sdmx_csv_1_names_the_dataflow_and_carries_the_same_cells(paths, tmp_path):
    data_file, _ = export(paths, "sdmx-csv-1", tmp_path / "out", "2023-06")

    rows = csv_rows(data_file)
    assert data_file.name == "DF_DIGECON_2023-06_sdmx-csv-1.0.csv"
    assert list(rows[0]) == ["DATAFLOW", "REF_AREA", "INDICATOR", "FREQ", "TIME_PERIOD", "OBS_VALUE",
                             "OBS_STATUS", "CONF_STATUS", "UNIT_MEASURE", "UNIT_MULT"]
    assert {r["DATAFLOW"] for r in rows} == {"GDSTATS:DF_DIGECON(1.0)"}
    dongguan = next(r for r in rows if r["REF_AREA"] == DONGGUAN and r["INDICATOR"] == "fiveg_per_10k_people")
    assert dongguan["OBS_VALUE"] == "9"  # 9,000 / 10,000,000 × 10,000
    assert dongguan["UNIT_MEASURE"] == "UNITS_PER_10K_PERSONS"


def test_a_withheld_cell_is_blank_with_its_status_and_shows_an_ellipsis_with_a_footnote(paths, tmp_path):
    plant(paths, f"UPDATE mart.observations SET obs_status = 'Q' WHERE area_code = '{DONGGUAN}'"
                 " AND indicator_code = 'fiveg_base_stations'")

    data_file, _ = export(paths, "sdmx-csv-2", tmp_path / "out")
    (workbook,) = export(paths, "xlsx", tmp_path / "out")

    withheld = next(r for r in csv_rows(data_file) if r["REF_AREA"] == DONGGUAN and r["INDICATOR"] == "fiveg_base_stations")
    assert withheld["OBS_VALUE"] == "" and withheld["OBS_STATUS"] == "Q"
    rows = list(openpyxl.load_workbook(workbook).active.iter_rows(values_only=True))
    dongguan = next(r for r in rows if r[0] == "东莞市" and r[2] == "5G基站数")
    assert dongguan[4] == "…" and "注1" in dongguan[6] and dongguan[5].startswith("Q ")
    assert any(r[0] and r[0].startswith("1. “…”表示数值不公布") for r in rows)


def test_a_confidential_cell_leaves_blank_with_its_status(paths, tmp_path):
    # as disclosure control leaves it: no value, OBS_STATUS Q, CONF_STATUS C
    plant(paths, "UPDATE mart.observations SET conf_status = 'C', obs_status = 'Q', value = NULL"
                 f" WHERE area_code = '{SHENZHEN}' AND indicator_code = 'fiveg_base_stations'")

    data_file, _ = export(paths, "sdmx-csv-2", tmp_path / "out")

    statuses = {(r["REF_AREA"], r["INDICATOR"]): (r["CONF_STATUS"], r["OBS_VALUE"]) for r in csv_rows(data_file)}
    assert statuses[SHENZHEN, "fiveg_base_stations"] == ("C", "")
    obs = {(r["REF_AREA"], r["INDICATOR"]): r["OBS_STATUS"] for r in csv_rows(data_file)}
    assert obs[SHENZHEN, "fiveg_base_stations"] == "Q"
    assert statuses[DONGGUAN, "fiveg_base_stations"] == ("F", "9000")


# ------------------------------------------------------------------------------------------ formula injection

def test_text_that_a_spreadsheet_would_run_is_neutralised_and_numbers_are_not(paths, tmp_path):
    plant(paths, f"UPDATE ref.areas SET name_zh = '{PLANTED.replace(chr(39), chr(39) * 2)}' WHERE area_code = '{SHENZHEN}';"
                 f" UPDATE mart.observations SET area_code = '-{SHENZHEN}' WHERE area_code = '{SHENZHEN}'")
    plant(paths, f"UPDATE ref.areas SET area_code = '-{SHENZHEN}' WHERE area_code = '{SHENZHEN}'")

    data_file, _ = export(paths, "sdmx-csv-2", tmp_path / "out")
    (workbook,) = export(paths, "xlsx", tmp_path / "out")

    codes = {r["REF_AREA"] for r in csv_rows(data_file)}
    assert f"'-{SHENZHEN}" in codes and f"-{SHENZHEN}" not in codes
    sheet = openpyxl.load_workbook(workbook).active
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "'" + PLANTED in names and PLANTED not in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    values = [row[4] for row in sheet.iter_rows(min_row=3, max_row=10, values_only=True)]
    assert 50000 in values  # Shenzhen's stations stay a number


# ------------------------------------------------------------------------------------------ Parquet

def test_parquet_has_a_dataset_per_mart_split_by_year_with_the_column_comments(paths, tmp_path):
    written = export(paths, "parquet", tmp_path / "out")

    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        marts = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'mart'").fetchall()]
        counts = {t: con.execute(f'SELECT count(*) FROM mart."{t}"').fetchone()[0] for t in marts}
        comment = con.execute("SELECT comment FROM duckdb_columns() WHERE schema_name = 'mart'"
                              " AND table_name = 'observations' AND column_name = 'value'").fetchone()[0]
    assert sorted(p.name for p in written) == sorted(marts)
    for table in marts:
        assert ds.dataset(tmp_path / "out" / "parquet" / table, partitioning="hive").count_rows() == counts[table], table
    observations = ds.dataset(tmp_path / "out" / "parquet" / "observations", partitioning="hive")
    assert comment and observations.schema.field("value").metadata[b"comment"].decode() == comment
    # June 2023's stations and rates, the 2022 population: 8 rows in 2023 and 2 cities' population in 2022
    assert observations.to_table(filter=ds.field("year") == 2023).num_rows == 8
    assert {p.name for p in (tmp_path / "out" / "parquet" / "observations").iterdir()} == {"year=2022", "year=2023"}


# ------------------------------------------------------------------------------------------ Excel

def test_one_workbook_per_released_period_with_chinese_headers_and_city_names(paths, tmp_path):
    written = export(paths, "xlsx", tmp_path / "out")

    assert [p.name for p in written] == ["digecon_2023-06.xlsx"]  # only June is released
    rows = list(openpyxl.load_workbook(written[0]).active.iter_rows(values_only=True))
    assert rows[1] == ("地区", "地区层级", "指标", "计量单位", "数值", "数据状态", "说明")
    province = next(r for r in rows if r[0] == "广东省" and r[2] == "5G基站数")
    assert province[4] == "…" and province[5] == "M 缺失值"  # 2 of 21 cities: withheld
    assert "数值不公布，见注1" in province[6] and "仅含 2/21 个地市" in province[6]
    assert ("深圳市", "地市", "5G基站数", "个", 50000, "A 正常值") == next(r for r in rows if r[0] == "深圳市")[:6]


def test_the_serving_db_is_only_read(paths, tmp_path):
    before = hashlib.sha256(paths.serving_db.read_bytes()).hexdigest()
    for fmt in ("parquet", "sdmx-csv-1", "sdmx-csv-2", "xlsx"):
        export(paths, fmt, tmp_path / "out")
    assert hashlib.sha256(paths.serving_db.read_bytes()).hexdigest() == before
    assert (tmp_path / "out" / DSD_FILE).is_file()


# ------------------------------------------------------------------------------------------ the command

def test_the_command_writes_and_lists_the_files(paths, tmp_path, capsys):
    code, out, err = digecon(capsys, "export", "--format", "sdmx-csv-2", "--period", "2023-06", "-o", str(tmp_path / "o"))

    assert (code, err) == (0, "")
    assert out.split() == [str(tmp_path / "o" / "DF_DIGECON_2023-06_sdmx-csv-2.0.csv"), str(tmp_path / "o" / DSD_FILE)]


BAD = [  # argv, exit code, part of the English half
    (["--format", "xlsx", "--period", "2023-13"], 1, "'2023-13' is not a period"),
    (["--format", "xlsx", "--period", "2023-07"], 1, "2023-07 has no released observations"),
    (["--format", "parquet", "--period", "2023-06"], 1, "takes no --period"),
    (["--format", "json"], 2, "invalid choice: 'json'"),
    (["--format", "xlsx"], 2, "the following arguments are required: -o/--output"),
]


@pytest.mark.parametrize(("argv", "code", "english"), BAD, ids=[" ".join(a) for a, _, _ in BAD])
def test_bad_arguments_give_one_bilingual_line(paths, argv, code, english, tmp_path, capsys):
    if "-o" not in argv and code == 1:
        argv = [*argv, "-o", str(tmp_path / "o")]

    got, out, err = digecon(capsys, "export", *argv)

    assert (got, out) == (code, "")
    assert_one_bilingual_line(err, english)


def test_a_missing_serving_db_says_to_run_first(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path / "empty"))

    code, _, err = digecon(capsys, "export", "--format", "xlsx", "-o", str(tmp_path / "o"))

    assert code == 1
    assert_one_bilingual_line(err, "does not exist: run `digecon run` first")
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_the_dagster_asset_fills_the_home_s_exports_folder(paths):
    import dagster as dg

    from pipelines.assets import exports
    from pipelines.resources import WarehouseResource

    result = dg.materialize([exports], resources={"warehouse": WarehouseResource(home=str(paths.home))})

    assert result.success
    assert sorted(p.name for p in paths.exports.iterdir()) == [
        "DF_DIGECON_sdmx-csv-1.0.csv", "DF_DIGECON_sdmx-csv-2.0.csv", DSD_FILE, "digecon_2023-06.xlsx", "parquet"]


def test_the_documented_sdmx1_recipe_reads_the_export(paths, tmp_path, monkeypatch):
    doc = (Path(__file__).resolve().parents[1] / "docs" / "marts.md").read_text(encoding="utf-8")
    recipe = next(b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if "sdmx.read_sdmx" in b)
    export(paths, "sdmx-csv-2", tmp_path / "exports")
    monkeypatch.chdir(tmp_path)

    namespace: dict = {}
    exec(recipe, namespace)  # the documentation's own code, run in the folder holding exports/

    assert sum(len(data_set.obs) for data_set in namespace["data"].data) == 8
