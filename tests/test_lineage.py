"""mart.lineage and `digecon explain`: where a published figure comes from, down to the submissions.

Each test submits its own cells (tests/mart_support.py), publishes the serving DB as a run does, and
checks the lineage against what a hand computation of the figure uses."""

from __future__ import annotations

import datetime as dt

import pytest
from mart_support import SHENZHEN, Loader, prepared_build_db

from indicators.reference import cities
from pipelines import cli
from pipelines.explain_command import explain, render
from pipelines.paths import Paths
from pipelines.publish import publish

CITY_CODES = [c.code for c in cities()]
SHANTOU, SHANWEI, CHAOZHOU, JIEYANG = "440500", "441500", "445100", "445200"  # 粤东, the East region
JUNE = dt.date(2023, 6, 1)


@pytest.fixture
def paths(tmp_path):
    return Paths.resolve(tmp_path / "home")


def lineage(con, area, period, indicator, role=None):
    """(role, part, input city, input period, input indicator, submission) rows of one figure."""
    sql = ("SELECT role, part, input_area_code, input_period, input_indicator_code, submission_id FROM mart.lineage"
           " WHERE area_code = ? AND period = ? AND indicator_code = ?" + (" AND role = ?" if role else ""))
    return set(con.execute(sql, [area, period, indicator] + ([role] if role else [])).fetchall())


# ------------------------------------------------------------------------------ a province rate, by hand

STATIONS = {code: 1000 + 37 * n for n, code in enumerate(CITY_CODES)}  # June 5G stations per city
POPULATION = {c.code: c.population_census_2020 for c in cities()}  # the 2022 population submitted
SHENZHEN_REVISED = 52_345


@pytest.fixture
def province_june(paths):
    """Every city's June 5G stations and 2022 population, a revision of Shenzhen's June before the release,
    and three submissions the June rate must not use: 2021's population (an older denominator), 2023's
    (ends after June) and the Shenzhen pilot's June count (the agency of record's wins)."""
    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        ids = dict(
            population_2021=loader.submit("gdstats", [(c, "2021-01-01", "A", "resident_population", v - 1000)
                                                      for c, v in POPULATION.items()], "2022-03-25 09:00"),
            population_2022=loader.submit("gdstats", [(c, "2022-01-01", "A", "resident_population", v)
                                                      for c, v in POPULATION.items()], "2023-03-20 10:00"),
            june=loader.submit("gdca", [(c, "2023-06-01", "M", "fiveg_base_stations", v)
                                        for c, v in STATIONS.items()], "2023-07-05 10:00"),
            shenzhen_revised=loader.submit("gdca", [(SHENZHEN, "2023-06-01", "M", "fiveg_base_stations",
                                                     SHENZHEN_REVISED, "recount")], "2023-07-08 16:30"),
            pilot=loader.submit("pilot-440300", [(SHENZHEN, "2023-06-01", "M", "fiveg_base_stations", 60_000)],
                                "2023-07-09 11:00"),
            population_2023=loader.submit("gdstats", [(c, "2023-01-01", "A", "resident_population", v + 500)
                                                      for c, v in POPULATION.items()], "2024-03-20 10:00"),
        )
        loader.release("2023-06", "2023-07-20 09:00")
        loader.rebuild()
        publish(con, paths.serving_db)
        yield loader, ids


def test_explain_of_a_province_rate_lists_exactly_the_cells_and_submissions_of_its_hand_computation(
        province_june, paths):
    loader, ids = province_june
    stations = dict(STATIONS, **{SHENZHEN: SHENZHEN_REVISED})
    # By hand: Σ stations / Σ 2022 population × 10,000 over the 21 cities (2022 is the latest population
    # ending by 30 June 2023; Shenzhen's stations are its revised count).
    expected_rate = sum(stations.values()) / sum(POPULATION.values()) * 10_000
    numerators = {(c, JUNE, "fiveg_base_stations"): ids["shenzhen_revised"] if c == SHENZHEN else ids["june"]
                  for c in CITY_CODES}
    denominators = {(c, dt.date(2022, 1, 1), "resident_population"): ids["population_2022"] for c in CITY_CODES}

    result = explain(paths.serving_db, "广东省", "2023-06", "fiveg_per_10k_people")

    assert result.figure["value"] == pytest.approx(expected_rate)
    used = {(i.part, i.cell, i.submission_id) for i in result.inputs}
    assert used == {("numerator", cell, s) for cell, s in numerators.items()} | \
                   {("denominator", cell, s) for cell, s in denominators.items()}
    assert {i.role for i in result.inputs} == {"reported"} and result.missing == []
    assert {i.cell: i.value for i in result.inputs if i.part == "numerator"} == \
           {(c, JUNE, "fiveg_base_stations"): v for c, v in stations.items()}
    assert set(result.submissions) == {ids["june"], ids["shenzhen_revised"], ids["population_2022"]}
    # Shenzhen's June cell had an earlier vintage, superseded by the revision; no other cell had one.
    assert {cell: [v.submission_id for v in versions] for cell, versions in result.earlier.items()} == \
           {(SHENZHEN, JUNE, "fiveg_base_stations"): [ids["june"]]}

    text = render(result)
    assert f"{round(expected_rate, 2):,.2f}" in text
    assert f"{sum(stations.values()):,}" in text and f"{sum(POPULATION.values()):,}" in text
    for name in ("june", "shenzhen_revised", "population_2022"):  # id, file, submitter, received time
        assert f"#{ids[name]} " in text and f"-{ids[name]}.csv" in text
    assert "广东省通信管理局" in text and "2023-07-08 16:30" in text  # received, in Asia/Shanghai
    assert "2023-06 发布于 released 2023-07-20 09:00" in text
    for name in ("population_2021", "population_2023", "pilot"):
        assert f"#{ids[name]} " not in text and f"-{ids[name]}.csv" not in text


