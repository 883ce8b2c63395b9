"""BI freshness: the SQLAlchemy and Superset recipes of docs/marts.md, run as written, see each publish.

DuckDB gives a process the database instance it already has open for a path, so a connection opened while
another one is open keeps the snapshot from before an `os.replace`. The recipes give every connection an
in-memory database that attaches the file as it is now. The tests run the documented code itself (only the
path changes), with an engine held for the whole test as Superset holds one.
"""

import json
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from mart_support import SHENZHEN, Loader, prepared_build_db, publish_shenzhen_june
from sqlalchemy.engine import make_url

from pipelines.paths import Paths
from pipelines.publish import publish

MARTS_DOC = Path(__file__).resolve().parents[1] / "docs" / "marts.md"
DOCUMENTED_PATH = "/var/lib/digecon/serving/digital_economy.duckdb"
SHENZHEN_JUNE = sa.text("SELECT value FROM mart.observations WHERE area_code = '440300'"
                        " AND indicator_code = 'fiveg_base_stations'")
CJK, LATIN = re.compile(r"[\u4e00-\u9fff]"), re.compile(r"[A-Za-z]{3}")


class Warehouse:
    """A build DB with Shenzhen's June stations at 50,000, published; `revise` publishes a new value."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.next_id = publish_shenzhen_june(paths)

    def revise(self, value: int) -> None:
        """A corrected file, rebuilt and published by os.replace of the serving file (pipelines/publish.py)."""
        with prepared_build_db(self.paths) as con:
            loader = Loader(con, self.paths)
            loader.next_id = self.next_id
            loader.submit("gdca", [(SHENZHEN, "2023-06-01", "M", "fiveg_base_stations", value)], "2023-07-25 10:00")
            loader.rebuild()
            publish(con, self.paths.serving_db)
            self.next_id = loader.next_id


@pytest.fixture
def warehouse(tmp_path):
    return Warehouse(Paths.resolve(tmp_path / "home"))


def documented(pattern: str) -> str:
    """The first code block of docs/marts.md holding `pattern`."""
    blocks = re.findall(r"```(?:python|json)\n(.*?)```", MARTS_DOC.read_text(encoding="utf-8"), re.S)
    return next(block for block in blocks if pattern in block)


def sqlalchemy_recipe(serving: Path) -> dict:
    """Run the documented SQLAlchemy recipe against `serving`; its names (engine, open_serving, …)."""
    code = documented("def open_serving")
    assert DOCUMENTED_PATH in code
    namespace: dict = {}
    exec(code.replace(DOCUMENTED_PATH, str(serving)), namespace)  # the documentation's own code
    return namespace


def superset_engine(serving: Path) -> sa.Engine:
    """The engine Superset builds for the documented connection: URI and engine parameters from the
    docs, NullPool (Superset's default for queries), then the documented DB_CONNECTION_MUTATOR."""
    namespace = sqlalchemy_recipe(serving)
    exec(documented("def DB_CONNECTION_MUTATOR"), namespace)  # superset_config.py as documented
    text = MARTS_DOC.read_text(encoding="utf-8")
    uri = re.search(r"SQLAlchemy URI\s+`(duckdb:///[^`]+)`", text).group(1)
    assert uri == f"duckdb:///{DOCUMENTED_PATH}"
    params = {**json.loads(documented('"connect_args"')), "poolclass": sa.pool.NullPool}
    url, params = namespace["DB_CONNECTION_MUTATOR"](make_url(uri.replace(DOCUMENTED_PATH, str(serving))), params,
                                                     "analyst", None, None)
    return sa.create_engine(url, **params)


def value(engine: sa.Engine) -> float:
    with engine.connect() as con:
        return con.execute(SHENZHEN_JUNE).scalar()


def test_the_sqlalchemy_recipe_sees_a_publish_on_the_next_query_while_other_queries_run(warehouse):
    recipe = sqlalchemy_recipe(warehouse.paths.serving_db)
    engine = recipe["engine"]
    assert set(recipe["board"].columns) >= {"area_code", "indicator_code", "completeness_status"}  # the recipe's own query ran
    running = engine.connect()  # a long query (another chart, another user) still open during the publish
    assert running.execute(SHENZHEN_JUNE).scalar() == 50000

    warehouse.revise(51000)

    assert value(engine) == 51000  # the next query, at once
    assert running.execute(SHENZHEN_JUNE).scalar() == 50000  # the open one keeps its snapshot to its end
    running.close()
    engine.dispose()


def test_a_pooled_engine_sees_a_publish_once_its_connection_is_recycled(warehouse):
    recipe = sqlalchemy_recipe(warehouse.paths.serving_db)
    recycle = 1  # seconds; the docs advise 60 for a real pool
    engine = sa.create_engine("duckdb://", creator=recipe["open_serving"], pool_recycle=recycle)
    assert isinstance(engine.pool, sa.pool.QueuePool)
    assert value(engine) == 50000  # its connection now waits in the pool

    warehouse.revise(51000)

    deadline = time.monotonic() + recycle + 30  # the recycle time, and a generous margin for a loaded machine
    seen = value(engine)
    while seen != 51000 and time.monotonic() < deadline:
        time.sleep(0.1)  # the polling interval
        seen = value(engine)
    assert seen == 51000
    engine.dispose()


def test_without_the_recipe_a_long_lived_pooled_engine_keeps_the_old_snapshot(warehouse):
    """Why the recipe exists: the plain engine a BI tool would build reuses DuckDB's open instance."""
    engine = sa.create_engine(f"duckdb:///{warehouse.paths.serving_db}", connect_args={"read_only": True})
    assert value(engine) == 50000

    warehouse.revise(51000)

    assert value(engine) == 50000
    engine.dispose()


def test_superset_reflects_tables_views_and_comments_and_sees_each_publish(warehouse):
    engine = superset_engine(warehouse.paths.serving_db)
    inspector = sa.inspect(engine)
    assert {"digital_economy.mart", "digital_economy.ref"} <= set(inspector.get_schema_names())
    tables = set(inspector.get_table_names(schema="digital_economy.mart"))
    views = set(inspector.get_view_names(schema="digital_economy.mart"))
    assert {"observations", "growth", "target_progress", "completeness", "data_quality", "revisions"} <= tables
    assert {"v_released_observations", "v_released_growth", "v_released_target_progress"} <= views
    assert {"areas", "indicators", "targets"} <= set(inspector.get_table_names(schema="digital_economy.ref"))
    for name in ["observations", "v_released_observations"]:
        comment = inspector.get_table_comment(name, schema="digital_economy.mart")["text"]
        assert CJK.search(comment) and LATIN.search(comment), name
        columns = inspector.get_columns(name, schema="digital_economy.mart")
        undocumented = [c["name"] for c in columns if not (c["comment"] and CJK.search(c["comment"]))]
        assert "area_code" in {c["name"] for c in columns} and undocumented == []
    running = engine.connect()
    assert running.execute(SHENZHEN_JUNE).scalar() == 50000

    warehouse.revise(51000)
    assert value(engine) == 51000
    warehouse.revise(52000)
    assert value(engine) == 52000

    running.close()
    engine.dispose()
