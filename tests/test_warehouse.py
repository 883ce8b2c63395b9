"""The warehouse model: vintages, source of record, derived formulas, aggregation, publish.

Every expected figure is written out from the raw inputs by hand, never copied from the code's output.
"""

import datetime as dt

import duckdb
import pytest
from mart_support import DONGGUAN, GUANGZHOU, SHENZHEN

from indicators import reference
from pipelines.paths import Paths
from pipelines.publish import publish

SZ_CENSUS, DG_CENSUS = 17_560_061, 10_466_625


@pytest.fixture
def paths(tmp_path):
    return Paths.resolve(tmp_path / "home")


def census(loader):
    loader.submit("gdstats", [(SHENZHEN, "2020-01-01", "A", "resident_population", SZ_CENSUS),
                              (DONGGUAN, "2020-01-01", "A", "resident_population", DG_CENSUS)],
                  "2021-05-11 09:00")


def test_fiveg_per_10k_people_for_a_city(loader):
    census(loader)
    loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 30591)], "2021-02-05 10:00")
    loader.rebuild()
    # 30,591 / 17,560,061 × 10,000 = 17.4207… → 17.42 (DOMAIN.md's worked example)
    assert round(loader.mart(SHENZHEN, "fiveg_per_10k_people", "2021-01-01"), 2) == 17.42


def test_region_rate_is_ratio_of_sums_over_cities_with_both_parts(loader):
    census(loader)
    loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 30591),
                           (DONGGUAN, "2021-01-01", "M", "fiveg_base_stations", 8305),
                           # Guangzhou has stations but no population: it has only one part, so it is left out
                           (GUANGZHOU, "2021-01-01", "M", "fiveg_base_stations", 23555)], "2021-02-05 10:00")
    loader.rebuild()
    # The region covers 2 of its 9 cities, below the coverage threshold: withheld (M), no value; the
    # ratio of summed parts over whole regions is tested in tests/test_marts.py.
    assert loader.con.execute(
        "SELECT value, obs_status, n_areas, n_areas_expected FROM mart.observations WHERE area_code = 'GD-PRD'"
        " AND indicator_code = 'fiveg_per_10k_people'").fetchone() == (None, "M", 2, 9)
    # The count has three cities that reported it, of 21: withheld too.
    assert loader.mart("440000", "fiveg_base_stations", "2021-01-01", "n_areas") == 3
    assert loader.mart("440000", "fiveg_base_stations", "2021-01-01", "obs_status") == "M"


def test_denominator_is_the_latest_at_or_before_the_period(loader):
    census(loader)
    loader.submit("gdstats", [(SHENZHEN, "2021-01-01", "A", "resident_population", 17_680_000)], "2022-03-20 09:00")
    loader.submit("gdca", [(SHENZHEN, "2021-06-01", "M", "fiveg_base_stations", 40000),
                           (SHENZHEN, "2022-01-01", "M", "fiveg_base_stations", 50000)], "2022-03-25 10:00")
    loader.rebuild()
    # 2021-06 must use the 2020 census (2021's population ends 2021-12-31, after June): 40,000 / 1,756.0061
    assert loader.mart(SHENZHEN, "fiveg_per_10k_people", "2021-06-01") == pytest.approx(40000 / 1756.0061)
    # 2022-01 uses 2021's population: 50,000 / 1,768.0
    assert loader.mart(SHENZHEN, "fiveg_per_10k_people", "2022-01-01") == pytest.approx(50000 / 1768.0)


def test_quarterly_denominator_for_monthly_numerator(loader):
    loader.submit("gdca", [
        (SHENZHEN, "2023-01-01", "Q", "households_total", 1000),
        (SHENZHEN, "2023-01-01", "Q", "households_gigabit_covered", 800),
        (SHENZHEN, "2023-04-01", "Q", "households_total", 1100),
        (SHENZHEN, "2023-04-01", "Q", "households_gigabit_covered", 990),
    ], "2023-07-10 09:00")
    loader.rebuild()
    assert loader.mart(SHENZHEN, "gigabit_household_coverage_pct", "2023-01-01") == pytest.approx(80.0)
    assert loader.mart(SHENZHEN, "gigabit_household_coverage_pct", "2023-04-01") == pytest.approx(90.0)


def test_pue_of_a_region_is_total_over_it_energy(loader):
    loader.submit("gdiit", [
        (SHENZHEN, "2023-01-01", "Q", "dc_total_energy_mwh", 150.0),
        (SHENZHEN, "2023-01-01", "Q", "dc_it_energy_mwh", 100.0),
        (DONGGUAN, "2023-01-01", "Q", "dc_total_energy_mwh", 60.0),
        (DONGGUAN, "2023-01-01", "Q", "dc_it_energy_mwh", 30.0),
    ], "2023-04-15 09:00")
    loader.rebuild()
    # Two of the region's nine cities: withheld (M); Σtotal / ΣIT over a whole region is tested in
    # tests/test_marts.py.
    assert loader.mart("GD-PRD", "dc_pue", "2023-01-01") is None
    assert loader.mart("GD-PRD", "dc_pue", "2023-01-01", "obs_status") == "M"
    assert loader.mart(DONGGUAN, "dc_pue", "2023-01-01") == pytest.approx(2.0)


