"""The bulletin as one self-contained HTML page: Chinese first with English labels, its stylesheet and
plotly.js inline (no network, no CDN), fonts that render Chinese (Noto Sans CJK SC first). Every figure
carries its status code; a withheld one (Q, M) shows the code and never a value."""

from __future__ import annotations

import datetime as dt
import html
from importlib import resources

import pandas as pd
from plotly.offline import get_plotlyjs

from pipelines.bulletin import charts, fmt, geo
from pipelines.bulletin.data import Bulletin, settings

SECTIONS = [  # id, Chinese, English: the order of the pages
    ("summary", "要点", "Key points"),
    ("targets", "一、目标进度", "Target progress"),
    ("ranking", "二、数字经济发展指数与排名", "Development index and ranking"),
    ("map", "三、各市指数地图", "Map of the index"),
    ("indicators", "四、分指标情况", "Indicators city by city"),
    ("anomalies", "五、异常值", "Anomalies"),
    ("completeness", "六、报送完整性", "Completeness: who owes what"),
    ("quality", "七、数据质量", "Data quality"),
    ("revisions", "八、数据修订", "Revisions since the last bulletin"),
    ("notes", "九、说明", "Notes on method and status codes"),
]
# The map draws the cities' own boundaries with every base layer off (geo.visible false); plotly.js would
# still fetch its world base map from a CDN, unless, as its offline bundle (plotly-geo-assets) does, the
# page holds it: an empty one stands in, so the page makes no request.
GEO_ASSETS = 'window.PlotlyGeoAssets = {topojson: {world_110m: {type: "Topology", objects: {}, arcs: []}}};'
LIGHT_ORDER = ["achieved", "on_track", "at_risk", "off_track", "not_achieved", "no_data"]
WITHHELD = {"Q", "M"}


def esc(text) -> str:
    return html.escape("" if fmt.is_blank(text) else str(text))


def bilingual(zh: str, en: str) -> str:
    return f'{esc(zh)}<span class="en">{esc(en)}</span>'


def status_tag(code, bulletin: Bulletin) -> str:
    """The SDMX status code as a small tag with its label; nothing for A (normal, released)."""
    if fmt.is_blank(code) or code == "A":
        return ""
    zh, en = bulletin.status_label("obs_status", code)
    return f'<span class="status {esc(code)}" title="{esc(zh)} / {esc(en)}">{esc(code)}</span>'


def figure_cell(value, unit: str, status, bulletin: Bulletin, **data) -> str:
    """A published figure in a table cell: the value with its status, or, withheld, the status alone."""
    attributes = "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in data.items())
    if status in WITHHELD or fmt.is_blank(value):
        zh, en = bulletin.status_label("obs_status", status) if not fmt.is_blank(status) else ("无数据", "no data")
        return f'<td class="num withheld"{attributes}>… {status_tag(status, bulletin)}<span class="en">{esc(zh)} {esc(en)}</span></td>'
    return f'<td class="num"{attributes}><span class="figure">{fmt.number(value, unit)}</span>{status_tag(status, bulletin)}</td>'


def render(bulletin: Bulletin) -> str:
    config = settings()
    title_zh, title_en = config["title_zh"], config["title_en"]
    edition_zh, edition_en = fmt.month_zh(bulletin.month), fmt.month_en(bulletin.month)
    body = "\n".join([
        _summary(bulletin), _targets(bulletin), _ranking(bulletin), _map(bulletin), _indicators(bulletin),
        _anomalies(bulletin), _completeness(bulletin), _quality(bulletin), _revisions(bulletin), _notes(bulletin),
    ])
    css = resources.files("pipelines").joinpath("bulletin/bulletin.css").read_text(encoding="utf-8")
    running = esc(f"{title_zh} {edition_zh}").replace('"', "")
    page_rules = f"""@page {{ size: A4; margin: 16mm 15mm 16mm 15mm;
  @top-right {{ content: "{running}"; font-size: 7.5pt; color: #718096; }}
  @bottom-center {{ content: "第 " counter(page) " 页，共 " counter(pages) " 页 / Page " counter(page) " of " counter(pages);
                    font-size: 7.5pt; color: #718096; }} }}
@page :first {{ @top-right {{ content: none; }} }}"""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title_zh)} {esc(edition_zh)} / {esc(title_en)}, {esc(edition_en)}</title>
<style>
{css}
{page_rules}
</style>
<script>{GEO_ASSETS}</script>
<script>{get_plotlyjs()}</script>
</head>
<body data-month="{bulletin.label}">
{body}
</body>
</html>
"""


def _heading(section: str) -> str:
    zh, en = next((zh, en) for key, zh, en in SECTIONS if key == section)
    return f'<h2>{esc(zh)}<span class="en">{esc(en)}</span></h2>'


def _absent(bulletin: Bulletin, section: str) -> str | None:
    """One line for a section whose mart the serving DB does not hold yet."""
    mart = bulletin.absent.get(section)
    if mart is None:
        return None
    return (f'<section class="page" id="{section}">{_heading(section)}<p class="absent" data-absent="{esc(mart)}">'
            f"本节暂无数据：服务库中还没有 mart.{esc(mart)}。"
            f'<span class="en">No data for this section: the serving DB has no mart.{esc(mart)} yet.</span></p></section>')


def _month_released(bulletin: Bulletin) -> bool | None:
    monthly = bulletin.values[bulletin.values["period"].dt.date == bulletin.month]
    return None if monthly.empty else bool(monthly["released"].all())


# ---------------------------------------------------------------------------------------------- cover

def _summary(bulletin: Bulletin) -> str:
    config = settings()
    pub = bulletin.publication
    released = _month_released(bulletin)
    release = ("" if released is None else
               '<span class="release released">已发布 released</span>' if released else
               '<span class="release provisional">初步数，尚未发布 provisional, not yet released</span>')
    toc = "".join(f"<li>{esc(zh)} <span class='en'>{esc(en)}</span></li>" for key, zh, en in SECTIONS[1:])
    return f"""<section class="page" id="summary">
