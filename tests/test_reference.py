"""Reference data: the catalogue's public codes, the 21 cities, areas, profiles, calendar, targets."""

import datetime as dt

import pytest

from indicators import reference

BASE_CODES = """fiveg_base_stations fiveg_base_stations_700mhz households_total households_gigabit_covered
pon_ports_total pon_ports_10g broadband_users_total broadband_users_500m_plus broadband_users_1000m
mobile_users_total fiveg_users key_venues_total key_venues_5g_covered villages20_total villages20_fibre
villages20_4g dc_standard_racks dc_racks_in_use dc_it_energy_mwh dc_total_energy_mwh compute_power_pflops
iiot_identifier_registrations iiot_identifier_resolutions enterprises_above_scale enterprises_transformed
smes_on_cloud admin_villages_total admin_villages_yzz towns_total towns_yzz gdp de_core_value_added
resident_population""".split()
DERIVED_CODES = """fiveg_per_10k_people gigabit_household_coverage_pct pon_10g_share_pct
broadband_500m_plus_share_pct fiveg_user_share_pct key_venue_5g_reach_pct villages20_fibre_pct
villages20_4g_pct dc_rack_utilisation_pct dc_pue transformed_share_pct yzz_village_coverage_pct
yzz_town_coverage_pct de_core_va_share_pct""".split()


def test_catalogue_v1_has_exactly_the_public_codes():
    assert sorted(i.code for i in reference.base_indicators()) == sorted(BASE_CODES)
    assert sorted(i.code for i in reference.derived_indicators()) == sorted(DERIVED_CODES)


def test_every_indicator_is_fully_described():
    for indicator in reference.catalogue().values():
        assert indicator.name_zh and indicator.name_en and indicator.unit and indicator.plan_item
        assert indicator.freq in {"M", "Q", "A"} and indicator.direction in {"up", "down", "none"}
        assert indicator.min_value < indicator.max_value
        if indicator.is_derived:
            assert indicator.submitter is None and indicator.aggregation == "ratio_of_sums"
        else:
            assert indicator.submitter in reference.profiles() and indicator.aggregation == "sum"
    assert reference.catalogue()["fiveg_per_10k_people"].name_en == "5G base stations per 10,000 people"
    assert reference.catalogue()["dc_pue"].formula == "dc_total_energy_mwh / dc_it_energy_mwh"


def test_the_monotone_series_are_the_ones_domain_names():
    assert {i.code for i in reference.base_indicators() if i.monotone} == {
        "fiveg_base_stations", "fiveg_base_stations_700mhz", "fiveg_users", "villages20_fibre", "villages20_4g",
        "admin_villages_yzz", "towns_yzz", "smes_on_cloud", "iiot_identifier_registrations"}


def test_21_cities_sum_to_the_province_census():
    cities = reference.cities()
    assert len(cities) == 21
    assert sum(c.population_census_2020 for c in cities) == 126_012_510
    assert all(c.population_source for c in cities)
    regions = {code: sum(c.region_code == code for c in cities) for code in reference.REGIONS}
    assert regions == {"GD-PRD": 9, "GD-E": 4, "GD-W": 3, "GD-N": 5}
    levels = [a.level for a in reference.areas()]
    assert (levels.count("city"), levels.count("region"), levels.count("province")) == (21, 4, 1)


@pytest.mark.parametrize("written", ["440300", "深圳市", "深圳", "Shenzhen", " shenzhen ", "４４０３００", 440300.0])
def test_a_city_is_known_by_code_chinese_or_english_name(written):
    assert reference.resolve_area_code(written) == "440300"


def test_areas_known_and_unknown():
    assert reference.resolve_area_code("香港") is None and reference.resolve_area_code("440000") == "440000"
    assert reference.reporting_areas() == {c.code for c in reference.cities()}


def test_profiles_scope():
    profiles = reference.profiles()
    shenzhen = profiles["pilot-440300"]
    assert shenzhen.covers_city("440300") and not shenzhen.covers_city("441900")
    assert shenzhen.may_submit("gdp") and not shenzhen.may_submit("fiveg_per_10k_people")
    assert profiles["gdca"].may_submit("fiveg_base_stations") and not profiles["gdca"].may_submit("gdp")
    assert len(profiles["gdiit"].cities) == 21


@pytest.mark.parametrize("period, freq, due", [
    ("2023-11-01", "M", "2023-12-10"),   # monthly: the 10th of the next month
    ("2023-10-01", "Q", "2024-01-20"),   # quarterly: the 20th after the quarter
    ("2023-01-01", "A", "2024-03-31"),   # annual: 31 March of the next year
])
def test_reporting_calendar_due_dates(period, freq, due):
    assert reference.calendar().due_date(dt.date.fromisoformat(period), freq) == dt.date.fromisoformat(due)


def test_targets_carry_sources_and_thresholds_are_marked_unverified():
    targets = {t.target_id: t for t in reference.targets()}
    assert targets["transformed_2022"].value == 5000 and targets["transformed_2022"].area_code == "440000"
    assert targets["dc_pue_2025"].comparison == "<="
    assert all(t.source for t in targets.values())
    assert all(t.illustrative for t in targets.values() if t.area_code != "440000")
    assert not any(t["verified"] for t in reference.gigabit_city_thresholds())
