"""Shared by the mart, release and BI-reader tests: hand-made submissions loaded straight into a build DB
in a temporary folder (as tests/test_warehouse.py's Loader does), and every mart built from them.

Independent of the sample generator and the validator: a test writes the cells it needs and works out
the expected figures by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from indicators.clock import SHANGHAI
from indicators.landing import Receipt
from indicators.reference import period_label
from indicators.report import Report, RuleResult
from pipelines.build import (
    build_mart,
    build_period_completeness,
    derive,
    load_submission,
    open_build_db,
    prepare_schema,
    refresh_reference,
    sync_landing_acts,
)
from pipelines.paths import Paths

SHENZHEN, DONGGUAN, GUANGZHOU, FOSHAN = "440300", "441900", "440100", "440600"
EAST = {"440500": "Shantou", "441500": "Shanwei", "445100": "Chaozhou", "445200": "Jieyang"}
REFERENCE_DATE = "2024-01-10"


@contextmanager
def prepared_build_db(paths: Paths) -> Iterator[duckdb.DuckDBPyConnection]:
    """A build DB written as a run does: the schema and the reference tables first."""
    with open_build_db(paths) as con:
        prepare_schema(con)
        refresh_reference(con)
        yield con


def mart_build_order() -> list[str]:
    """The marts rebuilt whole on every run, in the order the pipeline's assets build them."""
    from pipelines.assets import mart_assets

    return [asset.key.path[-1].removeprefix("mart_") for asset in mart_assets]


def shanghai(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class Loader:
    """Submissions with hand-made cells (city, period, freq, indicator, value[, note[, n_units]]) into the
    build DB."""

    def __init__(self, con, paths: Paths):
        self.con = con
        self.paths = paths
        self.next_id = 1

    def submit(self, profile: str, cells: list[tuple], received: str, accepted: bool = True,
               rules: list[RuleResult] | None = None) -> int:
        submission_id = self.next_id
        self.next_id += 1
        receipt = Receipt(
            submission_id=submission_id, sha256=f"{submission_id:064x}", profile=profile, submitted_by="test",
            original_filename=f"{profile}-{submission_id}.csv", stored_name=f"{submission_id}.csv",
            received_at=shanghai(received), intake_status="received",
        )
        rows = [(*cell, None, None)[:7] for cell in cells]  # note and number of units are optional
        frame = pd.DataFrame(
            [{"city_code": c, "period": dt.date.fromisoformat(p), "freq": f, "indicator_code": i,
              "value": float(v), "note": note, "source_row": n + 2, "sheet": None, "n_units": n_units}
             for n, (c, p, f, i, v, note, n_units) in enumerate(rows)],
            columns=["city_code", "period", "freq", "indicator_code", "value", "note", "source_row", "sheet",
                     "n_units"],
        )
        report = Report(file=receipt.original_filename, sha256=receipt.sha256, profile=profile,
                        accepted=accepted, rows=len(cells), observations=len(cells) if accepted else 0,
                        rule_results=rules or [])
        archived = self._write_csv(receipt.stored_name, frame)
        # The check hands over the cells it read: loaded if accepted, kept as carried cells if rejected.
        load_submission(self.con, receipt, archived, report, frame)
        return submission_id

    def _write_csv(self, name: str, frame: pd.DataFrame) -> Path:
        """The file as a submitter would have sent it (long layout), for what reads the archived file."""
        folder = self.paths.home / "archived"
        folder.mkdir(parents=True, exist_ok=True)
        lines = ["城市代码,期间,指标代码,数值"] + [
            f"{r.city_code},{period_label(r.period, r.freq)},{r.indicator_code},{r.value:g}"
            for r in frame.itertuples()]
        path = folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def withdraw(self, submission_id: int, at: str, reason: str) -> None:
        self.con.execute("INSERT INTO ops.withdrawals VALUES (?, ?, 'analyst', ?)",
                         [submission_id, shanghai(at), reason])

    def release(self, month: str, at: str, by: str = "analyst") -> None:
        """Record the release in the landing zone, as `digecon release` does, and sync it as a run does."""
        self.paths.landing_zone().release(dt.date.fromisoformat(month + "-01"), by, shanghai(at))
        sync_landing_acts(self.con, self.paths.landing_zone())

    def target(self, target_id: str, indicator: str, area: str, year: int, value: float,
               comparison: str = ">=", kind: str = "count", start_year: int | None = None) -> None:
        """An extra target for a test (ref tables are refreshed from configuration only when a DB opens)."""
        self.con.execute(
            "INSERT INTO ref.targets BY NAME SELECT ? AS target_id, ? AS indicator_code, ? AS area_code,"
            " ? AS year, ? AS start_year, ? AS target_value, ? AS comparison, ? AS target_kind,"
            " TRUE AS illustrative, 'test' AS source_citation",
            [target_id, indicator, area, year, start_year or year, value, comparison, kind])

    def rebuild(self, reference_date: str = REFERENCE_DATE, months: list[str] = ()) -> None:
        """What a run does after loading: derive, every mart, and the given months' completeness boards."""
        from pipelines.assets import MART_BUILDERS

        day = dt.date.fromisoformat(reference_date)
        derive(self.con)
        for name in mart_build_order():
            MART_BUILDERS.get(name, build_mart)(self.con, name, reference_date=day)
        for month in months:
            build_period_completeness(self.con, dt.date.fromisoformat(month + "-01"), day)

    def row(self, sql: str, params: list | None = None) -> tuple | None:
        return self.con.execute(sql, params or []).fetchone()

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def mart(self, area: str, indicator: str, period: str, column: str = "value"):
        row = self.row(f"SELECT {column} FROM mart.observations WHERE area_code = ? AND indicator_code = ?"
                       " AND period = ?", [area, indicator, dt.date.fromisoformat(period)])
        return None if row is None else row[0]


def publish_shenzhen_june(paths: Paths, *, release_june: bool = False) -> int:
    """A build DB with a little data, rebuilt and published (the BI tests' warehouse): Shenzhen's June
    5G stations at 50,000, Dongguan's at 9,000, both cities' 2022 population; June released if asked.
    Returns the next submission id, for a later revision."""
    from pipelines.publish import publish

    with prepared_build_db(paths) as con:
        loader = Loader(con, paths)
        loader.submit("gdstats", [(SHENZHEN, "2022-01-01", "A", "resident_population", 17_000_000),
                                  (DONGGUAN, "2022-01-01", "A", "resident_population", 10_000_000)],
                      "2023-03-20 10:00")
        loader.submit("gdca", [(SHENZHEN, "2023-06-01", "M", "fiveg_base_stations", 50000),
                               (DONGGUAN, "2023-06-01", "M", "fiveg_base_stations", 9000)], "2023-07-05 10:00")
        if release_june:
            loader.release("2023-06", "2023-07-20 09:00")
        loader.rebuild()
        publish(con, paths.serving_db)
        return loader.next_id
