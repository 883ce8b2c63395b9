"""Disclosure control on hand-built cells (indicators/disclosure.py): the threshold rule, the complementary
cells it chooses, what it carries into rates and estimates, and the linear-programming audit that proves
no suppressed cell can be derived. Figures worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from indicators.disclosure import Cells, audit, growth_relations, observation_relations, suppress

Q1, Q2 = dt.date(2023, 1, 1), dt.date(2023, 4, 1)
INDICATORS = pd.DataFrame([
    dict(indicator_code="racks", magnitude=True, is_derived=False, numerator=None, denominator=None, multiplier=None),
    dict(indicator_code="in_use", magnitude=True, is_derived=False, numerator=None, denominator=None,
         multiplier=None),
    dict(indicator_code="use_pct", magnitude=False, is_derived=True, numerator="in_use", denominator="racks",
         multiplier=100.0),
])
# Region R1 = a + b + c + d, region R2 = e + f, province P = all six.
MEMBERS = pd.DataFrame([("R1", c) for c in "abcd"] + [("R2", c) for c in "ef"] + [("P", c) for c in "abcdef"],
                       columns=["area_code", "city_code"])
NO_PAIRS = pd.DataFrame(columns=["area_code", "period", "indicator_code", "denominator_period"])


def cell(area, value, n_units=None, indicator="racks", period=Q1, status="A", **parts):
    level = "province" if area == "P" else "region" if area.startswith("R") else "city"
    return dict(area_code=area, area_level=level, period=period, indicator_code=indicator, value=value,
                n_units=n_units, obs_status=status, numerator_value=parts.get("num"),
                denominator_value=parts.get("den"), denominator_period=parts.get("den_period"))


def racks(values: dict[str, tuple[float, int]], period=Q1, indicator="racks") -> list[dict]:
    """City cells (value, units) and their three totals, all reported."""
    rows = [cell(c, v, n, indicator, period) for c, (v, n) in values.items()]
    for area, cities in (("R1", "abcd"), ("R2", "ef"), ("P", "abcdef")):
        units = [values[c][1] for c in cities]
        rows.append(cell(area, sum(values[c][0] for c in cities), None if None in units else sum(units),
                         indicator, period))
    return rows


def cells_of(rows, pairs=NO_PAIRS) -> Cells:
    return Cells(pd.DataFrame(rows), INDICATORS, MEMBERS, pairs)


CITIES = dict(a=(100.0, 1), b=(10.0, 5), c=(50.0, 4), d=(200.0, 9), e=(300.0, 7), f=(400.0, 8))


def test_the_relations_do_not_depend_on_the_order_the_rows_come_in():
    """A complement is chosen by the order of the relations, and the audit's programmes are built in it:
    both follow the cells' order, which Cells fixes. Before, it was the order a scan of mart.observations
    gave, which a family refresh or a parallel scan changes (seen at national scale)."""
    rows = racks(CITIES) + racks({c: (v + 10, n) for c, (v, n) in CITIES.items()}, period=Q2)
    status = {("a", Q1, "racks"): "C"}
    growth = pd.DataFrame([dict(area_code=area, period=Q2, freq="Q", indicator_code="racks", pop_base_period=Q1,
                                pop_change=10.0, pop_growth=math.nan, pop_base_value=math.nan, yoy_change=math.nan,
                                yoy_growth=math.nan, yoy_base_value=math.nan, ytd_value=math.nan)
                           for area in "abcdef"])
    forward = Cells(pd.DataFrame(rows), INDICATORS, MEMBERS, NO_PAIRS)
    backward = Cells(pd.DataFrame(rows[::-1]), INDICATORS, MEMBERS.iloc[::-1], NO_PAIRS)
    assert observation_relations(forward, status) == observation_relations(backward, status)
    assert growth_relations(growth, {"racks"}) == growth_relations(growth.iloc[::-1], {"racks"})


def test_a_cell_of_one_data_centre_is_hidden_with_the_smallest_sibling_that_can_hide_it():
    result = suppress(cells_of(racks(CITIES)), min_units=3, unknown_units="publish", interval_pct=15)
    # a has 1 unit: C. R1 = a + b + c + d would give it back, so one more R1 city is hidden: b (10) is the
    # smallest but below 15 % of a's 100, so c (50), the smallest that can hide it.
    assert result.status == {("a", Q1, "racks"): "C", ("c", Q1, "racks"): "D"}
    assert result.reason[("c", Q1, "racks")] == "complementary"
    # a + c = 360 - 10 - 200 = 150, both ≥ 0: a ∈ [0, 150] ⊇ [85, 115]; c ∈ [0, 150] ⊇ [42.5, 57.5]
    bounds = {b.key[0]: b for b in result.bounds}
    assert bounds["a"].lower == pytest.approx(0) and bounds["a"].upper == pytest.approx(150)
    assert bounds["c"].lower == pytest.approx(0) and bounds["c"].upper == pytest.approx(150)
    assert all(b.protected for b in result.bounds)


def test_the_audit_finds_a_lone_suppressed_cell_recoverable_from_its_total():
    cells = cells_of(racks(CITIES))
    status = {("a", Q1, "racks"): "C"}
    [bounds] = audit(observation_relations(cells, status), status, cells.value, 15)
    # a = R1 - b - c - d = 360 - 260 = 100 exactly
    assert bounds.lower == pytest.approx(100) and bounds.upper == pytest.approx(100)
    assert not bounds.protected


def test_two_small_cells_in_one_region_protect_each_other_when_each_is_big_enough():
    values = dict(CITIES, a=(100.0, 2), c=(90.0, 1))
    result = suppress(cells_of(racks(values)), min_units=3, unknown_units="publish", interval_pct=15)
    # a + c = 190: a ∈ [0, 190] ⊇ [85, 115], c ∈ [0, 190] ⊇ [76.5, 103.5]; nothing else is hidden
    assert result.status == {("a", Q1, "racks"): "C", ("c", Q1, "racks"): "C"}


def test_ranges_of_nested_sums_and_an_inconsistent_set_are_exact():
    import numpy as np

    from indicators.disclosure import _ranges

    # a city of three hidden counties x0 + x1 + x2 = 60, and a region holding it with x3: x0+x1+x2+x3 = 100
    nested = np.array([[1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    found = _ranges(nested, np.array([60.0, 100.0]), np.zeros(2))
    assert [tuple(round(v, 9) for v in r) for r in found] == [(0, 60), (0, 60), (0, 60), (40, 40)]
    # a change relation leaves x0 − x1 = 5 alone: x1 unbounded above, x0 at least 5
    assert _ranges(np.array([[1.0, -1.0]]), np.array([5.0]), np.zeros(1)) == ((5.0, math.inf), (0.0, math.inf))
    # x0 + x1 = 10 and x0 + x1 = 30 cannot both hold
    assert _ranges(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([10.0, 30.0]), np.zeros(2)) == (None, None)


def test_the_solver_prints_nothing_of_its_own(tmp_path):
    """highspy prints a banner to the process's stdout when its first solver is made; a command's output
    must stay the command's."""
    import subprocess
    import sys

    script = ("import numpy as np; from indicators.disclosure import _ranges; "
              "print(_ranges(np.array([[1.0, 1.0]]), np.array([4.0]), np.zeros(1)))")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[1])
    assert shown.stdout == "((0.0, 4.0), (0.0, 4.0))\n"


