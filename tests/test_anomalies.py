"""mart.anomalies against scores worked out by hand from the cells each test submits: each rule flags its
planted case and leaves the clean series alone, and no flag reveals a suppressed value.

Every expected score is written as the arithmetic that gives it, never copied from the code's output. The
rules' parameters are those of indicators/data/anomalies.yaml: modified z beyond ±3.5, HB with U 0.5,
A 0.05, C 20; both change rules need 5 cities, values of 100 and a gap of 30 points to the median change;
a unit slip at 5000× either way; a seasonal value at 1.5× its expected value either way.
"""

import datetime as dt
import math

import pytest
from mart_support import DONGGUAN, FOSHAN, GUANGZHOU, SHENZHEN

from indicators import reference, validation
from pipelines.build import build_mart
from pipelines.paths import sql_text

JIANGMEN, ZHUHAI, SHANTOU, HUIZHOU = "440700", "440400", "440500", "441300"
SIX = [GUANGZHOU, SHENZHEN, ZHUHAI, SHANTOU, FOSHAN, JIANGMEN]


def flags(loader, *columns):
    """Every flag as (area, time_period, indicator, rule, *columns)."""
    extra = "".join(f", {c}" for c in columns)
    return loader.rows(f"SELECT area_code, time_period, indicator_code, rule{extra} FROM mart.anomalies ORDER BY ALL")


def submit_months(loader, indicator, series: dict[str, dict[str, float]], received="2024-01-05 10:00"):
    """One file of a monthly indicator: {city: {"2023-05": value, …}}, from the indicator's agency."""
    profile = reference.catalogue()[indicator].submitter
    loader.submit(profile, [(city, f"{month}-01", "M", indicator, value)
                            for city, months in series.items() for month, value in months.items()], received)


def suppress(loader, area, indicator, period):
    """What disclosure control leaves of a confidential cell in mart.observations: no value, OBS_STATUS Q; then
    growth and anomalies are rebuilt from it, as a run does."""
    loader.con.execute("UPDATE mart.observations SET value = NULL, obs_status = 'Q' WHERE area_code = ?"
                       " AND indicator_code = ? AND period = ?", [area, indicator, dt.date.fromisoformat(period + "-01")])
    # an edit by hand is no new submission: forget what they covered, so that they are rebuilt whole
    loader.con.execute("DELETE FROM ops.refresh_state WHERE table_name IN ('mart.growth', 'mart.anomalies')")
    for mart in ("growth", "anomalies"):
        build_mart(loader.con, mart)


# ------------------------------------------------------------------------------------------ modified z

def test_modified_z_flags_the_city_whose_change_is_far_from_the_others(loader):
    # 5G stations: six cities at 1,000 in May; in June +1 %, +2 %, +3 %, +4 %, +5 %, and Jiangmen +40 %.
    june = dict(zip(SIX, [1010, 1020, 1030, 1040, 1050, 1400], strict=True))
    submit_months(loader, "fiveg_base_stations", {c: {"2023-05": 1000, "2023-06": june[c]} for c in SIX})
    loader.release("2023-05", "2023-06-20 10:00")
    loader.rebuild()
    # Median of (1, 2, 3, 4, 5, 40) = (3 + 4) / 2 = 3.5; absolute deviations 2.5 1.5 0.5 0.5 1.5 36.5, whose
    # median is (1.5 + 1.5) / 2 = 1.5; M = 0.6745 × (40 − 3.5) / 1.5 = 16.41; the gap 36.5 ≥ 30 points.
    [(area, period, indicator, rule, value, compared, score, threshold, released, reason_zh, reason_en)] = [
        f for f in flags(loader, "value", "compared_value", "score", "threshold", "released", "reason_zh",
                         "reason_en") if f[3] == "modified_z"]
    assert (area, period, indicator, value, compared, threshold) == (
        JIANGMEN, "2023-06", "fiveg_base_stations", 1400, 1000, 3.5)
    assert score == pytest.approx(0.6745 * (40 - 3.5) / 1.5)
    assert released is False  # June is not released
    assert reason_zh == "江门市 2023-06 5G基站数 环比 +40.0%，偏离其他城市（中位数 +3.5%，修正z = 16.4，阈值 ±3.5）"
    assert reason_en == ("Jiangmen 2023-06 5G base stations: +40.0% on the previous period, far from the other"
                         " cities (median +3.5%; modified z = 16.4, threshold ±3.5)")