<header class="masthead">
  <div class="issuer">{esc(config['issuer_zh'])} · {esc(config['issuer_en'])}</div>
  <h1>{esc(config['title_zh'])}</h1>
  <div class="title-en">{esc(config['title_en'])}</div>
  <div class="edition">{fmt.month_zh(bulletin.month)} <span class="en">{fmt.month_en(bulletin.month)}</span>{release}</div>
  <div class="facts">
    <span>参考日期 Reference date: {fmt.day(pub['reference_date'])}</span>
    <span>数据发布于 Published: {fmt.local_time(pub['published_at'])}</span>
    <span>服务库版本 Build: {esc(pub['build_generation'])}，报送批次 submissions: {esc(pub['submissions'])}</span>
  </div>
</header>
{_keypoints(bulletin)}
<h3>主要指标（全省） <span class="en">Headline figures, Guangdong</span></h3>
{_headline_table(bulletin)}
<h4>目录 Contents</h4>
<ol class="toc">{toc}</ol>
</section>"""


def _keypoints(bulletin: Bulletin) -> str:
    points = []
    if bulletin.targets is not None and not bulletin.targets.empty:
        latest = bulletin.targets[bulletin.targets["basis"] == "latest"]
        counts = latest["target_status"].value_counts()
        parts = [(bulletin.status_label("target_status", s), int(counts[s])) for s in LIGHT_ORDER if s in counts]
        points.append((f"{bulletin.month.year}年及以后的 {len(latest)} 项目标：" + "，".join(f"{zh} {n} 项" for (zh, _), n in parts),
                       f"{len(latest)} targets for {bulletin.month.year} and later: "
                       + ", ".join(f"{en.lower()} {n}" for (_, en), n in parts)))
    if bulletin.ranking is not None:
        top = bulletin.ranking[bulletin.ranking["ranked"]].sort_values("rank").iloc[0]
        name_zh, name_en = _city_names(bulletin)[top["area_code"]]
        points.append((f"{bulletin.index_year}年数字经济发展指数：{name_zh}居首（{fmt.number(top['index_score'], '', 1)}，"
                       f"模拟名次区间 {int(top['rank_p05'])}–{int(top['rank_p95'])}）",
                       f"{bulletin.index_year} development index: {name_en} first ({fmt.number(top['index_score'], '', 1)};"
                       f" rank interval {int(top['rank_p05'])}–{int(top['rank_p95'])})"))
    if bulletin.anomalies is not None:
        n, cities = len(bulletin.anomalies), bulletin.anomalies["area_code"].nunique()
        points.append((f"本期异常标记 {n} 条，涉及 {cities} 个城市，请核实" if n else "本期未发现异常值",
                       f"{n} anomaly flags in {cities} cities this period, to be checked" if n else "No anomalies this period"))
    if bulletin.board is not None:
        total = bulletin.board.groupby("completeness_status")["cells"].sum()
        owed = 0 if bulletin.owed is None else int((bulletin.owed["completeness_status"].isin(["missing", "rejected"])).sum())
        points.append((f"本月应报 {int(total.sum()):,} 个单元格：按时 {int(total.get('received', 0)):,}，逾期 "
                       f"{int(total.get('received_late', 0)):,}，未到期 {int(total.get('not_yet_due', 0)):,}；截至参考日仍缺报或被退回 {owed:,} 个",
                       f"{int(total.sum()):,} cells expected this month: {int(total.get('received', 0)):,} on time,"
                       f" {int(total.get('received_late', 0)):,} late, {int(total.get('not_yet_due', 0)):,} not yet due;"
                       f" {owed:,} still missing or rejected at the reference date"))
    if bulletin.revisions is not None:
        n = len(bulletin.revisions)
        points.append((f"自上期月报以来，已发布数据修订 {n} 项" if n else "自上期月报以来，已发布数据没有修订",
                       f"{n} published figures revised since the last bulletin" if n else
                       "No published figure revised since the last bulletin"))
    items = "".join(f"<li>{esc(zh)}<span class='en'>{esc(en)}</span></li>" for zh, en in points)
    return f'<div class="keypoints"><h3>本期要点 <span class="en">Key points</span></h3><ul>{items}</ul></div>'


def _city_names(bulletin: Bulletin) -> dict[str, tuple[str, str]]:
    return {r.area_code: (r.name_zh, r.name_en) for r in bulletin.cities.itertuples()}


def _growth_text(value, unit: str, growth_unit) -> str:
    if fmt.is_blank(value):
        return "—"
    return f"{fmt.signed(value)}{' 个百分点 pp' if growth_unit == 'pp' else '%'}"


def _headline_table(bulletin: Bulletin) -> str:
    province = bulletin.values[bulletin.values["area_code"] == "440000"].set_index("indicator_code")
    rows = []
    for code in settings()["headline"]:
        meta = bulletin.indicators.loc[code]
        if code not in province.index:
            continue
        cell = province.loc[code]
        growth_yoy = cell["yoy_change"] if cell["growth_unit"] == "pp" else cell["yoy_growth"]
        rows.append(f"""<tr data-indicator="{esc(code)}">
