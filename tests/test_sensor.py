"""The landing sensor: each accepted file → exactly one run of ingest_job keyed by its sha256; a restart
(a new evaluation with the stored cursor) repeats nothing."""

import dagster as dg
import pytest
from corpus import LONG_HEADER, csv_bytes

from indicators.landing import LandingZone
from pipelines.definitions import defs
from pipelines.resources import WarehouseResource
from pipelines.sensors import landed_submissions_sensor


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def instance(tmp_path):
    with dg.DagsterInstance.ephemeral(tempdir=str(tmp_path / "dagster")) as instance:
        yield instance


def land(home, value: int, intake_status: str = "accepted"):
    data = csv_bytes([LONG_HEADER, ["深圳市", "2023-06", "5G基站数", str(value), "个", ""]])
    receipt, _ = LandingZone(home / "landing").receive(data, f"shenzhen-{value}.csv", "pilot-440300", "张三",
                                                      intake_status=intake_status)
    return receipt


def evaluate(instance, home, cursor: str | None) -> dg.SensorResult:
    with dg.build_sensor_context(instance=instance, cursor=cursor,
                                 resources={"warehouse": WarehouseResource(home=str(home))}) as context:
        return landed_submissions_sensor(context)


def test_one_new_file_makes_one_run_and_a_restart_repeats_none(instance, home):
    receipt = land(home, 46400)

    first = evaluate(instance, home, cursor=None)

    [request] = first.run_requests
    assert request.run_key == receipt.sha256
    assert request.run_config == {"ops": {"landed_submissions": {"config": {"submission_id": receipt.submission_id}}}}
    assert request.tags["digecon/submission_id"] == str(receipt.submission_id)

    after_restart = evaluate(instance, home, cursor=first.cursor)
    assert after_restart.run_requests == [] and after_restart.skip_reason is not None

    second = land(home, 46500)
    later = evaluate(instance, home, cursor=after_restart.cursor)
    assert [r.run_key for r in later.run_requests] == [second.sha256]


def test_a_file_rejected_at_upload_starts_a_run_too(instance, home):
    """It loads nothing, but its run quarantines it with its findings: ops.submissions, mart.data_quality
    and the completeness status "rejected" know of it without waiting for `digecon run`."""
    rejected = land(home, -1, intake_status="rejected")
    assert [r.run_key for r in evaluate(instance, home, cursor=None).run_requests] == [rejected.sha256]


def test_files_landed_by_digecon_run_are_left_to_that_command(instance, home):
    land(home, -1, intake_status="received")

    result = evaluate(instance, home, cursor=None)

    assert result.run_requests == []
    accepted = land(home, 46600)
    assert [r.run_key for r in evaluate(instance, home, cursor=result.cursor).run_requests] == [accepted.sha256]


def test_a_withdrawal_makes_one_run_that_records_it(instance, home):
    receipt = land(home, 46700)
    loaded = evaluate(instance, home, cursor=None)
    LandingZone(home / "landing").withdraw(receipt.submission_id, "张三", "数值有误")

    withdrawn = evaluate(instance, home, cursor=loaded.cursor)

    [request] = withdrawn.run_requests
    assert request.run_key == f"withdrawal-{receipt.sha256}" and request.tags["digecon/reason"] == "withdrawn"
    assert evaluate(instance, home, cursor=withdrawn.cursor).run_requests == []


def test_the_sensor_runs_ingest_job_which_loads_and_republishes():
    sensor = defs.resolve_sensor_def("landed_submissions_sensor")
    assert sensor.job_name == "ingest_job" and sensor.default_status == dg.DefaultSensorStatus.RUNNING
    steps = set(defs.resolve_job_def("ingest_job").graph.node_dict)
    assert {"landed_submissions", "loaded_observations", "mart_observations", "serving_db"} <= steps