def test_every_figure_has_a_lineage_and_a_total_lists_the_cities_it_counts(province_june):
    loader, ids = province_june
    # every cell of mart.observations rests on at least one submission
    assert loader.row("SELECT count(*) FROM mart.observations o WHERE NOT EXISTS (SELECT 1 FROM mart.lineage l"
                      " WHERE l.area_code = o.area_code AND l.period = o.period"
                      " AND l.indicator_code = o.indicator_code)") == (0,)
    assert lineage(loader.con, "GD-E", JUNE, "fiveg_base_stations") == {
        ("reported", "value", c, JUNE, "fiveg_base_stations", ids["june"]) for c in (SHANTOU, SHANWEI, CHAOZHOU, JIEYANG)}
    # a city's base value: the vintage used, and the one it superseded
    assert lineage(loader.con, SHENZHEN, JUNE, "fiveg_base_stations") == {
        ("reported", "value", SHENZHEN, JUNE, "fiveg_base_stations", ids["shenzhen_revised"]),
        ("superseded", "value", SHENZHEN, JUNE, "fiveg_base_stations", ids["june"])}


# ------------------------------------------------------------------------------- an imputed total

def test_the_lineage_of_an_imputed_total_names_the_imputed_city_and_the_period_it_is_carried_from(paths):
    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        may = loader.submit("gdca", [(c, "2023-05-01", "M", "fiveg_base_stations", v)
                                     for c, v in ((SHANTOU, 1000), (SHANWEI, 1000), (CHAOZHOU, 1000), (JIEYANG, 1000))],
                            "2023-06-05 10:00")
        june = loader.submit("gdca", [(c, "2023-06-01", "M", "fiveg_base_stations", v)
                                      for c, v in ((SHANTOU, 1100), (SHANWEI, 1100), (CHAOZHOU, 1100))],
                             "2023-07-05 10:00")
        loader.rebuild()
        publish(con, paths.serving_db)
        # Jieyang is missing in June: 1,000 (its May) × 3,300 / 3,000 (the others, June over May), E
        assert loader.row("SELECT value, obs_status, n_areas, n_imputed FROM mart.observations WHERE area_code"
                          " = 'GD-E' AND period = ? AND indicator_code = 'fiveg_base_stations'", [JUNE]) == \
            (pytest.approx(3300 + 1000 * 3300 / 3000), "E", 3, 1)
        assert lineage(con, "GD-E", JUNE, "fiveg_base_stations") == \
            {("reported", "value", c, JUNE, "fiveg_base_stations", june) for c in (SHANTOU, SHANWEI, CHAOZHOU)} | \
            {("imputed", "value", JIEYANG, dt.date(2023, 5, 1), "fiveg_base_stations", may)} | \
            {("imputation_base", "value", c, dt.date(2023, 5, 1), "fiveg_base_stations", may)
             for c in (SHANTOU, SHANWEI, CHAOZHOU)}
        # the lineage counts the cities mart.observations says each total counts and imputes
        assert loader.rows(
            "SELECT o.area_code, o.period FROM mart.observations o WHERE o.source_profile = 'aggregate'"
            " AND (o.n_areas, o.n_imputed) <> (SELECT (count(DISTINCT l.input_area_code) FILTER (l.role = 'reported'),"
            " count(DISTINCT l.input_area_code) FILTER (l.role = 'imputed')) FROM mart.lineage l"
            " WHERE l.area_code = o.area_code AND l.period = o.period AND l.indicator_code = o.indicator_code)") == []

    text = render(explain(paths.serving_db, "粤东", "2023-06", "fiveg_base_stations"))
    assert "3 报送 reported, 1 插补 imputed" in text
    assert "445200 揭阳市 Jieyang · 插补 imputed，按其 2023-05 的数值 / from its 2023-05 value" in text


# --------------------------------------------------------------------------------- a confidential cell

