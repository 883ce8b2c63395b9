"""The monitoring marts against figures worked out by hand from the cells each test submits.

Every expected number is written as the arithmetic that gives it, never copied from the code's output.
"""

import datetime as dt

import pytest
from mart_support import DONGGUAN, FOSHAN, GUANGZHOU, SHENZHEN, shanghai

from indicators.report import RuleResult
from pipelines.paths import sql_text

SHANTOU, SHANWEI, CHAOZHOU, JIEYANG = "440500", "441500", "445100", "445200"  # 粤东, the East region
SHAOGUAN = "440200"  # 粤北
WEST = ("440800", "440900", "441700")  # 粤西: Zhanjiang, Maoming, Yangjiang, the whole region


def day(text):
    return dt.date.fromisoformat(text)


# ------------------------------------------------------------------------------------------ aggregation

def test_counts_sum_over_the_cities_and_a_total_missing_a_city_is_withheld(loader):
    east = {SHANTOU: 4000, SHANWEI: 1500, CHAOZHOU: 2500, JIEYANG: 3000}
    loader.submit("gdca", [(c, "2023-06-01", "M", "fiveg_base_stations", v) for c, v in east.items()]
                  + [(c, "2023-07-01", "M", "fiveg_base_stations", v) for c, v in east.items() if c != JIEYANG],
                  "2023-08-05 10:00")
    loader.rebuild()
    columns = ("SELECT value, n_areas, n_areas_expected, coverage_pct, complete, obs_status FROM mart.observations"
               " WHERE area_code = ? AND indicator_code = 'fiveg_base_stations' AND period = ?")
    # June: every East city reported, 4,000 + 1,500 + 2,500 + 3,000.
    assert loader.row(columns, ["GD-E", day("2023-06-01")]) == (11000, 4, 4, 100.0, True, "P")
    # July: three cities reported. The province has 3 of its 21 cities, below half: withheld, no value.
    province = loader.row(columns, ["440000", day("2023-07-01")])
    assert province[:3] == (None, 3, 21) and province[3] == pytest.approx(100 * 3 / 21)
    assert province[4:] == (False, "M")
    # Blank means not reported: no row for Jieyang in July, never a zero; no row for a region nobody reported.
    assert loader.mart(JIEYANG, "fiveg_base_stations", "2023-07-01") is None
    assert loader.mart("GD-N", "fiveg_base_stations", "2023-06-01") is None



def test_a_total_sums_the_members_ref_area_members_lists(loader):
    """Which cities a total sums is stated once, in ref.area_members: the mart and the aggregate check read it
    there."""
    loader.con.execute("UPDATE ref.areas SET area_code = 'P-TEST' WHERE area_level = 'province'")
    loader.con.execute("UPDATE ref.area_members SET area_code = 'P-TEST' WHERE area_code = '440000'")
    loader.submit("gdca", [(SHANTOU, "2023-06-01", "M", "fiveg_base_stations", 4000),
                           (SHAOGUAN, "2023-06-01", "M", "fiveg_base_stations", 1500)], "2023-07-05 10:00")
    loader.rebuild()
    # Two of 21 cities: the province's total is withheld (M), under the code ref.areas gives it.
    assert loader.row("SELECT value, n_areas, n_areas_expected, obs_status FROM mart.observations"
                      " WHERE area_code = 'P-TEST' AND indicator_code = 'fiveg_base_stations'") == (None, 2, 21, "M")
    assert loader.mart("440000", "fiveg_base_stations", "2023-06-01") is None
    assert loader.rows(sql_text("checks/aggregates_equal_city_sums.sql")) == []

def test_a_region_rate_is_the_ratio_of_summed_parts(loader):
    loader.submit("gdca", [(c, "2023-04-01", "Q", code, v)
                           for c, total, covered in ((SHANTOU, 100, 90), (SHANWEI, 60, 30), (CHAOZHOU, 80, 40),
                                                     (JIEYANG, 40, 20))
                           for code, v in (("key_venues_total", total), ("key_venues_5g_covered", covered))]
                  + [(SHAOGUAN, "2023-04-01", "Q", "key_venues_5g_covered", 10)],  # no total: one part only
                  "2023-07-15 10:00")
    loader.rebuild()
    rate = loader.row("SELECT value, numerator_value, denominator_value, n_areas, obs_status FROM mart.observations"
                      " WHERE area_code = 'GD-E' AND indicator_code = 'key_venue_5g_reach_pct'")
    # (90 + 30 + 40 + 20) / (100 + 60 + 80 + 40) × 100 = 180 / 280 = 64.29 %; the mean of the city rates,
    # (90 + 50 + 50 + 50) / 4 = 60, would be wrong.
    assert rate == (pytest.approx(100 * 180 / 280), 180, 280, 4, "P")
    assert loader.mart(SHANWEI, "key_venue_5g_reach_pct", "2023-04-01") == pytest.approx(50.0)
    # A city with one part has no rate, and a region whose only city has one part has none either.
    assert loader.mart(SHAOGUAN, "key_venue_5g_reach_pct", "2023-04-01") is None
    assert loader.mart("GD-N", "key_venue_5g_reach_pct", "2023-04-01") is None


def test_pue_of_a_region_is_total_over_it_energy(loader):
    loader.submit("gdiit", [(c, "2023-04-01", "Q", code, v)
                            for c, total, it in ((WEST[0], 300, 200), (WEST[1], 260, 200), (WEST[2], 90, 60))
                            for code, v in (("dc_total_energy_mwh", total), ("dc_it_energy_mwh", it))]
                   + [(SHAOGUAN, "2023-04-01", "Q", "dc_it_energy_mwh", 100)],  # IT energy only
                   "2023-07-15 10:00")
    loader.rebuild()
    # The West's three cities: Σtotal / ΣIT = (300 + 260 + 90) / (200 + 200 + 60) = 650 / 460 = 1.413, not
    # the mean of 1.5, 1.3 and 1.5 (1.433).
    assert loader.mart("GD-W", "dc_pue", "2023-04-01") == pytest.approx(650 / 460)
    assert loader.mart("GD-W", "dc_pue", "2023-04-01", "n_areas") == 3
    assert loader.mart("GD-N", "dc_pue", "2023-04-01") is None  # no city with both parts: blank
    assert loader.mart("GD-W", "dc_it_energy_mwh", "2023-04-01") == 460


def test_per_10k_people_of_a_region_uses_summed_population(loader):
    people = {SHANTOU: 5_000_000, SHANWEI: 3_000_000, CHAOZHOU: 2_500_000, JIEYANG: 5_500_000}
    stations = {SHANTOU: 4000, SHANWEI: 1500, CHAOZHOU: 2500, JIEYANG: 3300}
    loader.submit("gdstats", [(c, "2022-01-01", "A", "resident_population", v) for c, v in people.items()],
                  "2023-03-20 10:00")
    loader.submit("gdca", [(c, "2023-06-01", "M", "fiveg_base_stations", v) for c, v in stations.items()],
                  "2023-07-05 10:00")
    loader.rebuild()
    # Cities: 4,000 / 500 = 8.0, 1,500 / 300 = 5.0, 2,500 / 250 = 10.0 and 3,300 / 550 = 6.0 per 10,000
    # people (2023 months divide by 2022's population). The East: 11,300 / 1,600 = 7.0625, not the mean 7.25.
    assert loader.mart(SHANTOU, "fiveg_per_10k_people", "2023-06-01") == pytest.approx(8.0)
    assert loader.mart("GD-E", "fiveg_per_10k_people", "2023-06-01") == pytest.approx(11300 / 1600)
    assert loader.mart(SHANTOU, "fiveg_per_10k_people", "2023-06-01", "denominator_period") == day("2022-01-01")


