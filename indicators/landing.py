"""The landing zone: every received file, archived once under its sha256, with who sent it and when.

It is the source of truth for the warehouse (``digecon rebuild`` replays it in received order). Nothing
here is ever edited in place: the same bytes again are a no-op that returns the first receipt. The
register is SQLite so that concurrent uploads get distinct, monotonic submission ids without a server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.clock import SHANGHAI, now_shanghai


_SCHEMA = """
CREATE TABLE IF NOT EXISTS receipts (
    submission_id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL UNIQUE,
    profile TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    original_filename TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    received_at TEXT NOT NULL,      -- ISO 8601, Asia/Shanghai
    intake_status TEXT NOT NULL     -- received (not yet checked), accepted or rejected at upload time
);
CREATE TABLE IF NOT EXISTS withdrawals (
    submission_id INTEGER PRIMARY KEY REFERENCES receipts(submission_id),
    withdrawn_at TEXT NOT NULL,
    withdrawn_by TEXT NOT NULL,
    reason TEXT
);
-- Releasing a period is an act like a withdrawal: recorded here, so that a rebuild replays it too.
CREATE TABLE IF NOT EXISTS releases (
    period TEXT PRIMARY KEY,        -- ISO date of the month's first day
    released_at TEXT NOT NULL,
    released_by TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Receipt:
    submission_id: int
    sha256: str
    profile: str
    submitted_by: str
    original_filename: str
    stored_name: str
    received_at: dt.datetime  # tz-aware, Asia/Shanghai
    intake_status: str


@dataclass(frozen=True)
class Withdrawal:
    submission_id: int
    withdrawn_at: dt.datetime
    withdrawn_by: str
    reason: str | None


@dataclass(frozen=True)
class Release:
    period: dt.date  # the month released: every period ending in it
    released_at: dt.datetime
    released_by: str


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MAX_FILENAME_BYTES = 200  # a file system takes 255 bytes a name: room for a prefix where one is used
_KEPT_EXTENSION_CHARS = 16  # a longer "extension" is part of the name, not a file type


def display_filename(name: str) -> str:
    """A file name as a client gave it, made display text: its last path part, without control or format
    characters (NUL, line breaks, bidi overrides that disguise an extension), blanks collapsed, at most
    MAX_FILENAME_BYTES of UTF-8 (a short extension kept when it is cut). It names the file for people;
    it is never a path, and never decides how the file is stored."""
    last = re.split(r"[\\/]", name)[-1]
    kept = "".join(" " if ch.isspace() else ch for ch in last
                   if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    text = " ".join(kept.split())  # line breaks and tabs become one space
    if len(text.encode()) > MAX_FILENAME_BYTES:
        stem, dot, extension = text.rpartition(".")
        keep = dot + extension if stem and len(extension) <= _KEPT_EXTENSION_CHARS else ""
        room = MAX_FILENAME_BYTES - len(keep.encode()) - len("…".encode())
        text = (stem if keep else text).encode()[:room].decode(errors="ignore") + "…" + keep
    return text or "upload"


def archive_suffix(data: bytes) -> str:
    """The archived file's extension, from its content: a zip is a workbook (.xlsx), an OLE2 container an
    old or password-protected workbook (.xls), anything else text (.csv). The readers go by content too."""
    if data.startswith(b"PK\x03\x04"):
        return ".xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ".xls"
    return ".csv"


def connect_register(path: Path) -> sqlite3.Connection:
    """A SQLite register that the service, the CLI and Dagster share (landing zone, tokens): autocommit
    unless a transaction is begun explicitly, rows by column name, WAL so that readers never block."""
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    return db


class LandingZone:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.files_dir = self.root / "files"
        self.reports_dir = self.root / "reports"
        self.checked_dir = self.root / "checked"
        for folder in (self.files_dir, self.reports_dir, self.checked_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.register_path = self.root / "register.sqlite3"
        with closing(self._connect()) as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return connect_register(self.register_path)

    def receive(self, data: bytes, original_filename: str, profile: str, submitted_by: str,
                received_at: dt.datetime | None = None, intake_status: str = "received",
                report: dict | None = None, checked: pd.DataFrame | None = None) -> tuple[Receipt, bool]:
        """Archive the bytes and register them. Returns (receipt, is_new); known bytes are a no-op. The name
        the sender gave is kept as display text; the archive is named by content (sha256 and type).

        `report` and `checked` (the cells the check read) are kept beside the file when it was checked on
        its way in, so that the pipeline never parses it again. The archived file takes its final name
        inside the register's transaction: a file there without a register row was left by a killed
        process, which `recover` can tell for certain.
        """
        digest = sha256_of(data)
        original_filename = display_filename(original_filename)
        stored_name = f"{digest}{archive_suffix(data)}"
        received_at = (received_at or now_shanghai()).astimezone(SHANGHAI)
        incoming = self._stage(self.files_dir, data)
        try:
            with closing(self._connect()) as db:
                db.execute("BEGIN IMMEDIATE")  # serialises concurrent receivers: one id per sha256
                existing = db.execute("SELECT * FROM receipts WHERE sha256 = ?", (digest,)).fetchone()
                if existing is not None:
                    db.execute("COMMIT")
                    return _receipt(existing), False
                os.replace(incoming, self.files_dir / stored_name)
                cursor = db.execute(
                    "INSERT INTO receipts (sha256, profile, submitted_by, original_filename, stored_name,"
                    " received_at, intake_status) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (digest, profile, submitted_by, original_filename, stored_name,
                     received_at.isoformat(), intake_status),
                )
                row = db.execute("SELECT * FROM receipts WHERE submission_id = ?", (cursor.lastrowid,)).fetchone()
                receipt = _receipt(row)
                if report is not None:
                    self.keep_report(receipt, report)
                if checked is not None:
                    self.keep_checked(receipt, checked)
                db.execute("COMMIT")
        finally:
            incoming.unlink(missing_ok=True)
        return receipt, True

    def withdraw(self, submission_id: int, withdrawn_by: str, reason: str | None = None,
                 withdrawn_at: dt.datetime | None = None) -> Withdrawal:
        if self.receipt(submission_id) is None:
            raise KeyError(f"no submission {submission_id} in the landing zone")
        withdrawn_at = (withdrawn_at or now_shanghai()).astimezone(SHANGHAI)
        with closing(self._connect()) as db:
            db.execute(
                "INSERT INTO withdrawals (submission_id, withdrawn_at, withdrawn_by, reason) VALUES (?, ?, ?, ?)",
                (submission_id, withdrawn_at.isoformat(), withdrawn_by, reason),
            )
        return Withdrawal(submission_id, withdrawn_at, withdrawn_by, reason)

    def release(self, period: dt.date, released_by: str,
                released_at: dt.datetime | None = None) -> tuple[Release, bool]:
        """Record a period's release once. Returns (release, is_new); a second release is a no-op."""
        released_at = (released_at or now_shanghai()).astimezone(SHANGHAI)
        with closing(self._connect()) as db:
            cursor = db.execute(
                "INSERT INTO releases (period, released_at, released_by) VALUES (?, ?, ?)"
                " ON CONFLICT (period) DO NOTHING",
                (period.isoformat(), released_at.isoformat(), released_by),
            )
            row = db.execute("SELECT * FROM releases WHERE period = ?", (period.isoformat(),)).fetchone()
        return _release(row), cursor.rowcount == 1

    def releases(self) -> list[Release]:
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM releases ORDER BY period").fetchall()
        return [_release(r) for r in rows]

    def receipts(self) -> list[Receipt]:
        """Every receipt in received order (ties by submission id): the order a rebuild replays."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM receipts").fetchall()
        return sorted((_receipt(r) for r in rows), key=lambda r: (r.received_at, r.submission_id))

    def receipt(self, submission_id: int) -> Receipt | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM receipts WHERE submission_id = ?", (submission_id,)).fetchone()
        return None if row is None else _receipt(row)

    def receipt_of_sha256(self, digest: str) -> Receipt | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM receipts WHERE sha256 = ?", (digest,)).fetchone()
        return None if row is None else _receipt(row)

    def withdrawals(self) -> list[Withdrawal]:
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM withdrawals ORDER BY submission_id").fetchall()
        return [Withdrawal(r["submission_id"], dt.datetime.fromisoformat(r["withdrawn_at"]),
                           r["withdrawn_by"], r["reason"]) for r in rows]

    def report_of(self, receipt: Receipt) -> dict | None:
        """The validation report kept beside the file: the verdict the submitter was given."""
        path = self.reports_dir / f"{receipt.sha256}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def keep_report(self, receipt: Receipt, report: dict) -> None:
        """Keep a file's first report; later checks (a rebuild) replay it instead of re-judging history."""
        self._write_once(self.reports_dir / f"{receipt.sha256}.json",
                         json.dumps(report, ensure_ascii=False, indent=2).encode())

    def checked_of(self, receipt: Receipt) -> pd.DataFrame | None:
        """The cells the file's check read (its observations, or for a rejected file the cells it
        carried), kept so that the pipeline loads them without parsing the file again."""
        path = self.checked_dir / f"{receipt.sha256}.parquet"
        return pd.read_parquet(path) if path.exists() else None

    def keep_checked(self, receipt: Receipt, cells: pd.DataFrame) -> None:
        self._write_once(self.checked_dir / f"{receipt.sha256}.parquet", cells.to_parquet(index=False))

    def path_of(self, receipt: Receipt) -> Path:
        return self.files_dir / receipt.stored_name

    def recover(self) -> list[str]:
        """Remove what killed processes left behind; returns what was removed (paths relative to the
        landing zone). Half-written files belong to a process that no longer runs; an archived file, report
        or checked cells with no register row were written by a receiver killed before its commit (the
        register's write lock is held while looking, so no receiver is between the two right now)."""
        removed = []
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                shas = {row["sha256"] for row in db.execute("SELECT sha256 FROM receipts")}
                for folder in (self.files_dir, self.reports_dir, self.checked_dir):
                    for path in sorted(folder.iterdir()):
                        orphan = (path.name.split(".")[0] not in shas) if not path.name.startswith(".") \
                            else _writer_gone(path.name)
                        if orphan:
                            _remove(path)
                            removed.append(str(path.relative_to(self.root)))
            finally:
                db.execute("COMMIT")
        return removed

    @staticmethod
    def _stage(folder: Path, data: bytes) -> Path:
        """Write bytes to a temporary file in `folder`, named for this process (see `_writer_gone`)."""
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".incoming-{os.getpid()}-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o444)
        except BaseException:  # a full disk: the half-written copy goes, the error goes on
            Path(tmp).unlink(missing_ok=True)
            raise
        return Path(tmp)

    @classmethod
    def _write_once(cls, path: Path, data: bytes) -> None:
        """Write atomically and never replace: content-addressed files are immutable."""
        if path.exists():
            return
        staged = cls._stage(path.parent, data)
        try:
            os.replace(staged, path)
        finally:
            staged.unlink(missing_ok=True)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _writer_gone(name: str) -> bool:
    """Whether the process named in a temporary file's name (``.incoming-<pid>-…``) has ended."""
    parts = name.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False  # not ours: left alone
    return not pid_alive(int(parts[1]))


def _remove(path: Path) -> None:
    path.chmod(0o644)  # archived files are read-only
    path.unlink(missing_ok=True)


def _receipt(row: sqlite3.Row) -> Receipt:
    return Receipt(
        submission_id=row["submission_id"], sha256=row["sha256"], profile=row["profile"],
        submitted_by=row["submitted_by"], original_filename=row["original_filename"],
        stored_name=row["stored_name"], received_at=dt.datetime.fromisoformat(row["received_at"]),
        intake_status=row["intake_status"],
    )


def _release(row: sqlite3.Row) -> Release:
    return Release(dt.date.fromisoformat(row["period"]), dt.datetime.fromisoformat(row["released_at"]),
                   row["released_by"])
