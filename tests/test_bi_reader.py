"""The serving DB as BI tools see it: read-only readers during a run, documentation, released views."""

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from mart_support import SHENZHEN, Loader, prepared_build_db, publish_shenzhen_june

from pipelines.paths import Paths
from pipelines.publish import publish

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3}")


@pytest.fixture
def paths(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    return Paths.resolve(tmp_path / "home")


def published(paths):
    """A build DB with a little data, rebuilt and published, June released; Shenzhen's June value is 50,000."""
    return publish_shenzhen_june(paths, release_june=True)


SHENZHEN_JUNE = ("SELECT value FROM mart.observations WHERE area_code = '440300'"
                 " AND indicator_code = 'fiveg_base_stations'")


def test_a_reader_holds_its_connection_while_a_run_publishes(paths):
    from pipelines.assets import derived_indicators, mart_assets, pipeline_assets, serving_db
    from pipelines.checks import pipeline_checks
    from pipelines.resources import WarehouseResource

    next_id = published(paths)
    with prepared_build_db(paths) as con:  # a revision waits in the build DB for the next run
        loader = Loader(con, paths)
        loader.next_id = next_id
        loader.submit("gdca", [(SHENZHEN, "2023-06-01", "M", "fiveg_base_stations", 51000)], "2023-07-25 10:00")

    reader = duckdb.connect(str(paths.serving_db), read_only=True)
    seen: set[float] = set()
    errors: list[BaseException] = []
    stop = threading.Event()
    started = threading.Event()

    def keep_reading():
        cursor = reader.cursor()  # a cursor per thread: DuckDB connections are not shared across threads
        try:
            while not stop.is_set():
                seen.add(cursor.execute(SHENZHEN_JUNE).fetchone()[0])
                cursor.execute("SELECT count(*) FROM mart.v_released_observations").fetchone()
                started.set()
        except Exception as exc:  # noqa: BLE001 - any error the reader meets fails the test
            errors.append(exc)
            started.set()

    thread = threading.Thread(target=keep_reading)
    thread.start()
    started.wait(timeout=30)
    try:
        result = dg.materialize(
            [*pipeline_assets, *pipeline_checks],
            selection=dg.AssetSelection.assets(derived_indicators, *mart_assets, serving_db),
            resources={"warehouse": WarehouseResource(home=str(paths.home), reference_date="2024-01-10")},
            instance=dg.DagsterInstance.ephemeral(),
        )
    finally:
        stop.set()
        thread.join(timeout=30)

    assert result.success
    assert errors == [] and seen == {50000}  # the reader kept its snapshot and never failed
    assert reader.execute(SHENZHEN_JUNE).fetchone()[0] == 50000
    reader.close()
    fresh = duckdb.connect(str(paths.serving_db), read_only=True)
    assert fresh.execute(SHENZHEN_JUNE).fetchone()[0] == 51000  # reconnecting shows the new snapshot
    # the revised city value, and the city's 5G stations per 10,000 people it changed: 51,000 / 17,000,000
    assert fresh.execute("SELECT indicator_code, old_value, new_value FROM mart.v_released_revisions"
                         " ORDER BY indicator_code").fetchall() == [
        ("fiveg_base_stations", 50000, 51000),
        ("fiveg_per_10k_people", pytest.approx(50000 / 1700), pytest.approx(51000 / 1700))]
    fresh.close()
    failed = [(e.check_name, e.severity) for e in result.get_asset_check_evaluations() if not e.passed]
    # Only two cities reported: the warning that cities are missing, nothing else.
    assert failed == [("every_city_present", dg.AssetCheckSeverity.WARN)]


def test_every_serving_table_view_and_column_is_documented_in_chinese_and_english(paths):
    published(paths)
    serving = duckdb.connect(str(paths.serving_db), read_only=True)
    try:
        relations = serving.execute(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE NOT internal"
            " UNION ALL SELECT schema_name, view_name, comment FROM duckdb_views() WHERE NOT internal"
            " AND schema_name IN ('ref', 'mart')").fetchall()
        columns = serving.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns()"
            " WHERE schema_name IN ('ref', 'mart')").fetchall()
    finally:
        serving.close()
    names = {f"{schema}.{name}" for schema, name, _ in relations}
    assert {"mart.observations", "mart.growth", "mart.target_progress", "mart.gigabit_city", "mart.completeness",
            "mart.data_quality", "mart.revisions", "mart.submission_revisions", "mart.published_vintages",
            "mart.discrepancies", "mart.v_released_observations",
            "mart.v_released_growth", "mart.v_released_target_progress", "mart.v_released_gigabit_city",
            "mart.v_released_revisions"} <= names
    assert {schema for schema, _, _ in relations} == {"ref", "mart"}  # never core or ops
    undocumented = [f"{s}.{n}" for s, n, comment in relations if not _bilingual(comment)]
    undocumented += [f"{s}.{t}.{c}" for s, t, c, comment in columns if not _bilingual(comment)]
    assert undocumented == []