def test_values_stay_provisional_until_released_and_a_pilot_figure_is_marked_apart(loader):
    loader.submit("gdca", [(SHENZHEN, "2023-06-01", "M", "fiveg_base_stations", 50000),
                           (SHENZHEN, "2023-05-01", "M", "fiveg_base_stations", 49000),
                           (SHENZHEN, "2023-04-01", "Q", "key_venues_total", 100)], "2023-07-05 10:00")
    loader.submit("pilot-441900", [(DONGGUAN, "2023-06-01", "M", "fiveg_base_stations", 9000)], "2023-07-06 10:00")
    loader.submit("gdstats", [(SHENZHEN, "2022-01-01", "A", "resident_population", 17_000_000),
                              (DONGGUAN, "2022-01-01", "A", "resident_population", 10_000_000)], "2023-03-20 10:00")
    loader.rebuild()
    status = ("SELECT obs_status, released, from_source_of_record FROM mart.observations"
              " WHERE area_code = ? AND indicator_code = ? AND period = ?")
    assert loader.row(status, [SHENZHEN, "fiveg_base_stations", day("2023-06-01")]) == ("P", False, True)
    assert loader.row(status, [DONGGUAN, "fiveg_base_stations", day("2023-06-01")]) == ("P", False, False)

    loader.release("2023-06", "2023-07-20 09:00")
    loader.rebuild()
    assert loader.row(status, [SHENZHEN, "fiveg_base_stations", day("2023-06-01")]) == ("A", True, True)
    assert loader.row(status, [SHENZHEN, "key_venues_total", day("2023-04-01")]) == ("A", True, True)  # Q2: June
    assert loader.row(status, [SHENZHEN, "fiveg_base_stations", day("2023-05-01")]) == ("P", False, True)
    # A pilot's figure is released like any other (A, not P); that it is not from the source of record,
    # and so is everything resting on it, stays visible in from_source_of_record.
    assert loader.row(status, [DONGGUAN, "fiveg_base_stations", day("2023-06-01")]) == ("A", True, False)
    assert loader.row(status, [DONGGUAN, "fiveg_per_10k_people", day("2023-06-01")]) == ("A", True, False)
    assert loader.row(status, [SHENZHEN, "fiveg_per_10k_people", day("2023-06-01")]) == ("A", True, True)
    # The Pearl River Delta has 2 of its 9 cities: withheld (M), whatever the release.
    assert loader.row(status, ["GD-PRD", "fiveg_base_stations", day("2023-06-01")]) == ("M", True, False)


# ------------------------------------------------------------------------------------------------ growth

def growth(loader, area, indicator, period, *columns):
    return loader.row(f"SELECT {', '.join(columns)} FROM mart.growth WHERE area_code = ? AND indicator_code = ?"
                      " AND period = ?", [area, indicator, day(period)])


def test_period_on_period_and_year_on_year_in_percent_and_points(loader):
    loader.submit("gdca", [(SHENZHEN, "2022-06-01", "M", "fiveg_base_stations", 40000),
                           (SHENZHEN, "2023-05-01", "M", "fiveg_base_stations", 48000),
                           (SHENZHEN, "2023-06-01", "M", "fiveg_base_stations", 50000),
                           (SHENZHEN, "2022-06-01", "M", "pon_ports_total", 1000),
                           (SHENZHEN, "2022-06-01", "M", "pon_ports_10g", 400),
                           (SHENZHEN, "2023-05-01", "M", "pon_ports_total", 1000),
                           (SHENZHEN, "2023-05-01", "M", "pon_ports_10g", 500),
                           (SHENZHEN, "2023-06-01", "M", "pon_ports_total", 1000),
                           (SHENZHEN, "2023-06-01", "M", "pon_ports_10g", 550)], "2023-07-05 10:00")
    loader.rebuild()
    stations = growth(loader, SHENZHEN, "fiveg_base_stations", "2023-06-01", "pop_base_time_period", "pop_change",
                      "pop_growth", "yoy_change", "yoy_growth", "growth_unit", "price_basis")
    # 环比: 50,000 − 48,000 = 2,000, 2,000 / 48,000 = 4.1667 %; 同比: 10,000, 10,000 / 40,000 = 25 %.
    assert stations == ("2023-05", 2000, pytest.approx(100 * 2000 / 48000), 10000, pytest.approx(25.0), "%", None)
    share = growth(loader, SHENZHEN, "pon_10g_share_pct", "2023-06-01", "pop_growth", "yoy_growth", "growth_unit")
    # 55 % against 50 % and 40 %: 5 and 15 percentage points, not 10 % and 37.5 %.
    assert share == (pytest.approx(5.0), pytest.approx(15.0), "pp")


def test_quarterly_flow_year_to_date_and_its_year_on_year(loader):
    quarters = {"2022-01-01": 100, "2022-04-01": 110, "2022-07-01": 120, "2022-10-01": 130,
                "2023-01-01": 120, "2023-04-01": 130}
    loader.submit("gdiit", [(SHENZHEN, q, "Q", "dc_it_energy_mwh", v) for q, v in quarters.items()],
                  "2023-07-15 10:00")
    loader.rebuild()
    ytd = growth(loader, SHENZHEN, "dc_it_energy_mwh", "2023-04-01", "ytd_value", "ytd_base_value", "ytd_change",
                 "ytd_growth", "ytd_complete")
    # 2023 H1: 120 + 130 = 250; 2022 H1: 100 + 110 = 210; +40, 40 / 210 = 19.05 %.
    assert ytd == (250, 210, 40, pytest.approx(100 * 40 / 210), True)
    # 2023-Q1 against 2022-Q4: −10, −10 / 130 = −7.69 % (环比 crosses the year for a flow).
    assert growth(loader, SHENZHEN, "dc_it_energy_mwh", "2023-01-01", "pop_base_time_period", "pop_growth") == (
        "2022-Q4", pytest.approx(-100 * 10 / 130))
    # The year 2022 is complete: 100 + 110 + 120 + 130 = 460 on its closing quarter.
    assert growth(loader, SHENZHEN, "dc_it_energy_mwh", "2022-10-01", "annual_value") == (460,)


def test_year_to_date_is_blank_when_a_month_is_missing(loader):
    loader.submit("gdiit", [(SHENZHEN, "2023-01-01", "M", "iiot_identifier_resolutions", 100),
                            (SHENZHEN, "2023-03-01", "M", "iiot_identifier_resolutions", 300)], "2023-04-05 10:00")
    loader.rebuild()
    assert growth(loader, SHENZHEN, "iiot_identifier_resolutions", "2023-01-01", "ytd_value") == (100,)
    assert growth(loader, SHENZHEN, "iiot_identifier_resolutions", "2023-03-01", "ytd_value") == (None,)


def test_a_year_to_date_series_restarts_in_january(loader):
    loader.submit("gdiit", [(DONGGUAN, "2022-02-01", "M", "enterprises_transformed", 100),
                            (DONGGUAN, "2022-12-01", "M", "enterprises_transformed", 800),
                            (DONGGUAN, "2023-01-01", "M", "enterprises_transformed", 50),
                            (DONGGUAN, "2023-02-01", "M", "enterprises_transformed", 120)], "2023-03-05 10:00")
    loader.rebuild()
    # January's own value is its 50; no 环比: December's own value needs November (against December's 800
    # it would say −94 %). February's own value is 120 − 50 = 70, its 环比 on January's 50: +20, +40 %.
    assert growth(loader, DONGGUAN, "enterprises_transformed", "2023-01-01", "own_value", "pop_change") == (50, None)
    feb = growth(loader, DONGGUAN, "enterprises_transformed", "2023-02-01", "own_value", "pop_change", "pop_growth",
                 "ytd_value", "ytd_base_value", "ytd_growth")
    assert feb == (70, 20, pytest.approx(40.0), 120, 100, pytest.approx(20.0))  # 120 against February 2022's 100


