"""Releasing a period, and revisions after the release."""

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest
from mart_support import DONGGUAN, FOSHAN, GUANGZHOU, SHENZHEN, Loader, prepared_build_db, shanghai

from indicators import reference
from pipelines.build import sync_landing_acts
from pipelines.paths import Paths
from pipelines.publish import publish


@pytest.fixture
def paths(tmp_path):
    return Paths.resolve(tmp_path / "home")


def test_release_then_a_revision_after_release(paths):
    june = "2023-06-01"
    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        first = loader.submit("gdca", [(SHENZHEN, june, "M", "fiveg_base_stations", 40000),
                                       (DONGGUAN, june, "M", "fiveg_base_stations", 9000),
                                       (SHENZHEN, "2023-05-01", "M", "fiveg_base_stations", 39000)], "2023-07-05 10:00")
        second = loader.submit("gdca", [(SHENZHEN, june, "M", "fiveg_base_stations", 41000, "sites commissioned late")],
                               "2023-07-20 10:00")
        loader.release("2023-06", "2023-08-01 09:00", by="王分析")
        audit = loader.submit("gdca", [(SHENZHEN, june, "M", "fiveg_base_stations", 41500, "annual audit")],
                              "2023-08-15 10:00")
        same = loader.submit("gdca", [(SHENZHEN, june, "M", "fiveg_base_stations", 41500)], "2023-08-16 10:00")
        loader.withdraw(same, "2023-08-18 10:00", "duplicate")  # falls back to the audit's equal value
        loader.withdraw(audit, "2023-08-20 10:00", "sent the wrong file")  # back to 41,000
        loader.submit("pilot-440300", [(SHENZHEN, june, "M", "fiveg_base_stations", 45000)], "2023-08-17 10:00")
        pilot = loader.submit("pilot-440300", [(SHENZHEN, june, "M", "fiveg_base_stations", 45500)],
                              "2023-08-19 10:00")
        loader.rebuild()

        assert loader.row("SELECT released_at, released_by FROM ops.releases") == (shanghai("2023-08-01 09:00"), "王分析")
        assert loader.row("SELECT value, obs_status, released, submission_id FROM mart.observations"
                          " WHERE area_code = ? AND indicator_code = 'fiveg_base_stations' AND period = ?",
                          [SHENZHEN, dt.date(2023, 6, 1)]) == (41000, "A", True, second)
        # The submitters' side: every change each source made to its own value, released or not, used or not.
        changes = loader.rows(
            "SELECT source_profile, change_type, submission_id, old_value, new_value, change_pct, old_submission_id,"
            " new_submission_id, reason, affects_marts FROM mart.submission_revisions ORDER BY changed_at")
        assert changes == [
            ("gdca", "new_vintage", second, 40000, 41000, pytest.approx(2.5), first, second,
             "sites commissioned late", True),
            # 500 / 41,000 = 1.22 %
            ("gdca", "new_vintage", audit, 41000, 41500, pytest.approx(100 * 500 / 41000), second, audit,
             "annual audit", True),
            # the pilot revised its own figure, which the marts do not use (gdca reported the cell)
            ("pilot-440300", "new_vintage", pilot, 45000, 45500, pytest.approx(100 * 500 / 45000), pilot - 1, pilot,
             None, False),
            # withdrawing the audit brings back 41,000; withdrawing the equal duplicate changed nothing
            ("gdca", "withdrawal", audit, 41500, 41000, pytest.approx(-100 * 500 / 41500), audit, second,
             "sent the wrong file", True),
        ]
        # What readers saw change: only the released value, twice. The duplicate and its withdrawal changed
        # which submission the value came from (new vintages), not the value; the pilot's figures none.
        assert loader.rows(
            "SELECT area_code, revision_type, old_value, new_value, old_obs_status, new_obs_status, cause_type,"
            " cause_submission_id, reason FROM mart.revisions ORDER BY changed_at") == [
            (SHENZHEN, "revised", 41000, 41500, "A", "A", "submission", audit, "annual audit"),
            (SHENZHEN, "revised", 41500, 41000, "A", "A", "withdrawal", audit, "sent the wrong file")]
        assert loader.rows(
            "SELECT vintage_no, value, submission_id, valid_from, valid_to FROM mart.published_vintages"
            " WHERE area_code = ? AND indicator_code = 'fiveg_base_stations'", [SHENZHEN]) == [
            (1, 41000, second, shanghai("2023-08-01 09:00"), shanghai("2023-08-15 10:00")),
            (2, 41500, audit, shanghai("2023-08-15 10:00"), shanghai("2023-08-16 10:00")),
            (3, 41500, same, shanghai("2023-08-16 10:00"), shanghai("2023-08-18 10:00")),
            (4, 41500, audit, shanghai("2023-08-18 10:00"), shanghai("2023-08-20 10:00")),
            (5, 41000, second, shanghai("2023-08-20 10:00"), None)]
        publish(con, paths.serving_db)

    serving = duckdb.connect(str(paths.serving_db), read_only=True)
    try:
        released = serving.execute("SELECT time_period, area_code, value FROM mart.v_released_observations"
                                   " WHERE indicator_code = 'fiveg_base_stations' AND area_level = 'city'"
                                   " ORDER BY ALL").fetchall()
        assert released == [("2023-06", SHENZHEN, 41000), ("2023-06", DONGGUAN, 9000)]  # not May
        notice = serving.execute("SELECT area_name_zh, revision_type, old_value, new_value, new_obs_status_zh, reason"
                                 " FROM mart.v_released_revisions ORDER BY changed_at").fetchall()
        assert notice == [("深圳市", "revised", 41000, 41500, "正常值", "annual audit"),
                          ("深圳市", "revised", 41500, 41000, "正常值", "sent the wrong file")]
    finally:
        serving.close()


