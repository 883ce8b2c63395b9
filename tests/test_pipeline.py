"""The whole pipeline in-process: definitions, a full materialisation, the sample run, idempotence, rebuild."""

import datetime as dt

import dagster as dg
import duckdb
import pytest

from indicators import reference
from indicators.clock import SHANGHAI
from pipelines import runner
from pipelines.build import open_build_db
from pipelines.paths import Paths
from pipelines.assets import _shown, pipeline_assets
from pipelines.definitions import defs
from pipelines.partitions import monthly_partitions_until, partition_period
from pipelines.resources import WarehouseResource

REFERENCE_DATE = dt.date(2024, 1, 10)
pytestmark = pytest.mark.slow


@pytest.fixture
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DIGECON_HOME", str(home))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    return Paths.resolve(home)


def test_definitions_load_with_jobs_checks_and_schedule():
    repo = defs.get_repository_def()
    assert {"ingest_job", "period_job"} <= {job.name for job in repo.get_all_jobs()}
    assert len(list(defs.resolve_asset_graph().asset_check_keys)) >= 4
    for asset in pipeline_assets:
        for spec in asset.specs:
            assert spec.description, f"{spec.key} needs a business docstring"
            assert spec.group_name in {"intake", "core", "marts", "publish"}


@pytest.mark.parametrize(("name", "job", "hour"), [("monthly_on_the_10th", "period_job", 6),
                                                    ("bulletin_on_the_10th", "report_job", 7)])