def test_a_rate_over_a_year_to_date_count_restarts_in_january_too(loader):
    loader.submit("gdstats", [(DONGGUAN, "2022-01-01", "A", "enterprises_above_scale", 1000)], "2023-03-20 10:00")
    loader.submit("gdiit", [(DONGGUAN, "2022-12-01", "M", "enterprises_transformed", 80),
                            (DONGGUAN, "2023-01-01", "M", "enterprises_transformed", 5),
                            (DONGGUAN, "2023-02-01", "M", "enterprises_transformed", 12)], "2023-03-05 10:00")
    loader.rebuild()
    # Shares of the 1,000 large enterprises: 8 % transformed in 2022, 0.5 % by January 2023, 1.2 % by February.
    # January has no 环比: against December's 8 % it would say −7.5 points though nothing was undone.
    assert growth(loader, DONGGUAN, "transformed_share_pct", "2023-01-01", "pop_change", "ytd_value") == (
        None, pytest.approx(0.5))
    # February's own share: (12 − 5) / 1,000 = 0.7 %, against January's 0.5 %: +0.2 points; the year to
    # date is the share as reported.
    assert growth(loader, DONGGUAN, "transformed_share_pct", "2023-02-01", "pop_base_time_period", "own_value",
                  "pop_growth", "ytd_value", "growth_unit") == (
        "2023-01", pytest.approx(0.7), pytest.approx(0.2), pytest.approx(1.2), "pp")
    assert growth(loader, DONGGUAN, "transformed_share_pct", "2022-12-01", "annual_value") == (pytest.approx(8.0),)


def test_cagr_over_complete_years_nominal_for_money(loader):
    loader.submit("gdstats", [(SHENZHEN, "2021-01-01", "A", "gdp", 10000),
                              (SHENZHEN, "2022-01-01", "A", "gdp", 10500),
                              (SHENZHEN, "2023-01-01", "A", "gdp", 12100),
                              (SHENZHEN, "2021-01-01", "A", "de_core_value_added", 1000),
                              (SHENZHEN, "2022-01-01", "A", "de_core_value_added", 1155),
                              (SHENZHEN, "2023-01-01", "A", "de_core_value_added", 1452)], "2024-03-20 10:00")
    loader.submit("gdca", [(SHENZHEN, "2021-12-01", "M", "fiveg_base_stations", 40000),
                           (SHENZHEN, "2022-12-01", "M", "fiveg_base_stations", 50000),
                           (SHENZHEN, "2023-11-01", "M", "fiveg_base_stations", 60000),
                           (SHENZHEN, "2023-12-01", "M", "fiveg_base_stations", 62500)], "2024-01-05 10:00")
    loader.rebuild()
    gdp = "SELECT cagr_base_year, cagr, yoy_growth, price_basis FROM mart.growth WHERE indicator_code = 'gdp'" \
          " AND area_code = ? AND period = ?"
    # (12,100 / 10,000)^(1/2) − 1 = 10 %; 2022 alone: 10,500 / 10,000 − 1 = 5 %; 2023 同比 1,600 / 10,500.
    assert loader.row(gdp, [SHENZHEN, day("2023-01-01")]) == (2021, pytest.approx(10.0), pytest.approx(100 * 1600 / 10500),
                                                            "nominal")
    assert loader.row(gdp, [SHENZHEN, day("2022-01-01")])[:2] == (2021, pytest.approx(5.0))
    assert loader.row(gdp, [SHENZHEN, day("2021-01-01")])[:2] == (None, None)  # the base year itself
    # A stock's year is its December: (62,500 / 40,000)^(1/2) − 1 = 25 %; November closes no year.
    assert growth(loader, SHENZHEN, "fiveg_base_stations", "2023-12-01", "annual_value", "cagr") == (
        62500, pytest.approx(25.0))
    assert growth(loader, SHENZHEN, "fiveg_base_stations", "2023-11-01", "cagr") == (None,)
    # A rate's CAGR is its average change in points a year: 10 % (2021) to 12 % (2023) is 1 pp a year.
    assert growth(loader, SHENZHEN, "de_core_va_share_pct", "2023-01-01", "cagr", "growth_unit", "price_basis") == (
        pytest.approx(1.0), "pp", "nominal")


def test_a_flow_year_with_a_quarter_missing_is_not_a_cagr_base(loader):
    loader.submit("gdiit", [(SHENZHEN, q, "Q", "dc_it_energy_mwh", v) for q, v in {
        "2021-10-01": 90,  # 2021 has only its last quarter: not a complete year
        "2022-01-01": 100, "2022-04-01": 100, "2022-07-01": 100, "2022-10-01": 100,
        "2023-01-01": 121, "2023-04-01": 121, "2023-07-01": 121, "2023-10-01": 121}.items()], "2024-01-15 10:00")
    loader.rebuild()
    # 2022: 400, 2023: 484: 484 / 400 − 1 = 21 % over one year from the first complete year, 2022.
    assert growth(loader, SHENZHEN, "dc_it_energy_mwh", "2023-10-01", "annual_value", "cagr_base_year", "cagr") == (
        484, 2022, pytest.approx(21.0))
    assert growth(loader, SHENZHEN, "dc_it_energy_mwh", "2021-10-01", "annual_value") == (None,)


def test_growth_of_a_region_says_whether_both_periods_cover_every_city(loader):
    cities = [SHANTOU, SHANWEI, CHAOZHOU, JIEYANG]
    loader.submit("gdca", [(c, "2022-06-01", "M", "fiveg_base_stations", 1000) for c in cities]
                  + [(c, "2023-06-01", "M", "fiveg_base_stations", 1100) for c in cities[:3]], "2023-07-05 10:00")
    loader.rebuild()
    # Jieyang is imputed: its 1,000 × 3,300 / 3,000 = 1,100, a total of 4,400 (never 3,300 of three cities
    # against 4,000 of four, −17.5 %). 4,400 against 4,000: +10 %, flagged as resting on an estimate.
    assert growth(loader, "GD-E", "fiveg_base_stations", "2023-06-01", "value", "yoy_growth", "yoy_complete",
                  "yoy_flag") == (pytest.approx(4400), pytest.approx(10.0), False, "estimate")
    assert growth(loader, SHANTOU, "fiveg_base_stations", "2023-06-01", "yoy_growth", "yoy_complete",
                  "yoy_flag") == (pytest.approx(10.0), True, None)


# -------------------------------------------------------------------------------------- target progress

def progress(loader, target_id, basis="latest"):
    return loader.row("SELECT actual, completion_pct, time_elapsed_pct, run_rate_per_month, projection,"
                      " projected_completion_pct, target_status, remaining FROM mart.target_progress"
                      " WHERE target_id = ? AND basis = ?", [target_id, basis])


def test_completion_time_elapsed_and_run_rate_of_a_year_to_date_count(loader):
    loader.target("t", "enterprises_transformed", DONGGUAN, 2023, 5000)
    loader.submit("gdiit", [(DONGGUAN, "2023-06-01", "M", "enterprises_transformed", 2700)], "2023-07-05 10:00")
    loader.rebuild(reference_date="2023-07-10")
    actual, done, elapsed, per_month, projection, projected, status, remaining = progress(loader, "t")
    assert (actual, done, remaining) == (2700, pytest.approx(54.0), 2300)  # 2,700 / 5,000
    assert elapsed == pytest.approx(100 * 191 / 365)  # 1 January … 10 July 2023 inclusive: 191 of 365 days
    # Run-rate 2,700 / 6 = 450 a month; December: 2,700 + 450 × 6 = 5,400, 108 % of the target.
    assert (per_month, projection, projected, status) == (450, 5400, pytest.approx(108.0), "on_track")
    assert progress(loader, "t", basis="released")[6] == "no_data"  # nothing released yet


def test_a_target_on_a_rate_over_a_year_to_date_count_runs_from_january(loader):
    loader.target("t", "transformed_share_pct", DONGGUAN, 2023, 9, kind="level")
    loader.submit("gdstats", [(DONGGUAN, year, "A", "enterprises_above_scale", 1000)
                              for year in ("2021-01-01", "2022-01-01")], "2023-03-20 10:00")
    loader.submit("gdiit", [(DONGGUAN, "2022-06-01", "M", "enterprises_transformed", 40),
                            (DONGGUAN, "2023-06-01", "M", "enterprises_transformed", 45)], "2023-07-05 10:00")
    loader.rebuild(reference_date="2023-07-10")
    actual, done, _, per_month, projection, projected, status, _ = progress(loader, "t")
    # 45 / 1,000 = 4.5 % by June, from 0 in January: 0.75 points a month, 4.5 + 0.75 × 6 = 9 % by December,
    # 100 % of the target. (Against June 2022's 4 % it would be 4.5 + 0.5 / 12 × 6 = 4.75 %, off track.)
    assert (actual, done) == (pytest.approx(4.5), pytest.approx(50.0))
    assert (per_month, projection, projected, status) == (
        pytest.approx(0.75), pytest.approx(9.0), pytest.approx(100.0), "on_track")


