"""The bulletin as one self-contained HTML page: Chinese first with English labels, its stylesheet and
plotly.js inline (no network, no CDN), fonts that render Chinese (Noto Sans CJK SC first). Every figure
carries its status code; a withheld one (Q, M) shows the code and never a value."""

from __future__ import annotations

import datetime as dt
import html
from importlib import resources

from plotly.offline import get_plotlyjs

from pipelines.bulletin import charts, fmt, fonts, geo
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
    ("lineage", "十、数字溯源", "Where the headline figures come from"),
]
# The map draws the cities' own boundaries with every base layer off (geo.visible false); plotly.js would
# still fetch its world base map from a CDN, unless, as its offline bundle (plotly-geo-assets) does, the
# page holds it: an empty one stands in, so the page makes no request.
GEO_ASSETS = 'window.PlotlyGeoAssets = {topojson: {world_110m: {type: "Topology", objects: {}, arcs: []}}};'
LIGHT_ORDER = ["achieved", "on_track", "at_risk", "off_track", "not_achieved", "no_data"]
FINAL = {"achieved", "not_achieved"}  # after the deadline: the outcome, no projection
WITHHELD = {"Q", "M"}
INPUT_STATUS = {  # mart.index.input_status of an input the index cannot use
    "not_released": ("尚未发布", "not released yet"),
    "missing": ("无数值", "no value"),
    "suppressed": ("保密", "confidential"),
}


def esc(text) -> str:
    return html.escape("" if fmt.is_blank(text) else str(text))


def bilingual(zh, en) -> str:
    return f'{esc(zh)}<span class="en">{esc(en)}</span>'


def data_attributes(data: dict) -> str:
    return "".join(f' data-{key.replace("_", "-")}="{esc(value)}"' for key, value in data.items())


def table(headers: list[tuple], rows: list[str], css: str = "") -> str:
    """A table; each header is (zh, en) or (zh, en, "num") for a right-aligned figure column."""
    heads = "".join(f'<th{" class=num" if len(h) > 2 else ""}>{bilingual(h[0], h[1])}</th>' for h in headers)
    return f'<table class="{css}"><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def row(cells: list[str], element_id: str | None = None, **data) -> str:
    anchor = f' id="{esc(element_id)}"' if element_id else ""
    return f"<tr{anchor}{data_attributes(data)}>{''.join(cells)}</tr>"


def td(content: str = "", num: bool = False, span: int = 1, **data) -> str:
    spanning = f" colspan={span}" if span > 1 else ""
    return f'<td{" class=num" if num else ""}{spanning}{data_attributes(data)}>{content}</td>'


def paragraph(zh: str, en: str, css: str = "") -> str:
    return f'<p class="{css}">{zh}<span class="en">{en}</span></p>'


def status_tag(code, bulletin: Bulletin) -> str:
    """The SDMX status code as a small tag with its label; nothing for A (normal, released)."""
    if fmt.is_blank(code) or code == "A":
        return ""
    zh, en = bulletin.status_label("obs_status", code)
    return f'<span class="status {esc(code)}" title="{esc(zh)} / {esc(en)}">{esc(code)}</span>'


def figure(value, unit: str, status, bulletin: Bulletin) -> str:
    """A published figure with its status, or, withheld, the status alone with its label."""
    if status in WITHHELD or fmt.is_blank(value):
        zh, en = bulletin.status_label("obs_status", status) if not fmt.is_blank(status) else ("无数据", "no data")
        return f'<span class="withheld">…</span>{status_tag(status, bulletin)}<span class="en">{esc(zh)} {esc(en)}</span>'
    return f'<span class="figure">{fmt.number(value, unit)}</span>{status_tag(status, bulletin)}'


def lineage_id(area_code: str, time_period: str, indicator_code: str) -> str:
    return f"lineage-{area_code}-{time_period}-{indicator_code}"


def sourced(content: str, area_code: str, time_period, indicator_code: str, bulletin: Bulletin) -> str:
    """A headline figure linked to its entry in part 10, where mart.lineage says where it comes from."""
    if bulletin.lineage is None or (area_code, time_period, indicator_code) not in bulletin.lineage.index:
        return content
    return f'<a class="sourced" href="#{lineage_id(area_code, time_period, indicator_code)}">{content}</a>'


def light(status: str, bulletin: Bulletin) -> str:
    zh, en = bulletin.status_label("target_status", status)
    return f'<span class="light {esc(status)}"></span>{bilingual(zh, en)}'


def render(bulletin: Bulletin) -> str:
    config = settings()
    title_zh, title_en = config["title_zh"], config["title_en"]
    edition_zh, edition_en = fmt.month_zh(bulletin.month), fmt.month_en(bulletin.month)
    body = "\n".join(section(bulletin) for section in (_summary, _targets, _ranking, _map, _indicators, _anomalies,
                                                      _completeness, _quality, _revisions, _notes, _lineage))
    css = resources.files("pipelines").joinpath("bulletin/bulletin.css").read_text(encoding="utf-8")
    running = esc(f"{title_zh} {edition_zh}")
    page_rules = f"""@page {{ size: A4; margin: 16mm 15mm 16mm 15mm;
  @top-right {{ content: "{running}"; font-size: 7.5pt; color: #718096; }}
  @bottom-center {{ content: "第 " counter(page) " 页，共 " counter(pages) " 页 / Page " counter(page) " of "
                    counter(pages); font-size: 7.5pt; color: #718096; }} }}
@page :first {{ @top-right {{ content: none; }} }}"""
    title = f"{esc(title_zh)} {esc(edition_zh)} / {esc(title_en)}, {esc(edition_en)}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{fonts.font_faces(title + page_rules + body)}
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


