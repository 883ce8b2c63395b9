"""`digecon backup` and `digecon restore`: what cannot be rebuilt, snapshotted while it is being written,
restored into an empty home, from which `digecon rebuild` gives the very same marts."""

import datetime as dt
import io
import json
import shutil
import sqlite3
import tarfile
import threading
from contextlib import closing

import duckdb
import httpx
import pytest
from corpus import LONG_HEADER, csv_bytes, shenzhen_june
from service_harness import running_service

from indicators import reference
from indicators.clock import SHANGHAI
from indicators.landing import LandingZone
from indicators.tokens import TokenStore
from pipelines import cli, runner
from pipelines.ops_commands import read_backup, write_backup
from pipelines.paths import Paths

REFERENCE_DATE = dt.date(2024, 1, 10)


def shanghai(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def use_home(monkeypatch, paths: Paths) -> None:
    monkeypatch.setenv("DIGECON_HOME", str(paths.home))
    monkeypatch.setenv("DAGSTER_HOME", str(paths.home / "dagster"))


def receipt_count(register: bytes) -> int:
    db = sqlite3.connect(":memory:")
    db.deserialize(register)
    return db.execute("SELECT count(*) FROM receipts").fetchone()[0]


def test_registers_are_snapshotted_with_what_sits_in_the_wal_and_without_open_transactions(tmp_path):
    paths = Paths.resolve(tmp_path / "home")
    landing = paths.landing_zone()
    register = paths.landing / "register.sqlite3"
    with closing(sqlite3.connect(register)) as service:  # a process keeping the register open: no checkpoint
        service.execute("SELECT count(*) FROM receipts").fetchone()
        for n in range(3):
            landing.receive(csv_bytes([LONG_HEADER, ["深圳市", "2023-06", "5G基站数", str(n), "个", ""]]),
                            f"f{n}.csv", "pilot-440300", "张三")
        plain_copy = tmp_path / "copied.sqlite3"
        shutil.copy(register, plain_copy)  # what a file copy would have kept: the WAL's rows are missing
        with closing(sqlite3.connect(plain_copy)) as copied:
            assert copied.execute("SELECT count(*) FROM receipts").fetchone()[0] == 0
        with closing(sqlite3.connect(register, timeout=30, isolation_level=None)) as writer:
            writer.execute("BEGIN IMMEDIATE")  # an upload in the middle of registering itself
            writer.execute("INSERT INTO receipts (sha256, profile, submitted_by, original_filename, stored_name,"
                           " received_at, intake_status) VALUES ('x', 'gdca', 'w', 'x.csv', 'x.csv', '', 'accepted')")

            _, manifest = write_backup(paths, tmp_path / "backup.tar.gz")

            writer.execute("ROLLBACK")
    _, contents = read_backup(tmp_path / "backup.tar.gz")
    assert receipt_count(contents["landing/register.sqlite3"]) == 3
    assert manifest["counts"]["receipts"] == 3
    assert sorted(n for n in contents if n.startswith("landing/files/")) == sorted(
        f"landing/files/{r.stored_name}" for r in landing.receipts())


def test_backup_while_the_service_takes_uploads_is_whole_each_time(tmp_path):
    """Every archive taken during a stream of uploads restores to a landing zone whose every receipt has
    its file and its kept report, and the last one holds them all."""
    paths = Paths.resolve(tmp_path / "home")
    token = TokenStore.at(paths.home).create("pilot-440300", "张三", actor="admin")[1]
    archives = []
    with running_service(paths.home) as base:
        def upload_all():
            with httpx.Client(timeout=120) as client:
                for n in range(6):
                    data = csv_bytes([LONG_HEADER, ["深圳市", "2023-06", "5G基站数", str(50000 + n), "个", ""]])
                    answer = client.post(f"{base}/api/v1/submissions", headers={"Authorization": f"Bearer {token}"},
                                         files={"file": (f"深圳-{n}.csv", data, "text/csv")})
                    assert answer.status_code == 201, answer.text

        uploads = threading.Thread(target=upload_all)
        uploads.start()
        while uploads.is_alive() or not archives:
            if (paths.landing / "register.sqlite3").exists():
                archives.append(write_backup(paths, tmp_path / f"b{len(archives)}.tar.gz")[0])
        uploads.join()
        archives.append(write_backup(paths, tmp_path / "last.tar.gz")[0])

    counts = []
    for archive in archives:
        _, contents = read_backup(archive)  # every file checked against the manifest's sha256
        db = sqlite3.connect(":memory:")
        db.deserialize(contents["landing/register.sqlite3"])
        receipts = db.execute("SELECT sha256, stored_name FROM receipts").fetchall()
        for sha256, stored_name in receipts:
            assert f"landing/files/{stored_name}" in contents and f"landing/reports/{sha256}.json" in contents
        counts.append(len(receipts))
    assert counts[-1] == 6 and counts == sorted(counts)
    audit = [json.loads(line) for line in read_backup(archives[-1])[1]["audit/audit.jsonl"].splitlines()]
    assert [e["action"] for e in audit] == ["token_create"] + ["upload"] * 6


@pytest.mark.slow
def test_restore_into_an_empty_home_then_rebuild_gives_identical_marts(tmp_path, monkeypatch, capsys):
    source = Paths.resolve(tmp_path / "source")
    use_home(monkeypatch, source)
    landing = source.landing_zone()
    header = ["城市代码", "期间", "指标代码", "数值", "单位"]
    census = [header] + [[c.code, "2020", "resident_population", c.population_census_2020, "人"]
                         for c in reference.cities()]
    stations = [header] + [[c.code, "2023-06", "fiveg_base_stations", 2000 + n, "个"]
                           for n, c in enumerate(reference.cities())]
    landing.receive(csv_bytes(census), "census.csv", "gdstats", "李四", shanghai("2021-05-11 09:00"))
    landing.receive(csv_bytes(stations), "gdca-2023-06.csv", "gdca", "王五", shanghai("2023-07-05 10:00"))
    pilot, _ = landing.receive(csv_bytes(shenzhen_june()), "深圳.csv", "pilot-440300", "张三",
                               shanghai("2023-07-08 10:00"))
    landing.receive(csv_bytes([LONG_HEADER, ["深圳市", "2023-06", "5G基站数", "-3", "个", ""]]), "bad.csv",
                    "pilot-440300", "张三", shanghai("2023-07-09 10:00"))
    landing.withdraw(pilot.submission_id, "张三", "数值有误", shanghai("2023-07-10 10:00"))
    landing.release(dt.date(2023, 6, 1), "王分析", shanghai("2023-07-20 09:00"))
    token, secret = TokenStore.at(source.home).create("pilot-441900", "赵六", actor="admin")
    assert runner.run(source, REFERENCE_DATE, with_sample=False) == 0
    before = serving_tables(source)
    with duckdb.connect(str(source.serving_db), read_only=True) as served:  # the acts a backup must carry
        assert served.execute("SELECT count(*) FROM mart.v_released_observations").fetchone()[0] > 0
        assert served.execute("SELECT DISTINCT submission_status, withdrawn FROM mart.data_quality"
                              " WHERE submission_id IN (3, 4) ORDER BY ALL").fetchall() == [
            ("accepted", True), ("rejected", False)]

    assert cli.main(["backup", "-o", str(tmp_path)]) == 0
    [archive] = tmp_path.glob("digecon-backup-*.tar.gz")
    target = Paths.resolve(tmp_path / "restored")
    use_home(monkeypatch, target)
    assert cli.main(["restore", str(archive)]) == 0
    assert "下一步 / next: digecon rebuild" in capsys.readouterr().out
    assert runner.rebuild(target, REFERENCE_DATE) == 0

    after = serving_tables(target)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], f"{table} differs after restore and rebuild"
    restored = LandingZone(target.landing)
    assert restored.receipts() == landing.receipts() and restored.withdrawals() == landing.withdrawals()
    assert restored.releases() == landing.releases()
    assert TokenStore.at(target.home).find(secret) == token
    assert (target.home / "audit" / "audit.jsonl").read_bytes() == (source.home / "audit" / "audit.jsonl").read_bytes()


