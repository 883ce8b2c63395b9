"""What the bulletin states, read from the serving DB (opened read-only) and nothing else: released and
provisional figures as they are published, each with its status. A withheld figure (Q, M) is blank there,
and stays blank here."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from importlib import resources

import duckdb
import pandas as pd
import yaml

from indicators import reference
from indicators.reference import PROVINCE_CODE
from indicators.clock import SHANGHAI
from indicators.errors import BilingualError
from indicators.values import parse_period
from pipelines.bulletin import fmt
from pipelines.paths import sql_text

# The marts each optional section reads: a serving DB published before their branch was merged lacks them,
# and the bulletin then says so in one line instead of failing.
SECTION_MARTS = {
    "targets": "target_progress",
    "ranking": "city_ranking",
    "map": "city_ranking",
    "anomalies": "anomalies",
    "completeness": "completeness",
    "quality": "data_quality",
    "revisions": "v_released_revisions",
    "lineage": "lineage",
}


@functools.cache
def settings() -> dict:
    """indicators/data/report.yaml: the chapters, the indicators charted and the history shown."""
    return yaml.safe_load(resources.files("indicators").joinpath("data/report.yaml").read_text(encoding="utf-8"))


def charted_codes() -> list[str]:
    return [code for chapter in settings()["chapters"] for code in chapter["indicators"]]


@dataclass
class Bulletin:
    """Everything one month's bulletin shows. A section's frame is None when its mart is not published."""

    month: dt.date
    publication: dict
    window: tuple[dt.datetime, dt.datetime]  # files and revisions since the previous bulletin
    cities: pd.DataFrame
    indicators: pd.DataFrame  # indexed by indicator_code
    labels: dict[tuple[str, str], tuple[str, str]]  # (code list, code) -> (zh, en)
    values: pd.DataFrame
    series: pd.DataFrame
    notes: dict
    targets: pd.DataFrame | None = None
    index_year: int | None = None  # the latest year up to the bulletin's with ranked cities
    gaps: pd.DataFrame | None = None  # the years after it, none ranked: the inputs they lack
    ranking: pd.DataFrame | None = None
    components: pd.DataFrame | None = None
    anomalies: pd.DataFrame | None = None
    anomaly_rules: pd.DataFrame | None = None
    board: pd.DataFrame | None = None
    owed: pd.DataFrame | None = None
    quality: pd.DataFrame | None = None
    revisions: pd.DataFrame | None = None
    lineage: pd.DataFrame | None = None  # per headline figure (headline_figures): its cities and submissions
    absent: dict[str, str] = field(default_factory=dict)  # section -> the mart it lacks

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"

    def status_label(self, code_list: str, code: str) -> tuple[str, str]:
        return self.labels.get((code_list, code), (code, code))


def _frame(con, name: str, **params) -> pd.DataFrame:
    return con.execute(sql_text(f"report/{name}.sql"), params or None).df()


def published_months(con) -> list[dt.date]:
    return [row[0] for row in con.execute(sql_text("report/months.sql")).fetchall()]


def resolve_month(con, text: str | None) -> dt.date:
    """The bulletin's month: the one asked for, which must have published figures, or else the latest."""
    months = published_months(con)
    if not months:
        raise BilingualError("服务库中还没有月度数据，无法编制月报", "the serving DB holds no monthly figures yet: no bulletin")
    if text is None:
        return months[-1]
    period = parse_period(text)
    if period is None or period.freq != "M":
        raise BilingualError(f"“{text}”不是月份：请写作 2023-12", f"{text!r} is not a month: write it as 2023-12")
    if period.start not in months:
        held = f"{months[0]:%Y-%m} … {months[-1]:%Y-%m}"
        raise BilingualError(f"{text} 没有已公布的数据（服务库中有 {held}），无法编制月报",
                             f"{text} has no published figures in the serving DB (it holds {held}): no bulletin")
    return period.start


