"""The upload API over real HTTP on loopback: `digecon serve` in a subprocess with its own DIGECON_HOME.

One server for the module (starting it builds the GX context, seconds); each test sends files no other
test sends, so the shared landing zone never mixes their answers. Its refusal window is one second, so
that counted refusals reach the audit log while a test waits for them.
"""

import argparse
import io
import json
from urllib.parse import quote
from concurrent.futures import ThreadPoolExecutor

import httpx
import openpyxl
import pytest
from corpus import LONG_HEADER, csv_bytes, validator  # noqa: F401  (the session's one Validator)
from service_harness import start_service, wait_for

from indicators.landing import LandingZone, sha256_of
from indicators.report import Finding, Report
from indicators.template import FIRST_DATA_ROW, HEADER_ROW
from indicators.tokens import AuditLog, TokenStore
from pipelines import service_commands
from pipelines.service import over_limit

UPLOAD_LIMIT_MB = 2  # small, to show the limit is configurable; the default (20 MB) is tested below
MB = 1024 * 1024


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def tmpdir_of_service(tmp_path_factory):
    """The service's $TMPDIR: nothing of the project's may be left in it."""
    return tmp_path_factory.mktemp("service-tmpdir")


@pytest.fixture(scope="module")
def service(home, tmpdir_of_service):
    service = start_service(home, "--max-upload-mb", str(UPLOAD_LIMIT_MB), "--uploads-per-minute", "1000",
                            "--refusal-window", "1", env={"TMPDIR": str(tmpdir_of_service)})
    yield service
    service.stop()


@pytest.fixture(scope="module")
def base_url(service):
    return service.url


@pytest.fixture(scope="module")
def tokens(home):
    store = TokenStore.at(home)
    return {name: store.create(profile, name, actor="test")[1]
            for name, profile in [("张三", "pilot-440300"), ("王五", "pilot-441900"), ("赵六", "gdca")]}


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def shenzhen_file(value: int, period: str = "2023-06") -> bytes:
    """A one-value file from the Shenzhen pilot; the value makes the bytes (and the submission) unique."""
    return csv_bytes([LONG_HEADER, ["深圳市", period, "5G基站数", str(value), "个", ""]])


def upload(base_url: str, token: str, data: bytes, name: str = "submission.csv") -> httpx.Response:
    return httpx.post(f"{base_url}/api/v1/submissions", headers=auth(token), files={"file": (name, data)},
                      timeout=60)


def assert_bilingual_error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["message_zh"] and error["message_en"]
    assert "Traceback" not in response.text
    return error


def refusals_from(home, client: str, action: str = "auth_refused") -> list[dict]:
    return [e for e in AuditLog.at(home).entries() if e["action"] == action and e.get("client") == client]


def from_address(address: str) -> httpx.Client:
    """A client whose requests come from another loopback address: the service counts it as another client."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def test_missing_bad_and_revoked_tokens_get_401(base_url, home, tokens):
    store = TokenStore.at(home)
    revoked, secret = store.create("pilot-440300", "离职人员", actor="test")
    store.revoke(revoked.token_id, actor="test")
    data = shenzhen_file(40001)

    with from_address("127.0.0.3") as client:
        no_token = client.post(f"{base_url}/api/v1/submissions", files={"file": ("a.csv", data)})
        wrong = client.post(f"{base_url}/api/v1/submissions", headers=auth("dgc_not-a-real-token"),
                            files={"file": ("a.csv", data)})
        refused = client.post(f"{base_url}/api/v1/submissions", headers=auth(secret), files={"file": ("a.csv", data)})

    assert_bilingual_error(no_token, 401)
    assert no_token.headers["WWW-Authenticate"] == "Bearer"
    assert_bilingual_error(wrong, 401)
    revoked_error = assert_bilingual_error(refused, 401)
    assert "revoked" in revoked_error["message_en"] and "撤销" in revoked_error["message_zh"]
    assert sha256_of(data) not in {r.sha256 for r in LandingZone(home / "landing").receipts()}
    lines = wait_for(lambda: refusals_from(home, "127.0.0.3"), what="the refusals in the audit log")
    reasons = {reason for line in lines for reason in line["reasons"]}
    assert reasons == {"missing token", "unknown token", "revoked token"}
    assert revoked.token_id in {line["token_id"] for line in lines}  # a revoked token is named


def test_repeated_401s_from_one_client_are_counted_not_one_line_each(base_url, home):
    """60 requests with a wrong token from one client: their count in the audit log, in a line or two
    (one per second-long window), not 60 lines. Another client's refusals are counted apart."""
    with from_address("127.0.0.4") as client:
        for _ in range(60):
            assert client.get(f"{base_url}/api/v1/me", headers=auth("dgc_guessing")).status_code == 401
    with from_address("127.0.0.5") as other:
        assert other.get(f"{base_url}/api/v1/me").status_code == 401

    lines = wait_for(lambda: (found := refusals_from(home, "127.0.0.4"))
                     and sum(line["count"] for line in found) >= 60 and found, what="60 counted refusals")
    assert sum(line["count"] for line in lines) == 60 and len(lines) < 60
    assert all(line["reasons"] == {"unknown token": line["count"]} and line["http_status"] == 401
               and line["first_at"] <= line["last_at"] for line in lines)
    [other_line] = wait_for(lambda: refusals_from(home, "127.0.0.5"), what="the other client's refusal")
    assert (other_line["count"], other_line["reasons"]) == (1, {"missing token": 1})


