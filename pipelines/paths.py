"""Where runtime data lives (one home that DIGECON_HOME moves), the SQL files, and "today"."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from indicators.clock import today_shanghai
from indicators.errors import BadLimitSetting
from indicators.landing import LandingZone


@dataclass(frozen=True)
class Paths:
    """Every runtime path, under one home that DIGECON_HOME moves."""

    home: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike | None = None) -> "Paths":
        chosen = home or os.environ.get("DIGECON_HOME") or Path.cwd() / "warehouse"
        return cls(Path(chosen).resolve())

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def build_db(self) -> Path:
        return self.home / "build" / "warehouse.duckdb"

    @property
    def serving_db(self) -> Path:
        return self.home / "serving" / "digital_economy.duckdb"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def reports(self) -> Path:
        """The monthly bulletins, one folder per month (pipelines/bulletin)."""
        return self.home / "reports"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    def landing_zone(self) -> LandingZone:
        return LandingZone(self.landing)


def sql_text(name: str) -> str:
    return resources.files("sql").joinpath(name).read_text(encoding="utf-8")


def sql_exists(name: str) -> bool:
    return resources.files("sql").joinpath(name).is_file()


def sql_files(folder: str) -> list[str]:
    entries = resources.files("sql").joinpath(folder).iterdir()
    return sorted(f"{folder}/{e.name}" for e in entries if e.name.endswith(".sql"))


def resolve_reference_date(value: str | dt.date | None = None) -> dt.date:
    """The date that counts as today: `value` if given (a date or ISO text), else
    $DIGECON_REFERENCE_DATE, else the real date in Shanghai. An empty variable means the real date."""
    if isinstance(value, dt.date):
        return value
    text = value or os.environ.get("DIGECON_REFERENCE_DATE")
    return dt.date.fromisoformat(text) if text else today_shanghai()


def build_memory_mb() -> int | None:
    """The memory DuckDB may use for the build DB, $DIGECON_BUILD_MEMORY_MB; unset, DuckDB's own default (80 %
    of RAM). Past it, joins, sorts and windows spill to <build DB>.tmp; the lineage mart of a national home
    (34 M rows) does not fit in 4 GB, so there is no lower default."""
    text = os.environ.get("DIGECON_BUILD_MEMORY_MB", "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise BadLimitSetting("DIGECON_BUILD_MEMORY_MB", text)
    return int(text)
