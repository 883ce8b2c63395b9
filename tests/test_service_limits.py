"""The upload service's limits, its answers while a large file is checked, and how far a file has got,
over real HTTP on loopback: a service with three uploads per token per minute; the sensor's run and
`digecon release` move a file along."""

import datetime as dt
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import duckdb
import httpx
import pytest
from corpus import LONG_HEADER, csv_bytes
from service_harness import DIGECON, SensorRuns, start_service, wait_for

from indicators import reference
from indicators.landing import LandingZone, sha256_of
from indicators.tokens import AuditLog, TokenStore
from pipelines.paths import Paths
from pipelines.service import Intake
from pipelines.service_commands import Limits

PER_MINUTE = 3


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def base_url(home):
    service = start_service(home, "--uploads-per-minute", str(PER_MINUTE), "--refusal-window", "1")
    yield service.url
    service.stop()


def token_for(home, profile: str, name: str) -> tuple[str, str]:
    token, secret = TokenStore.at(home).create(profile, name, actor="test")
    return token.token_id, secret


def shenzhen(value: int, period: str = "2023-06") -> bytes:
    return csv_bytes([LONG_HEADER, ["深圳市", period, "5G基站数", str(value), "个", ""]])


def send(base_url: str, secret: str, data: bytes) -> httpx.Response:
    return httpx.post(f"{base_url}/api/v1/submissions", headers={"Authorization": f"Bearer {secret}"},
                      files={"file": ("深圳.csv", data)}, timeout=60)


def test_uploads_over_the_rate_get_429_with_retry_after_in_both_languages(base_url, home):
    token_id, secret = token_for(home, "pilot-440300", "张三")
    _, colleague = token_for(home, "pilot-440300", "李四")

    assert [send(base_url, secret, shenzhen(50000 + n)).status_code for n in range(PER_MINUTE)] == [201] * PER_MINUTE
    over = send(base_url, secret, shenzhen(50009))

    assert over.status_code == 429
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    error = over.json()["error"]
    assert error["status"] == 429 and f"每分钟最多上传 {PER_MINUTE} 个文件" in error["message_zh"]
    assert f"at most {PER_MINUTE} files a minute per token" in error["message_en"]
    assert sha256_of(shenzhen(50009)) not in {r.sha256 for r in LandingZone(home / "landing").receipts()}
    assert send(base_url, colleague, shenzhen(50010)).status_code == 201  # the limit is per token
    [line] = wait_for(lambda: [e for e in AuditLog.at(home).entries() if e["action"] == "upload"
                               and e.get("http_status") == 429], what="the 429 in the audit log")
    assert (line["token_id"], line["actor"], line["count"], line["outcome"]) == (token_id, "张三", 1, "refused")


@pytest.mark.slow
def test_a_file_shows_received_then_loaded_then_published(base_url, home, tmp_path, monkeypatch):
    """已接收 → 已入库 (the sensor's run has processed it) → 已发布 (its period is released)."""
    _, secret = token_for(home, "pilot-440300", "王芳")
    headers = {"Authorization": f"Bearer {secret}"}
    sent = send(base_url, secret, shenzhen(48000, "2023-05"))
    submission_id = sent.json()["submission_id"]

    def progress() -> str:
        return httpx.get(f"{base_url}/api/v1/submissions/{submission_id}", headers=headers).json()["progress"]

    def health() -> dict:
        return httpx.get(f"{base_url}/healthz").json()

    assert (sent.json()["progress"], progress()) == ("received", "received")
    assert health()["processed_up_to"] is None
    monkeypatch.setenv("DIGECON_HOME", str(home))  # the in-process runs resolve it
    monkeypatch.setenv("DIGECON_REFERENCE_DATE", "2024-01-10")
    with dg.DagsterInstance.ephemeral(tempdir=str(tmp_path / "dagster")) as instance:
        assert SensorRuns(home, instance).load_new_submissions() >= 1

    assert progress() == "loaded"
    landed = max(r.submission_id for r in LandingZone(home / "landing").receipts())
    assert health() == {"status": "ok", "landing_writable": True, "landed_up_to": landed, "processed_up_to": landed,
                        "waiting": 0}
    listed = httpx.get(f"{base_url}/api/v1/submissions", headers=headers).json()["submissions"]
    assert {s["progress"] for s in listed} == {"loaded"}  # the profile's files, all processed

    subprocess.run([str(DIGECON), "release", "2023-05", "--by", "王分析"], env=os.environ, check=True,
                   capture_output=True)

    assert progress() == "published"
    later = {s["submission_id"]: s["progress"] for s in httpx.get(f"{base_url}/api/v1/submissions", headers=headers)
             .json()["submissions"]}
    assert set(later.values()) == {"loaded", "published"}  # June's files are still provisional


def large_agency_file(versions: int) -> bytes:
    """The communications administration's monthly figures for every city, 2019-2023, each cell given
    `versions` times with different values: tens of thousands of rows, and a finding for each repeat."""
    catalogue = reference.catalogue()
    monthly = [catalogue[code] for code in reference.profiles()["gdca"].indicators if catalogue[code].freq == "M"]
    rows = [LONG_HEADER]
    for version in range(versions):
        for month in range(60):
            period = f"{2019 + month // 12}-{month % 12 + 1:02d}"
            for indicator in monthly:
                for city in reference.city_by_code().values():
                    rows.append([city.name_zh, period, indicator.name_zh, str(1000 + version), indicator.unit, ""])
    return csv_bytes(rows)


