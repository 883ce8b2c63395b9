"""Faults, from outside: `kill -9` of `digecon run` at each stage, two writers at once, a rebuild during a
run, a receiver killed while landing. After each: the serving DB opens (the old file or the new whole
file), the next run finishes and its marts equal a clean run's, and nothing is left behind."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from indicators import reference
from indicators.clock import SHANGHAI
from indicators.landing import LandingZone
from pipelines.paths import Paths

pytestmark = pytest.mark.slow
DIGECON = str(Path(sys.executable).with_name("digecon"))

# The progress line after which `digecon run` is killed: it dies in the stage that follows.
KILL_AFTER = {
    "validating": "✓ landed_submissions",
    "loading": "✓ validated_submissions",
    "deriving": "✓ loaded_observations",
    "building marts": "✓ derived_indicators",
    "publishing": "publishing the serving DB",
    "boards": "completeness boards for",
}


def land_small_home(home: Path) -> None:
    """Four files as agencies and a pilot send them, one of them rejected (a derived code)."""
    landing = LandingZone(home / "landing")
    header = "城市代码,期间,指标代码,数值,单位\n"
    census = header + "".join(f"{c.code},2020,resident_population,{c.population_census_2020},人\n"
                              for c in reference.cities())
    november = header + "".join(f"{c.code},2023-11,fiveg_base_stations,{900 + n},个\n"
                                for n, c in enumerate(reference.cities()))
    december = header + "".join(f"{c.code},2023-12,fiveg_base_stations,{1000 + n},个\n"
                                for n, c in enumerate(reference.cities()))
    rejected = header + "440300,2023-12,fiveg_per_10k_people,25,个/万人\n"
    for name, profile, text, received in [
        ("census.csv", "gdstats", census, "2021-05-11T09:00:00"),
        ("gdca_2023-11.csv", "gdca", november, "2023-12-05T10:00:00"),
        ("gdca_2023-12.csv", "gdca", december, "2024-01-05T10:00:00"),
        ("rates.csv", "pilot-440300", rejected, "2024-01-06T10:00:00"),
    ]:
        landing.receive(text.encode(), name, profile, "test", dt.datetime.fromisoformat(received).replace(tzinfo=SHANGHAI))


def environment(tmp: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGECON_", "DAGSTER_"))}
    return {**env, "DIGECON_HOME": str(tmp / "home"), "DAGSTER_HOME": str(tmp / "dagster"),
            "DIGECON_REFERENCE_DATE": "2024-01-10", **extra}


def digecon(tmp: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([DIGECON, *args], env=environment(tmp, **extra), capture_output=True, text=True,
                          timeout=600)


def start(tmp: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([DIGECON, *args], env=environment(tmp, **extra), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def wait_for(process: subprocess.Popen, marker: str) -> str:
    """Read the process's output until `marker`; fails if it ends first."""
    seen = []
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            return "".join(seen)
    process.wait(timeout=60)
    pytest.fail(f"{marker!r} never came; output:\n{''.join(seen)}")


