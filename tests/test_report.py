"""The monthly bulletin (pipelines/bulletin). `digecon run` writes it for the latest month, `digecon report`
and the monthly_report asset for any month with published figures. Each page is opened in headless
Chromium (Debian's, driven by playwright's client, every request outside the file refused and recorded):
every chart is drawn, the console stays clean, nothing is fetched; the headline figures and the target
lights equal the marts; a suppressed cell shows its status and never its value; a section whose mart the
serving DB lacks says so in one line; the PDF has an A4 page per section and per indicator."""

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from pypdf import PdfReader
from test_cli import assert_one_bilingual_line, digecon
from conftest import CHROMIUM

from indicators.rounding import round_half_away
from pipelines import cli, runner
from pipelines.bulletin import write_report
from pipelines.bulletin.data import settings
from pipelines.bulletin.page import SECTIONS
from pipelines.paths import Paths

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (.ci/run installs it)"),
]
WHOLE_UNITS = {"个", "户", "家", "人", "次", "架", "MWh"}
DRAWN = "[...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('svg.main-svg'))"
GUANGZHOU = "440100"


def shown(value: float, unit: str) -> str:
    """A figure as a statistician prints it: counts whole, anything else to two decimals, half away from 0."""
    digits = 0 if unit in WHOLE_UNITS else 2
    return f"{round_half_away(value, digits):,.{digits}f}"


def serving(paths: Paths):
    return duckdb.connect(str(paths.serving_db), read_only=True)


# --------------------------------------------------------------------------------------------- homes

def copy_home(sample_home: Paths, tmp_path_factory, name: str) -> Paths:
    """A home holding a copy of the sample's serving DB (the bulletin reads nothing else)."""
    paths = Paths.resolve(tmp_path_factory.mktemp(name) / "home")
    paths.serving_db.parent.mkdir(parents=True)
    shutil.copy(sample_home.serving_db, paths.serving_db)
    return paths


INDEX_COLUMNS = """basis VARCHAR, area_code VARCHAR, period DATE, freq VARCHAR, time_period VARCHAR,
    component_level VARCHAR, component_code VARCHAR, pillar_code VARCHAR, component_name_zh VARCHAR,
    component_name_en VARCHAR, weight DOUBLE, effective_weight DOUBLE, value DOUBLE, unit VARCHAR,
    input_time_period VARCHAR, input_obs_status VARCHAR, input_status VARCHAR, worst DOUBLE, best DOUBLE,
    score DOUBLE, capped BOOLEAN, ranked BOOLEAN, rank INTEGER, n_ranked INTEGER, reason_zh VARCHAR, reason_en VARCHAR"""
RANKING_COLUMNS = """basis VARCHAR, area_code VARCHAR, period DATE, time_period VARCHAR, index_score DOUBLE,
    ranked BOOLEAN, rank INTEGER, n_ranked INTEGER, rank_median INTEGER, rank_p05 INTEGER, rank_p95 INTEGER,
    seed BIGINT, n_draws INTEGER, weight_concentration DOUBLE, reason_zh VARCHAR, reason_en VARCHAR"""
ANOMALY_COLUMNS = """area_code VARCHAR, period DATE, freq VARCHAR, time_period VARCHAR, indicator_code VARCHAR,
    rule VARCHAR, value DOUBLE, compared_period DATE, compared_time_period VARCHAR, compared_value DOUBLE,
    score DOUBLE, threshold DOUBLE, reason_zh VARCHAR, reason_en VARCHAR, obs_status VARCHAR, released BOOLEAN,
    submission_id INTEGER"""
PILLARS = [("infrastructure", "数字基础设施", "Digital infrastructure"), ("digital_industry", "数字产业化", "Digital industry")]