def test_a_value_that_arrives_after_its_period_was_released_is_in_the_revision_notice(paths):
    june = "2023-06-01"
    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        loader.submit("gdca", [(SHENZHEN, june, "M", "fiveg_base_stations", 40000)], "2023-07-05 10:00")
        wrong = loader.submit("gdca", [(FOSHAN, june, "M", "fiveg_base_stations", 7000)], "2023-07-05 11:00")
        loader.withdraw(wrong, "2023-07-10 10:00", "wrong city")
        loader.submit("pilot-441900", [(DONGGUAN, june, "M", "fiveg_base_stations", 9000)], "2023-07-06 10:00")
        loader.release("2023-06", "2023-08-01 09:00")
        province = ("SELECT value, obs_status, n_areas FROM mart.observations WHERE area_code = '440000'"
                    " AND indicator_code = 'fiveg_base_stations'")
        loader.rebuild()
        # 2 of 21 cities: the province's total is withheld (M); Dongguan is released on the pilot's stand-in,
        # A, and marked as not from the source of record.
        assert loader.row(province) == (None, "M", 2)
        dongguan = ("SELECT value, obs_status, from_source_of_record FROM mart.observations WHERE area_code = ?"
                    " AND indicator_code = 'fiveg_base_stations'")
        assert loader.row(dongguan, [DONGGUAN]) == (9000, "A", False)
        late = loader.submit("gdca", [(GUANGZHOU, june, "M", "fiveg_base_stations", 30000, "补报"),
                                      (FOSHAN, june, "M", "fiveg_base_stations", 7100),
                                      (DONGGUAN, june, "M", "fiveg_base_stations", 9100)], "2023-08-10 10:00")
        loader.rebuild()

        # The released cells changed: 4 of 21 cities now (still withheld), Dongguan from the agency of record.
        assert loader.row(province) == (None, "M", 4)
        assert loader.row(dongguan, [DONGGUAN]) == (9100, "A", True)
        # The released cells it changed are in the notice: Guangzhou's and Foshan's first published values
        # (Foshan's first figure was withdrawn before the release), Dongguan's from the pilot's 9,000 to the
        # agency's 9,100. The totals stay withheld (M, no value): no revision of what readers see.
        notice = loader.rows(
            "SELECT area_code, revision_type, old_value, new_value, change, old_obs_status, new_obs_status,"
            " cause_type, cause_submission_id, cause_source_profile, reason FROM mart.revisions ORDER BY area_code")
        assert notice == [(GUANGZHOU, "added", None, 30000, None, None, "A", "submission", late, "gdca", "补报"),
                          (FOSHAN, "added", None, 7100, None, None, "A", "submission", late, "gdca", None),
                          (DONGGUAN, "revised", 9000, 9100, 100, "A", "A", "submission", late, "gdca", None)]
        assert {row[0] for row in loader.rows("SELECT changed_at FROM mart.revisions")} == {shanghai("2023-08-10 10:00")}
        # The submitters' side: a first value is no change to a source's own value; the withdrawal is one.
        assert loader.rows("SELECT area_code, change_type FROM mart.submission_revisions") == [(FOSHAN, "withdrawal")]


