"""The upload service: pilot teams and agencies send files over HTTP and get the report back at once.

FastAPI under uvicorn (`digecon serve`). It writes only the landing zone (the file under its sha256, its
report, who sent it), a temporary copy of a file while it is checked (under DIGECON_HOME/tmp/uploads),
and appends to the audit log; it reads the token store, and the serving DB read-only (the checks against history, the
list of changed cells, how far each file has got). It never opens the build DB: the Dagster sensor turns
each landed file into a run that loads it.

The validator (its suite compiled to DuckDB SQL) is built once, at start-up, before the port opens
(uvicorn runs the lifespan first), so a client that can connect gets answers at full speed. A file is
checked in a worker thread, never on the event loop, so the page, the history and other uploads answer
while a large file is being checked; the landing zone's register serialises ids.

Every request gets an id (header `X-Request-ID`) and one JSON log line (request id, token id, submission
id, outcome, duration). Every refused request is in the audit log, including an internal error, which
the user sees as the same bilingual JSON error as any other refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import math
import os
import secrets
import shutil
import sqlite3
import tempfile
import threading
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata, resources
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote

import pandas as pd
from fastapi import Depends, FastAPI, Request
from fastapi import Path as PathParameter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException, MultiPartParser

from indicators import reference
from indicators.clock import now_shanghai
from indicators.landing import Receipt, Withdrawal, display_filename, pid_alive, sha256_of
from indicators.readers import ReadLimits
from indicators.served import previous_values, read_served, read_serving
from indicators.register_template import build_register_template, register_template_file_name
from indicators.registers import REGISTRIES
from indicators.template import build_template, template_file_name
from pipelines.registers import is_register
from indicators.tokens import RefusalTally, Token, TokenStore
from pipelines.paths import Paths
from pipelines.service_commands import Limits

log = logging.getLogger("digecon.service")

MULTIPART_ALLOWANCE = 64 * 1024  # the envelope around the file: boundary lines and part headers
MAX_SUBMISSION_ID = 2**63 - 1  # the register's INTEGER: a larger id cannot exist
LIMIT_RULE = "limit_exceeded"  # the readers' finding for a file over a row, column or cell-length limit
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATIC_DIR = Path(str(resources.files("pipelines").joinpath("static")))
# The page shows submitters' file names and cell values: it may run its own script and nothing else.
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class ServiceError(Exception):
    """An answer other than success, explained in Chinese and English (never a traceback). `action` and
    `details` go into the audit log's line for the refusal; `audited` once that line is written."""

    def __init__(self, status: int, message_zh: str, message_en: str, headers: dict | None = None,
                 *, action: str | None = None, **details: object) -> None:
        super().__init__(message_en)
        self.status = status
        self.message_zh = message_zh
        self.message_en = message_en
        self.headers = headers
        self.action = action
        self.details = details
        self.audited = False


def error_body(status: int, message_zh: str, message_en: str) -> dict:
    return {"error": {"status": status, "message_zh": message_zh, "message_en": message_en}}


def too_large(max_bytes: int) -> ServiceError:
    mb = max_bytes / 1024 / 1024
    return ServiceError(413, f"文件超过大小上限 {mb:g} MB", f"the file is larger than the {mb:g} MB limit",
                        action="upload")


def too_many_uploads(per_minute: int, retry_after: float) -> ServiceError:
    seconds = max(1, math.ceil(retry_after))
    return ServiceError(429, f"上传过于频繁：每个令牌每分钟最多上传 {per_minute} 个文件，请 {seconds} 秒后再试",
                        f"too many uploads: at most {per_minute} files a minute per token; try again in {seconds} s",
                        {"Retry-After": str(seconds)}, action="upload")


@dataclasses.dataclass(frozen=True)
class Upload:
    filename: str  # display text (indicators.landing.display_filename), never a path
    data: bytes


