"""`digecon run` / `rebuild` when something else holds the warehouse: a clear line, no traceback."""

import fcntl
import subprocess
import sys

import duckdb
import pytest

from pipelines import cli, runner
from pipelines.build import open_build_db
from pipelines.paths import Paths


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    return Paths.resolve(tmp_path / "home")


def test_rebuild_waits_then_gives_up_while_a_run_holds_the_writer_lock(home, capsys, monkeypatch):
    monkeypatch.setenv("DIGECON_WRITER_WAIT", "0.5")
    with open_build_db(home):
        pass  # a build DB exists
    with open(home.build_db.with_suffix(".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running Dagster run does
        lock.write("4242 dagster run 1a2b3c4d\n")
        lock.flush()
        assert runner.rebuild(home, runner.dt.date(2024, 1, 10)) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert "waiting for it to finish" in lines[-2] and "4242 dagster run" in lines[-2]
    assert "another run (4242 dagster run 1a2b3c4d) is writing the warehouse" in lines[-1]
    assert home.build_db.exists()  # untouched


def test_run_while_another_program_holds_the_build_db(home, capsys):
    with open_build_db(home):
        pass
    holder = subprocess.Popen(  # an analyst's DuckDB session with the build DB open read-write
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True);"
         " sys.stdin.read()", str(home.build_db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        assert cli.main(["run", "--reference-date", "2024-01-10"]) == 1
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    err = capsys.readouterr().err
    assert "another program holds the warehouse file" in err and "Traceback" not in err


@pytest.mark.slow
def test_a_fresh_home_whose_first_file_is_one_agencys_single_row(home, capsys):
    """Found by trying it: the run published, then the summary crashed with a TypeError."""
    home.landing_zone().receive("城市代码,期间,指标代码,数值,单位\n440300,2023-12,fiveg_base_stations,52000,个\n".encode(),
                                "gdca-one-row.csv", "gdca", "test")
    assert cli.main(["run", "--reference-date", "2024-01-10"]) == 0
    out = capsys.readouterr().out
    assert "not yet computable" in out and "Traceback" not in out
    with duckdb.connect(str(home.serving_db), read_only=True) as con:
        assert con.execute("SELECT value FROM mart.observations WHERE area_code = '440300'"
                           " AND indicator_code = 'fiveg_base_stations'").fetchone()[0] == 52000


@pytest.mark.slow
def test_a_failing_error_check_blocks_the_publish(home, capsys):
    """ERROR checks are blocking: a build DB that breaks an invariant is never published."""
    landing = home.landing_zone()
    row = "城市代码,期间,指标代码,数值,单位\n440300,2023-{month},fiveg_base_stations,{value},个\n"
    landing.receive(row.format(month="11", value=51000).encode(), "gdca-11.csv", "gdca", "test")
    assert cli.main(["run", "--reference-date", "2024-01-10"]) == 0
    published = home.serving_db.stat().st_mtime_ns
    with duckdb.connect(str(home.build_db)) as con:  # an observation of a city that does not exist
        con.execute("INSERT INTO core.observations SELECT * REPLACE ('449999' AS area_code) FROM core.observations")
    landing.receive(row.format(month="12", value=52000).encode(), "gdca-12.csv", "gdca", "test")
    capsys.readouterr()

    assert cli.main(["run", "--reference-date", "2024-01-10"]) == 1
    out = capsys.readouterr().out
    assert "referential_integrity" in out
    assert home.serving_db.stat().st_mtime_ns == published  # the serving file was not replaced


@pytest.mark.slow
def test_the_summary_shows_a_withheld_total_without_a_figure(home, capsys):
    """Two cities of 21 report: the cities' rates are shown, the thin totals are withheld (M), no crash."""
    home.landing_zone().receive((
        "城市代码,期间,指标代码,数值,单位\n440300,2023-12,fiveg_base_stations,51000,个\n"
        "441900,2023-12,fiveg_base_stations,9000,个\n").encode(), "two-cities.csv", "gdca", "test")
    home.landing_zone().receive(
        "城市代码,期间,指标代码,数值,单位\n440300,2022,resident_population,17000000,人\n"
        "441900,2022,resident_population,10000000,人\n".encode(), "population.csv", "gdstats", "test")
    assert cli.main(["run", "--reference-date", "2024-01-10"]) == 0
    out = capsys.readouterr().out
    assert "30.00" in out  # Shenzhen: 51,000 / 17,000,000 × 10,000
    assert "withheld / 不公布" in out and "Traceback" not in out