def test_unknown_counts_follow_the_configuration():
    values = dict(CITIES, a=(100.0, None))
    published = suppress(cells_of(racks(values)), min_units=3, unknown_units="publish", interval_pct=15)
    withheld = suppress(cells_of(racks(values)), min_units=3, unknown_units="withhold", interval_pct=15)
    assert published.status == {}
    assert withheld.status[("a", Q1, "racks")] == "C"
    assert withheld.reason[("a", Q1, "racks")] == "not_evaluable"


def test_a_rate_over_a_hidden_cell_is_hidden_and_a_total_rate_cannot_give_it_back():
    racks_rows = racks(CITIES)
    in_use = {c: (v * 0.5, n) for c, (v, n) in CITIES.items()}
    use_rows = racks(in_use, indicator="in_use")
    rates = [cell(c, 50.0, None, "use_pct", num=in_use[c][0], den=CITIES[c][0], den_period=Q1) for c in CITIES]
    for area, cities in (("R1", "abcd"), ("R2", "ef"), ("P", "abcdef")):
        num, den = sum(in_use[c][0] for c in cities), sum(CITIES[c][0] for c in cities)
        rates.append(cell(area, 100 * num / den, None, "use_pct", num=num, den=den, den_period=Q1))
    pairs = pd.DataFrame([dict(area_code=c, period=Q1, indicator_code="use_pct", denominator_period=Q1)
                          for c in CITIES])
    result = suppress(cells_of(racks_rows + use_rows + rates, pairs), 3, "publish", 15)
    # a's racks and racks in use are C (1 unit); its utilisation rate discloses them: C too
    assert result.status[("a", Q1, "use_pct")] == "C"
    assert result.reason[("a", Q1, "use_pct")] == "rate_of_confidential"
    # R1's published numerator and denominator are sums over a..d: they hide a only with c hidden too,
    # and c's rate is then hidden (D) because it would give c's parts back
    assert result.status[("c", Q1, "racks")] == "D" and result.status[("c", Q1, "in_use")] == "D"
    assert result.status[("c", Q1, "use_pct")] == "D"
    assert all(b.protected for b in result.bounds)