def _open(section: str) -> str:
    zh, en = next((zh, en) for key, zh, en in SECTIONS if key == section)
    return f'<section class="page" id="{section}"><h2>{esc(zh)}<span class="en">{esc(en)}</span></h2>'


def _absent(bulletin: Bulletin, section: str) -> str | None:
    """One line for a section whose mart the serving DB does not hold yet."""
    mart = bulletin.absent.get(section)
    if mart is None:
        return None
    return (f'{_open(section)}<p class="absent" data-absent="{esc(mart)}">本节暂无数据：服务库中还没有 mart.{esc(mart)}。'
            f'<span class="en">No data for this section: the serving DB has no mart.{esc(mart)} yet.</span></p></section>')


def _city_names(bulletin: Bulletin) -> dict[str, tuple[str, str]]:
    return {r.area_code: (r.name_zh, r.name_en) for r in bulletin.cities.itertuples()}


# ---------------------------------------------------------------------------------------------- cover

def _summary(bulletin: Bulletin) -> str:
    config = settings()
    pub = bulletin.publication
    monthly = bulletin.values[bulletin.values["period"].dt.date == bulletin.month]
    release = ("" if monthly.empty else
               '<span class="release released">已发布 released</span>' if monthly["released"].all() else
               '<span class="release provisional">初步数，尚未发布 provisional, not released yet</span>')
    # The contents name each part without its ordinal, so that searching the PDF for "三、各市指数地图"
    # lands on the part itself.
    contents = "".join(f"<li>{bilingual(zh.split('、', 1)[1], en)}</li>" for _, zh, en in SECTIONS[1:])
    return f"""<section class="page" id="summary">
<header class="masthead">
  <div class="issuer">{esc(config['issuer_zh'])} · {esc(config['issuer_en'])}</div>
  <h1>{esc(config['title_zh'])}</h1>
  <div class="title-en">{esc(config['title_en'])}</div>
  <div class="edition">{fmt.month_zh(bulletin.month)} <span class="en">{fmt.month_en(bulletin.month)}</span>{release}</div>
  <div class="facts">
    <span>参考日期 Reference date: {fmt.day(pub['reference_date'])}</span>
    <span>数据发布于 Published: {fmt.local_time(pub['published_at'])}</span>
    <span>服务库版本 Build {esc(pub['build_generation'])}，报送批次 Submissions {esc(pub['submissions'])}</span>
  </div>
</header>
{_keypoints(bulletin)}
<h3>主要指标（全省）<span class="en">Headline figures, Guangdong</span></h3>
{_headline_table(bulletin)}
<h4>目录 Contents</h4>
<ol class="toc">{contents}</ol>
</section>"""


def _keypoints(bulletin: Bulletin) -> str:
    points = [_target_point(bulletin), _index_point(bulletin), _anomaly_point(bulletin),
              _completeness_point(bulletin), _revision_point(bulletin)]
    items = "".join(f"<li>{bilingual(zh, en)}</li>" for zh, en in filter(None, points))
    return f'<div class="keypoints"><h3>本期要点<span class="en">Key points</span></h3><ul>{items}</ul></div>'


def _target_point(bulletin: Bulletin) -> tuple[str, str] | None:
    if bulletin.targets is None or bulletin.targets.empty:
        return None
    latest = bulletin.targets[bulletin.targets["basis"] == "latest"]
    counts = latest["target_status"].value_counts()
    parts = [(bulletin.status_label("target_status", s), int(counts[s])) for s in LIGHT_ORDER if s in counts]
    year = bulletin.month.year
    return (f"{year}年及以后的 {len(latest)} 项目标：" + "，".join(f"{zh} {n} 项" for (zh, _), n in parts),
            f"{len(latest)} targets for {year} and later: " + ", ".join(f"{en.lower()} {n}" for (_, en), n in parts))


def _index_point(bulletin: Bulletin) -> tuple[str, str] | None:
    if bulletin.ranking is None:
        return None
    top = bulletin.ranking[bulletin.ranking["ranked"]].sort_values("rank").iloc[0]
    name_zh, name_en = _city_names(bulletin)[top["area_code"]]
    score, interval = fmt.number(top["index_score"], "", 1), f"{int(top['rank_p05'])}–{int(top['rank_p95'])}"
    return (f"{bulletin.index_year}年数字经济发展指数：{name_zh}居首（{score}，模拟名次区间 {interval}）",
            f"{bulletin.index_year} development index: {name_en} first ({score}; rank interval {interval})")


def _anomaly_point(bulletin: Bulletin) -> tuple[str, str] | None:
    if bulletin.anomalies is None:
        return None
    n, cities = len(bulletin.anomalies), bulletin.anomalies["area_code"].nunique()
    if not n:
        return "本期未发现异常值", "No anomalies this period"
    return f"本期异常标记 {n} 条，涉及 {cities} 个城市，请核实", f"{n} anomaly flags in {cities} cities, to be checked"


