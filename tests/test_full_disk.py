"""A full disk, on a small tmpfs mounted for the test: one clear error, and the landing zone and the serving
DB stay whole. Mounting needs root (CI runs as root); elsewhere the test is skipped, in CI it must run."""

from __future__ import annotations

import os
import shutil
import subprocess

import duckdb
import pytest
from test_faults import digecon, land_small_home, leftovers

from indicators.landing import LandingZone
from pipelines.paths import Paths

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs as root and must be able to mount a tmpfs for the full-disk test")
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def shrink_to_used(mount, spare_kib: int) -> None:
    """Leave `spare_kib` free: the next writes that need more fail with ENOSPC."""
    used_kib = int(subprocess.run(["du", "-sk", str(mount)], capture_output=True, text=True).stdout.split()[0])
    subprocess.run(["mount", "-o", f"remount,size={used_kib + spare_kib}k", str(mount)], check=True)


def test_landing_on_a_full_disk_refuses_cleanly_and_keeps_what_it_has(small_disk):
    zone = LandingZone(small_disk / "landing")
    zone.receive(b"\xef\xbb\xbf" + "城市代码,期间,指标代码,数值\n440300,2023-06,fiveg_base_stations,1\n".encode(),
                 "first.csv", "gdca", "test")
    shrink_to_used(small_disk, 64)
    with pytest.raises(OSError) as full:
        for n in range(100):
            zone.receive(("城市代码,期间,指标代码,数值\n440300,2023-06,fiveg_base_stations,1\n"
                          + "#" * 100_000 + str(n)).encode(), f"big{n}.csv", "gdca", "test")
    assert full.value.errno in (28, 122)  # ENOSPC (or EDQUOT)
    assert [p for p in small_disk.rglob(".incoming-*")] == []  # the half-written copy was removed
    for receipt in zone.receipts():  # what was registered is whole
        assert zone.path_of(receipt).stat().st_size > 0


def test_a_run_on_a_full_disk_fails_with_one_line_and_keeps_the_serving_db(small_disk, tmp_path):
    home = small_disk / "home"
    work = tmp_path / "work"
    (work).mkdir()
    os.symlink(home, work / "home")  # the test helpers put DIGECON_HOME at <tmp>/home
    land_small_home(home)
    first = digecon(work, "run")
    assert first.returncode == 0, first.stdout + first.stderr
    serving = Paths.resolve(home).serving_db
    with duckdb.connect(str(serving), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM mart.observations").fetchone()[0]

    LandingZone(home / "landing").receive(
        "城市代码,期间,指标代码,数值,单位\n440300,2023-10,fiveg_base_stations,777,个\n".encode(), "late.csv", "gdca", "test")
    shrink_to_used(small_disk, 256)
    failed = digecon(work, "run")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stdout + failed.stderr
    last = failed.stdout.strip().splitlines()[-1]
    assert last.startswith("digecon: ") and " / " in last
    with duckdb.connect(str(serving), read_only=True) as con:  # the old file, whole
        assert con.execute("SELECT count(*) FROM mart.observations").fetchone()[0] == before
    assert [p for p in small_disk.rglob(".incoming-*")] == []

    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    again = digecon(work, "run")
    assert again.returncode == 0, again.stdout + again.stderr
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("SELECT value FROM mart.observations WHERE area_code = '440300'"
                           " AND indicator_code = 'fiveg_base_stations' AND period = DATE '2023-10-01'"
                           ).fetchone()[0] == 777
    assert leftovers(home) == []