def test_revision_supersedes_and_history_answers_as_of(loader):
    loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 30591)], "2021-02-05 10:00")
    loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 31000)], "2021-03-01 10:00")
    loader.rebuild()
    assert loader.mart(SHENZHEN, "fiveg_base_stations", "2021-01-01") == 31000
    before = loader.con.execute(
        "SELECT value FROM core.observations_as_of(TIMESTAMPTZ '2021-02-20 00:00+08:00') WHERE area_code = ?",
        [SHENZHEN]).fetchone()[0]
    assert before == 30591
    assert loader.con.execute("SELECT count(*) FROM core.observations").fetchone()[0] == 2  # nothing overwritten


def test_as_of_answers_the_same_whatever_the_connection_time_zone(loader):
    """Times are instants (TIMESTAMPTZ): an as-of at a given instant gives the same rows under UTC and
    Asia/Shanghai, and a vintage counts from the very instant it was received."""
    loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 30591)], "2021-02-05 10:00")
    # 07:30 in Shanghai is 23:30 the day before in UTC: a naive comparison would shift it by 8 hours.
    second = loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 31000),
                                    (DONGGUAN, "2021-01-01", "M", "fiveg_base_stations", 9000)], "2021-03-01 07:30")
    loader.withdraw(second, "2021-03-01 15:00", "sent twice")

    def as_of(zone, moment):
        loader.con.execute(f"SET TimeZone = '{zone}'")
        return loader.con.execute(
            "SELECT area_code, value, submission_id, received_at FROM core.observations_as_of(?::TIMESTAMPTZ)"
            " ORDER BY area_code", [moment]).fetchall()

    moments = {"2021-03-01 07:29:59.999999+08:00": [(SHENZHEN, 30591)],  # just before the second vintage
               "2021-03-01 07:30:00+08:00": [(SHENZHEN, 31000), (DONGGUAN, 9000)],  # at its exact instant
               "2021-02-28 23:30:00+00:00": [(SHENZHEN, 31000), (DONGGUAN, 9000)],  # the same instant, in UTC
               "2021-03-01 14:59:59+08:00": [(SHENZHEN, 31000), (DONGGUAN, 9000)],
               "2021-03-01 15:00:00+08:00": [(SHENZHEN, 30591)]}  # withdrawn from that instant on
    try:
        for moment, expected in moments.items():
            in_utc, in_shanghai = as_of("UTC", moment), as_of("Asia/Shanghai", moment)
            assert in_utc == in_shanghai, moment
            assert sorted((area, value) for area, value, _, _ in in_utc) == sorted(expected), moment
        received = {area: at for area, _, _, at in as_of("UTC", "2021-03-01 08:00+08:00")}
        assert received[DONGGUAN] == dt.datetime(2021, 2, 28, 23, 30, tzinfo=dt.timezone.utc)
    finally:
        loader.con.execute("RESET TimeZone")

def test_agency_is_source_of_record_and_pilot_fills_gaps(loader):
    loader.submit("pilot-440300", [(SHENZHEN, "2023-11-01", "M", "fiveg_base_stations", 60000),
                                   (SHENZHEN, "2023-12-01", "M", "fiveg_base_stations", 61000)], "2023-12-05 10:00")
    loader.submit("gdca", [(SHENZHEN, "2023-11-01", "M", "fiveg_base_stations", 52000)], "2023-12-08 10:00")
    loader.rebuild()
    # gdca reported November: the marts use it even though the pilot's value came first.
    assert loader.mart(SHENZHEN, "fiveg_base_stations", "2023-11-01") == 52000
    # December: only the pilot reported, so its value fills the cell: not from the source of record, and a
    # break in the series after gdca's November (B).
    row = loader.con.execute(
        "SELECT value, source_profile, obs_status, from_source_of_record FROM mart.observations"
        " WHERE area_code = ? AND period = ? AND indicator_code = 'fiveg_base_stations'",
        [SHENZHEN, dt.date(2023, 12, 1)]).fetchone()
    assert row == (61000, "pilot-440300", "B", False)