def test_the_page_history_and_small_uploads_answer_while_a_large_file_is_checked(base_url, home):
    """While the service checks a large file (its copy is in tmp/uploads), the page, the history, the
    health endpoint and a small upload all get their answers, before the large file's."""
    _, agency = token_for(home, "gdca", "钱七")
    _, clerk = token_for(home, "pilot-440300", "孙八")
    large = large_agency_file(versions=4)
    scratch = home / "tmp" / "uploads"

    with ThreadPoolExecutor(max_workers=1) as pool:
        checking = pool.submit(send, base_url, agency, large)
        wait_for(lambda: list(scratch.glob("*/upload-*/*")), timeout=60, what="the large file's check to start")
        page = httpx.get(base_url, timeout=60)
        history = httpx.get(f"{base_url}/api/v1/submissions", headers={"Authorization": f"Bearer {clerk}"}, timeout=60)
        health = httpx.get(f"{base_url}/healthz", timeout=60)
        small = send(base_url, clerk, shenzhen(47700))
        large_still_checked = not checking.done()
        answer = checking.result()

    assert (page.status_code, history.status_code, health.status_code, small.status_code) == (200, 200, 200, 201)
    assert large_still_checked
    assert answer.status_code == 422 and answer.json()["report"]["rows"] == len(large.splitlines()) - 1
    assert list(scratch.glob("*/upload-*")) == []  # the check removed its copy


def test_start_up_clears_the_copies_of_processes_no_longer_running_and_keeps_the_others(tmp_path):
    """A second service, or `digecon submit`, may be checking a file while a service starts: only the
    folders of processes that have ended are removed."""
    intake = Intake(Paths.resolve(tmp_path / "home"), validator=None, limits=Limits())
    finished = subprocess.Popen(["true"])
    finished.wait()  # reaped: its pid names no process now
    for pid in (os.getpid(), finished.pid):
        (intake.scratch / str(pid) / "upload-x").mkdir(parents=True)
        (intake.scratch / str(pid) / "upload-x" / "upload.csv").write_bytes(b"city,period\r\n")
    (intake.scratch / "stray.csv").write_bytes(b"x")

    removed = intake.clear_leftovers()

    gone = str(finished.pid)
    assert sorted(removed) == sorted([gone, f"{gone}/upload-x", f"{gone}/upload-x/upload.csv", "stray.csv"])
    assert [p.name for p in intake.scratch.iterdir()] == [str(os.getpid())]  # a running process's copies stay


def test_the_served_history_is_read_once_per_published_file(tmp_path, sample_home):
    """Each upload's checks against history, and its change list, read the serving DB in the profile's
    scope; the service reads it once per published file and again as soon as a publish replaces the file,
    previous vintages included."""
    paths = Paths.resolve(tmp_path / "home")
    paths.serving_db.parent.mkdir(parents=True)
    shutil.copy(sample_home.serving_db, paths.serving_db)
    intake = Intake(paths, validator=None, limits=Limits())
    gdca = reference.profiles()["gdca"]
    guangzhou_5g = ("440100", dt.date(2023, 12, 1), "fiveg_base_stations")

    first = intake.served(gdca)
    assert intake.served(gdca) is first  # the same file: not read again
    staged = paths.serving_db.with_name("staged.duckdb")
    shutil.copy(paths.serving_db, staged)
    with duckdb.connect(str(staged)) as con:  # a publish with a new Guangzhou figure
        con.execute("UPDATE mart.observations SET value = 123456 WHERE area_code = '440100'"
                    " AND indicator_code = 'fiveg_base_stations' AND time_period = '2023-12'")
    os.replace(staged, paths.serving_db)  # as publish swaps the file in

    again = intake.served(gdca)
    assert again is not first
    history = again.history
    cell = history[(history["city_code"] == "440100") & (history["indicator_code"] == "fiveg_base_stations")
                   & (history["period"] == dt.date(2023, 12, 1))]
    assert cell["served_value"].tolist() == [123456]
    assert first.previous[guangzhou_5g][0] != 123456
    assert again.previous[guangzhou_5g][0] == 123456  # the change list's previous vintage (gdca's own), read again
    assert intake.served(reference.profiles()["pilot-440300"]) is not again  # per profile


def test_a_list_sent_once_figures_are_published_lands_without_a_change_list(tmp_path, sample_home, capsys, monkeypatch):
    """A registry's city values are counted at load, over its vintages: with a serving DB to compare with,
    `digecon submit` (the service's intake) lands the list and lists no changes, never a traceback."""
    from test_cli import digecon

    home = tmp_path / "home"
    (home / "serving").mkdir(parents=True)
    shutil.copy(sample_home.serving_db, home / "serving" / sample_home.serving_db.name)
    monkeypatch.setenv("DIGECON_HOME", str(home))
    listed = tmp_path / "dc.csv"
    listed.write_text("报告期,数据中心编号,城市代码,标准机架数,在用机架数,IT能耗(兆瓦时),总能耗(兆瓦时),等级\n"
                      "2023Q3,SZ-A,440300,1000,800,5000,6500,A\n", encoding="utf-8")

    code, out, err = digecon(capsys, "submit", "--as", "gdiit", "--by", "王五", str(listed))

    assert (code, err) == (0, "")
    assert "submission 1 accepted: dc.csv" in out
