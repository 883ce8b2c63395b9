"""What was published, and when: mart.published_vintages, mart.revisions and mart.published_as_of.

Small homes of hand-made submissions (tests/mart_support.py). The figures of the first test are worked
out by hand; the property test checks the vintages against the released cells recomputed from the
warehouse as it stood at each instant, without the checkpoints' shortcuts.
"""

import datetime as dt

import duckdb
import pytest
from mart_support import DONGGUAN, SHENZHEN, Loader, prepared_build_db, shanghai

from pipelines.paths import Paths
from pipelines.publish import publish
from pipelines.published import released_cells_as_of

SHANTOU, SHANWEI, CHAOZHOU, JIEYANG = "440500", "441500", "445100", "445200"  # the East, GD-E
POPULATION_2022 = {SHANTOU: 5_500_000, SHANWEI: 2_700_000, CHAOZHOU: 2_550_000, JIEYANG: 5_550_000}
STATIONS = "fiveg_base_stations"
PER_10K = "fiveg_per_10k_people"


def _east(loader: Loader) -> int:
    """The East's population and June and July 5G stations; June released on 20 July, July on 21 August;
    Shantou's June corrected on 10 August, between the two. Returns the correction's submission id."""
    loader.submit("gdstats", [(city, "2022-01-01", "A", "resident_population", people)
                              for city, people in POPULATION_2022.items()], "2023-03-20 10:00")
    loader.submit("gdca", [(SHANTOU, "2023-06-01", "M", STATIONS, 4400), (SHANWEI, "2023-06-01", "M", STATIONS, 1800),
                           (CHAOZHOU, "2023-06-01", "M", STATIONS, 1500), (JIEYANG, "2023-06-01", "M", STATIONS, 3300)],
                  "2023-07-05 10:00")
    loader.release("2023-06", "2023-07-20 10:00")
    loader.submit("gdca", [(SHANTOU, "2023-07-01", "M", STATIONS, 4500), (SHANWEI, "2023-07-01", "M", STATIONS, 1850),
                           (CHAOZHOU, "2023-07-01", "M", STATIONS, 1550), (JIEYANG, "2023-07-01", "M", STATIONS, 3400)],
                  "2023-08-05 10:00")
    correction = loader.submit("gdca", [(SHANTOU, "2023-06-01", "M", STATIONS, 4460, "漏报60个站点")],
                               "2023-08-10 10:00")
    loader.release("2023-07", "2023-08-21 10:00")
    loader.rebuild()
    return correction


def _published_at(loader: Loader, at: str, period: str = "2023-06-01") -> dict:
    """(area, indicator) → value of the cells published at `at` (Beijing time) for the period."""
    return {(area, code): value for area, code, value in loader.rows(
        "SELECT area_code, indicator_code, value FROM mart.published_vintages WHERE period = ?"
        " AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)",
        [dt.date.fromisoformat(period), shanghai(at), shanghai(at)])}


def test_a_correction_after_the_release_revises_the_city_its_region_and_their_rates(loader):
    correction = _east(loader)
    east_people = sum(POPULATION_2022.values())  # 16,300,000: 1,630 ten-thousands
    before = {(SHANTOU, STATIONS): 4400, ("GD-E", STATIONS): 11_000,
              (SHANTOU, PER_10K): pytest.approx(4400 / 550), ("GD-E", PER_10K): pytest.approx(11_000 / 1630)}
    after = {(SHANTOU, STATIONS): 4460, ("GD-E", STATIONS): 11_060,
             (SHANTOU, PER_10K): pytest.approx(4460 / 550), ("GD-E", PER_10K): pytest.approx(11_060 / 1630)}
    assert east_people == 1630 * 10_000

    june_before = _published_at(loader, "2023-08-01 00:00")
    june_after = _published_at(loader, "2023-09-01 00:00")
    assert {key: june_before[key] for key in before} == before
    assert {key: june_after[key] for key in after} == after
    # the province has 4 of its 21 cities: withheld (M, no value) before and after, so no revision of it
    assert june_before[("440000", STATIONS)] is None and june_after[("440000", STATIONS)] is None
    # nothing is published before June's release, and July only from its own
    assert _published_at(loader, "2023-07-20 09:59") == {}
    assert _published_at(loader, "2023-08-21 09:59", "2023-07-01") == {}
    assert _published_at(loader, "2023-08-21 10:00", "2023-07-01")[("GD-E", STATIONS)] == 4500 + 1850 + 1550 + 3400

    assert loader.rows(
        "SELECT vintage_no, value, valid_from, valid_to, release_month, released_at FROM mart.published_vintages"
        " WHERE area_code = 'GD-E' AND indicator_code = ? AND period = DATE '2023-06-01'", [STATIONS]) == [
        (1, 11_000, shanghai("2023-07-20 10:00"), shanghai("2023-08-10 10:00"), dt.date(2023, 6, 1),
         shanghai("2023-07-20 10:00")),
        (2, 11_060, shanghai("2023-08-10 10:00"), None, dt.date(2023, 6, 1), shanghai("2023-07-20 10:00"))]

    revisions = loader.rows(
        "SELECT area_code, indicator_code, revision_type, changed_at, old_value, new_value, change, old_obs_status,"
        " new_obs_status, cause_type, cause_submission_id, cause_source_profile, reason, released_at"
        " FROM mart.revisions ORDER BY indicator_code, area_code")
    at, released = shanghai("2023-08-10 10:00"), shanghai("2023-07-20 10:00")
    assert revisions == [
        (SHANTOU, STATIONS, "revised", at, 4400, 4460, 60, "A", "A", "submission", correction, "gdca", "漏报60个站点",
         released),
        ("GD-E", STATIONS, "revised", at, 11_000, 11_060, 60, "A", "A", "submission", correction, "gdca",
         "漏报60个站点", released),
        (SHANTOU, PER_10K, "revised", at, before[(SHANTOU, PER_10K)], after[(SHANTOU, PER_10K)],
         pytest.approx(60 / 550), "A", "A", "submission", correction, "gdca", "漏报60个站点", released),
        ("GD-E", PER_10K, "revised", at, before[("GD-E", PER_10K)], after[("GD-E", PER_10K)],
         pytest.approx(60 / 1630), "A", "A", "submission", correction, "gdca", "漏报60个站点", released),
    ]