def _completeness_point(bulletin: Bulletin) -> tuple[str, str] | None:
    if bulletin.board is None:
        return None
    total = bulletin.board.groupby("completeness_status")["cells"].sum()
    on_time, late, due = (int(total.get(s, 0)) for s in ("received", "received_late", "not_yet_due"))
    owed = int(bulletin.owed["completeness_status"].isin(["missing", "rejected"]).sum())
    return (f"本月应报 {int(total.sum()):,} 个数据：按时 {on_time:,}，逾期 {late:,}，未到期 {due:,}；"
            f"截至参考日期仍缺报或被退回 {owed:,} 个",
            f"{int(total.sum()):,} values expected this month: {on_time:,} on time, {late:,} late, {due:,} not yet due;"
            f" {owed:,} still missing or rejected at the reference date")


def _revision_point(bulletin: Bulletin) -> tuple[str, str] | None:
    if bulletin.revisions is None:
        return None
    n = len(bulletin.revisions)
    if not n:
        return "上期月报以来，已发布数据没有修订", "No released figure revised since the last bulletin"
    return f"上期月报以来，已发布数据修订 {n} 项", f"{n} released figures revised since the last bulletin"


def _growth(cell) -> str:
    if cell["growth_unit"] == "pp":
        return "—" if fmt.is_blank(cell["yoy_change"]) else f"{fmt.signed(cell['yoy_change'])} 个百分点 pp"
    return "—" if fmt.is_blank(cell["yoy_growth"]) else f"{fmt.signed(cell['yoy_growth'])}%"


def _headline_table(bulletin: Bulletin) -> str:
    province = bulletin.values[bulletin.values["area_code"] == "440000"].set_index("indicator_code")
    rows = []
    for code in settings()["headline"]:
        if code not in province.index:
            continue
        meta, cell = bulletin.indicators.loc[code], province.loc[code]
        rows.append(row([
            td(bilingual(meta["name_zh"], meta["name_en"])), td(esc(cell["time_period"])),
            td(sourced(figure(cell["value"], meta["unit"], cell["obs_status"], bulletin), "440000", cell["time_period"],
                       code, bulletin), num=True, field="value"),
            td(esc(fmt.UNIT_SHOWN.get(meta["unit"], meta["unit"]))), td(_growth(cell), num=True),
        ], indicator=code, area="440000", period=cell["time_period"]))
    headers = [("指标", "Indicator"), ("期别", "Period"), ("全省", "Guangdong", "num"), ("单位", "Unit"),
               ("同比", "Year on year", "num")]
    return table(headers, rows, "headline") + paragraph(
        "P 初步 · E 估计 · B 序列中断 · M 不公布 · Q 保密（第九部分）；比率的同比为百分点，现价指标为名义增长。",
        "P provisional · E estimated · B break · M withheld · Q confidential (part 9); rates grow in points, current"
        " prices nominally.", "caption")


# --------------------------------------------------------------------------------------------- targets

def _target_name(target) -> tuple[str, str]:
    if target.area_code == "440000":
        return f"{target.indicator_name_zh}（{target.year}年）", f"{target.indicator_name_en}, {target.year}"
    return (f"{target.area_name_zh} {target.indicator_name_zh}（{target.year}年）",
            f"{target.area_name_en}: {target.indicator_name_en}, {target.year}")


def _targets(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "targets")
    if absent:
        return absent
    year = bulletin.month.year
    if bulletin.targets.empty:
        return _open("targets") + paragraph(f"{year}年及以后没有监测目标。", f"No target runs in {year} or later.") + "</section>"
    latest = bulletin.targets[bulletin.targets["basis"] == "latest"].reset_index(drop=True)
    released = bulletin.targets[bulletin.targets["basis"] == "released"].set_index("target_id")
    counts = latest["target_status"].value_counts()
    lights = "".join(f'<span class="count"><b>{int(counts[s])}</b>{light(s, bulletin)}</span>'
                     for s in LIGHT_ORDER if s in counts)
    names = [_target_name(t) for t in latest.itertuples()]
    chart = charts.to_div(charts.target_chart(latest, [zh for zh, _ in names], FINAL), "chart-targets")
    rows = []
    for target, (name_zh, name_en) in zip(latest.itertuples(), names, strict=True):
        on_released = '<span class="small">相同 same</span>'
        if target.target_id in released.index and released.at[target.target_id, "target_status"] != target.target_status:
            other = released.loc[target.target_id]
            on_released = (f'<span class="differs">{light(other["target_status"], bulletin)}</span>'
                           f'<span class="en">实际值期别 actual of {esc(other["actual_time_period"])}</span>')
        if target.target_status in FINAL:
            projected = bilingual("最终值", "final")
        elif fmt.is_blank(target.projected_completion_pct):
            projected = bilingual("无法测算", "n/a")
        else:
            projected = f"{fmt.number(target.projected_completion_pct, '%', 1)}%"
        note = '<span class="en">示意性目标 illustrative target</span>' if target.illustrative else ""
        rows.append(row([
            td(bilingual(name_zh, name_en) + note),
            td(f"{esc(target.comparison)} {fmt.number(target.target_value, target.unit)}", num=True),
            td(sourced(figure(target.actual, target.unit, target.actual_obs_status, bulletin), target.area_code,
                       target.actual_time_period, target.indicator_code, bulletin)
               + f'<span class="en">{esc(target.actual_time_period)}</span>', num=True, field="actual"),
            td(f"{fmt.number(target.completion_pct, '%')}%", num=True, field="completion"),
            td(f"{fmt.number(target.time_elapsed_pct, '%', 1)}%", num=True, field="elapsed"),
            td(projected, num=True, field="projected"),
            td(light(target.target_status, bulletin), field="status", status=target.target_status),
            td(on_released),
        ], target=target.target_id))
    headers = [("目标", "Target"), ("目标值", "Target", "num"), ("实际值", "Actual", "num"), ("完成率", "Done", "num"),
               ("时间进度", "Time", "num"), ("预计", "Projected", "num"), ("状态", "Light"),
               ("按已发布数据", "On released figures")]
    reference_date = fmt.day(latest["reference_date"].iloc[0])
    return f"""{_open("targets")}
{paragraph(f"截至参考日期 {reference_date}，按最新数据（含初步数）判断各项目标；最后一列为仅按已发布数据的判断，二者不同时标红。",
           f"Each target judged on the latest figures (provisional ones included) at the reference date {reference_date};"
           " the last column judges it on released figures only, in red where the two differ.")}
<div class="lights">{lights}</div>
<div class="chart">{chart}</div>
{paragraph("条形为完成率，竖线为时间进度，菱形为按近12个月速度预计截止日的完成率；“≤”目标（PUE）反向计算。",
           "Bars: completion; tick: time elapsed; diamond: completion projected to the deadline at the pace of the"
           " last twelve months. A “≤” target (PUE) counts in reverse.", "caption")}
{table(headers, rows, "targets")}
</section>"""