def test_modified_z_leaves_a_change_out_of_line_but_not_material_alone(loader):
    # +20 % against (1 … 5 %): M = 0.6745 × (20 − 3.5) / 1.5 = 7.4 > 3.5, but 16.5 points < 30: not news.
    june = dict(zip(SIX, [1010, 1020, 1030, 1040, 1050, 1200], strict=True))
    submit_months(loader, "fiveg_base_stations", {c: {"2023-05": 1000, "2023-06": june[c]} for c in SIX})
    loader.rebuild()
    assert flags(loader) == []


def test_modified_z_uses_the_mean_absolute_deviation_when_most_cities_change_alike(loader):
    # Five cities flat, Jiangmen +50 %: MAD = 0, so M = (50 − 0) / (1.253314 × MeanAD), MeanAD = 50 / 6.
    june = dict(zip(SIX, [1000, 1000, 1000, 1000, 1000, 1500], strict=True))
    submit_months(loader, "pon_ports_total", {c: {"2023-05": 1000, "2023-06": june[c]} for c in SIX})
    loader.rebuild()
    # HB: five cities of six stood still, so only Jiangmen is left to compare: fewer than five, not evaluated.
    assert flags(loader, "score") == [
        (JIANGMEN, "2023-06", "pon_ports_total", "modified_z", pytest.approx(50 / (1.253314 * 50 / 6)))]


def test_fewer_than_five_cities_are_not_compared(loader):
    june = dict(zip(SIX[:4], [1010, 1020, 1030, 1400], strict=True))
    submit_months(loader, "fiveg_base_stations", {c: {"2023-05": 1000, "2023-06": june[c]} for c in SIX[:4]})
    loader.rebuild()
    assert flags(loader) == []


# ----------------------------------------------------------------------------------- Hidiroglou–Berthelot

def _quartiles(e):
    """Quartiles of six sorted scores by linear interpolation (position (n − 1) p, as R's default type 7)."""
    e = sorted(e)
    return e[1] + 0.25 * (e[2] - e[1]), (e[2] + e[3]) / 2, e[3] + 0.75 * (e[4] - e[3])


def test_hidiroglou_berthelot_flags_a_large_city_the_modified_z_lets_pass(loader):
    # Five small cities at 1,000 move −20 %, −10 %, 0, +10 %, +20 %; Guangzhou, at 1,000,000, +45 %.
    may = {c: 1000 for c in SIX[1:]} | {GUANGZHOU: 1_000_000}
    june = dict(zip(SIX[1:], [800, 900, 1000, 1100, 1200], strict=True)) | {GUANGZHOU: 1_450_000}
    submit_months(loader, "broadband_users_total", {c: {"2023-05": may[c], "2023-06": june[c]} for c in SIX})
    loader.rebuild()
    # Modified z: median of (−20, −10, 0, 10, 20, 45) = 5, MAD = median(25 15 5 5 15 40) = 15,
    # M = 0.6745 × 40 / 15 = 1.8: within ±3.5.
    # HB: ratios 0.8 0.9 1.0 1.1 1.2 1.45, median r_M = 1.05; s = 1 − r_M / r below it, r / r_M − 1 above;
    # E = s × max(x(t), x(t−1))^0.5.
    e = [(1 - 1.05 / 0.8) * math.sqrt(1000), (1 - 1.05 / 0.9) * math.sqrt(1000), (1 - 1.05 / 1.0) * math.sqrt(1000),
         (1.1 / 1.05 - 1) * math.sqrt(1100), (1.2 / 1.05 - 1) * math.sqrt(1200),
         (1.45 / 1.05 - 1) * math.sqrt(1_450_000)]
    q1, median, q3 = _quartiles(e)
    d_q3 = max(q3 - median, abs(0.05 * median))
    assert flags(loader, "score") == [
        (GUANGZHOU, "2023-06", "broadband_users_total", "hidiroglou_berthelot", pytest.approx((e[5] - median) / d_q3))]
    assert (e[5] - median) / d_q3 > 100  # far beyond C = 20; its gap to the median, 40 points, is material


