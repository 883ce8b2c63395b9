"""`digecon submit`, `digecon backup`, `digecon restore`, `digecon instance`: running digecon on a server.

- ``submit FILE… --as PROFILE --by NAME`` lands files received by mail or through the OA system, with the
  upload service's checks and audit (pipelines/inbox.py). Exit 0 all accepted, 1 any rejected or refused,
  2 wrong usage (unknown profile, missing file).
- ``backup -o FILE|DIR`` writes one tar.gz of what cannot be rebuilt: the landing zone (files, register
  with its withdrawals and releases, kept reports), the tokens and the audit log, with a manifest. The
  SQLite registers are copied with SQLite's backup API, so the service may keep writing meanwhile.
- ``restore FILE`` unpacks a backup into an empty DIGECON_HOME; ``digecon rebuild`` then gives the marts.
- ``instance`` writes Dagster's dagster.yaml into DAGSTER_HOME (SQLite, or PostgreSQL when
  DIGECON_DAGSTER_POSTGRES_URL is set) and opens the instance once, so a wrong URL fails here, clearly.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import sqlite3
import sys
import tarfile
from contextlib import closing
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path, PurePosixPath

from indicators import reference
from indicators.clock import now_shanghai
from indicators.landing import sha256_of
from pipelines.paths import Paths

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
BACKUP_FORMAT, BACKUP_VERSION = "digecon-backup", 1
MANIFEST = "manifest.json"
BACKED_UP = ("landing", "tokens", "audit")  # folders of DIGECON_HOME that cannot be rebuilt
REGISTERS = ("landing/register.sqlite3", "tokens/tokens.sqlite3")  # SQLite: copied with the backup API
CONTENT_ADDRESSED = re.compile(r"^[0-9a-f]{64}(\.|$)")  # landing files named by the sha256 of a submission


def fail(message_zh: str, message_en: str, code: int = EXIT_FAILED) -> int:
    print(f"digecon: {message_zh} / {message_en}", file=sys.stderr)
    return code


# ----------------------------------------------------------------------------------------------- submit


def submit(args) -> int:
    from indicators.report import Report
    from pipelines.inbox import CLI_CHANNEL, land_file, offline_intake, submitter
    from pipelines.validate_command import format_report

    if args.profile not in reference.profiles():
        known = ", ".join(sorted(reference.profiles()))
        return fail(f"没有名为 {args.profile} 的报送方（可选：{known}）",
                    f"there is no submitter profile {args.profile} (choose one of: {known})", EXIT_USAGE)
    name = args.by.strip()
    if not name:
        return fail("请用 --by 写明文件是谁报送的", "say with --by who sent the files", EXIT_USAGE)
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        return fail(f"找不到文件：{', '.join(missing)}", f"no such file: {', '.join(missing)}", EXIT_USAGE)

    intake = offline_intake(Paths.resolve())
    who = submitter(args.profile, name, CLI_CHANNEL)
    code = EXIT_OK
    for path in args.files:
        landed = land_file(intake, who, path.name, path.read_bytes())
        if "error" in landed.body:
            error = landed.body["error"]
            fail(f"{path}：{error['message_zh']}", f"{path}: {error['message_en']}")
            code = EXIT_FAILED
            continue
        report = Report.from_dict(landed.body["report"])
        number = landed.submission_id
        again = "（此前已报送 / sent before）" if landed.body.get("duplicate") else ""
        if landed.accepted:
            print(f"第 {number} 号报送已接收{again} / submission {number} accepted: {path.name},"
                  f" {report.observations} 个数值 values, {len(report.warnings)} 个警告 warnings")
            if report.warnings:
                print(format_report(report))
        else:
            print(f"第 {number} 号报送被拒收{again} / submission {number} rejected: {path.name}")
            print(format_report(report))
            code = EXIT_FAILED
    if code == EXIT_OK:
        print("数据将由 Dagster 传感器或下一次 digecon run 装载 / the landing sensor or the next `digecon run`"
              " loads them")
    return code


# ----------------------------------------------------------------------------------------------- backup


@dataclass(frozen=True)
class Member:
    """One file of a backup: its path under DIGECON_HOME (POSIX) and its bytes."""

    name: str
    data: bytes

    def entry(self) -> dict:
        return {"path": self.name, "size": len(self.data), "sha256": sha256_of(self.data)}


def snapshot_sqlite(path: Path) -> bytes:
    """A consistent copy of a live SQLite database (WAL included) through SQLite's backup API."""
    with closing(sqlite3.connect(path, timeout=30)) as source, closing(sqlite3.connect(":memory:")) as copy:
        source.backup(copy)
        data = bytearray(copy.serialize())
    # The header still says WAL (bytes 18-19 = 2), which a file without its -wal cannot be opened in:
    # mark it a rollback-journal file (1); the registers switch themselves back to WAL when opened.
    data[18:20] = b"\x01\x01"
    return bytes(data)