def test_accepted_file_gets_201_and_lands_with_its_report_and_sender(base_url, home, tokens):
    data = shenzhen_file(46400)
    response = upload(base_url, tokens["张三"], data, "深圳6月.csv")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "accepted" and body["report"]["accepted"] and body["report"]["observations"] == 1
    assert response.headers["Location"] == f"/api/v1/submissions/{body['submission_id']}"
    receipt = LandingZone(home / "landing").receipt(body["submission_id"])
    assert (receipt.sha256, receipt.profile, receipt.submitted_by, receipt.original_filename) == (
        sha256_of(data), "pilot-440300", "张三", "深圳6月.csv")
    assert (home / "landing" / "files" / f"{sha256_of(data)}.csv").read_bytes() == data
    stored = json.loads((home / "landing" / "reports" / f"{sha256_of(data)}.json").read_text())
    assert stored == body["report"]
    again = httpx.get(f"{base_url}/api/v1/submissions/{body['submission_id']}", headers=auth(tokens["张三"]))
    assert again.status_code == 200 and again.json()["report"] == body["report"]
    entry = next(e for e in AuditLog.at(home).entries() if e.get("submission_id") == body["submission_id"])
    assert (entry["action"], entry["actor"], entry["outcome"], entry["http_status"]) == ("upload", "张三", "accepted", 201)


def test_cross_city_attempt_is_rejected_with_the_report(base_url, home, tokens):
    data = csv_bytes([LONG_HEADER,
                      ["深圳市", "2023-06", "5G基站数", "46500", "个", ""],
                      ["东莞市", "2023-06", "5G基站数", "9100", "个", ""]])
    response = upload(base_url, tokens["张三"], data)

    assert response.status_code == 422
    report = response.json()["report"]
    assert not report["accepted"] and report["observations"] == 0
    [error] = report["errors"]
    assert (error["rule"], error["row"], error["column"], error["value"]) == ("city_out_of_scope", 3, "城市", "东莞市")
    assert "深圳市" in error["message_zh"] and "pilot-" not in error["message_zh"] and error["message_en"]
    receipt = LandingZone(home / "landing").receipt(response.json()["submission_id"])
    assert receipt.intake_status == "rejected"  # archived and quarantined: its run records it with its findings
    # Dongguan's own team does not see Shenzhen's submission at all.
    other = httpx.get(f"{base_url}/api/v1/submissions/{receipt.submission_id}", headers=auth(tokens["王五"]))
    assert_bilingual_error(other, 404)


def test_unreadable_file_gets_422_with_one_whole_file_finding(base_url, tokens):
    response = upload(base_url, tokens["张三"], b"\x00\x01garbage\xff" * 50, "data.xlsx")

    assert response.status_code == 422
    [finding] = response.json()["report"]["errors"]
    assert finding["rule"] == "unreadable" and finding["row"] is None


