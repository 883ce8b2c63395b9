"""`digecon validate`: the exit-code contract in real subprocesses, the output in-process."""

import datetime as dt
import json
import subprocess
import sys

import pytest
from corpus import LONG_HEADER, served_history, shenzhen_june, write_csv, write_file

from pipelines import cli


def digecon(*args: str, home) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, check=False,
                          env={"DIGECON_HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=120)


def june_file(folder, rows=None):
    """A file whose June periods are all in the past whatever today is."""
    return write_file(folder, "utf8.csv", rows or shenzhen_june())


@pytest.mark.slow
def test_exit_codes_and_json_on_every_exit(tmp_path):
    accepted = june_file(tmp_path)
    rejected = write_csv(tmp_path / "dongguan.csv", [LONG_HEADER, ["东莞", "2023-06", "5G基站数", "30020", "个", ""]])
    unreadable = tmp_path / "empty.xlsx"
    unreadable.write_bytes(b"")
    expected = [(accepted, 0, True, []), (rejected, 1, False, ["city_out_of_scope"]),
                (unreadable, 2, False, ["unreadable"])]
    for path, code, ok, rules in expected:
        done = digecon("validate", str(path), "--as", "pilot-440300", "--json", home=tmp_path)
        assert done.returncode == code, done.stderr
        report = json.loads(done.stdout)
        assert {"accepted", "file", "sha256", "profile", "rows", "observations", "errors", "warnings"} <= set(report)
        assert (report["accepted"], [e["rule"] for e in report["errors"]]) == (ok, rules)
        assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_an_unknown_profile_is_wrong_usage(tmp_path):
    done = digecon("validate", str(june_file(tmp_path)), "--as", "shenzhen", "--json", home=tmp_path)
    assert done.returncode == 2
    assert [e["rule"] for e in json.loads(done.stdout)["errors"]] == ["profile_unknown"]


def test_the_readable_table_is_bilingual(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path))
    rows = shenzhen_june()
    rows[3][3] = "812,001"  # 10G-PON ports above all PON ports, row 4
    code = cli.main(["validate", str(june_file(tmp_path, rows)), "--as", "pilot-440300"])
    out = capsys.readouterr().out
    assert code == 1
    assert "拒收 REJECTED — 1 个错误 errors, 0 个警告 warnings" in out
    assert "[错误 error] 第 4 行 row 4 · 列 column “数值” · 值 value “812,001”   (numerator_above_denominator)" in out
    assert "“10G-PON端口数”（812,001）大于同期的“PON端口总数”（812,000，第 3 行）" in out
    assert "10G-PON ports (812,001) is above PON ports (812,000, row 3) for the same period" in out


@pytest.mark.parametrize("name", ["empty.csv", "a folder"])
def test_an_unreadable_file_is_one_line_without_json(tmp_path, capsys, monkeypatch, name):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path))
    path = tmp_path / name
    path.mkdir() if name == "a folder" else path.write_bytes(b"")
    code = cli.main(["validate", str(path), "--as", "pilot-440300"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"digecon validate {name}: 无法读取文件：")


def test_a_folder_is_unreadable_with_the_json_report(tmp_path, capsys, monkeypatch):
    """A folder used to escape as an OSError: exit 1 and no report."""
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path))
    code = cli.main(["validate", str(tmp_path), "--as", "pilot-440300", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2
    assert [(e["rule"], e["row"], e["message_en"]) for e in report["errors"]] == [
        ("unreadable", None, "the file cannot be read: it is a folder, not a file")]


def test_help_tells_a_new_user_how_to_check_a_file(capsys):
    with pytest.raises(SystemExit):
        cli.main(["validate", "--help"])
    out = capsys.readouterr().out
    assert "digecon validate 深圳-2023-06.xlsx --as pilot-440300" in out
    assert "pilot-441900" in out and "Exit 0 accepted" in out


def test_history_comes_from_the_serving_db_under_digecon_home(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "serving").mkdir(parents=True)
    served_history(tmp_path / "home" / "serving" / "digital_economy.duckdb",
                   [("440300", dt.date(2023, 5, 1), "M", "fiveg_base_stations", 60_000.0)])
    code = cli.main(["validate", str(june_file(tmp_path)), "--as", "pilot-440300", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["accepted"]
    assert [w["rule"] for w in report["warnings"]] == ["monotone_fall"]  # 52,310 after 60,000 served


def test_an_explicit_history_db(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path / "nowhere"))
    db = served_history(tmp_path / "other.duckdb", [("440300", dt.date(2023, 5, 1), "M", "pon_ports_total", 81.2)])
    code = cli.main(["validate", str(june_file(tmp_path)), "--as", "pilot-440300", "--json", "--history-db", str(db)])
    assert code == 0
    assert [w["rule"] for w in json.loads(capsys.readouterr().out)["warnings"]] == ["jump_10000x"]


def test_the_upload_size_limit_is_the_one_validate_applies(tmp_path, capsys, monkeypatch):
    """DIGECON_MAX_UPLOAD_MB, the service's size limit, is what `digecon validate` accepts too; a bad value
    is one line."""
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path))
    path = june_file(tmp_path)
    size = path.stat().st_size
    for limit, code in ((size - 1, 2), (size + 1, 0)):
        monkeypatch.setenv("DIGECON_MAX_UPLOAD_MB", f"{limit / 1024 / 1024:.12f}")
        assert cli.main(["validate", str(path), "--as", "pilot-440300"]) == code
        out, err = capsys.readouterr()
        assert ("文件超出处理上限" in err and "larger than the" in err and err.count("\n") == 1) if code else out
    monkeypatch.setenv("DIGECON_MAX_UPLOAD_MB", "twenty")
    assert cli.main(["validate", str(path), "--as", "pilot-440300"]) == 2
    assert capsys.readouterr().err == ("digecon validate: 环境变量 DIGECON_MAX_UPLOAD_MB='twenty' 不是正数 / the "
                                      "environment variable DIGECON_MAX_UPLOAD_MB='twenty' is not a positive number\n")
