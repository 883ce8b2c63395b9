"""Loading a registry submission (indicators/registers.py) into the build DB: its records kept in
core.register_records (per submission, never overwritten) and aggregated by sql/registers/<registry>.sql
into the city observations that load_submission then inserts into core.observations like any value.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from indicators.landing import Receipt
from pipelines.paths import sql_text


def is_register(cells: pd.DataFrame) -> bool:
    """Whether checked cells are a registry's records (indicators.register_validation.RECORD_COLUMNS)."""
    return "registry" in cells.columns


def load_register(con: duckdb.DuckDBPyConnection, receipt: Receipt, records: pd.DataFrame) -> pd.DataFrame:
    """Inside the caller's transaction: keep the records, then aggregate the periods they carry as the
    registry stands at the submission's receipt. Returns the observations (validation.OBSERVATION_COLUMNS)."""
    from pipelines.build import insert_frame

    registry = records["registry"].iloc[0]
    con.execute("INSERT INTO core.register_submissions VALUES ($id, $registry, $source, $received, $records)",
                dict(id=receipt.submission_id, registry=registry, source=receipt.profile,
                     received=receipt.received_at, records=len(records)))
    insert_frame(con, "core.register_records", records.assign(
        submission_id=receipt.submission_id, source=receipt.profile, received_at=receipt.received_at))
    cells = con.execute(sql_text(f"registers/{registry}.sql"),
                        dict(submission_id=receipt.submission_id, as_of=receipt.received_at)).df()
    dominance = cells.dropna(subset=["largest"])
    insert_frame(con, "core.register_contributions", dominance.assign(submission_id=receipt.submission_id)[
        ["submission_id", "area_code", "period", "indicator_code", "largest", "second_largest"]])
    return pd.DataFrame({
        "city_code": cells["area_code"], "period": cells["period"].dt.date, "freq": cells["freq"],
        "indicator_code": cells["indicator_code"], "value": cells["value"].astype(float),
        "note": None, "source_row": None, "sheet": None, "n_units": cells["n_units"].astype("Int64"),
    })
