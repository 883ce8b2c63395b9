"""Dagster resources. Nothing reads the environment at import time: paths resolve when a run starts."""


import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipelines.build import open_build_db, prepare_schema, writer_lock
from pipelines.paths import Paths, resolve_reference_date


class WarehouseResource(dg.ConfigurableResource):
    """The build DB of one home, in the manner of dagster-duckdb's DuckDBResource, and the date that
    counts as "today" for late, missing and time elapsed.

    A run holds the writer lock from its start to its end, whatever started it (the command line, the
    UI, the sensor, the schedule, a backfill): a second run waits for the whole of the first, never
    slips in between two of its assets. At the start, under the lock, it clears what killed processes
    left behind and brings the schema up to date, once per run.
    """

    home: str | None = None  # None: $DIGECON_HOME, else ./warehouse
    reference_date: str | None = None  # ISO date; None: $DIGECON_REFERENCE_DATE, else today (Asia/Shanghai)
    writer_wait_seconds: float | None = None  # None: $DIGECON_WRITER_WAIT, else half an hour

    _held: ExitStack | None = PrivateAttr(default=None)

    @property
    def paths(self) -> Paths:
        return Paths.resolve(self.home)

    def today(self) -> dt.date:
        return resolve_reference_date(self.reference_date)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.run is None:  # a sensor's evaluation reads the landing zone only
            return
        log = context.log
        self._held = ExitStack()
        recovered = self._held.enter_context(writer_lock(
            self.paths, purpose=f"dagster run {context.run.run_id[:8]}",
            wait_seconds=self.writer_wait_seconds, on_wait=log.info if log else None))
        try:
            for done in recovered:
                if log:
                    log.warning(f"recovered after an interrupted run: {done}")
            with self.get_connection() as con:
                prepare_schema(con)
        except BaseException:
            self._held.close()
            raise

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    @contextmanager
    def get_connection(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one asset or check. Checks and previews read: read_only=True never writes."""
        with open_build_db(self.paths, read_only=read_only) as con:
            yield con


@functools.cache
def shared_validator():
    """The suites are compiled once per process and shared by every run in it."""
    from indicators.validation import Validator

    return Validator()