def test_a_level_projects_its_last_twelve_months_and_stays_within_bounds(loader):
    loader.target("dg", "yzz_village_coverage_pct", DONGGUAN, 2023, 100, kind="level")
    loader.target("sz", "yzz_village_coverage_pct", SHENZHEN, 2023, 100, kind="level")
    loader.submit("gdgsa", [(c, y, "A", "admin_villages_total", 200)
                            for c in (DONGGUAN, SHENZHEN) for y in ("2021-01-01", "2022-01-01")]
                  + [(DONGGUAN, "2022-06-01", "M", "admin_villages_yzz", 150),  # 75 %
                     (DONGGUAN, "2023-06-01", "M", "admin_villages_yzz", 180),  # 90 %
                     (SHENZHEN, "2022-06-01", "M", "admin_villages_yzz", 150),  # 75 %
                     (SHENZHEN, "2023-06-01", "M", "admin_villages_yzz", 190)],  # 95 %
                  "2023-07-05 10:00")
    loader.rebuild(reference_date="2023-07-10")
    # Dongguan: +15 points in 12 months, 1.25 a month; six months to go: 90 + 7.5 = 97.5 % → at risk.
    assert progress(loader, "dg")[3:7] == (pytest.approx(1.25), pytest.approx(97.5), pytest.approx(97.5), "at_risk")
    # Shenzhen: 95 + 20 / 12 × 6 = 105 % is impossible: the projection stops at 100 % and meets the target.
    assert progress(loader, "sz")[4:7] == (pytest.approx(100.0), pytest.approx(100.0), "on_track")


def test_an_increase_target_counts_what_was_added_within_the_year(loader):
    # "带动10万家中小企业上云" in 2023: SMEs added during the year, not the cumulative stock.
    loader.target("t", "smes_on_cloud", DONGGUAN, 2023, 1000, kind="increase")
    loader.submit("gdiit", [(DONGGUAN, "2022-10-01", "Q", "smes_on_cloud", 20000),
                            (DONGGUAN, "2023-01-01", "Q", "smes_on_cloud", 20300),
                            (DONGGUAN, "2023-04-01", "Q", "smes_on_cloud", 20450)], "2023-07-15 10:00")
    loader.rebuild(reference_date="2023-07-20")
    actual, done, _, per_month, projection, projected, status, remaining = progress(loader, "t")
    # 20,450 − 20,000 (end of 2022) = 450 added by June: 45 % of 1,000, 550 to go.
    assert (actual, done, remaining) == (450, pytest.approx(45.0), 550)
    # 450 in 6 months = 75 a month; by December 450 + 75 × 6 = 900: 90 % → at risk.
    assert (per_month, projection, projected, status) == (75, 900, pytest.approx(90.0), "at_risk")


def test_time_elapsed_of_a_multi_year_target_counts_from_its_start_year(loader):
    loader.target("t", "de_core_va_share_pct", "440300", 2025, 20, kind="level", start_year=2021)
    loader.rebuild(reference_date="2024-01-10")
    # 1 January 2021 … 10 January 2024 inclusive: 365 + 365 + 365 + 10 = 1,105 of the span's
    # 365 × 4 + 366 (2024) = 1,826 days: 60.51 %.
    elapsed = loader.row("SELECT time_elapsed_pct FROM mart.target_progress WHERE target_id = 't'"
                         " AND basis = 'latest'")[0]
    assert elapsed == pytest.approx(100 * 1105 / 1826)


def test_an_at_most_target_counts_in_reverse(loader):
    loader.target("pue", "dc_pue", SHENZHEN, 2025, 1.3, comparison="<=", kind="level")
    loader.submit("gdiit", [(SHENZHEN, "2022-07-01", "Q", "dc_total_energy_mwh", 150),
                            (SHENZHEN, "2022-07-01", "Q", "dc_it_energy_mwh", 100),
                            (SHENZHEN, "2023-07-01", "Q", "dc_total_energy_mwh", 140),
                            (SHENZHEN, "2023-07-01", "Q", "dc_it_energy_mwh", 100)], "2023-10-15 10:00")
    loader.rebuild()
    actual, done, elapsed, per_month, projection, projected, status, remaining = progress(loader, "pue")
    # PUE 1.4 against at most 1.3: 1.3 / 1.4 = 92.86 % done, 0.1 to go; 0 % of 2025 gone at 2024-01-10.
    assert (actual, done, remaining, elapsed) == (pytest.approx(1.4), pytest.approx(100 * 1.3 / 1.4),
                                                  pytest.approx(0.1), 0)
    # Falling 0.1 a year; 27 months from 2023-09-30 to 2025-12-31: 1.4 − 0.1 / 12 × 27 = 1.175 → 110.6 %.
    assert (per_month, projection) == (pytest.approx(-0.1 / 12), pytest.approx(1.175))
    assert (projected, status) == (pytest.approx(100 * 1.3 / 1.175), "on_track")


@pytest.mark.parametrize("june, expected", [
    (5000, "on_track"),   # met already (and 10,000 projected)
    (2500, "on_track"),   # 2,500 × 12 / 6 = 5,000: 100 % exactly
    (2499, "at_risk"),    # 4,998: 99.96 %
    (2250, "at_risk"),    # 4,500: 90 % exactly
    (2249, "off_track"),  # 4,498: 89.96 %
    (None, "no_data"),
])
def test_status_thresholds_at_their_edges(loader, june, expected):
    loader.target("t", "enterprises_transformed", DONGGUAN, 2023, 5000)
    if june is not None:
        loader.submit("gdiit", [(DONGGUAN, "2023-06-01", "M", "enterprises_transformed", june)], "2023-07-05 10:00")
    loader.rebuild(reference_date="2023-07-10")
    assert progress(loader, "t")[6] == expected
    if june is None:  # nothing to project and nothing to measure what remains against
        assert progress(loader, "t") == (None, None, pytest.approx(100 * 191 / 365), None, None, None, "no_data",
                                         None)


@pytest.mark.parametrize("pue, expected", [
    (1.2, "achieved"),   # below the ceiling
    (1.3, "achieved"),   # at the ceiling
    (1.31, "not_achieved"),  # above it: 1.3 / 1.31 = 99.2 % is not a projection any more
    (1.45, "not_achieved"),
])
def test_status_of_an_at_most_target_after_its_deadline(loader, pue, expected):
    # The year is over and its last quarter is in: the outcome, on the final value (its projection too).
    loader.target("pue", "dc_pue", SHENZHEN, 2023, 1.3, comparison="<=", kind="level")
    loader.submit("gdiit", [(SHENZHEN, "2022-10-01", "Q", "dc_total_energy_mwh", 150),
                            (SHENZHEN, "2022-10-01", "Q", "dc_it_energy_mwh", 100),
                            (SHENZHEN, "2023-10-01", "Q", "dc_total_energy_mwh", pue * 100),
                            (SHENZHEN, "2023-10-01", "Q", "dc_it_energy_mwh", 100)], "2024-01-15 10:00")
    loader.rebuild(reference_date="2024-02-01")
    actual, _, elapsed, _, projection, _, status, _ = progress(loader, "pue")
    assert (projection, elapsed, status) == (pytest.approx(actual), 100, expected)


def test_not_met_without_a_year_earlier_value_is_at_risk(loader):
    loader.target("t", "villages20_fibre_pct", SHENZHEN, 2023, 100, kind="level")
    loader.submit("gdca", [(SHENZHEN, "2022-01-01", "A", "villages20_total", 100),
                           (SHENZHEN, "2023-04-01", "Q", "villages20_fibre", 99)], "2023-07-15 10:00")
    loader.rebuild(reference_date="2023-07-20")  # before the deadline
    assert progress(loader, "t")[4:7] == (None, None, "at_risk")


