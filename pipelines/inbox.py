"""Landing files without the upload service: `digecon submit` and a watched inbox folder per profile.

Analysts receive files by mail or through the OA system. Both ways here land a file exactly as an upload
does, through the upload service's own `Intake.submit`: the same validator, the same report kept beside
the file, the same audit line with the person who sent it (``token_id`` is ``cli`` or ``inbox`` instead
of a token's id). An accepted file then loads as an uploaded one does: the landing sensor starts its run,
or the next `digecon run` loads it.

The inbox is ``DIGECON_HOME/inbox/<profile>/``. The `inbox_sensor` submits each file found there once (the
landing zone is keyed by sha256, so the same bytes never land twice), then moves it to ``done/`` or
``rejected/`` beside the report (``<file>.report.json``). A file modified in the last few seconds may
still be being copied in: it waits for the next evaluation, as do names starting with ``.`` or ``~$``
(temporary and Office lock files).
"""

from __future__ import annotations

import json
import os
import pwd
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from indicators import reference
from indicators.clock import now_shanghai
from indicators.landing import sha256_of
from indicators.tokens import Token
from pipelines.paths import Paths
from pipelines.resources import WarehouseResource

CLI_CHANNEL, INBOX_CHANNEL = "cli", "inbox"  # the audit log's token_id for files landed these ways
SETTLE_SECONDS = 10  # a file modified more recently may still be being copied into the inbox
TIME_BUDGET_SECONDS = 30  # per evaluation, well inside Dagster's 60 s sensor timeout; the rest waits
DONE, REJECTED = "done", "rejected"


@dataclass(frozen=True)
class Landed:
    """What became of one file, as the upload service would have answered it."""

    file: str
    status: int  # 201 accepted, 200 already accepted, 422 rejected, 409 or 413 refused
    body: dict  # the submission with its report, or {"error": {...}} for a refusal

    @property
    def accepted(self) -> bool:
        return self.status in (200, 201)

    @property
    def submission_id(self) -> int | None:
        return self.body.get("submission_id")


def offline_intake(paths: Paths, validator=None):
    """The upload service's intake without HTTP: same validator settings, same size limit, same audit."""
    from pipelines.resources import shared_validator
    from pipelines.service import Intake
    from pipelines.service_commands import Limits

    validator = validator or shared_validator()
    # the readers' size limit (DIGECON_MAX_UPLOAD_MB, as the service's) is the intake's: one limit
    intake = Intake(paths, validator, Limits(max_upload_bytes=validator.limits.max_bytes))
    intake.clear_leftovers()  # the copy a killed `digecon submit` was checking, as the service does at start
    return intake


def submitter(profile: str, name: str, channel: str) -> Token:
    """Who lands the file, as the audit log records it; `channel` stands where an upload has its token id."""
    return Token(token_id=channel, profile=profile, name=name, created_at=now_shanghai(), created_by=channel)


def land_file(intake, who: Token, filename: str, data: bytes) -> Landed:
    """Check and land one file as `POST /api/v1/submissions` does; refusals are audited there too."""
    from pipelines.service import ServiceError, Upload, error_body, too_large

    name = Path(filename).name or "upload"
    try:
        if len(data) > intake.max_upload_bytes:
            raise intake.refused(who, too_large(intake.max_upload_bytes))
        status, body = intake.submit(who, Upload(name, data))
    except ServiceError as refusal:
        return Landed(name, refusal.status, error_body(refusal.status, refusal.message_zh, refusal.message_en))
    return Landed(name, status, body)


# ------------------------------------------------------------------------------------------------ inbox


def inbox_folder(paths: Paths, profile: str) -> Path:
    return paths.home / "inbox" / profile


@dataclass
class InboxPass:
    """One look at the inbox: what was landed and moved, what waits for the next look."""

    moved: list[tuple[str, Landed, Path]] = field(default_factory=list)  # profile, outcome, new place
    settling: int = 0  # files still being written
    deferred: int = 0  # files left for the next evaluation (time budget spent)
    unreadable: list[str] = field(default_factory=list)  # files the service account may not read or move


