"""The composite index (indicators/composite_index.py, pipelines/composite_index.py) against figures worked
out by hand: normalisation against fixed goalposts, weights, the year's value of each input, ranks,
cities left unranked with their reason, the seeded rank intervals and the correlations.

A small framework (two pillars, three indicators) keeps the arithmetic checkable:
  access   0.6: fiveg_per_10k_people 0.5 (goalposts 0 → 40), dc_pue 0.5 (worst 2.0 → best 1.2)
  services 0.4: yzz_village_coverage_pct 1.0 (0 → 100)
"""

import datetime as dt
import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from mart_support import DONGGUAN, FOSHAN, GUANGZHOU, SHENZHEN

from indicators import composite_index as ci
from pipelines.composite_index import build_index

REFERENCE_DATE = dt.date(2024, 1, 10)


def small_framework(**sensitivity) -> ci.Framework:
    return ci.parse_framework({
        "version": 1, "name_zh": "测试指数", "name_en": "Test index",
        "pillars": [
            {"code": "access", "name_zh": "接入", "name_en": "Access", "weight": 0.6, "rationale": "test",
             "indicators": [
                 {"code": "fiveg_per_10k_people", "weight": 0.5, "worst": 0, "best": 40, "rationale": "t", "source": "t"},
                 {"code": "dc_pue", "weight": 0.5, "worst": 2.0, "best": 1.2, "rationale": "t", "source": "t"}]},
            {"code": "services", "name_zh": "服务", "name_en": "Services", "weight": 0.4, "rationale": "test",
             "indicators": [
                 {"code": "yzz_village_coverage_pct", "weight": 1.0, "worst": 0, "best": 100, "rationale": "t",
                  "source": "t"}]}],
        "sensitivity": {"seed": 7, "draws": 400, "weight_concentration": 50,
                        "normalisations": ["min_max", "z_score"], "aggregations": ["arithmetic", "geometric"],
                        "z_score_mean": 10, "z_score_sd": 2, **sensitivity},
    }, source="test.yaml")


def inputs(year: int, cells: dict[str, tuple[float, float, float]], basis: str = "latest") -> pd.DataFrame:
    """The inputs query's rows for cities given as (5G per 10k, PUE, village coverage), every one usable."""
    codes = ("fiveg_per_10k_people", "dc_pue", "yzz_village_coverage_pct")
    return pd.DataFrame([
        dict(basis=basis, area_code=city, year=year, indicator_code=code, value=value, input_status="ok",
             obs_status="A", input_time_period=str(year), n_periods=1, periods_expected=1)
        for city, values in cells.items() for code, value in zip(codes, values, strict=True)])


def index_of(tables: ci.IndexTables, city: str, component: str = "index", year: int | None = None):
    rows = tables.index[(tables.index.area_code == city) & (tables.index.component_code == component)]
    if year is not None:
        rows = rows[rows.year == year]
    [row] = rows.to_dict("records")
    return row


# ----------------------------------------------------------------------------------- pure functions

def test_the_index_rises_with_an_indicator_whose_direction_is_up_and_falls_with_pue():
    fw = small_framework()
    # One city: 5G 20 per 10k → 50; PUE 1.6 → (2.0 - 1.6) / 0.8 = 50; villages 50 % → 50: index 50.
    base = np.array([[20.0, 1.6, 50.0]])
    index = ci.headline(fw, base)[3][0]
    assert index == pytest.approx(50.0)
    # 5G up by 4 per 10k: +10 points on the indicator, × 0.5 × 0.6 = +3 on the index.
    assert ci.headline(fw, base + [[4.0, 0, 0]])[3][0] == pytest.approx(53.0)
    # PUE up by 0.08 (worse): -10 points on the indicator, -3 on the index.
    assert ci.headline(fw, base + [[0, 0.08, 0]])[3][0] == pytest.approx(47.0)