def marts(home: Path) -> dict[str, list]:
    """Every mart of the serving DB, but the publication stamp (its time differs between runs)."""
    with duckdb.connect(str(Paths.resolve(home).serving_db), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'mart'"
                                            " AND table_name <> 'publication' ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT * FROM mart."{t}" ORDER BY ALL').fetchall() for t in tables}


def leftovers(home: Path) -> list[str]:
    """What a killed process may leave: half-written files, serving temporaries, a rebuild's old DB,
    archived files without a register row."""
    paths = Paths.resolve(home)
    found = [str(p) for p in home.rglob(".incoming-*")]
    found += [str(p) for p in paths.serving_db.parent.glob(".*.tmp*")]
    found += [str(p) for p in paths.build_db.parent.glob("*.previous")]
    registered = {r.stored_name for r in paths.landing_zone().receipts()}
    found += [str(p) for p in (paths.landing / "files").iterdir() if p.name not in registered]
    return found


@pytest.fixture(scope="module")
def clean_marts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("clean")
    land_small_home(tmp / "home")
    result = digecon(tmp, "run")
    assert result.returncode == 0, result.stdout + result.stderr
    return marts(tmp / "home")


@pytest.mark.parametrize("stage", list(KILL_AFTER))
def test_kill_9_at_each_stage_loses_nothing_and_leaves_nothing(tmp_path, clean_marts, stage):
    land_small_home(tmp_path / "home")
    serving = Paths.resolve(tmp_path / "home").serving_db
    run = start(tmp_path, "run")
    wait_for(run, KILL_AFTER[stage])
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL
    if serving.exists():  # the old file or the new whole file, never a torn one
        with duckdb.connect(str(serving), read_only=True) as con:
            con.execute("SELECT count(*) FROM mart.observations").fetchone()

    again = digecon(tmp_path, "run")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "nothing changed" not in again.stdout  # what the killed run left unpublished is published now
    assert marts(tmp_path / "home") == clean_marts
    assert leftovers(tmp_path / "home") == []
    assert "nothing changed" in digecon(tmp_path, "run").stdout


def test_two_runs_at_once_are_serialised(tmp_path, clean_marts):
    land_small_home(tmp_path / "home")
    first = start(tmp_path, "run")
    wait_for(first, "✓ landed_submissions")
    second = digecon(tmp_path, "run")
    first_rest = first.communicate(timeout=600)[0]
    assert first.returncode == 0, first_rest
    assert second.returncode == 0, second.stdout + second.stderr
    assert "waiting for it to finish" in second.stdout
    assert "Duplicate key" not in second.stdout + second.stderr
    assert "nothing changed" in second.stdout  # it never took the first one's pending list
    assert marts(tmp_path / "home") == clean_marts


def test_rebuild_during_a_run_waits_and_rolls_nothing_back(tmp_path, clean_marts):
    land_small_home(tmp_path / "home")
    first = start(tmp_path, "run")
    wait_for(first, "✓ validated_submissions")
    rebuild = digecon(tmp_path, "rebuild")
    first.communicate(timeout=600)
    assert first.returncode == 0
    assert rebuild.returncode == 0, rebuild.stdout + rebuild.stderr
    assert "waiting for it to finish" in rebuild.stdout
    assert marts(tmp_path / "home") == clean_marts


def test_a_second_writer_gives_up_after_its_wait_with_one_line(tmp_path):
    land_small_home(tmp_path / "home")
    first = start(tmp_path, "run")
    wait_for(first, "✓ landed_submissions")
    second = digecon(tmp_path, "run", DIGECON_WRITER_WAIT="0.5")
    first.communicate(timeout=600)
    assert second.returncode == 1
    last = second.stdout.strip().splitlines()[-1]
    assert "another run" in last and "正在写入仓库" in last
    assert "Traceback" not in second.stdout + second.stderr


def test_a_receiver_killed_while_landing_leaves_no_orphan_once_recovered(tmp_path):
    """A process landing files one after another is killed mid-way; the next writer's recovery leaves the
    register and the archive in agreement, and every registered file is whole."""
    landing_root = tmp_path / "home" / "landing"
    script = textwrap.dedent(f"""
        from indicators.landing import LandingZone
        zone = LandingZone({str(landing_root)!r})
        n = 0
        while True:
            n += 1
            zone.receive(("城市代码,期间,指标代码,数值\\n440300,2023-06,fiveg_base_stations," + str(n) + "\\n"
                          + "#" * 200_000).encode(), f"f{{n}}.csv", "gdca", "test")
            if n == 5:
                print("five", flush=True)
    """)
    receiver = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert receiver.stdout.readline().strip() == "five"
    os.kill(receiver.pid, signal.SIGKILL)
    receiver.wait(timeout=60)
    zone = LandingZone(landing_root)
    zone.recover()
    assert leftovers(tmp_path / "home") == []
    receipts = zone.receipts()
    assert len(receipts) >= 5
    for receipt in receipts:
        assert zone.path_of(receipt).stat().st_size > 200_000