def test_a_province_target_ignores_totals_that_miss_cities(loader):
    loader.target("t", "enterprises_transformed", "440000", 2023, 10)
    loader.submit("gdiit", [(c.code, "2023-05-01", "M", "enterprises_transformed", 1) for c in _cities()],
                  "2023-06-05 10:00")
    loader.submit("gdiit", [(DONGGUAN, "2023-06-01", "M", "enterprises_transformed", 5)], "2023-07-05 10:00")
    loader.rebuild(reference_date="2023-07-10")
    # June covers one city: May's 21 (all cities) is the actual, not June's 5.
    assert loader.row("SELECT actual_time_period, actual_period, actual FROM mart.target_progress"
                      " WHERE target_id = 't' AND basis = 'latest'") == ("2023-05", day("2023-05-01"), 21)


def _cities():
    from indicators.reference import cities
    return cities()


def test_gigabit_city_compliance_per_indicator(loader):
    loader.submit("gdca", [(SHENZHEN, "2023-04-01", "Q", "households_total", 1000),
                           (SHENZHEN, "2023-04-01", "Q", "households_gigabit_covered", 850),  # 85 % ≥ 80
                           (SHENZHEN, "2023-04-01", "Q", "key_venues_total", 100),
                           (SHENZHEN, "2023-04-01", "Q", "key_venues_5g_covered", 94),  # 94 % < 95
                           (SHENZHEN, "2023-06-01", "M", "pon_ports_total", 1000),
                           (SHENZHEN, "2023-06-01", "M", "pon_ports_10g", 500),  # no threshold
                           (DONGGUAN, "2023-04-01", "Q", "households_total", 1000),
                           (DONGGUAN, "2023-04-01", "Q", "households_gigabit_covered", 800)],  # 80 %: at the edge
                  "2023-07-15 10:00")
    loader.rebuild()
    judged = {(area, code): (meets, threshold) for area, code, meets, threshold in loader.rows(
        "SELECT area_code, indicator_code, meets, threshold FROM mart.gigabit_city WHERE basis = 'latest'")}
    assert judged[(SHENZHEN, "gigabit_household_coverage_pct")] == (True, 80)
    assert judged[(SHENZHEN, "key_venue_5g_reach_pct")] == (False, 95)
    assert judged[(SHENZHEN, "pon_10g_share_pct")] == (None, None)
    assert judged[(DONGGUAN, "gigabit_household_coverage_pct")] == (True, 80)
    assert judged[(DONGGUAN, "fiveg_per_10k_people")] == (None, 12)  # no value yet
    summary = dict(loader.rows("SELECT DISTINCT area_code, meets_all FROM mart.gigabit_city WHERE basis = 'latest'"
                               " AND area_code IN (?, ?)", [SHENZHEN, DONGGUAN]))
    assert summary == {SHENZHEN: False, DONGGUAN: None}  # one fails; nothing fails but some are missing
    assert loader.row("SELECT count(*) FROM mart.gigabit_city WHERE basis = 'latest'")[0] == 21 * 7


# ----------------------------------------------------------------------------------------- completeness

def board(loader, area, indicator, period_month="2023-11-01"):
    return loader.row("SELECT completeness_status, due_date, received_at, days_late, rejected_submission_id, filled_by_pilot,"
                      " pilot_source FROM mart.completeness WHERE area_code = ? AND indicator_code = ?"
                      " AND period_month = ?", [area, indicator, day(period_month)])


def test_completeness_on_time_late_rejected_missing_and_pilot(loader):
    nov = "2023-11-01"

    def cell(city):
        return city, nov, "M", "fiveg_base_stations", 100

    loader.submit("gdca", [cell(SHENZHEN)], "2023-12-10 23:59")  # on the due date: on time
    loader.submit("gdca", [cell(DONGGUAN)], "2023-12-11 00:00")  # a minute later: late
    rejected = loader.submit("gdca", [cell(GUANGZHOU), cell(SHANTOU)], "2023-12-05 10:00", accepted=False)
    loader.submit("gdca", [cell(SHANTOU)], "2023-12-12 09:00")  # resent after the rejection, late
    withdrawn = loader.submit("gdca", [cell(SHANWEI)], "2023-12-01 10:00")
    loader.withdraw(withdrawn, "2023-12-03 10:00", "wrong month")
    loader.submit("pilot-441900", [(DONGGUAN, nov, "M", "iiot_identifier_registrations", 5)], "2023-12-06 10:00")
    loader.submit("pilot-440300", [(SHENZHEN, nov, "M", "fiveg_users", 5)], "2023-12-06 10:00", accepted=False)
    loader.rebuild(months=["2023-11"])

    due = day("2023-12-10")
    assert board(loader, SHENZHEN, "fiveg_base_stations")[:4] == ("received", due, shanghai("2023-12-10 23:59"), 0)
    assert board(loader, DONGGUAN, "fiveg_base_stations")[:4] == ("received_late", due, shanghai("2023-12-11 00:00"), 1)
    assert board(loader, GUANGZHOU, "fiveg_base_stations")[:5] == ("rejected", due, None, 31, rejected)
    assert board(loader, SHANTOU, "fiveg_base_stations")[:5] == ("received_late", due, shanghai("2023-12-12 09:00"),
                                                                 2, rejected)
    assert board(loader, SHANWEI, "fiveg_base_stations")[0] == "missing"  # its only value was withdrawn
    assert board(loader, FOSHAN, "fiveg_base_stations")[:4] == ("missing", due, None, 31)  # 2023-12-10 → 2024-01-10
    # The pilot stands in for gdiit, which still owes the cell; a pilot's rejected file owes nothing.
    assert board(loader, DONGGUAN, "iiot_identifier_registrations")[0::5] == ("missing", True)
    assert board(loader, DONGGUAN, "iiot_identifier_registrations")[6] == "pilot-441900"
    assert board(loader, SHENZHEN, "fiveg_users")[0] == "missing"
    # Every city × monthly base indicator, owed by its agency of record; no quarterly or annual in November.
    monthly = loader.row("SELECT count(*) FROM ref.indicators WHERE freq = 'M' AND NOT is_derived")[0]
    assert loader.row("SELECT count(*), count(DISTINCT freq) FROM mart.completeness") == (21 * monthly, 1)


def test_completeness_judges_shanghai_dates_whatever_the_connection_time_zone(loader):
    """The calendar's dates are Asia/Shanghai dates. 07:00 in Shanghai is still the day before in UTC: a
    receipt at 2023-12-11 07:00 is a day late (due 2023-12-10), and one at 2024-01-11 07:00 is after the
    reference date 2024-01-10 and not counted yet, under a UTC connection as under a Shanghai one."""
    nov = "2023-11-01"
    loader.submit("gdca", [(SHENZHEN, nov, "M", "fiveg_base_stations", 100)], "2023-12-11 07:00")
    loader.submit("gdca", [(DONGGUAN, nov, "M", "fiveg_base_stations", 100)], "2024-01-11 07:00")
    boards = {}
    try:
        for zone in ("UTC", "Asia/Shanghai"):
            loader.con.execute(f"SET TimeZone = '{zone}'")
            loader.rebuild(months=["2023-11"])
            boards[zone] = [board(loader, city, "fiveg_base_stations")[:4] for city in (SHENZHEN, DONGGUAN)]
    finally:
        loader.con.execute("RESET TimeZone")
    due = day("2023-12-10")
    assert boards["UTC"] == boards["Asia/Shanghai"] == [
        ("received_late", due, shanghai("2023-12-11 07:00"), 1),
        ("missing", due, None, 31)]  # 2023-12-10 → 2024-01-10

