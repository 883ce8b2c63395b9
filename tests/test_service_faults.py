"""kill -9 of the upload service in the middle of an upload: while the body arrives, and while the file
is being checked. After each, the landing zone holds nothing partial or orphaned, the restarted service
clears the interrupted check's copy and says so in its log, and sending the file again works."""

import socket
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import httpx
import pytest
from corpus import LONG_HEADER, csv_bytes
from service_harness import start_service, wait_for
from test_service_limits import large_agency_file

from indicators.landing import LandingZone, sha256_of
from indicators.tokens import TokenStore

pytestmark = pytest.mark.slow


def send(url: str, secret: str, data: bytes, name: str = "file.csv") -> httpx.Response:
    return httpx.post(f"{url}/api/v1/submissions", headers={"Authorization": f"Bearer {secret}"},
                      files={"file": (name, data)}, timeout=120)


def half_sent(url: str, secret: str, data: bytes) -> socket.socket:
    """An upload whose body stops half way: the connection stays open, the service waits for the rest."""
    boundary = "digecon-kill-test"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"half.csv\"\r\n\r\n".encode()
            + data + f"\r\n--{boundary}--\r\n".encode())
    address = urlparse(url)
    connection = socket.create_connection((address.hostname, address.port))
    connection.sendall(f"POST /api/v1/submissions HTTP/1.1\r\nHost: {address.netloc}\r\n"
                       f"Authorization: Bearer {secret}\r\nContent-Length: {len(body)}\r\n"
                       f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n".encode() + body[:len(body) // 2])
    return connection


def assert_whole(landing: LandingZone) -> None:
    """No temporary file, every receipt with its file (and report, if it was checked), no file without one."""
    receipts = landing.receipts()
    files = {p.name for p in landing.files_dir.iterdir()}
    reports = {p.name for p in landing.reports_dir.iterdir()}
    assert not [name for name in files | reports if name.startswith(".")]
    assert files == {r.stored_name for r in receipts}
    assert reports <= {f"{r.sha256}.json" for r in receipts}
    assert [p for p in (landing.root.parent / "tmp" / "uploads").rglob("*") if p.is_file()] == []  # copies


def test_kill_9_mid_upload_leaves_nothing_partial_and_the_file_can_be_sent_again(tmp_path):
    home = tmp_path / "home"
    _, secret = TokenStore.at(home).create("gdca", "钱七", actor="test")
    landing = LandingZone(home / "landing")
    small = csv_bytes([LONG_HEADER, ["广州市", "2023-06", "5G基站数", "81000", "个", ""]])
    large = large_agency_file(versions=3)

    service = start_service(home)
    connection = half_sent(service.url, secret, small + b",,,,,\r\n" * 50_000)
    with ThreadPoolExecutor(max_workers=1) as pool:
        checking = pool.submit(send, service.url, secret, large)
        [copy] = wait_for(lambda: list((home / "tmp" / "uploads").glob("*/upload-*/*")), timeout=60,
                          what="the large file's check")
        service.process.kill()  # SIGKILL, by PID: mid-body for one upload, mid-check for the other
        service.process.wait()
        assert isinstance(checking.exception(), httpx.TransportError)  # the client saw the connection drop
    connection.close()
    assert landing.receipts() == []

    restarted = start_service(home)
    try:
        [cleared] = wait_for(lambda: [e for e in restarted.log_entries() if e.get("event") == "leftovers_removed"
                                      and e["removed"]], what="the start-up's clearing")
        killed = str(service.process.pid)  # the killed service's folder, with the copy it was checking
        assert cleared["removed"] == [killed, f"{killed}/{copy.parent.name}", f"{killed}/{copy.parent.name}/{copy.name}"]
        assert_whole(landing)

        again = send(restarted.url, secret, large, "gdca-large.csv")
        assert again.status_code == 422 and again.json()["report"]["rows"] == len(large.splitlines()) - 1
        assert send(restarted.url, secret, small).status_code == 201
    finally:
        restarted.stop()
    assert sorted(r.sha256 for r in landing.receipts()) == sorted([sha256_of(large), sha256_of(small)])
    assert_whole(landing)