def test_an_estimate_read_from_a_hidden_cell_is_hidden():
    # Q2: b did not report; R1 is estimated from b's Q1 value × the change of the cities reporting in both
    q1 = racks(CITIES)
    q2_values = {c: (v * 1.1, n) for c, (v, n) in CITIES.items() if c != "b"}
    q2 = [cell(c, v, n, period=Q2) for c, (v, n) in q2_values.items()]
    r1 = sum(v for c, (v, _) in q2_values.items() if c in "acd") + 10.0 * 1.1
    q2 += [cell("R1", r1, None, period=Q2, status="E"),
           cell("R2", 770.0, 15, period=Q2),
           cell("P", r1 + 770.0, None, period=Q2, status="E")]
    result = suppress(cells_of(q1 + q2), 3, "publish", 15)
    # a is C in both quarters; the Q2 estimate of R1 (and P) reads a's values through the ratio: hidden D
    assert result.status[("R1", Q2, "racks")] == "D"
    assert result.reason[("R1", Q2, "racks")] == "estimate_of_confidential"
    assert result.status[("P", Q2, "racks")] == "D"
    assert all(b.protected for b in result.bounds)


def test_a_growth_figure_over_a_hidden_cell_would_give_it_back():
    # Q1 a = 100 (C, with c hidden), Q2 a published at 110. A published 环比 change for Q2 (+10) gives
    # Q1 back: the audit of the published marts must see it.
    rows = racks(CITIES) + racks({c: (v + 10, 9) for c, (v, _) in CITIES.items()}, period=Q2)
    cells = cells_of(rows)
    status = {("a", Q1, "racks"): "C", ("c", Q1, "racks"): "D"}
    growth = pd.DataFrame([dict(area_code="a", period=Q2, freq="Q", indicator_code="racks", pop_base_period=Q1,
                                pop_change=10.0, pop_growth=math.nan, pop_base_value=math.nan,
                                yoy_change=math.nan, yoy_growth=math.nan, yoy_base_value=math.nan,
                                ytd_value=math.nan)])
    relations = observation_relations(cells, status) + growth_relations(growth, cells.magnitude)
    bounds = {b.key[0]: b for b in audit(relations, status, cells.value, 15)}
    assert bounds["a"].lower == pytest.approx(100) and bounds["a"].upper == pytest.approx(100)
    assert not bounds["a"].protected and not bounds["c"].protected  # c = 150 - a


def test_only_the_growth_relations_around_a_hidden_cell_are_audited():
    """growth_relations(hidden=…) keeps a row of mart.growth whose relations hold a hidden cell: its own,
    its previous period's, the year before's, or (year to date) one of its year's; it drops the rest,
    which constrain nothing a reader cannot see."""
    def row(area, period, base, ytd=math.nan):
        return dict(area_code=area, period=period, freq="Q", indicator_code="racks", pop_base_period=base,
                    pop_change=1.0, pop_growth=math.nan, pop_base_value=math.nan, yoy_change=1.0,
                    yoy_growth=math.nan, yoy_base_value=math.nan, ytd_value=ytd)
    q3, q3_before = dt.date(2023, 7, 1), dt.date(2022, 7, 1)
    growth = pd.DataFrame([row("own", Q2, Q1), row("base", Q2, Q1), row("year", q3, Q2), row("ytd", q3, Q2, 9.0),
                           row("none", Q2, Q1)])
    hidden = {("own", Q2, "racks"), ("base", Q1, "racks"), ("year", q3_before, "racks"), ("ytd", Q1, "racks"),
              ("none", dt.date(2021, 4, 1), "racks"), ("none", Q2, "other")}
    kept = growth_relations(growth, {"racks"}, hidden=hidden)
    assert kept == growth_relations(growth[growth.area_code != "none"], {"racks"})
    assert {k[0] for rel in kept for k, _ in rel.terms} == {"own", "base", "year", "ytd"}