class UploadRate:
    """Uploads per token in the last minute, a sliding window kept in this process (one service per home)."""

    WINDOW_SECONDS = 60.0

    def __init__(self, per_minute: int, clock=time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._sent: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def admit(self, token_id: str) -> float | None:
        """Count an upload by the token; None if it may go ahead, else the seconds until it may."""
        now = self.clock()
        with self._lock:
            sent = self._sent[token_id]
            while sent and sent[0] <= now - self.WINDOW_SECONDS:
                sent.popleft()
            if len(sent) >= self.per_minute:
                return sent[0] + self.WINDOW_SECONDS - now
            sent.append(now)
            return None


@dataclasses.dataclass(frozen=True)
class Served:
    """What the serving DB publishes in a profile's scope, as read once: the history the check compares
    with (served.read_served), and each cell's previous vintage, which the change list looks up."""

    history: pd.DataFrame
    previous: dict[tuple, tuple[float, int]]  # served.previous_values of `history`

    @classmethod
    def of(cls, history: pd.DataFrame | None) -> Served | None:
        return None if history is None else cls(history, previous_values(history))


class Intake:
    """What the service does, apart from HTTP: authenticate, check and land files, answer about them."""

    def __init__(self, paths: Paths, validator, limits: Limits) -> None:
        self.paths = paths
        self.validator = validator
        self.limits = limits
        self.max_upload_bytes = limits.max_upload_bytes
        self.landing = paths.landing_zone()
        self.tokens = TokenStore.at(paths.home)
        self.audit = self.tokens.audit
        self.refusals = RefusalTally(self.audit, limits.refusal_window_seconds)
        self.upload_rate = UploadRate(limits.uploads_per_minute)
        # Copies of files being checked, removed by the check; a folder per process. Outside the landing
        # zone, which backups take whole: a copy is never part of what was received.
        self.scratch = paths.home / "tmp" / "uploads"
        self._served: dict[str, tuple[tuple, Served | None]] = {}  # profile -> (serving file identity, Served)
        self._served_lock = threading.Lock()

    # ------------------------------------------------------------------------------ the scratch folder

    def scratch_dir(self) -> Path:
        """This process's folder for temporary copies of uploads: under DIGECON_HOME, never in $TMPDIR."""
        folder = self.scratch / str(os.getpid())
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def clear_leftovers(self) -> list[str]:
        """Remove what killed processes left in the scratch folder (the folders of processes no longer
        running); returns what was removed. A running service's or `digecon submit`'s copies stay."""
        removed = []
        for entry in sorted(self.scratch.iterdir()) if self.scratch.is_dir() else []:
            if entry.name.isdigit() and entry.is_dir() and pid_alive(int(entry.name)):
                continue
            removed += [entry.name, *(p.relative_to(self.scratch).as_posix() for p in sorted(entry.rglob("*")))]
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        return removed

    def landing_writable(self) -> bool:
        """Whether an upload can be checked and land: a file written where copies and archived files go
        (a full or read-only disk says no), and the reports and the register writable."""
        try:
            for folder in (self.scratch_dir(), self.landing.files_dir):
                with tempfile.NamedTemporaryFile(dir=folder, prefix=".health-") as probe:  # a dot: never archived
                    probe.write(b"ok")
                    probe.flush()
        except OSError:
            return False
        return all(os.access(p, os.W_OK) for p in (self.landing.reports_dir, self.landing.register_path))

    # ------------------------------------------------------------------------------------ who is asking

    def authenticate(self, presented: str | None) -> Token:
        if not presented:
            raise ServiceError(401, "缺少令牌：请在请求头中提供 Authorization: Bearer <令牌>",
                               "missing token: send the header Authorization: Bearer <token>",
                               {"WWW-Authenticate": "Bearer"}, token_problem="missing token")
        token = self.tokens.find(presented.strip())
        if token is None:
            raise ServiceError(401, "令牌无效：请检查是否完整复制，或联系管理员重新签发",
                               "the token is not valid: check that it was copied whole, or ask for a new one",
                               {"WWW-Authenticate": "Bearer"}, token_problem="unknown token")
        if not token.active:
            when = f"{token.revoked_at:%Y-%m-%d %H:%M}"
            raise ServiceError(401, f"令牌已于 {when} 撤销：请联系管理员重新签发",
                               f"the token was revoked on {when}: ask for a new one",
                               {"WWW-Authenticate": "Bearer"}, token_problem="revoked token", revoked_token=token)
        return token

    # ---------------------------------------------------------------------------------------- uploads

    def submit(self, submitter: Token, upload: Upload) -> tuple[int, dict]:
        """Check and land a file. Returns the HTTP status (201 accepted, 422 rejected, 200 already
        accepted) and the submission with its report. Bytes another profile sent first are checked for
        this profile: a rejection comes back with this profile's report, and files this profile may send
        are refused without saying who sent them."""
        received_at = now_shanghai()
        landed = self.landing.receipt_of_sha256(sha256_of(upload.data))
        if landed is not None and landed.profile == submitter.profile:
            return self._sent_again(submitter, landed)
        # What is served in the profile's scope, read once: the check's history and the change list's
        # previous vintages both come from it.
        known = reference.profiles().get(submitter.profile)
        served = self.served(known) if known else None
        checked = self._check(upload, submitter.profile, received_at.date(), served.history if served else None)
        report = checked.report.to_dict()
        over = over_limit(report)
        if over is not None:
            raise self.refused(submitter, over)
        if landed is None:
            if is_register(checked.observations):  # a list's city values are aggregated at load, over its vintages
                report["changes"] = None
            else:
                report["changes"] = self._changes(served, checked.observations) if checked.report.accepted else []
            receipt, is_new = self.landing.receive(
                upload.data, upload.filename, submitter.profile, submitter.name, received_at,
                intake_status="accepted" if checked.report.accepted else "rejected", report=report,
                checked=checked.cells)
            if is_new:
                status = 201 if checked.report.accepted else 422
                self._audit_upload(submitter, receipt, receipt.intake_status, status, report)
                return status, submission_view(receipt, None, report, "received")
            if receipt.profile == submitter.profile:  # the same bytes landed from a concurrent request
                return self._sent_again(submitter, receipt)
        return self._sent_by_another(submitter, upload, received_at, report)

    def served(self, profile: reference.Profile) -> Served | None:
        """What the serving DB publishes in the profile's scope (`Served`), read once per published file: a
        publish replaces the file (a new inode), so its identity says when to read it again. It is shared by
        concurrent checks, which only read it."""
        try:
            stat = self.paths.serving_db.stat()
            identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            return None
        with self._served_lock:
            cached = self._served.get(profile.profile_id)
        if cached is not None and cached[0] == identity:
            return cached[1]
        served = Served.of(read_served(self.paths.serving_db, profile))
        with self._served_lock:
            self._served[profile.profile_id] = (identity, served)
        return served

    def refused(self, submitter: Token, refusal: ServiceError) -> ServiceError:
        """Record a refused upload or withdrawal in the audit log; returns the refusal, to raise."""
        self.audit.record(refusal.action or "upload", actor=submitter.name, token_id=submitter.token_id,
                          profile=submitter.profile, outcome="refused", http_status=refusal.status,
                          reason=refusal.message_en, **refusal.details)
        refusal.audited = True
        return refusal

    def _sent_again(self, submitter: Token, receipt: Receipt) -> tuple[int, dict]:
        if self._withdrawal(receipt.submission_id) is not None:
            raise self.refused(submitter, ServiceError(
                409, f"同一文件（第 {receipt.submission_id} 号报送）已撤回；如需恢复其数据，请修改文件后重新报送",
                f"the same file (submission {receipt.submission_id}) was withdrawn; to restore its values, "
                "change the file and send it again", action="upload", submission_id=receipt.submission_id))
        report = self.landing.report_of(receipt)
        status = 422 if verdict(receipt, report) == "rejected" else 200
        self._audit_upload(submitter, receipt, "duplicate", status, report)
        progress = self.progress([receipt.submission_id])[receipt.submission_id]
        return status, {**submission_view(receipt, None, report, progress), "duplicate": True}

    def _sent_by_another(self, submitter: Token, upload: Upload, received_at: dt.datetime,
                         report: dict) -> tuple[int, dict]:
        """The same bytes were landed for another profile. The archive holds each content once, so they
        cannot land again; who sent them is not this submitter's business."""
        if not report["accepted"]:
            report["changes"] = []
            self.audit.record("upload", actor=submitter.name, token_id=submitter.token_id,
                              profile=submitter.profile, outcome="rejected", http_status=422, submission_id=None,
                              sha256=report["sha256"], file=upload.filename, errors=len(report["errors"]),
                              warnings=len(report["warnings"]), observations=0, landed=False)
            return 422, {"submission_id": None, "status": "rejected", "duplicate": False, "progress": None,
                         "file": upload.filename, "sha256": report["sha256"], "profile": submitter.profile,
                         "submitted_by": submitter.name, "received_at": received_at.isoformat(),
                         "withdrawn_at": None, "withdrawn_by": None, "report": report}
        raise self.refused(submitter, ServiceError(
            409, "文件内容与此前收到的一份文件完全相同，不能重复接收；如确需报送，请改动文件（例如填写备注）后重新上传",
            "the file is byte for byte one received before and cannot be received again; "
            "if you mean to send it, change it (a note will do) and send it again",
            action="upload", sha256=report["sha256"], file=upload.filename))

    def _check(self, upload: Upload, profile: str, reference_date: dt.date, history):
        with tempfile.TemporaryDirectory(prefix="upload-", dir=self.scratch_dir()) as folder:
            path = Path(folder) / f"upload{Path(upload.filename).suffix.lower()}"  # openpyxl goes by extension
            path.write_bytes(upload.data)
            return self.validator.check(path, profile, display_name=upload.filename,
                                        history=history, reference_date=reference_date)

    @staticmethod
    def _changes(served: Served | None, observations) -> list[dict] | None:
        """Cells whose value differs from the profile's previous vintage as loaded (served.read_served):
        cell, old value, new value. None when there is no serving DB to compare with."""
        if served is None:
            return None
        previous = served.previous
        areas, catalogue = reference.area_by_code(), reference.catalogue()
        changes = []
        for cell in observations.itertuples(index=False):
            old = previous.get((cell.city_code, cell.period, cell.indicator_code))
            if old is None or old[0] == cell.value:
                continue
            changes.append({
                "city_code": cell.city_code, "city_name_zh": areas[cell.city_code].name_zh,
                "period": reference.period_label(cell.period, cell.freq),
                "indicator_code": cell.indicator_code, "indicator_name_zh": catalogue[cell.indicator_code].name_zh,
                "old_value": old[0], "new_value": cell.value, "previous_submission_id": old[1],
                "sheet": cell.sheet if isinstance(cell.sheet, str) else None, "row": int(cell.source_row),
            })
        return changes

    def _audit_upload(self, submitter: Token, receipt: Receipt, outcome: str, status: int, report: dict | None):
        counts = {} if report is None else {
            "errors": len(report["errors"]), "warnings": len(report["warnings"]),
            "observations": report["observations"], "changes": len(report.get("changes") or [])}
        self.audit.record("upload", actor=submitter.name, token_id=submitter.token_id, profile=submitter.profile,
                          outcome=outcome, http_status=status, submission_id=receipt.submission_id,
                          sha256=receipt.sha256, file=receipt.original_filename, **counts)

    # -------------------------------------------------------------------------------- the submissions

    def progress(self, submission_ids: list[int]) -> dict[int, str]:
        """How far each landed submission has got: received (landed), loaded (the warehouse has processed
        it) or published (every value it supplies is released), as the serving DB shows it."""
        rows = read_serving(self.paths.serving_db, "submission_progress.sql", {"submission_ids": submission_ids})
        steps = {submission_id: "received" for submission_id in submission_ids}
        for submission_id, loaded, published in [] if rows is None else rows.itertuples(index=False):
            steps[submission_id] = "published" if published else "loaded" if loaded else "received"
        return steps

    def submission(self, submitter: Token, submission_id: int) -> dict:
        receipt = self._own_receipt(submitter, submission_id)
        return submission_view(receipt, self._withdrawal(submission_id), self.landing.report_of(receipt),
                               self.progress([submission_id])[submission_id])

    def history(self, submitter: Token) -> list[dict]:
        """The profile's submissions, newest first, with the report's counts but not its findings."""
        withdrawals = {w.submission_id: w for w in self.landing.withdrawals()}
        own = sorted((r for r in self.landing.receipts() if r.profile == submitter.profile),
                     key=lambda r: r.submission_id, reverse=True)
        progress = self.progress([r.submission_id for r in own])
        items = []
        for receipt in own:
            item = submission_view(receipt, withdrawals.get(receipt.submission_id), self.landing.report_of(receipt),
                                   progress[receipt.submission_id])
            report = item.pop("report")
            if report is not None:
                item.update(rows=report["rows"], observations=report["observations"],
                            errors=len(report["errors"]), warnings=len(report["warnings"]))
            items.append(item)
        return items

    def withdraw(self, submitter: Token, submission_id: int, reason: str | None) -> dict:
        try:
            receipt = self._own_receipt(submitter, submission_id, action="withdraw")
            report = self.landing.report_of(receipt)
            if verdict(receipt, report) == "rejected":
                raise ServiceError(409, f"第 {submission_id} 号报送被拒收，没有装载任何数据，无需撤回",
                                   f"submission {submission_id} was rejected and loaded nothing: there is nothing "
                                   "to withdraw", action="withdraw", submission_id=submission_id)
            try:
                withdrawal = self.landing.withdraw(submission_id, submitter.name, reason)
            except sqlite3.IntegrityError:  # the register's primary key: one withdrawal per submission
                raise ServiceError(409, f"第 {submission_id} 号报送已经撤回",
                                   f"submission {submission_id} was already withdrawn",
                                   action="withdraw", submission_id=submission_id) from None
        except ServiceError as refusal:
            raise self.refused(submitter, refusal) from None
        self.audit.record("withdraw", actor=submitter.name, token_id=submitter.token_id, profile=submitter.profile,
                          outcome="withdrawn", submission_id=submission_id, sha256=receipt.sha256,
                          file=receipt.original_filename, reason=reason)
        return submission_view(receipt, withdrawal, report, self.progress([submission_id])[submission_id])

    def template(self, submitter: Token, registry: str | None = None) -> bytes:
        if registry is None:
            return build_template(submitter.profile)
        if REGISTRIES[registry].submitter != submitter.profile:
            raise self.refused(submitter, ServiceError(
                403, f"“{REGISTRIES[registry].name_zh}”只能由其报送机构报送，本报送方不能下载其模板",
                f"the {REGISTRIES[registry].name_en} is submitted by its agency only; this profile cannot download"
                " its template", action="template", registry=registry))
        return build_register_template(registry)

    def health(self) -> tuple[int, dict]:
        """Whether uploads can land, and how far the pipeline has got: the highest submission id landed
        against the highest the serving DB holds the results of (None: nothing processed yet)."""
        writable = self.landing_writable()
        landed = [r.submission_id for r in self.landing.receipts()]
        processed = read_serving(self.paths.serving_db, "processed_up_to.sql")
        processed_up_to = None if processed is None or processed.empty or pd.isna(processed.iat[0, 0]) \
            else int(processed.iat[0, 0])
        body = {"status": "ok" if writable else "unavailable", "landing_writable": writable,
                "landed_up_to": max(landed, default=None), "processed_up_to": processed_up_to,
                "waiting": sum(1 for i in landed if processed_up_to is None or i > processed_up_to)}
        return (200 if writable else 503), body

    def _own_receipt(self, submitter: Token, submission_id: int, action: str = "view") -> Receipt:
        receipt = self.landing.receipt(submission_id)
        if receipt is None or receipt.profile != submitter.profile:  # another profile's: as if absent
            raise ServiceError(404, f"没有第 {submission_id} 号报送（或不属于您的报送方）",
                               f"there is no submission {submission_id} of your profile",
                               action=action, submission_id=submission_id)
        return receipt

    def _withdrawal(self, submission_id: int) -> Withdrawal | None:
        return next((w for w in self.landing.withdrawals() if w.submission_id == submission_id), None)


def over_limit(report: dict) -> ServiceError | None:
    """A file over a row, column or cell-length limit is refused with 413 like one over the size limit,
    and not landed: its report holds nothing but the limit's findings (the readers stop there)."""
    errors = report["errors"]
    if errors and all(error["rule"] == LIMIT_RULE for error in errors):
        return ServiceError(413, errors[0]["message_zh"], errors[0]["message_en"], action="upload",
                            sha256=report["sha256"], file=report["file"])
    return None


def verdict(receipt: Receipt, report: dict | None) -> str:
    """accepted or rejected. A file landed without a check (`digecon run`) has the verdict of the report
    the pipeline kept beside it, and is `received` until the pipeline has checked it."""
    if receipt.intake_status == "received" and report is not None:
        return "accepted" if report["accepted"] else "rejected"
    return receipt.intake_status


def submission_view(receipt: Receipt, withdrawal: Withdrawal | None, report: dict | None, progress: str) -> dict:
    return {
        "submission_id": receipt.submission_id,
        "status": "withdrawn" if withdrawal else verdict(receipt, report),
        "duplicate": False,
        "progress": progress,
        "file": receipt.original_filename,
        "sha256": receipt.sha256,
        "profile": receipt.profile,
        "submitted_by": receipt.submitted_by,
        "received_at": receipt.received_at.isoformat(),
        "withdrawn_at": withdrawal.withdrawn_at.isoformat() if withdrawal else None,
        "withdrawn_by": withdrawal.withdrawn_by if withdrawal else None,
        "report": report,
    }


# ------------------------------------------------------------------------------------------------ HTTP

async def read_body(request: Request, max_bytes: int) -> bytes:
    """The request body, refusing one over `max_bytes` (plus the multipart envelope) without holding more
    in memory. A body somewhat over the limit is read to its end and dropped, so that the client (which
    sends the whole body before it reads an answer) gets the refusal rather than a reset connection; past
    twice the limit the connection is dropped instead."""
    body_limit = max_bytes + MULTIPART_ALLOWANCE
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > 2 * body_limit:
        raise too_large(max_bytes)
    chunks, received = [], 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > 2 * body_limit:
            break
        if received <= body_limit:
            chunks.append(chunk)
    if received > body_limit:
        raise too_large(max_bytes)
    return b"".join(chunks)


async def read_upload(request: Request, max_bytes: int) -> Upload:
    """The multipart field `file`, at most `max_bytes`; its name made display text."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ServiceError(422, "请以 multipart/form-data 格式上传，文件放在 file 字段中",
                           "send the file as multipart/form-data, in the field named file", action="upload")
    whole = await read_body(request, max_bytes)

    async def body() -> AsyncIterator[bytes]:
        yield whole

    parser = MultiPartParser(request.headers, body(), max_files=1, max_fields=8)
    parser.spool_max_size = len(whole)  # the body is in memory already: no spooled copy in $TMPDIR
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise ServiceError(422, f"上传内容格式错误：{exc.message}", f"malformed upload: {exc.message}",
                           action="upload") from None
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise ServiceError(422, "请求中没有 file 字段：请把文件放在名为 file 的字段中上传",
                               "the request has no field named file: send the file in it", action="upload")
        data = await file.read()
        filename = display_filename(file.filename or "")
    finally:
        await form.close()
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    return Upload(filename, data)


def intake(request: Request) -> Intake:
    return request.app.state.intake


bearer = HTTPBearer(auto_error=False, description="the personal token an administrator issued (dgc_…)")


def submitter(request: Request,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Token:
    """The token's holder, or 401: a FastAPI dependency of every /api/v1 route."""
    token = intake(request).authenticate(credentials.credentials if credentials else None)
    request.state.token = token
    return token


# At module level: with postponed annotations FastAPI resolves route annotations in the module's namespace.
Submitter = Annotated[Token, Depends(submitter)]
SubmissionId = Annotated[int, PathParameter(ge=1, le=MAX_SUBMISSION_ID, description="the submission number")]

HTTP_MESSAGES = {
    404: ("找不到该地址", "not found"),
    405: ("不支持该请求方法", "method not allowed"),
}


class ErrorDetail(BaseModel):
    status: int
    message_zh: str
    message_en: str


class ErrorBody(BaseModel):
    """Every answer other than success and a report: a sentence in Chinese and in English."""

    error: ErrorDetail


class Submission(BaseModel):
    """A submission and its report (the body is built as a dict; this documents it)."""

    submission_id: int | None  # None: checked but not landed (the same bytes came from another profile)
    status: Literal["accepted", "rejected", "received", "withdrawn"]
    duplicate: bool
    progress: Literal["received", "loaded", "published"] | None
    file: str
    sha256: str
    profile: str
    submitted_by: str
    received_at: str
    withdrawn_at: str | None
    withdrawn_by: str | None
    report: dict | None


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    landing_writable: bool
    landed_up_to: int | None
    processed_up_to: int | None
    waiting: int


def answers(*statuses: int) -> dict:
    """The error answers a route documents, besides those of every /api/v1 route."""
    described = {401: "missing, unknown or revoked token", 403: "a registry your profile does not submit",
                 404: "no such submission of your profile",
                 409: "the same file was withdrawn or received before", 413: "larger than a limit",
                 422: "a malformed request", 429: "too many uploads", 500: "internal error"}
    return {status: {"model": ErrorBody, "description": described[status]} for status in (401, 422, 500, *statuses)}


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "CSV or XLSX"}}}}}}}
WITHDRAW_BODY = {"requestBody": {"required": False, "content": {"application/json": {"schema": {
    "type": "object", "properties": {"reason": {"type": "string"}}}}}}}


def versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in ("digecon", "dagster", "duckdb", "great-expectations",
                                                      "fastapi", "uvicorn")}


# ---------------------------------------------------------------------------------- logs and the audit

class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (Asia/Shanghai), level, logger, message, the record's `fields`, and
    the traceback if any. Journald, Loki or jq read it as it is."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"at": dt.datetime.fromtimestamp(record.created, now_shanghai().tzinfo).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
                 **getattr(record, "fields", {})}
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonFormatter}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},  # GX chatters at INFO
    "loggers": {"uvicorn": {"level": "INFO"}, "digecon": {"level": "INFO"}},
}


def audit_refusal(request: Request, status: int, reason: str, *, action: str | None = None,
                  outcome: str = "refused", **details: object) -> None:
    """Put a refused request in the audit log. Refusals a client can repeat without limit (no valid
    token, or over the upload rate) are counted per client and window; any other is a line of its own."""
    service, state = intake(request), request.state
    token: Token | None = getattr(state, "token", None)
    client = request.client.host if request.client else None
    if status == 401:
        service.refusals.add("auth_refused", str(details.get("token_problem", reason)), outcome=outcome,
                             http_status=401, client=client, token=details.get("revoked_token"))
    elif token is None or status == 429:
        service.refusals.add(action or "request", reason, outcome=outcome, http_status=status, client=client,
                             token=token)
    else:
        service.audit.record(action or "request", actor=token.name, token_id=token.token_id, profile=token.profile,
                             outcome=outcome, http_status=status, reason=reason, request_id=state.request_id,
                             method=request.method, path=request.url.path, **details)
    state.outcome = outcome