def plant_index(con, cities: list[str]) -> dict[str, tuple[int, int, int]]:
    """mart.index and mart.city_ranking as the index branch shapes them (sql/serving/mart/index.sql,
    city_ranking.sql), hand-made: in 2022 every city but the last ranked in list order, score 80 − rank,
    interval rank−1 … rank+2 within 1 … 20; the last one unranked with its reason; in 2023 no city ranked,
    a not-released input the reason. Returns each ranked city's (rank, p05, p95)."""
    con.execute(f"CREATE OR REPLACE TABLE mart.index ({INDEX_COLUMNS})")
    con.execute(f"CREATE OR REPLACE TABLE mart.city_ranking ({RANKING_COLUMNS})")
    expected = {}
    for n, city in enumerate(cities):
        rank = n + 1 if n < len(cities) - 1 else None
        interval = (max(1, rank - 1), min(len(cities) - 1, rank + 2)) if rank else (None, None)
        reason = ((None, None) if rank else
                  ("未排名，缺少：数据中心机架上架率（保密）", "not ranked, lacking: rack utilisation (confidential)"))
        con.execute("INSERT INTO mart.city_ranking VALUES ('released', ?, DATE '2022-01-01', '2022', ?, ?, ?, 20, ?, ?, ?,"
                    " 20240110, 1000, 50, ?, ?)",
                    [city, 80.0 - rank if rank else None, rank is not None, rank, rank, *interval, *reason])
        con.execute("INSERT INTO mart.city_ranking VALUES ('released', ?, DATE '2023-01-01', '2023', NULL, FALSE, NULL, 0,"
                    " NULL, NULL, NULL, 20240110, 0, 50, '未排名', 'not ranked')", [city])
        for code, zh, en in PILLARS:
            con.execute("INSERT INTO mart.index VALUES ('released', ?, DATE '2022-01-01', 'A', '2022', 'pillar', ?, ?, ?, ?,"
                        " 0.5, 0.5, NULL, NULL, NULL, NULL, 'ok', NULL, NULL, ?, FALSE, ?, ?, 20, NULL, NULL)",
                        [city, code, code, zh, en, 60.0 + n, rank is not None, rank])
        con.execute("INSERT INTO mart.index VALUES ('released', ?, DATE '2022-01-01', 'A', '2022', 'indicator',"
                    " 'fiveg_per_10k_people', 'infrastructure', '每万人拥有5G基站数', '5G base stations per 10,000 people',"
                    " 1.0, 0.5, 20, '个/万人', '2022-12', 'A', 'ok', 0, 40, 50, FALSE, ?, ?, 20, NULL, NULL)",
                    [city, rank is not None, rank])
        con.execute("INSERT INTO mart.index VALUES ('released', ?, DATE '2023-01-01', 'A', '2023', 'indicator',"
                    " 'fiveg_per_10k_people', 'infrastructure', '每万人拥有5G基站数', '5G base stations per 10,000 people',"
                    " 1.0, 0.5, NULL, '个/万人', '2023-12', 'P', 'not_released', 0, 40, NULL, FALSE, FALSE, NULL, 0,"
                    " '未排名', 'not ranked')", [city])
        if rank:
            expected[city] = (rank, *interval)
    return expected


def plant_anomalies(con) -> None:
    """mart.anomalies and ref.anomaly_rules as the anomalies branch shapes them: two flags on December (shown)
    and one on November (not in December's bulletin)."""
    con.execute(f"CREATE OR REPLACE TABLE mart.anomalies ({ANOMALY_COLUMNS})")
    con.execute("CREATE OR REPLACE TABLE ref.anomaly_rules (rule VARCHAR, rule_zh VARCHAR, rule_en VARCHAR, method VARCHAR,"
                " parameter VARCHAR, value DOUBLE, source_citation VARCHAR)")
    con.execute("INSERT INTO ref.anomaly_rules VALUES ('unit_slip', '疑似“万”与“个”混用', 'Looks like 万 and 个 mixed up',"
                " 'ratio', 'factor', 5000, 'test'), ('modified_z', '环比偏离其他城市', 'Change far from the other cities''',"
                " 'z', 'threshold', 3.5, 'test')")
    for city, period, rule, score in (("440900", "2023-12", "unit_slip", 0.0001), ("440700", "2023-12", "modified_z", 36.5),
                                      ("441500", "2023-11", "modified_z", 11.8)):
        con.execute("INSERT INTO mart.anomalies VALUES (?, CAST(? || '-01' AS DATE), 'M', ?, 'fiveg_base_stations', ?, 1,"
                    " NULL, NULL, 2, ?, 3.5, ?, ?, 'P', FALSE, 1)",
                    [city, period, period, rule, score, f"原因 {city} {rule}", f"reason {city} {rule}"])