def test_completeness_not_yet_due_on_the_due_date_and_quarter_end_months(loader):
    loader.rebuild(reference_date="2024-01-10", months=["2023-12"])
    # December is due 2024-01-10: on that day nothing is missing yet.
    assert board(loader, SHENZHEN, "fiveg_base_stations", "2023-12-01")[:2] == ("not_yet_due", day("2024-01-10"))
    # December closes 2023-Q4 (due 2024-01-20) and the year 2023 (due 2024-03-31).
    assert loader.row("SELECT period, due_date FROM mart.completeness WHERE indicator_code = 'households_total'"
                      " AND area_code = ?", [SHENZHEN]) == (day("2023-10-01"), day("2024-01-20"))
    assert loader.row("SELECT period, due_date FROM mart.completeness WHERE indicator_code = 'gdp'"
                      " AND area_code = ?", [SHENZHEN]) == (day("2023-01-01"), day("2024-03-31"))
    loader.rebuild(reference_date="2024-01-11", months=["2023-12"])
    assert board(loader, SHENZHEN, "fiveg_base_stations", "2023-12-01")[:4] == ("missing", day("2024-01-10"), None, 1)


# ------------------------------------------------------------------------------- quality, discrepancies

def test_data_quality_per_submission_and_rule(loader):
    rules = [RuleResult("value_in_range", "error", "validity", evaluated=10, passed=8, failed=1, not_evaluable=1),
             RuleResult("stock_not_falling", "warning", "history", evaluated=10, passed=8, failed=2)]
    submission = loader.submit("gdca", [(SHENZHEN, "2023-06-01", "M", "fiveg_base_stations", -1)],
                               "2023-07-05 10:00", accepted=False, rules=rules)
    loader.rebuild()
    rows = loader.rows("SELECT rule, submission_status, evaluated, passed, failed, not_evaluable, pass_rate_pct,"
                       " blocking FROM mart.data_quality WHERE submission_id = ? ORDER BY rule", [submission])
    assert rows == [("stock_not_falling", "rejected", 10, 8, 2, 0, pytest.approx(80.0), False),
                    ("value_in_range", "rejected", 10, 8, 1, 1, pytest.approx(100 * 8 / 9), True)]


def test_discrepancies_between_a_pilot_and_the_agency_of_record(loader):
    loader.submit("gdca", [(SHENZHEN, "2023-09-01", "M", "fiveg_base_stations", 45464),
                           (SHENZHEN, "2023-08-01", "M", "fiveg_base_stations", 45000)], "2023-10-08 10:00")
    pilot = loader.submit("pilot-440300", [(SHENZHEN, "2023-09-01", "M", "fiveg_base_stations", 52284),
                                           (SHENZHEN, "2023-08-01", "M", "fiveg_base_stations", 45000),
                                           (SHENZHEN, "2023-07-01", "M", "fiveg_base_stations", 44000)],
                          "2023-10-09 10:00")
    loader.rebuild()
    rows = loader.rows("SELECT time_period, agency, agency_value, pilot, pilot_value, pilot_submission_id, gap,"
                       " gap_pct, differs, used_source, used_value FROM mart.discrepancies ORDER BY period")
    # 52,284 − 45,464 = 6,820, 15.0 % of the agency's figure; the marts use gdca's. July: the pilot alone.
    assert rows == [
        ("2023-08", "gdca", 45000, "pilot-440300", 45000, pilot, 0, 0, False, "gdca", 45000),
        ("2023-09", "gdca", 45464, "pilot-440300", 52284, pilot, 6820, pytest.approx(100 * 6820 / 45464), True,
         "gdca", 45464),
    ]


# ------------------------------------------------------------------------------------------------ checks

REF_DAY = dt.date(2024, 1, 10)  # the sample's reference date: every period below is past due

def test_mart_checks_pass_on_sound_marts_and_catch_each_broken_invariant(loader):
    from pipelines.checks import failing_rows

    loader.submit("gdca", [(c, "2023-04-01", "Q", code, v) for c in (SHANTOU, SHANWEI, CHAOZHOU, JIEYANG)
                           for code, v in (("key_venues_total", 100), ("key_venues_5g_covered", 90))],
                  "2023-07-15 10:00")
    loader.rebuild()
    names = ["unique_area_period_indicator", "aggregates_equal_city_sums", "rates_within_bounds",
             "growth_row_per_observation", "every_target_once", "referential_integrity"]
    assert {name: len(failing_rows(loader.con, name, REF_DAY)) for name in names} == dict.fromkeys(names, 0)

    breakages = {
        "aggregates_equal_city_sums": "UPDATE mart.observations SET value = value + 1 WHERE area_code = 'GD-E'"
                                      " AND indicator_code = 'key_venues_total'",
        "rates_within_bounds": "UPDATE mart.observations SET value = 100.5 WHERE area_code = ?"
                               " AND indicator_code = 'key_venue_5g_reach_pct'",
        "unique_area_period_indicator": "INSERT INTO mart.observations SELECT * FROM mart.observations"
                                        " WHERE area_code = ? LIMIT 1",
        "growth_row_per_observation": "DELETE FROM mart.growth WHERE area_code = ?",
        "every_target_once": "DELETE FROM mart.target_progress WHERE basis = 'released'",
    }
    for name, sql in breakages.items():
        loader.con.execute(sql, [SHANTOU] if "?" in sql else None)
        assert len(failing_rows(loader.con, name, REF_DAY)) > 0, name
    # Only the East's four of 21 cities reported: 17 missing for each of the two counts and the rate.
    assert len(failing_rows(loader.con, "every_city_present", REF_DAY)) == 3 * 17


def test_every_city_present_flags_a_city_missing_from_an_earlier_period(loader):
    from pipelines.checks import failing_rows

    yunfu = "445300"
    cities = [c.code for c in _cities()]
    loader.submit("gdiit", [(c, "2023-11-01", "M", "iiot_identifier_resolutions", 10) for c in cities if c != yunfu]
                  + [(c, "2023-12-01", "M", "iiot_identifier_resolutions", 10) for c in cities], "2024-01-05 10:00")
    loader.rebuild()
    # December is whole; November lacks Yunfu, which leaves its region and the province short that month.
    missing = failing_rows(loader.con, "every_city_present", REF_DAY)
    assert [(r.indicator_code, r.period.date(), r.missing_city) for r in missing.itertuples()] == [
        ("iiot_identifier_resolutions", day("2023-11-01"), yunfu)]
    # November's data is due on 10 December: before then, a city yet to report owes nothing.
    assert failing_rows(loader.con, "every_city_present", day("2023-12-10")).empty


# ------------------------------------------- year-to-date own values, target outcomes, measures and scope

def test_a_year_to_date_series_compares_own_values_across_the_year_and_its_january_restart(loader):
    ytd = {"2022-03-01": 150, "2022-11-01": 700, "2022-12-01": 800,
           "2023-01-01": 50, "2023-02-01": 120, "2023-03-01": 200,  # April missing
           "2023-05-01": 300, "2023-06-01": 360}
    loader.submit("gdiit", [(DONGGUAN, p, "M", "enterprises_transformed", v) for p, v in ytd.items()],
                  "2023-07-05 10:00")
    loader.rebuild()
    columns = ("own_value", "pop_base_time_period", "pop_base_value", "pop_change", "pop_growth")

    def month(period):
        return growth(loader, DONGGUAN, "enterprises_transformed", period, *columns)

    assert month("2022-12-01")[0] == 800 - 700
    # January restarts: its own value is its 50, against December's own 100: −50, −50 %.
    assert month("2023-01-01") == (50, "2022-12", 100, -50, pytest.approx(-50.0))
    # February: 120 − 50 = 70 against 50: +20, +40 % (never 120 against 50, +140 %).
    assert month("2023-02-01") == (70, "2023-01", 50, 20, pytest.approx(40.0))
    # March: 200 − 120 = 80 against 70: +10, 10 / 70 = 14.29 %.
    assert month("2023-03-01") == (80, "2023-02", 70, 10, pytest.approx(100 * 10 / 70))
    # May's own value needs April's year to date: blank, and so is its 环比; June's own 360 − 300 = 60
    # has no own value in May to compare with.
    assert month("2023-05-01") == (None, None, None, None, None)  # no April row at all
    assert month("2023-06-01") == (60, "2023-05", None, None, None)
    # 同比 compares the same month's year to date, like with like: 200 against 150, +33.33 %.
    assert growth(loader, DONGGUAN, "enterprises_transformed", "2023-03-01", "value", "yoy_base_value",
                  "yoy_growth", "own_complete") == (200, 150, pytest.approx(100 * 50 / 150), True)
    # The province is Dongguan alone, 1 of 21 cities: withheld (M), so it has no own value and no 环比.
    assert growth(loader, "440000", "enterprises_transformed", "2023-03-01", "value", "own_value", "own_complete",
                  "pop_growth") == (None, None, False, None)
    # Other series have no own value.
    assert loader.row("SELECT count(*) FROM mart.growth WHERE own_value IS NOT NULL"
                      " AND series_kind <> 'ytd'") == (0,)


