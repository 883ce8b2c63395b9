"""`digecon serve`, `digecon token create|list|revoke`, `digecon template`."""

from __future__ import annotations

import dataclasses
import getpass
import os
import sys
from pathlib import Path

from indicators import reference
from indicators.readers import ReadLimits
from indicators.tokens import TokenError, TokenStore, UnknownProfile
from pipelines.runner import pad
from pipelines.paths import Paths

USAGE_ERROR = 2
MB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one upload and one token may do in the upload service: `digecon serve` options, or DIGECON_*
    variables, set them. Rows, columns and cell lengths are the readers' limits (ReadLimits)."""

    max_upload_bytes: int = ReadLimits().max_bytes  # the readers' own limit (20 MB)
    uploads_per_minute: int = 30  # per token: a clerk sends a few files, an agency's script a city's worth
    refusal_window_seconds: float = 60.0  # repeated refusals (wrong token, rate limit): one audit line a window


def fail(message_zh: str, message_en: str, code: int = 1) -> int:
    print(f"错误：{message_zh}\nerror: {message_en}", file=sys.stderr)
    return code


def serve(args) -> int:
    from pipelines.service import serve as run_service

    limits = Limits(max_upload_bytes=int(args.max_upload_mb * MB), uploads_per_minute=args.uploads_per_minute,
                    refusal_window_seconds=args.refusal_window)
    return run_service(Paths.resolve(), args.host, args.port, limits)


def positive(kind):
    """An argparse type: a number above zero (a limit of 0 would refuse everything)."""
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise ValueError(text)
        return value
    parse.__name__ = f"positive {kind.__name__}"  # argparse names the type in its error
    return parse


def token_create(args) -> int:
    try:
        token, secret = TokenStore.at(Paths.resolve().home).create(args.profile, args.name, actor=getpass.getuser())
    except TokenError as exc:
        return fail(exc.message_zh, exc.message_en, USAGE_ERROR)
    profile = reference.profiles()[token.profile]
    print(f"令牌 {token.token_id}：{token.name}，{profile.name_zh}（{token.profile}）")
    print(f"Token {token.token_id} for {token.name}, {profile.name_en} ({token.profile}):")
    print(secret)
    print("令牌只显示这一次，请立即交给持有人并妥善保存。This token is shown only once: hand it over and keep it safe.",
          file=sys.stderr)
    return 0


def token_list(args) -> int:
    tokens = TokenStore.at(Paths.resolve().home).tokens()
    if not tokens:
        print("还没有令牌。No tokens yet: digecon token create --profile P --name N")
        return 0
    widths = (10, 16, 14, 18)
    rows = [("编号 id", "报送方 profile", "持有人 name", "签发 created", "状态 status")]
    for token in tokens:
        status = "有效 active" if token.active else f"已撤销 revoked {token.revoked_at:%Y-%m-%d %H:%M} by {token.revoked_by}"
        rows.append((token.token_id, token.profile, token.name, f"{token.created_at:%Y-%m-%d %H:%M}", status))
    for *columns, status in rows:
        print(" ".join(pad(text, width) for text, width in zip(columns, widths, strict=True)), status)
    return 0


def token_revoke(args) -> int:
    try:
        token = TokenStore.at(Paths.resolve().home).revoke(args.token_id, actor=getpass.getuser())
    except TokenError as exc:
        return fail(exc.message_zh, exc.message_en)
    print(f"已撤销令牌 {token.token_id}（{token.name}，{token.profile}）。"
          f"Token {token.token_id} ({token.name}, {token.profile}) revoked.")
    return 0


def template(args) -> int:
    if args.profile not in reference.profiles():
        unknown = UnknownProfile(args.profile)
        return fail(unknown.message_zh, unknown.message_en, USAGE_ERROR)
    from indicators.template import build_template

    output = Path(args.output)
    try:
        output.write_bytes(build_template(args.profile))
    except OSError as exc:
        return fail(f"无法写入 {output}：{exc.strerror}", f"cannot write {output}: {exc.strerror}")
    print(f"模板已写入 {output}（{args.profile}）。Template for {args.profile} written to {output}.")
    return 0


def register(commands) -> None:
    defaults = Limits()
    default_mb = defaults.max_upload_bytes / MB
    serve_parser = commands.add_parser(
        "serve", help="run the upload service (page and API) / 运行数据报送服务",
        description="Each limit is an option, or a DIGECON_* variable (the option wins). "
                    "Over the size limit an upload gets 413, over the rate limit 429 with Retry-After.")
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="address to listen on (default 127.0.0.1; behind a TLS proxy, keep it local)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    # argparse converts a string default with `type`, so a bad variable is one clear usage error.
    serve_parser.add_argument("--max-upload-mb", type=positive(float),
                              default=os.environ.get("DIGECON_MAX_UPLOAD_MB", str(default_mb)),
                              help=f"largest file accepted, in MB; env DIGECON_MAX_UPLOAD_MB (default {default_mb:g})")
    serve_parser.add_argument("--uploads-per-minute", type=positive(int),
                              default=os.environ.get("DIGECON_UPLOADS_PER_MINUTE", str(defaults.uploads_per_minute)),
                              help="uploads one token may send in any minute; env DIGECON_UPLOADS_PER_MINUTE "
                                   f"(default {defaults.uploads_per_minute})")
    serve_parser.add_argument("--refusal-window", type=positive(float), metavar="SECONDS",
                              default=os.environ.get("DIGECON_REFUSAL_WINDOW", str(defaults.refusal_window_seconds)),
                              help="repeated refusals from one client (a wrong token, the rate limit) are one audit "
                                   "line per this many seconds; env DIGECON_REFUSAL_WINDOW "
                                   f"(default {defaults.refusal_window_seconds:g})")
    serve_parser.set_defaults(handler=serve)

    token = commands.add_parser("token", help="create, list and revoke upload tokens / 管理报送令牌")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="issue a token to one person; printed once")
    create.add_argument("--profile", required=True, help=f"one of {', '.join(sorted(reference.profiles()))}")
    create.add_argument("--name", required=True, help="the person the token is for")
    create.set_defaults(handler=token_create)
    token_commands.add_parser("list", help="every token, active and revoked").set_defaults(handler=token_list)
    revoke = token_commands.add_parser("revoke", help="revoke a token at once (the service checks every request)")
    revoke.add_argument("token_id")
    revoke.set_defaults(handler=token_revoke)

    template_parser = commands.add_parser("template", help="write a profile's Excel template / 生成报送模板")
    template_parser.add_argument("--as", dest="profile", required=True, metavar="PROFILE")
    template_parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    template_parser.set_defaults(handler=template)