<td>{bilingual(meta['name_zh'], meta['name_en'])}</td><td>{esc(cell['time_period'])}</td>
{figure_cell(cell['value'], meta['unit'], cell['obs_status'], bulletin, indicator=code, area='440000', period=cell['time_period'])}
<td>{esc(fmt.UNIT_SHOWN.get(meta['unit'], meta['unit']))}</td>
<td class="num">{_growth_text(growth_yoy, meta['unit'], cell['growth_unit'])}</td></tr>""")
    return f"""<table class="headline"><thead><tr><th>指标<span class="en">Indicator</span></th><th>期别<span class="en">Period</span></th>
<th class="num">全省<span class="en">Guangdong</span></th><th>单位<span class="en">Unit</span></th>
<th class="num">同比<span class="en">Year on year</span></th></tr></thead><tbody>{''.join(rows)}</tbody></table>
<p class="caption">状态代码 P 初步、E 估计、B 序列中断、M 不公布、Q 保密（见第九部分）；比率的同比为百分点，现价指标为名义增长。
<span class="en">Status codes: P provisional, E estimated, B break, M withheld, Q confidential (part 9); growth of a rate in
percentage points, of a current-price figure nominal.</span></p>"""


# --------------------------------------------------------------------------------------------- targets

def _target_name(row) -> tuple[str, str]:
    area_zh = "" if row.area_code == "440000" else f"{row.area_name_zh} "
    area_en = "" if row.area_code == "440000" else f"{row.area_name_en}: "
    return f"{area_zh}{row.indicator_name_zh}（{row.year}年）", f"{area_en}{row.indicator_name_en}, {row.year}"


def _targets(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "targets")
    if absent:
        return absent
    targets = bulletin.targets
    if targets.empty:
        return (f'<section class="page" id="targets">{_heading("targets")}<p>{bulletin.month.year}年及以后没有监测目标。'
                f'<span class="en">No target runs in {bulletin.month.year} or later.</span></p></section>')
    latest = targets[targets["basis"] == "latest"].reset_index(drop=True)
    released = targets[targets["basis"] == "released"].set_index("target_id")
    counts = latest["target_status"].value_counts()
    lights = "".join(
        f'<span class="count"><span class="light {s}"></span><b>{int(counts[s])}</b>'
        f'{esc(bulletin.status_label("target_status", s)[0])} {esc(bulletin.status_label("target_status", s)[1])}</span>'
        for s in LIGHT_ORDER if s in counts)
    names = [_target_name(r) for r in latest.itertuples()]
    chart = charts.to_div(charts.target_chart(latest, [zh for zh, _ in names]), "chart-targets")
    rows = []
    for row, (name_zh, name_en) in zip(latest.itertuples(), names, strict=True):
        light_zh, light_en = row.status_zh, row.status_en
        other = released.loc[row.target_id] if row.target_id in released.index else None
        if other is not None and other["target_status"] != row.target_status:
            zh, en = bulletin.status_label("target_status", other["target_status"])
            on_released = (f'<span class="differs"><span class="light {esc(other["target_status"])}"></span>{esc(zh)}</span>'
                           f'<span class="en">{esc(en)} (actual {esc(other["actual_time_period"])})</span>')
        else:
            on_released = '<span class="small">相同 same</span>'
        projected = ("截止后为最终值 final" if row.target_status in ("achieved", "not_achieved")
                     else f"{fmt.number(row.projected_completion_pct, '%', 1)}%"
                     if not fmt.is_blank(row.projected_completion_pct) else "无法测算 n/a")
        illustrative = '<span class="en">示意性目标 illustrative</span>' if row.illustrative else ""
        rows.append(f"""<tr data-target="{esc(row.target_id)}">
<td>{bilingual(name_zh, name_en)}{illustrative}</td>
<td class="num">{esc(row.comparison)} {fmt.number(row.target_value, row.unit)}</td>
{figure_cell(row.actual, row.unit, row.actual_obs_status, bulletin, field="actual")}
<td>{esc(row.actual_time_period)}</td>
<td class="num" data-field="completion">{fmt.number(row.completion_pct, '%')}%</td>
<td class="num" data-field="elapsed">{fmt.number(row.time_elapsed_pct, '%', 1)}%</td>
<td class="num" data-field="projected">{esc(projected)}</td>
<td data-field="status" data-status="{esc(row.target_status)}"><span class="light {esc(row.target_status)}"></span>{esc(light_zh)}<span class="en">{esc(light_en)}</span></td>
<td>{on_released}</td></tr>""")
    reference_date = fmt.day(latest["reference_date"].iloc[0])
    return f"""<section class="page" id="targets">{_heading("targets")}
