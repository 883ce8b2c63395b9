"""At most one writer: the run queue admits one warehouse-writing run, and the build DB is locked."""

import threading

import dagster as dg

from pipelines import runner
from pipelines import warehouse as wh
from pipelines.definitions import WRITER_TAG, defs


def test_every_job_carries_the_writer_tag():
    for job in defs.get_repository_def().get_all_jobs():
        if not job.name.startswith("__"):
            assert job.tags.get("digecon/warehouse-writer") == WRITER_TAG["digecon/warehouse-writer"], job.name


def test_instance_queue_admits_one_writer_run(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = runner.prepare_dagster_home(wh.Paths.resolve(tmp_path))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        limits = instance.run_coordinator.get_run_queue_config().tag_concurrency_limits
    assert {"key": "digecon/warehouse-writer", "limit": 1} in [
        {"key": limit["key"], "limit": limit["limit"]} for limit in limits]


def test_second_writer_waits_for_the_first(tmp_path):
    paths = wh.Paths.resolve(tmp_path)
    first_inside, release_first, second_inside = threading.Event(), threading.Event(), threading.Event()

    def first():
        with wh.open_build_db(paths):
            first_inside.set()
            release_first.wait()

    def second():
        with wh.open_build_db(paths):
            second_inside.set()

    one = threading.Thread(target=first)
    one.start()
    assert first_inside.wait(30)
    two = threading.Thread(target=second)
    two.start()
    two.join(timeout=1.0)  # a negative check: it must still be waiting on the lock
    assert not second_inside.is_set()
    release_first.set()
    one.join()
    two.join()
    assert second_inside.is_set()