@pytest.fixture(scope="module")
def planted(sample_home, tmp_path_factory):
    """The sample's serving DB with Guangzhou's December 5G density suppressed (Q, C: no value), the index
    and anomaly marts planted, and its December bulletin written by `digecon report`."""
    paths = copy_home(sample_home, tmp_path_factory, "planted")
    with duckdb.connect(str(paths.serving_db)) as con:
        [old] = con.execute("SELECT value FROM mart.observations WHERE area_code = ? AND period = DATE '2023-12-01'"
                            " AND indicator_code = 'fiveg_per_10k_people'", [GUANGZHOU]).fetchone()
        con.execute("UPDATE mart.observations SET value = NULL, numerator_value = NULL, denominator_value = NULL,"
                    " obs_status = 'Q', conf_status = 'C' WHERE area_code = ? AND period = DATE '2023-12-01'"
                    " AND indicator_code = 'fiveg_per_10k_people'", [GUANGZHOU])
        cities = [row[0] for row in con.execute("SELECT city_code FROM ref.cities ORDER BY city_code").fetchall()]
        ranks = plant_index(con, cities)
        plant_anomalies(con)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIGECON_HOME", str(paths.home))
        assert cli.main(["report", "--period", "2023-12", "-o", str(paths.home / "out")]) == 0
    return Planted(paths, paths.home / "out", old, ranks)


@dataclass
class Planted:
    paths: Paths
    out: Path
    old_value: float  # Guangzhou's December value before it was suppressed
    ranks: dict  # city -> (rank, p05, p95) as planted


# ------------------------------------------------------------------------------------------- browser

@dataclass
class Opened:
    page: object
    errors: list
    requests: list


def open_bulletin(browser, html) -> Opened:
    """The page as a reader opens it from disk: anything it asks for beyond the file is refused and noted."""
    context = browser.new_context(viewport={"width": 900, "height": 1200})
    errors, requests = [], []

    def handle(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(html.as_uri(), timeout=180_000)
    page.wait_for_function(DRAWN, timeout=120_000)  # polls until plotly has drawn every chart, or fails
    return Opened(page, errors, requests)


@pytest.fixture(scope="module")
def sample_page(browser, sample_home):
    opened = open_bulletin(browser, sample_home.reports / "2023-12" / "report.html")
    yield opened
    opened.page.context.close()


@pytest.fixture(scope="module")
def planted_page(browser, planted):
    opened = open_bulletin(browser, planted.out / "report.html")
    yield opened
    opened.page.context.close()


def text_of(page, selector: str) -> str:
    return page.locator(selector).inner_text()


# ------------------------------------------------------------------------------------- `digecon run`

def test_the_run_writes_the_latest_months_bulletin_and_prints_its_path(sample_home, capsys):
    html, pdf = sample_home.reports / "2023-12" / "report.html", sample_home.reports / "2023-12" / "report.pdf"
    assert html.stat().st_size > 1_000_000 and pdf.read_bytes().startswith(b"%PDF-")

    runner.print_summary(sample_home)

    out = capsys.readouterr().out
    assert f"监测月报 2023-12: {html}" in out and f"PDF: {pdf}" in out


def test_every_chart_is_drawn_with_no_console_error_and_no_request(sample_page, sample_home):
    """A bar chart and a trend per indicator with figures, the targets, the completeness board, and the
    ranking and the map where the index is published: each a plotly chart with its SVG drawn."""
    page = sample_page.page
    with serving(sample_home) as con:
        with_figures = con.execute(
            "SELECT count(DISTINCT indicator_code) FROM mart.observations WHERE area_level = 'city'"
            " AND indicator_code IN (SELECT unnest(?)) AND period <= DATE '2023-12-01'", [charted()]).fetchone()[0]
        ranked = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'mart'"
                             " AND table_name = 'city_ranking'").fetchone()[0] and con.execute(
            "SELECT count(*) FROM mart.city_ranking WHERE basis = 'released' AND ranked").fetchone()[0]
    expected = 2 * with_figures + 2 + (2 if ranked else 0)
    assert page.locator(".plotly-graph-div").count() == expected
    assert page.evaluate(DRAWN)
    assert page.locator("#chart-targets .bars path").count() > 0  # the bars themselves, not an empty frame
    assert page.locator("#chart-bars-fiveg_per_10k_people .barlayer .trace:first-child .point path").count() == 21
    assert sample_page.errors == [] and sample_page.requests == []