def serving_tables(paths: Paths) -> dict[str, list]:
    """Every table of the serving DB, sorted; but the publication stamp, whose time is the publish's own."""
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables()"
                             " WHERE (schema_name, table_name) <> ('mart', 'publication') ORDER BY ALL").fetchall()
        return {f"{s}.{t}": con.execute(f'SELECT * FROM {s}."{t}" ORDER BY ALL').fetchall() for s, t in tables}


def test_restore_refuses_a_home_that_is_not_empty(tmp_path, monkeypatch, capsys):
    source = Paths.resolve(tmp_path / "source")
    source.landing_zone().receive(b"a,b\n", "a.csv", "gdca", "王五")
    write_backup(source, tmp_path / "backup.tar.gz")
    busy = Paths.resolve(tmp_path / "busy")
    (busy.home / "landing").mkdir(parents=True)
    use_home(monkeypatch, busy)

    assert cli.main(["restore", str(tmp_path / "backup.tar.gz")]) == 1

    err = capsys.readouterr().err
    assert err == (f"digecon: DIGECON_HOME {busy.home} 不是空目录，只能恢复到空目录 / DIGECON_HOME {busy.home}"
                   " is not empty: restore only into an empty one\n")
    assert [p.name for p in busy.home.iterdir()] == ["landing"] and not any((busy.home / "landing").iterdir())