def outcome(loader, target_id, basis="latest"):
    return loader.row("SELECT actual, actual_time_period, completion_pct, target_status FROM mart.target_progress"
                      " WHERE target_id = ? AND basis = ?", [target_id, basis])


def test_a_target_past_its_deadline_is_achieved_or_not_on_its_final_value(loader):
    loader.target("dg", "yzz_village_coverage_pct", DONGGUAN, 2022, 100, kind="level")
    loader.target("sz", "yzz_village_coverage_pct", SHENZHEN, 2022, 100, kind="level")
    loader.submit("gdgsa", [(c, y, "A", "admin_villages_total", 10000)
                            for c in (DONGGUAN, SHENZHEN) for y in ("2021-01-01", "2022-01-01")]
                  + [(DONGGUAN, "2022-11-01", "M", "admin_villages_yzz", 9990),
                     (DONGGUAN, "2022-12-01", "M", "admin_villages_yzz", 9997),   # 99.97 %
                     (DONGGUAN, "2023-06-01", "M", "admin_villages_yzz", 10000),  # after the deadline
                     (SHENZHEN, "2022-12-01", "M", "admin_villages_yzz", 10000)],  # 100 %
                  "2023-07-05 10:00")
    loader.rebuild(reference_date="2024-01-10")  # a year after the end of 2022
    # 9,997 / 10,000 = 99.97 % in December 2022, the final value: not achieved (not "at risk"); June 2023's
    # 100 % came after the deadline and does not count.
    assert outcome(loader, "dg") == (pytest.approx(99.97), "2022-12", pytest.approx(99.97), "not_achieved")
    assert outcome(loader, "sz") == (pytest.approx(100.0), "2022-12", pytest.approx(100.0), "achieved")
    assert outcome(loader, "dg", basis="released")[3] == "no_data"  # nothing released
    # Before the deadline the same value is still a matter of projection.
    loader.rebuild(reference_date="2022-12-20")
    assert outcome(loader, "dg")[:2] == (pytest.approx(99.9), "2022-11")
    assert outcome(loader, "dg")[3] in {"on_track", "at_risk", "off_track"}


def test_pue_target_measures_the_annual_ratio_of_sums_not_one_quarter(loader):
    loader.target("pue23", "dc_pue", SHENZHEN, 2023, 1.3, comparison="<=", kind="level")
    loader.target("pue25", "dc_pue", SHENZHEN, 2025, 1.3, comparison="<=", kind="level", start_year=2021)
    loader.target("pue23_quarter", "dc_pue", SHENZHEN, 2023, 1.3, comparison="<=", kind="level")
    loader.con.execute("UPDATE ref.targets SET measure = 'annual_ratio_of_sums' WHERE target_id IN ('pue23', 'pue25')")
    energy = {  # quarter: (total, IT) MWh
        "2022-01-01": (140, 100), "2022-04-01": (140, 100), "2022-07-01": (140, 100), "2022-10-01": (140, 100),
        "2023-01-01": (132, 110), "2023-04-01": (143, 110), "2023-07-01": (180, 120), "2023-10-01": (130, 100),
        "2024-01-01": (100, 100)}  # an incomplete year
    loader.submit("gdiit", [(SHENZHEN, q, "Q", code, v) for q, (total, it) in energy.items()
                            for code, v in (("dc_total_energy_mwh", total), ("dc_it_energy_mwh", it))],
                  "2024-04-15 10:00")
    loader.rebuild(reference_date="2024-05-01")
    # 2023: (132 + 143 + 180 + 130) / (110 + 110 + 120 + 100) = 585 / 440 = 1.3295: above 1.3, not achieved,
    # though the last quarter alone (130 / 100 = 1.3) would meet it.
    annual_2023 = 585 / 440
    assert outcome(loader, "pue23") == (pytest.approx(annual_2023), "2023", pytest.approx(100 * 1.3 / annual_2023),
                                        "not_achieved")
    assert outcome(loader, "pue23_quarter")[1:] == ("2023-Q4", pytest.approx(100.0), "achieved")
    # 2025's target: 2024 has one quarter only, so 2023 is the latest complete year; against 2022's
    # 560 / 400 = 1.4 it fell (1.3295 − 1.4) / 12 a month; 24 months to 2025-12-31:
    # 1.3295 + (1.3295 − 1.4) × 2 = 1.1886 → 1.3 / 1.1886 = 109.4 %, on track.
    actual, period, _, status = outcome(loader, "pue25")
    assert (actual, period, status) == (pytest.approx(annual_2023), "2023", "on_track")
    assert loader.row("SELECT run_rate_base_time_period, run_rate_base_value, projection FROM mart.target_progress"
                      " WHERE target_id = 'pue25' AND basis = 'latest'") == (
        "2022", pytest.approx(1.4), pytest.approx(annual_2023 + (annual_2023 - 1.4) * 2))


def test_targets_yaml_states_each_targets_measure_and_scope():
    from indicators import reference

    by_id = {t.target_id: t for t in reference.targets()}
    assert (by_id["dc_pue_2025"].measure, by_id["dc_pue_2025"].scope) == (
        "annual_ratio_of_sums", "national_applied_to_province")
    assert by_id["dc_rack_utilisation_2023"].scope == "national_applied_to_province"
    # Every other target is the province's (or a city's) own, on its latest value.
    assert {(t.measure, t.scope) for i, t in by_id.items() if i not in {"dc_pue_2025", "dc_rack_utilisation_2023"}} == {
        ("latest", "area")}
    with pytest.raises(ValueError, match="targets.yaml.*measure must be one of latest, annual_ratio_of_sums"):
        reference.Target(target_id="x", indicator_code="dc_pue", area_code="440000", year=2025, value=1.3,
                         comparison="<=", kind="level", illustrative=False, source="s", measure="mean")


def test_the_target_scope_reaches_ref_targets_and_its_label(loader):
    assert loader.row("SELECT measure, target_scope FROM ref.targets WHERE target_id = 'dc_pue_2025'") == (
        "annual_ratio_of_sums", "national_applied_to_province")
    loader.rebuild()
    assert loader.row("SELECT target_scope FROM mart.target_progress WHERE target_id = 'dc_rack_utilisation_2023'"
                      " AND basis = 'released'") == ("national_applied_to_province",)


# ------------------------------------------- honest aggregates: imputed (E), withheld (M), breaks (B)

def aggregate(loader, area, indicator, period, *columns):
    return loader.row(f"SELECT {', '.join(columns)} FROM mart.observations WHERE area_code = ?"
                      " AND indicator_code = ? AND period = ?", [area, indicator, day(period)])


