"""`digecon explain AREA PERIOD INDICATOR`: where a published figure comes from, in Chinese and English.

For a rate its numerator and denominator; for a region's or the province's total its cities, which
reported, which were imputed (from which period) and which are confidential; for every submitted cell
behind it the submission (id, file, submitter, received time in Asia/Shanghai), that cell's earlier
vintages and the release of its period. Everything is read from the serving DB (mart.lineage,
mart.observations, ref), read-only, so it never waits for a run and never sees what BI may not: a
confidential cell (C, D) is explained by its status, never by a value.

Exit status: 0 explained; 2 the figure cannot be explained — an unknown area, period or indicator, or no
published value for that cell (one line on stderr, as every digecon error); 1 the serving DB cannot be
read (not published yet).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from indicators.clock import SHANGHAI
from indicators.errors import BilingualError
from indicators.reference import fold, period_label
from indicators.rounding import round_half_away
from indicators.values import parse_period, resolve_area, resolve_indicator, suggest_indicator
from pipelines.paths import Paths, sql_text

NOT_EXPLAINABLE = 2
FREQ_NAMES = {"M": ("月度", "monthly", "2023-12"), "Q": ("季度", "quarterly", "2023-Q4"), "A": ("年度", "annual", "2023")}
ROLE_LABELS = {
    "reported": ("报送", "reported"),
    "imputed": ("插补", "imputed"),
    "imputation_base": ("插补基数", "imputation base"),
}
PART_LABELS = {"value": ("数值", "value"), "numerator": ("分子", "numerator"), "denominator": ("分母", "denominator")}
CONFIDENTIAL = ("C", "D")


class NotExplainable(BilingualError):
    """The figure asked for cannot be explained: unknown area, period or indicator, or no value published."""


@dataclass(frozen=True)
class Input:
    """One row of mart.lineage: a submitted city cell and the vintage that supplies it."""

    role: str
    part: str
    area_code: str
    area_name_zh: str
    area_name_en: str
    period: dt.date
    time_period: str
    indicator_code: str
    indicator_name_zh: str
    indicator_name_en: str
    unit: str
    value: float | None  # blank for a confidential cell
    conf_status: str
    submission_id: int
    source_profile: str
    source_name_zh: str | None
    source_name_en: str | None
    original_filename: str
    received_at: dt.datetime  # in Asia/Shanghai
    withdrawn: bool
    released_at: dt.datetime | None  # the release of the cell's period, in Asia/Shanghai

    @property
    def cell(self) -> tuple[str, dt.date, str]:
        return self.area_code, self.period, self.indicator_code


@dataclass
class Explanation:
    figure: dict  # the row of sql/explain/figure.sql
    inputs: list[Input]  # what the figure rests on, reported cities first
    earlier: dict[tuple, list[Input]]  # each input cell's superseded vintages, oldest first
    missing: list[tuple[str, str, str]] = field(default_factory=list)  # a total's cities with no input

    @property
    def submissions(self) -> dict[int, dict[tuple, Input]]:
        """The submissions the figure rests on, each with the cells it supplies (a cell once, whatever its
        roles), by id."""
        used: dict[int, dict[tuple, Input]] = defaultdict(dict)
        for item in self.inputs:
            used[item.submission_id].setdefault(item.cell, item)
        return dict(sorted(used.items()))

    @property
    def suppressed(self) -> bool:
        return self.figure["conf_status"] in CONFIDENTIAL


def register(commands) -> None:
    parser = commands.add_parser(
        "explain", help="where a published figure comes from, down to the submissions / 数据溯源",
        description="Print where a published figure comes from: a rate's numerator and denominator, a total's"
                    " cities (reported, imputed, confidential), and for each submitted cell the submission,"
                    " its earlier vintages and the release. Exit 0 explained, 2 unknown area, period or"
                    " indicator, or no published value.")
    parser.add_argument("area", metavar="AREA",
                        help="a code or a name: 440300, 深圳市, 深圳, Shenzhen, GD-PRD, 珠三角, 440000, 广东省")
    parser.add_argument("period", metavar="PERIOD", help="2023-12, 2023-Q4 or 2023")
    parser.add_argument("indicator", metavar="INDICATOR",
                        help="a code or a name: fiveg_per_10k_people, 每万人5G基站数")
    parser.set_defaults(handler=_handler)


def _handler(args) -> int:
    from pipelines.cli import one_line

    try:
        explanation = explain(Paths.resolve().serving_db, args.area, args.period, args.indicator)
    except NotExplainable as error:
        print(one_line(error), file=sys.stderr)
        return NOT_EXPLAINABLE
    print(render(explanation))
    return 0


def explain(serving_db: Path, area_text: str, period_text: str, indicator_text: str) -> Explanation:
    """The lineage of one published figure, from the serving DB. Raises NotExplainable for an unknown
    area, period or indicator, or a cell with no published value (a confidential cell is explained)."""
    if not serving_db.exists():
        raise BilingualError(f"还没有发布的数据库 {serving_db}：请先运行 digecon run",
                             f"nothing is published yet ({serving_db} does not exist): run digecon run first")
    with closing(duckdb.connect(str(serving_db), read_only=True)) as con:
        area_code = _area(con, area_text)
        indicator_code, freq = _indicator(con, indicator_text)
        period = _period(period_text, freq, indicator_code)
        key = dict(area_code=area_code, period=period, indicator_code=indicator_code)
        figure = _one_row(con, sql_text("explain/figure.sql"), key)
        if figure is None:
            where = f"{area_code} {period_label(period, freq)} {indicator_code}"
            raise NotExplainable(f"{where}：没有公布的数值（该期未报送或尚未处理）",
                                 f"{where}: no figure is published (not reported for that period, or not"
                                 " processed yet)")
        if figure["value"] is None and figure["conf_status"] not in CONFIDENTIAL:
            raise _withheld(figure)
        rows = [_input(row) for row in _rows(con, sql_text("explain/inputs.sql"), key)]
        members = con.execute(sql_text("explain/members.sql"), dict(area_code=area_code)).fetchall()
    inputs = [r for r in rows if r.role != "superseded"]
    earlier: dict[tuple, list[Input]] = defaultdict(list)
    for r in rows:
        if r.role == "superseded":
            earlier[r.cell].append(r)
    present = {r.area_code for r in inputs if r.role in ("reported", "imputed")}
    missing = [city for city in members if city[0] not in present]
    return Explanation(figure, inputs, dict(earlier), missing)


def _area(con, text: str) -> str:
    areas = con.execute("SELECT area_code, name_zh, name_en FROM ref.areas").fetchall()
    code = resolve_area(text)  # cities as people write them (深圳, Shenzhen City), the province and 全省
    if code is None:
        wanted = fold(text).casefold()
        code = next((a[0] for a in areas if wanted in (fold(n).casefold() for n in a)), None)
    if code is None or code not in {a[0] for a in areas}:
        raise NotExplainable(f"不认识的地区“{text}”：请写城市、区域或全省的代码或名称，如 440300、深圳市、珠三角、广东省",
                             f"unknown area {text!r}: give a city, region or province code or name, e.g."
                             " 440300, Shenzhen, GD-PRD, 440000")
    return code


def _indicator(con, text: str) -> tuple[str, str]:
    code, _unit = resolve_indicator(text)
    row = con.execute("SELECT indicator_code, freq FROM ref.indicators WHERE indicator_code = ?", [code]).fetchone() \
        if code else None
    if row is None:
        hint = suggest_indicator(text)
        zh, en = (f"，是否指 {hint}？", f"; did you mean {hint}?") if hint else ("", "")
        raise NotExplainable(f"不认识的指标“{text}”{zh}（指标代码见 ref.indicators）",
                             f"unknown indicator {text!r}{en} (codes in ref.indicators)")
    return row


def _period(text: str, freq: str, indicator_code: str) -> dt.date:
    """The period's first day, read at the indicator's frequency: a month that closes a quarter or a year
    (2023-12) stands for it; anything else at the wrong frequency is refused."""
    period = parse_period(text)
    if period is None:
        raise NotExplainable(f"“{text}”不是期别：请写作 2023-12、2023-Q4 或 2023",
                             f"{text!r} is not a period: write it as 2023-12, 2023-Q4 or 2023")
    matched = period.as_freq(freq)
    if matched is None:
        zh, en, example = FREQ_NAMES[freq]
        raise NotExplainable(f"{indicator_code} 是{zh}指标，没有 {text} 这一期：请写作如 {example}",
                             f"{indicator_code} is {en}: it has no period {text}; write it as e.g. {example}")
    return matched.start


def _withheld(figure: dict) -> NotExplainable:
    """A total withheld (M): no value, and why, in one line."""
    where = f"{figure['area_code']} {figure['time_period']} {figure['indicator_code']}"
    reported, expected = figure["n_areas"], figure["n_areas_expected"]
    if figure["coverage_pct"] < figure["min_coverage_pct"]:
        why_zh = f"{expected} 个城市中仅 {reported} 个报送，低于 {figure['min_coverage_pct']:g}%"
        why_en = f"only {reported} of {expected} cities reported, below {figure['min_coverage_pct']:g} %"
    else:
        why_zh = f"{expected} 个城市中 {reported} 个报送，缺报城市无历史值可插补"
        why_en = f"{reported} of {expected} cities reported and a missing city has no earlier value to impute from"
    return NotExplainable(f"{where}：不公布（M 缺失值）：{why_zh}", f"{where}: not published (M, missing): {why_en}")


def _rows(con, sql: str, params: dict) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one_row(con, sql: str, params: dict) -> dict | None:
    rows = _rows(con, sql, params)
    return rows[0] if rows else None


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(SHANGHAI)


def _input(row: dict) -> Input:
    return Input(
        role=row["role"], part=row["part"], area_code=row["input_area_code"],
        area_name_zh=row["input_area_name_zh"], area_name_en=row["input_area_name_en"],
        period=row["input_period"], time_period=row["input_time_period"], indicator_code=row["input_indicator_code"],
        indicator_name_zh=row["input_indicator_name_zh"], indicator_name_en=row["input_indicator_name_en"],
        unit=row["input_unit"], value=row["input_value"], conf_status=row["input_conf_status"],
        submission_id=row["submission_id"], source_profile=row["source_profile"],
        source_name_zh=row["source_name_zh"], source_name_en=row["source_name_en"],
        original_filename=row["original_filename"], received_at=_local(row["received_at"]),
        withdrawn=row["withdrawn"], released_at=_local(row["input_released_at"]),
    )


# --- printing ---------------------------------------------------------------------------------------------

def number(value: float) -> str:
    """A figure as people read it: whole numbers with separators, others to 2 places, half away from zero."""
    shown = round_half_away(value, 2)
    return f"{shown:,.0f}" if shown == int(shown) else f"{shown:,.2f}"


def _time(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _value_of(item: Input) -> str:
    if item.conf_status in CONFIDENTIAL:
        return f"保密 {item.conf_status}，不公布 / confidential ({item.conf_status}), not shown"
    return f"{number(item.value)} {item.unit}"


def _release_of(item: Input) -> str:
    if item.released_at is None:
        return "初步值，未发布 / provisional, not released"
    text = f"{item.time_period} 发布于 released {_time(item.released_at)}"
    if item.received_at > item.released_at:
        text += "，本版本发布后送达（修订）/ this vintage came after the release (a revision)"
    return text


def render(explanation: Explanation) -> str:
    f = explanation.figure
    lines = [f"{f['area_name_zh']} {f['area_name_en']} ({f['area_code']}) · {f['time_period']} · "
             f"{f['indicator_name_zh']} {f['indicator_name_en']} ({f['indicator_code']})"]
    lines += _headline(explanation)
    lines += _formula(explanation)
    lines += _cities(explanation)
    lines += _submissions(explanation)
    lines += _earlier(explanation)
    lines.append("时间均为北京时间 / times are Asia/Shanghai.")
    return "\n".join(lines)


def _headline(explanation: Explanation) -> list[str]:
    f = explanation.figure
    if explanation.suppressed:
        value = f"保密，不公布 / confidential, not published ({f['conf_status']} {f['conf_status_zh']})"
    else:
        value = f"{number(f['value'])} {f['unit']}"
    lines = [f"  数值 value: {value}",
             f"  状态 status: {f['obs_status']} {f['obs_status_zh']} {f['obs_status_en']} · "
             f"保密状态 confidentiality: {f['conf_status']} {f['conf_status_zh']} {f['conf_status_en']}"]
    if explanation.suppressed:
        lines.append(f"  为何保密 why: {_suppression_reason(f)}")
    if f["released_at"] is not None:
        lines.append(f"  发布 release: {f['time_period']} 发布于 released {_time(_local(f['released_at']))}")
    else:
        lines.append("  发布 release: 初步值，尚未发布 / provisional, not released yet")
    return lines


def _suppression_reason(f: dict) -> str:
    """Why a cell is confidential, from what the serving DB says of it (the rule, its count, its formula)."""
    if f["conf_status"] == "D":
        return ("补充隐藏：若公布，可由汇总、比率或增速推算出主隐藏单元格 / secondary: published, it would let a"
                " primary confidential cell be worked out from totals, rates or growth")
    if f["is_derived"]:
        return ("主隐藏：分子或分母为保密单元格，比率会将其还原 / primary: its numerator or denominator is"
                " confidential, and the rate would give it back")
    if f["n_units"] is None:
        return ("主隐藏：贡献单位数未知，按规则不公布 / primary: the number of contributing units is unknown,"
                f" and the rule ({f['unknown_units']}) withholds such cells")
    return (f"主隐藏：仅 {f['n_units']} 个贡献单位，少于 {f['min_units']} 个 / primary: only {f['n_units']}"
            f" contributing unit(s), fewer than {f['min_units']}")


def _formula(explanation: Explanation) -> list[str]:
    f = explanation.figure
    lines = []
    if f["is_derived"]:
        parts = {item.part: item for item in explanation.inputs if item.role == "reported"}
        num, den = parts.get("numerator"), parts.get("denominator")
        summed = "Σ " if f["source_profile"] == "aggregate" else ""
        if explanation.suppressed or f["numerator_value"] is None:
            values = ("", "")
        else:
            values = (f" {number(f['numerator_value'])}", f" {number(f['denominator_value'])}")
        num_name = f"{num.indicator_name_zh} {f['numerator']}" if num else f["numerator"]
        den_name = f"{den.indicator_name_zh} {f['denominator']}" if den else f["denominator"]
        lines.append(f"  比率 rate = 分子 numerator {summed}{num_name}{values[0]} ÷ 分母 denominator "
                     f"{summed}{den_name}{values[1]} × {number(f['multiplier'])}")
    if f["source_profile"] == "aggregate":
        by_role = defaultdict(set)
        for item in explanation.inputs:
            by_role[item.role].add(item.area_code)
        confidential = {item.area_code for item in explanation.inputs
                        if item.role in ("reported", "imputed") and item.conf_status in CONFIDENTIAL}
        lines.append(f"  汇总 total: {f['n_areas_expected']} 个城市 cities — {len(by_role['reported'])} 报送 reported, "
                     f"{len(by_role['imputed'])} 插补 imputed, {len(confidential)} 保密 confidential")
        if by_role["imputed"]:
            lines.append("  插补 imputation: 缺报城市的最后报送值 × 同期均有报送城市的变化（Σ本期/Σ当期） / a missing"
                         " city's last reported value × the change of the cities that reported in both periods"
                         " (Σ now / Σ then)")
    return lines


def _cities(explanation: Explanation) -> list[str]:
    f = explanation.figure
    title = "输入单元格 input cells" if f["source_profile"] != "aggregate" else "城市 cities"
    lines = [f"{title}:"]
    groups: dict[tuple[str, str], list[Input]] = defaultdict(list)
    for item in explanation.inputs:
        groups[item.role, item.area_code].append(item)
    for (role, _), items in groups.items():
        head = items[0]
        zh, en = ROLE_LABELS[role]
        note = ""
        if role in ("imputed", "imputation_base"):  # the period carried forward: the value's or numerator's
            label = next(i.time_period for i in items if i.part != "denominator")
            note = f"，按其 {label} 的数值 / from its {label} value" if role == "imputed" else f" ({label})"
        if any(i.conf_status in CONFIDENTIAL for i in items):
            note += "，保密 / confidential"
        lines.append(f"  {head.area_code} {head.area_name_zh} {head.area_name_en} · {zh} {en}{note}")
        for item in items:
            part_zh, part_en = PART_LABELS[item.part]
            lines.append(f"      {part_zh} {part_en} {item.indicator_code} {item.time_period}: {_value_of(item)}"
                         f" · #{item.submission_id} · {_release_of(item)}")
    for code, name_zh, name_en in explanation.missing:
        lines.append(f"  {code} {name_zh} {name_en} · 缺报，未插补 / missing, not imputed")
    return lines


def _submissions(explanation: Explanation) -> list[str]:
    used = explanation.submissions
    lines = [f"报送批次 submissions ({len(used)}):"]
    for submission_id, cells in used.items():
        s = next(iter(cells.values()))
        submitter = f"{s.source_name_zh} {s.source_name_en} ({s.source_profile})" if s.source_name_zh \
            else s.source_profile
        lines.append(f"  #{submission_id} {s.original_filename} · 报送单位 submitter: {submitter} · "
                     f"送达 received {_time(s.received_at)} · {len(cells)} 个单元格 cell(s)")
    return lines


def _earlier(explanation: Explanation) -> list[str]:
    if not explanation.earlier:
        return ["早期版本 earlier vintages: 无 / none"]
    used = {item.cell: item for item in explanation.inputs}
    lines = ["早期版本 earlier vintages:"]
    for cell, versions in sorted(explanation.earlier.items()):
        current = used[cell]
        lines.append(f"  {current.area_code} {current.area_name_zh} {current.indicator_code} {current.time_period} "
                     f"(所用 used: #{current.submission_id}):")
        for v in versions:
            withdrawn = "，已撤回 / withdrawn" if v.withdrawn else ""
            lines.append(f"      #{v.submission_id} {v.original_filename} · 送达 received {_time(v.received_at)} · "
                         f"{_value_of(v)}{withdrawn}")
    return lines