# --------------------------------------------------------------------------------------- index, map

def _pillars(bulletin: Bulletin) -> list[tuple[str, str, str]]:
    """(code, Chinese name, English name) of each pillar, in the order the index lists them."""
    pillars = bulletin.components[bulletin.components["component_level"] == "pillar"]
    return list(dict.fromkeys(zip(pillars["component_code"], pillars["component_name_zh"],
                                  pillars["component_name_en"], strict=True)))


def _gaps_note(bulletin: Bulletin) -> str:
    """Why a later year has no ranking: the inputs it lacks, by why they are lacking."""
    if bulletin.gaps is None or bulletin.gaps.empty:
        return ""
    notes = []
    for year, gaps in bulletin.gaps.groupby("year"):
        parts_zh, parts_en = [], []
        for status, inputs in gaps.groupby("input_status", sort=False):
            zh, en = INPUT_STATUS.get(status, (status, status))
            parts_zh.append(f"{zh}：" + "、".join(inputs["component_name_zh"]))
            parts_en.append(f"{en}: " + ", ".join(inputs["component_name_en"]))
        notes.append(paragraph(f"{int(year)}年指数尚不能编制，各市缺少输入——{esc('；'.join(parts_zh))}。",
                               f"No city can be ranked for {int(year)} yet; inputs lacking — {esc('; '.join(parts_en))}.",
                               "small"))
    return "".join(notes)


def _ranking(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "ranking")
    if absent:
        return absent
    if bulletin.ranking is None:
        return (_open("ranking") + paragraph("尚无可排名的年份。", "No year has ranked cities yet.")
                + _gaps_note(bulletin) + "</section>")
    names = _city_names(bulletin)
    regions = {r.area_code: (r.region_name_zh, r.region_name_en) for r in bulletin.cities.itertuples()}
    pillars = _pillars(bulletin) if bulletin.components is not None else []
    scores = {}
    if pillars:
        rows = bulletin.components[bulletin.components["component_level"] == "pillar"]
        scores = {(r.area_code, r.component_code): r.score for r in rows.itertuples()}
    body = []
    for city in bulletin.ranking.itertuples():
        name = (f'{esc(names[city.area_code][0])}<span class="en">{esc(names[city.area_code][1])} · '
                f'{esc(regions[city.area_code][0])}</span>')
        if not city.ranked:
            body.append(row([td("—", num=True), td(name), td(bilingual(city.reason_zh, city.reason_en),
                                                             span=3 + len(pillars))], area=city.area_code, ranked="false"))
            continue
        body.append(row([
            td(str(int(city.rank)), num=True, field="rank"), td(name),
            td(fmt.number(city.index_score, "", 1), num=True, field="score"),
            *(td(fmt.number(scores.get((city.area_code, code)), "", 1), num=True) for code, _, _ in pillars),
            td(str(int(city.rank_median)), num=True),
            td(f"{int(city.rank_p05)}–{int(city.rank_p95)}", num=True, field="interval"),
        ], area=city.area_code, ranked="true"))
    headers = [("名次", "Rank", "num"), ("城市", "City"), ("指数", "Index", "num"),
               *((zh, en, "num") for _, zh, en in pillars), ("中位名次", "Median", "num"), ("5–95%区间", "Interval", "num")]
    first = bulletin.ranking.iloc[0]
    draws, seed, year = f"{int(first['n_draws']):,}", int(first["seed"]), bulletin.index_year
    chart = charts.to_div(charts.ranking_chart(bulletin.ranking, {c: zh for c, (zh, _) in names.items()}), "chart-ranking")
    return f"""{_open("ranking")}
{paragraph(f"{year}年指数（按已发布数据）：四个支柱加权合成，指标按固定目标值标准化为0–100（详见第九部分）。"
           f"名次区间来自 {draws} 次蒙特卡洛模拟（随机改变权重、标准化与加总方法，种子 {seed}），区间越窄，名次越确定。",
           f"The {year} index on released figures: four weighted pillars, indicators normalised 0–100 between fixed"
           f" goalposts (part 9). Rank intervals from {draws} Monte-Carlo draws varying weights, normalisation and"
           f" aggregation (seed {seed}): the narrower, the surer the rank.")}
{_gaps_note(bulletin)}
{table(headers, body, "ranking")}
<h3>名次的确定程度<span class="en">How sure each rank is</span></h3>
<div class="chart">{chart}</div>
</section>"""