def test_the_page_is_self_contained_with_its_chinese_font(sample_page):
    page = sample_page.page
    sources = page.evaluate("[...document.querySelectorAll('[src], [href]')].map(e => e.getAttribute('src')"
                            " || e.getAttribute('href'))")
    assert [s for s in sources if re.match(r"(https?:)?//", s)] == []  # no script, style or font from elsewhere
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Bulletin Noto CJK"')
    assert page.evaluate("""document.fonts.check('12px "Bulletin Noto CJK"', '广东省数字经济统计监测月报')""")
    assert sorted(page.evaluate("[...document.fonts].map(f => f.weight + ' ' + f.status)")) == ["400 loaded", "700 loaded"]


def test_headline_figures_equal_the_marts(sample_page, sample_home):
    page = sample_page.page
    rows = page.locator("table.headline tbody tr")
    assert rows.count() == len(settings()["headline"])
    with serving(sample_home) as con:
        for n in range(rows.count()):
            tr = rows.nth(n)
            code, period = tr.get_attribute("data-indicator"), tr.get_attribute("data-period")
            value, status, unit = con.execute(
                "SELECT o.value, o.obs_status, i.unit FROM mart.observations o JOIN ref.indicators i USING (indicator_code)"
                " WHERE o.area_code = '440000' AND o.indicator_code = ? AND o.time_period = ?", [code, period]).fetchone()
            cell = tr.locator("td[data-field=value]")
            if value is None:  # withheld: the status, never a figure
                assert status in ("M", "Q") and cell.locator(".figure").count() == 0
                assert cell.locator(".withheld").inner_text() == "…"
            else:
                assert cell.locator(".figure").inner_text() == shown(value, unit), code
            tags = cell.locator(".status").all_inner_texts()
            assert tags == ([] if status == "A" else [status]), code


def test_target_lights_and_figures_equal_the_marts(sample_page, sample_home):
    page = sample_page.page
    with serving(sample_home) as con:
        latest = con.execute("SELECT target_id, actual, unit, completion_pct, target_status FROM mart.target_progress"
                             " WHERE basis = 'latest' AND year >= 2023 ORDER BY target_id").fetchall()
        released = dict(con.execute("SELECT target_id, target_status FROM mart.target_progress"
                                    " WHERE basis = 'released'").fetchall())
    assert sorted(page.locator("tr[data-target]").evaluate_all("rows => rows.map(r => r.dataset.target)")) == \
        [t[0] for t in latest]
    for target_id, actual, unit, completion, status in latest:
        tr = page.locator(f"tr[data-target='{target_id}']")
        assert tr.locator("td[data-field=actual] .figure").inner_text() == shown(actual, unit)
        assert tr.locator("td[data-field=completion]").inner_text() == f"{round_half_away(completion, 2):.2f}%"
        assert tr.locator("td[data-field=status]").get_attribute("data-status") == status
        assert (tr.locator(".differs").count() == 1) == (released[target_id] != status), target_id
    counts = page.locator("#targets .lights .count b").all_inner_texts()
    assert sum(int(n) for n in counts) == len(latest)