def _bilingual(comment):
    return bool(comment and CJK.search(comment) and LATIN.search(comment))


def test_bi_reads_released_views_rounds_half_away_and_opens_with_older_drivers(paths):
    published(paths)
    serving = duckdb.connect(str(paths.serving_db), read_only=True)
    try:
        assert serving.execute("SELECT DISTINCT time_period FROM mart.v_released_observations").fetchall() == [
            ("2023-06",)]
        assert serving.execute("SELECT count(*) FROM mart.v_released_target_progress").fetchone()[0] == \
            serving.execute("SELECT count(*) FROM ref.targets").fetchone()[0]
        # 2.675 is 2.67499… in binary: round() says 2.67; official display rounds half away from zero.
        assert serving.execute("SELECT mart.round_half_away(2.675, 2), mart.round_half_away(-2.675, 2),"
                               " mart.round_half_away(0.5, 0)").fetchone() == (2.68, -2.68, 1.0)
        tags = serving.execute("SELECT tags FROM duckdb_databases() WHERE NOT internal").fetchone()[0]
        assert tags["storage_version"].startswith("v1.2.0")  # readable by DuckDB 1.2+ BI drivers
    finally:
        serving.close()


def test_a_duckdb_1_2_driver_reads_the_views_macro_comments_and_keys(paths):
    old_client = Path(sys.prefix) / "duckdb-1.2"  # installed by `make install` beside the venv
    assert old_client.exists(), "run `make install`: it puts a DuckDB 1.2 client beside the venv"
    published(paths)
    script = (
        "import duckdb, json, sys; c = duckdb.connect(sys.argv[1], read_only=True); print(duckdb.__version__);"
        " print(c.execute(\"SELECT value FROM mart.v_released_observations WHERE area_code = '440300'"
        " AND indicator_code = 'fiveg_base_stations'\").fetchone()[0]);"
        " print(c.execute('SELECT mart.round_half_away(2.675, 2)').fetchone()[0]);"
        " print(c.execute(\"SELECT comment FROM duckdb_columns() WHERE table_name = 'v_released_growth'"
        " AND column_name = 'yoy_growth'\").fetchone()[0]);"
        " print(c.execute(\"SELECT area_name_zh || ' ' || obs_status_zh FROM mart.v_released_observations"
        " WHERE area_code = '440300' AND indicator_code = 'fiveg_base_stations'\").fetchone()[0]);"
        " print(json.dumps(dict(c.execute(\"SELECT schema_name || '.' || table_name, constraint_column_names"
        " FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'\").fetchall())))")
    out = subprocess.run([sys.executable, "-c", script, str(paths.serving_db)], check=True, text=True,
                         capture_output=True, env={"PYTHONPATH": str(old_client)}).stdout.splitlines()
    assert out[0].startswith("1.2.") and float(out[1]) == 50000 and float(out[2]) == 2.68
    assert out[3].startswith("同比增长")
    assert out[4] == "深圳市 正常值"
    assert json.loads(out[5]) == SERVING_KEYS  # the old client sees the same keys