def _map(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "map")
    if absent:
        return absent
    if bulletin.ranking is None:
        return _open("map") + paragraph("尚无可排名的年份，地图暂缺。", "No year has ranked cities yet: no map.") + "</section>"
    boundaries = geo.city_boundaries(tuple(bulletin.cities["area_code"]))
    points = {feature["id"]: geo.label_point(feature) for feature in boundaries["features"]}
    chart = charts.to_div(charts.index_map(bulletin.ranking, bulletin.cities, boundaries, points), "chart-map")
    source_zh, source_en = geo.source_note()
    year = bulletin.index_year
    return f"""{_open("map")}
{paragraph(f"{year}年各市数字经济发展指数，颜色越深指数越高；灰色为未排名城市。",
           f"The {year} development index by city: the darker, the higher; grey cities are not ranked.")}
<div class="chart">{chart}</div>
{paragraph(esc(source_zh), esc(source_en), "caption")}
</section>"""


# ---------------------------------------------------------------------------------------- indicators

def _indicators(bulletin: Bulletin) -> str:
    blocks = [_indicator(bulletin, chapter, code) for chapter in settings()["chapters"] for code in chapter["indicators"]]
    return _open("indicators") + "\n".join(blocks) + "</section>"


def _indicator(bulletin: Bulletin, chapter: dict, code: str) -> str:
    meta = bulletin.indicators.loc[code]
    lead = ""
    if code == chapter["indicators"][0]:
        lead = (f'<div class="chapter-title">{esc(chapter["plan_item"])} {esc(chapter["title_zh"])}'
                f'<span class="en">{esc(chapter["title_en"])}</span></div>')
    unit = fmt.UNIT_SHOWN.get(meta["unit"], meta["unit"]) or "比值 ratio"
    nominal = "，现价 current prices" if meta["nominal"] else ""
    head = f'<h3>{esc(meta["name_zh"])}<span class="en">{esc(meta["name_en"])}（{esc(unit)}{nominal}）</span></h3>'
    values = bulletin.values[bulletin.values["indicator_code"] == code]
    if values.empty:
        return (f'<div class="indicator" data-indicator="{esc(code)}">{lead}{head}'
                + paragraph(f"截至{fmt.month_zh(bulletin.month)}尚无数据。", f"No figures up to {fmt.month_en(bulletin.month)}.",
                            "small") + "</div>")
    cities = values[values["area_level"] == "city"]
    period = values["time_period"].iloc[0]
    common = cities["obs_status"].value_counts().index[0]
    status_zh, status_en = bulletin.status_label("obs_status", common)
    is_rate = meta["series_kind"] == "rate"  # a rate compares with the province's; a count's total does not
    province = values[values["area_code"] == "440000"]
    province_line, province_text = None, ""
    if not province.empty:
        cell = province.iloc[0]
        total_zh, total_en = ("全省", "Guangdong") if is_rate else ("全省合计", "Guangdong total")
        province_text = f"{total_zh} {total_en}：{figure(cell['value'], meta['unit'], cell['obs_status'], bulletin)}"
        if is_rate and cell["obs_status"] not in WITHHELD and not fmt.is_blank(cell["value"]):
            province_line = float(cell["value"])
    bars = charts.indicator_bars(cities, bulletin.cities, meta["unit"], province_line, common)
    series = bulletin.series[bulletin.series["indicator_code"] == code]
    trend = charts.small_multiples(series[series["area_code"] != "440000"], bulletin.cities,
                                   series[series["area_code"] == "440000"] if is_rate else None)
    trend_en = "Recent trend, Guangdong in grey" if is_rate else "Recent trend"
    later, later_cities = values["latest_time_period"].iloc[0], int(values["latest_cities"].iloc[0])
    coverage = fmt.number(bulletin.notes["min_coverage_pct"], "", 0)
    thin = "" if later == period else paragraph(
        f"{esc(later)} 目前仅 {later_cities} 个城市报送（不足 {coverage}%），故显示 {esc(period)}；走势图含 {esc(later)}。",
        f"Only {later_cities} {'city has' if later_cities == 1 else 'cities have'} reported {esc(later)} so far"
        f" (under {coverage} %): {esc(period)} is shown,"
        f" the trend includes {esc(later)}.", "caption thin")
    return f"""<div class="indicator" data-indicator="{esc(code)}">{lead}{head}
<p class="caption">{esc(period)} 各市数值，状态 {esc(common)} {esc(status_zh)}（其他状态标在数值旁）。{province_text}
<span class="en">Cities in {esc(period)}, status {esc(common)} {esc(status_en)} (any other marked beside the value).</span></p>
{thin}
<div class="chart">{charts.to_div(bars, f"chart-bars-{code}")}</div>
<h4>近期走势<span class="en">{trend_en}</span></h4>
<div class="chart">{charts.to_div(trend, f"chart-trend-{code}", static=True)}</div>
</div>"""


# ------------------------------------------------------------------------------------------- anomalies

