"""At most one writer: the run queue admits one warehouse-writing run, and the build DB is locked."""

import threading

import dagster as dg

from pipelines import runner
from pipelines.build import open_build_db
from pipelines.paths import Paths
from pipelines.assets import WAREHOUSE_POOL
from pipelines.definitions import defs


def test_every_asset_and_check_is_in_the_warehouse_pool():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        assert graph.get(key).pools == {WAREHOUSE_POOL}, key
    for check in defs.asset_checks or []:
        assert check.op.pool == WAREHOUSE_POOL, check


def test_instance_admits_one_run_holding_the_pool(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = runner.prepare_dagster_home(Paths.resolve(tmp_path))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        config = instance.get_concurrency_config()
    assert config.pool_config.pool_granularity.value == "run"
    assert config.pool_config.default_pool_limit == 1


def test_second_writer_waits_for_the_first(tmp_path):
    paths = Paths.resolve(tmp_path)
    first_inside, release_first, second_inside = threading.Event(), threading.Event(), threading.Event()

    def first():
        with open_build_db(paths):
            first_inside.set()
            release_first.wait()

    def second():
        with open_build_db(paths):
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