def test_a_release_is_recorded_in_the_landing_zone_so_a_rebuild_keeps_it(paths):
    landing = paths.landing_zone()
    release, is_new = landing.release(dt.date(2023, 12, 1), "王分析")
    assert is_new
    again, is_new = landing.release(dt.date(2023, 12, 1), "someone else")
    assert not is_new and again == release  # released once: who and when stay the first release's
    for _ in range(2):  # the build DB, then a fresh one as `digecon rebuild` makes
        with prepared_build_db(paths) as con:
            sync_landing_acts(con, landing)
            assert con.execute("SELECT period, released_by FROM ops.releases").fetchall() == [
                (dt.date(2023, 12, 1), "王分析")]
        paths.build_db.unlink()


def test_only_an_ended_month_can_be_released():
    from pipelines.release_command import releasable_month

    today = dt.date(2024, 1, 10)
    assert releasable_month("2023-12", today) == (dt.date(2023, 12, 1), None)
    assert releasable_month("2023年12月", today) == (dt.date(2023, 12, 1), None)
    for text, problem in (("2024-01", "has not ended"), ("2023-Q4", "not a month"), ("December", "not a month"),
                          ("2020-12", "before monitoring began")):
        month, message = releasable_month(text, today)
        assert month is None and problem in str(message)


@pytest.mark.slow
def test_digecon_release_runs_the_pipeline_and_moves_the_period_into_the_released_views(
        paths, tmp_path, monkeypatch, capsys):
    import pipelines.assets
    from pipelines.cli import main

    monkeypatch.setenv("DIGECON_HOME", str(paths.home))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.setenv("DIGECON_REFERENCE_DATE", "2024-01-10")
    # No file waits in the landing zone: the run's intake has nothing for the validator to check.
    monkeypatch.setattr(pipelines.assets, "shared_validator", lambda: None)
    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        loader.submit("gdca", [(SHENZHEN, "2023-12-01", "M", "fiveg_base_stations", 60000),
                               (SHENZHEN, "2023-11-01", "M", "fiveg_base_stations", 59000),
                               (SHENZHEN, "2023-10-01", "Q", "key_venues_total", 100)], "2024-01-05 10:00")

    assert main(["release", "2023-12", "--by", "王分析"]) == 0
    serving = duckdb.connect(str(paths.serving_db), read_only=True)
    try:
        released = serving.execute("SELECT DISTINCT time_period, obs_status FROM mart.v_released_observations"
                                   " ORDER BY ALL").fetchall()
        # not November; Shenzhen alone leaves its region's and the province's totals withheld (M)
        assert released == [("2023-12", "A"), ("2023-12", "M"), ("2023-Q4", "A"), ("2023-Q4", "M")]
    finally:
        serving.close()
    with prepared_build_db(paths) as con:
        assert con.execute("SELECT period, released_by FROM ops.releases").fetchall() == [
            (dt.date(2023, 12, 1), "王分析")]

    capsys.readouterr()
    assert main(["release", "2023-12", "--by", "someone else"]) == 0
    assert "already released" in capsys.readouterr().out
    assert len(paths.landing_zone().releases()) == 1
    assert main(["release", "2024-01"]) == 1  # not over at the reference date