def test_file_over_the_configured_limit_gets_413_and_is_not_landed(base_url, home, tokens):
    data = shenzhen_file(40002) + b"#" * (UPLOAD_LIMIT_MB * MB)

    error = assert_bilingual_error(upload(base_url, tokens["张三"], data), 413)

    assert f"{UPLOAD_LIMIT_MB} MB" in error["message_en"] and f"{UPLOAD_LIMIT_MB} MB" in error["message_zh"]
    assert sha256_of(data) not in {r.sha256 for r in LandingZone(home / "landing").receipts()}
    assert any(e["action"] == "upload" and e["outcome"] == "refused" and e["http_status"] == 413
               for e in AuditLog.at(home).entries())


def test_the_default_upload_limit_is_20_mb():
    parser = argparse.ArgumentParser()
    service_commands.register(parser.add_subparsers())
    assert parser.parse_args(["serve"]).max_upload_mb * MB == 20 * MB


def test_same_bytes_again_return_200_with_the_existing_submission(base_url, home, tokens):
    data = shenzhen_file(46600)
    first = upload(base_url, tokens["张三"], data)
    second = upload(base_url, tokens["张三"], data, "renamed.csv")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["submission_id"] == first.json()["submission_id"]
    assert second.json()["duplicate"] is True
    assert [r.sha256 for r in LandingZone(home / "landing").receipts()].count(sha256_of(data)) == 1


