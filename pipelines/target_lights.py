"""Target lights that know about revisions (mart.target_lights, sql/marts/target_lights.sql).

Each target's light (green, amber, red; grey without data) is compared with the light at the previous
release, and a change is put down to new data or to a revision of earlier data, naming the submissions.
To know what the previous release showed, and what it would show with today's revisions, the marts are
rebuilt as they stood then: inside a transaction that is rolled back, the build DB is taken back to that
release (sql/lights/*.sql) and derive, mart.observations (with disclosure control) and
mart.target_progress run exactly as a run builds them, for the families of the targets' indicators.
Nothing of it is ever committed; it costs two rebuilds of those families per run.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from indicators import reference
from indicators.clock import SHANGHAI
from pipelines.build import rewound
from pipelines.paths import sql_text

STATE_COLUMNS = ["state", "target_id", "basis", "target_status", "actual_period", "actual_time_period", "actual",
                 "run_rate_base_period"]


def build_target_lights(con: duckdb.DuckDBPyConnection, table: str = "target_lights", *,
                        reference_date: dt.date) -> int:
    """Rebuild mart.target_lights (after mart.target_progress and mart.lineage; called like build_mart);
    returns its row count."""
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
    """mart.target_progress on the build DB as sql/<script> leaves it at `as_of`, rolled back after. Only the
    families of the targets' indicators are rebuilt: target progress reads nothing else."""
    targets = [code for (code,) in con.execute("SELECT DISTINCT indicator_code FROM ref.targets").fetchall()]
    with rewound(con, script, as_of=as_of, indicators=reference.indicator_families(targets)):
        con.execute(sql_text("marts/target_progress.sql"), dict(reference_date=reference_date))
        return con.execute("SELECT ? AS state, target_id, basis, target_status, actual_period, actual_time_period,"
                           " actual, run_rate_base_period FROM mart.target_progress", [state]).df()