def test_goalposts_stay_fixed_across_years_whatever_the_other_cities_do():
    fw = small_framework()
    # Shenzhen's values are the same in both years; the other cities move a lot. With the year's own
    # minimum and maximum its scores would change; against fixed goalposts they do not:
    # 5G 20 → 20/40 = 50; PUE 1.6 → 50; villages 80 → 80; index 0.6 × 50 + 0.4 × 80 = 62.
    tables = ci.build_tables(fw, pd.concat([
        inputs(2022, {SHENZHEN: (20, 1.6, 80), DONGGUAN: (10, 1.9, 40), GUANGZHOU: (30, 1.4, 90)}),
        inputs(2023, {SHENZHEN: (20, 1.6, 80), DONGGUAN: (36, 1.3, 99), GUANGZHOU: (38, 1.25, 100)})]))
    for year in (2022, 2023):
        assert index_of(tables, SHENZHEN, "fiveg_per_10k_people", year)["score"] == pytest.approx(50)
        assert index_of(tables, SHENZHEN, "dc_pue", year)["score"] == pytest.approx(50)
        assert index_of(tables, SHENZHEN, year=year)["score"] == pytest.approx(62)
    # Its rank changes, not its score: in 2022 Guangzhou (5G 75, PUE 75, villages 90: 0.6 × 75 + 0.4 × 90
    # = 81) is ahead and Dongguan behind; in 2023 both are ahead (92.85 and 96.625).
    assert index_of(tables, SHENZHEN, year=2022)["rank"] == 2
    assert index_of(tables, SHENZHEN, year=2023)["rank"] == 3


def test_a_value_beyond_a_goalpost_scores_100_and_is_flagged():
    scores, capped = ci.goalpost_scores(np.array([50.0, 40.0, -1.0]), np.array(0.0), np.array(40.0))
    assert scores.tolist() == [100.0, 100.0, 0.0] and capped.tolist() == [True, False, True]


def test_the_rank_intervals_are_reproducible_and_a_dominant_city_is_first_in_every_draw():
    fw = small_framework()
    # Shenzhen is best on every indicator and Jieyang worst: whatever the weights, the normalisation
    # (both keep each indicator's order) and the mean (both increase in every score), every draw ranks
    # them first and last, and the two cities between them stay between them.
    values = np.array([[35, 1.25, 99], [25, 1.5, 80], [20, 1.3, 85], [5, 1.95, 40]], dtype=float)
    first = ci.rank_uncertainty(fw, values, 2023)
    assert first.shape == (400, 4)
    assert np.array_equal(first, ci.rank_uncertainty(fw, values, 2023))  # same seed, same year: same draws
    interval = ci.rank_interval(first)  # rows: 5 %, median, 95 %
    assert interval[:, 0].tolist() == [1, 1, 1] and interval[:, 3].tolist() == [4, 4, 4]
    assert interval[:, 1:3].min() >= 2 and interval[:, 1:3].max() <= 3
    # Another seed, or another year, draws other weights.
    for other in (ci.rank_uncertainty(small_framework(seed=8), values, 2023), ci.rank_uncertainty(fw, values, 2022)):
        assert not np.array_equal(other, first)


def test_a_city_strong_on_one_pillar_only_is_less_sure_of_its_rank_than_its_arithmetic_mean_says():
    # A: 5G 40 and PUE 1.2 (access 100), villages 1 % (1); B: 50 everywhere. Arithmetic:
    # A = 0.6 × 100 + 0.4 × 1 = 60.4 against B's 50: A first. Geometric on 1-100 scores:
    # A = 100^0.6 × 1.99^0.4 ≈ 20.9 against B's 50.5: B first. Draws that pick min-max and the geometric
    # mean (a quarter of them) put B first, so each city's interval spans ranks 1 to 2, and A's median
    # stays 1 (B first in fewer than half the draws).
    values = np.array([[40, 1.2, 1], [20, 1.6, 50]], dtype=float)
    assert ci.ranks(ci.headline(small_framework(), values)[3]).tolist() == [1, 2]
    interval = ci.rank_interval(ci.rank_uncertainty(small_framework(), values, 2023))
    assert interval[:, 0].tolist() == [1, 1, 2] and interval[:, 1].tolist() == [1, 2, 2]