def test_withdrawal_is_recorded_once_and_only_by_the_owner(base_url, home, tokens):
    submission_id = upload(base_url, tokens["张三"], shenzhen_file(46700)).json()["submission_id"]
    url = f"{base_url}/api/v1/submissions/{submission_id}/withdraw"

    assert_bilingual_error(httpx.post(url, headers=auth(tokens["王五"])), 404)
    response = httpx.post(url, headers=auth(tokens["张三"]), json={"reason": "数值有误"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn" and response.json()["withdrawn_by"] == "张三"
    assert_bilingual_error(httpx.post(url, headers=auth(tokens["张三"])), 409)

    [withdrawal] = [w for w in LandingZone(home / "landing").withdrawals() if w.submission_id == submission_id]
    assert (withdrawal.withdrawn_by, withdrawal.reason) == ("张三", "数值有误")
    entries = [e for e in AuditLog.at(home).entries() if e["action"] == "withdraw"
               and e["submission_id"] == submission_id]
    assert [(e["actor"], e["outcome"], e.get("http_status")) for e in entries] == [
        ("王五", "refused", 404), ("张三", "withdrawn", None), ("张三", "refused", 409)]
    assert entries[1]["reason"] == "数值有误"
    status = httpx.get(f"{base_url}/api/v1/submissions/{submission_id}", headers=auth(tokens["张三"]))
    assert status.json()["status"] == "withdrawn"


def test_files_landed_by_digecon_run_show_the_verdict_the_pipeline_kept(base_url, home, tokens, tmp_path,
                                                                        validator):  # noqa: F811
    """`digecon run` lands files unchecked ("received"); its run keeps each file's report beside it."""
    landing = LandingZone(home / "landing")
    checked = {}
    for value, city in [(46900, "深圳市"), (9200, "东莞市")]:
        path = tmp_path / f"{value}.csv"
        path.write_bytes(csv_bytes([LONG_HEADER, [city, "2023-05", "5G基站数", str(value), "个", ""]]))
        receipt, _ = landing.receive(path.read_bytes(), path.name, "pilot-440300", "刘洋")
        landing.keep_report(receipt, validator.check(path, "pilot-440300").report.to_dict())
        checked[city] = receipt.submission_id
    waiting, _ = landing.receive(shenzhen_file(46950, "2023-05"), "not-yet-run.csv", "pilot-440300", "刘洋")
    headers = auth(tokens["张三"])

    listed = {s["submission_id"]: s["status"]
              for s in httpx.get(f"{base_url}/api/v1/submissions", headers=headers).json()["submissions"]}
    assert [listed[checked["深圳市"]], listed[checked["东莞市"]], listed[waiting.submission_id]] == [
        "accepted", "rejected", "received"]
    rejected = httpx.get(f"{base_url}/api/v1/submissions/{checked['东莞市']}", headers=headers).json()
    assert rejected["status"] == "rejected" and rejected["report"]["errors"][0]["rule"] == "city_out_of_scope"
    refused = httpx.post(f"{base_url}/api/v1/submissions/{checked['东莞市']}/withdraw", headers=headers)
    assert "nothing to withdraw" in assert_bilingual_error(refused, 409)["message_en"]


def test_history_lists_the_profile_own_submissions_only(base_url, tokens):
    dongguan = csv_bytes([LONG_HEADER, ["东莞市", "2023-06", "5G基站数", "9300", "个", ""]])
    mine = upload(base_url, tokens["王五"], dongguan).json()["submission_id"]

    listed = httpx.get(f"{base_url}/api/v1/submissions", headers=auth(tokens["王五"])).json()

    assert listed["profile"] == "pilot-441900"
    assert [s["submission_id"] for s in listed["submissions"]] == [mine]
    assert listed["submissions"][0]["observations"] == 1


def test_template_of_the_token_profile_comes_as_xlsx(base_url, tokens):
    response = httpx.get(f"{base_url}/api/v1/template", params={"format": "xlsx"}, headers=auth(tokens["赵六"]))

    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert 'filename="digecon-template-gdca.xlsx"' in disposition  # ASCII, for old clients
    assert f"filename*=UTF-8''{quote('广东省通信管理局数字经济监测报表模板.xlsx')}" in disposition  # RFC 5987
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "数据" and workbook["数据"].cell(HEADER_ROW, 3).value == "5G基站数（个）"
    wrong = httpx.get(f"{base_url}/api/v1/template", params={"format": "csv"}, headers=auth(tokens["赵六"]))
    assert_bilingual_error(wrong, 422)


def test_a_filled_template_uploads_and_is_accepted(base_url, tokens):
    template = httpx.get(f"{base_url}/api/v1/template", headers=auth(tokens["张三"]))
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = workbook["数据"]
    may = next(row for row in sheet.iter_rows(min_row=FIRST_DATA_ROW) if row[1].value == "2023-05")  # prefilled
    assert may[0].value == "深圳市"
    may[2].value = 46300
    filled = io.BytesIO()
    workbook.save(filled)

    response = upload(base_url, tokens["张三"], filled.getvalue(), "深圳模板.xlsx")

    assert response.status_code == 201
    assert response.json()["report"]["observations"] == 1 and response.json()["report"]["warnings"] == []


def test_a_registry_template_filled_in_uploads_and_a_bad_list_is_refused_whole(base_url, tokens):
    """The 5G site list (gdca's registry): its template, filled in, is accepted; a row with an unknown band
    rejects the whole list with a finding naming row and column; a pilot may not have the template."""
    template = httpx.get(f"{base_url}/api/v1/template", params={"registry": "site_list"}, headers=auth(tokens["赵六"]))
    assert template.status_code == 200
    assert f"filename*=UTF-8''{quote('5G基站站址清单模板.xlsx')}" in template.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = workbook["数据"]
    assert [c.value for c in sheet[2]][:3] == ["报告期", "站址编号", "城市代码"]
    for row, values in enumerate([["2023-06", "GZ-1", "440100", "440106", "700MHz", "中国广电", "2023-01-10", "在网"],
                                  ["2023-06", "GZ-2", "440100", "440106", "3.5GHz", "中国移动", "2023-02-10", "在网"]],
                                 start=4):
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, value)
    filled = io.BytesIO()
    workbook.save(filled)
    accepted = upload(base_url, tokens["赵六"], filled.getvalue(), "站址清单.xlsx")
    assert accepted.status_code == 201
    assert accepted.json()["report"]["rows"] == 2 and accepted.json()["report"]["changes"] is None
    sheet.cell(5, 5, "5GHz")
    bad = io.BytesIO()
    workbook.save(bad)
    rejected = upload(base_url, tokens["赵六"], bad.getvalue(), "站址清单-错.xlsx")
    assert rejected.status_code == 422
    [error] = rejected.json()["report"]["errors"]
    assert (error["rule"], error["sheet"], error["row"], error["column"], error["value"]) == (
        "site_band_unknown", "数据", 5, "频段", "5GHz")
    assert "频段“5GHz”无法识别" in error["message_zh"] and 'unknown band "5GHz"' in error["message_en"]
    assert rejected.json()["report"]["observations"] == 0
    pilot = httpx.get(f"{base_url}/api/v1/template", params={"registry": "site_list"}, headers=auth(tokens["张三"]))
    assert_bilingual_error(pilot, 403)


def test_twenty_concurrent_uploads_none_lost_none_duplicated(base_url, home, tokens):
    files = [csv_bytes([LONG_HEADER, [city, "2023-06", "5G基站数", str(50000 + n), "个", ""]])
             for n, city in enumerate(["广州市", "深圳市", "珠海市", "汕头市", "佛山市"] * 4)]
    same = csv_bytes([LONG_HEADER, ["韶关市", "2023-06", "5G基站数", "3100", "个", ""]])
    sends = [(f"agency-{n}.csv", data) for n, data in enumerate(files)] + [("same.csv", same)] * 5

    with ThreadPoolExecutor(max_workers=len(sends)) as pool:
        responses = list(pool.map(lambda send: upload(base_url, tokens["赵六"], send[1], send[0]), sends))

    distinct, repeated = responses[:20], responses[20:]
    assert [r.status_code for r in distinct] == [201] * 20
    assert len({r.json()["submission_id"] for r in distinct}) == 20
    assert sorted(r.status_code for r in repeated) == [200, 200, 200, 200, 201]
    assert len({r.json()["submission_id"] for r in repeated}) == 1
    landed = [r.sha256 for r in LandingZone(home / "landing").receipts()]
    for data in [*files, same]:
        assert landed.count(sha256_of(data)) == 1


def test_errors_are_bilingual_sentences_never_tracebacks(base_url, tokens):
    headers = auth(tokens["张三"])
    assert_bilingual_error(httpx.get(f"{base_url}/api/v1/nowhere", headers=headers), 404)
    assert_bilingual_error(httpx.get(f"{base_url}/api/v1/submissions/not-a-number", headers=headers), 422)
    assert_bilingual_error(httpx.get(f"{base_url}/api/v1/submissions/999999", headers=headers), 404)
    no_file = httpx.post(f"{base_url}/api/v1/submissions", headers=headers, files={"other": ("a.csv", b"x")})
    assert_bilingual_error(no_file, 422)
    not_multipart = httpx.post(f"{base_url}/api/v1/submissions", headers=headers, content=b"city,period")
    assert_bilingual_error(not_multipart, 422)


def raw_upload(base_url: str, token: str, filename: bytes, data: bytes) -> httpx.Response:
    """A multipart upload written by hand, so that the file name reaches the service byte for byte (a
    browser or httpx would percent-encode a NUL)."""
    boundary = b"digecon-test-boundary"
    body = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="' + filename
            + b'"\r\n\r\n' + data + b"\r\n--" + boundary + b"--\r\n")
    return httpx.post(f"{base_url}/api/v1/submissions", content=body, timeout=60, headers={
        **auth(token), "Content-Type": f"multipart/form-data; boundary={boundary.decode()}"})