def test_published_as_of_answers_the_same_under_any_connection_time_zone(tmp_path):
    """The correction came at 10:00 Beijing time (02:00 UTC). A TIMESTAMPTZ is that instant whatever the
    connection's TimeZone; a date or a time without zone is read as Beijing time."""
    paths = Paths.resolve(tmp_path / "home")
    with prepared_build_db(paths) as con:
        _east(Loader(con, paths))
        publish(con, paths.serving_db)
    queries = {
        "TIMESTAMPTZ '2023-08-10 09:59:59+08'": 4400,
        "TIMESTAMPTZ '2023-08-10 10:00:00+08'": 4460,
        "TIMESTAMPTZ '2023-08-10 01:59:59+00'": 4400,
        "TIMESTAMPTZ '2023-08-10 02:00:00+00'": 4460,
        "TIMESTAMP '2023-08-10 09:59:59'": 4400,  # Beijing time
        "TIMESTAMP '2023-08-10 10:00:00'": 4460,
        "DATE '2023-08-10'": 4400,  # midnight at its start, in Beijing
        "DATE '2023-08-11'": 4460,
    }
    with duckdb.connect(str(paths.serving_db), read_only=True) as serving:
        for zone in ("UTC", "Asia/Shanghai"):
            serving.execute(f"SET TimeZone = '{zone}'")
            for literal, expected in queries.items():
                got = serving.execute(
                    f"SELECT value, area_name_zh, obs_status_zh FROM mart.published_as_of({literal})"
                    f" WHERE area_code = ? AND indicator_code = ? AND period = DATE '2023-06-01'",
                    [SHANTOU, STATIONS]).fetchall()
                assert got == [(expected, "汕头市", "正常值")], (zone, literal)
            # the documented BI query with an instant
            assert serving.execute(
                "SELECT value FROM mart.published_vintages WHERE area_code = ? AND indicator_code = ?"
                " AND period = DATE '2023-06-01' AND valid_from <= TIMESTAMPTZ '2023-08-10 09:59:59+08'"
                " AND (valid_to IS NULL OR valid_to > TIMESTAMPTZ '2023-08-10 09:59:59+08')",
                [SHANTOU, STATIONS]).fetchall() == [(4400,)], zone