def _anomalies(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "anomalies")
    if absent:
        return absent
    names = _city_names(bulletin)
    rows = [row([
        td(bilingual(*names.get(a.area_code, (a.area_code, a.area_code)))),
        td(bilingual(a.indicator_name_zh, a.indicator_name_en)),
        td(esc(a.time_period) + status_tag(a.obs_status, bulletin)),
        td(bilingual(a.rule_zh, a.rule_en)),
        td(f'{fmt.number(a.score, "", 2)}<span class="en">阈值 threshold {fmt.number(a.threshold, "", 2)}</span>', num=True),
        td(bilingual(a.reason_zh, a.reason_en)),
    ], area=a.area_code, rule=a.rule) for a in bulletin.anomalies.itertuples()]
    headers = [("城市", "City"), ("指标", "Indicator"), ("期别", "Period"), ("规则", "Rule"), ("得分", "Score", "num"),
               ("说明", "Reason")]
    month_zh, month_en = fmt.month_zh(bulletin.month), fmt.month_en(bulletin.month)
    found = (table(headers, rows, "anomalies") if rows else
             paragraph(f"{month_zh}结束的各期别没有异常标记。", f"No anomaly flags for the periods ending {month_en}."))
    return f"""{_open("anomalies")}
{paragraph(f"{month_zh}结束的各期别（含初步数）中看起来有误的数值，请报送单位核实；规则与阈值见第九部分。",
           f"Values of the periods ending {month_en} (provisional ones included) that look wrong, for the submitters"
           " to check; rules and thresholds in part 9.")}
{found}</section>"""


# ---------------------------------------------------------------------------------------- completeness

def _completeness(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "completeness")
    if absent:
        return absent
    labels = {code: bulletin.status_label("completeness_status", code) for code in charts.COMPLETENESS_COLOURS}
    chart = (charts.to_div(charts.completeness_chart(bulletin.board, labels), "chart-completeness")
             if not bulletin.board.empty else "")
    names = _city_names(bulletin)
    rows = []
    columns = ["completeness_status", "profile_name_zh", "profile_name_en", "indicator_name_zh", "indicator_name_en",
               "time_period", "due_date"]
    for (status, agency_zh, agency_en, name_zh, name_en, period, due), cells in bulletin.owed.groupby(columns, sort=False):
        cities = "、".join(names[c][0] for c in cells["area_code"])
        rows.append(row([
            td(bilingual(agency_zh, agency_en)), td(bilingual(name_zh, name_en)), td(esc(period)), td(fmt.day(due)),
            td(bilingual(*labels[status])), td(str(int(cells["days_late"].max())), num=True),
            td(f"{esc(cities)}（{len(cells)}）"),
        ], status=status))
    headers = [("报送单位", "Owed by"), ("指标", "Indicator"), ("期别", "Period"), ("应报日期", "Due"),
               ("状态", "Status"), ("逾期天数", "Days late", "num"), ("城市", "Cities")]
    owed = (table(headers, rows, "owed") if rows else
            paragraph("没有缺报、被退回或逾期的数据。", "Nothing missing, rejected or late."))
    month_zh, month_en = fmt.month_zh(bulletin.month), fmt.month_en(bulletin.month)
    return f"""{_open("completeness")}
{paragraph(f"{month_zh}结束的各期别应报数据的报送情况（截至参考日期，各报送单位应报的城市×指标）。",
           f"The values owed for the periods ending {month_en} (every city × indicator each agency owes), at the"
           " reference date.")}
<div class="chart">{chart}</div>
<h3>谁还欠报什么<span class="en">Who owes what</span></h3>
{paragraph("截至本月仍缺报或被退回的数据，以及本月逾期报送的数据。",
           "Values still missing or rejected for any month up to this one, and this month's late ones.", "small")}
{owed}</section>"""


# ------------------------------------------------------------------------------------------- quality

def _quality(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "quality")
    if absent:
        return absent
    from indicators.validation import rules

    since, until = bulletin.window
    last_day = until.date() - dt.timedelta(days=1)
    quality = bulletin.quality
    files = quality.drop_duplicates("submission_id")
    accepted = int((files["submission_status"] == "accepted").sum())
    rejected = len(files) - accepted
    failed = quality[quality["failed"] > 0]
    warned = failed.loc[(failed["severity"] == "warning") & (failed["submission_status"] == "accepted"),
                        "submission_id"].nunique()
    catalogue = rules()
    rows = []
    for submission_id, findings in failed.groupby("submission_id", sort=False):
        first = findings.iloc[0]
        found = "；".join(f"{catalogue[f.rule].label_zh if f.rule in catalogue else f.rule}"
                         f"（{'错误' if f.severity == 'error' else '警告'}）{int(f.failed)} 处" for f in findings.itertuples())
        rows.append(row([
            td(f"#{int(submission_id)} {esc(first['original_filename'])}"),
            td(bilingual(first["profile_name_zh"], first["profile_name_en"])), td(fmt.local_time(first["received_at"])),
            td(bilingual(*bulletin.status_label("submission_status", first["submission_status"]))), td(esc(found)),
        ], submission=int(submission_id)))
    headers = [("文件", "File"), ("报送单位", "Submitter"), ("接收时间", "Received"), ("结果", "Outcome"),
               ("未通过的规则", "Rules failed")]
    listed = (table(headers, rows, "quality") if rows else
              paragraph("所有文件均通过全部校验规则。", "Every file passed every rule."))
    return f"""{_open("quality")}
{paragraph(f"上期月报以来（{fmt.day(since)} 至 {fmt.day(last_day)}）收到 <b>{len(files)}</b> 个文件：接收 {accepted} 个"
           f"（其中 {warned} 个有警告），退回 {rejected} 个。",
           f"Since the last bulletin ({fmt.day(since)} to {fmt.day(last_day)}): {len(files)} files received,"
           f" {accepted} accepted ({warned} with warnings), {rejected} rejected.")}
{listed}</section>"""


# ------------------------------------------------------------------------------------------- revisions