def waiting_files(paths: Paths, now: float) -> tuple[list[tuple[str, Path]], int]:
    """Files ready in every profile's inbox (oldest first), and how many are still settling."""
    ready, settling = [], 0
    for profile in sorted(reference.profiles()):
        folder = inbox_folder(paths, profile)
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if not path.is_file() or path.name.startswith((".", "~$")):
                continue
            if now - path.stat().st_mtime < SETTLE_SECONDS:
                settling += 1
            else:
                ready.append((profile, path))
    ready.sort(key=lambda item: (item[1].stat().st_mtime, item[1].name))
    return ready, settling


def process_inbox(paths: Paths, make_intake: Callable[[], object], clock: Callable[[], float] = time.time,
                  budget: float = TIME_BUDGET_SECONDS) -> InboxPass:
    """Land every ready file of every profile's inbox and move it to done/ or rejected/ with its report.

    `make_intake` is called only when there is a file (building the validator takes seconds)."""
    started = clock()
    outcome = InboxPass()
    ready, outcome.settling = waiting_files(paths, started)
    intake = make_intake() if ready else None
    for index, (profile, path) in enumerate(ready):
        if clock() - started > budget:
            outcome.deferred = len(ready) - index
            break
        try:
            data = path.read_bytes()
        except OSError as error:  # left in place and named in the skip reason, for the operator to fix
            outcome.unreadable.append(f"{profile}/{path.name} ({error.strerror})")
            continue
        landed = land_file(intake, submitter(profile, file_owner(path), INBOX_CHANNEL), path.name, data)
        outcome.moved.append((profile, landed, file_away(path, data, landed)))
    return outcome


def file_owner(path: Path) -> str:
    """The account that put the file in the inbox: who sent it, as far as the server knows."""
    uid = path.stat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def file_away(path: Path, data: bytes, landed: Landed) -> Path:
    """Move the file to done/ or rejected/ beside its report; a name already there gets the sha256 prefix."""
    folder = path.parent / (DONE if landed.accepted else REJECTED)
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{path.stem}-{sha256_of(data)[:12]}{path.suffix}"
    report = target.with_name(target.name + ".report.json")
    staging = report.with_name(f".{report.name}.{os.getpid()}.tmp")
    staging.write_text(json.dumps(landed.body, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(staging, report)  # the report first: a file in done/ or rejected/ always has one
    os.replace(path, target)
    return target


@dataclass
class InboxCursor:
    """What the sensor has done so far, shown in the UI: counts, and the last file it handled."""

    landed: int = 0
    rejected: int = 0
    last: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> InboxCursor:
        return cls(**json.loads(text)) if text else cls()

    def dump(self) -> str:
        return json.dumps({"landed": self.landed, "rejected": self.rejected, "last": self.last},
                          ensure_ascii=False)


def describe(profile: str, landed: Landed) -> str:
    number = f"#{landed.submission_id}" if landed.submission_id else "refused"
    verdict = DONE if landed.accepted else REJECTED
    return f"{profile}/{landed.file} → {verdict} ({number}, HTTP {landed.status})"


@dg.sensor(minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Lands each file put in DIGECON_HOME/inbox/<profile>/ as an upload by that profile and"
                       " moves it to done/ or rejected/ beside its report; the landing sensor then loads it.")
def inbox_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource) -> dg.SensorResult:
    paths = warehouse.paths
    cursor = InboxCursor.parse(context.cursor)
    outcome = process_inbox(paths, lambda: offline_intake(paths))
    for profile, landed, place in outcome.moved:
        context.log.info(f"{describe(profile, landed)}: {place}")
        cursor.landed += landed.accepted
        cursor.rejected += not landed.accepted
        cursor.last = f"{describe(profile, landed)} at {now_shanghai():%Y-%m-%d %H:%M:%S} Asia/Shanghai"
    waiting = []
    if outcome.settling:
        waiting.append(f"{outcome.settling} file(s) still being copied in")
    if outcome.deferred:
        waiting.append(f"{outcome.deferred} file(s) left for the next evaluation")
    if outcome.unreadable:
        waiting.append(f"cannot read {', '.join(outcome.unreadable)}")
    done = (f"{len(outcome.moved)} file(s) handled: " + "; ".join(describe(p, x) for p, x, _ in outcome.moved)
            if outcome.moved else f"no new file in {paths.home / 'inbox'}/<profile>/")
    totals = f"{cursor.landed} landed and {cursor.rejected} rejected so far"
    return dg.SensorResult(cursor=cursor.dump(), skip_reason=dg.SkipReason("; ".join([done, *waiting, totals])))