<p>截至参考日期 {reference_date}，按最新数据（含初步数）判断各项目标；最后一列为仅按已发布数据的判断，二者不同时标红。
<span class="en">Each target judged on the latest figures (provisional ones included) at the reference date {reference_date};
the last column judges it on released figures only, in red where the two differ.</span></p>
<div class="lights">{lights}</div>
<div class="chart">{chart}</div>
<p class="caption">条形为完成率，竖线为时间进度，菱形为按近12个月速度预计截止日的完成率；“≤”目标（PUE）反向计算。
<span class="en">Bars: completion; tick: time elapsed; diamond: completion projected to the deadline at the last twelve months' pace.
A "≤" target (PUE) counts in reverse.</span></p>
<table><thead><tr><th>目标<span class="en">Target</span></th><th class="num">目标值<span class="en">Target</span></th>
<th class="num">实际值<span class="en">Actual</span></th><th>期别<span class="en">Period</span></th>
<th class="num">完成率<span class="en">Done</span></th><th class="num">时间进度<span class="en">Time</span></th>
<th class="num">预计<span class="en">Projected</span></th><th>状态<span class="en">Light</span></th>
<th>按已发布数据<span class="en">On released figures</span></th></tr></thead><tbody>{''.join(rows)}</tbody></table>
</section>"""


# --------------------------------------------------------------------------------------- index, map

def _pillars(bulletin: Bulletin) -> list[tuple[str, str, str]]:
    if bulletin.components is None:
        return []
    pillars = bulletin.components[bulletin.components["component_level"] == "pillar"]
    return list(dict.fromkeys(zip(pillars["component_code"], pillars["component_name_zh"], pillars["component_name_en"],
                                  strict=True)))


def _unranked_note(bulletin: Bulletin) -> str:
    if bulletin.unranked is None or bulletin.unranked.empty:
        return ""
    notes = []
    for year, rows in bulletin.unranked.groupby("year"):
        first = rows.iloc[0]
        notes.append(f"<p class='small'>{int(year)}年指数尚不能编制（{len(rows)} 个城市均未排名），例如{esc(first['reason_zh'])}"
                     f"<span class='en'>No city is ranked for {int(year)} yet ({len(rows)} cities), e.g. {esc(first['reason_en'])}</span></p>")
    return "".join(notes)


def _ranking(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "ranking")
    if absent:
        return absent
    if bulletin.ranking is None:
        return (f'<section class="page" id="ranking">{_heading("ranking")}<p>尚无可排名的年份。'
                f'<span class="en">No year has ranked cities yet.</span></p>{_unranked_note(bulletin)}</section>')
    names = _city_names(bulletin)
    regions = {r.area_code: r.region_name_zh for r in bulletin.cities.itertuples()}
    pillars = _pillars(bulletin)
    scores = {}
    if bulletin.components is not None:
        rows = bulletin.components[bulletin.components["component_level"] == "pillar"]
        scores = {(r.area_code, r.component_code): r.score for r in rows.itertuples()}
    ranking = bulletin.ranking
    body = []
    for row in ranking.itertuples():
        pillar_cells = "".join(f'<td class="num">{fmt.number(scores.get((row.area_code, code)), "", 1)}</td>'
                               for code, _, _ in pillars)
        if row.ranked:
            body.append(f"""<tr data-area="{row.area_code}"><td class="num" data-field="rank">{int(row.rank)}</td>
<td>{bilingual(*names[row.area_code])}</td><td>{esc(regions[row.area_code])}</td>
<td class="num" data-field="score">{fmt.number(row.index_score, '', 1)}</td>{pillar_cells}
<td class="num">{int(row.rank_median)}</td><td class="num" data-field="interval">{int(row.rank_p05)}–{int(row.rank_p95)}</td></tr>""")
        else:
            body.append(f"""<tr class="unranked" data-area="{row.area_code}"><td class="num">—</td>
<td>{bilingual(*names[row.area_code])}</td><td>{esc(regions[row.area_code])}</td>
<td colspan="{3 + len(pillars)}">{esc(row.reason_zh)}<span class="en">{esc(row.reason_en)}</span></td></tr>""")
    pillar_heads = "".join(f'<th class="num">{esc(zh)}<span class="en">{esc(en)}</span></th>' for _, zh, en in pillars)
    first = ranking.iloc[0]
    chart = charts.to_div(charts.ranking_chart(ranking, {c: zh for c, (zh, _) in names.items()}), "chart-ranking")
    return f"""<section class="page" id="ranking">{_heading("ranking")}