def test_a_submission_id_beyond_any_integer_is_a_clean_422_and_audited(base_url, home, tokens):
    headers = auth(tokens["张三"])
    beyond_ids = ["99999999999999999999999", "9223372036854775808", "0", "-1"]
    for beyond in beyond_ids:
        response = httpx.get(f"{base_url}/api/v1/submissions/{beyond}", headers=headers)
        assert_bilingual_error(response, 422)
        assert "submission_id" in response.json()["error"]["message_en"]
    assert_bilingual_error(httpx.get(f"{base_url}/api/v1/submissions/9223372036854775807", headers=headers), 404)
    asked = {f"/api/v1/submissions/{n}" for n in [*beyond_ids, "9223372036854775807"]}
    refused = [e for e in AuditLog.at(home).entries() if e.get("path") in asked]
    assert [(e["action"], e["actor"], e["http_status"]) for e in refused] == [("request", "张三", 422)] * 4 + [
        ("view", "张三", 404)]


def test_an_internal_error_is_the_bilingual_json_error_audited_and_logged_with_its_request_id(
        service, home, tokens):
    """A kept report damaged on disk: reading it fails inside the service. The submitter gets the
    documented error, the audit log a line, the server log the traceback, all under one request id."""
    submission_id = upload(service.url, tokens["张三"], shenzhen_file(40300)).json()["submission_id"]
    kept = home / "landing" / "reports" / f"{sha256_of(shenzhen_file(40300))}.json"
    kept.chmod(0o644)
    kept.write_text("{not json")

    response = httpx.get(f"{service.url}/api/v1/submissions/{submission_id}", headers=auth(tokens["张三"]))

    error = assert_bilingual_error(response, 500)
    assert "internal error" in error["message_en"] and "服务器内部错误" in error["message_zh"]
    request_id = response.headers["X-Request-ID"]
    [line] = [e for e in AuditLog.at(home).entries() if e.get("request_id") == request_id]
    assert (line["action"], line["actor"], line["outcome"], line["http_status"], line["reason"]) == (
        "request", "张三", "error", 500, "JSONDecodeError")
    logged = wait_for(lambda: [e for e in service.log_entries() if e.get("request_id") == request_id
                               and e.get("event") == "request"], what="the request's log line")
    assert (logged[0]["status"], logged[0]["outcome"], logged[0]["submission_id"]) == (500, "error", submission_id)
    [traceback] = [e for e in service.log_entries() if e.get("request_id") == request_id and "traceback" in e]
    assert "JSONDecodeError" in traceback["traceback"]


