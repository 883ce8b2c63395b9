"""A revision end to end: upload, load, correct, load.

The real service takes the files over HTTP; the real sensor turns each into a run request; ingest_job
runs in-process on that request against the same DIGECON_HOME. Afterwards the serving DB shows the new
value, the as-of view the old one, and the warehouse's list of changes is the one the submitter was shown.
"""

import datetime as dt

import dagster as dg
import duckdb
import httpx
import pytest
from corpus import LONG_HEADER, csv_bytes
from service_harness import running_service

from indicators.landing import LandingZone
from indicators.tokens import TokenStore
from pipelines import warehouse as wh
from pipelines.definitions import defs
from pipelines.resources import WarehouseResource
from pipelines.sensors import landed_submissions_sensor

pytestmark = pytest.mark.slow

JUNE = dt.date(2023, 6, 1)


def gdca_june(shenzhen_stations: int) -> bytes:
    return csv_bytes([LONG_HEADER,
                      ["深圳市", "2023-06", "5G基站数", str(shenzhen_stations), "个", ""],
                      ["东莞市", "2023-06", "5G基站数", "9100", "个", ""]])


class Pipeline:
    """The sensor's side: what `dagster dev` does with a landed file, done in-process."""

    def __init__(self, home, instance):
        self.home, self.instance, self.cursor = home, instance, None

    def load_new_submissions(self) -> int:
        context = dg.build_sensor_context(instance=self.instance, cursor=self.cursor,
                                          resources={"warehouse": WarehouseResource(home=str(self.home))})
        result = landed_submissions_sensor(context)
        self.cursor = result.cursor
        for request in result.run_requests:
            run = defs.resolve_job_def("ingest_job").execute_in_process(
                run_config=request.run_config, tags=request.tags, instance=self.instance)
            assert run.success
        return len(result.run_requests)


def served_stations(paths, city: str) -> tuple[float, int]:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute(
            "SELECT value, submission_id FROM mart.observations WHERE area_code = ? AND period = ?"
            " AND indicator_code = 'fiveg_base_stations'", [city, JUNE]).fetchone()


def test_upload_load_correct_load(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DIGECON_HOME", str(home))  # the runs' WarehouseResource resolves it
    paths = wh.Paths.resolve(home)
    _, token = TokenStore.at(home).create("gdca", "赵六", actor="test")
    headers = {"Authorization": f"Bearer {token}"}

    with running_service(home) as base_url, \
            dg.DagsterInstance.ephemeral(tempdir=str(tmp_path / "dagster")) as instance:
        pipeline = Pipeline(home, instance)

        first = httpx.post(f"{base_url}/api/v1/submissions", headers=headers,
                           files={"file": ("gdca-2023-06.csv", gdca_june(46400))}, timeout=60)
        assert first.status_code == 201
        assert first.json()["report"]["changes"] is None  # nothing served yet to compare with
        assert pipeline.load_new_submissions() == 1
        assert served_stations(paths, "440300") == (46400, first.json()["submission_id"])

        corrected = httpx.post(f"{base_url}/api/v1/submissions", headers=headers,
                               files={"file": ("gdca-2023-06-更正.csv", gdca_june(46800))}, timeout=60)
        assert corrected.status_code == 201
        assert pipeline.load_new_submissions() == 1
        assert pipeline.load_new_submissions() == 0  # the cursor holds: nothing runs twice

    first_id, corrected_id = first.json()["submission_id"], corrected.json()["submission_id"]
    # The submitter was shown exactly the changed cell; Dongguan's unchanged value is not listed.
    [change] = corrected.json()["report"]["changes"]
    assert (change["city_code"], change["period"], change["indicator_code"], change["old_value"],
            change["new_value"], change["previous_submission_id"], change["row"]) == (
        "440300", "2023-06", "fiveg_base_stations", 46400, 46800, first_id, 2)

    assert served_stations(paths, "440300") == (46800, corrected_id)
    assert served_stations(paths, "441900") == (9100, corrected_id)  # the new vintage carries every cell
    first_received = LandingZone(paths.landing).receipt(first_id).received_local
    with wh.open_build_db(paths) as con:
        as_of_first = con.execute(
            "SELECT value FROM core.observations_as_of($as_of) WHERE area_code = '440300' AND period = $june"
            " AND indicator_code = 'fiveg_base_stations'", {"as_of": first_received, "june": JUNE}).fetchone()
        kept = con.execute("SELECT area_code, period, indicator_code, old_value, new_value, previous_submission_id"
                           " FROM ops.vintage_changes WHERE submission_id = ?", [corrected_id]).fetchall()
        vintages = con.execute("SELECT count(*) FROM core.observations").fetchone()[0]
    assert as_of_first == (46400,)
    assert kept == [("440300", JUNE, "fiveg_base_stations", 46400, 46800, first_id)]
    assert vintages == 4  # both vintages kept: nothing overwritten