def window(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """What came in since the previous bulletin: from the day after the previous month's data was due to
    the end of this month's due date, in the calendar's zone. Consecutive bulletins meet without a gap."""
    calendar = reference.calendar()

    def after_due(m: dt.date) -> dt.datetime:
        return dt.datetime.combine(calendar.due_date(m, "M") + dt.timedelta(days=1), dt.time(), SHANGHAI)

    return after_due(reference.add_months(month, -1)), after_due(month)


def gather(con: duckdb.DuckDBPyConnection, month: dt.date) -> Bulletin:
    present = {row[0] for row in con.execute(sql_text("report/mart_tables.sql")).fetchall()}
    codes = charted_codes()
    indicators = _frame(con, "indicators", codes=codes).set_index("indicator_code")
    unknown = [code for code in codes if code not in indicators.index]
    if unknown:
        raise BilingualError(f"report.yaml 中的指标 {', '.join(unknown)} 不在指标目录中",
                             f"report.yaml names indicators not in the catalogue: {', '.join(unknown)}")
    [publication] = _frame(con, "publication").to_dict("records")
    history = settings()
    bulletin = Bulletin(
        month=month, publication=publication, window=window(month), cities=_frame(con, "cities"),
        indicators=indicators,
        labels={(r.code_list, r.code): (r.label_zh, r.label_en) for r in _frame(con, "status_labels").itertuples()},
        values=_frame(con, "indicator_values", codes=codes, month=month),
        series=_frame(con, "indicator_series", codes=codes, month=month,
                      since=reference.add_months(month, 1 - history["history_months"]),
                      since_year=dt.date(month.year - history["history_years"] + 1, 1, 1)),
        notes=_frame(con, "notes").to_dict("records")[0],
        absent={section: mart for section, mart in SECTION_MARTS.items() if mart not in present},
    )
    since, until = bulletin.window
    if "targets" not in bulletin.absent:
        bulletin.targets = _frame(con, "targets", year=month.year)
    if "ranking" not in bulletin.absent:
        _gather_index(con, bulletin, with_components="index" in present)
    if "anomalies" not in bulletin.absent:
        bulletin.anomalies = _frame(con, "anomalies", month=month)
        bulletin.anomaly_rules = _frame(con, "anomaly_rules") if "ref.anomaly_rules" in present else None
    if "completeness" not in bulletin.absent:
        bulletin.board = _frame(con, "completeness_board", month=month)
        bulletin.owed = _frame(con, "completeness_owed", month=month)
    if "quality" not in bulletin.absent:
        bulletin.quality = _frame(con, "data_quality", since=since, until=until)
    if "revisions" not in bulletin.absent:
        bulletin.revisions = _frame(con, "revisions", since=since, until=until)
    if "lineage" not in bulletin.absent:
        figures = headline_figures(bulletin)
        bulletin.lineage = _frame(con, "lineage", areas=[f[0] for f in figures], periods=[f[1] for f in figures],
                                  codes=[f[2] for f in figures]).set_index(["area_code", "time_period", "indicator_code"])
    return bulletin


def headline_figures(bulletin: Bulletin) -> list[tuple[str, str, str]]:
    """(area, period, indicator) of each figure the first pages state: the province's headline figures and
    the targets' actuals. Each links to where it comes from (mart.lineage)."""
    province = bulletin.values[bulletin.values["area_code"] == PROVINCE_CODE].set_index("indicator_code")
    figures = [(PROVINCE_CODE, province.at[code, "time_period"], code)
               for code in settings()["headline"] if code in province.index]
    if bulletin.targets is not None:
        figures += [(t.area_code, t.actual_time_period, t.indicator_code)
                    for t in bulletin.targets.itertuples() if not fmt.is_blank(t.actual_time_period)]
    return list(dict.fromkeys(figures))


def _gather_index(con, bulletin: Bulletin, with_components: bool) -> None:
    """The latest index year up to the bulletin's with ranked cities; the years after it say why not."""
    years = _frame(con, "index_years", year=bulletin.month.year)
    ranked = years.loc[years["n_ranked"] > 0, "year"]
    if not ranked.empty:
        bulletin.index_year = int(ranked.max())
        bulletin.ranking = _frame(con, "ranking", year=bulletin.index_year)
        if with_components:
            bulletin.components = _frame(con, "index_components", year=bulletin.index_year)
    later = [int(y) for y in years["year"] if bulletin.index_year is None or y > bulletin.index_year]
    if later and with_components:
        bulletin.gaps = pd.concat([_frame(con, "index_gaps", year=y).assign(year=y) for y in later])