<p>{bulletin.index_year}年指数（按已发布数据）：四个支柱各占四分之一，指标按固定目标值标准化为0–100（详见第九部分）。
名次区间来自 {int(first['n_draws']):,} 次蒙特卡洛模拟（随机改变权重、标准化与加总方法，种子 {int(first['seed'])}）：区间越窄，名次越确定。
<span class="en">The {bulletin.index_year} index on released figures: four pillars of a quarter each, indicators normalised 0–100
between fixed goalposts (part 9). Rank intervals from {int(first['n_draws']):,} Monte-Carlo draws varying weights,
normalisation and aggregation (seed {int(first['seed'])}): the narrower, the surer the rank.</span></p>
{_unranked_note(bulletin)}
<table><thead><tr><th class="num">名次<span class="en">Rank</span></th><th>城市<span class="en">City</span></th>
<th>区域<span class="en">Region</span></th><th class="num">指数<span class="en">Index</span></th>{pillar_heads}
<th class="num">中位名次<span class="en">Median</span></th><th class="num">5–95%区间<span class="en">Interval</span></th></tr></thead>
<tbody>{''.join(body)}</tbody></table>
<h3>名次的确定程度 <span class="en">How sure each rank is</span></h3>
<div class="chart">{chart}</div>
</section>"""


def _map(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "map")
    if absent:
        return absent
    if bulletin.ranking is None:
        return (f'<section class="page" id="map">{_heading("map")}<p>尚无可排名的年份，地图暂缺。'
                f'<span class="en">No year has ranked cities yet: no map.</span></p></section>')
    codes = tuple(bulletin.cities["area_code"])
    boundaries = geo.city_boundaries(codes)
    points = {f["id"]: geo.label_point(f) for f in boundaries["features"]}
    figure = charts.index_map(bulletin.ranking, bulletin.cities, boundaries, points)
    source_zh, source_en = geo.source_note()
    return f"""<section class="page" id="map">{_heading("map")}
<p>{bulletin.index_year}年各市数字经济发展指数，颜色越深指数越高；灰色为未排名城市。
<span class="en">The {bulletin.index_year} development index by city: the darker, the higher; grey cities are not ranked.</span></p>
<div class="chart">{charts.to_div(figure, "chart-map")}</div>
<p class="caption">{esc(source_zh)}<span class="en">{esc(source_en)}</span></p>
</section>"""


# ---------------------------------------------------------------------------------------- indicators

def _indicators(bulletin: Bulletin) -> str:
    parts = [f'<section class="page" id="indicators">{_heading("indicators")}']
    first = True
    for chapter in settings()["chapters"]:
        for code in chapter["indicators"]:
            parts.append(_indicator(bulletin, chapter, code, first))
            first = False
    parts.append("</section>")
    return "\n".join(parts)


def _indicator(bulletin: Bulletin, chapter: dict, code: str, first_of_section: bool) -> str:
    meta = bulletin.indicators.loc[code]
    chapter_title = (f'<div class="chapter-title">{esc(chapter["plan_item"])} {esc(chapter["title_zh"])} '
                     f'<span class="en">{esc(chapter["title_en"])}</span></div>')
    unit = fmt.UNIT_SHOWN.get(meta["unit"], meta["unit"]) or "比值 ratio"
    head = (f'<h3>{esc(meta["name_zh"])}<span class="en">{esc(meta["name_en"])}（{esc(unit)}）</span></h3>')
    values = bulletin.values[bulletin.values["indicator_code"] == code]
    if values.empty:
        return (f'<div class="indicator" data-indicator="{esc(code)}">{chapter_title}{head}'
                f'<p class="small">截至{fmt.month_zh(bulletin.month)}尚无数据。<span class="en">No figures up to'
                f' {fmt.month_en(bulletin.month)}.</span></p></div>')
    cities = values[values["area_level"] == "city"]
    province = values[values["area_code"] == "440000"]
    period = values["time_period"].iloc[0]
    statuses = cities["obs_status"].value_counts()
    common = statuses.index[0]
    zh, en = bulletin.status_label("obs_status", common)
    is_rate = meta["series_kind"] == "rate"
    province_value = None
    province_text = ""
    if not province.empty:
        cell = province.iloc[0]
        shown = "… " if cell["obs_status"] in WITHHELD or fmt.is_blank(cell["value"]) else fmt.with_unit(cell["value"], meta["unit"])
        province_text = (f"全省{'' if is_rate else '合计'} {shown}{status_tag(cell['obs_status'], bulletin)}"
                         f"<span class='en'>Guangdong{'' if is_rate else ' total'}</span>")
        if is_rate and not fmt.is_blank(cell["value"]):
            province_value = float(cell["value"])
    bars = charts.indicator_bars(cities, bulletin.cities, meta["unit"], province_value, common)
    series = bulletin.series[bulletin.series["indicator_code"] == code]
    province_series = series[series["area_code"] == "440000"] if is_rate else None
    multiples = charts.small_multiples(series[series["area_code"] != "440000"], bulletin.cities, province_series)
    nominal = "（现价，名义）" if meta["nominal"] else ""
    lead = chapter_title if code == chapter["indicators"][0] else ""
    return f"""<div class="indicator" data-indicator="{esc(code)}">{lead}{head}
