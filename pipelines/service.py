"""The upload service: pilot teams and agencies send files over HTTP and get the report back at once.

FastAPI under uvicorn (`digecon serve`). It writes only the landing zone (the file under its sha256, its
report, who sent it), and appends to the audit log; it reads the token store, and the serving DB
read-only (for the checks against history and the list of changed cells). It never opens the build DB:
the Dagster sensor turns each accepted file into a run that loads it.

The GX context is built once, at start-up, before the port opens (uvicorn runs the lifespan first), so
a client that can connect gets answers at full speed. Requests run in uvicorn's thread pool; the
validator serialises its GX part and the landing zone's register serialises ids.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException, MultiPartParser

from indicators import reference
from indicators.clock import now_shanghai
from indicators.landing import Receipt, Withdrawal, sha256_of
from indicators.readers import ReadLimits
from indicators.served import previous_values, read_served
from indicators.template import build_template
from indicators.tokens import Token, TokenStore
from pipelines.paths import Paths

log = logging.getLogger("digecon.service")

DEFAULT_MAX_UPLOAD_BYTES = ReadLimits().max_bytes  # the readers' own limit (20 MB)
MULTIPART_ALLOWANCE = 64 * 1024  # the envelope around the file: boundary lines and part headers
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATIC_DIR = Path(str(resources.files("pipelines").joinpath("static")))


class ServiceError(Exception):
    """An answer other than success, explained in Chinese and English (never a traceback)."""

    def __init__(self, status: int, message_zh: str, message_en: str, headers: dict | None = None) -> None:
        super().__init__(message_en)
        self.status = status
        self.message_zh = message_zh
        self.message_en = message_en
        self.headers = headers


def error_body(status: int, message_zh: str, message_en: str) -> dict:
    return {"error": {"status": status, "message_zh": message_zh, "message_en": message_en}}


def too_large(max_bytes: int) -> ServiceError:
    mb = max_bytes / 1024 / 1024
    return ServiceError(413, f"文件超过大小上限 {mb:g} MB", f"the file is larger than the {mb:g} MB limit")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


class Intake:
    """What the service does, apart from HTTP: authenticate, check and land files, answer about them."""

    def __init__(self, paths: Paths, validator, max_upload_bytes: int) -> None:
        self.paths = paths
        self.validator = validator
        self.max_upload_bytes = max_upload_bytes
        self.landing = paths.landing_zone()
        self.tokens = TokenStore.at(paths.home)
        self.audit = self.tokens.audit

    # ------------------------------------------------------------------------------------ who is asking

    def authenticate(self, authorization: str | None, client: str | None) -> Token:
        scheme, _, presented = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            self.audit.record("auth_refused", actor=None, reason="missing token", client=client)
            raise ServiceError(401, "缺少令牌：请在请求头中提供 Authorization: Bearer <令牌>",
                               "missing token: send the header Authorization: Bearer <token>",
                               {"WWW-Authenticate": "Bearer"})
        token = self.tokens.find(presented.strip())
        if token is None:
            self.audit.record("auth_refused", actor=None, reason="unknown token", client=client)
            raise ServiceError(401, "令牌无效：请检查是否完整复制，或联系管理员重新签发",
                               "the token is not valid: check that it was copied whole, or ask for a new one",
                               {"WWW-Authenticate": "Bearer"})
        if not token.active:
            self.audit.record("auth_refused", actor=token.name, token_id=token.token_id, profile=token.profile,
                              reason="revoked token", client=client)
            when = f"{token.revoked_at:%Y-%m-%d %H:%M}"
            raise ServiceError(401, f"令牌已于 {when} 撤销：请联系管理员重新签发",
                               f"the token was revoked on {when}: ask for a new one",
                               {"WWW-Authenticate": "Bearer"})
        return token

    # ---------------------------------------------------------------------------------------- uploads

    def submit(self, submitter: Token, upload: Upload) -> tuple[int, dict]:
        """Check and land a file. Returns the HTTP status (201 accepted, 422 rejected, 200 already
        accepted) and the submission with its report."""
        received_at = now_shanghai()
        landed = self.landing.receipt_of_sha256(sha256_of(upload.data))
        if landed is not None:
            return self._sent_again(submitter, landed)
        checked = self._check(upload, submitter.profile, received_at.date())
        report = checked.report.to_dict()
        report["changes"] = self._changes(submitter.profile, checked.observations) if checked.report.accepted else []
        receipt, is_new = self.landing.receive(
            upload.data, upload.filename, submitter.profile, submitter.name, received_at,
            intake_status="accepted" if checked.report.accepted else "rejected", report=report)
        if not is_new:  # the same bytes landed from a concurrent request a moment ago
            return self._sent_again(submitter, receipt)
        status = 201 if checked.report.accepted else 422
        self._audit_upload(submitter, receipt, receipt.intake_status, status, report)
        return status, submission_view(receipt, None, report)

    def refused(self, submitter: Token, refusal: ServiceError, action: str = "upload", **what) -> ServiceError:
        """Record a refused upload or withdrawal in the audit log; returns the refusal, to raise."""
        self.audit.record(action, actor=submitter.name, token_id=submitter.token_id, profile=submitter.profile,
                          outcome="refused", http_status=refusal.status, reason=refusal.message_en, **what)
        return refusal

    def _sent_again(self, submitter: Token, receipt: Receipt) -> tuple[int, dict]:
        if receipt.profile != submitter.profile:
            raise self.refused(submitter, ServiceError(
                409, "同一文件已由其他报送方报送过，不能再次报送",
                "the same file was already sent by another submitter and cannot be sent again"))
        if self._withdrawal(receipt.submission_id) is not None:
            raise self.refused(submitter, ServiceError(
                409, f"同一文件（第 {receipt.submission_id} 号报送）已撤回；如需恢复其数据，请修改文件后重新报送",
                f"the same file (submission {receipt.submission_id}) was withdrawn; to restore its values, "
                "change the file and send it again"))
        report = self.landing.report_of(receipt)
        status = 422 if verdict(receipt, report) == "rejected" else 200
        self._audit_upload(submitter, receipt, "duplicate", status, report)
        return status, {**submission_view(receipt, None, report), "duplicate": True}

    def _check(self, upload: Upload, profile: str, reference_date: dt.date):
        known = reference.profiles().get(profile)
        history = read_served(self.paths.serving_db, known) if known else None
        with tempfile.TemporaryDirectory(prefix="digecon-upload-") as folder:
            path = Path(folder) / f"upload{Path(upload.filename).suffix.lower()}"  # openpyxl goes by extension
            path.write_bytes(upload.data)
            return self.validator.check(path, profile, display_name=upload.filename,
                                        history=history, reference_date=reference_date)

    def _changes(self, profile: str, observations) -> list[dict] | None:
        """Cells whose value differs from the profile's previous vintage as loaded (served.read_served):
        cell, old value, new value. None when there is no serving DB to compare with."""
        served = read_served(self.paths.serving_db, reference.profiles()[profile])
        if served is None:
            return None
        previous = previous_values(served)
        cities, catalogue = reference.city_by_code(), reference.catalogue()
        changes = []
        for cell in observations.itertuples(index=False):
            old = previous.get((cell.city_code, cell.period, cell.indicator_code))
            if old is None or old[0] == cell.value:
                continue
            changes.append({
                "city_code": cell.city_code, "city_name_zh": cities[cell.city_code].name_zh,
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

    def submission(self, submitter: Token, submission_id: int) -> dict:
        receipt = self._own_receipt(submitter, submission_id)
        return submission_view(receipt, self._withdrawal(submission_id), self.landing.report_of(receipt))

    def history(self, submitter: Token) -> list[dict]:
        """The profile's submissions, newest first, with the report's counts but not its findings."""
        withdrawals = {w.submission_id: w for w in self.landing.withdrawals()}
        own = [r for r in self.landing.receipts() if r.profile == submitter.profile]
        items = []
        for receipt in sorted(own, key=lambda r: r.submission_id, reverse=True):
            item = submission_view(receipt, withdrawals.get(receipt.submission_id), self.landing.report_of(receipt))
            report = item.pop("report")
            if report is not None:
                item.update(rows=report["rows"], observations=report["observations"],
                            errors=len(report["errors"]), warnings=len(report["warnings"]))
            items.append(item)
        return items

    def withdraw(self, submitter: Token, submission_id: int, reason: str | None) -> dict:
        try:
            receipt = self._own_receipt(submitter, submission_id)
            report = self.landing.report_of(receipt)
            if verdict(receipt, report) == "rejected":
                raise ServiceError(409, f"第 {submission_id} 号报送被拒收，没有装载任何数据，无需撤回",
                                   f"submission {submission_id} was rejected and loaded nothing: there is nothing to withdraw")
            try:
                withdrawal = self.landing.withdraw(submission_id, submitter.name, reason)
            except sqlite3.IntegrityError:  # the register's primary key: one withdrawal per submission
                raise ServiceError(409, f"第 {submission_id} 号报送已经撤回",
                                   f"submission {submission_id} was already withdrawn") from None
        except ServiceError as refusal:
            raise self.refused(submitter, refusal, "withdraw", submission_id=submission_id) from None
        self.audit.record("withdraw", actor=submitter.name, token_id=submitter.token_id, profile=submitter.profile,
                          outcome="withdrawn", submission_id=submission_id, sha256=receipt.sha256,
                          file=receipt.original_filename, reason=reason)
        return submission_view(receipt, withdrawal, report)

    def template(self, submitter: Token) -> bytes:
        return build_template(submitter.profile)

    def _own_receipt(self, submitter: Token, submission_id: int) -> Receipt:
        receipt = self.landing.receipt(submission_id)
        if receipt is None or receipt.profile != submitter.profile:  # another profile's: as if absent
            raise ServiceError(404, f"没有第 {submission_id} 号报送（或不属于您的报送方）",
                               f"there is no submission {submission_id} of your profile")
        return receipt

    def _withdrawal(self, submission_id: int) -> Withdrawal | None:
        return next((w for w in self.landing.withdrawals() if w.submission_id == submission_id), None)


def verdict(receipt: Receipt, report: dict | None) -> str:
    """accepted or rejected. A file landed without a check (`digecon run`) has the verdict of the report
    the pipeline kept beside it, and is `received` until the pipeline has checked it."""
    if receipt.intake_status == "received" and report is not None:
        return "accepted" if report["accepted"] else "rejected"
    return receipt.intake_status


def submission_view(receipt: Receipt, withdrawal: Withdrawal | None, report: dict | None) -> dict:
    return {
        "submission_id": receipt.submission_id,
        "status": "withdrawn" if withdrawal else verdict(receipt, report),
        "duplicate": False,
        "file": receipt.original_filename,
        "sha256": receipt.sha256,
        "profile": receipt.profile,
        "submitted_by": receipt.submitted_by,
        "received_at": receipt.received_at.isoformat(),
        "withdrawn_at": withdrawal.withdrawn_at.isoformat() if withdrawal else None,
        "withdrawn_by": withdrawal.withdrawn_by if withdrawal else None,
        "report": report,
    }


async def read_upload(request: Request, max_bytes: int) -> Upload:
    """The multipart field `file`, refusing more than `max_bytes` without holding more in memory.

    A body somewhat over the limit is read to its end and dropped, so that the client (which sends
    the whole body before it reads an answer) gets the 413 rather than a reset connection; past twice
    the limit the connection is dropped instead.
    """
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ServiceError(422, "请以 multipart/form-data 格式上传，文件放在 file 字段中",
                           "send the file as multipart/form-data, in the field named file")
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

    async def body() -> AsyncIterator[bytes]:
        yield b"".join(chunks)

    try:
        form = await MultiPartParser(request.headers, body(), max_files=1, max_fields=8).parse()
    except MultiPartException as exc:
        raise ServiceError(422, f"上传内容格式错误：{exc.message}", f"malformed upload: {exc.message}") from None
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise ServiceError(422, "请求中没有 file 字段：请把文件放在名为 file 的字段中上传",
                               "the request has no field named file: send the file in it")
        data = await file.read()
        filename = Path(file.filename or "").name or "upload"  # never a path from the client
    finally:
        await form.close()
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    return Upload(filename, data)


def intake(request: Request) -> Intake:
    return request.app.state.intake


def submitter(request: Request, authorization: Annotated[str | None, Header()] = None) -> Token:
    """The token's holder, or 401: a FastAPI dependency of every /api/v1 route."""
    return intake(request).authenticate(authorization, request.client.host if request.client else None)


