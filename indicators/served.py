"""What the serving DB already publishes, read once per file and handed to whoever compares with it.

The one place that reads the serving DB on a file's way in (SQL in `sql/serving_reads/`). The validator
takes the frame as its history (`Validator.check(..., history=…)`); the upload service takes the same
frame's previous vintages for the cells a corrected file changes. Opened read-only: the serving file is
replaced whole by each publish and never locked by a reader for long.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from indicators.reference import Profile

log = logging.getLogger(__name__)

SERVED_COLUMNS = ["city_code", "indicator_code", "freq", "period", "served_value", "served_source",
                  "previous_value", "previous_submission_id"]


def read_serving(serving_db: Path, script: str, parameters: dict | None = None) -> pd.DataFrame | None:
    """The rows of sql/serving_reads/<script> on the serving DB, opened read-only; None when there is no
    serving DB yet (nothing published) or it cannot be read (logged as an error: a reader whose SQL no
    longer matches the marts must not pass for "no history")."""
    if not Path(serving_db).is_file():
        return None
    sql = resources.files("sql").joinpath("serving_reads", script).read_text(encoding="utf-8")
    try:
        with duckdb.connect(str(serving_db), read_only=True) as con:
            return con.execute(sql, parameters or {}).df()
    except duckdb.Error:
        log.exception("serving DB %s unreadable by sql/serving_reads/%s", serving_db, script)
        return None


def read_served(serving_db: Path, profile: Profile) -> pd.DataFrame | None:
    """The served city values in the profile's scope (its cities and indicators), SERVED_COLUMNS, one
    row per cell; `period` is a date. None when there is no serving DB to read (nothing published yet,
    or a file without the marts): the history rules are then not evaluable, never passed."""
    frame = read_serving(serving_db, "served_cells.sql", {
        "profile": profile.profile_id, "cities": sorted(profile.cities), "indicators": sorted(profile.indicators)})
    if frame is None:
        return None
    frame["period"] = [p.date() for p in pd.to_datetime(frame["period"])]
    return frame[SERVED_COLUMNS]


def previous_values(served: pd.DataFrame) -> dict[tuple, tuple[float, int]]:
    """The submitter's previous vintage per (city, period, indicator): (value, submission id)."""
    own = served.dropna(subset=["previous_value", "previous_submission_id"])
    return {(city, period, indicator): (value, int(submission))
            for city, period, indicator, value, submission in zip(
                own["city_code"], own["period"], own["indicator_code"], own["previous_value"],
                own["previous_submission_id"], strict=True)}