def test_with_the_chosen_weights_and_method_only_every_draw_gives_the_published_rank():
    fw = small_framework(normalisations=["min_max"], aggregations=["arithmetic"], weight_concentration=1e12)
    values = np.array([[35, 1.25, 99], [25, 1.5, 80], [20, 1.3, 85], [5, 1.95, 40]], dtype=float)
    published = ci.ranks(ci.headline(fw, values)[3])
    draws = ci.rank_uncertainty(fw, values, 2023)
    assert (draws == published).all()


def test_an_indicator_working_against_its_pillar_is_flagged():
    fw = small_framework()
    # 5G spreads the access pillar widely (scores 100, 50, 0), PUE runs the other way by little
    # (scores 0, 5, 10: PUE 2.0, 1.96, 1.92). Access = (100 + 0)/2 = 50, (50 + 5)/2 = 27.5,
    # (0 + 10)/2 = 5: PUE's score falls as the pillar rises, r = -1 exactly (both linear in the city).
    tables = ci.build_tables(fw, inputs(2023, {SHENZHEN: (40, 2.0, 50), DONGGUAN: (20, 1.96, 50),
                                               GUANGZHOU: (0, 1.92, 50)}))
    rows = tables.correlations.set_index("component_code")
    assert rows.loc["dc_pue", "corr_with_pillar"] == pytest.approx(-1.0)
    assert rows.loc["dc_pue", "against_pillar"]
    assert rows.loc["fiveg_per_10k_people", "corr_with_pillar"] == pytest.approx(1.0)
    assert not rows.loc["fiveg_per_10k_people", "against_pillar"]
    # Villages are 50 % everywhere: no spread, no correlation (never a made-up 0).
    assert pd.isna(rows.loc["yzz_village_coverage_pct", "corr_with_index"])


def test_the_framework_file_loads_and_bad_frameworks_are_refused_with_the_key_named():
    fw = ci.framework()
    assert [p.code for p in fw.pillars] == ["infrastructure", "industrial_digitalisation", "digital_industry",
                                            "digital_public_services"]
    assert sum(p.weight for p in fw.pillars) == pytest.approx(1)
    assert {i.code: i.direction for i in fw.indicators}["dc_pue"] == "down"
    good = small_framework()
    assert good.indicators[1].best < good.indicators[1].worst

    def refused(change) -> str:
        data = {
            "version": 1, "name_zh": "x", "name_en": "x", "sensitivity": {
                "seed": 1, "draws": 10, "weight_concentration": 5, "normalisations": ["min_max"],
                "aggregations": ["arithmetic"], "z_score_mean": 10, "z_score_sd": 2},
            "pillars": [{"code": "p", "name_zh": "p", "name_en": "p", "weight": 1.0, "rationale": "r",
                         "indicators": [{"code": "dc_pue", "weight": 1.0, "worst": 2.0, "best": 1.2,
                                         "rationale": "r", "source": "s"}]}]}
        change(data)
        with pytest.raises(ci.IndexConfigError) as error:
            ci.parse_framework(data)
        assert re.search(r"[\u4e00-\u9fff]", error.value.message_zh) and "index.yaml" in error.value.message_en
        return error.value.message_en

    indicator = lambda d: d["pillars"][0]["indicators"][0]  # noqa: E731
    assert "must sum to 1" in refused(lambda d: indicator(d).update(weight=0.9))
    assert "dc_pue" in refused(lambda d: indicator(d).update(best=2.5))  # PUE is less-is-better
    assert "never sizes" in refused(lambda d: indicator(d).update(code="fiveg_base_stations"))
    assert "sensitivity.aggregations" in refused(lambda d: d["sensitivity"].update(aggregations=["median"]))
    assert "unknown keys ['wieght']" in refused(lambda d: d["pillars"][0].update(wieght=1))


# --------------------------------------------------------------------- through the build DB, by hand

