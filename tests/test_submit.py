"""`digecon submit FILE… --as PROFILE --by NAME`: files received by mail land as uploads do, with the
same checks, the same kept report and the same audit line, naming the person who sent them."""

import json
import os

import pytest
from corpus import LONG_HEADER, csv_bytes

from indicators.landing import LandingZone
from pipelines import cli
from pipelines.paths import Paths
from pipelines.resources import shared_validator
from pipelines.service_commands import Limits

GOOD = csv_bytes([LONG_HEADER, ["深圳市", "2023-06", "5G基站数", "52,310", "个", ""]])
NEGATIVE = csv_bytes([LONG_HEADER, ["深圳市", "2023-06", "5G基站数", "52310", "个", ""],
                      ["深圳市", "2023-06", "pon_ports_total", "-5", "个", ""]])


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path / "home"))
    return Paths.resolve(tmp_path / "home")


def audit(paths: Paths) -> list[dict]:
    path = paths.home / "audit" / "audit.jsonl"
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    return [{k: v for k, v in e.items() if k not in ("at", "sha256")} for e in entries]


def test_an_accepted_and_a_rejected_file_land_with_their_reports_and_audit(home, tmp_path, capsys):
    (tmp_path / "深圳-2023-06.csv").write_bytes(GOOD)
    (tmp_path / "深圳-更正.csv").write_bytes(NEGATIVE)

    code = cli.main(["submit", str(tmp_path / "深圳-2023-06.csv"), str(tmp_path / "深圳-更正.csv"),
                     "--as", "pilot-440300", "--by", "张三"])

    out = capsys.readouterr().out
    assert code == 1  # one file rejected
    assert "第 1 号报送已接收 / submission 1 accepted: 深圳-2023-06.csv, 1 个数值 values" in out
    assert "第 2 号报送被拒收 / submission 2 rejected: 深圳-更正.csv" in out
    # The finding names the row as a spreadsheet shows it (header row 1, the -5 on row 3) and the column.
    assert "第 3 行 row 3 · 列 column “数值” · 值 value “-5”" in out and "(value_negative)" in out
    landing = LandingZone(home.landing)
    first, second = landing.receipts()
    assert (first.original_filename, first.profile, first.submitted_by, first.intake_status) == (
        "深圳-2023-06.csv", "pilot-440300", "张三", "accepted")
    assert (second.submitted_by, second.intake_status) == ("张三", "rejected")
    kept = landing.report_of(second)
    assert kept["accepted"] is False and [e["rule"] for e in kept["errors"]] == ["value_negative"]
    assert landing.report_of(first)["observations"] == 1 and landing.report_of(first)["changes"] is None
    assert audit(home) == [
        {"action": "upload", "actor": "张三", "token_id": "cli", "profile": "pilot-440300", "outcome": "accepted",
         "http_status": 201, "submission_id": 1, "file": "深圳-2023-06.csv", "errors": 0, "warnings": 0,
         "observations": 1, "changes": 0},
        {"action": "upload", "actor": "张三", "token_id": "cli", "profile": "pilot-440300", "outcome": "rejected",
         "http_status": 422, "submission_id": 2, "file": "深圳-更正.csv", "errors": 1, "warnings": 0,
         "observations": 0, "changes": 0},
    ]


def test_the_same_bytes_again_are_the_same_submission(home, tmp_path, capsys):
    (tmp_path / "a.csv").write_bytes(GOOD)
    (tmp_path / "copy of a.csv").write_bytes(GOOD)
    assert cli.main(["submit", str(tmp_path / "a.csv"), "--as", "pilot-440300", "--by", "张三"]) == 0

    assert cli.main(["submit", str(tmp_path / "copy of a.csv"), "--as", "pilot-440300", "--by", "李四"]) == 0

    assert "第 1 号报送已接收（此前已报送 / sent before）" in capsys.readouterr().out
    [receipt] = LandingZone(home.landing).receipts()
    assert receipt.submitted_by == "张三"
    assert [(e["actor"], e["outcome"], e["http_status"]) for e in audit(home)] == [
        ("张三", "accepted", 201), ("李四", "duplicate", 200)]