def test_every_request_is_one_json_log_line_with_id_token_submission_outcome_duration(service, tokens):
    accepted = upload(service.url, tokens["王五"], csv_bytes([LONG_HEADER, ["东莞市", "2023-04", "5G基站数", "9050", "个", ""]]))
    submission_id = accepted.json()["submission_id"]
    request_id = accepted.headers["X-Request-ID"]

    [line] = wait_for(lambda: [e for e in service.log_entries() if e.get("request_id") == request_id
                               and e.get("event") == "request"], what="the upload's log line")
    token_id = TokenStore.at(service.log_path.parent).find(tokens["王五"]).token_id
    assert (line["method"], line["path"], line["status"], line["outcome"], line["token_id"], line["submission_id"]) == (
        "POST", "/api/v1/submissions", 201, "accepted", token_id, submission_id)
    assert line["duration_ms"] > 0 and line["level"] == "info"
    [start] = [e for e in service.log_entries() if e.get("event") == "start"][:1]
    assert set(start["versions"]) >= {"digecon", "dagster", "duckdb", "great-expectations"}
    assert start["digecon_home"] == str(service.log_path.parent)
    assert start["limits"]["max_upload_bytes"] == UPLOAD_LIMIT_MB * MB


def test_a_long_extension_lands_under_a_name_from_its_content(base_url, home, tokens):
    """The name's extension (200 characters, or 100 Chinese ones: 300 bytes) never names the archive."""
    for value, name in [(40401, "深圳." + "x" * 200), (40402, "深圳." + "表" * 100)]:
        data = shenzhen_file(value)
        response = upload(base_url, tokens["张三"], data, name)

        assert response.status_code == 201
        receipt = LandingZone(home / "landing").receipt(response.json()["submission_id"])
        assert receipt.stored_name == f"{sha256_of(data)}.csv"
        assert len(receipt.original_filename.encode()) <= 200 and receipt.original_filename.startswith("深圳.")


def test_control_characters_and_html_in_a_file_name_are_display_text_and_never_the_extension(
        base_url, home, tokens):
    landing = LandingZone(home / "landing")
    text = shenzhen_file(40501)
    workbook = io.BytesIO()
    book = openpyxl.Workbook()
    for row in [LONG_HEADER, ["深圳市", "2023-06", "5G基站数", 40502, "个", ""]]:
        book.active.append(row)
    book.save(workbook)

    nul = raw_upload(base_url, tokens["张三"], b"ok.csv\x00.exe", text)
    html = raw_upload(base_url, tokens["张三"], "<img src=x onerror=alert(1)>\x1b[31m\u202e报表.csv".encode(),
                      shenzhen_file(40503))
    renamed = raw_upload(base_url, tokens["张三"], b"book.exe", workbook.getvalue())

    assert (nul.status_code, html.status_code) == (201, 201)
    assert renamed.json()["submission_id"] is not None  # landed, whatever the readers make of the name
    receipts = {r.submission_id: r for r in landing.receipts()}
    first, second, third = (receipts[r.json()["submission_id"]] for r in (nul, html, renamed))
    assert (first.original_filename, first.stored_name) == ("ok.csv.exe", f"{sha256_of(text)}.csv")
    assert second.original_filename == "<img src=x onerror=alert(1)>[31m报表.csv"  # shown as text, escaped
    assert third.stored_name == f"{sha256_of(workbook.getvalue())}.xlsx"
    assert nul.json()["file"] == nul.json()["report"]["file"] == "ok.csv.exe"
    assert not [p.name for p in landing.files_dir.iterdir() if not p.name.endswith((".csv", ".xlsx"))]