def submit_2023(loader, cities: dict[str, dict]) -> None:
    """Per city: population, 5G stations (December), data-centre energy (four quarters: total, IT),
    villages (total, with kiosks in December). A key left out is not submitted."""
    stats, gdca, gdiit, gdgsa = [], [], [], []
    for city, c in cities.items():
        stats.append((city, "2023-01-01", "A", "resident_population", c["population"]))
        gdca.append((city, "2023-12-01", "M", "fiveg_base_stations", c["stations"]))
        for quarter, (total, it) in zip(("01", "04", "07", "10"), c["energy"], strict=False):
            gdiit += [(city, f"2023-{quarter}-01", "Q", "dc_total_energy_mwh", total),
                      (city, f"2023-{quarter}-01", "Q", "dc_it_energy_mwh", it)]
        gdgsa += [(city, "2023-01-01", "A", "admin_villages_total", c["villages"][0]),
                  (city, "2023-12-01", "M", "admin_villages_yzz", c["villages"][1])]
    for profile, cells in (("gdstats", stats), ("gdca", gdca), ("gdiit", gdiit), ("gdgsa", gdgsa)):
        loader.submit(profile, cells, "2024-01-08 10:00")


SHENZHEN_2023 = dict(population=17_500_000, stations=52_500, villages=(200, 190),
                     # PUE by quarter 1.3, 1.8, 1.2, 1.0 (mean 1.325); the year's is 600 / 400 = 1.5
                     energy=[(130, 100), (360, 200), (60, 50), (50, 50)])
DONGGUAN_2023 = dict(population=10_500_000, stations=21_000, villages=(400, 300),
                     energy=[(175, 100)] * 4)


def test_the_index_of_two_cities_matches_the_hand_computation(loader):
    submit_2023(loader, {SHENZHEN: SHENZHEN_2023, DONGGUAN: DONGGUAN_2023})
    loader.rebuild()
    build_index(loader.con, reference_date=REFERENCE_DATE, fw=small_framework())
    score = ("SELECT score, rank, ranked FROM mart.index WHERE basis = 'latest' AND area_code = ?"
             " AND time_period = '2023' AND component_code = ?")
    # Shenzhen: 5G 52,500 / 17.5 M × 10,000 = 30 → 30/40 = 75; PUE (130+360+60+50)/(100+200+50+50) = 1.5
    # → (2.0 - 1.5)/0.8 = 62.5; villages 190/200 = 95 % → 95.
    # access 0.5 × 75 + 0.5 × 62.5 = 68.75; index 0.6 × 68.75 + 0.4 × 95 = 79.25.
    assert loader.row(score, [SHENZHEN, "fiveg_per_10k_people"])[0] == pytest.approx(75)
    assert loader.row("SELECT value, input_time_period FROM mart.index WHERE basis = 'latest' AND area_code = ?"
                      " AND component_code = 'dc_pue'", [SHENZHEN]) == (pytest.approx(1.5), "2023")
    assert loader.row(score, [SHENZHEN, "access"])[0] == pytest.approx(68.75)
    assert loader.row(score, [SHENZHEN, "index"]) == (pytest.approx(79.25), 1, True)
    # Dongguan: 21,000 / 10.5 M × 10,000 = 20 → 50; PUE 175/100 = 1.75 → 0.25/0.8 = 31.25; villages
    # 300/400 = 75 %. access (50 + 31.25)/2 = 40.625; index 0.6 × 40.625 + 0.4 × 75 = 54.375.
    assert loader.row(score, [DONGGUAN, "index"]) == (pytest.approx(54.375), 2, True)
    ranking = loader.rows("SELECT area_code, index_score, rank, n_ranked, rank_p05, rank_median, rank_p95, seed,"
                          " n_draws FROM mart.city_ranking WHERE basis = 'latest' AND ranked ORDER BY rank")
    # Shenzhen leads on every indicator: first in every draw.
    assert ranking == [(SHENZHEN, pytest.approx(79.25), 1, 2, 1, 1, 1, 7, 400),
                       (DONGGUAN, pytest.approx(54.375), 2, 2, 2, 2, 2, 7, 400)]
    # Nothing is released: on the released basis nobody is ranked, and the reason says so.
    reason = loader.row("SELECT ranked, index_score, reason_en FROM mart.city_ranking WHERE basis = 'released'"
                        " AND area_code = ?", [SHENZHEN])
    assert reason[:2] == (False, None) and "2023-12 not released yet" in reason[2]


