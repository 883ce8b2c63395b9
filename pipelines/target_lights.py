"""Target lights that know about revisions (mart.target_lights, sql/marts/target_lights.sql).

Each target's light (green, amber, red; grey without data) is compared with the light at the previous
release, and a change is put down to new data or to a revision of earlier data, naming the submissions.
To know what the previous release showed, and what it would show with today's revisions, the marts are
rebuilt as they stood then: inside a transaction that is rolled back, the build DB is taken back to that
release (sql/lights/*.sql) and derive, mart.observations (with disclosure control) and
mart.target_progress run exactly as a run builds them. Nothing of it is ever committed; it costs two
rebuilds of those marts per run (a few seconds at province scale).

Built on what main holds (core.observations_as_of, ops.withdrawals, ops.releases, mart.lineage); the
published-vintages mart, once merged, can name the release instead of re-deriving it.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import pandas as pd

from indicators.clock import SHANGHAI
from pipelines.build import rewound
from pipelines.paths import sql_text
from pipelines.resources import WarehouseResource

STATE_COLUMNS = ["state", "target_id", "basis", "target_status", "actual_period", "actual_time_period", "actual",
                 "run_rate_base_period"]


def build_target_lights(con: duckdb.DuckDBPyConnection, reference_date: dt.date) -> int:
    """Rebuild mart.target_lights (after mart.target_progress and mart.lineage); returns its row count."""
    baseline = con.execute("SELECT period, released_at FROM ops.releases ORDER BY released_at DESC"
                           " LIMIT 1 OFFSET 1").fetchone()
    states = pd.DataFrame(columns=STATE_COLUMNS)  # no previous release: nothing to compare with
    period, released_at = baseline or (None, None)
    if baseline is not None:
        baseline_date = released_at.astimezone(SHANGHAI).date()  # that release's "today"
        states = pd.concat([_progress_as_of(con, state, script, released_at, baseline_date) for state, script in
                            (("previous", "core/41_rewind.sql"), ("revised", "lights/revised_at_baseline.sql"))],
                           ignore_index=True)
    con.register("light_states", states)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(sql_text("marts/target_lights.sql"),
                    dict(baseline_period=period, baseline_at=released_at, reference_date=reference_date))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("light_states")
    return con.execute("SELECT count(*) FROM mart.target_lights").fetchone()[0]


def _progress_as_of(con: duckdb.DuckDBPyConnection, state: str, script: str, as_of: dt.datetime,
                    reference_date: dt.date) -> pd.DataFrame:
    """mart.target_progress on the build DB as sql/<script> leaves it at `as_of`, rolled back after."""
    with rewound(con, script, as_of=as_of, indicators=None):
        con.execute(sql_text("marts/target_progress.sql"), dict(reference_date=reference_date))
        return con.execute("SELECT ? AS state, target_id, basis, target_status, actual_period, actual_time_period,"
                           " actual, run_rate_base_period FROM mart.target_progress", [state]).df()


def target_lights_asset(deps: list) -> dg.AssetsDefinition:
    """The mart_target_lights asset (registered in pipelines/assets.py after mart_target_progress and
    mart_lineage), with the standard table metadata and preview."""
    from pipelines.assets import OWNERS, WAREHOUSE_POOL

    @dg.asset(pool=WAREHOUSE_POOL, name="mart_target_lights", group_name="marts", kinds={"duckdb"}, deps=deps,
              owners=OWNERS, description="Each target's traffic light against the previous release's, and whether"
                                         " new data or a revision of earlier data changed it, naming the submissions.")
    def mart_target_lights(warehouse: WarehouseResource) -> dg.MaterializeResult:
        from pipelines.assets import _preview, _table_metadata

        with warehouse.get_connection() as con:
            rows = build_target_lights(con, warehouse.today())
        with warehouse.get_connection(read_only=True) as con:
            counts = dict(con.execute(sql_text("previews/target_lights_counts.sql")).fetchall())
            metadata = {**_table_metadata(con, "mart.target_lights", rows), **counts,
                        "preview": _preview(con, sql_text("previews/target_lights.sql"))}
        return dg.MaterializeResult(metadata=metadata)

    return mart_target_lights
