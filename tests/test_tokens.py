"""Upload tokens: one per person, stored hashed, listed and revoked; every change in the audit log."""

import unicodedata

import pytest

from indicators.tokens import AuditLog, RefusalTally, TokenError, TokenStore
from pipelines import cli


@pytest.fixture
def store(tmp_path):
    return TokenStore.at(tmp_path)


def test_a_created_token_authenticates_to_its_person_and_profile(store):
    token, secret = store.create("pilot-440300", "张三", actor="admin")

    found = store.find(secret)
    assert (found.token_id, found.profile, found.name, found.active) == (token.token_id, "pilot-440300", "张三", True)
    assert store.find(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert store.find("not-a-token") is None


def test_tokens_are_stored_hashed_never_in_clear(store, tmp_path):
    _, secret = store.create("gdca", "赵六", actor="admin")

    stored = b"".join(p.read_bytes() for p in (tmp_path / "tokens").iterdir())
    assert secret.encode() not in stored
    assert not any(secret in line for line in (tmp_path / "audit" / "audit.jsonl").read_text().splitlines())


def test_each_person_gets_a_distinct_token(store):
    first = store.create("pilot-440300", "张三", actor="admin")
    second = store.create("pilot-440300", "李四", actor="admin")

    assert first[0].token_id != second[0].token_id and first[1] != second[1]
    assert [t.name for t in store.tokens()] == ["张三", "李四"]


def test_a_revoked_token_is_found_but_inactive_and_cannot_be_revoked_twice(store):
    token, secret = store.create("pilot-441900", "王五", actor="admin")

    store.revoke(token.token_id, actor="admin")

    revoked = store.find(secret)
    assert not revoked.active and revoked.revoked_by == "admin"
    with pytest.raises(TokenError) as again:
        store.revoke(token.token_id, actor="admin")
    assert "已" in again.value.message_zh and "already" in again.value.message_en
    with pytest.raises(TokenError):
        store.revoke("nosuchid", actor="admin")


def test_unknown_profile_and_blank_name_are_refused(store):
    with pytest.raises(TokenError) as unknown:
        store.create("pilot-440100", "某人", actor="admin")
    assert "pilot-440300" in unknown.value.message_en  # says which profiles exist
    with pytest.raises(TokenError):
        store.create("gdca", "  ", actor="admin")


def test_token_changes_are_audited_with_who_when_what(store, tmp_path):
    token, _ = store.create("gdiit", "钱七", actor="admin")
    store.revoke(token.token_id, actor="auditor")

    create, revoke = AuditLog.at(tmp_path).entries()
    assert (create["action"], create["actor"], create["token_id"], create["profile"], create["issued_to"]) == (
        "token_create", "admin", token.token_id, "gdiit", "钱七")
    assert (revoke["action"], revoke["actor"], revoke["token_id"]) == ("token_revoke", "auditor", token.token_id)
    assert create["at"].endswith("+08:00")  # Asia/Shanghai, as every time in the project


def test_cli_creates_lists_and_revokes(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path))

    assert cli.main(["token", "create", "--profile", "pilot-440300", "--name", "张三"]) == 0
    created = capsys.readouterr()
    secret = created.out.splitlines()[-1]
    assert secret.startswith("dgc_") and "只显示这一次" in created.err and "only once" in created.err
    token = TokenStore.at(tmp_path).find(secret)

    assert cli.main(["token", "list"]) == 0
    listed = capsys.readouterr().out
    assert token.token_id in listed and "张三" in listed and "active" in listed and secret not in listed

    assert cli.main(["token", "revoke", token.token_id]) == 0
    capsys.readouterr()
    assert cli.main(["token", "list"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert not TokenStore.at(tmp_path).find(secret).active


def test_cli_list_lines_up_in_a_terminal_with_chinese_names(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path))
    for profile, name in [("gdca", "赵六"), ("pilot-441900", "欧阳可欣"), ("gdiit", "Li Wei")]:
        TokenStore.at(tmp_path).create(profile, name, actor="admin")

    assert cli.main(["token", "list"]) == 0

    lines = capsys.readouterr().out.splitlines()
    # Where the status column starts, counting a Chinese character as two terminal columns.
    starts = {display_width(line[:line.index(word)]) for line, word in zip(lines, ["状态", "有效", "有效", "有效"],
                                                                             strict=True)}
    assert len(starts) == 1


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_cli_errors_are_bilingual(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path))

    assert cli.main(["token", "create", "--profile", "nobody", "--name", "x"]) == 1
    assert cli.main(["token", "revoke", "nosuchid"]) == 1
    errors = capsys.readouterr().err
    assert "digecon: 没有名为 nobody 的报送方" in errors and " / there is no submitter profile nobody" in errors
    assert "没有编号为 nosuchid 的令牌" in errors and "there is no token with id nosuchid" in errors
    assert "Traceback" not in errors


class Clock:
    """A clock the test moves by hand (the tally's windows are on a monotonic clock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_refusals_are_counted_per_client_and_window_in_one_audit_line_each(store, tmp_path):
    clock = Clock()
    tally = RefusalTally(store.audit, window_seconds=60, clock=clock)
    revoked, _ = store.create("gdca", "赵六", actor="admin")
    audit_lines_before = len(AuditLog.at(tmp_path).entries())

    for second in range(50):  # 50 wrong tokens in 50 seconds from one client …
        clock.now = 1000.0 + second
        tally.add("auth_refused", "unknown token", http_status=401, client="10.0.0.7")
    tally.add("auth_refused", "missing token", http_status=401, client="10.0.0.7")
    tally.add("auth_refused", "revoked token", http_status=401, client="10.0.0.8", token=revoked)
    assert tally.flush() == 0  # … inside the window: nothing written yet
    clock.now = 1060.0  # the window opened at 1000 has closed …
    assert tally.flush() == 1  # … and is written; 10.0.0.8's (opened at 1049) is still open
    tally.add("auth_refused", "unknown token", http_status=401, client="10.0.0.7")  # opens the next one
    assert tally.flush() == 0
    assert tally.flush(everything=True) == 2  # the service stops: the open windows are written too

    lines = AuditLog.at(tmp_path).entries()[audit_lines_before:]
    summary = [(e["client"], e["count"], e["reasons"], e["token_id"]) for e in lines]
    assert summary[0] == ("10.0.0.7", 51, {"unknown token": 50, "missing token": 1}, None)
    assert sorted(summary[1:], key=str) == [("10.0.0.7", 1, {"unknown token": 1}, None),
                                            ("10.0.0.8", 1, {"revoked token": 1}, revoked.token_id)]
    first = lines[0]
    assert (first["action"], first["outcome"], first["http_status"], first["window_seconds"]) == (
        "auth_refused", "refused", 401, 60)
    assert first["first_at"] <= first["last_at"]  # wall-clock times of the first and the last refusal
    assert {e["actor"] for e in lines} == {None, "赵六"}