def _revisions(bulletin: Bulletin) -> str:
    """Changes to released figures. Written against the columns both layouts of mart.v_released_revisions
    share, reading the submission and the statuses where the layout has them."""
    absent = _absent(bulletin, "revisions")
    if absent:
        return absent
    since, until = bulletin.window
    rows = []
    for r in bulletin.revisions.to_dict("records"):
        unit = bulletin.indicators["unit"].get(r["indicator_code"], r.get("unit") or "")
        submission = r.get("cause_submission_id", r.get("submission_id"))
        change = "—" if fmt.is_blank(r.get("change_pct")) else f"{fmt.signed(r['change_pct'], 1)}%"
        rows.append(row([
            td(bilingual(r["area_name_zh"], r["area_name_en"])), td(bilingual(r["indicator_name_zh"], r["indicator_name_en"])),
            td(esc(r["time_period"])),
            td(fmt.number(r["old_value"], unit) + status_tag(r.get("old_obs_status"), bulletin), num=True),
            td(fmt.number(r["new_value"], unit) + status_tag(r.get("new_obs_status"), bulletin), num=True),
            td(change, num=True), td(fmt.local_time(r["changed_at"])),
            td("" if fmt.is_blank(submission) else f"#{int(submission)}"), td(esc(r.get("reason"))),
        ]))
    headers = [("地区", "Area"), ("指标", "Indicator"), ("期别", "Period"), ("原值", "Old", "num"), ("新值", "New", "num"),
               ("幅度", "Change", "num"), ("时间", "When"), ("报送批次", "Submission"), ("原因", "Reason")]
    listed = (table(headers, rows, "revisions") if rows else
              paragraph("已发布数据没有修订。", "No released figure was revised."))
    return f"""{_open("revisions")}
{paragraph(f"上期月报以来（{fmt.local_time(since)} 至 {fmt.local_time(until)}）已发布数值的变动：新报送的版本与撤回。",
           f"Changes to released figures since the last bulletin ({fmt.local_time(since)} to {fmt.local_time(until)}):"
           " new vintages and withdrawals.")}
{listed}</section>"""


# ----------------------------------------------------------------------------------------------- notes

def _codes(bulletin: Bulletin, code_list: str, codes: list[str]) -> str:
    rows = [row([td(f"<span class='status {c}'>{c}</span>"), td(bilingual(*bulletin.status_label(code_list, c)))])
            for c in codes if (code_list, c) in bulletin.labels]
    return table([("代码", "Code"), ("含义", "Meaning")], rows, "codes")


def _index_method(bulletin: Bulletin) -> str:
    if bulletin.components is None:
        return ""
    components = bulletin.components
    indicators = components[components["component_level"] == "indicator"].drop_duplicates("component_code")
    pillar_names = {code: (zh, en) for code, zh, en in _pillars(bulletin)}
    rows = [row([
        td(bilingual(*pillar_names.get(i.pillar_code, (i.pillar_code, i.pillar_code)))),
        td(bilingual(i.component_name_zh, i.component_name_en)),
        td(f"{fmt.number(i.effective_weight * 100, '', 2)}%", num=True),
        td(fmt.number(i.worst, "", 2), num=True), td(fmt.number(i.best, "", 2), num=True),
    ]) for i in indicators.sort_values(["pillar_code", "component_code"]).itertuples()]
    headers = [("支柱", "Pillar"), ("指标", "Indicator"), ("权重", "Weight", "num"), ("0分值", "Scores 0", "num"),
               ("100分值", "Scores 100", "num")]
    return f"""<h3>发展指数<span class="en">Development index</span></h3>
{paragraph("按 OECD/JRC《综合指标构建手册》与欧盟 DESI 做法：先按方向处理，再以各年固定的目标值做极差标准化"
           "（0–100），按权重加总为支柱与总指数；缺少或保密的输入不以零填补，该市当年不排名。",
           "Following the OECD/JRC Handbook and DESI: direction first, min-max normalisation between goalposts fixed"
           " across years, weighted aggregation into pillars and the index; a missing or suppressed input is never"
           " filled with zero: the city is not ranked that year.")}
{table(headers, rows, "weights")}"""


def _anomaly_method(bulletin: Bulletin) -> str:
    if bulletin.anomaly_rules is None:
        return ""
    rows = []
    for _, rule in bulletin.anomaly_rules.groupby("rule", sort=False):
        parameters = "，".join(f"{name} = {value:g}" for name, value in zip(rule["parameter"], rule["value"], strict=True))
        rows.append(row([td(bilingual(rule["rule_zh"].iloc[0], rule["rule_en"].iloc[0])), td(esc(parameters))]))
    return '<h3>异常值规则<span class="en">Anomaly rules</span></h3>' + table([("规则", "Rule"), ("参数", "Parameters")], rows)


