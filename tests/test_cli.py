"""The command line as a user meets it: --version, help when no command is given, help text on every
option, and every error as one bilingual line on stderr (`digecon: 中文 / English`), never a traceback."""

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from indicators.errors import BilingualError
from indicators.readers import UnreadableFile
from indicators.tokens import TokenError, UnknownProfile
from pipelines import cli

ROOT = Path(__file__).resolve().parents[1]
DIGECON = Path(sys.executable).with_name("digecon")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DIGECON_REFERENCE_DATE", "2024-01-10")
    return tmp_path / "home"


def digecon(capsys, *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `digecon ARGV`, in-process (argparse exits by SystemExit)."""
    capsys.readouterr()
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_bilingual_line(err: str, english: str) -> None:
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("digecon") and " / " in lines[0] and CHINESE.search(lines[0]), err
    assert english in lines[0] and "Traceback" not in err


# -------------------------------------------------------------------------------------------- help

def test_version(capsys):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

    assert digecon(capsys, "--version") == (0, f"digecon {version}\n", "")


def test_bare_digecon_prints_help_and_exits_2(capsys):
    code, out, err = digecon(capsys)

    assert code == 2 and err == ""
    assert out.startswith("usage: digecon")
    for command in ("run", "rebuild", "dev", "validate", "release", "serve", "token", "template"):
        assert re.search(rf"^\s+{command}\s+\S", out, re.MULTILINE), command  # listed with its help


def test_a_command_group_without_its_action_prints_its_help(capsys):
    code, out, err = digecon(capsys, "token")

    assert code == 2 and err == "" and out.startswith("usage: digecon token")
    assert all(action in out for action in ("create", "list", "revoke"))


def options_without_help(parser: argparse.ArgumentParser, path: str) -> tuple[list[str], int]:
    """Every argument and sub-command under `parser` that has no help text, and how many were looked at."""
    missing, seen = [], 0
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            helped = {choice.dest for choice in action._choices_actions if choice.help}
            for name, sub in action.choices.items():
                seen += 1
                if name not in helped:
                    missing.append(f"{path} {name}")
                sub_missing, sub_seen = options_without_help(sub, f"{path} {name}")
                missing += sub_missing
                seen += sub_seen
            continue
        seen += 1
        if not action.help:
            missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    return missing, seen


def test_every_command_and_option_has_help_text():
    missing, seen = options_without_help(cli.build_parser(), "digecon")

    assert missing == []
    assert seen >= 25  # the walk reached the sub-commands' options, not only the top level


# ------------------------------------------------------------------------------------------ errors

def test_a_bilingual_error_reads_chinese_then_english():
    error = BilingualError("文件不存在", "the file does not exist")

    assert str(error) == "文件不存在 / the file does not exist"
    assert cli.one_line(BilingualError("第一行\n第二行", "line one\n  line two")) == "digecon: 第一行 第二行 / line one line two"
    for subclass in (UnreadableFile("甲", "a"), TokenError("甲", "a"), UnknownProfile("nobody")):
        assert isinstance(subclass, BilingualError) and subclass.message_zh and subclass.message_en


BAD_ARGUMENTS = [  # argv, exit code, part of the English half
    (["run", "--reference-date", "2024-13-01"], 1, "--reference-date '2024-13-01' is not a date"),
    (["run", "--sample", "yes"], 2, "unrecognized arguments: yes"),
    (["rebuild", "--reference-date", "2024-02-30"], 1, "is not a date"),
    (["dev", "now"], 2, "unrecognized arguments: now"),
    (["validate", "no-such-file.xlsx", "--as", "gdca"], 2, "the file does not exist"),  # validate's own contract
    (["validate", "no-such-file.xlsx", "--as", "nobody"], 2, "there is no submitter profile nobody"),
    (["validate", "no-such-file.xlsx"], 2, "the following arguments are required: --as"),
    (["release", "2023-13"], 1, "'2023-13' is not a month"),
    (["release", "2024-01"], 1, "has not ended by the reference date 2024-01-10"),
    (["release", "2020-12"], 1, "before monitoring began (2021-01)"),
    (["release", "2023-12", "--reference-date", "10/01/2024"], 1, "is not a date"),
    (["release"], 2, "the following arguments are required: PERIOD"),
    (["serve", "--port", "eighty"], 2, "invalid int value: 'eighty'"),
    (["serve", "--max-upload-mb", "lots"], 2, "invalid positive float value: 'lots'"),
    (["token", "create", "--profile", "nobody", "--name", "张三"], 1, "there is no submitter profile nobody"),
    (["token", "create", "--profile", "gdca", "--name", "  "], 1, "give the name of the person"),
    (["token", "create", "--profile", "gdca"], 2, "the following arguments are required: --name"),
    (["token", "revoke", "nosuchid"], 1, "there is no token with id nosuchid"),
    (["token", "renew"], 2, "invalid choice: 'renew'"),
    (["template", "--as", "nobody"], 1, "there is no submitter profile nobody"),
    (["template"], 1, "give a profile with --as, or a registry with --registry"),
    (["template", "--as", "gdca", "-o", "{tmp}/no/such/folder/t.xlsx"], 1, "cannot read or write"),
    (["template", "--as", "gdca", "--reference-date", "2020-06-01"], 1, "no reporting period has ended"),
    (["template", "--as", "gdca", "--reference-date", "2024-1-x"], 1, "is not a date"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["--frobnicate"], 2, "unrecognized arguments: --frobnicate"),
]


@pytest.mark.parametrize(("argv", "code", "english"), BAD_ARGUMENTS, ids=[" ".join(a) for a, _, _ in BAD_ARGUMENTS])
def test_bad_arguments_give_one_bilingual_line(argv, code, english, tmp_path, capsys):
    argv = [part.format(tmp=tmp_path) for part in argv]

    got, out, err = digecon(capsys, *argv)

    assert got == code
    assert_one_bilingual_line(err, english)
    assert out == ""


def test_a_bad_reference_date_in_the_environment_is_named(monkeypatch, capsys):
    monkeypatch.setenv("DIGECON_REFERENCE_DATE", "tomorrow")

    code, _, err = digecon(capsys, "run")

    assert code == 1
    assert_one_bilingual_line(err, "DIGECON_REFERENCE_DATE 'tomorrow' is not a date")


@pytest.mark.parametrize("setting", ["lots", "0", "-512", "1.5"])
def test_a_bad_build_memory_setting_is_named_before_any_run(setting, monkeypatch, capsys):
    monkeypatch.setenv("DIGECON_BUILD_MEMORY_MB", setting)

    code, _, err = digecon(capsys, "run")

    assert code == 1
    assert_one_bilingual_line(err, f"DIGECON_BUILD_MEMORY_MB={setting!r} is not a positive whole number")


def test_the_build_db_is_held_to_its_memory_setting(monkeypatch, tmp_path):
    from pipelines.build import open_build_db
    from pipelines.paths import Paths

    import duckdb

    paths = Paths.resolve(tmp_path / "home")
    with duckdb.connect() as plain:  # unset: DuckDB's own default
        default = plain.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    for setting, shown in (("", default), ("512", "488.2 MiB"), ("3000", "2.7 GiB")):  # 512 MB, 3000 MB
        monkeypatch.setenv("DIGECON_BUILD_MEMORY_MB", setting)
        for read_only in (False, True):
            with open_build_db(paths, read_only=read_only) as con:
                assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == shown


def test_the_installed_entry_point_gives_the_same_line(home):
    done = subprocess.run([str(DIGECON), "release", "2023-13"], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "DIGECON_HOME": str(home), "DIGECON_REFERENCE_DATE": "2024-01-10"})

    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == "digecon: “2023-13”不是月份：请写作 2023-12 / '2023-13' is not a month: write it as 2023-12\n"