def test_definitions_carry_every_mart_and_its_checks():
    from pipelines.definitions import defs

    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"mart_observations", "mart_growth", "mart_target_progress", "mart_gigabit_city", "mart_published_vintages",
            "mart_revisions", "mart_submission_revisions", "mart_discrepancies", "mart_data_quality",
            "period_completeness", "serving_db"} <= keys
    checks = {key.name for check in defs.asset_checks for key in check.check_keys}
    assert {"aggregates_equal_city_sums", "rates_within_bounds", "every_city_present",
            "unique_area_period_indicator"} <= checks


@pytest.mark.slow
def test_the_sample_shows_its_planted_events_then_a_release_and_a_revision_after_it(paths, tmp_path, monkeypatch,
                                                                                     capsys):
    """issue 5's "done when" on the bundled sample: the planted events in the marts, `digecon release
    2023-12`, then a resubmission of a released value in the revision notice. Expected figures come from
    the generator's true values and planted events, not from the marts."""
    from indicators import sample
    from pipelines import runner
    from pipelines.cli import main

    monkeypatch.setenv("DIGECON_HOME", str(paths.home))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.setenv("DIGECON_REFERENCE_DATE", "2024-01-10")
    truth = sample.sample_values()
    today = dt.date(2024, 1, 10)
    runner.run(paths, today, with_sample=True)

    def rows(sql, params=None):
        serving = duckdb.connect(str(paths.serving_db), read_only=True)
        try:
            return serving.execute(sql, params or []).fetchall()
        finally:
            serving.close()

    # The late file: gdgsa's November, due 2023-12-10, came on the 18th for all 21 cities.
    assert rows("SELECT indicator_code, completeness_status, due_date, received_at, days_late, count(*)"
                " FROM mart.completeness WHERE expected_from = 'gdgsa' AND time_period = '2023-11'"
                " GROUP BY ALL ORDER BY ALL") == [
        (code, "received_late", dt.date(2023, 12, 10), sample.LATE_RECEIVED, 8, 21)
        for code in ("admin_villages_yzz", "towns_yzz")]
    # The missing row: Yunfu's monthly gdiit cells of November, 31 days overdue on 2024-01-10; the
    # province's November is short of it, and says so.
    assert rows("SELECT area_code, count(*), min(days_late) FROM mart.completeness WHERE completeness_status = 'missing'"
                " GROUP BY ALL") == [(sample.MISSING_CITY, 3, 31)]
    assert rows("SELECT n_areas, complete FROM mart.observations WHERE area_code = '440000'"
                " AND indicator_code = 'iiot_identifier_resolutions' AND time_period = '2023-11'") == [(20, False)]
    # The rejected file: the Shenzhen pilot's July, blocked by an error.
    assert rows("SELECT DISTINCT original_filename, submission_status FROM mart.data_quality WHERE blocking") == [
        ("pilot-440300_2023-07.xlsx", "rejected")]
    # The discrepancy: the pilot counted small cells too (+15 %); the marts use gdca's figure.
    sep = truth[("fiveg_base_stations", SHENZHEN, dt.date(2023, 9, 1))]
    assert rows("SELECT area_code, time_period, agency_value, pilot_value, used_source FROM mart.discrepancies"
                " WHERE differs") == [(SHENZHEN, "2023-09", sep, round(sep * 1.15), "gdca")]
    assert rows("SELECT value FROM mart.observations WHERE area_code = ? AND indicator_code = 'fiveg_base_stations'"
                " AND time_period = '2023-09'", [SHENZHEN]) == [(sep,)]
    # The pilot's revision of October (it had copied September), which the marts do not use: gdiit reports it.
    registrations = "iiot_identifier_registrations"
    assert rows("SELECT area_code, time_period, source_profile, old_value, new_value, affects_marts"
                " FROM mart.submission_revisions WHERE source_profile = 'pilot-441900'") == [
        (DONGGUAN, "2023-10", "pilot-441900", truth[(registrations, DONGGUAN, dt.date(2023, 9, 1))],
         truth[(registrations, DONGGUAN, dt.date(2023, 10, 1))], False)]
    _the_planted_corrections_are_published_revisions(rows, truth)
    # gdiit's December is not due yet: the Dongguan pilot's figure stands in, not from the source of record,
    # a break in the series after gdiit's November (B).
    assert rows("SELECT source_profile, value, obs_status, from_source_of_record FROM mart.observations"
                " WHERE area_code = ? AND indicator_code = 'enterprises_transformed' AND time_period = '2023-12'",
                [DONGGUAN]) == [
        ("pilot-441900", truth[("enterprises_transformed", DONGGUAN, dt.date(2023, 12, 1))], "B", False)]
    # The sample's analyst released every month up to 2023-11 (tests/test_pipeline.py); December is not.
    late_2023 = ("SELECT DISTINCT time_period FROM mart.v_released_observations"
                 " WHERE time_period IN ('2023-11', '2023-12', '2023-Q4', '2023') ORDER BY 1")
    assert rows(late_2023) == [("2023-11",)]

    capsys.readouterr()
    assert main(["release", "2023-12", "--by", "审计"]) == 0
    assert rows(late_2023) == [("2023",), ("2023-11",), ("2023-12",), ("2023-Q4",)]  # with the quarter and year
    # Released before all is in: gdiit's 3 monthly and 6 quarterly indicators and gdstats' 4 annual ones,
    # for 21 cities each, are still to come: (3 + 6 + 4) × 21 = 273; the analyst is told.
    assert "still owed for periods ending 2023-12: 273 not_yet_due" in capsys.readouterr().out

    december = truth[("fiveg_base_stations", SHENZHEN, dt.date(2023, 12, 1))]
    paths.landing_zone().receive(
        f"城市代码,期间,指标代码,数值,单位,备注\n{SHENZHEN},2023-12,fiveg_base_stations,{december + 120},个,补报室内站点\n"
        .encode(), "gdca_2023-12_rev1.csv", "gdca", "test")
    runner.run(paths, today, with_sample=False)
    # The city, the Pearl River Delta and the province, and their 5G stations per 10,000 people (2023's
    # months divide by 2022's population: 2023's is due in March 2024).
    population = {city: truth[("resident_population", city, dt.date(2022, 1, 1))] for city in REGION_OF}
    prd = [city for city, region in REGION_OF.items() if region == "GD-PRD"]
    per_10k = {SHENZHEN: population[SHENZHEN], "GD-PRD": sum(population[c] for c in prd),
               "440000": sum(population.values())}
    notice = rows("SELECT area_code, indicator_code, revision_type, change, reason FROM mart.v_released_revisions"
                  " WHERE time_period = '2023-12'")
    assert sorted(notice) == sorted(
        [(area, "fiveg_base_stations", "revised", 120, "补报室内站点") for area in per_10k]
        + [(area, "fiveg_per_10k_people", "revised", pytest.approx(120 * 10_000 / people), "补报室内站点")
           for area, people in per_10k.items()])
    assert rows("SELECT value, obs_status FROM mart.v_released_observations WHERE area_code = ?"
                " AND indicator_code = 'fiveg_base_stations' AND time_period = '2023-12'", [SHENZHEN]) == [
        (december + 120, "A")]