<p class="caption">{esc(period)} 各市数值{nominal}，数据状态：{esc(common)} {esc(zh)}（其他状态标在数值旁）。{province_text}
<span class="en">Cities in {esc(period)}, status {esc(common)} {esc(en)} (others marked beside the value).</span></p>
<div class="chart">{charts.to_div(bars, f"chart-bars-{code}")}</div>
<h4>近期走势 <span class="en">Recent trend{', with Guangdong in grey' if is_rate else ''}</span></h4>
<div class="chart">{charts.to_div(multiples, f"chart-trend-{code}")}</div>
</div>"""


# ------------------------------------------------------------------------------------------- anomalies

def _anomalies(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "anomalies")
    if absent:
        return absent
    anomalies = bulletin.anomalies
    names = _city_names(bulletin)
    if anomalies.empty:
        table = f"<p>{bulletin.label} 各期别没有异常标记。<span class='en'>No anomaly flags for periods ending {bulletin.label}.</span></p>"
    else:
        rows = "".join(f"""<tr data-area="{esc(r.area_code)}" data-rule="{esc(r.rule)}">
<td>{bilingual(*names.get(r.area_code, (r.area_code, r.area_code)))}</td><td>{bilingual(r.indicator_name_zh, r.indicator_name_en)}</td>
<td>{esc(r.time_period)}{status_tag(r.obs_status, bulletin)}</td><td>{bilingual(r.rule_zh, r.rule_en)}</td>
<td class="num">{fmt.number(r.score, '', 2)}<span class="en">阈值 {fmt.number(r.threshold, '', 2)}</span></td>
<td>{esc(r.reason_zh)}<span class="en">{esc(r.reason_en)}</span></td></tr>""" for r in anomalies.itertuples())
        table = f"""<table><thead><tr><th>城市<span class="en">City</span></th><th>指标<span class="en">Indicator</span></th>
<th>期别<span class="en">Period</span></th><th>规则<span class="en">Rule</span></th><th class="num">得分<span class="en">Score</span></th>
<th>说明<span class="en">Reason</span></th></tr></thead><tbody>{rows}</tbody></table>"""
    return f"""<section class="page" id="anomalies">{_heading("anomalies")}
<p>截至{fmt.month_zh(bulletin.month)}的各期别（含初步数）中看起来有误的数值，请报送单位核实；规则与阈值见第九部分。
<span class="en">Values of the periods ending {fmt.month_en(bulletin.month)} (provisional ones included) that look wrong, for the
submitters to check; rules and thresholds in part 9.</span></p>
{table}</section>"""


# ---------------------------------------------------------------------------------------- completeness

def _completeness(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "completeness")
    if absent:
        return absent
    board, owed = bulletin.board, bulletin.owed
    labels = {code: bulletin.status_label("completeness_status", code) for code in charts.COMPLETENESS_COLOURS}
    chart = charts.to_div(charts.completeness_chart(board, labels), "chart-completeness") if not board.empty else ""
    names = _city_names(bulletin)
    if owed.empty:
        table = "<p>没有缺报、被退回或逾期的数据。<span class='en'>Nothing missing, rejected or late.</span></p>"
    else:
        groups = owed.groupby(["completeness_status", "profile_name_zh", "profile_name_en", "indicator_name_zh",
                               "indicator_name_en", "time_period", "due_date"], sort=False)
        rows = []
        for (status, agency_zh, agency_en, name_zh, name_en, period, due), cells in groups:
            zh, en = labels[status]
            cities = "、".join(names[c][0] for c in cells["area_code"])
            late = int(cells["days_late"].max())
            rows.append(f"""<tr data-status="{esc(status)}"><td>{bilingual(agency_zh, agency_en)}</td>
<td>{bilingual(name_zh, name_en)}</td><td>{esc(period)}</td><td>{fmt.day(due)}</td>
<td>{esc(zh)}<span class="en">{esc(en)}</span></td><td class="num">{late}</td><td>{esc(cities)}（{len(cells)}）</td></tr>""")
        table = f"""<table><thead><tr><th>报送单位<span class="en">Owed by</span></th><th>指标<span class="en">Indicator</span></th>
<th>期别<span class="en">Period</span></th><th>应报日期<span class="en">Due</span></th><th>状态<span class="en">Status</span></th>
<th class="num">逾期天数<span class="en">Days late</span></th><th>城市<span class="en">Cities</span></th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>"""
    return f"""<section class="page" id="completeness">{_heading("completeness")}