def test_refusals_are_audited_and_land_nothing(home, tmp_path, capsys):
    (tmp_path / "shenzhen.csv").write_bytes(GOOD)
    assert cli.main(["submit", str(tmp_path / "shenzhen.csv"), "--as", "pilot-440300", "--by", "张三"]) == 0
    (tmp_path / "big.csv").write_bytes(GOOD + b"," * (Limits().max_upload_bytes - len(GOOD) + 1))

    # Shenzhen's bytes sent again as another profile's, and a file over the upload limit.
    code = cli.main(["submit", str(tmp_path / "shenzhen.csv"), str(tmp_path / "big.csv"),
                     "--as", "gdca", "--by", "王五"])

    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "byte for byte one received before" in err and "larger than the 20 MB limit" in err
    assert len(LandingZone(home.landing).receipts()) == 1
    refused = [(e["actor"], e["profile"], e["outcome"], e["http_status"]) for e in audit(home)[1:]]
    assert refused == [("王五", "gdca", "refused", 409), ("王五", "gdca", "refused", 413)]


@pytest.mark.parametrize("argv, message", [
    (["--as", "nobody", "--by", "张三"], "there is no submitter profile nobody"),
    (["--as", "pilot-440300", "--by", "  "], "say with --by who sent the files"),
])
def test_wrong_usage_is_one_line_and_lands_nothing(home, tmp_path, capsys, argv, message):
    (tmp_path / "a.csv").write_bytes(GOOD)

    assert cli.main(["submit", str(tmp_path / "a.csv"), *argv]) == 2

    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not home.landing.exists()


def test_a_missing_file_stops_before_anything_lands(home, tmp_path, capsys):
    (tmp_path / "a.csv").write_bytes(GOOD)

    assert cli.main(["submit", str(tmp_path / "a.csv"), str(tmp_path / "missing.csv"),
                     "--as", "pilot-440300", "--by", "张三"]) == 2

    assert f"no such file: {tmp_path / 'missing.csv'}" in capsys.readouterr().err
    assert not home.landing.exists()


def test_the_size_limit_is_the_one_the_upload_service_takes_from_the_environment(home, tmp_path, capsys, monkeypatch,
                                                                                request):
    """DIGECON_MAX_UPLOAD_MB moves `digecon submit`'s size limit as it moves the service's and the readers'
    (before, submit kept 20 MB whatever the variable said: a province's 5G site list could not be landed)."""
    request.addfinalizer(shared_validator.cache_clear)  # no later test inherits these limits
    (tmp_path / "shenzhen.csv").write_bytes(GOOD)
    monkeypatch.setenv("DIGECON_MAX_UPLOAD_MB", f"{(len(GOOD) - 1) / 1024 / 1024:.12f}")  # one byte too small
    shared_validator.cache_clear()
    assert cli.main(["submit", str(tmp_path / "shenzhen.csv"), "--as", "pilot-440300", "--by", "张三"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and "文件超过大小上限" in err
    assert LandingZone(home.landing).receipts() == []
    assert [(e["outcome"], e["http_status"]) for e in audit(home)] == [("refused", 413)]
    monkeypatch.setenv("DIGECON_MAX_UPLOAD_MB", f"{len(GOOD) / 1024 / 1024:.12f}")  # just enough
    shared_validator.cache_clear()  # read once per process, and each `digecon submit` is a process of its own
    assert cli.main(["submit", str(tmp_path / "shenzhen.csv"), "--as", "pilot-440300", "--by", "张三"]) == 0
    assert len(LandingZone(home.landing).receipts()) == 1


def test_the_copy_a_killed_submit_was_checking_is_removed_by_the_next(home, tmp_path, capsys):
    """`digecon submit` checks a copy under DIGECON_HOME/tmp/uploads/<pid>; killed (kill -9) mid-check, it
    leaves that copy. The next submit removes the folders of processes no longer running, and no other."""
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = home.home / "tmp" / "uploads" / ended.stdout.strip()
    (dead / "upload-x").mkdir(parents=True)
    (dead / "upload-x" / "upload.csv").write_bytes(GOOD)
    alive = home.home / "tmp" / "uploads" / str(os.getppid())  # pytest's parent: running
    alive.mkdir(parents=True)
    (tmp_path / "shenzhen.csv").write_bytes(GOOD)
    assert cli.main(["submit", str(tmp_path / "shenzhen.csv"), "--as", "pilot-440300", "--by", "张三"]) == 0
    assert not dead.exists() and alive.exists()