def test_bytes_another_profile_sent_are_judged_for_this_profile_and_never_say_who(base_url, home, tokens):
    """Shenzhen's rejected file, sent again by Dongguan, gets Dongguan's own verdict (out of scope);
    bytes Dongguan may send are refused without naming the first sender. Nothing lands twice."""
    landing = LandingZone(home / "landing")
    shenzhen_rejected = csv_bytes([LONG_HEADER, ["深圳市", "2023-06", "5G基站数", "-5", "个", ""]])
    first = upload(base_url, tokens["张三"], shenzhen_rejected)
    assert first.status_code == 422

    again = upload(base_url, tokens["王五"], shenzhen_rejected)

    assert again.status_code == 422
    body = again.json()
    assert (body["submission_id"], body["status"], body["profile"], body["submitted_by"]) == (
        None, "rejected", "pilot-441900", "王五")
    assert "city_out_of_scope" in {e["rule"] for e in body["report"]["errors"]}
    assert "Location" not in again.headers

    dongguan = csv_bytes([LONG_HEADER, ["东莞市", "2023-05", "5G基站数", "9150", "个", ""]])
    assert upload(base_url, tokens["王五"], dongguan).status_code == 201
    agency = upload(base_url, tokens["赵六"], dongguan)  # the agency may send Dongguan's stations too
    error = assert_bilingual_error(agency, 409)
    for revealing in ["王五", "东莞", "pilot", "another", "其他", "441900"]:
        assert revealing not in error["message_zh"] + error["message_en"]
    for data in (shenzhen_rejected, dongguan):
        assert [r.sha256 for r in landing.receipts()].count(sha256_of(data)) == 1
    audited = [e for e in AuditLog.at(home).entries() if e.get("sha256") == sha256_of(shenzhen_rejected)]
    assert [(e["actor"], e["outcome"], e["submission_id"]) for e in audited] == [
        ("张三", "rejected", first.json()["submission_id"]), ("王五", "rejected", None)]


def test_a_report_refused_only_for_a_limit_is_413():
    def report(*rules: str) -> dict:
        findings = [Finding(rule, "error", f"超过上限（{rule}）", f"over a limit ({rule})") for rule in rules]
        return Report(file="big.csv", sha256="0" * 64, profile="gdca", errors=findings).to_dict()

    refused = over_limit(report("limit_exceeded"))
    assert (refused.status, refused.message_zh, refused.message_en) == (
        413, "超过上限（limit_exceeded）", "over a limit (limit_exceeded)")
    assert over_limit(report("limit_exceeded", "city_unknown")) is None  # other errors: the report, 422
    assert over_limit(report()) is None


def test_checked_copies_live_under_the_landing_zone_and_nothing_is_left_in_tmpdir(
        base_url, home, tokens, tmpdir_of_service):
    # Over a megabyte (blank rows below the data), where Starlette's multipart parser would spool to $TMPDIR.
    big = shenzhen_file(40601) + b",,,,,\r\n" * (MB // 7 + 1)
    assert upload(base_url, tokens["张三"], big).status_code == 201

    assert list(tmpdir_of_service.iterdir()) == []
    assert [p for p in (home / "tmp" / "uploads").rglob("*") if p.is_file()] == []


def test_health_needs_no_token_and_says_how_far_the_pipeline_has_got(base_url, home):
    response = httpx.get(f"{base_url}/healthz")

    assert response.status_code == 200
    health = response.json()
    landed = max(r.submission_id for r in LandingZone(home / "landing").receipts())
    assert health == {"status": "ok", "landing_writable": True, "landed_up_to": landed, "processed_up_to": None,
                      "waiting": len(LandingZone(home / "landing").receipts())}
