"""The tables refreshed per indicator family (pipelines/build.py refresh): after one area's resubmission, a
withdrawal or a new confidential cell, a run rebuilds only the families touched, and what it leaves is
exactly what a full rebuild gives.

Each case starts from a copy of the bundled sample's build DB (the `sample_home` fixture is shared and never
written), makes one change as a run would load it, refreshes incrementally, keeps the tables, then forgets
the refresh state (which makes the next refresh a full one) and compares.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from indicators import reference
from pipelines.build import build_mart, derive, open_build_db
from pipelines.paths import Paths
from tests.mart_support import Loader

SHENZHEN, SHANWEI = "440300", "441500"
TABLES = ["core.derived_pairs", "mart.observations", "mart.growth", "core.disclosure", "mart.anomalies",
          "mart.lineage"]
REFRESHED = ["core.derived_pairs", "mart.observations", "mart.growth", "mart.anomalies", "mart.lineage"]


@pytest.fixture
def sample_copy(sample_home, tmp_path):
    """A Loader on a copy of the sample's build DB, numbering its submissions after the sample's."""
    paths = Paths.resolve(tmp_path / "home")
    paths.build_db.parent.mkdir(parents=True)
    shutil.copy(sample_home.build_db, paths.build_db)
    with open_build_db(paths) as con:
        loader = Loader(con, paths)
        loader.next_id = con.execute("SELECT max(submission_id) + 1 FROM ops.submissions").fetchone()[0]
        yield loader


def refresh_all(con) -> dict[str, tuple]:
    """What a run does for these tables, in its order; returns each table's refresh state."""
    derive(con)
    for mart in ("observations", "growth", "lineage", "anomalies"):
        build_mart(con, mart)
    return {table: (kind, n) for table, kind, n in con.execute(
        "SELECT table_name, last_refresh, indicators_refreshed FROM ops.refresh_state").fetchall()}


def snapshot(con) -> dict[str, pd.DataFrame]:
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").df() for table in TABLES}


def assert_same_as_full_rebuild(con) -> None:
    incremental = snapshot(con)
    con.execute("DELETE FROM ops.refresh_state")  # no state: the next refresh is a full one
    assert {kind for kind, _ in refresh_all(con).values()} == {"full"}
    full = snapshot(con)
    for table in TABLES:
        assert len(full[table]) > 0, table
        pd.testing.assert_frame_equal(incremental[table], full[table], check_exact=True, obj=table)


def latest(con, area: str, indicator: str) -> list[tuple]:
    return con.execute("SELECT period, freq, value, n_units FROM core.v_latest WHERE area_code = ?"
                       " AND indicator_code = ? ORDER BY period", [area, indicator]).fetchall()


def test_nothing_new_refreshes_no_family_and_changes_nothing(sample_copy):
    con = sample_copy.con
    before = snapshot(con)
    assert refresh_all(con) == {table: ("families", 0) for table in REFRESHED}
    after = snapshot(con)
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], check_exact=True, obj=table)


def test_one_city_resubmitting_its_stations_refreshes_their_family_only(sample_copy):
    con = sample_copy.con
    revised = [(SHENZHEN, p.isoformat(), f, "fiveg_base_stations", v * 1.01)
               for p, f, v, _ in latest(con, SHENZHEN, "fiveg_base_stations") if p >= dt.date(2023, 1, 1)]
    assert len(revised) == 12
    sample_copy.submit("gdca", revised, "2024-01-08 10:00")
    # 5G stations, the stations per 10k people over the population, so the population too
    family = ["fiveg_base_stations", "fiveg_per_10k_people", "resident_population"]
    assert reference.indicator_families(["fiveg_base_stations"]) == family
    states = refresh_all(con)
    assert states == {table: ("families", 3) for table in REFRESHED}
    december = con.execute("SELECT value FROM mart.observations WHERE area_code = ? AND indicator_code ="
                           " 'fiveg_base_stations' AND period = DATE '2023-12-01'", [SHENZHEN]).fetchone()[0]
    assert december == pytest.approx(revised[-1][4], rel=1e-12)
    assert_same_as_full_rebuild(con)


def test_a_new_population_reaches_every_rate_over_it(sample_copy):
    con = sample_copy.con
    period, freq, value, _ = latest(con, SHENZHEN, "resident_population")[-1]
    sample_copy.submit("gdstats", [(SHENZHEN, period.isoformat(), freq, "resident_population", value + 10_000)],
                       "2024-01-08 10:00")
    states = refresh_all(con)
    assert states["mart.observations"] == ("families", 3)
    assert_same_as_full_rebuild(con)


def test_a_withdrawal_refreshes_what_the_withdrawn_file_carried(sample_copy):
    con = sample_copy.con
    submission_id, = con.execute("SELECT max(submission_id) FROM ops.submissions WHERE profile = 'gdiit'"
                                 " AND status = 'accepted'").fetchone()
    carried = {code for (code,) in con.execute("SELECT DISTINCT indicator_code FROM core.observations"
                                                " WHERE submission_id = ?", [submission_id]).fetchall()}
    sample_copy.withdraw(submission_id, "2024-01-08 10:00", "wrong month")
    states = refresh_all(con)
    assert states["mart.observations"] == ("families", len(reference.indicator_families(carried)))
    assert_same_as_full_rebuild(con)


def test_a_cell_made_confidential_is_suppressed_with_its_complements(sample_copy):
    """Shanwei's latest standard racks resent as one data centre's: C, and the cells that would give it away."""
    con = sample_copy.con
    period, freq, value, _ = latest(con, SHANWEI, "dc_standard_racks")[-1]
    sample_copy.submit("gdiit", [(SHANWEI, period.isoformat(), freq, "dc_standard_racks", value, None, 1)],
                       "2024-01-08 10:00")
    states = refresh_all(con)
    assert states["mart.observations"] == ("families", 3)  # standard racks, racks in use, utilisation
    status = con.execute("SELECT conf_status, suppression_reason FROM core.disclosure WHERE area_code = ?"
                         " AND indicator_code = 'dc_standard_racks' AND period = ?", [SHANWEI, period]).fetchone()
    assert status == ("C", "threshold")
    assert_same_as_full_rebuild(con)


def test_a_release_rebuilds_the_tables_whole(sample_copy):
    """A release changes the status of every indicator's values in its month: no family scope applies."""
    con = sample_copy.con
    released = {month for (month,) in con.execute("SELECT period FROM ops.releases").fetchall()}
    month = max(released) + pd.DateOffset(months=1)
    sample_copy.release(month.strftime("%Y-%m"), "2024-01-09 09:00")
    assert {kind for kind, _ in refresh_all(con).values()} == {"full"}
    assert_same_as_full_rebuild(con)


def test_tables_built_by_other_code_are_rebuilt_whole(sample_copy):
    """An upgrade that changes the SQL or Python building them: the state's code digest no longer matches."""
    con = sample_copy.con
    con.execute("UPDATE ops.refresh_state SET inputs_fingerprint = regexp_replace(inputs_fingerprint,"
                " '^code=[0-9a-f]+', 'code=older')")
    assert {kind for kind, _ in refresh_all(con).values()} == {"full"}
    assert {kind for kind, _ in refresh_all(con).values()} == {"families"}  # and then per family again
