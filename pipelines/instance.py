"""Dagster's instance settings (DAGSTER_HOME/dagster.yaml): embedded SQLite by default, PostgreSQL on a server.

One setting switches the storage: ``DIGECON_DAGSTER_POSTGRES_URL`` (for example
``postgresql://dagster:SECRET@127.0.0.1:5432/dagster``). When it is set, runs, event logs, schedules and
sensor cursors all live in that database (`dagster-postgres`). The file refers to the variable rather than
copying the URL, so the password stays in the environment file and every Dagster process (webserver,
daemon, the runs it launches, `digecon run`) reads the same value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources

POSTGRES_URL_VARIABLE = "DIGECON_DAGSTER_POSTGRES_URL"

POSTGRES_STORAGE = f"""
# Storage on PostgreSQL ({POSTGRES_URL_VARIABLE} is set): runs, event logs, schedules, sensor cursors.
storage:
  postgres:
    postgres_url:
      env: {POSTGRES_URL_VARIABLE}
"""


def uses_postgres(environ: Mapping[str, str] = os.environ) -> bool:
    return bool(environ.get(POSTGRES_URL_VARIABLE, "").strip())


def instance_settings(environ: Mapping[str, str] = os.environ) -> str:
    """The text of dagster.yaml: the project's settings (pipelines/dagster.yaml), plus the PostgreSQL
    storage when DIGECON_DAGSTER_POSTGRES_URL is set; without it Dagster keeps its embedded SQLite."""
    settings = resources.files("pipelines").joinpath("dagster.yaml").read_text(encoding="utf-8")
    return settings + POSTGRES_STORAGE if uses_postgres(environ) else settings


def storage_label(environ: Mapping[str, str] = os.environ) -> str:
    """Where the instance keeps its records, for messages; the URL is shown without its password."""
    if not uses_postgres(environ):
        return "嵌入式 SQLite / embedded SQLite"
    from sqlalchemy.engine import make_url

    url = make_url(environ[POSTGRES_URL_VARIABLE].strip())
    return f"PostgreSQL {url.render_as_string(hide_password=True)}"
