"""`digecon serve`, `digecon token create|list|revoke`, `digecon template`."""

from __future__ import annotations

import dataclasses
import getpass
import os
import sys
from pathlib import Path

from indicators import reference
from indicators.errors import BilingualError
from indicators.readers import ReadLimits
from indicators.registers import REGISTRIES
from indicators.tokens import TokenStore, UnknownProfile
from pipelines.runner import pad
from pipelines.paths import Paths

MB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one upload and one token may do in the upload service: `digecon serve` options, or DIGECON_*
    variables, set them. Rows, columns and cell lengths are the readers' limits (ReadLimits)."""

    max_upload_bytes: int = ReadLimits().max_bytes  # the readers' own limit (20 MB)
    uploads_per_minute: int = 30  # per token: a clerk sends a few files, an agency's script a city's worth
    refusal_window_seconds: float = 60.0  # repeated refusals (wrong token, rate limit): one audit line a window


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
    token, secret = TokenStore.at(Paths.resolve().home).create(args.profile, args.name, actor=getpass.getuser())
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
    token = TokenStore.at(Paths.resolve().home).revoke(args.token_id, actor=getpass.getuser())
    print(f"已撤销令牌 {token.token_id}（{token.name}，{token.profile}）。"
          f"Token {token.token_id} ({token.name}, {token.profile}) revoked.")
    return 0


def template(args) -> int:
    if args.registry:
        from indicators.register_template import build_register_template, register_template_file_name

        output = Path(args.output or register_template_file_name(args.registry))
        output.write_bytes(build_register_template(args.registry))
        print(f"模板已写入 {output}。Template of the {args.registry} written to {output}.")
        return 0
    if args.profile is None:
        raise BilingualError("请用 --as 指定报送方，或用 --registry 指定名录",
                             "give a profile with --as, or a registry with --registry")
    if args.profile not in reference.profiles():
        raise UnknownProfile(args.profile)
    from indicators.template import build_template, template_file_name

    output = Path(args.output or template_file_name(args.profile))
    output.write_bytes(build_template(args.profile, args.reference_date))  # cli checked the date
    print(f"模板已写入 {output}。Template for {args.profile} written to {output}.")
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
    token_commands = token.add_subparsers(dest="token_command", metavar="ACTION", title="actions / 操作")
    create = token_commands.add_parser("create", help="issue a token to one person; printed once / 签发令牌")
    create.add_argument("--profile", required=True, help=f"who the person sends for (报送方): {', '.join(reference.profiles())}")
    create.add_argument("--name", required=True, help="the person the token is for (持有人姓名)")
    create.set_defaults(handler=token_create)
    token_commands.add_parser("list", help="every token, active and revoked / 列出令牌").set_defaults(handler=token_list)
    revoke = token_commands.add_parser("revoke", help="revoke a token at once (the service checks every request) / 撤销令牌")
    revoke.add_argument("token_id", metavar="ID", help="the token's id, as `digecon token list` shows it (令牌编号)")
    revoke.set_defaults(handler=token_revoke)

    template_parser = commands.add_parser(
        "template", help="write a profile's Excel template / 生成报送模板",
        description="Write the Excel template (统计报表) for a profile: periods from the first monitored one to the "
                    "last one ended before the reference date. 生成报送方的 Excel 报表模板。",
        epilog="example / 例: digecon template --as pilot-440300  (writes 深圳市数字经济监测报表模板.xlsx)")
    template_parser.add_argument("--as", dest="profile", metavar="PROFILE",
                                 help=f"the profile the template is for (报送方): {', '.join(reference.profiles())}")
    template_parser.add_argument("--registry", choices=list(REGISTRIES),
                                 help="a registry's list instead (名录模板): enterprise_list, dc_register, site_list")
    template_parser.add_argument("-o", "--output", metavar="FILE.xlsx",
                                 help="where to write it (default: its Chinese name in the current folder, "
                                      "e.g. 深圳市数字经济监测报表模板.xlsx)")
    template_parser.add_argument("--reference-date", metavar="YYYY-MM-DD",
                                 help="the date that counts as today: the last period is the last one ended before"
                                      " it (default: $DIGECON_REFERENCE_DATE, else today)")
    template_parser.set_defaults(handler=template)