def test_hidiroglou_berthelot_lets_a_small_city_pass_that_the_modified_z_flags(loader):
    # Five large cities at 1,000,000 grow 1 … 5 %; Zhuhai, at 200, +60 %.
    cities = [GUANGZHOU, SHENZHEN, SHANTOU, FOSHAN, JIANGMEN]
    may = {c: 1_000_000 for c in cities} | {ZHUHAI: 200}
    june = dict(zip(cities, [1_010_000, 1_020_000, 1_030_000, 1_040_000, 1_050_000], strict=True)) | {ZHUHAI: 320}
    submit_months(loader, "broadband_users_total", {c: {"2023-05": may[c], "2023-06": june[c]} for c in may})
    loader.rebuild()
    # Modified z: median 3.5, MAD 1.5, M = 0.6745 × (60 − 3.5) / 1.5 = 25.4, gap 56.5 points: flagged.
    # HB: r_M = 1.035; Zhuhai's E = (1.6 / 1.035 − 1) × √320 = 9.77 sits inside the spread of the large cities'
    # E (up to (1.05 / 1.035 − 1) × √1,050,000 = 14.85): its score (9.77 − E_M) / d_Q3 is about 1.1.
    e = [(1 - 1.035 / 1.01) * math.sqrt(1_010_000), (1 - 1.035 / 1.02) * math.sqrt(1_020_000),
         (1 - 1.035 / 1.03) * math.sqrt(1_030_000), (1.04 / 1.035 - 1) * math.sqrt(1_040_000),
         (1.05 / 1.035 - 1) * math.sqrt(1_050_000), (1.6 / 1.035 - 1) * math.sqrt(320)]
    q1, median, q3 = _quartiles(e)
    assert (e[5] - median) / max(q3 - median, abs(0.05 * median)) < 20
    assert flags(loader, "score") == [
        (ZHUHAI, "2023-06", "broadband_users_total", "modified_z", pytest.approx(0.6745 * (60 - 3.5) / 1.5))]


def test_hidiroglou_berthelot_compares_the_movers_when_most_cities_stood_still(loader):
    # 16 of the 21 cities unchanged at 1,000; five move +1 %, +2 %, +3 %, +4 % and (Jiangmen) +40 %. With
    # the still ones in, E_Q1 = E_M = E_Q3 = 0 and nothing can be scored; left out, the movers are compared.
    movers = dict(zip([GUANGZHOU, SHENZHEN, ZHUHAI, SHANTOU, JIANGMEN], [1010, 1020, 1030, 1040, 1400], strict=True))
    june = {c.code: movers.get(c.code, 1000) for c in reference.cities()}
    submit_months(loader, "mobile_users_total", {c: {"2023-05": 1000, "2023-06": v} for c, v in june.items()})
    loader.rebuild()
    # Ratios 1.01 1.02 1.03 1.04 1.4: r_M = 1.03. Of five sorted scores the quartiles are the 2nd, 3rd and 4th:
    # E_Q1 = (1 − 1.03 / 1.02) √1020, E_M = 0 (1.03 itself), E_Q3 = (1.04 / 1.03 − 1) √1040.
    e_jiangmen = (1.4 / 1.03 - 1) * math.sqrt(1400)
    d_q3 = (1.04 / 1.03 - 1) * math.sqrt(1040)
    hb = [f for f in flags(loader, "score") if f[3] == "hidiroglou_berthelot"]
    assert hb == [(JIANGMEN, "2023-06", "mobile_users_total", "hidiroglou_berthelot", pytest.approx(e_jiangmen / d_q3))]


