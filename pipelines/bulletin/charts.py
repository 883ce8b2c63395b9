"""The bulletin's charts: plotly figures, drawn by plotly.js in the page (bundled once into the file, so the
page needs no network). Each is a fixed A4 content width, so the screen and the PDF show the same chart.
A withheld figure (Q, M) or one not received has no bar or point: its place carries the status instead."""

from __future__ import annotations

import copy
import functools

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from pipelines.bulletin import fmt
from pipelines.bulletin.fonts import EMBEDDED

FONT = f'"{EMBEDDED}", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'
WIDTH = 680  # 180 mm, the content width of an A4 page with 15 mm margins, at 96 px per inch
CONFIG = {"displayModeBar": False, "responsive": False, "displaylogo": False}
INK, MUTED, GRID = "#1a202c", "#718096", "#e2e8f0"
REGION_COLOURS = {"GD-PRD": "#2b6cb0", "GD-E": "#dd6b20", "GD-W": "#2f855a", "GD-N": "#805ad5"}
STATUS_COLOURS = {"achieved": "#2f855a", "on_track": "#2f855a", "at_risk": "#d69e2e", "off_track": "#c53030",
                  "not_achieved": "#c53030", "no_data": "#a0aec0"}
MAP_SCALE = [[0, "#dbe9f6"], [0.5, "#6baed6"], [1, "#08306b"]]  # light enough at the bottom to tell from white
COMPLETENESS_COLOURS = {"received": "#2f855a", "received_late": "#d69e2e", "rejected": "#c53030",
                        "missing": "#9b2c2c", "not_yet_due": "#cbd5e0"}


def to_div(fig: go.Figure | dict, div_id: str, static: bool = False) -> str:
    """The figure as a <div> and the script that draws it (plotly.js itself is in the page's head). A static
    chart has no hover or zoom: the small multiples draw a fifth faster so, and their panels are too small
    to point at anyway."""
    style = dict(font=dict(family=FONT, size=11, color=INK), paper_bgcolor="white", plot_bgcolor="white",
                 width=WIDTH, hoverlabel=dict(font_family=FONT))
    if isinstance(fig, dict):
        fig["layout"].update(style)
    else:
        fig.update_layout(**style)
    config = {**CONFIG, "staticPlot": True} if static else CONFIG
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id, config=config, validate=False)


def _axis(**extra) -> dict:
    return dict(gridcolor=GRID, zerolinecolor=GRID, linecolor=GRID, **extra)


def target_chart(targets: pd.DataFrame, names: list[str], final: set[str]) -> go.Figure:
    """Completion against time elapsed per target, and, before the deadline, where the pace of the last
    twelve months leads by then; after it the outcome stands alone."""
    rows = targets.iloc[::-1]
    labels = names[::-1]
    projected = [None if s in final else p for s, p in zip(rows["target_status"], rows["projected_completion_pct"],
                                                           strict=True)]
    fig = go.Figure()
    fig.add_bar(y=labels, x=rows["completion_pct"].fillna(0), orientation="h", showlegend=False,
                marker_color=[STATUS_COLOURS.get(s, MUTED) for s in rows["target_status"]],
                text=[f"{fmt.number(v, '%')}%" if not fmt.is_blank(v) else "无数据 no data" for v in rows["completion_pct"]],
                textposition="inside", insidetextanchor="start", textfont=dict(color="white", size=10), constraintext="none",
                hovertemplate="%{y}: %{x:.2f}%<extra>完成率</extra>")
    fig.add_scatter(y=labels, x=rows["time_elapsed_pct"], mode="markers", name="时间进度 Time elapsed",
                    marker=dict(symbol="line-ns-open", size=20, color=INK, line=dict(width=2.5, color=INK)),
                    hovertemplate="%{y}: %{x:.1f}%<extra>时间进度</extra>")
    fig.add_scatter(y=labels, x=projected, mode="markers", name="预计完成率 Projected",
                    marker=dict(symbol="diamond", size=10, color="white", line=dict(width=2, color=INK)),
                    hovertemplate="%{y}: %{x:.1f}%<extra>预计</extra>")
    fig.add_vline(x=100, line=dict(color=MUTED, dash="dot", width=1))
    reach = pd.concat([rows["completion_pct"], pd.Series(projected, dtype=float)]).max(skipna=True)
    top = max(120.0, (0 if pd.isna(reach) else float(reach)) + 10)
    height = 80 + 30 * len(rows)
    fig.update_layout(height=height, margin=dict(l=10, r=20, t=10, b=70), bargap=0.35,
                      xaxis=_axis(range=[0, top], ticksuffix="%", title="完成率 Completion (%)"),
                      yaxis=dict(automargin=True), legend=dict(orientation="h", x=0, y=-55 / height, yanchor="top"))
    return fig


