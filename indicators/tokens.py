"""Upload tokens, one per person, and the audit trail of who did what.

A token is shown once, when it is created; only its SHA-256 is stored. Tokens are 256 random bits, so
a plain hash is enough (password stretching guards guessable secrets, and these are not guessable).
They live in ``DIGECON_HOME/tokens/tokens.sqlite3`` so that `digecon token create|revoke` works while
the upload service runs: the service looks each token up per request and sees a revocation at once.

Every upload, withdrawal and token change, and every refused request, is appended to
``DIGECON_HOME/audit/audit.jsonl``: one JSON object a line with ``at`` (Asia/Shanghai), ``action``,
``actor`` (the person), ``token_id``, ``profile`` and what was done. The file is only ever appended to.
Refusals that a client can repeat without limit (a wrong token, uploads over the rate limit) are counted
instead: one line per client per window, with how many there were and why (`RefusalTally`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import secrets
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from indicators import reference
from indicators.clock import now_shanghai
from indicators.errors import BilingualError
from indicators.landing import connect_register

TOKEN_PREFIX = "dgc_"  # makes a leaked token recognisable (secret scanners, logs)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token_id TEXT PRIMARY KEY,          -- public: shown in lists and the audit log
    token_sha256 TEXT NOT NULL UNIQUE,  -- the token itself is never stored
    profile TEXT NOT NULL,
    name TEXT NOT NULL,                 -- the person the token was issued to
    created_at TEXT NOT NULL,           -- ISO 8601, Asia/Shanghai
    created_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
"""


class TokenError(BilingualError):
    """A token operation that cannot be done, explained in Chinese and English."""


class UnknownProfile(TokenError):
    def __init__(self, profile: str) -> None:
        known = ", ".join(sorted(reference.profiles()))
        super().__init__(f"没有名为 {profile} 的报送方（可选：{known}）",
                         f"there is no submitter profile {profile} (choose one of: {known})")


@dataclass(frozen=True)
class Token:
    token_id: str
    profile: str
    name: str
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AuditLog:
    def __init__(self, root: Path) -> None:
        self.path = Path(root) / "audit.jsonl"

    @classmethod
    def at(cls, home: Path) -> AuditLog:
        return cls(Path(home) / "audit")

    def record(self, action: str, *, actor: str | None, token_id: str | None = None,
               profile: str | None = None, **what: object) -> dict:
        entry = {"at": now_shanghai().isoformat(timespec="milliseconds"), "action": action, "actor": actor,
                 "token_id": token_id, "profile": profile, **what}
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # the service and the CLI may append at the same moment
            handle.write(line)
            handle.flush()
        return entry

    def entries(self) -> list[dict]:
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]


@dataclass
class _Window:
    closes: float  # on the tally's clock
    first_at: dt.datetime
    last_at: dt.datetime
    reasons: Counter = field(default_factory=Counter)