REGION_OF = {c.code: c.region_code for c in reference.cities()}


def _the_planted_corrections_are_published_revisions(rows, truth):
    """gdca's correction of Shaoguan's August (it stands) and gdgsa's withdrawn correction of Zhanjiang's
    September, both after their month's release: each changed the city, its region, the province and their
    rates in the released views. Expected values from the generator's truth and the planted differences."""
    from indicators import sample

    august, september = dt.date(2023, 8, 1), dt.date(2023, 9, 1)
    stations = {c: truth[("fiveg_base_stations", c, august)] for c in REGION_OF}
    population = {c: truth[("resident_population", c, dt.date(2022, 1, 1))] for c in REGION_OF}
    villages = {c: truth[("admin_villages_yzz", c, september)] for c in REGION_OF}
    all_villages = {c: truth[("admin_villages_total", c, dt.date(2022, 1, 1))] for c in REGION_OF}

    def areas(city):
        return {city: [city], REGION_OF[city]: [c for c in REGION_OF if REGION_OF[c] == REGION_OF[city]],
                "440000": list(REGION_OF)}

    def vintages(area, indicator, period):
        return [value for (value,) in rows(
            "SELECT value FROM mart.published_vintages WHERE area_code = ? AND indicator_code = ? AND period = ?"
            " ORDER BY vintage_no", [area, indicator, period])]

    shaoguan, zhanjiang = "440200", "440800"
    for area, cities in areas(shaoguan).items():
        now = sum(stations[c] for c in cities)
        people = sum(population[c] for c in cities)
        assert vintages(area, "fiveg_base_stations", august) == [now - 37, now], area
        assert vintages(area, "fiveg_per_10k_people", august) == [
            pytest.approx((now - 37) * 10_000 / people), pytest.approx(now * 10_000 / people)], area
    for area, cities in areas(zhanjiang).items():
        now, total = sum(villages[c] for c in cities), sum(all_villages[c] for c in cities)
        assert vintages(area, "admin_villages_yzz", september) == [now, now - 12, now], area
        assert vintages(area, "yzz_village_coverage_pct", september) == [
            pytest.approx(100 * now / total), pytest.approx(100 * (now - 12) / total),
            pytest.approx(100 * now / total)], area

    listed = rows("SELECT area_code, indicator_code, changed_at, cause_type, reason FROM mart.revisions"
                  " WHERE time_period IN ('2023-08', '2023-09')")
    corrected = [(area, code, sample.CORRECTION_RECEIVED, "submission", sample.CORRECTION_NOTE)
                 for area in areas(shaoguan) for code in ("fiveg_base_stations", "fiveg_per_10k_people")]
    lowered = [(area, code, sample.WITHDRAWN_RECEIVED, "submission", None)
               for area in areas(zhanjiang) for code in ("admin_villages_yzz", "yzz_village_coverage_pct")]
    restored = [(area, code, sample.WITHDRAWN_AT, "withdrawal", sample.WITHDRAWAL_REASON)
                for area in areas(zhanjiang) for code in ("admin_villages_yzz", "yzz_village_coverage_pct")]
    assert sorted(listed) == sorted(corrected + lowered + restored)

    # What BI read on a date: before the correction, between it and the release of the next month, after.
    def shaoguan_august(as_of):
        return rows("SELECT value, obs_status_zh FROM mart.published_as_of(?::TIMESTAMPTZ) WHERE area_code = ?"
                    " AND indicator_code = 'fiveg_base_stations' AND time_period = '2023-08'", [as_of, shaoguan])

    assert shaoguan_august(dt.datetime(2023, 9, 19, tzinfo=dt.timezone.utc)) == []  # not released yet
    assert shaoguan_august(sample.CORRECTION_RECEIVED - dt.timedelta(seconds=1)) == [(stations[shaoguan] - 37, "正常值")]
    assert shaoguan_august(sample.CORRECTION_RECEIVED) == [(stations[shaoguan], "正常值")]

    # docs/marts.md's recipes on published values, run as written: each returns rows on the sample
    doc = (Path(__file__).resolve().parents[1] / "docs" / "marts.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```sql\n(.*?)```", doc, re.S)
              if "published_as_of" in b or "v_released_revisions" in b]
    recipes = [statement.query for block in blocks for statement in duckdb.extract_statements(block)]
    assert len(recipes) >= 4
    for recipe in recipes:
        assert rows(recipe), recipe