<p>{fmt.month_zh(bulletin.month)}结束的各期别应报数据的报送情况（截至参考日期）。<span class="en">Every value owed for the periods
ending {fmt.month_en(bulletin.month)}, at the reference date.</span></p>
<div class="chart">{chart}</div>
<h3>谁还欠报什么 <span class="en">Who owes what</span></h3>
<p class="small">截至本月仍缺报或被退回的数据，及本月逾期报送的数据。<span class="en">Values still missing or rejected for any month
up to this one, and this month's late ones.</span></p>
{table}</section>"""


# ------------------------------------------------------------------------------------------- quality

def _quality(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "quality")
    if absent:
        return absent
    from indicators.validation import rules

    since, until = bulletin.window
    last_day = until.date() - dt.timedelta(days=1)
    period_zh, period_en = f"{fmt.day(since)} 至 {fmt.day(last_day)}", f"{fmt.day(since)} to {fmt.day(last_day)}"
    quality = bulletin.quality
    files = quality.drop_duplicates("submission_id")
    accepted = int((files["submission_status"] == "accepted").sum())
    rejected = int((files["submission_status"] == "rejected").sum())
    failed = quality[quality["failed"] > 0]
    warned = failed[failed["severity"] == "warning"]["submission_id"].nunique()
    catalogue = rules()
    rows = []
    for submission_id, findings in failed.groupby("submission_id", sort=False):
        first = findings.iloc[0]
        rules_text = "；".join(
            f"{catalogue[r.rule].label_zh if r.rule in catalogue else r.rule}（{'错误' if r.severity == 'error' else '警告'}）{int(r.failed)} 处"
            for r in findings.itertuples())
        outcome_zh, outcome_en = bulletin.status_label("submission_status", first["submission_status"])
        rows.append(f"""<tr data-submission="{int(submission_id)}"><td>#{int(submission_id)} {esc(first['original_filename'])}</td>
<td>{bilingual(first['profile_name_zh'], first['profile_name_en'])}</td><td>{fmt.local_time(first['received_at'])}</td>
<td>{esc(outcome_zh)}<span class="en">{esc(outcome_en)}</span></td><td>{esc(rules_text)}</td></tr>""")
    table = (f"""<table><thead><tr><th>文件<span class="en">File</span></th><th>报送单位<span class="en">Submitter</span></th>
<th>接收时间<span class="en">Received</span></th><th>结果<span class="en">Outcome</span></th>
<th>未通过的规则<span class="en">Rules failed</span></th></tr></thead><tbody>{''.join(rows)}</tbody></table>""" if rows else
             "<p>所有文件均通过全部校验规则。<span class='en'>Every file passed every rule.</span></p>")
    return f"""<section class="page" id="quality">{_heading("quality")}
<p>上期月报以来（{period_zh}）收到 <b>{len(files)}</b> 个文件：接收 {accepted} 个（其中 {warned} 个有警告），退回 {rejected} 个。
<span class="en">Since the last bulletin ({period_en}): {len(files)} files received, {accepted} accepted ({warned} with warnings),
{rejected} rejected.</span></p>
{table}</section>"""


# ------------------------------------------------------------------------------------------- revisions

def _revisions(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "revisions")
    if absent:
        return absent
    revisions = bulletin.revisions
    since, until = bulletin.window
    if revisions.empty:
        table = "<p>已发布数据没有修订。<span class='en'>No published figure was revised.</span></p>"
    else:
        rows = []
        for r in revisions.to_dict("records"):
            unit = bulletin.indicators["unit"].get(r["indicator_code"], r.get("unit") or "")
            submission = r.get("cause_submission_id", r.get("submission_id"))
            change = "—" if fmt.is_blank(r.get("change_pct")) else f"{fmt.signed(r['change_pct'], 1)}%"
            rows.append(f"""<tr><td>{bilingual(r['area_name_zh'], r['area_name_en'])}</td>
<td>{bilingual(r['indicator_name_zh'], r['indicator_name_en'])}</td><td>{esc(r['time_period'])}</td>
<td class="num">{fmt.number(r['old_value'], unit)}{status_tag(r.get('old_obs_status'), bulletin)}</td>
<td class="num">{fmt.number(r['new_value'], unit)}{status_tag(r.get('new_obs_status'), bulletin)}</td>
<td class="num">{change}</td><td>{fmt.local_time(r['changed_at'])}</td>
<td>{'' if fmt.is_blank(submission) else f'#{int(submission)}'}</td><td>{esc(r.get('reason'))}</td></tr>""")
        table = f"""<table><thead><tr><th>地区<span class="en">Area</span></th><th>指标<span class="en">Indicator</span></th>
<th>期别<span class="en">Period</span></th><th class="num">原值<span class="en">Old</span></th><th class="num">新值<span class="en">New</span></th>
<th class="num">幅度<span class="en">Change</span></th><th>时间<span class="en">When</span></th><th>报送批次<span class="en">Submission</span></th>
<th>原因<span class="en">Reason</span></th></tr></thead><tbody>{''.join(rows)}</tbody></table>"""
    return f"""<section class="page" id="revisions">{_heading("revisions")}
<p>上期月报以来（{fmt.local_time(since)} 至 {fmt.local_time(until)}）已发布数值的变动，含新报送的版本与撤回。
<span class="en">Changes to released figures since the last bulletin ({fmt.local_time(since)} to {fmt.local_time(until)}):
new vintages and withdrawals.</span></p>
{table}</section>"""


# ----------------------------------------------------------------------------------------------- notes

def _parameters(rule: pd.DataFrame) -> str:
    """A rule's parameters as written in anomalies.yaml: threshold = 3.5, min_cities = 5."""
    return "，".join(f"{name} = {value:g}" for name, value in zip(rule["parameter"], rule["value"], strict=True))