# ------------------------------------------------------------------------------------------- unit slips

def test_a_unit_slip_is_flagged_once_and_the_month_after_is_not(loader):
    # Jiangmen's gigabit users sent in 万户 for May (31.5 for 315,000), right again in June; five other
    # cities grow steadily. The change rules skip the slip: its −99.99 % and June's rebound are not flagged.
    steady = {c: {"2023-04": 300_000, "2023-05": 303_000, "2023-06": 306_000, "2023-07": 309_000} for c in SIX[:5]}
    jiangmen = {"2023-04": 310_000, "2023-05": 31.5, "2023-06": 320_000, "2023-07": 330_000}
    submit_months(loader, "broadband_users_1000m", steady | {JIANGMEN: jiangmen})
    loader.rebuild()
    [(area, period, _, rule, compared_period, score, threshold, reason_zh, reason_en)] = flags(
        loader, "compared_time_period", "score", "threshold", "reason_zh", "reason_en")
    assert (area, period, rule, compared_period, threshold) == (JIANGMEN, "2023-05", "unit_slip", "2023-04", 5000)
    assert score == pytest.approx(31.5 / 310_000)  # ≤ 1/5000; June: 320,000 / 31.5 ≥ 5000, but back to April's
    assert reason_zh == ("江门市 2023-05 1000Mbps及以上用户数 为 31.5 户，约为上期（2023-04）310,000 户的1/9,841："
                         "是否混淆了“万”和“个”？（阈值 5,000 倍）")  # 310,000 / 31.5 = 9,841.3
    assert reason_en == ("Jiangmen 2023-05 Subscribers at 1000 Mbps and above: 31.5 户, about 1/9,841 of the"
                         " previous period's (2023-04) 310,000 户: 万 and 个 mixed up? (threshold: a factor of 5,000)")


def test_a_slip_upward_is_flagged_and_a_year_to_date_january_is_not_compared_with_december(loader):
    # Ports given as 万 figures by mistake the other way: 12,000 then 125,000,000 (×10,416.7).
    submit_months(loader, "pon_ports_10g", {ZHUHAI: {"2023-05": 12_000, "2023-06": 125_000_000}})
    # Enterprises transformed restart in January: 6,000 in December, 1 in January is not a slip.
    submit_months(loader, "enterprises_transformed", {SHENZHEN: {"2022-12": 6000, "2023-01": 1}})
    loader.rebuild()
    assert flags(loader, "score") == [(ZHUHAI, "2023-06", "pon_ports_10g", "unit_slip", 125_000_000 / 12_000)]
    [(reason,)] = loader.rows("SELECT reason_zh FROM mart.anomalies")
    assert "约为上期（2023-05）12,000 个的10,417 倍" in reason


def test_the_intake_history_check_uses_the_unit_slip_factor():
    assert validation.JUMP_FACTOR == reference.anomaly_parameter("unit_slip", "factor") == 5000


# ----------------------------------------------------------------------------------------------- falls