def test_schedules_run_on_the_10th_for_the_previous_month_in_shanghai_time(name, job, hour):
    """The board when the month's data is due, the bulletin an hour later."""
    schedule = defs.resolve_schedule_def(name)
    assert (schedule.job_name, schedule.execution_timezone) == (job, "Asia/Shanghai")
    assert schedule.cron_schedule == f"0 {hour} 10 * *"
    assert schedule.description
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=dt.datetime(
            2024, 1, 10, hour, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
        requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2023-12"]


def test_partitions_are_months_as_written_and_end_at_the_reference_dates_last_closed_month():
    partitions = monthly_partitions_until(dt.date(2024, 1, 10))
    keys = partitions.get_partition_keys()
    assert (keys[0], keys[-1], len(keys)) == ("2021-01", "2023-12", 36)
    assert partition_period("2023-12") == dt.date(2023, 12, 1)


def _land_csv(paths, name, profile, text, received):
    landing = paths.landing_zone()
    return landing.receive(text.encode("utf-8"), name, profile, "test",
                           dt.datetime.fromisoformat(received).replace(tzinfo=SHANGHAI))


def test_an_ingest_run_opens_the_build_db_for_writing_once_per_asset_and_checks_only_read(
        isolated_home, monkeypatch):
    paths = isolated_home
    _land_csv(paths, "gdca_2023-12.csv", "gdca", "城市代码,期间,指标代码,数值,单位\n440300,2023-12,fiveg_base_stations,1000,个\n",
              "2024-01-05T10:00:00")
    opens = []
    real_connect = duckdb.connect

    def counting(database=":memory:", *args, **kwargs):
        if str(database) == str(paths.build_db):
            opens.append("read" if kwargs.get("read_only") else "write")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", counting)
    job = defs.resolve_job_def("ingest_job")
    with dg.DagsterInstance.get() as instance:  # entered: Dagster's defs-state storage is this instance's
        result = job.execute_in_process(
            instance=instance,
            run_config={"resources": {"warehouse": {"config": {"home": str(paths.home), "reference_date": "2024-01-10"}}}})
    assert result.success
    assets = len(job.asset_layer.executable_asset_keys)
    checks = len(result.get_asset_check_evaluations())
    # One open for the run's schema, then at most one per asset; every check and preview reads.
    assert 1 < opens.count("write") <= assets + 1
    assert opens.count("read") >= checks >= 8


def test_whole_graph_materialises_in_process_with_row_counts(isolated_home):
    paths = isolated_home
    census = "城市代码,期间,指标代码,数值,单位\n" + "".join(
        f"{c.code},2020,resident_population,{c.population_census_2020},人\n" for c in reference.cities())
    stations = "城市代码,期间,指标代码,数值,单位\n" + "".join(
        f"{c.code},2023-12,fiveg_base_stations,{1000 + n},个\n" for n, c in enumerate(reference.cities()))
    _land_csv(paths, "census.csv", "gdstats", census, "2021-05-11T09:00:00")
    _land_csv(paths, "gdca_2023-12.csv", "gdca", stations, "2024-01-05T10:00:00")

    with dg.DagsterInstance.get() as instance:
        result = dg.materialize(
            pipeline_assets, partition_key="2023-12",
            resources={"warehouse": WarehouseResource(home=str(paths.home), reference_date="2024-01-10")},
            instance=instance,
        )
    assert result.success
    # What the UI shows for a table asset: its name, row count, and every column with its zh/en comment.
    [materialized] = result.asset_materializations_for_node("mart_observations")
    metadata = materialized.metadata
    assert metadata["dagster/table_name"].value == "mart.observations"
    assert metadata["dagster/row_count"].value > 0
    columns = metadata["dagster/column_schema"].value.columns
    assert [c.name for c in columns if not c.description or " / " not in c.description] == []
    assert metadata["preview"].records  # a table preview, not a markdown string
    con = duckdb.connect(str(paths.serving_db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM mart.observations WHERE indicator_code ="
                           " 'fiveg_per_10k_people' AND period = DATE '2023-12-01'").fetchone()[0] == 21 + 4 + 1
        # The partition key reached SQL as a date: December's board has a row per city × monthly indicator.
        monthly = sum(1 for i in reference.base_indicators() if i.freq == "M")
        quarterly = sum(1 for i in reference.base_indicators() if i.freq == "Q")
        annual = sum(1 for i in reference.base_indicators() if i.freq == "A")
        board = con.execute("SELECT count(*) FROM mart.completeness WHERE period_month = DATE '2023-12-01'"
                            ).fetchone()[0]
        assert board == 21 * (monthly + quarterly + annual)
        received = con.execute("SELECT count(*) FROM mart.completeness WHERE period_month = DATE '2023-12-01'"
                               " AND indicator_code = 'fiveg_base_stations' AND completeness_status = 'received'").fetchone()[0]
        assert received == 21
    finally:
        con.close()


def test_previews_show_stored_instants_in_shanghai_time():
    """The build DB stores instants; a preview read over a UTC connection shows them in the calendar's zone."""
    assert _shown(dt.datetime(2023, 12, 5, 2, 26, 14, tzinfo=dt.timezone.utc)) == "2023-12-05 10:26:14+08:00"

@pytest.fixture(scope="module")
def sample_run(sample_home):
    """The session's sample warehouse (tests/conftest.py), with its Dagster instance for this module's reruns."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(sample_home.home.parent / "dagster"))
        yield sample_home


def serving(paths):
    return duckdb.connect(str(paths.serving_db), read_only=True)


def test_sample_run_answers_fiveg_per_10k_for_every_city_and_the_province(sample_run):
    con = serving(sample_run)
    try:
        areas = {r[0] for r in con.execute(
            "SELECT area_code FROM mart.observations WHERE indicator_code = 'fiveg_per_10k_people'"
            " AND period = DATE '2023-12-01'").fetchall()}
    finally:
        con.close()
    assert {c.code for c in reference.cities()} | {"440000"} <= areas


def test_every_agency_value_in_the_sample_files_loads_exactly_as_generated(sample_run):
    """The readers on the real sample layouts (CSV UTF-8/GB18030, XLSX with titles, long and wide)."""
    from indicators.sample import sample_values

    truth = sample_values()
    with open_build_db(sample_run) as con:
        loaded = con.execute(
            "SELECT o.indicator_code, o.area_code, o.period, o.value FROM core.observations o"
            " JOIN ref.profiles p ON p.profile = o.source AND p.indicator_code = o.indicator_code"
            " AND p.city_code = o.area_code WHERE p.profile_kind = 'agency'").fetchall()
    assert len(loaded) > 13_000
    wrong = [(code, city, period, value, truth.get((code, city, period)))
             for code, city, period, value in loaded
             if truth.get((code, city, period)) is None or abs(value - truth[(code, city, period)]) > 1e-9]
    # but for the two planted wrong figures: gdca's August missed 37 sites (its correction carries the truth),
    # and gdgsa's withdrawn correction took 12 villages off
    shaoguan, zhanjiang = ("fiveg_base_stations", "440200", dt.date(2023, 8, 1)), ("admin_villages_yzz", "440800",
                                                                                   dt.date(2023, 9, 1))
    assert sorted(wrong) == sorted([(*shaoguan, truth[shaoguan] - 37, truth[shaoguan]),
                                    (*zhanjiang, truth[zhanjiang] - 12, truth[zhanjiang])])


def test_sample_run_rejects_the_planted_file_and_loads_the_rest(sample_run):
    with open_build_db(sample_run) as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM ops.submissions GROUP BY status").fetchall())
        landed = len(sample_run.landing_zone().receipts())
    assert statuses.get("rejected") == 1
    assert statuses["accepted"] + statuses["rejected"] == landed


def test_sample_run_plays_the_release_history_up_to_november_2023(sample_run):
    """`make run` releases every month up to 2023-11 as the sample's analyst did; 2023-12 stays provisional."""
    released_months = [f"{year}-{month:02d}" for year in (2021, 2022, 2023) for month in range(1, 13)][:-1]
    with open_build_db(sample_run, read_only=True) as con:
        releases = con.execute("SELECT strftime(period, '%Y-%m'), released_by, released_at FROM ops.releases"
                               " ORDER BY period").fetchall()
    assert [month for month, _, _ in releases] == released_months
    assert {by for _, by, _ in releases} == {"周敏"}
    # November: due 2023-12-10, released ten days later at 10:00 Shanghai time (02:00 UTC).
    assert releases[-1][2] == dt.datetime(2023, 12, 20, 2, 0, tzinfo=dt.timezone.utc)
    assert [(r.period, r.released_at) for r in sample_run.landing_zone().releases()] == [
        (dt.date.fromisoformat(month + "-01"), at) for month, _, at in releases]  # a rebuild replays them
    con = serving(sample_run)
    try:
        monthly = [r[0] for r in con.execute("SELECT DISTINCT time_period FROM mart.v_released_observations"
                                             " WHERE freq = 'M' ORDER BY 1").fetchall()]
        other = {r[0] for r in con.execute("SELECT DISTINCT time_period FROM mart.v_released_observations"
                                           " WHERE freq <> 'M'").fetchall()}
        december = con.execute("SELECT DISTINCT obs_status, released FROM mart.observations"
                               " WHERE time_period IN ('2023-12', '2023-Q4', '2023')").fetchall()
        november = con.execute("SELECT DISTINCT obs_status FROM mart.v_released_observations"
                                " WHERE time_period = '2023-11' AND from_source_of_record").fetchall()
    finally:
        con.close()
    assert monthly == released_months
    assert other == {f"{year}-Q{q}" for year in (2021, 2022, 2023) for q in (1, 2, 3, 4)} - {"2023-Q4"} | {
        "2021", "2022"}
    # Not released: provisional, or a break (B), an imputed total (E) or a withheld one (M); never A.
    assert {released for _, released in december} == {False}
    assert ("P", False) in december and {status for status, _ in december} <= {"P", "B", "E", "M"}
    # Released and from the agency of record: A, and E for the totals short of Yunfu's missing November,
    # imputed (no pilot figure keeps a released value at P any more).
    assert sorted(november) == [("A",), ("E",)]

def test_sample_anomalies_are_the_planted_ones_and_three_outliers_of_the_sample_noise(sample_run):
    """mart.anomalies on the sample (tests/test_anomalies.py has the rules on hand-made data): each anomaly
    planted in indicators/sample.py is flagged by its rule, and nothing else is flagged but three identifier-
    resolution months whose random draws are genuine outliers: Chaozhou 2021-06 (+50.2 % when the median city
    moved +0.6 %) and Jiangmen 2023-02 (+27.3 % when the others fell 9.4 % for the Spring Festival)."""
    from indicators import sample

    def cell(key, period):
        indicator, city, _ = key
        return city, period, indicator

    planted = {
        (*cell(sample.UNIT_SLIP, "2023-12"), "unit_slip"),
        # Jiangmen's +38.2 % against the cities' +2.8 % is out of line by either change rule.
        (*cell(sample.LEVEL_JUMP, "2023-12"), "modified_z"), (*cell(sample.LEVEL_JUMP, "2023-12"), "hidiroglou_berthelot"),
        # Shanwei's October + November sent as November: off its season and its change; HB weighs a small city
        # down and lets it pass.
        (*cell(sample.SEASONAL_SLIP, "2023-11"), "seasonal"), (*cell(sample.SEASONAL_SLIP, "2023-11"), "modified_z"),
        (*cell(sample.PILOT_FALL[1], "2023-12"), "monotone_fall"),
    }
    natural = {("445100", "2021-06", "iiot_identifier_resolutions", "modified_z"),
               ("440700", "2023-02", "iiot_identifier_resolutions", "modified_z"),
               ("440700", "2023-02", "iiot_identifier_resolutions", "hidiroglou_berthelot")}
    truth = sample.sample_values()
    con = serving(sample_run)
    try:
        found = con.execute("SELECT area_code, time_period, indicator_code, rule FROM mart.anomalies").fetchall()
        slip = con.execute("SELECT value, compared_value, score FROM mart.anomalies WHERE rule = 'unit_slip'").fetchone()
        fall = con.execute("SELECT value, compared_value FROM mart.anomalies WHERE rule = 'monotone_fall'").fetchone()
        released = con.execute("SELECT count(*) FROM mart.v_released_anomalies").fetchone()[0]
    finally:
        con.close()
    assert set(found) == planted | natural and len(found) == len(planted | natural)
    indicator, city, month = sample.UNIT_SLIP
    november = truth[(indicator, city, dt.date(2023, 11, 1))]
    assert slip == (truth[sample.UNIT_SLIP], november, truth[sample.UNIT_SLIP] / november)
    indicator, city, month = sample.PILOT_FALL[1]
    november = truth[(indicator, city, dt.date(2023, 11, 1))]  # gdiit's, the source of record, then the pilot's
    assert fall == (round(november * sample.PILOT_FALL_FACTOR), november)
    assert released == 5  # the natural three and Shanwei's two: November and earlier are released


def test_second_run_with_no_new_files_changes_nothing(sample_run, capsys):
    before = sample_run.serving_db.stat().st_mtime_ns
    runner.run(sample_run, REFERENCE_DATE, with_sample=True)
    assert "nothing changed" in capsys.readouterr().out
    assert sample_run.serving_db.stat().st_mtime_ns == before


def test_rebuild_from_the_landing_zone_gives_identical_marts(sample_run):
    def snapshot():
        con = serving(sample_run)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'mart'"
                " AND table_name <> 'publication' ORDER BY 1").fetchall()]  # the stamp holds the publish's time
            return {t: con.execute(f"SELECT * FROM mart.{t} ORDER BY ALL").fetchall() for t in tables}
        finally:
            con.close()

    before = snapshot()
    runner.rebuild(sample_run, REFERENCE_DATE)
    after = snapshot()
    assert before.keys() == after.keys()
    for table in before:
        assert before[table] == after[table], f"mart.{table} differs after rebuild"
