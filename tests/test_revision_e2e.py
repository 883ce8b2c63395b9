"""A revision end to end: upload, load, correct, load.

The real service takes the files over HTTP; the real sensor turns each into a run request; ingest_job
runs in-process on that request against the same DIGECON_HOME. Afterwards the serving DB shows the new
value, the as-of view the old one, and the warehouse's list of changes is the one the submitter was shown,
also for a pilot team whose cells the agency of record reports too.
"""

import datetime as dt

import dagster as dg
import duckdb
import httpx
import pytest
from corpus import LONG_HEADER, csv_bytes
from mart_support import prepared_build_db
from service_harness import SensorRuns, running_service

from indicators.landing import LandingZone
from indicators.tokens import TokenStore
from pipelines.paths import Paths

pytestmark = pytest.mark.slow

JUNE = dt.date(2023, 6, 1)


def gdca_june(shenzhen_stations: int) -> bytes:
    return csv_bytes([LONG_HEADER,
                      ["深圳市", "2023-06", "5G基站数", str(shenzhen_stations), "个", ""],
                      ["东莞市", "2023-06", "5G基站数", "9100", "个", ""]])


def shenzhen_pilot_june(stations: int) -> bytes:
    return csv_bytes([LONG_HEADER,
                      ["深圳市", "2023-06", "5G基站数", str(stations), "个", ""],
                      ["深圳市", "2023-06", "PON端口总数", "812000", "个", ""]])


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DIGECON_HOME", str(home))  # the runs' WarehouseResource resolves it
    return home


@pytest.fixture
def service(home, tmp_path):
    """The upload service and the sensor's side, on the same DIGECON_HOME."""
    with running_service(home) as base_url, \
            dg.DagsterInstance.ephemeral(tempdir=str(tmp_path / "dagster")) as instance:
        yield base_url, SensorRuns(home, instance)


def send(base_url: str, home, profile: str, name: str, data: bytes) -> dict:
    _, token = TokenStore.at(home).create(profile, name, actor="test")
    response = httpx.post(f"{base_url}/api/v1/submissions", headers={"Authorization": f"Bearer {token}"},
                          files={"file": (f"{profile}.csv", data)}, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()


def shown_changes(submission: dict) -> list[tuple]:
    return [(c["city_code"], c["period"], c["indicator_code"], c["old_value"], c["new_value"],
             c["previous_submission_id"], c["row"]) for c in submission["report"]["changes"]]


def kept_changes(paths, submission_id: int) -> list[tuple]:
    """ops.vintage_changes of a submission, in the shape of the report's list."""
    with prepared_build_db(paths) as con:
        return con.execute(
            "SELECT area_code, strftime(period, '%Y-%m'), indicator_code, old_value, new_value,"
            " previous_submission_id, source_row FROM ops.vintage_changes WHERE submission_id = ?"
            " ORDER BY source_row, indicator_code", [submission_id]).fetchall()


def served_stations(paths, city: str) -> tuple[float, int]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute(
            "SELECT value, submission_id FROM mart.observations WHERE area_code = ? AND period = ?"
            " AND indicator_code = 'fiveg_base_stations'", [city, JUNE]).fetchone()


def test_upload_load_correct_load(home, service):
    base_url, pipeline = service
    paths = Paths.resolve(home)

    first = send(base_url, home, "gdca", "赵六", gdca_june(46400))
    assert first["report"]["changes"] is None  # nothing served yet to compare with
    assert pipeline.load_new_submissions() == 1
    assert served_stations(paths, "440300") == (46400, first["submission_id"])

    corrected = send(base_url, home, "gdca", "赵六", gdca_june(46800))
    assert pipeline.load_new_submissions() == 1
    assert pipeline.load_new_submissions() == 0  # the cursor holds: nothing runs twice

    first_id, corrected_id = first["submission_id"], corrected["submission_id"]
    # The submitter was shown exactly the changed cell; Dongguan's unchanged value is not listed.
    assert shown_changes(corrected) == [("440300", "2023-06", "fiveg_base_stations", 46400, 46800, first_id, 2)]
    assert kept_changes(paths, corrected_id) == shown_changes(corrected)

    assert served_stations(paths, "440300") == (46800, corrected_id)
    assert served_stations(paths, "441900") == (9100, corrected_id)  # the new vintage carries every cell
    first_received = LandingZone(paths.landing).receipt(first_id).received_at
    with prepared_build_db(paths) as con:
        as_of_first = con.execute(
            "SELECT value FROM core.observations_as_of($as_of) WHERE area_code = '440300' AND period = $june"
            " AND indicator_code = 'fiveg_base_stations'", {"as_of": first_received, "june": JUNE}).fetchone()
        vintages = con.execute("SELECT count(*) FROM core.observations").fetchone()[0]
    assert as_of_first == (46400,)
    assert vintages == 4  # both vintages kept: nothing overwritten


def test_a_pilot_correction_lists_its_cells_also_where_the_agency_value_is_served(home, service):
    base_url, pipeline = service
    paths = Paths.resolve(home)
    send(base_url, home, "gdca", "赵六", gdca_june(46400))
    pilot = send(base_url, home, "pilot-440300", "张三", shenzhen_pilot_june(46500))
    assert pipeline.load_new_submissions() == 2

    corrected = send(base_url, home, "pilot-440300", "张三", shenzhen_pilot_june(46550))
    assert pipeline.load_new_submissions() == 1

    # The agency of record's 46,400 is what BI sees, but the pilot corrected its own 46,500.
    assert served_stations(paths, "440300")[0] == 46400
    expected = [("440300", "2023-06", "fiveg_base_stations", 46500, 46550, pilot["submission_id"], 2)]
    assert shown_changes(corrected) == expected
    assert kept_changes(paths, corrected["submission_id"]) == expected