def test_a_total_missing_cities_imputes_each_from_its_last_value_and_the_change_of_the_others(loader):
    stations = {"2023-04-01": {SHANTOU: 4000, SHANWEI: 1500, CHAOZHOU: 2500, JIEYANG: 3000},
                "2023-05-01": {SHANTOU: 4200, SHANWEI: 1600, CHAOZHOU: 2600},  # Jieyang missing
                "2023-06-01": {SHANTOU: 4400, SHANWEI: 1800}}  # Chaozhou and Jieyang missing: 2 of 4, 50 %
    loader.submit("gdca", [(c, p, "M", "fiveg_base_stations", v) for p, cells in stations.items()
                           for c, v in cells.items()], "2023-07-05 10:00")
    loader.release("2023-05", "2023-06-20 09:00")
    loader.rebuild()
    columns = ("value", "obs_status", "released", "n_areas", "n_imputed", "complete")
    assert aggregate(loader, "GD-E", "fiveg_base_stations", "2023-04-01", *columns) == (
        11000, "P", False, 4, 0, True)
    # May: Jieyang's April 3,000 × the change of the three others from April, (4,200 + 1,600 + 2,600) /
    # (4,000 + 1,500 + 2,500) = 8,400 / 8,000: 3,150, a total of 8,400 + 3,150 = 11,550. Released, but an
    # estimate: E.
    assert aggregate(loader, "GD-E", "fiveg_base_stations", "2023-05-01", *columns) == (
        pytest.approx(11550), "E", True, 3, 1, False)
    # June: Jieyang from April, 3,000 × (4,400 + 1,800) / (4,000 + 1,500); Chaozhou from May,
    # 2,600 × (4,400 + 1,800) / (4,200 + 1,600); each against the cities that reported in both periods.
    june = 6200 + 3000 * 6200 / 5500 + 2600 * 6200 / 5800
    assert aggregate(loader, "GD-E", "fiveg_base_stations", "2023-06-01", *columns) == (
        pytest.approx(june), "E", False, 2, 2, False)
    # Growth between two estimates is flagged; so is growth from a complete period to an estimate.
    assert growth(loader, "GD-E", "fiveg_base_stations", "2023-06-01", "pop_growth", "pop_complete",
                  "pop_flag") == (pytest.approx(100 * (june - 11550) / 11550), False, "estimate")
    assert growth(loader, "GD-E", "fiveg_base_stations", "2023-05-01", "pop_base_value", "pop_flag") == (
        11000, "estimate")
    assert growth(loader, SHANTOU, "fiveg_base_stations", "2023-06-01", "pop_flag") == (None,)
    # The check that totals equal their cities' sums still passes: estimated totals are exempt from it.
    assert loader.rows(sql_text("checks/aggregates_equal_city_sums.sql")) == []


def test_a_rate_total_imputes_its_numerator_and_denominator_alike(loader):
    parts = {"2023-01-01": {SHANTOU: (100, 90), SHANWEI: (60, 30), CHAOZHOU: (80, 40), JIEYANG: (40, 20)},
             "2023-04-01": {SHANTOU: (110, 99), SHANWEI: (60, 36), JIEYANG: (50, 30)}}
    loader.submit("gdca", [(c, p, "Q", code, v) for p, cells in parts.items() for c, (total, covered) in cells.items()
                           for code, v in (("key_venues_total", total), ("key_venues_5g_covered", covered))]
                  + [(CHAOZHOU, "2023-04-01", "Q", "key_venues_total", 90)],  # Q2: no covered count, no rate
                  "2023-07-15 10:00")
    loader.rebuild()
    # Chaozhou's Q2 rate is missing: its last pair (Q1) is imputed part by part, the numerator
    # 40 × (99 + 36 + 30) / (90 + 30 + 20) and the denominator 80 × (110 + 60 + 50) / (100 + 60 + 40) = 88.
    numerator = 165 + 40 * 165 / 140
    denominator = 220 + 80 * 220 / 200
    assert aggregate(loader, "GD-E", "key_venue_5g_reach_pct", "2023-04-01", "value", "numerator_value",
                     "denominator_value", "obs_status", "n_areas", "n_imputed") == (
        pytest.approx(100 * numerator / denominator), pytest.approx(numerator), pytest.approx(denominator),
        "E", 3, 1)
    # The counts: every city reported the venues (110 + 60 + 50 + 90); the covered ones impute Chaozhou.
    assert aggregate(loader, "GD-E", "key_venues_total", "2023-04-01", "value", "obs_status") == (310, "P")
    assert aggregate(loader, "GD-E", "key_venues_5g_covered", "2023-04-01", "value", "obs_status") == (
        pytest.approx(numerator), "E")


def test_a_total_below_the_coverage_threshold_or_missing_a_city_without_history_is_withheld(loader):
    loader.submit("gdca", [(c, "2023-04-01", "M", "fiveg_base_stations", 1000)
                           for c in (SHANTOU, SHANWEI, CHAOZHOU, JIEYANG)]
                  + [(SHANTOU, "2023-05-01", "M", "fiveg_base_stations", 1200)]  # 1 of 4 cities: 25 %
                  + [(c, "2023-06-01", "M", "fiveg_base_stations", 1000) for c in WEST[:2]],  # Yangjiang never
                  "2023-07-05 10:00")
    loader.rebuild()
    columns = ("value", "numerator_value", "obs_status", "n_areas", "n_imputed", "coverage_pct")
    # The configured threshold is half the cities (aggregation.yaml); 25 % is below it: no value, M.
    assert aggregate(loader, "GD-E", "fiveg_base_stations", "2023-05-01", *columns) == (
        None, None, "M", 1, 0, 25.0)
    # Two of the West's three cities have reported, but Yangjiang never has: nothing to impute it from.
    assert aggregate(loader, "GD-W", "fiveg_base_stations", "2023-06-01", *columns) == (
        None, None, "M", 2, 0, pytest.approx(200 / 3))
    # Withheld totals carry no growth.
    assert growth(loader, "GD-E", "fiveg_base_stations", "2023-05-01", "pop_growth", "pop_flag") == (None, None)
    # The threshold is configuration: at 20 % the East's May is imputed, 1,200 + 3 × 1,000 × 1,200 / 1,000.
    loader.con.execute("UPDATE ref.aggregation_rules SET min_coverage_pct = 20")
    loader.rebuild()
    assert aggregate(loader, "GD-E", "fiveg_base_stations", "2023-05-01", "value", "obs_status", "n_imputed") == (
        pytest.approx(1200 + 3 * 1200), "E", 3)


def test_aggregation_yaml_states_threshold_and_method_with_their_source(loader):
    assert loader.row("SELECT min_coverage_pct, imputation_method, min_coverage_source <> '',"
                      " imputation_source <> '' FROM ref.aggregation_rules") == (50, "ratio_carry_forward", True, True)


def test_a_city_series_that_switches_source_is_a_break_and_growth_across_it_is_flagged(loader):
    agency = {"2022-08-01": 8000, "2023-04-01": 8800, "2023-05-01": 8900, "2023-07-01": 9100, "2023-08-01": 9200}
    loader.submit("gdca", [(DONGGUAN, p, "M", "fiveg_base_stations", v) for p, v in agency.items()],
                  "2023-09-05 10:00")
    loader.submit("pilot-441900", [(DONGGUAN, "2023-06-01", "M", "fiveg_base_stations", 9000)], "2023-07-06 10:00")
    loader.release("2023-05", "2023-06-20 09:00")
    loader.release("2023-06", "2023-07-20 09:00")
    loader.rebuild()

    def city(period):
        return aggregate(loader, DONGGUAN, "fiveg_base_stations", period, "obs_status", "from_source_of_record")

    assert city("2023-05-01") == ("A", True)
    # June: the pilot fills the gap, a switch from the agency: B, and not from the source of record.
    assert city("2023-06-01") == ("B", False)
    # July: back to the agency: another break.
    assert city("2023-07-01") == ("B", True)
    assert city("2023-08-01") == ("P", True)
    flags = ("pop_growth", "pop_flag", "yoy_growth", "yoy_flag")
    # June against May and July against June compare across a break; August against July does not, but
    # its 同比 reaches back past both breaks to August 2022.
    assert growth(loader, DONGGUAN, "fiveg_base_stations", "2023-06-01", *flags) == (
        pytest.approx(100 * 100 / 8900), "break", None, None)
    assert growth(loader, DONGGUAN, "fiveg_base_stations", "2023-07-01", *flags)[1] == "break"
    assert growth(loader, DONGGUAN, "fiveg_base_stations", "2023-08-01", *flags) == (
        pytest.approx(100 * 100 / 9100), None, pytest.approx(100 * 1200 / 8000), "break")