def test_each_headline_figure_links_to_its_submissions_in_mart_lineage(sample_page, sample_home):
    """Every headline figure and target actual links to its entry in part 10, which lists exactly the
    submissions mart.lineage gives for it (every vintage used, none superseded), and as many reporting cities
    as mart.observations says the total counts (n_areas: the cities that reported, imputed ones apart)."""
    page = sample_page.page
    links = page.locator("table.headline a.sourced, table.targets a.sourced")
    headline = page.locator("table.headline tbody tr")
    assert page.locator("table.headline a.sourced").count() == headline.count()  # every headline figure
    targets = {tr.get_attribute("data-target") for tr in page.locator("table.targets tbody tr").all()}
    assert page.locator("table.targets a.sourced").count() == len(targets)
    checked = set()
    with serving(sample_home) as con:
        for href in {links.nth(n).get_attribute("href") for n in range(links.count())}:
            entry = page.locator(f"table.lineage tr[id='{href[1:]}']")
            assert entry.count() == 1, href
            area, period, code = re.fullmatch(r"#lineage-(\w+|GD-\w+)-([\dQ-]+)-(\w+)", href).groups()
            # A target's year of a quarterly series (PUE) is made of the year's quarters.
            periods = [period] if "-" in period or con.execute(
                "SELECT freq FROM ref.indicators WHERE indicator_code = ?", [code]).fetchone()[0] == "A" else \
                [f"{period}-Q{q}" for q in range(1, 5)]
            submissions = [row[0] for row in con.execute(
                "SELECT DISTINCT submission_id FROM mart.lineage WHERE area_code = ? AND indicator_code = ?"
                " AND time_period IN (SELECT unnest(?)) AND role <> 'superseded' ORDER BY 1",
                [area, code, periods]).fetchall()]
            assert submissions, href
            shown_ids = entry.locator("[data-submission]").evaluate_all("s => s.map(e => +e.dataset.submission)")
            assert shown_ids == submissions, href
            if len(periods) == 1:
                reported = con.execute(
                    "SELECT n_areas FROM mart.observations WHERE area_code = ? AND time_period = ?"
                    " AND indicator_code = ?", [area, period, code]).fetchone()[0] or 1  # a city covers itself
                assert f"{reported} {'city' if reported == 1 else 'cities'} reported" in entry.inner_text(), href
            checked.add(href)
    assert len(checked) >= len(settings()["headline"])


def test_a_month_few_cities_have_reported_yet_gives_way_to_the_month_before(sample_page, sample_home):
    """The sample's December share of enterprises transformed comes from the Dongguan pilot alone: the chart
    shows the last month at least half the cities reported (the coverage rule for totals), and says why."""
    with serving(sample_home) as con:
        reported = dict(con.execute(
            "SELECT time_period, count(*) FROM mart.observations WHERE indicator_code = 'transformed_share_pct'"
            " AND area_level = 'city' AND time_period IN ('2023-11', '2023-12') GROUP BY ALL").fetchall())
    assert reported["2023-12"] * 2 < 21 <= reported["2023-11"] * 2
    block = sample_page.page.locator(".indicator[data-indicator=transformed_share_pct]")
    assert block.locator(".caption").first.inner_text().startswith("2023-11 各市数值")
    assert f"2023-12 目前仅 {reported['2023-12']} 个城市报送" in block.locator(".caption.thin").inner_text()
    bars = sample_page.page.evaluate("document.getElementById('chart-bars-transformed_share_pct').data[0]")
    assert len(bars["x"]) == reported["2023-11"]


def charted() -> list[str]:
    return [code for chapter in settings()["chapters"] for code in chapter["indicators"]]