def ranking_chart(ranking: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Each ranked city's rank, the median over the Monte-Carlo draws and the 5-95 % interval of its ranks."""
    ranked = ranking[ranking["ranked"]].sort_values("rank", ascending=False)
    labels = [names[c] for c in ranked["area_code"]]
    fig = go.Figure()
    for row, label in zip(ranked.itertuples(), labels, strict=True):
        fig.add_scatter(x=[row.rank_p05, row.rank_p95], y=[label, label], mode="lines", showlegend=False,
                        line=dict(color="#90cdf4", width=7), hoverinfo="skip")
    fig.add_scatter(x=ranked["rank_median"], y=labels, mode="markers", name="模拟名次中位数 Median rank",
                    marker=dict(symbol="circle-open", size=11, color="#2b6cb0", line=dict(width=2)))
    fig.add_scatter(x=ranked["rank"], y=labels, mode="markers", name="名次 Rank",
                    marker=dict(symbol="circle", size=7, color=INK))
    fig.add_scatter(x=[None], y=[None], mode="lines", name="名次区间 5–95 % rank interval",
                    line=dict(color="#90cdf4", width=7))
    n = int(ranking["n_ranked"].max())
    fig.update_layout(height=110 + 20 * len(ranked), margin=dict(l=10, r=20, t=10, b=50),
                      xaxis=_axis(range=[0.5, n + 0.5], dtick=1, title="名次 Rank (1 = 最高 highest)", side="top"),
                      yaxis=dict(automargin=True), legend=dict(orientation="h", y=-0.02, yanchor="top", x=0))
    return fig


def index_map(ranking: pd.DataFrame, cities: pd.DataFrame, boundaries: dict, label_points: dict) -> go.Figure:
    """The 21 cities shaded by their index score; a city not ranked is grey and says so."""
    scores = ranking.set_index("area_code")
    codes = list(cities["area_code"])
    ranked = [c for c in codes if c in scores.index and bool(scores.at[c, "ranked"])]
    unranked = [c for c in codes if c not in ranked]
    names = dict(zip(cities["area_code"], cities["name_zh"], strict=True))
    fig = go.Figure()
    fig.add_choropleth(geojson=boundaries, featureidkey="id", locations=ranked,
                       z=[scores.at[c, "index_score"] for c in ranked], colorscale=MAP_SCALE,
                       marker_line=dict(color="white", width=0.8),
                       colorbar=dict(title=dict(text="指数<br>Index"), thickness=12, len=0.6),
                       hovertemplate="%{text}<extra></extra>",
                       text=[f"{names[c]} {fmt.number(scores.at[c, 'index_score'], '', 1)}" for c in ranked])
    if unranked:
        fig.add_choropleth(geojson=boundaries, featureidkey="id", locations=unranked, z=[0] * len(unranked),
                           colorscale=[[0, "#e2e8f0"], [1, "#e2e8f0"]], showscale=False,
                           marker_line=dict(color="white", width=0.8), name="未排名 Not ranked",
                           hovertemplate="%{location} 未排名 not ranked<extra></extra>")
    values = [scores.at[c, "index_score"] for c in ranked]
    dark = min(values) + 0.6 * (max(values) - min(values)) if values else 0  # white names on the darker blues
    text = [f"{names[c]}<br>{fmt.number(scores.at[c, 'index_score'], '', 1) if c in ranked else '未排名'}"
            for c in codes]
    colours = ["white" if c in ranked and scores.at[c, "index_score"] > dark else INK for c in codes]
    fig.add_scattergeo(lon=[label_points[c][0] for c in codes], lat=[label_points[c][1] for c in codes],
                       text=text, mode="text", textfont=dict(size=9, color=colours), hoverinfo="skip", showlegend=False)
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(height=560, margin=dict(l=0, r=0, t=0, b=0))
    return fig


def indicator_bars(values: pd.DataFrame, cities: pd.DataFrame, unit: str, province: float | None,
                   common_status: str) -> go.Figure:
    """Every city's value, largest first, coloured by region; the province's figure as a line (for a rate,
    where it compares). A city without a value shows why: withheld (Q, M) or not received."""
    by_city = values.set_index("area_code")
    rows = []
    for city in cities.itertuples():
        if city.area_code in by_city.index:
            cell = by_city.loc[city.area_code]
            value, status = cell["value"], cell["obs_status"]
        else:
            value, status = None, None
        rows.append((city.name_zh, city.region_code, value, status))
    shown = sorted((r for r in rows if not fmt.is_blank(r[2])), key=lambda r: r[2])
    blank = [r for r in rows if fmt.is_blank(r[2])]
    fig = go.Figure()
    fig.add_bar(y=[r[0] for r in shown], x=[r[2] for r in shown], orientation="h", cliponaxis=False,
                marker_color=[REGION_COLOURS[r[1]] for r in shown], textposition="outside", textfont=dict(size=9),
                text=[fmt.number(r[2], unit) + (f" {r[3]}" if r[3] not in ("A", common_status) else "")
                      for r in shown], showlegend=False, hovertemplate="%{y}: %{x}<extra></extra>")
    if blank:
        fig.add_scatter(y=[r[0] for r in blank], x=[0] * len(blank), mode="text", textposition="middle right",
                        text=[_blank_reason(r[3]) for r in blank], textfont=dict(size=9, color=MUTED),
                        showlegend=False, hoverinfo="skip")
    for region, colour in REGION_COLOURS.items():  # the legend: one swatch per region
        name = cities.loc[cities["region_code"] == region, ["region_name_zh", "region_name_en"]].iloc[0]
        fig.add_bar(y=[None], x=[None], marker_color=colour, name=f"{name.iloc[0]} {name.iloc[1]}")
    if province is not None:
        fig.add_vline(x=province, line=dict(color=INK, dash="dash", width=1),
                      annotation=dict(text=f"全省 Guangdong {fmt.number(province, unit)}", font=dict(size=9)),
                      annotation_position="top")
    height = 100 + 14 * len(rows)  # with the trend below, an indicator keeps to one A4 page
    fig.update_layout(height=height, margin=dict(l=10, r=45, t=24, b=60), bargap=0.25, barmode="overlay",
                      xaxis=_axis(rangemode="tozero"),
                      yaxis=dict(automargin=True, categoryorder="array",
                                 categoryarray=[r[0] for r in blank] + [r[0] for r in shown]),
                      legend=dict(orientation="h", x=0, y=-30 / height, yanchor="top", font=dict(size=9)))
    return fig


def _blank_reason(status: str | None) -> str:
    if status == "Q":
        return "Q 保密不公布 confidential"
    if status == "M":
        return "M 不公布 withheld"
    return "未报送 not received"


def small_multiples(series: pd.DataFrame, cities: pd.DataFrame, province: pd.DataFrame | None) -> dict:
    """One small panel per city on a shared scale: its series over the bulletin's history, with the
    province's in grey behind it where the two compare (rates). Built as a plain figure dict on a grid laid
    out once: plotly's figure objects would take seconds a chart to check the same 21 panels each time."""
    figure = {"data": [], "layout": copy.deepcopy(_grid(tuple(cities["name_zh"])))}
    by_city = {code: part for code, part in series.groupby("area_code")}
    for n, city in enumerate(cities.itertuples()):
        axes = {"xaxis": f"x{n + 1 if n else ''}", "yaxis": f"y{n + 1 if n else ''}"}
        if province is not None and not province.empty:
            figure["data"].append({"type": "scatter", "mode": "lines", **_points(province), **axes,
                                   "line": {"color": "#cbd5e0", "width": 1.2}, "showlegend": False})
        if city.area_code in by_city:
            figure["data"].append({"type": "scatter", "mode": "lines", **_points(by_city[city.area_code]), **axes,
                                   "line": {"color": REGION_COLOURS[city.region_code], "width": 1.6}, "showlegend": False})
    return figure


def _points(series: pd.DataFrame) -> dict:
    """x and y of a series; a withheld value is a gap in the line (null), never a point."""
    return {"x": [f"{p:%Y-%m-%d}" for p in series["period"]],
            "y": [None if fmt.is_blank(v) else float(v) for v in series["value"]]}


@functools.cache
def _grid(names: tuple[str, ...], columns: int = 7) -> dict:
    """The small multiples' layout: a panel per city, titled with its name, axes shared."""
    rows = -(-len(names) // columns)
    fig = make_subplots(rows=rows, cols=columns, shared_xaxes=True, shared_yaxes=True, subplot_titles=list(names),
                        horizontal_spacing=0.012, vertical_spacing=0.09)
    fig.update_annotations(font_size=9)
    fig.update_xaxes(showgrid=False, showticklabels=False, linecolor=GRID, type="date")
    fig.update_xaxes(showticklabels=True, tickformat="%Y", dtick="M12", tickfont=dict(size=8), row=rows)
    fig.update_yaxes(gridcolor=GRID, nticks=3, tickfont=dict(size=8), zeroline=False)
    fig.update_layout(height=100 * rows + 30, margin=dict(l=10, r=10, t=22, b=10))
    return fig.to_dict()["layout"]


def completeness_chart(board: pd.DataFrame, labels: dict) -> go.Figure:
    """The month's board: the cells each agency owes, by status."""
    agencies = list(dict.fromkeys(board["profile_name_zh"]))
    fig = go.Figure()
    for status, colour in COMPLETENESS_COLOURS.items():
        cells = board[board["completeness_status"] == status].set_index("profile_name_zh")["cells"]
        if cells.empty:
            continue
        zh, en = labels[status]
        fig.add_bar(y=agencies, x=[int(cells.get(a, 0)) for a in agencies], orientation="h", name=f"{zh} {en}",
                    marker_color=colour, hovertemplate="%{y}: %{x}<extra>" + zh + "</extra>")
    height = 130 + 34 * len(agencies)
    fig.update_layout(barmode="stack", height=height, margin=dict(l=10, r=20, t=10, b=90),
                      xaxis=_axis(title="应报数据（城市×指标×期别）Values owed (city × indicator × period)"),
                      yaxis=dict(automargin=True, autorange="reversed"), legend_traceorder="normal",
                      legend=dict(orientation="h", x=0, y=-70 / height, yanchor="top"))
    return fig
