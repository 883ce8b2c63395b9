"""Dagster resources. Nothing reads the environment at import time: paths resolve when a run starts."""


import datetime as dt
import functools

import dagster as dg

from pipelines.paths import Paths, resolve_reference_date


class WarehouseResource(dg.ConfigurableResource):
    """Where the warehouse lives and which date counts as "today" for late, missing and time elapsed."""

    home: str | None = None  # None: $DIGECON_HOME, else ./warehouse
    reference_date: str | None = None  # ISO date; None: $DIGECON_REFERENCE_DATE, else today (Asia/Shanghai)

    @property
    def paths(self) -> Paths:
        return Paths.resolve(self.home)

    def today(self) -> dt.date:
        return resolve_reference_date(self.reference_date)


@functools.cache
def shared_validator():
    """The GX context and suites are built once per process (costly) and shared by every run in it."""
    from indicators.validation import Validator

    return Validator()