class RefusalTally:
    """Refusals counted per client and kind in windows of `window_seconds`: the first refusal opens a
    window, and when it has closed one audit line says how many refusals it held and why (`count`,
    `reasons`, `first_at`, `last_at`). A client that retries a wrong token in a loop adds one line a
    window, not one a request. `flush` writes the closed windows (the service calls it every second, and
    with ``everything=True`` when it stops)."""

    def __init__(self, audit: AuditLog, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.audit = audit
        self.window_seconds = window_seconds
        self.clock = clock
        self._windows: dict[tuple, _Window] = {}
        self._lock = threading.Lock()

    def add(self, action: str, reason: str, *, http_status: int, client: str | None,
            token: Token | None = None, outcome: str = "refused") -> None:
        key = (action, outcome, http_status, client, token.token_id if token else None,
               token.name if token else None, token.profile if token else None)
        now, at = self.clock(), now_shanghai()
        with self._lock:
            window = self._windows.get(key)
            if window is not None and now >= window.closes:
                self._write(key, self._windows.pop(key))
                window = None
            if window is None:
                window = self._windows[key] = _Window(closes=now + self.window_seconds, first_at=at, last_at=at)
            window.last_at = at
            window.reasons[reason] += 1

    def flush(self, *, everything: bool = False) -> int:
        """Write the windows that have closed (every window if `everything`); returns how many."""
        now = self.clock()
        with self._lock:
            done = [key for key, window in self._windows.items() if everything or now >= window.closes]
            for key in done:
                self._write(key, self._windows.pop(key))
        return len(done)

    def _write(self, key: tuple, window: _Window) -> None:
        action, outcome, http_status, client, token_id, actor, profile = key
        self.audit.record(action, actor=actor, token_id=token_id, profile=profile, outcome=outcome,
                          http_status=http_status, client=client, count=sum(window.reasons.values()),
                          reasons=dict(window.reasons), first_at=window.first_at.isoformat(timespec="milliseconds"),
                          last_at=window.last_at.isoformat(timespec="milliseconds"),
                          window_seconds=self.window_seconds)


class TokenStore:
    def __init__(self, root: Path, audit: AuditLog) -> None:
        self.root = Path(root)
        self.audit = audit
        self.root.mkdir(parents=True, exist_ok=True)
        self.path = self.root / "tokens.sqlite3"
        with self._connection() as db:
            db.executescript(_SCHEMA)

    @classmethod
    def at(cls, home: Path) -> TokenStore:
        """The store under a DIGECON_HOME, with the home's audit log."""
        return cls(Path(home) / "tokens", AuditLog.at(home))

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(connect_register(self.path)) as db:
            yield db

    def create(self, profile: str, name: str, *, actor: str) -> tuple[Token, str]:
        """Issue a token to a person for a profile. Returns the record and the token, shown only now."""
        if profile not in reference.profiles():
            raise UnknownProfile(profile)
        name = name.strip()
        if not name:
            raise TokenError("请填写令牌持有人的姓名", "give the name of the person the token is for")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = Token(token_id=secrets.token_hex(4), profile=profile, name=name,
                      created_at=now_shanghai(), created_by=actor)
        with self._connection() as db:
            db.execute(
                "INSERT INTO tokens (token_id, token_sha256, profile, name, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (token.token_id, _hash(secret), profile, name, token.created_at.isoformat(), actor),
            )
        self.audit.record("token_create", actor=actor, token_id=token.token_id, profile=profile,
                          issued_to=name)
        return token, secret

    def find(self, presented: str) -> Token | None:
        """The token record for a presented token (revoked ones included), or None if unknown."""
        if not presented.startswith(TOKEN_PREFIX):
            return None
        with self._connection() as db:
            row = db.execute("SELECT * FROM tokens WHERE token_sha256 = ?", (_hash(presented),)).fetchone()
        return None if row is None else _token(row)

    def tokens(self) -> list[Token]:
        with self._connection() as db:
            rows = db.execute("SELECT * FROM tokens ORDER BY created_at, token_id").fetchall()
        return [_token(r) for r in rows]

    def revoke(self, token_id: str, *, actor: str) -> Token:
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT * FROM tokens WHERE token_id = ?", (token_id,)).fetchone()
            if row is None:
                db.execute("ROLLBACK")
                raise TokenError(f"没有编号为 {token_id} 的令牌", f"there is no token with id {token_id}")
            if row["revoked_at"] is not None:
                db.execute("ROLLBACK")
                raise TokenError(f"令牌 {token_id} 已于 {row['revoked_at']} 撤销",
                                 f"token {token_id} was already revoked at {row['revoked_at']}")
            db.execute("UPDATE tokens SET revoked_at = ?, revoked_by = ? WHERE token_id = ?",
                       (now_shanghai().isoformat(), actor, token_id))
            row = db.execute("SELECT * FROM tokens WHERE token_id = ?", (token_id,)).fetchone()
            db.execute("COMMIT")
        token = _token(row)
        self.audit.record("token_revoke", actor=actor, token_id=token_id, profile=token.profile,
                          issued_to=token.name)
        return token


def _token(row: sqlite3.Row) -> Token:
    def when(text: str | None) -> dt.datetime | None:
        return None if text is None else dt.datetime.fromisoformat(text)

    return Token(token_id=row["token_id"], profile=row["profile"], name=row["name"],
                 created_at=when(row["created_at"]), created_by=row["created_by"],
                 revoked_at=when(row["revoked_at"]), revoked_by=row["revoked_by"])