def rewritten(archive, change) -> bytes:
    """The archive with `change(name, data)` applied to each member (None drops it)."""
    out = io.BytesIO()
    with tarfile.open(archive, "r:gz") as old, tarfile.open(fileobj=out, mode="w:gz") as new:
        for info in old:
            data = change(info.name, old.extractfile(info).read())
            if data is None:
                continue
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return out.getvalue()


@pytest.mark.parametrize("damage, reason", [
    (lambda name, data: data[:-1] + b"!" if name.startswith("landing/files/") else data,
     "is damaged (size or sha256 differs from the manifest)"),
    (lambda name, data: None if name == "manifest.json" else data, "no manifest"),
    (lambda name, data: None if name.startswith("landing/reports/") else data, "the files differ from the manifest"),
])
def test_a_damaged_backup_is_refused_and_leaves_the_home_empty(tmp_path, monkeypatch, capsys, damage, reason):
    source = Paths.resolve(tmp_path / "source")
    source.landing_zone().receive(b"a,b\n", "a.csv", "gdca", "王五", report={"accepted": False})
    write_backup(source, tmp_path / "backup.tar.gz")
    (tmp_path / "damaged.tar.gz").write_bytes(rewritten(tmp_path / "backup.tar.gz", damage))
    target = Paths.resolve(tmp_path / "target")
    use_home(monkeypatch, target)

    assert cli.main(["restore", str(tmp_path / "damaged.tar.gz")]) == 1

    err = capsys.readouterr().err
    assert "is not a whole digecon backup" in err and reason in err and err.count("\n") == 1
    assert not target.home.exists()


def test_a_path_outside_the_home_is_refused(tmp_path, monkeypatch, capsys):
    source = Paths.resolve(tmp_path / "source")
    source.landing_zone().receive(b"a,b\n", "a.csv", "gdca", "王五")
    write_backup(source, tmp_path / "backup.tar.gz")

    def escape(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["files"].append({"path": "landing/../../escaped", "size": 1, "sha256": "0" * 64})
        return json.dumps(manifest).encode()

    evil = rewritten(tmp_path / "backup.tar.gz", escape)
    with tarfile.open(fileobj=io.BytesIO(evil), mode="r:gz") as old:  # add the member the manifest announces
        members = [(info, old.extractfile(info).read()) for info in old]
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as new:
        for info, data in members:
            new.addfile(info, io.BytesIO(data))
        info = tarfile.TarInfo("landing/../../escaped")
        info.size = 1
        new.addfile(info, io.BytesIO(b"x"))
    (tmp_path / "evil.tar.gz").write_bytes(out.getvalue())
    use_home(monkeypatch, Paths.resolve(tmp_path / "target"))

    assert cli.main(["restore", str(tmp_path / "evil.tar.gz")]) == 1

    assert "unsafe path 'landing/../../escaped'" in capsys.readouterr().err
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "target").exists()