def test_explain_of_a_confidential_cell_gives_its_status_and_why_but_no_value(paths):
    """Shantou's racks come from one data centre (the readers do not carry n_units yet: the count is set on
    the loaded cells, as a submission carrying it would)."""
    racks = {SHANTOU: 4321, SHANWEI: 1200, CHAOZHOU: 1500, JIEYANG: 1800}
    in_use = {SHANTOU: 2987, SHANWEI: 700, CHAOZHOU: 900, JIEYANG: 1000}
    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        earlier = loader.submit("gdiit", [(SHANTOU, "2023-04-01", "Q", "dc_standard_racks", 4111)], "2023-07-10 10:00")
        loader.submit("gdiit", [(c, "2023-04-01", "Q", "dc_standard_racks", v) for c, v in racks.items()]
                      + [(c, "2023-04-01", "Q", "dc_racks_in_use", v) for c, v in in_use.items()], "2023-07-15 10:00")
        con.execute("UPDATE core.observations SET n_units = CASE area_code WHEN ? THEN 1 ELSE 9 END", [SHANTOU])
        loader.rebuild()
        publish(con, paths.serving_db)
        assert loader.row("SELECT conf_status FROM mart.observations WHERE area_code = ? AND indicator_code ="
                          " 'dc_standard_racks'", [SHANTOU]) == ("C",)
        assert loader.row("SELECT conf_status FROM mart.observations WHERE area_code = ? AND indicator_code ="
                          " 'dc_rack_utilisation_pct'", [SHANTOU]) == ("C",)
    hidden = {"4321", "4,321", "4111", "4,111", "2987", "2,987", f"{100 * 2987 / 4321:.2f}"}

    racks_text = render(explain(paths.serving_db, "汕头", "2023-Q2", "dc_standard_racks"))
    assert "保密，不公布 / confidential, not published (C" in racks_text
    assert "仅 1 个贡献单位，少于 3 个 / primary: only 1 contributing unit(s), fewer than 3" in racks_text
    assert f"#{earlier} " in racks_text  # its earlier vintage is listed, without its value
    rate_text = render(explain(paths.serving_db, SHANTOU, "2023-Q2", "dc_rack_utilisation_pct"))
    assert "分子或分母为保密单元格" in rate_text and "primary: its numerator or denominator is confidential" in rate_text
    for text in (racks_text, rate_text):
        assert not any(value in text for value in hidden), text
    # nor anywhere in the serving DB's lineage
    import duckdb
    with duckdb.connect(str(paths.serving_db), read_only=True) as serving:
        assert serving.execute("SELECT count(*) FROM mart.lineage WHERE input_value IN (4321, 4111, 2987)"
                               " OR (input_area_code = ? AND input_value IS NOT NULL AND input_conf_status <> 'F')",
                               [SHANTOU]).fetchone() == (0,)
        assert serving.execute("SELECT count(*) FROM mart.lineage WHERE input_area_code = ?"
                               " AND input_indicator_code = 'dc_standard_racks'", [SHANTOU]).fetchone()[0] > 0


# ----------------------------------------------------------------------------- what cannot be explained

@pytest.mark.parametrize("argv, english", [
    (["北京", "2023-06", "fiveg_base_stations"], "unknown area '北京'"),
    (["深圳", "2023-13", "fiveg_base_stations"], "'2023-13' is not a period"),
    (["深圳", "2023-06", "5G基站"], "unknown indicator '5G基站'; did you mean fiveg_base_stations?"),
    (["深圳", "2023-Q2", "fiveg_base_stations"], "fiveg_base_stations is monthly: it has no period 2023-Q2"),
    (["深圳", "2023-07", "fiveg_base_stations"], "440300 2023-07 fiveg_base_stations: no figure is published"),
    (["440000", "2023-06", "fiveg_base_stations"], "only 4 of 21 cities reported, below 50 %"),
])
def test_what_cannot_be_explained_is_one_bilingual_line_and_exit_2(paths, monkeypatch, capsys, argv, english):
    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        loader.submit("gdca", [(c, "2023-06-01", "M", "fiveg_base_stations", 1000)
                               for c in (SHENZHEN, SHANTOU, SHANWEI, CHAOZHOU)], "2023-07-05 10:00")
        loader.rebuild()
        publish(con, paths.serving_db)
    monkeypatch.setenv("DIGECON_HOME", str(paths.home))
    capsys.readouterr()
    assert cli.main(["explain", *argv]) == 2
    out, err = capsys.readouterr()
    lines = err.strip("\n").split("\n")
    assert out == "" and len(lines) == 1 and lines[0].startswith("digecon: ") and " / " in lines[0]
    assert english in lines[0]
    assert cli.main(["explain", "深圳", "2023-06", "fiveg_base_stations"]) == 0  # the figure that is there
    assert "#1 gdca-1.csv" in capsys.readouterr().out
