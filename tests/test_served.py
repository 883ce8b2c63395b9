"""indicators/served.py: the one read of the serving DB on a file's way in, and its one "previous value"."""

import datetime as dt

import duckdb

from indicators.reference import profiles
from indicators.served import SERVED_COLUMNS, previous_values, read_served

JUNE, MAY = dt.date(2023, 6, 1), dt.date(2023, 5, 1)


def serving_db(path):
    """Shenzhen's 5G stations served from the agency (gdca, submission 3) with the pilot's own figure beside
    it; PON ports served from the pilot (submission 4), which the agency has not reported; and Guangzhou."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA mart")
        con.execute("""CREATE TABLE mart.observations AS SELECT * FROM (VALUES
            ('440300', 'city', DATE '2023-06-01', 'M', 'fiveg_base_stations', 52400.0, 'gdca', 3),
            ('440300', 'city', DATE '2023-05-01', 'M', 'fiveg_base_stations', 51000.0, 'gdca', 2),
            ('440300', 'city', DATE '2023-06-01', 'M', 'pon_ports_total', 812000.0, 'pilot-440300', 4),
            ('440300', 'city', DATE '2023-06-01', 'M', 'fiveg_per_10k_people', 29.8, 'derived', NULL),
            ('440100', 'city', DATE '2023-06-01', 'M', 'fiveg_base_stations', 60120.0, 'gdca', 3),
            ('GD-PRD', 'region', DATE '2023-06-01', 'M', 'fiveg_base_stations', 300000.0, 'aggregate', NULL)
        ) AS t(area_code, area_level, period, freq, indicator_code, value, source_profile, submission_id)""")
        con.execute("""CREATE TABLE mart.discrepancies AS SELECT * FROM (VALUES
            ('440300', DATE '2023-06-01', 'M', 'fiveg_base_stations', 'pilot-440300', 52310.0, 5)
        ) AS t(area_code, period, freq, indicator_code, pilot, pilot_value, pilot_submission_id)""")
    return path


def test_the_served_values_in_a_pilots_scope_and_its_own_previous_vintages(tmp_path):
    served = read_served(serving_db(tmp_path / "s.duckdb"), profiles()["pilot-440300"])
    assert list(served.columns) == SERVED_COLUMNS
    rows = {(r.indicator_code, r.period): (r.served_value, r.served_source) for r in served.itertuples()}
    # its own city only, base indicators only, cities only: no Guangzhou, no rate, no region
    assert rows == {("fiveg_base_stations", JUNE): (52400.0, "gdca"), ("fiveg_base_stations", MAY): (51000.0, "gdca"),
                    ("pon_ports_total", JUNE): (812000.0, "pilot-440300")}
    # the pilot's previous value: its own, beside the agency's where the agency reports the cell
    assert previous_values(served) == {("440300", JUNE, "fiveg_base_stations"): (52310.0, 5),
                                       ("440300", JUNE, "pon_ports_total"): (812000.0, 4)}


def test_an_agencys_previous_vintages_are_what_it_serves(tmp_path):
    served = read_served(serving_db(tmp_path / "s.duckdb"), profiles()["gdca"])
    assert previous_values(served) == {("440300", JUNE, "fiveg_base_stations"): (52400.0, 3),
                                       ("440300", MAY, "fiveg_base_stations"): (51000.0, 2),
                                       ("440100", JUNE, "fiveg_base_stations"): (60120.0, 3)}


def test_nothing_to_read_is_none_never_an_empty_history(tmp_path):
    assert read_served(tmp_path / "absent.duckdb", profiles()["gdca"]) is None
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    assert read_served(tmp_path / "empty.duckdb", profiles()["gdca"]) is None