# Each published table's natural key, as BI tools read it back (written out here, not read from the code).
SERVING_KEYS = {
    "ref.areas": ["area_code"],
    "ref.area_members": ["area_code", "member_code"],
    "ref.cities": ["city_code"],
    "ref.indicators": ["indicator_code"],
    "ref.targets": ["target_id"],
    "ref.profiles": ["profile", "indicator_code", "city_code"],
    "ref.reporting_calendar": ["freq"],
    "ref.gigabit_city_thresholds": ["indicator_code"],
    "ref.status_labels": ["code_list", "code"],
    "ref.aggregation_rules": ["imputation_method"],
    "ref.disclosure_rules": ["min_units"],
    "ref.anomaly_rules": ["rule", "parameter"],
    "mart.observations": ["area_code", "period", "indicator_code"],
    "mart.growth": ["area_code", "period", "indicator_code"],
    "mart.target_progress": ["target_id", "basis"],
    "mart.gigabit_city": ["basis", "area_code", "indicator_code"],
    "mart.completeness": ["area_code", "indicator_code", "period"],
    "mart.published_vintages": ["area_code", "period", "indicator_code", "valid_from"],
    "mart.revisions": ["area_code", "period", "indicator_code", "changed_at"],
    "mart.submission_revisions": ["change_type", "submission_id", "area_code", "period", "indicator_code"],
    "mart.discrepancies": ["area_code", "period", "indicator_code", "pilot"],
    "mart.data_quality": ["submission_id", "rule"],
    "mart.anomalies": ["area_code", "period", "indicator_code", "rule"],
    "mart.publication": ["build_generation"],
    "mart.lineage": ["area_code", "period", "indicator_code", "role", "input_area_code", "input_period",
                     "input_indicator_code", "submission_id"],
    "mart.register_crosscheck": ["area_code", "period", "indicator_code"],
    "mart.register_site_bands": ["area_code", "period", "band"],
}