class RequestLog:
    """ASGI middleware: a request id (header X-Request-ID), one JSON log line a request, and the
    generic handler of anything unexpected: logged with its traceback, audited, and answered with the
    documented bilingual error, never a traceback."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), None

        async def send_with_id(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        request = Request(scope)
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            log.exception("internal error", extra={"fields": {"event": "internal_error", "request_id": request_id}})
            if status is not None:
                raise  # the answer had begun: nothing to replace it with
            status = 500
            with contextlib.suppress(Exception):  # an audit that fails too must not hide the answer
                await run_in_threadpool(audit_refusal, request, 500, type(exc).__name__, action=route_action(request),
                                        outcome="error")
            response = JSONResponse(error_body(500, "服务器内部错误，已记录；请稍后再试或联系管理员",
                                               "internal error, logged; try again later or contact the administrator"),
                                    500, headers={"X-Request-ID": request_id})
            await response(scope, receive, send)
        finally:
            token = getattr(request.state, "token", None)
            outcome = getattr(request.state, "outcome", None) or (
                "ok" if status is not None and status < 400 else "error" if status in (None, 500) else "refused")
            log.info("request", extra={"fields": {
                "event": "request", "request_id": request_id, "method": scope["method"], "path": scope["path"],
                "status": status, "outcome": outcome, "token_id": token.token_id if token else None,
                "submission_id": getattr(request.state, "submission_id", None),
                "duration_ms": round(1000 * (time.perf_counter() - started), 1),
                "client": scope["client"][0] if scope.get("client") else None}})


def route_action(request: Request) -> str:
    """The audit log's name for what a request tried to do."""
    if request.method == "POST" and request.url.path == "/api/v1/submissions":
        return "upload"
    if request.method == "POST" and request.url.path.endswith("/withdraw"):
        return "withdraw"
    return "request"