def test_a_fall_in_a_series_that_may_not_fall_is_flagged_and_the_asset_check_lists_it(loader):
    # 粤智助 towns (monotone) in Huizhou: 70, 72, 71. Towns in all (not monotone) may fall; so may users.
    submit_months(loader, "towns_yzz", {HUIZHOU: {"2023-01": 70, "2023-02": 72, "2023-03": 71}})
    submit_months(loader, "mobile_users_total", {HUIZHOU: {"2023-01": 5_000_000, "2023-02": 4_990_000}})
    loader.submit("gdgsa", [(HUIZHOU, "2022-01-01", "A", "towns_total", 73), (HUIZHOU, "2023-01-01", "A", "towns_total", 72)],
                  "2024-01-05 10:00")
    loader.rebuild()
    [(area, period, indicator, rule, value, compared, score, reason_zh, reason_en)] = flags(
        loader, "value", "compared_value", "score", "reason_zh", "reason_en")
    assert (area, period, indicator, rule, value, compared) == (HUIZHOU, "2023-03", "towns_yzz", "monotone_fall", 71, 72)
    assert score == pytest.approx(100 * (71 - 72) / 72)
    assert reason_zh == ("惠州市 2023-03 已部署粤智助的镇(街)数 为 71 个，比上期（2023-02）的 72 个减少 1 个（-1.4%），"
                         "但该指标只增不减")
    assert reason_en == ("Huizhou 2023-03 Towns and streets with Yuezhizhu kiosks: 71 个, down 1 个 (-1.4%) from 72 个"
                         " in 2023-02, but the series never falls")
    assert loader.rows(sql_text("checks/monotone_stocks_not_falling.sql")) == [
        (HUIZHOU, "towns_yzz", dt.date(2023, 3, 1), 71, 72)]


# --------------------------------------------------------------------------------------------- seasonal

SEASON = [950, 780, 1000, 1000, 1000, 1000, 1000, 1000, 1020, 1000, 1080, 1120]  # Spring Festival, year-end


def _months(first: str, n: int) -> list[str]:
    start = dt.date.fromisoformat(first + "-01")
    return [f"{reference.add_months(start, k):%Y-%m}" for k in range(n)]


def test_a_flow_far_from_its_own_seasonal_pattern_is_flagged_and_its_regular_season_is_not(loader):
    # Identifier resolutions, 2021-01 … 2023-03, with a season and 1 % growth a month. The value expected from
    # the same month a year earlier × (Σ last twelve months / Σ the twelve before) is then the value itself:
    # every term of the last twelve months is its year-earlier term × 1.01¹². A clean series scores 1.0.
    months = _months("2021-01", 27)
    clean = {m: SEASON[int(m[5:]) - 1] * 1000 * 1.01 ** k for k, m in enumerate(months)}
    # Dongguan's March 2023 is three times what it should be (January to March sent as March, roughly).
    slipped = clean | {"2023-03": 3 * clean["2023-03"]}
    submit_months(loader, "iiot_identifier_resolutions", {GUANGZHOU: clean, DONGGUAN: slipped})
    loader.rebuild()
    # Expected for March 2023: March 2022 (1,000,000 × 1.01¹⁴) × 1.01¹² = 1,000,000 × 1.01²⁶; score 3.
    [(area, period, _, rule, value, compared_period, compared, score, threshold)] = flags(
        loader, "value", "compared_time_period", "compared_value", "score", "threshold")
    assert (area, period, rule, compared_period, threshold) == (DONGGUAN, "2023-03", "seasonal", "2022-03", 1.5)
    assert compared == pytest.approx(1_000_000 * 1.01 ** 26)
    assert score == pytest.approx(3.0)


def test_seasonal_needs_two_full_years_of_the_citys_own_history(loader):
    # February 2023 three times its season in two cities: Guangzhou reported from 2021-02, so the 24 months
    # before it (2021-02 … 2023-01) are all there; Dongguan only from 2021-03: not evaluated.
    for city, first in ((GUANGZHOU, "2021-02"), (DONGGUAN, "2021-03")):
        series = {m: SEASON[int(m[5:]) - 1] * 1000.0 for m in _months(first, 25 if first == "2021-02" else 24)}
        series["2023-02"] *= 3
        submit_months(loader, "iiot_identifier_resolutions", {city: series})
    loader.rebuild()
    assert flags(loader, "score") == [(GUANGZHOU, "2023-02", "iiot_identifier_resolutions", "seasonal", 3.0)]


# ------------------------------------------------------------------------------------------ suppression

