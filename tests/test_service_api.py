"""The upload API over real HTTP on loopback: `digecon serve` in a subprocess with its own DIGECON_HOME.

One server for the module (starting it builds the GX context, seconds); each test sends files no other
test sends, so the shared landing zone never mixes their answers.
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
from service_harness import running_service

from indicators.landing import LandingZone, sha256_of
from indicators.template import FIRST_DATA_ROW, HEADER_ROW
from indicators.tokens import AuditLog, TokenStore
from pipelines import service_commands

UPLOAD_LIMIT_MB = 2  # small, to show the limit is configurable; the default (20 MB) is tested below
MB = 1024 * 1024


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def base_url(home):
    with running_service(home, "--max-upload-mb", str(UPLOAD_LIMIT_MB)) as url:
        yield url


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


def test_missing_bad_and_revoked_tokens_get_401(base_url, home, tokens):
    store = TokenStore.at(home)
    revoked, secret = store.create("pilot-440300", "离职人员", actor="test")
    store.revoke(revoked.token_id, actor="test")
    data = shenzhen_file(40001)

    no_token = httpx.post(f"{base_url}/api/v1/submissions", files={"file": ("a.csv", data)})
    assert_bilingual_error(no_token, 401)
    assert no_token.headers["WWW-Authenticate"] == "Bearer"
    assert_bilingual_error(upload(base_url, "dgc_not-a-real-token", data), 401)
    refused = assert_bilingual_error(upload(base_url, secret, data), 401)
    assert "revoked" in refused["message_en"] and "撤销" in refused["message_zh"]

    assert sha256_of(data) not in {r.sha256 for r in LandingZone(home / "landing").receipts()}
    reasons = [e["reason"] for e in AuditLog.at(home).entries() if e["action"] == "auth_refused"]
    assert {"missing token", "unknown token", "revoked token"} <= set(reasons)


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
    assert "440300" in error["message_zh"] and error["message_en"]
    receipt = LandingZone(home / "landing").receipt(response.json()["submission_id"])
    assert receipt.intake_status == "rejected"  # archived and quarantined: the sensor starts no run for it
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