def test_every_serving_table_has_its_natural_key(paths):
    published(paths)
    with duckdb.connect(str(paths.serving_db), read_only=True) as serving:
        keys = dict(serving.execute(
            "SELECT schema_name || '.' || table_name, constraint_column_names FROM duckdb_constraints()"
            " WHERE constraint_type = 'PRIMARY KEY'").fetchall())
        tables = {name for (name,) in serving.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE NOT internal").fetchall()}
    assert keys == SERVING_KEYS
    assert tables == set(SERVING_KEYS)  # every table has one


def test_a_duplicate_key_fails_the_publish_and_keeps_the_old_file(paths):
    published(paths)
    with duckdb.connect(str(paths.serving_db), read_only=True) as serving:
        before = serving.execute("SELECT count(*) FROM mart.growth").fetchone()[0]
    with prepared_build_db(paths) as con:
        con.execute("INSERT INTO mart.growth SELECT * FROM mart.growth WHERE area_code = '440300'")
        with pytest.raises(duckdb.ConstraintException) as failure:
            publish(con, paths.serving_db)
    assert "sql/serving/mart/growth.sql" in "".join(failure.value.__notes__)  # says which mart
    assert [p.name for p in paths.serving_db.parent.iterdir()] == [paths.serving_db.name]  # no staging left
    with duckdb.connect(str(paths.serving_db), read_only=True) as serving:
        assert serving.execute("SELECT count(*) FROM mart.growth").fetchone()[0] == before  # the old file


# Label columns each released view adds right after the code they name.
LABELS = {"area_code": ["area_name_zh", "area_name_en"], "indicator_code": ["indicator_name_zh", "indicator_name_en"],
          "obs_status": ["obs_status_zh"], "conf_status": ["conf_status_zh"], "actual_obs_status": ["actual_obs_status_zh"],
          "old_obs_status": ["old_obs_status_zh"], "new_obs_status": ["new_obs_status_zh"],
          "target_status": ["target_status_zh"], "target_scope": ["target_scope_zh"], "rule": ["rule_zh", "rule_en"]}


def test_released_views_carry_names_and_status_labels_beside_the_codes(paths):
    published(paths)
    with duckdb.connect(str(paths.serving_db), read_only=True) as serving:
        def columns(name):
            return [c for (c,) in serving.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'mart' AND table_name = ?"
                " ORDER BY column_index", [name]).fetchall()]

        views = [v for (v,) in serving.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'mart' ORDER BY 1").fetchall()]
        assert views == ["v_released_anomalies", "v_released_gigabit_city", "v_released_growth",
                         "v_released_observations", "v_released_revisions", "v_released_target_progress"]
        for view in views:
            table = columns(view.removeprefix("v_released_"))
            # every column of the table but basis, in its order, each code followed by its labels
            assert columns(view) == [c for column in table if column != "basis"
                                     for c in [column, *LABELS.get(column, [])]], view
            for code, labels in LABELS.items():
                for label in labels if code in table else []:
                    unlabelled = serving.execute(
                        f"SELECT count(*) FROM mart.{view} WHERE {code} IS NOT NULL AND {label} IS NULL").fetchone()[0]
                    assert unlabelled == 0, (view, label)
        assert serving.execute(
            "SELECT area_code, area_name_zh, area_name_en, indicator_name_zh, indicator_name_en, value, obs_status,"
            " obs_status_zh FROM mart.v_released_observations WHERE indicator_code = 'fiveg_base_stations'"
            " ORDER BY area_code").fetchall() == [
            # 2 of the province's 21 cities and of the Pearl River Delta's 9: withheld, no value (M)
            ("440000", "广东省", "Guangdong", "5G基站数", "5G base stations", None, "M", "缺失值"),
            ("440300", "深圳市", "Shenzhen", "5G基站数", "5G base stations", 50000, "A", "正常值"),
            ("441900", "东莞市", "Dongguan", "5G基站数", "5G base stations", 9000, "A", "正常值"),
            ("GD-PRD", "珠三角", "Pearl River Delta", "5G基站数", "5G base stations", None, "M", "缺失值")]
        # Nothing released covers every city yet: no target has data.
        assert serving.execute("SELECT DISTINCT target_status, target_status_zh FROM mart.v_released_target_progress"
                               ).fetchall() == [("no_data", "暂无数据")]


def test_status_labels_cover_the_completeness_vocabulary(paths):
    """The board's CHECK constraint (sql/schema/40_mart.sql) and ref.status_labels list the same codes."""
    published(paths)
    with prepared_build_db(paths) as con:
        check = con.execute("SELECT constraint_text FROM duckdb_constraints() WHERE constraint_type = 'CHECK'"
                            " AND table_name = 'completeness' AND schema_name = 'mart'").fetchone()[0]
    with duckdb.connect(str(paths.serving_db), read_only=True) as serving:
        labelled = {code for (code,) in serving.execute(
            "SELECT code FROM ref.status_labels WHERE code_list = 'completeness_status'").fetchall()}
    assert set(re.findall(r"'(\w+)'", check)) == labelled == {
        "received", "received_late", "rejected", "missing", "not_yet_due"}


def test_the_intakes_reads_of_the_serving_db_match_the_published_marts(paths):
    """sql/serving_reads/ run against a real published file, not a hand-made one: a renamed mart column
    must fail here rather than quietly leave the history rules "not evaluable"."""
    from indicators.reference import profiles
    from indicators.served import read_served

    publish_shenzhen_june(paths)
    served = read_served(paths.serving_db, profiles()["gdca"])
    june = served[(served.city_code == SHENZHEN) & (served.indicator_code == "fiveg_base_stations")]
    assert june[["served_value", "served_source", "previous_value"]].values.tolist() == [[50000, "gdca", 50000]]