def test_a_year_to_date_total_over_a_hidden_quarter_would_give_it_back():
    rows = racks(CITIES, indicator="racks") + racks({c: (v, 9) for c, (v, _) in CITIES.items()}, period=Q2)
    cells = cells_of(rows)
    status = {("a", Q1, "racks"): "C"}
    growth = pd.DataFrame([dict(area_code="a", period=Q2, freq="Q", indicator_code="racks", pop_base_period=None,
                                pop_change=math.nan, pop_growth=math.nan, pop_base_value=math.nan,
                                yoy_change=math.nan, yoy_growth=math.nan, yoy_base_value=math.nan,
                                ytd_value=200.0)])
    # Q1 + Q2 = 200 with Q2 = 100 published: Q1 = 100
    relations = growth_relations(growth, cells.magnitude)
    [bounds] = audit(relations, status, cells.value, 15)
    assert bounds.lower == pytest.approx(100) and bounds.upper == pytest.approx(100)


# ------------------------------------------------------------------------------------ through the warehouse

def _east_with_one_small_city(loader, q2_shanwei_units: int = 1) -> None:
    """Standard racks for 2023-Q1 and Q2 from gdiit: every city 1,000 + 100 × its index with 10 data
    centres, except the East: Shantou 5,000 (20), Shanwei 317 (1 data centre), Chaozhou 823 (4),
    Jieyang 1,200 (6). In Q2 every value is 10 higher."""
    from indicators import reference

    east = {"440500": (5000, 20), "441500": (317, 1), "445100": (823, 4), "445200": (1200, 6)}
    for period, plus, received in (("2023-01-01", 0, "2023-04-20T09:00:00"), ("2023-04-01", 10, "2023-07-20T09:00:00")):
        cells = []
        for n, city in enumerate(reference.cities()):
            value, units = east.get(city.code, (1000 + 100 * n, 10))
            if city.code == "441500" and plus:
                units = q2_shanwei_units
            cells.append((city.code, period, "Q", "dc_standard_racks", value + plus, None, units))
        loader.submit("gdiit", cells, received)
    loader.rebuild()


def test_a_city_with_one_data_centre_is_hidden_with_the_smallest_east_city_that_can_hide_it(loader):
    from pipelines.disclosure import audit_published

    _east_with_one_small_city(loader, q2_shanwei_units=3)
    q1 = "2023-01-01"
    # Shanwei: 1 data centre → C. The East's sum (tighter than the province's) would give it back; of
    # Shantou 5,000, Chaozhou 823 and Jieyang 1,200, Chaozhou is the smallest worth 15 % of 317 (47.55): D.
    assert loader.row("SELECT value, obs_status, conf_status, n_units FROM mart.observations WHERE area_code ="
                      " '441500' AND period = ? AND indicator_code = 'dc_standard_racks'", [q1]) == (None, "Q", "C", 1)
    assert loader.row("SELECT value, obs_status, conf_status FROM mart.observations WHERE area_code = '445100'"
                      " AND period = ? AND indicator_code = 'dc_standard_racks'", [q1]) == (None, "Q", "D")
    hidden = loader.rows("SELECT area_code FROM mart.observations WHERE conf_status <> 'F' ORDER BY 1")
    assert hidden == [("441500",), ("445100",)]
    assert loader.mart("GD-E", "dc_standard_racks", q1) == 5000 + 317 + 823 + 1200
    # Q2: Shanwei has 3 data centres and is published, but its 环比 would give Q1 back: blank
    assert loader.mart("441500", "dc_standard_racks", "2023-04-01") == 327
    growth = loader.row("SELECT pop_change, pop_growth, pop_base_value FROM mart.growth WHERE area_code = '441500'"
                        " AND period = DATE '2023-04-01' AND indicator_code = 'dc_standard_racks'")
    assert growth == (None, None, None)
    # the audit: Shanwei + Chaozhou = 7,340 − 5,000 − 1,200 = 1,140, so each lies anywhere in [0, 1,140]
    audit = audit_published(loader.con).set_index("area_code")
    assert list(audit.index) == ["441500", "445100"] and audit.protected.all()
    assert audit.loc["441500", "lower_bound"] == pytest.approx(0)
    assert audit.loc["441500", "upper_bound"] == pytest.approx(1140, rel=1e-6)