def test_a_city_missing_or_with_a_suppressed_input_is_not_ranked_and_says_why(loader):
    guangzhou = dict(SHENZHEN_2023, energy=SHENZHEN_2023["energy"][:3])  # no fourth quarter
    submit_2023(loader, {SHENZHEN: SHENZHEN_2023, DONGGUAN: DONGGUAN_2023, GUANGZHOU: guangzhou,
                         FOSHAN: DONGGUAN_2023})
    loader.rebuild()
    # Disclosure control blanks a confidential cell: value NULL, status Q (a rate's parts with it).
    loader.con.execute("UPDATE mart.observations SET value = NULL, numerator_value = NULL, denominator_value = NULL,"
                       " obs_status = 'Q' WHERE area_code = ? AND indicator_code = 'fiveg_per_10k_people'", [FOSHAN])
    build_index(loader.con, reference_date=REFERENCE_DATE, fw=small_framework())
    ranking = {row[0]: row[1:] for row in loader.rows(
        "SELECT area_code, ranked, rank, index_score, n_ranked, reason_zh, reason_en FROM mart.city_ranking"
        " WHERE basis = 'latest'")}
    assert ranking[SHENZHEN][:2] == (True, 1) and ranking[DONGGUAN][:2] == (True, 2)
    assert ranking[SHENZHEN][3] == 2  # Guangzhou and Foshan are left out of the count, not ranked last
    ranked, rank, score, _, zh, en = ranking[GUANGZHOU]
    assert (ranked, rank, score) == (False, None, None)  # no score at all: never a zero
    assert "only 3 of the 4 periods of 2023" in en and "数据中心电能利用效率" in zh
    ranked, rank, score, _, zh, en = ranking[FOSHAN]
    assert (ranked, rank, score) == (False, None, None)
    assert "2023-12 suppressed for confidentiality (Q)" in en and "保密" in zh
    # The suppressed figure does not come back through the index; Foshan's complete pillar keeps its score.
    assert loader.row("SELECT value, score, input_status, input_obs_status FROM mart.index WHERE basis = 'latest'"
                      " AND area_code = ? AND component_code = 'fiveg_per_10k_people'", [FOSHAN]) == (
        None, None, "suppressed", "Q")
    assert loader.row("SELECT score, rank FROM mart.index WHERE basis = 'latest' AND area_code = ?"
                      " AND component_code = 'services'", [FOSHAN]) == (pytest.approx(75), None)
    # A city with nothing at all is listed too, with every input it lacks.
    assert "no value for 2023-12" in loader.row(
        "SELECT reason_en FROM mart.city_ranking WHERE basis = 'latest' AND area_code = '445300'")[0]


def test_the_index_marts_rebuild_identically_and_publish_documented(loader):
    from pipelines.publish import publish

    submit_2023(loader, {SHENZHEN: SHENZHEN_2023, DONGGUAN: DONGGUAN_2023, FOSHAN: DONGGUAN_2023})
    loader.rebuild()
    tables = ("index", "city_ranking", "index_correlations")

    def snapshot():
        build_index(loader.con, reference_date=REFERENCE_DATE)  # the framework in index.yaml
        return {t: loader.rows(f"SELECT * FROM mart.{t} ORDER BY ALL") for t in tables}

    assert snapshot() == snapshot()
    publish(loader.con, loader.paths.serving_db)
    serving = duckdb.connect(str(loader.paths.serving_db), read_only=True)
    try:
        columns = serving.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'mart'"
            " AND (table_name LIKE '%index%' OR table_name LIKE '%ranking%')").fetchall()
        views = {r[0] for r in serving.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'mart'")
                 .fetchall()}
        keys = {r[0] for r in serving.execute("SELECT table_name FROM duckdb_constraints()"
                                              " WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
    finally:
        serving.close()
    assert {t for t, _, _ in columns} == {*tables, *(f"v_released_{t}" for t in tables)}
    assert [(t, c) for t, c, comment in columns
            if not (comment and re.search(r"[\u4e00-\u9fff]", comment) and re.search(r"[A-Za-z]", comment))] == []
    assert {f"v_released_{t}" for t in tables} <= views and set(tables) <= keys