# At module level: with postponed annotations FastAPI resolves route annotations in the module's namespace.
Submitter = Annotated[Token, Depends(submitter)]

HTTP_MESSAGES = {
    404: ("找不到该地址", "not found"),
    405: ("不支持该请求方法", "method not allowed"),
}


def create_app(paths: Paths | None = None, *,
               max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> FastAPI:
    paths = paths or Paths.resolve()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from indicators.validation import Validator  # GX: seconds to import, so only when serving

        validator = await run_in_threadpool(Validator, ReadLimits.from_env(max_bytes=max_upload_bytes))
        app.state.intake = Intake(paths, validator, max_upload_bytes)
        log.info("digecon upload service ready; landing zone %s", paths.landing)
        yield

    app = FastAPI(title="digecon upload service / 数字经济统计监测数据报送", lifespan=lifespan,
                  docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(error_body(exc.status, exc.message_zh, exc.message_en), exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        zh, en = HTTP_MESSAGES.get(exc.status_code, ("请求无法处理", "the request cannot be handled"))
        return JSONResponse(error_body(exc.status_code, zh, en), exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = ", ".join(".".join(str(p) for p in error["loc"]) for error in exc.errors())
        return JSONResponse(error_body(422, f"请求格式不正确：{where}", f"malformed request: {where}"), 422)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # The traceback goes to the server log (uvicorn logs the exception); the user gets a sentence.
        return JSONResponse(error_body(500, "服务器内部错误，已记录；请稍后再试或联系管理员",
                                       "internal error, logged; try again later or contact the administrator"), 500)

    @app.post("/api/v1/submissions", status_code=201)
    async def post_submission(request: Request, who: Submitter) -> JSONResponse:
        service = intake(request)
        try:
            upload = await read_upload(request, service.max_upload_bytes)
        except ServiceError as refusal:
            raise await run_in_threadpool(service.refused, who, refusal) from None
        status, body = await run_in_threadpool(service.submit, who, upload)
        return JSONResponse(body, status, headers={"Location": f"/api/v1/submissions/{body['submission_id']}"})

    @app.get("/api/v1/submissions")
    def list_submissions(request: Request, who: Submitter) -> dict:
        return {"profile": who.profile, "submissions": intake(request).history(who)}

    @app.get("/api/v1/submissions/{submission_id}")
    def get_submission(submission_id: int, request: Request, who: Submitter) -> dict:
        return intake(request).submission(who, submission_id)

    @app.post("/api/v1/submissions/{submission_id}/withdraw")
    async def withdraw(submission_id: int, request: Request, who: Submitter) -> dict:
        reason = None
        body = await request.body()
        if body.strip():  # the reason is optional: {"reason": "…"}
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            if not isinstance(payload, dict) or not isinstance(payload.get("reason", ""), str):
                raise ServiceError(422, "撤回原因请以 JSON 提供：{\"reason\": \"…\"}",
                                   "give the reason as JSON: {\"reason\": \"…\"}")
            reason = payload.get("reason")
        return await run_in_threadpool(intake(request).withdraw, who, submission_id, reason)

    @app.get("/api/v1/template")
    def template(request: Request, who: Submitter, format: str = "xlsx") -> Response:
        if format != "xlsx":
            raise ServiceError(422, "模板只提供 xlsx 格式", "the template comes as xlsx only")
        return Response(intake(request).template(who), media_type=XLSX_MEDIA_TYPE, headers={
            "Content-Disposition": f'attachment; filename="digecon-template-{who.profile}.xlsx"'})

    @app.get("/api/v1/me")
    def me(request: Request, who: Submitter) -> dict:
        profile = reference.profiles()[who.profile]
        return {"token_id": who.token_id, "name": who.name, "profile": who.profile,
                "profile_name_zh": profile.name_zh, "profile_name_en": profile.name_en,
                "max_upload_bytes": intake(request).max_upload_bytes}

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        # The page shows submitters' file names and cell values: allow no script but its own.
        return FileResponse(STATIC_DIR / "index.html", headers={"Content-Security-Policy": "default-src 'self'"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def serve(paths: Paths, host: str, port: int, max_upload_bytes: int) -> int:
    import uvicorn

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:  %(message)s")  # GX chatters at INFO
    log.setLevel(logging.INFO)
    print(f"digecon: upload service on http://{host}:{port}/ (DIGECON_HOME {paths.home}); "
          "building the validator …", flush=True)
    uvicorn.run(create_app(paths, max_upload_bytes=max_upload_bytes), host=host, port=port, log_level="info")
    return 0