def _eventful(loader: Loader) -> None:
    """A small home with every kind of change to released cells: resubmissions before and after a
    release, a late city that turns an imputed total (E) into a reported one, a pilot standing in until
    the agency's late value (a break, B, that goes away), a late value withdrawn again (added, then
    removed), the year's population after the months it divides, and a second family (粤智助 villages)."""
    east = [SHANTOU, SHANWEI, CHAOZHOU, JIEYANG]
    loader.submit("gdstats", [(city, "2021-01-01", "A", "resident_population", 1_000_000 * (n + 2))
                              for n, city in enumerate([*east, SHENZHEN, DONGGUAN])], "2022-03-25 10:00")
    loader.submit("gdgsa", [(city, "2021-01-01", "A", "admin_villages_total", 1000 + 100 * n)
                            for n, city in enumerate(east)], "2022-03-26 10:00")
    for month, received, released in (("2022-11", "2022-12-05 10:00", "2022-12-20 10:00"),
                                      ("2022-12", "2023-01-05 10:00", "2023-01-20 10:00"),
                                      ("2023-01", "2023-02-05 10:00", "2023-02-20 10:00")):
        reporting = east if month != "2023-01" else east[:3]  # Jieyang late in January: the East imputed
        k = int(month[-2:])
        loader.submit("gdca", [(city, f"{month}-01", "M", STATIONS, 1000 * (n + 1) + 10 * k)
                               for n, city in enumerate(reporting)] + [(SHENZHEN, f"{month}-01", "M", STATIONS,
                                                                        40_000 + k)], received)
        loader.submit("gdgsa", [(city, f"{month}-01", "M", "admin_villages_yzz", 900 + 10 * n)
                                for n, city in enumerate(east)], received)
        if month == "2022-12":  # a resubmission before the release
            loader.submit("gdca", [(SHANTOU, f"{month}-01", "M", STATIONS, 1111)], "2023-01-10 10:00")
        loader.release(month, released)
    loader.submit("pilot-441900", [(DONGGUAN, "2022-12-01", "M", STATIONS, 9000)], "2023-01-06 10:00")
    loader.submit("gdca", [(DONGGUAN, "2023-01-01", "M", STATIONS, 9100)], "2023-02-06 10:00")  # B: pilot before
    loader.submit("gdca", [(SHANWEI, "2022-11-01", "M", STATIONS, 2222, "更正")], "2023-01-25 10:00")
    loader.submit("gdca", [(JIEYANG, "2023-01-01", "M", STATIONS, 4050)], "2023-02-25 10:00")  # E → A
    loader.submit("gdca", [(DONGGUAN, "2022-12-01", "M", STATIONS, 9050)], "2023-03-01 10:00")  # B goes
    late = loader.submit("gdgsa", [(CHAOZHOU, "2022-12-01", "M", "admin_villages_yzz", 950)], "2023-03-02 10:00")
    loader.withdraw(late, "2023-03-04 10:00", "wrong month")  # back to the December figure
    wrong = loader.submit("gdgsa", [(DONGGUAN, "2023-01-01", "M", "admin_villages_yzz", 700)], "2023-03-05 10:00")
    loader.withdraw(wrong, "2023-03-07 10:00", "not ours")  # published, then no longer
    loader.submit("gdstats", [(city, "2022-01-01", "A", "resident_population", 1_100_000 * (n + 2))
                              for n, city in enumerate([*east, SHENZHEN, DONGGUAN])], "2023-03-24 10:00")
    loader.rebuild()


def _instants(loader: Loader) -> list[dt.datetime]:
    """Every time something happened, a microsecond before and after it, and between the acts."""
    acts = sorted({t for (t,) in loader.rows(
        "SELECT received_at FROM ops.submissions UNION SELECT withdrawn_at FROM ops.withdrawals"
        " UNION SELECT released_at FROM ops.releases")})
    tick = dt.timedelta(microseconds=1)
    between = [a + (b - a) / 2 for a, b in zip(acts, acts[1:], strict=False)]
    return sorted({t + d for t in acts for d in (-tick, dt.timedelta(0), tick)} | set(between))


def _rows(con, sql: str, params: list) -> list[tuple]:
    return sorted(con.execute(sql, params).fetchall(), key=repr)


def test_published_vintages_as_of_any_instant_are_the_released_cells_recomputed_then(loader):
    _eventful(loader)
    con = loader.con
    columns = [c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'mart' AND table_name = 'observations'"
        " AND column_name <> 'released' ORDER BY column_index").fetchall()]
    # the events above did change released cells in every way
    assert {t for (t,) in loader.rows("SELECT DISTINCT revision_type FROM mart.revisions")} == {
        "revised", "added", "removed"}
    assert {(o, n) for o, n in loader.rows("SELECT old_obs_status, new_obs_status FROM mart.revisions")} >= {
        ("E", "A"), ("B", "A")}
    instants = _instants(loader)
    assert len(instants) > 60
    for at in instants:
        con.register("recomputed", released_cells_as_of(con, at))
        expected = _rows(con, f"SELECT {', '.join('state.' + c for c in columns)} FROM recomputed", [])
        con.unregister("recomputed")
        published = _rows(con, f"SELECT {', '.join(columns)} FROM mart.published_vintages"
                               " WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)", [at, at])
        assert published == expected, at


def test_a_rebuild_gives_identical_published_vintages_and_revisions(tmp_path):
    def built(home: str) -> dict[str, list]:
        paths = Paths.resolve(tmp_path / home)
        with prepared_build_db(paths) as con:
            loader = Loader(con, paths)
            _eventful(loader)
            loader.rebuild()  # and again: nothing left over from the first build
            return {table: con.execute(f"SELECT * FROM mart.{table} ORDER BY ALL").fetchall()
                    for table in ("published_vintages", "revisions")}

    first, again = built("first"), built("again")
    assert first["published_vintages"] and first["revisions"]
    assert first == again