# --------------------------------------------------------------------------------------------- the app

def create_app(paths: Paths | None = None, limits: Limits | None = None) -> FastAPI:
    paths = paths or Paths.resolve()
    limits = limits or Limits()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from indicators.validation import Validator  # pandas and the readers: only when serving

        log.info("starting", extra={"fields": {"event": "start", "versions": versions(), "digecon_home": str(paths.home),
                                               "limits": dataclasses.asdict(limits)}})
        service = Intake(paths, await run_in_threadpool(Validator, ReadLimits.from_env(max_bytes=limits.max_upload_bytes)),
                         limits)
        removed = service.clear_leftovers()
        log.info("removed the leftovers of interrupted checks" if removed else "no leftovers of interrupted checks",
                 extra={"fields": {"event": "leftovers_removed", "folder": str(service.scratch), "removed": removed}})
        app.state.intake = service

        async def write_closed_windows() -> None:
            while True:
                await asyncio.sleep(min(1.0, limits.refusal_window_seconds))
                await run_in_threadpool(service.refusals.flush)

        flusher = asyncio.create_task(write_closed_windows())
        log.info("ready", extra={"fields": {"event": "ready", "landing": str(paths.landing)}})
        try:
            yield
        finally:
            flusher.cancel()
            service.refusals.flush(everything=True)

    app = FastAPI(title="digecon upload service / 数字经济统计监测数据报送", version=metadata.version("digecon"),
                  lifespan=lifespan, docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.add_middleware(RequestLog)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        if not exc.audited:  # the intake audits what it refuses itself
            await run_in_threadpool(audit_refusal, request, exc.status, exc.message_en,
                                    action=exc.action or route_action(request), **exc.details)
        request.state.outcome = "refused"
        return JSONResponse(error_body(exc.status, exc.message_zh, exc.message_en), exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        zh, en = HTTP_MESSAGES.get(exc.status_code, ("请求无法处理", "the request cannot be handled"))
        await run_in_threadpool(audit_refusal, request, exc.status_code, en, action=route_action(request))
        return JSONResponse(error_body(exc.status_code, zh, en), exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = ", ".join(".".join(str(p) for p in error["loc"]) for error in exc.errors())
        await run_in_threadpool(audit_refusal, request, 422, f"malformed request: {where}", action=route_action(request))
        return JSONResponse(error_body(422, f"请求格式不正确：{where}", f"malformed request: {where}"), 422)

    @app.post("/api/v1/submissions", status_code=201, openapi_extra=UPLOAD_BODY,
              responses={**answers(413, 409, 429), 200: {"model": Submission, "description": "the same bytes again"},
                         201: {"model": Submission, "description": "accepted"},
                         422: {"model": Submission | ErrorBody, "description": "rejected (a report), or malformed"}})
    async def post_submission(request: Request, who: Submitter) -> JSONResponse:
        service = intake(request)
        wait = service.upload_rate.admit(who.token_id)
        if wait is not None:
            with contextlib.suppress(ServiceError):  # let the client finish sending, so it reads the answer
                await read_body(request, service.max_upload_bytes)
            raise too_many_uploads(service.limits.uploads_per_minute, wait)
        upload = await read_upload(request, service.max_upload_bytes)
        status, body = await run_in_threadpool(service.submit, who, upload)  # a worker thread, off the event loop
        request.state.submission_id = body["submission_id"]
        request.state.outcome = ("duplicate" if body["duplicate"] else body["status"])
        headers = {"Location": f"/api/v1/submissions/{body['submission_id']}"} if body["submission_id"] else None
        return JSONResponse(body, status, headers=headers)

    @app.get("/api/v1/submissions", responses=answers())
    def list_submissions(request: Request, who: Submitter) -> dict:
        return {"profile": who.profile, "submissions": intake(request).history(who)}

    @app.get("/api/v1/submissions/{submission_id}", response_model=Submission, responses=answers(404))
    def get_submission(submission_id: SubmissionId, request: Request, who: Submitter) -> dict:
        request.state.submission_id = submission_id
        return intake(request).submission(who, submission_id)

    @app.post("/api/v1/submissions/{submission_id}/withdraw", response_model=Submission, openapi_extra=WITHDRAW_BODY,
              responses=answers(404, 409))
    async def withdraw(submission_id: SubmissionId, request: Request, who: Submitter) -> dict:
        request.state.submission_id = submission_id
        reason = None
        body = await request.body()
        if body.strip():  # the reason is optional: {"reason": "…"}
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            if not isinstance(payload, dict) or not isinstance(payload.get("reason", ""), str):
                raise ServiceError(422, "撤回原因请以 JSON 提供：{\"reason\": \"…\"}",
                                   "give the reason as JSON: {\"reason\": \"…\"}", action="withdraw",
                                   submission_id=submission_id)
            reason = payload.get("reason")
        return await run_in_threadpool(intake(request).withdraw, who, submission_id, reason)

    @app.get("/api/v1/template", responses={**answers(403), 200: {"content": {XLSX_MEDIA_TYPE: {}},
                                                                   "description": "the profile's Excel template"}})
    def template(request: Request, who: Submitter, format: Literal["xlsx"] = "xlsx",
                 registry: Literal["enterprise_list", "dc_register", "site_list"] | None = None) -> Response:
        name = template_file_name(who.profile) if registry is None else register_template_file_name(registry)
        return Response(intake(request).template(who, registry), media_type=XLSX_MEDIA_TYPE, headers={
            # RFC 6266/5987: an ASCII name for old clients, the Chinese name (UTF-8, percent-encoded) for the rest.
            "Content-Disposition": f'attachment; filename="digecon-template-{registry or who.profile}.xlsx"; '
                                   f"filename*=UTF-8''{quote(name)}"})

    @app.get("/api/v1/me", responses=answers())
    def me(request: Request, who: Submitter) -> dict:
        profile = reference.profiles()[who.profile]
        limits = intake(request).limits
        return {"token_id": who.token_id, "name": who.name, "profile": who.profile,
                "profile_name_zh": profile.name_zh, "profile_name_en": profile.name_en,
                "max_upload_bytes": limits.max_upload_bytes, "uploads_per_minute": limits.uploads_per_minute}

    @app.get("/healthz", response_model=Health, responses={503: {"model": Health, "description": "cannot land files"}})
    def healthz(request: Request) -> JSONResponse:
        """For monitoring, without a token: can uploads land, and how far has the pipeline got."""
        status, body = intake(request).health()
        return JSONResponse(body, status)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=PAGE_SECURITY_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def serve(paths: Paths, host: str, port: int, limits: Limits) -> int:
    import uvicorn

    uvicorn.run(create_app(paths, limits), host=host, port=port, log_config=LOG_CONFIG, access_log=False)
    return 0