def test_withdrawal_falls_back_to_previous_vintage(loader, paths):
    loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 30591)], "2021-02-05 10:00")
    second = loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 99999)], "2021-03-01 10:00")
    loader.con.execute("INSERT INTO ops.withdrawals VALUES (?, TIMESTAMPTZ '2021-03-02 09:00+08:00', 'test', 'typo')",
                       [second])
    loader.rebuild()
    assert loader.mart(SHENZHEN, "fiveg_base_stations", "2021-01-01") == 30591
    as_of = loader.con.execute(
        "SELECT value FROM core.observations_as_of(TIMESTAMPTZ '2021-03-01 12:00+08:00')").fetchone()[0]
    assert as_of == 99999  # what was known before the withdrawal is still answered


def test_rejected_submission_loads_nothing_but_keeps_its_report(loader):
    loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 1)], "2021-02-05 10:00",
                  accepted=False)
    assert loader.con.execute("SELECT count(*) FROM core.observations").fetchone()[0] == 0
    assert loader.con.execute("SELECT status FROM ops.submissions").fetchone()[0] == "rejected"


def test_a_load_that_fails_halfway_leaves_nothing(loader):
    duplicate_cell = [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 1),
                      (SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 2)]  # violates the primary key
    with pytest.raises(duckdb.ConstraintException):
        loader.submit("gdca", duplicate_cell, "2021-02-05 10:00")
    for table in ("ops.submissions", "ops.rule_results", "ops.findings", "core.observations"):
        assert loader.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_year_on_year_growth_in_percent_and_points(loader):
    loader.submit("gdca", [
        (SHENZHEN, "2022-06-01", "M", "fiveg_base_stations", 40000),
        (SHENZHEN, "2023-06-01", "M", "fiveg_base_stations", 50000),
        (SHENZHEN, "2022-06-01", "M", "pon_ports_total", 1000),
        (SHENZHEN, "2022-06-01", "M", "pon_ports_10g", 400),
        (SHENZHEN, "2023-06-01", "M", "pon_ports_total", 1000),
        (SHENZHEN, "2023-06-01", "M", "pon_ports_10g", 550),
    ], "2023-07-05 10:00")
    loader.rebuild()
    growth = loader.con.execute(
        "SELECT indicator_code, yoy_growth, growth_unit FROM mart.growth WHERE area_code = ?"
        " AND period = DATE '2023-06-01' ORDER BY indicator_code", [SHENZHEN]).fetchall()
    by_code = {code: (g, unit) for code, g, unit in growth}
    assert by_code["fiveg_base_stations"][0] == pytest.approx(25.0)  # 50,000 / 40,000 − 1
    assert by_code["pon_10g_share_pct"] == (pytest.approx(15.0), "pp")  # 55 % − 40 %: points, not %


def test_target_progress_toward_5000_enterprises(loader):
    cities = [SHENZHEN, DONGGUAN, GUANGZHOU]
    # A province total counts only when every city reported: the other 18 transformed none.
    others = [c.code for c in reference.cities() if c.code not in cities]
    loader.submit("gdiit", [(c, "2022-12-01", "M", "enterprises_transformed", n)
                            for c, n in zip(cities + others, [2100, 1500, 1400] + [0] * 18, strict=True)], "2023-01-08 10:00")
    loader.rebuild(reference_date="2023-01-10")
    actual, done, elapsed = loader.con.execute(
        "SELECT actual, completion_pct, time_elapsed_pct FROM mart.target_progress"
        " WHERE target_id = 'transformed_2022' AND basis = 'latest'").fetchone()
    assert actual == 5000 and done == pytest.approx(100.0)  # (2,100 + 1,500 + 1,400) / 5,000
    assert elapsed == 100.0  # 2022 is over at 2023-01-10


def test_publish_holds_only_ref_and_mart_and_is_read_only_safe(loader, paths):
    census(loader)
    loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 30591)], "2021-02-05 10:00")
    loader.rebuild()
    publish(loader.con, paths.serving_db)
    reader = duckdb.connect(str(paths.serving_db), read_only=True)  # a BI reader holds the old file open
    schemas = {r[0] for r in reader.execute(
        "SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()}
    assert schemas == {"ref", "mart"}
    loader.submit("gdca", [(SHENZHEN, "2021-01-01", "M", "fiveg_base_stations", 31000)], "2021-03-01 10:00")
    loader.rebuild()
    publish(loader.con, paths.serving_db)  # replacing under the open reader must not fail
    old = reader.execute("SELECT value FROM mart.observations WHERE area_code = ? AND indicator_code ="
                         " 'fiveg_base_stations'", [SHENZHEN]).fetchone()[0]
    assert old == 30591  # the reader keeps its snapshot until it reconnects
    reader.close()
    fresh = duckdb.connect(str(paths.serving_db), read_only=True)
    assert fresh.execute("SELECT value FROM mart.observations WHERE area_code = ? AND indicator_code ="
                         " 'fiveg_base_stations'", [SHENZHEN]).fetchone()[0] == 31000
    fresh.close()
