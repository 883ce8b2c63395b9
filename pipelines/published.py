"""What was published, and when: the released cells as they stood at any moment (mart.published_vintages).

Every input change is timestamped (core.observations.received_at, ops.withdrawals.withdrawn_at) and so is
every release (ops.releases.released_at). The released cells at an instant T are therefore what the
marts give on the warehouse as it stood at T: `released_cells_as_of` rewinds the inputs to T inside a
transaction, rebuilds mart.observations with the very steps a run uses (`pipelines.build.rewound`), reads
the released cells and rolls everything back.

A released cell can only change when one of its inputs changes after its release, so the states are
computed only at those instants, and only for the indicator families those inputs belong to (the
checkpoints of sql/core/40_published_checkpoints.sql); between them, and for every cell no later change
touches, today's marts give the state. sql/marts/published_vintages.sql turns the states into vintages
(valid_from, valid_to).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from pipelines.build import build_mart, rewound
from pipelines.paths import sql_text


def released_cells_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.datetime,
                         indicators: list[str] | None = None) -> pa.Table:
    """The released cells as they would have been published at `as_of` (an aware datetime), as an Arrow
    table: (as_of, area_code, period, freq, indicator_code, state), state being the mart.observations row.
    `indicators` limits the work to those indicators' cells (whole families: see the checkpoints).

    The inputs received, withdrawn or released after `as_of` are deleted inside a transaction
    (sql/core/41_rewind.sql), mart.observations is rebuilt on what is left, read, and the transaction
    rolled back: the build DB is left exactly as it was."""
    with rewound(con, "core/41_rewind.sql", as_of=as_of, indicators=indicators):
        return con.sql("SELECT $as_of::TIMESTAMPTZ AS as_of, * FROM core.v_released_cell_states",
                       params=dict(as_of=as_of)).to_arrow_table()


def build_published_vintages(con: duckdb.DuckDBPyConnection, table: str = "published_vintages", **params) -> int:
    """Rebuild mart.published_vintages (called like build_mart): the checkpoints, the released cells of the
    families each checkpoint can have changed (today's marts stand for each family's latest), then the
    vintages. Needs today's mart.observations."""
    con.execute(sql_text("core/40_published_checkpoints.sql"))
    con.execute("CREATE OR REPLACE TABLE core.published_states AS"
                " SELECT NULL::TIMESTAMPTZ AS as_of, * FROM core.v_released_cell_states LIMIT 0")
    checkpoints = con.execute("SELECT as_of, list(indicator_code ORDER BY indicator_code)"
                              " FROM core.published_checkpoints WHERE evaluated GROUP BY as_of ORDER BY as_of").fetchall()
    for as_of, indicators in checkpoints:
        con.register("states_at_checkpoint", released_cells_as_of(con, as_of, indicators))
        con.execute("INSERT INTO core.published_states SELECT * FROM states_at_checkpoint")
        con.unregister("states_at_checkpoint")
    return build_mart(con, table, **params)
