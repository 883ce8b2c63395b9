"""Record-level registries (issue 12): the USCC check character, distinct enterprises across cities and
resubmissions, PUE from the data-centre register, band counts from the site list, the cross-check against
submitted totals, the p % dominance rule, and a bad row that loads nothing. Every expected figure is worked
out by hand from the rows written here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from mart_support import GUANGZHOU, SHENZHEN, DONGGUAN, Loader, prepared_build_db, shanghai

from indicators.landing import Receipt
from indicators.registers import uscc_check_character, uscc_valid
from indicators.validation import Validator
from pipelines.build import load_submission
from pipelines.paths import Paths

# Valid codes (DOMAIN.md), and three more made valid by hand from the first: its check character 9 means
# Σ vᵢ·wᵢ ≡ 22 (mod 31). Position 17 '5'→'6' adds 28 (w17): 50 ≡ 19, check 31 − 19 = 12 = 'C'. Position 16
# 'N' (22) → 'P' (23) adds 30 (w16): 52 ≡ 21, check 10 = 'A'. Position 17 '5'→'7' adds 56: 78 ≡ 16, check 15 = 'F'.
E1, E2 = "91440101MA5CJQ4N59", "91350200776049653A"
E3, E4, E6 = "91440101MA5CJQ4N6C", "91440101MA5CJQ4P5A", "91440101MA5CJQ4N7F"
E5_BAD = "91440101MA5CJQ4N58"  # E1 with its check character changed

ENTERPRISE_HEADER = "报告期,统一社会信用代码,企业名称,城市代码,行业代码,是否规上,项目名称,完成日期"
DC_HEADER = "报告期,数据中心编号,城市代码,标准机架数,在用机架数,IT能耗(兆瓦时),总能耗(兆瓦时),等级"
SITE_HEADER = "period,site_id,city_code,county_code,band,operator,commissioning_date,status"  # the English codes


@pytest.mark.parametrize("code", [E1, E2, E3, E4, E6])
def test_valid_codes_pass_the_check_character(code):
    assert uscc_valid(code)


@pytest.mark.parametrize("code, right", [
    (E5_BAD, "9"),                       # last character changed
    ("91440101MA5CJQ4N69", "C"),         # one digit changed: see E3
    ("91440101MA5CJQ4P59", "A"),         # one letter changed: see E4
    ("91350200776049635A", None),        # two characters swapped (…653A → …635A)
])
def test_corrupted_codes_fail_it(code, right):
    assert not uscc_valid(code)
    if right is not None:
        assert uscc_check_character(code[:17]) == right


# ------------------------------------------------------------------------------------ the warehouse

@pytest.fixture(scope="module")
def validator():
    return Validator()


@pytest.fixture
def home(tmp_path):
    paths = Paths(tmp_path / "home")
    with prepared_build_db(paths) as con:
        yield Loader(con, paths), tmp_path


def send(home, validator, profile: str, name: str, lines: list[str], received: str):
    """A registry file as a submitter sends it: checked by the real validator, loaded as a run loads it."""
    loader, folder = home
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = validator.check(path, profile, display_name=name, reference_date=shanghai(received).date())
    submission_id = loader.next_id
    loader.next_id += 1
    receipt = Receipt(submission_id=submission_id, sha256=f"{submission_id:064x}", profile=profile,
                      submitted_by="test", original_filename=name, stored_name=name,
                      received_at=shanghai(received), intake_status="received")
    load_submission(loader.con, receipt, Path(path), checked.report, checked.cells)
    return submission_id, checked.report


def city_values(loader, indicator: str, month: str) -> dict[str, float]:
    return dict(loader.rows("SELECT area_code, value FROM mart.observations WHERE indicator_code = ? AND period = ?"
                            " AND area_level = 'city' ORDER BY 1", [indicator, dt.date.fromisoformat(month + "-01")]))


def test_an_enterprise_counts_once_across_cities_and_resubmissions(home, validator):
    loader, _ = home
    # June's list: E1 twice in Guangzhou (two projects) and once in Shenzhen; E3 not above scale; E5's code
    # fails its check character (a warning: still counted, in Dongguan).
    _, june = send(home, validator, "gdiit", "ent-2023-06.csv", [
        ENTERPRISE_HEADER,
        f"2023-06,{E1},甲,440100,C39,是,产线改造,2023-02-10",
        f"2023-06,{E1},甲,440100,C39,是,云平台,2023-05-20",
        f"2023-06,{E1},甲,440300,C39,是,数据中台,2023-04-01",
        f"2023-06,{E2},乙,440300,C38,是,云化,2023-03-01",
        f"2023-06,{E3},丙,440100,C39,否,上云,2023-01-15",
        f"2023-06,{E5_BAD},戊,441900,C39,是,上云,2023-06-30",
    ], "2023-07-05 10:00")
    assert june.accepted
    assert {(w.rule, w.row) for w in june.warnings} == {
        ("ent_two_cities", 4), ("ent_uscc_area", 4), ("ent_uscc_area", 5), ("ent_uscc_check", 7),
        ("ent_uscc_area", 7)}  # rows 4 and 7 registered in Guangzhou (4401…), row 5 in Xiamen (3502…)
    check = next(w for w in june.warnings if w.rule == "ent_uscc_check")  # listed per row
    assert (check.sheet, check.column, check.value) == (None, "统一社会信用代码", E5_BAD)
    assert "校验码应为 9" in check.message_zh and "should end in 9" in check.message_en
    # July's list: E1 moved to Shenzhen; E4 new in Guangzhou.
    send(home, validator, "gdiit", "ent-2023-07.csv", [
        ENTERPRISE_HEADER,
        f"2023-07,{E1},甲,440300,C39,是,产线改造,2023-02-10",
        f"2023-07,{E2},乙,440300,C38,是,云化,2023-03-01",
        f"2023-07,{E4},丁,440100,C39,是,数字孪生,2023-07-15",
    ], "2023-08-05 10:00")
    # A second July list carrying E1 alone, back in Guangzhou: E1's latest vintage decides its city.
    corrected, _ = send(home, validator, "gdiit", "ent-2023-07-fix.csv", [
        ENTERPRISE_HEADER,
        f"2023-07,{E1},甲,440100,C39,是,产线改造,2023-02-10",
    ], "2023-08-10 10:00")
    loader.rebuild()
    # June, aggregated at June's receipt: GZ E1; SZ E2; DG E5. E1 once, under its earliest project's city.
    assert city_values(loader, "enterprises_transformed", "2023-06") == {GUANGZHOU: 1, SHENZHEN: 1, DONGGUAN: 1}
    # July as the fix left it: GZ E1 (fix) + E4; SZ E2; DG E5 (June's vintage, the latest listing it).
    assert city_values(loader, "enterprises_transformed", "2023-07") == {GUANGZHOU: 2, SHENZHEN: 1, DONGGUAN: 1}
    # Withdrawing the fix falls back to the first July list: GZ E4; SZ E1, E2; DG E5.
    loader.withdraw(corrected, "2023-08-11 09:00", "sent by mistake")
    loader.rebuild()
    assert city_values(loader, "enterprises_transformed", "2023-07") == {GUANGZHOU: 1, SHENZHEN: 2, DONGGUAN: 1}
    # The records stay, per submission, never overwritten: 6 + 3 + 1.
    assert loader.row("SELECT count(*) FROM core.register_records")[0] == 10


def test_pue_is_total_over_it_energy_summed_over_the_register(home, validator):
    loader, _ = home
    _, report = send(home, validator, "gdiit", "dc-2023Q3.csv", [
        DC_HEADER,
        "2023Q3,GZ-A,440100,1000,800,5000,6500,A",
        "2023Q3,GZ-B,440100,600,300,2000,3000,B",
        "2023Q3,GZ-C,440100,400,200,1000,1400,B",
    ], "2023-10-15 10:00")
    assert report.accepted and not report.warnings
    loader.rebuild()
    q3 = "2023-07-01"
    for indicator, value in [("dc_standard_racks", 2000), ("dc_racks_in_use", 1300), ("dc_it_energy_mwh", 8000),
                             ("dc_total_energy_mwh", 10900)]:
        assert loader.row("SELECT value, n_units FROM mart.observations WHERE area_code = ? AND period = ?"
                          " AND indicator_code = ?", [GUANGZHOU, q3, indicator]) == (value, 3)
    # 10,900 / 8,000 = 1.3625, not the mean of the three PUEs (1.3 + 1.5 + 1.4) / 3 = 1.4
    assert loader.mart(GUANGZHOU, "dc_pue", q3) == pytest.approx(1.3625)
    assert loader.mart(GUANGZHOU, "dc_rack_utilisation_pct", q3) == pytest.approx(65.0)


def test_one_dominant_data_centre_hides_its_city(home, validator):
    """Three data centres (the threshold rule passes) but one holds nearly all: standard racks
    10,200 − 10,000 − 100 = 100 < 10 % × 10,000, so the cell is primary confidential by the p % rule."""
    loader, _ = home
    send(home, validator, "gdiit", "dc-2023Q3.csv", [
        DC_HEADER,
        "2023Q3,GZ-A,440100,1000,800,5000,6500,A",
        "2023Q3,GZ-B,440100,600,300,2000,3000,B",
        "2023Q3,GZ-C,440100,400,200,1000,1400,B",
        "2023Q3,SZ-D,440300,10000,9000,50000,60000,A",
        "2023Q3,SZ-E,440300,100,50,300,400,C",
        "2023Q3,SZ-F,440300,100,60,200,300,C",
    ], "2023-10-15 10:00")
    loader.rebuild()
    hidden = dict(loader.rows("SELECT indicator_code, suppression_reason FROM core.disclosure"
                              " WHERE area_code = ? AND period = DATE '2023-07-01'", [SHENZHEN]))
    assert hidden["dc_standard_racks"] == "dominance"
    assert hidden["dc_pue"] == "rate_of_confidential"
    assert loader.row("SELECT value, conf_status FROM mart.observations WHERE area_code = ? AND period ="
                      " DATE '2023-07-01' AND indicator_code = 'dc_standard_racks'", [SHENZHEN]) == (None, "C")
    # Guangzhou's racks: 2,000 − 1,000 − 600 = 400 ≥ 100 (10 % of 1,000): not dominated by the p % rule.
    assert loader.row("SELECT suppression_reason FROM core.disclosure WHERE area_code = ? AND period ="
                      " DATE '2023-07-01' AND indicator_code = 'dc_standard_racks'", [GUANGZHOU]) != ("dominance",)


def test_band_counts_from_the_site_list_and_the_cross_check(home, validator):
    loader, _ = home
    # The agency's ordinary file said 6 stations for Guangzhou in June, before its list arrived.
    ordinary = loader.submit("gdca", [(GUANGZHOU, "2023-06-01", "M", "fiveg_base_stations", 6)], "2023-07-03 09:00")
    _, report = send(home, validator, "gdca", "sites-2023-06.csv", [
        SITE_HEADER,
        "2023-06,S1,440100,440106,700MHz,中国广电,2023-01-10,在网",
        "2023-06,S2,440100,440106,700 MHz,中国广电,2023-06-30,在网",
        "2023-06,S3,440100,440104,700MHz,中国广电,2022-05-01,退网",   # retired: not counted
        "2023-06,S4,440100,440104,2.6GHz,中国移动,2022-12-01,在网",
        "2023-06,S5,440100,440104,3.5GHz,中国电信,2023-07-02,在网",   # after June: a warning, not counted
        "2023-06,S6,440100,440111,3.5GHz,中国联通,2021-03-03,在网",
        "2023-06,S7,440100,440111,4.9GHz,中国移动,2023-02-02,在网",
        "2023-06,S8,440300,440304,3.5GHz,中国电信,2023-01-01,在网",
        "2023-06,S9,440300,440304,700MHz,中国广电,2023-03-01,在网",
    ], "2023-07-05 10:00")
    assert report.accepted
    assert [(w.rule, w.row, w.column) for w in report.warnings] == [
        ("site_commissioned_after_period", 6, "commissioning_date")]
    loader.rebuild()
    bands = dict(((a, b), n) for a, b, n in loader.rows(
        "SELECT area_code, band, base_stations FROM mart.register_site_bands WHERE period = DATE '2023-06-01'"))
    assert bands == {(GUANGZHOU, "700MHz"): 2, (GUANGZHOU, "2.6GHz"): 1, (GUANGZHOU, "3.5GHz"): 1,
                     (GUANGZHOU, "4.9GHz"): 1, (SHENZHEN, "700MHz"): 1, (SHENZHEN, "2.6GHz"): 0,
                     (SHENZHEN, "3.5GHz"): 1, (SHENZHEN, "4.9GHz"): 0}
    assert city_values(loader, "fiveg_base_stations", "2023-06") == {GUANGZHOU: 5, SHENZHEN: 2}
    assert city_values(loader, "fiveg_base_stations_700mhz", "2023-06") == {GUANGZHOU: 2, SHENZHEN: 1}
    # Both values kept; the list, received later, is the latest vintage: the gap is 5 − 6 = −1 (−16.67 %).
    row = loader.row("SELECT register_value, submitted_value, submitted_submission_id, gap, gap_pct,"
                     " used_from_register FROM mart.register_crosscheck WHERE area_code = ?", [GUANGZHOU])
    assert row[:4] == (5, 6, ordinary, -1) and row[4] == pytest.approx(-100 / 6) and row[5] is True
    assert loader.row("SELECT count(*) FROM mart.register_crosscheck")[0] == 1  # Shenzhen had no file


def test_a_bad_row_rejects_the_whole_list_with_a_bilingual_finding(home, validator):
    loader, _ = home
    submission_id, report = send(home, validator, "gdiit", "dc-bad.csv", [
        DC_HEADER,
        "2023Q3,GZ-A,440100,1000,800,5000,6500,A",
        "2023Q3,GZ-B,440100,600,700,2000,3000,B",
        "2023Q3,GZ-C,440100,400,200,1000,900,B",
        "2023Q3,GZ-D,广州,四百,200,1000,1400,B",
    ], "2023-10-15 10:00")
    assert not report.accepted
    found = {(e.rule, e.row, e.column, e.value) for e in report.errors}
    assert found == {("dc_racks_in_use_above_standard", 3, "在用机架数", "700"),
                     ("dc_total_below_it", 4, "总能耗(兆瓦时)", "900"),
                     ("register_value_invalid", 5, "标准机架数", "四百")}
    racks = next(e for e in report.errors if e.rule == "dc_racks_in_use_above_standard")
    assert racks.message_zh == "在用机架数 700 多于标准机架数 600"
    assert racks.message_en == "racks in use (700) exceed standard racks (600)"
    assert loader.row("SELECT count(*) FROM core.register_records")[0] == 0
    assert loader.row("SELECT count(*) FROM core.observations WHERE submission_id = ?", [submission_id])[0] == 0
    assert loader.row("SELECT status FROM ops.submissions WHERE submission_id = ?", [submission_id]) == ("rejected",)


def test_only_the_registry_submitter_may_send_it(home, validator):
    _, report = send(home, validator, "gdca", "ent.csv", [
        ENTERPRISE_HEADER, f"2023-06,{E1},甲,440100,C39,是,产线改造,2023-02-10"], "2023-07-05 10:00")
    assert [(e.rule, e.row) for e in report.errors] == [("register_not_submitter", None)]
    assert "工业和信息化厅" in report.errors[0].message_zh and "(gdiit)" in report.errors[0].message_en


@pytest.mark.parametrize("total, largest, second, sensitive", [
    (10_200, 10_000, 100, True),   # 10,200 − 10,000 − 100 = 100 < 1,000 (10 % of 10,000)
    (2_000, 1_000, 600, False),    # 400 ≥ 100
    (1_100, 1_000, 0, False),      # 100 = 100: not below p % of x1
    (1_099, 1_000, 0, True),       # 99 < 100
    (500, 500, None, True),        # one contributor: it is the cell
])
def test_the_p_percent_dominance_rule_by_hand(total, largest, second, sensitive):
    from indicators.disclosure import dominated
    assert dominated(total, largest, second, 10) is sensitive


def test_the_cli_writes_a_registry_template_the_readers_take_back(tmp_path, validator):
    import openpyxl

    from pipelines import cli

    path = tmp_path / "dc.xlsx"
    assert cli.main(["template", "--registry", "dc_register", "-o", str(path)]) == 0
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["数据"]
    for column, value in enumerate(["2023Q3", "GZ-A", "广州市", 1000, 800, 5000, 6500, "A"], start=1):
        sheet.cell(4, column, value)  # under the Chinese header (row 2) and its English codes (row 3)
    workbook.save(path)
    report = validator.check(path, "gdiit", reference_date=dt.date(2023, 10, 15)).report
    assert report.accepted and report.rows == 1 and not report.warnings


def test_a_build_db_from_before_the_registers_keeps_its_suppressions_and_takes_dominance(tmp_path):
    """core.disclosure of an earlier version refuses the reason 'dominance' (a CHECK DuckDB cannot alter):
    preparing the schema moves it aside, makes the new table and copies its rows over."""
    import duckdb

    from pipelines.build import prepare_schema

    with duckdb.connect(str(tmp_path / "old.duckdb")) as con:
        con.execute("CREATE SCHEMA core")
        con.execute("""CREATE TABLE core.disclosure (
            area_code VARCHAR NOT NULL, period DATE NOT NULL, indicator_code VARCHAR NOT NULL,
            conf_status VARCHAR NOT NULL CHECK (conf_status IN ('C', 'D')),
            suppression_reason VARCHAR NOT NULL CHECK (suppression_reason IN (
                'threshold', 'not_evaluable', 'rate_of_confidential', 'estimate_of_confidential', 'complementary')),
            obs_status VARCHAR NOT NULL, true_value DOUBLE, true_numerator_value DOUBLE,
            true_denominator_value DOUBLE, PRIMARY KEY (area_code, period, indicator_code))""")
        con.execute("INSERT INTO core.disclosure VALUES ('445300', DATE '2023-07-01', 'dc_standard_racks', 'C',"
                    " 'threshold', 'A', 120, NULL, NULL)")
        prepare_schema(con)
        prepare_schema(con)  # and again: nothing more to do
        con.execute("INSERT INTO core.disclosure VALUES ('440300', DATE '2023-07-01', 'dc_standard_racks', 'C',"
                    " 'dominance', 'A', 9000, NULL, NULL)")
        assert con.execute("SELECT area_code, suppression_reason, true_value FROM core.disclosure ORDER BY 1"
                           ).fetchall() == [("440300", "dominance", 9000), ("445300", "threshold", 120)]
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'disclosure_before_registers'"
                           ).fetchone()[0] == 0


@pytest.mark.parametrize(("profile", "lines", "expected"), [
    ("gdiit", [ENTERPRISE_HEADER, "2999-12,91440101MA5CJQ4N59,广州甲公司,440100,C39,是,产线改造,2999-01-01"],
     ("ent_period_future", 2, "报告期", "2999-12")),
    ("gdiit", [DC_HEADER, "2999Q4,GZ-A,440100,1000,800,5000,6500,A"], ("dc_period_future", 2, "报告期", "2999Q4")),
    ("gdca", [SITE_HEADER, "2999-12,S1,440100,440106,3.5GHz,中国移动,2999-12-01,在网"],
     ("site_period_future", 2, "period", "2999-12")),  # SITE_HEADER: the English codes
])
def test_a_list_for_2999_is_a_finding_not_a_crash(home, validator, profile, lines, expected):
    """pandas holds dates up to 2262: a period or date in 2999 is judged by the rules as written."""
    _, report = send(home, validator, profile, "far.csv", lines, "2023-10-15 10:00")
    assert not report.accepted
    assert expected in {(e.rule, e.row, e.column, e.value) for e in report.errors}


def test_a_list_read_in_several_batches_is_checked_as_one(home, validator, monkeypatch):
    """A list streams into DuckDB a batch at a time (register_validation.BATCH_ROWS): rules across rows see
    the whole list. Here batches of 3 rows: S2 repeated in the first and third batch, and the same band
    spelt three ways, are judged as in one batch."""
    from indicators import register_validation

    loader, _ = home
    lines = [SITE_HEADER,
             "2023-06,S1,440100,440106,700MHz,中国广电,2023-01-10,在网",
             "2023-06,S2,440100,440106,７００ＭＨｚ,中国广电,2023-02-10,在网",   # full width: the same band
             "2023-06,S3,440300,440304,3.5GHz,中国电信,2023-01-01,在网",
             "2023-06,S4,440300,440304,3.5 GHz,中国电信,2023-01-01,在网",
             "2023-06,S5,440300,440304,5.8GHz,中国电信,2023-01-01,在网",       # no such band
             "2023-06,S6,440300,440304,3.5GHz,中国电信,2023-01-01,在网",
             "2023-06,S2,440100,440106,2.6GHz,中国移动,2023-03-10,在网"]      # S2 again, two batches on
    _, whole = send(home, validator, "gdca", "sites-one-batch.csv", lines, "2023-07-05 10:00")
    monkeypatch.setattr(register_validation, "BATCH_ROWS", 3)
    _, batched = send(home, validator, "gdca", "sites-batches.csv", lines, "2023-07-05 10:00")
    found = {(e.rule, e.row, e.column, e.value) for e in batched.errors}
    assert found == {("site_id_repeated", 3, "site_id", "S2"), ("site_id_repeated", 8, "site_id", "S2"),
                     ("site_band_unknown", 6, "band", "5.8GHz")}
    assert batched.rows == 7
    assert batched.errors == whole.errors and batched.rule_results == whole.rule_results
    assert loader.row("SELECT count(*) FROM core.register_records")[0] == 0  # rejected: nothing loaded

    monkeypatch.setattr(register_validation, "BATCH_ROWS", 2)  # fixed, the list loads: 7 rows over 4 batches
    fixed = [line.replace("5.8GHz", "4.9GHz") for line in lines[:-1]]
    _, report = send(home, validator, "gdca", "sites-fixed.csv", fixed, "2023-07-06 10:00")
    assert report.accepted and report.rows == 6
    assert loader.rows("SELECT source_row, unit_id, band FROM core.register_records ORDER BY source_row") == [
        (2, "S1", "700MHz"), (3, "S2", "700MHz"), (4, "S3", "3.5GHz"), (5, "S4", "3.5GHz"), (6, "S5", "4.9GHz"),
        (7, "S6", "3.5GHz")]


def test_a_site_of_no_licensed_operator_or_in_another_citys_county_is_refused(home, validator):
    loader, _ = home
    _, report = send(home, validator, "gdca", "sites-wrong.csv", [
        SITE_HEADER,
        "2023-06,S1,440100,440106,700MHz,中国广电,2023-01-10,在网",
        "2023-06,S2,440100,440106,3.5GHz,中国铁通,2023-01-10,在网",      # 中国铁通 holds no 5G licence
        "2023-06,S3,440100,440304,3.5GHz,中国电信,2023-01-10,在网",      # Futian is Shenzhen's
        "2023-06,S4,441900,441900003,3.5GHz,中国移动,2023-01-10,在网",   # a Dongguan township: in the city
        "2023-06,S5,440300,福田区,3.5GHz,中国移动,2023-01-10,在网",      # a name, not a code
    ], "2023-07-05 10:00")
    assert not report.accepted
    assert {(e.rule, e.row, e.column, e.value) for e in report.errors} == {
        ("site_operator_unknown", 3, "operator", "中国铁通"),
        ("site_county_not_in_city", 4, "county_code", "440304"),
        ("site_county_not_in_city", 6, "county_code", "福田区")}
    county = next(e for e in report.errors if e.row == 4)
    assert county.message_zh.startswith("区县代码“440304”不是 广州市 440100 的区县")
    assert loader.row("SELECT count(*) FROM core.register_records")[0] == 0


# A list as people's tools write it: each variant is read whole by Arrow (register_validation._Rows._load_csv)
# where every line is one record, and row by row otherwise; both must give the same report and records.
SITE_ROWS = ["2023-06,S1,440100,440106,700MHz,中国广电,2023-01-10,在网",
             "2023-06,S2, 440100 ,440106,７００ＭＨｚ,中国广电,2023-02-10,\u3000在网\u3000",
             ",,,,,,,",
             "2023-06,S3,深圳,440304,3.5 GHz,中国电信,2023/01/01,退网",
             "2023-06,S4,Shenzhen,440304,\u20285.8GHz\u3000,中国铁通,2023-13-01,在建",  # shown trimmed
             "2023-06,S4,440300,440104,3.5GHz,中国电信,2023-07-02,在网"]
FAST_VARIANTS = {  # name -> (the file's text, read whole?)
    "plain": ("\n".join([SITE_HEADER, *SITE_ROWS]) + "\n", True),
    "crlf_bom_title": ("\ufeff5G基站站址清单\r\n" + "\r\n".join([SITE_HEADER, *SITE_ROWS]) + "\r\n", True),
    "english_codes_row": ("\n".join(["报告期,站址编号,城市代码,区县代码,频段,运营商,开通日期,状态", SITE_HEADER,
                                     *SITE_ROWS]), True),
    "footer": ("\n".join([SITE_HEADER, *SITE_ROWS[:2], "单位负责人：张三,,,,,,,", *SITE_ROWS[2:]]) + "\n", True),
    "tabs_and_extra_column": ("\n".join(line.replace(",", "\t") + "\t" for line in [SITE_HEADER, *SITE_ROWS]), True),
    "accepted": ("\ufeff5G基站站址清单\r\n" + "\r\n".join([SITE_HEADER, *SITE_ROWS[:4], "填表人：李四,,,,,,,",
                                                             *SITE_ROWS[4:]]) + "\r\n", True),
    "blank_line": ("\n".join([SITE_HEADER, SITE_ROWS[0], "", *SITE_ROWS[1:]]) + "\n", False),
    "quoted": ("\n".join([SITE_HEADER, *SITE_ROWS, '2023-06,"S9",440100,440106,700MHz,中国广电,2023-01-10,在网']), False),
    "ragged": ("\n".join([SITE_HEADER, *SITE_ROWS, "2023-06,S9,440100"]) + "\n", False),
    "lone_cr": ("\r".join([SITE_HEADER, *SITE_ROWS]) + "\r", False),
}


@pytest.mark.parametrize("variant", sorted(FAST_VARIANTS))
def test_a_csv_list_read_whole_or_row_by_row_gives_the_same_report_and_records(variant, tmp_path, validator,
                                                                               monkeypatch):
    from indicators import register_validation

    text, whole = FAST_VARIANTS[variant]
    path = tmp_path / f"{variant}.csv"
    path.write_bytes(text.encode("utf-8"))
    taken = []
    read_whole = register_validation._Rows._load_csv
    monkeypatch.setattr(register_validation._Rows, "_load_csv",
                        lambda self, *args: taken.append(read_whole(self, *args)) or taken[-1])
    fast = validator.check(path, "gdca", reference_date=dt.date(2023, 7, 10))
    monkeypatch.setattr(register_validation._Rows, "_load_csv", lambda self, *args: False)
    slow = validator.check(path, "gdca", reference_date=dt.date(2023, 7, 10))
    assert taken == [whole]
    assert fast.report.to_dict() == slow.report.to_dict()
    assert fast.observations.astype(str).values.tolist() == slow.observations.astype(str).values.tolist()
    if variant == "accepted":  # the rows above the footer, as written
        assert slow.report.accepted and slow.report.rows == 3
        assert slow.observations[["source_row", "area_code", "unit_id", "county_code", "band", "operator",
                                  "in_service"]].astype(str).values.tolist() == [
            ["3", "440100", "S1", "440106", "700MHz", "中国广电", "True"],
            ["4", "440100", "S2", "440106", "700MHz", "中国广电", "True"],
            ["6", "440300", "S3", "440304", "3.5GHz", "中国电信", "False"]]
    if variant == "plain":  # worked out by hand from SITE_ROWS
        assert slow.report.rows == 5  # the row of blank cells is no row
        assert {(e.rule, e.row, e.value) for e in slow.report.errors} == {
            ("site_id_repeated", 6, "S4"), ("site_id_repeated", 7, "S4"), ("site_band_unknown", 6, "5.8GHz"),
            ("site_operator_unknown", 6, "中国铁通"), ("site_status_unknown", 6, "在建"),
            ("register_value_invalid", 6, "2023-13-01"), ("site_county_not_in_city", 7, "440104")}


@pytest.mark.parametrize("limit, text", [
    ("max_rows", "\n".join([SITE_HEADER, *SITE_ROWS[:2], *SITE_ROWS[3:]])),  # 6 rows with the header, limit 5
    ("max_cell_chars", "\n".join([SITE_HEADER, SITE_ROWS[0], SITE_ROWS[1].replace("S2", "S" * 70_000)])),
])
def test_a_csv_list_over_a_limit_is_refused_at_the_row_over_it(limit, text, tmp_path):
    """The whole-file reader leaves a list near a limit to the row-by-row one, which names the row."""
    from indicators.readers import ReadLimits

    path = tmp_path / "sites.csv"
    path.write_text(text, encoding="utf-8")
    report = Validator(ReadLimits(max_rows=5)).check(path, "gdca", reference_date=dt.date(2023, 7, 10)).report
    assert not report.accepted and [(e.rule, e.row) for e in report.errors] == [
        ("limit_exceeded", 6 if limit == "max_rows" else 3)]
    assert limit in report.errors[0].message_en