def test_the_audit_catches_a_published_figure_that_gives_a_hidden_cell_back(loader):
    from pipelines.disclosure import audit_published

    _east_with_one_small_city(loader, q2_shanwei_units=3)
    # plant a 环比 change for Chaozhou's Q2 over its hidden Q1 (833 − 823): Chaozhou, then Shanwei, follow
    loader.con.execute("UPDATE mart.growth SET pop_change = 10, pop_base_period = DATE '2023-01-01'"
                       " WHERE area_code = '445100' AND period = DATE '2023-04-01'"
                       " AND indicator_code = 'dc_standard_racks'")
    audit = audit_published(loader.con).set_index("area_code")
    assert not audit.loc["441500", "protected"] and not audit.loc["445100", "protected"]
    assert audit.loc["441500", "lower_bound"] == pytest.approx(317, rel=1e-6)
    assert loader.row("SELECT count(*) FROM ops.disclosure_audit WHERE NOT protected") == (2,)


def test_the_serving_db_holds_no_hidden_value(loader, tmp_path):
    from pipelines.publish import publish

    _east_with_one_small_city(loader)
    publish(loader.con, loader.paths.serving_db)
    import duckdb

    with duckdb.connect(str(loader.paths.serving_db), read_only=True) as serving:
        schemas = {s for (s,) in serving.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()}
        assert schemas == {"ref", "mart"}  # core.disclosure and ops.disclosure_audit stay in the build DB
        tables = serving.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'mart'").fetchall()
        for (table,) in tables:
            numeric = [c for (c,) in serving.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'mart' AND table_name = ?"
                " AND data_type IN ('DOUBLE', 'DECIMAL', 'INTEGER', 'BIGINT')"
                " AND column_name NOT IN ('n_units', 'n_areas', 'n_imputed', 'n_areas_expected', 'submission_id')",
                [table]).fetchall()]
            # Shanwei's 317 and 327, Chaozhou's 823 and 833: in no number of any mart
            for column in numeric:
                found = serving.execute(f'SELECT count(*) FROM mart."{table}" WHERE "{column}" IN (317, 327, 823, 833)'
                                        ).fetchone()[0]
                assert found == 0, (table, column)


# ------------------------------------------------------------------------------------------------ the sample

def test_the_samples_small_data_centre_cities_are_hidden_and_the_audit_proves_it(sample_home):
    import duckdb

    with duckdb.connect(str(sample_home.build_db), read_only=True) as build:
        audited, protected = build.execute("SELECT count(*), count(*) FILTER (WHERE protected)"
                                           " FROM ops.disclosure_audit").fetchone()
        assert audited > 0 and protected == audited
        # Yunfu has one data centre all along (docs/upload.md): every quarter of its racks is C, threshold
        reasons = build.execute("SELECT DISTINCT conf_status, suppression_reason FROM core.disclosure"
                                " WHERE area_code = '445300' AND indicator_code = 'dc_standard_racks'").fetchall()
        assert reasons == [("C", "threshold")]
    with duckdb.connect(str(sample_home.serving_db), read_only=True) as serving:
        rows = serving.execute("SELECT DISTINCT value IS NULL, obs_status, conf_status FROM mart.observations"
                               " WHERE area_code = '445300' AND indicator_code IN ('dc_standard_racks', 'dc_pue')"
                               ).fetchall()
        assert rows == [(True, "Q", "C")]
        # every total stays published: the small cities hide one another or a sibling (D)
        totals = serving.execute("SELECT count(*) FROM mart.observations WHERE area_level <> 'city'"
                                 " AND indicator_code = 'dc_standard_racks' AND conf_status <> 'F'").fetchone()[0]
        assert totals == 0