def read_appended(path: Path) -> bytes:
    """An append-only log read while no writer is mid-line (writers hold an exclusive flock to append)."""
    import fcntl

    with open(path, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        return handle.read()


def collect_backup(paths: Paths) -> tuple[list[Member], dict]:
    """Everything that cannot be rebuilt, consistent with the landing register's snapshot."""
    # The registers first: a file and its report are written before their row commits, so every receipt
    # in this snapshot has both on disk. Content-addressed files that land after it are left out.
    registers = {name: snapshot_sqlite(paths.home / name) for name in REGISTERS if (paths.home / name).is_file()}
    counts = {"receipts": 0, "withdrawals": 0, "releases": 0, "tokens": 0}
    for data in registers.values():
        with closing(_open_snapshot(data)) as db:
            tables = {t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            counts.update({t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables & counts.keys()})
    with closing(_open_snapshot(registers[REGISTERS[0]])) as db:
        known = {sha for (sha,) in db.execute("SELECT sha256 FROM receipts")}
    members = [Member(name, data) for name, data in registers.items()]
    for folder in BACKED_UP:
        for path in sorted((paths.home / folder).rglob("*")):
            name = path.relative_to(paths.home).as_posix()
            if not path.is_file() or name.startswith(REGISTERS) or path.name.startswith("."):
                continue  # registers are snapshotted; dot-files are temporary (.incoming-*)
            if CONTENT_ADDRESSED.match(path.name) and path.name[:64] not in known:
                continue
            data = read_appended(path) if folder == "audit" else path.read_bytes()
            members.append(Member(name, data))
    counts["audit_entries"] = sum(m.data.count(b"\n") for m in members if m.name.startswith("audit/"))
    manifest = {"format": BACKUP_FORMAT, "version": BACKUP_VERSION,
                "created_at": now_shanghai().isoformat(timespec="seconds"), "digecon_home": str(paths.home),
                "digecon_version": version("digecon"), "counts": counts,
                "files": [m.entry() for m in members]}
    return members, manifest


def _open_snapshot(data: bytes) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.deserialize(data)
    return db


def write_backup(paths: Paths, output: Path) -> tuple[Path, dict]:
    """Write the archive beside its final name, then move it there: a backup file is never partial."""
    if output.is_dir():
        output = output / f"digecon-backup-{now_shanghai():%Y%m%d-%H%M%S}.tar.gz"
    members, manifest = collect_backup(paths)
    staging = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        with open(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw, \
                tarfile.open(fileobj=raw, mode="w:gz") as archive:
            for member in [Member(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode()),
                           *members]:
                info = tarfile.TarInfo(member.name)
                info.size, info.mode, info.mtime = len(member.data), 0o600, int(now_shanghai().timestamp())
                archive.addfile(info, io.BytesIO(member.data))
            archive.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(staging, output)
    finally:
        staging.unlink(missing_ok=True)
    return output, manifest


def backup(args) -> int:
    paths = Paths.resolve()
    if not (paths.home / REGISTERS[0]).is_file():
        return fail(f"{paths.home} 中没有着陆区，无可备份", f"there is no landing zone in {paths.home}: nothing to back up")
    output, manifest = write_backup(paths, Path(args.output))
    counts = manifest["counts"]
    print(f"备份已写入 / backup written: {output}")
    print(f"  {counts['receipts']} 份报送 submissions, {counts['withdrawals']} 次撤回 withdrawals,"
          f" {counts['releases']} 次发布 releases, {counts['tokens']} 个令牌 tokens,"
          f" {counts['audit_entries']} 条审计记录 audit entries, {len(manifest['files'])} 个文件 files")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------- restore


class BadBackup(Exception):
    """The archive is not a whole digecon backup."""


def read_backup(archive_path: Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and every file it lists, each checked against its size and sha256."""
    try:
        with tarfile.open(archive_path, mode="r:gz") as archive:
            contents = {}
            for info in archive:
                if not info.isfile():
                    raise BadBackup(f"unexpected entry {info.name!r}")
                contents[info.name] = archive.extractfile(info).read()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BadBackup(f"not a readable tar.gz ({error})") from None
    try:
        manifest = json.loads(contents.pop(MANIFEST))
    except (KeyError, ValueError):
        raise BadBackup("no manifest") from None
    if manifest.get("format") != BACKUP_FORMAT or manifest.get("version") != BACKUP_VERSION:
        raise BadBackup(f"not a {BACKUP_FORMAT} version {BACKUP_VERSION} archive")
    listed = {entry["path"]: entry for entry in manifest["files"]}
    if listed.keys() != contents.keys():
        raise BadBackup("the files differ from the manifest")
    for name, data in contents.items():
        parts = PurePosixPath(name).parts
        if PurePosixPath(name).is_absolute() or ".." in parts or parts[0] not in BACKED_UP:
            raise BadBackup(f"unsafe path {name!r}")
        entry = listed[name]
        if len(data) != entry["size"] or sha256_of(data) != entry["sha256"]:
            raise BadBackup(f"{name} is damaged (size or sha256 differs from the manifest)")
    return manifest, contents


def restore_into(home: Path, contents: dict[str, bytes]) -> None:
    """Write the files; content-addressed landing files are read-only, as the landing zone keeps them."""
    for name, data in sorted(contents.items()):
        path = home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if name.startswith("landing/") and CONTENT_ADDRESSED.match(path.name):
            os.chmod(path, 0o444)


def restore(args) -> int:
    home = Paths.resolve().home
    if home.exists() and any(home.iterdir()):
        return fail(f"DIGECON_HOME {home} 不是空目录，只能恢复到空目录",
                    f"DIGECON_HOME {home} is not empty: restore only into an empty one")
    try:
        manifest, contents = read_backup(Path(args.file))
    except BadBackup as error:
        return fail(f"{args.file} 不是完整的 digecon 备份", f"{args.file} is not a whole digecon backup: {error}")
    home.mkdir(parents=True, exist_ok=True)
    try:
        restore_into(home, contents)
    except OSError:
        for child in home.iterdir():  # the home was empty: leave it so
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    counts = manifest["counts"]
    print(f"已恢复 / restored {len(contents)} 个文件 files into {home} (backup of {manifest['created_at']}):"
          f" {counts['receipts']} 份报送 submissions, {counts['tokens']} 个令牌 tokens")
    print("下一步 / next: digecon rebuild")
    return EXIT_OK


# --------------------------------------------------------------------------------------------- instance


def instance(args) -> int:
    """Write DAGSTER_HOME/dagster.yaml (default DIGECON_HOME/dagster) and open the instance once."""
    import dagster as dg

    from pipelines.instance import instance_settings, storage_label

    paths = Paths.resolve()
    home = Path(os.environ.get("DAGSTER_HOME") or paths.dagster_home)
    home.mkdir(parents=True, exist_ok=True)
    staging = home / f".dagster.yaml.{os.getpid()}.tmp"
    staging.write_text(instance_settings(), encoding="utf-8")
    os.replace(staging, home / "dagster.yaml")  # the webserver and daemon units both write it at start
    os.environ["DAGSTER_HOME"] = str(home)
    logging.disable(logging.WARNING)  # dagster-postgres logs each retry; the one line below says it all
    try:
        with dg.DagsterInstance.get() as opened:
            opened.get_runs_count()
    except Exception as error:  # noqa: BLE001 - any storage error becomes one clear line
        while error.__cause__ is not None:  # dagster-postgres wraps the driver's error: show the driver's
            error = error.__cause__
        detail = (str(error).strip() or type(error).__name__).splitlines()[0]
        return fail(f"无法打开 Dagster 存储（{storage_label()}）", f"cannot open Dagster's storage ({storage_label()}):"
                    f" {detail}")
    finally:
        logging.disable(logging.NOTSET)
    print(f"Dagster 实例 / instance: {home / 'dagster.yaml'} — {storage_label()}")
    return EXIT_OK


def register(commands) -> None:
    profiles = ", ".join(sorted(reference.profiles()))
    submit_parser = commands.add_parser(
        "submit", help="land files received by mail or OA, with the upload checks and audit / 代为报送文件",
        description="Check and land files as the upload service does (same rules, same report kept, same audit"
                    " line with the person named). Exit 0 all accepted, 1 any rejected or refused, 2 wrong usage.")
    submit_parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="CSV or XLSX files")
    submit_parser.add_argument("--as", dest="profile", required=True, metavar="PROFILE",
                               help=f"who the files are from (报送方): {profiles}")
    submit_parser.add_argument("--by", required=True, metavar="NAME", help="the person who sent them (报送人)")
    submit_parser.set_defaults(handler=submit)

    backup_parser = commands.add_parser(
        "backup", help="archive the landing zone, tokens and audit log (safe while serving) / 备份")
    backup_parser.add_argument("-o", "--output", required=True, metavar="FILE|DIR",
                               help="the .tar.gz to write, or a folder for digecon-backup-<time>.tar.gz")
    backup_parser.set_defaults(handler=backup)

    restore_parser = commands.add_parser(
        "restore", help="unpack a backup into an empty DIGECON_HOME, then run `digecon rebuild` / 恢复")
    restore_parser.add_argument("file", metavar="FILE", help="a .tar.gz written by digecon backup")
    restore_parser.set_defaults(handler=restore)

    instance_parser = commands.add_parser(
        "instance",
        help="写出并检查 Dagster 实例配置 / write Dagster's dagster.yaml (PostgreSQL if DIGECON_DAGSTER_POSTGRES_URL)"
             " and check it")
    instance_parser.set_defaults(handler=instance)