def test_no_flag_judges_or_quotes_a_suppressed_value(loader):
    """A confidential cell (no value, OBS_STATUS Q) is neither flagged nor anyone's base or expected value."""
    june = dict(zip(SIX, [1010, 1020, 1030, 1040, 1050, 1400], strict=True))
    submit_months(loader, "fiveg_base_stations", {c: {"2023-05": 1000, "2023-06": june[c]} for c in SIX})
    steady = {c: {"2023-04": 300_000, "2023-05": 303_000, "2023-06": 306_000} for c in SIX[:5]}
    submit_months(loader, "broadband_users_1000m", steady | {JIANGMEN: {"2023-04": 310_000, "2023-05": 31.5,
                                                                       "2023-06": 320_000}})
    months = _months("2021-01", 27)
    series = {m: SEASON[int(m[5:]) - 1] * 1000.0 for m in months} | {"2023-03": 3_000_000.0}
    submit_months(loader, "iiot_identifier_resolutions", {DONGGUAN: series})
    loader.rebuild()
    assert {(f[0], f[2], f[3]) for f in flags(loader)} == {
        (JIANGMEN, "fiveg_base_stations", "modified_z"), (JIANGMEN, "fiveg_base_stations", "hidiroglou_berthelot"),
        (JIANGMEN, "broadband_users_1000m", "unit_slip"), (DONGGUAN, "iiot_identifier_resolutions", "seasonal")}

    suppress(loader, JIANGMEN, "fiveg_base_stations", "2023-06")  # the city flagged for its +40 %
    assert {f[2] for f in flags(loader)} == {"broadband_users_1000m", "iiot_identifier_resolutions"}
    reasons = " ".join(zh + en for zh, en in loader.rows("SELECT reason_zh, reason_en FROM mart.anomalies"))
    assert "1,400" not in reasons and "40.0%" not in reasons
    suppress(loader, JIANGMEN, "broadband_users_1000m", "2023-05")  # the slip itself
    suppress(loader, DONGGUAN, "iiot_identifier_resolutions", "2022-07")  # inside March's twelve-month window
    # The slip rule now compares June with April, 320,000 / 310,000; March's window misses a month.
    assert flags(loader) == []


def test_a_change_whose_base_is_suppressed_is_not_judged(loader):
    june = dict(zip(SIX, [1010, 1020, 1030, 1040, 1050, 1400], strict=True))
    submit_months(loader, "fiveg_base_stations", {c: {"2023-05": 1000, "2023-06": june[c]} for c in SIX})
    loader.rebuild()
    suppress(loader, JIANGMEN, "fiveg_base_stations", "2023-05")
    assert flags(loader) == []


# ---------------------------------------------------------------------------------------- configuration

def test_anomaly_rules_come_from_configuration_with_a_source_for_every_parameter(loader):
    rows = loader.rows("SELECT rule, parameter, value, source_citation FROM ref.anomaly_rules ORDER BY ALL")
    assert {(rule, parameter): value for rule, parameter, value, _ in rows} == {
        ("hidiroglou_berthelot", "A"): 0.05, ("hidiroglou_berthelot", "C"): 20, ("hidiroglou_berthelot", "U"): 0.5,
        ("hidiroglou_berthelot", "min_cities"): 5, ("hidiroglou_berthelot", "min_gap_pp"): 30,
        ("hidiroglou_berthelot", "min_level"): 100, ("modified_z", "min_cities"): 5, ("modified_z", "min_gap_pp"): 30,
        ("modified_z", "min_level"): 100, ("modified_z", "threshold"): 3.5, ("monotone_fall", "max_change_pct"): 0,
        ("seasonal", "factor"): 1.5, ("unit_slip", "factor"): 5000}
    assert all(len(source) > 40 for *_, source in rows)
    assert "Iglewicz" in dict(((r, p), s) for r, p, _, s in rows)[("modified_z", "threshold")]