def _notes(bulletin: Bulletin) -> str:
    notes, pub = bulletin.notes, bulletin.publication
    coverage, units = fmt.number(notes["min_coverage_pct"], "", 0), int(notes["min_units"])
    interval = fmt.number(notes["protection_interval_pct"], "", 0)
    return f"""{_open("notes")}
<h3>观测状态 OBS_STATUS<span class="en">Observation status (SDMX)</span></h3>
{_codes(bulletin, "obs_status", ["A", "P", "E", "B", "M", "Q"])}
<h3>保密状态 CONF_STATUS<span class="en">Confidentiality status (SDMX)</span></h3>
{_codes(bulletin, "conf_status", ["F", "C", "D"])}
{paragraph("保密（C、D，观测状态 Q）或不公布（M）的数值只显示状态代码，不显示数值。",
           "A confidential (C, D: status Q) or withheld (M) figure shows its status code, never a value.", "small")}
<h3>汇总与保密<span class="en">Totals and confidentiality</span></h3>
{paragraph(f"区域与全省数值为各市之和，比率为分子之和除以分母之和。报送城市不少于 {coverage}% 时，"
           "缺报城市以其上次报送值乘以已报送城市的同期变化推算（E）；不足时不公布（M）。"
           f"贡献单位少于 {units} 个的数值保密（C），可据以推算其值的相关数值补充隐藏（D），保护区间 {interval}%。",
           f"Regional and provincial figures sum the cities; a rate is the ratio of the summed parts. With at least"
           f" {coverage} % of cities reporting, a missing city is imputed from its last value times the change of those"
           f" reporting (E); below it the total is withheld (M). A figure from fewer than {units} units is confidential"
           f" (C), and the cells from which it could be derived are suppressed too (D), with a {interval} % protection"
           " interval.")}
<p class="small">{esc(notes['legal_basis'])}</p>
<h3>目标状态<span class="en">Target lights</span></h3>
{paragraph("截止日前：可完成（已完成或预计完成率 ≥ 100%）、有风险（≥ 90% 或无法测算）、难完成（&lt; 90%）；"
           "截止日后按最终值为已完成或未完成。",
           "Before the deadline: on track (met, or projected ≥ 100 %), at risk (≥ 90 %, or no run-rate), off track"
           " (&lt; 90 %); after it, achieved or not achieved on the final value.")}
{_index_method(bulletin)}
{_anomaly_method(bulletin)}
<h3>数据来源<span class="en">Source</span></h3>
{paragraph(f"本月报全部数据取自服务库（只读）第 {esc(pub['build_generation'])} 版，发布于 {fmt.local_time(pub['published_at'])}，"
           f"含报送批次至 #{esc(pub['last_submission_id'])}。数值显示时四舍五入，存储保留全部精度。",
           f"Every figure comes from the serving DB (read-only), build {esc(pub['build_generation'])}, published"
           f" {fmt.local_time(pub['published_at'])}, submissions up to #{esc(pub['last_submission_id'])}. Figures are"
           " rounded half away from zero for display; storage keeps full precision.")}
</section>"""



def _lineage(bulletin: Bulletin) -> str:
    absent = _absent(bulletin, "lineage")
    if absent:
        return absent
    rows = []
    for (area, period, code), figure_lineage in bulletin.lineage.iterrows():
        inputs_zh, inputs_en = [], []
        periods = figure_lineage["periods"]
        if len(periods) > 1:
            inputs_zh.append(f"{periods[0]} 至 {periods[-1]} 合计")
            inputs_en.append(f"summed over {periods[0]} to {periods[-1]}")
        reported = figure_lineage["n_cities_reported"]
        if reported:
            inputs_zh.append(f"{reported} 个城市报送")
            inputs_en.append(f"{reported} {'city' if reported == 1 else 'cities'} reported")
        if len(figure_lineage["imputed_zh"]):
            inputs_zh.append(f"估计 {'、'.join(figure_lineage['imputed_zh'])}")
            inputs_en.append(f"imputed: {', '.join(figure_lineage['imputed_en'])}")
        if figure_lineage["n_confidential_inputs"]:
            inputs_zh.append(f"保密输入 {figure_lineage['n_confidential_inputs']} 项")
            inputs_en.append(f"{figure_lineage['n_confidential_inputs']} confidential inputs")
        if figure_lineage["n_superseded"]:
            inputs_zh.append(f"被取代的早先版本 {figure_lineage['n_superseded']} 个")
            inputs_en.append(f"{figure_lineage['n_superseded']} earlier vintages superseded")
        listed = "<br>".join(
            f'<span data-submission="{s["submission_id"]}">#{s["submission_id"]} {esc(s["file"])}'
            f'<span class="en">{esc(s["profile"])}, {esc(s["received_at"])}</span></span>'
            for s in figure_lineage["submissions"])
        command = f"digecon explain {area} {periods[0] if len(periods) > 1 else period} {code}"
        command += f" … {periods[-1]}" if len(periods) > 1 else ""
        rows.append(row([
            td(bilingual(f"{figure_lineage['area_name_zh']} {figure_lineage['indicator_name_zh']}",
                         f"{figure_lineage['area_name_en']}: {figure_lineage['indicator_name_en']}")
               + f'<span class="en">{esc(period)}</span>'),
            td(bilingual("；".join(inputs_zh) or "无输入", "; ".join(inputs_en) or "no inputs")
               + f'<span class="en"><code>{esc(command)}</code></span>'),
            td(listed or bilingual("无", "none")),
        ], element_id=lineage_id(area, period, code)))
    headers = [("数字", "Figure"), ("来源", "Inputs"), ("报送批次", "Submissions")]
    return f"""{_open("lineage")}
{paragraph("前文每个标题数字和目标实际值都链接到此处：它由哪些城市的报送值得出（估计、保密的各有多少），依据哪些报送批次。"
           "完整的逐项来源见服务库 mart.lineage，或运行所列 digecon explain 命令。",
           "Each headline figure and target actual above links here: the cities it is made of (how many imputed or"
           " confidential) and the submissions it rests on. The full account of each is in the serving DB's"
           " mart.lineage, or printed by the digecon explain command shown.")}
{table(headers, rows, "lineage")}
</section>"""