def _notes(bulletin: Bulletin) -> str:
    def codes(code_list: str, wanted: list[str]) -> str:
        rows = "".join(f"<tr><td><span class='status {c}'>{c}</span></td><td>{bilingual(*bulletin.status_label(code_list, c))}</td></tr>"
                       for c in wanted if (code_list, c) in bulletin.labels)
        return f"<table class='codes'><tbody>{rows}</tbody></table>"

    notes = bulletin.notes
    index_note = ""
    if bulletin.components is not None:
        indicators = bulletin.components[(bulletin.components["component_level"] == "indicator")].drop_duplicates("component_code")
        pillar_names = {code: zh for code, zh, _ in _pillars(bulletin)}
        rows = "".join(f"""<tr><td>{esc(pillar_names.get(r.pillar_code, r.pillar_code))}</td><td>{bilingual(r.component_name_zh, r.component_name_en)}</td>
<td class="num">{fmt.number(r.effective_weight * 100, '', 2)}%</td><td class="num">{fmt.number(r.worst, '', 2)}</td>
<td class="num">{fmt.number(r.best, '', 2)}</td></tr>""" for r in indicators.itertuples())
        index_note = f"""<h3>发展指数 <span class="en">Development index</span></h3>
<p>按 OECD/JRC《综合指标构建手册》与欧盟 DESI 做法：先按方向处理，再以固定目标值极差标准化为 0–100（各年可比），按权重加总为支柱与总指数；
缺少或保密的输入不以零填补，该市当年不排名。<span class="en">Following the OECD/JRC Handbook and DESI: direction first, min-max
normalisation between goalposts fixed across years, weighted aggregation into pillars and the index; a missing or
suppressed input is never filled with zero: the city is not ranked that year.</span></p>
<table><thead><tr><th>支柱<span class="en">Pillar</span></th><th>指标<span class="en">Indicator</span></th>
<th class="num">权重<span class="en">Weight</span></th><th class="num">0分值<span class="en">Scores 0</span></th>
<th class="num">100分值<span class="en">Scores 100</span></th></tr></thead><tbody>{rows}</tbody></table>"""
    anomaly_note = ""
    if bulletin.anomaly_rules is not None:
        rules = bulletin.anomaly_rules
        items = "".join(
            f"<li>{bilingual(group['rule_zh'].iloc[0], group['rule_en'].iloc[0])}"
            f"<span class='small'>{esc(_parameters(group))}</span></li>" for _, group in rules.groupby("rule", sort=False))
        anomaly_note = f'<h3>异常值规则 <span class="en">Anomaly rules</span></h3><ul>{items}</ul>'
    pub = bulletin.publication
    return f"""<section class="page" id="notes">{_heading("notes")}
<h3>观测状态 OBS_STATUS <span class="en">Observation status (SDMX)</span></h3>
{codes("obs_status", ["A", "P", "E", "B", "M", "Q"])}
<h3>保密状态 CONF_STATUS <span class="en">Confidentiality status (SDMX)</span></h3>
{codes("conf_status", ["F", "C", "D"])}
<p class="small">保密或不公布的数值只显示状态代码，不显示数值。<span class="en">A confidential or withheld figure shows its status code,
never a value.</span></p>
<h3>汇总与保密 <span class="en">Totals and confidentiality</span></h3>
<p>区域与全省数值为各市之和，比率为分子之和除以分母之和。报送城市不少于 {fmt.number(notes['min_coverage_pct'], '', 0)}% 时，缺报城市以其上次报送值乘以已报送城市的同期变化推算（E）；
不足时不公布（M）。贡献单位少于 {int(notes['min_units'])} 个的数值保密（C），可据以推算其值的相关数值补充隐藏（D），保护区间 {fmt.number(notes['protection_interval_pct'], '', 0)}%。
<span class="en">Regional and provincial figures sum the cities; a rate is the ratio of the summed parts. With at least
{fmt.number(notes['min_coverage_pct'], '', 0)} % of cities reporting, a missing city is imputed from its last value times the change of
those reporting (E); below it the total is withheld (M). A figure from fewer than {int(notes['min_units'])} units is confidential (C),
and cells from which it could be derived are suppressed too (D), with a {fmt.number(notes['protection_interval_pct'], '', 0)} % protection interval.</span></p>
<p class="small">{esc(notes['legal_basis'])}</p>
<h3>目标状态 <span class="en">Target lights</span></h3>
<p>截止日前：可完成（已完成或预计完成率 ≥ 100%）、有风险（≥ 90% 或无法测算）、难完成（&lt; 90%）；截止日后按最终值为已完成或未完成。
<span class="en">Before the deadline: on track (met, or projected ≥ 100 %), at risk (≥ 90 %, or no run-rate), off track
(&lt; 90 %); after it, achieved or not achieved on the final value.</span></p>
{index_note}
{anomaly_note}
<h3>数据来源 <span class="en">Source</span></h3>
<p>本月报全部数据取自服务库（只读），第 {esc(pub['build_generation'])} 版，发布于 {fmt.local_time(pub['published_at'])}，含报送批次至 #{esc(pub['last_submission_id'])}。
数值显示时四舍五入，存储保留全部精度。<span class="en">Every figure comes from the serving DB (read-only), build {esc(pub['build_generation'])},
published {fmt.local_time(pub['published_at'])}, submissions up to #{esc(pub['last_submission_id'])}. Figures are rounded half away
from zero for display; storage keeps full precision.</span></p>
</section>"""
