"""mart.target_lights: a target's light against the previous release's, and why it changed.

Two city targets of 60,000 5G stations by the end of 2023, measured on released values. Shenzhen's light
turns red only because its August, already released, was revised; Dongguan's because September came in
low. Every status below is worked out by hand from the run-rate rule of mart.target_progress:
projection = actual + (actual − the value 12 months earlier) / 12 × months left to 31 December 2023;
on track from 100 % of the target, at risk from 90 %, else off track."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from mart_support import DONGGUAN, SHENZHEN, Loader, prepared_build_db

from pipelines.paths import Paths
from pipelines.publish import publish
from pipelines.target_lights import build_target_lights

COLUMNS = ("previous_light, revised_light, light, change_cause, revision_submission_ids, new_data_submission_ids,"
           " previous_actual_time_period, actual_time_period, change_note_zh, change_note_en")


@pytest.fixture
def lights(tmp_path):
    paths = Paths.resolve(tmp_path / "home")
    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        for city in (SHENZHEN, DONGGUAN):
            loader.target(f"fiveg_{city}", "fiveg_base_stations", city, 2023, 60_000)
        ids = {}
        ids["august"] = loader.submit("gdca", [(c, p, "M", "fiveg_base_stations", v) for c in (SHENZHEN, DONGGUAN)
                                               for p, v in (("2022-08-01", 45_000), ("2022-09-01", 45_500),
                                                            ("2023-08-01", 57_000))], "2023-09-05 10:00")
        for month, at in (("2022-08", "2022-09-20 09:00"), ("2022-09", "2022-10-20 09:00"),
                          ("2023-08", "2023-09-20 09:00")):  # 2023-08's is the previous release
            loader.release(month, at)
        ids["september"] = loader.submit("gdca", [(c, "2023-09-01", "M", "fiveg_base_stations", 51_500)
                                                  for c in (SHENZHEN, DONGGUAN)], "2023-10-05 10:00")
        loader.release("2023-09", "2023-10-20 09:00")  # the latest release
        ids["recount"] = loader.submit("gdca", [(SHENZHEN, "2023-08-01", "M", "fiveg_base_stations", 51_000,
                                                 "recount")], "2023-10-25 14:00")
        loader.rebuild(reference_date="2023-10-30")
        build_target_lights(con, reference_date=dt.date(2023, 10, 30))
        yield loader, ids, paths


def light(loader, city):
    return loader.row(f"SELECT {COLUMNS} FROM mart.target_lights WHERE target_id = ? AND basis = 'released'",
                      [f"fiveg_{city}"])


def test_a_light_turned_red_by_a_revision_says_so_and_names_the_submission(lights):
    loader, ids, _ = lights
    (previous, revised, now, cause, revisions, new_data, previous_period, period, note_zh, note_en) = \
        light(loader, SHENZHEN)
    # At the previous release (20 September, August released): 57,000 + (57,000 − 45,000) / 12 × 4 = 61,000,
    # 101.7 % of 60,000: on track, green.
    assert (previous, previous_period) == ("green", "2023-08")
    # The same August with its recount since: 51,000 + (51,000 − 45,000) / 12 × 4 = 53,000, 88.3 %: red.
    assert revised == "red"
    # Today, September: 51,500 + (51,500 − 45,500) / 12 × 3 = 53,000, 88.3 %: red, as the revision made it.
    assert (now, period) == ("red", "2023-09")
    assert cause == "revision"
    assert revisions == [ids["recount"]] and new_data == [ids["september"]]
    assert f"#{ids['recount']} gdca-{ids['recount']}.csv (gdca)" in note_en
    assert note_en.startswith("turned red from green because earlier data (2023-08) were revised")
    assert note_zh.startswith("由绿变红：因早期数据（2023-08）被修订，报送批次 #")


def test_a_light_turned_red_by_a_new_period_is_put_down_to_new_data(lights):
    loader, ids, _ = lights
    (previous, revised, now, cause, revisions, new_data, _, period, _, note_en) = light(loader, DONGGUAN)
    # Dongguan's August was not revised: green at the previous release and with today's revisions; its
    # September (51,500, the same run-rate as Shenzhen's) turns it red.
    assert (previous, revised, now, period) == ("green", "green", "red", "2023-09")
    assert cause == "new_data" and revisions == [] and new_data == [ids["september"]]
    assert note_en == (f"turned red from green with new data (2023-09): submission(s) #{ids['september']}"
                       f" gdca-{ids['september']}.csv (gdca)")


def test_the_lights_reach_the_serving_db_with_their_key_and_leave_the_marts_as_they_were(lights):
    loader, _, paths = lights
    # the previous release was rebuilt in a rolled-back transaction: today's marts are untouched
    assert loader.mart(SHENZHEN, "fiveg_base_stations", "2023-08-01") == 51_000
    assert loader.row("SELECT count(*) FROM ops.releases") == (4,)
    publish(loader.con, paths.serving_db)
    with duckdb.connect(str(paths.serving_db), read_only=True) as serving:
        assert serving.execute("SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name ="
                               " 'target_lights' AND constraint_type = 'PRIMARY KEY'").fetchone() == (
            ["target_id", "basis"],)
        assert serving.execute("SELECT count(*) FROM mart.target_lights").fetchone() == \
            loader.row("SELECT count(*) FROM mart.target_progress")


def test_without_a_previous_release_there_is_nothing_to_compare(tmp_path):
    paths = Paths.resolve(tmp_path / "home")
    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        loader.submit("gdca", [(SHENZHEN, "2023-08-01", "M", "fiveg_base_stations", 57_000)], "2023-09-05 10:00")
        loader.release("2023-08", "2023-09-20 09:00")
        loader.rebuild(reference_date="2023-10-30")
        build_target_lights(con, reference_date=dt.date(2023, 10, 30))
        assert loader.rows("SELECT DISTINCT previous_light, change_cause, change_note_en FROM mart.target_lights") == \
            [(None, None, "no previous release to compare with")]