def test_the_pdf_has_an_a4_page_per_section_and_per_indicator(sample_home):
    reader = PdfReader(sample_home.reports / "2023-12" / "report.pdf")
    pages = [page.extract_text() for page in reader.pages]
    total = len(pages)
    for number, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        # The page's own footer, counted by Chromium, read back as text: the embedded font maps 页 to 页, not
        # to the look-alike radical ⻚ a full CJK font gives it in a PDF.
        assert f"第 {number} 页，共 {total} 页" in text
    starts = {key: next(n for n, text in enumerate(pages) if zh in text) for key, zh, _ in SECTIONS[1:]}
    assert list(starts.values()) == sorted(set(starts.values())), "each section starts a page of its own, in order"
    with serving(sample_home) as con:
        names = dict(con.execute("SELECT indicator_code, name_zh FROM ref.indicators").fetchall())
    indicators = charted()
    for n, code in enumerate(indicators):  # a page each, in report.yaml's order
        page = pages[starts["indicators"] + n]
        assert names[code] in page, code
        assert n + 1 == len(indicators) or names[indicators[n + 1]] not in page, code
    assert starts["anomalies"] == starts["indicators"] + len(indicators)


# --------------------------------------------------------------------------- planted marts, withheld

def test_a_suppressed_city_shows_its_status_and_never_its_value(planted_page, planted):
    page = planted_page.page
    traces = page.evaluate("document.getElementById('chart-bars-fiveg_per_10k_people').data")
    bars, labels = traces[0], traces[1]
    assert "广州市" not in bars["y"] and round(planted.old_value, 6) not in [round(x, 6) for x in bars["x"]]
    assert labels["text"][labels["y"].index("广州市")].startswith("Q 保密不公布")
    block = text_of(page, ".indicator[data-indicator=fiveg_per_10k_people]")
    assert shown(planted.old_value, "个/万人") not in block
    trend = page.evaluate("document.getElementById('chart-trend-fiveg_per_10k_people').data")
    guangzhou = next(t for t in trend if t["xaxis"] == "x" and t["line"]["color"] != "#cbd5e0")
    assert guangzhou["x"][-1] == "2023-12-01" and guangzhou["y"][-1] is None  # a gap, not a point


def test_the_ranking_shows_ranks_intervals_and_the_unranked_city_with_its_reason(planted_page, planted):
    page = planted_page.page
    rows = page.locator("table.ranking tbody tr[data-ranked=true]")
    assert rows.count() == len(planted.ranks)
    for n in range(rows.count()):
        tr = rows.nth(n)
        rank, p05, p95 = planted.ranks[tr.get_attribute("data-area")]
        assert tr.locator("td[data-field=rank]").inner_text() == str(rank)
        assert tr.locator("td[data-field=interval]").inner_text() == f"{p05}–{p95}"
        assert tr.locator("td[data-field=score]").inner_text() == f"{80 - rank:.1f}"
    assert "保密" in text_of(page, "table.ranking tr[data-ranked=false]")
    assert "2023年指数尚不能编制" in text_of(page, "#ranking") and "尚未发布" in text_of(page, "#ranking")
    assert page.locator("#chart-map path.choroplethlocation").count() == 21  # every city, the unranked one grey
    assert planted_page.errors == [] and planted_page.requests == []


def test_anomalies_of_the_month_are_listed_with_their_reasons(planted_page):
    page = planted_page.page
    rows = page.locator("table.anomalies tbody tr")
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.area + ' ' + r.dataset.rule)")) == \
        ["440700 modified_z", "440900 unit_slip"]
    assert "原因 440700 modified_z" in text_of(page, "table.anomalies") and "reason 440900 unit_slip" in text_of(
        page, "table.anomalies")


def test_sections_whose_mart_is_not_published_say_so_in_one_line(sample_home, tmp_path_factory, browser):
    paths = copy_home(sample_home, tmp_path_factory, "absent")
    with duckdb.connect(str(paths.serving_db)) as con:
        for view in ("v_released_index", "v_released_city_ranking", "v_released_index_correlations", "v_released_anomalies"):
            con.execute(f"DROP VIEW IF EXISTS mart.{view}")
        for table in ("index", "city_ranking", "index_correlations", "anomalies"):
            con.execute(f"DROP TABLE IF EXISTS mart.{table}")

    written = write_report(paths, paths.home / "out")

    opened = open_bulletin(browser, written.html)
    try:
        page = opened.page
        absent = page.locator("p.absent").evaluate_all("ps => ps.map(p => p.closest('section').id + ' ' + p.dataset.absent)")
        assert sorted(absent) == ["anomalies anomalies", "map city_ranking", "ranking city_ranking"]
        assert "No data for this section: the serving DB has no mart.anomalies yet." in text_of(page, "#anomalies")
        assert page.locator("table.headline tbody tr").count() == len(settings()["headline"])
        assert page.locator("#targets tr[data-target]").count() > 0 and page.locator("table.owed").count() == 1
        assert opened.errors == [] and opened.requests == []
    finally:
        opened.page.context.close()


def test_a_backfill_of_the_monthly_report_asset_writes_a_past_month(planted, tmp_path, monkeypatch):
    """report_job for one partition, as the UI's backfill runs it: November's bulletin, whose province total
    of enterprises transformed is estimated (E), into DIGECON_HOME/reports/2023-11/. A staging folder that a
    writer killed mid-print left there an hour ago is removed; one a writer may still be using is not."""
    from pipelines.definitions import defs

    month_dir = planted.paths.reports / "2023-11"
    killed, live = month_dir / ".report-killed", month_dir / ".report-live"
    for staging in (killed, live):
        staging.mkdir(parents=True)
        (staging / "report.html").write_text("half a page")
    hour_ago = time.time() - 3600
    os.utime(killed, (hour_ago, hour_ago))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:  # entered: Dagster's defs-state storage is this instance's
        result = defs.resolve_job_def("report_job").execute_in_process(
            instance=instance, partition_key="2023-11",
            run_config={"resources": {"warehouse": {"config": {"home": str(planted.paths.home),
                                                               "reference_date": "2024-01-10"}}}})
    assert result.success
    html = planted.paths.reports / "2023-11" / "report.html"
    text = html.read_text(encoding="utf-8")
    assert 'data-month="2023-11"' in text and (html.parent / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert not killed.exists() and live.exists()
    with serving(planted.paths) as con:
        estimated = [code for code, in con.execute(
            "SELECT indicator_code FROM mart.observations WHERE area_code = '440000' AND time_period = '2023-11'"
            " AND obs_status = 'E'").fetchall() if code in settings()["headline"]]
    assert estimated  # the sample's November totals short of Yunfu are imputed
    for code in estimated:
        row = re.search(rf'<tr data-indicator="{code}"[^>]*>.*?</tr>', text, re.S).group(0)
        assert '<span class="status E"' in row


# ----------------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize(("period", "english"), [
    ("2999-01", "2999-01 has no published figures in the serving DB (it holds 2021-01 … 2023-12)"),
    ("2020-12", "2020-12 has no published figures"),
    ("2023-13", "'2023-13' is not a month: write it as 2023-12"),
    ("2023-Q4", "'2023-Q4' is not a month"),
])
def test_a_month_without_published_figures_is_one_bilingual_line(sample_home, capsys, monkeypatch, tmp_path,
                                                                  period, english):
    monkeypatch.setenv("DIGECON_HOME", str(sample_home.home))
    code, out, err = digecon(capsys, "report", "--period", period, "-o", str(tmp_path / "out"))
    assert code == 1 and out == ""
    assert_one_bilingual_line(err, english)
    assert not (tmp_path / "out").exists()


def test_no_serving_db_is_one_bilingual_line(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DIGECON_HOME", str(tmp_path / "empty"))
    code, _, err = digecon(capsys, "report", "-o", str(tmp_path / "out"))
    assert code == 1
    assert_one_bilingual_line(err, "does not exist: run `digecon run` first")
