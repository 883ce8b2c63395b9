"""Warehouse-level checks, as Dagster asset checks in plain SQL (GX on DuckDB is broken as shipped).

Each check is a file in sql/checks/ that returns the failing rows: no rows, the check passes.
"""


import dagster as dg

from pipelines.disclosure import audit_published
from pipelines.paths import sql_text
from pipelines.assets import (
    WAREHOUSE_POOL, loaded_observations, mart_anomalies, mart_growth, mart_observations, mart_target_progress,
)
from pipelines.resources import WarehouseResource


def failing_rows(con, name: str, reference_date):
    """The rows that fail check ``name`` (sql/checks/<name>.sql), as a DataFrame."""
    sql = sql_text(f"checks/{name}.sql")
    return con.execute(sql, {"reference_date": reference_date} if "$reference_date" in sql else None).df()


def _sql_check(asset, name: str, description: str,
               severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR):
    """A check passes when its query returns no rows; the first failing rows are shown in the UI."""

    # An ERROR check blocks: its asset's downstream (and so the publish) does not run on a broken mart.
    blocking = severity == dg.AssetCheckSeverity.ERROR

    @dg.asset_check(asset=asset, name=name, description=description, blocking=blocking, pool=WAREHOUSE_POOL)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.get_connection(read_only=True) as con:
            failing = failing_rows(con, name, warehouse.today())
        return dg.AssetCheckResult(
            passed=failing.empty, severity=severity,
            metadata={"failing_rows": len(failing),
                      "sample": dg.MetadataValue.md(failing.head(10).to_markdown(index=False) or "(none)")},
        )

    return _check


@dg.asset_check(asset=mart_growth, name="disclosure_protected", blocking=True, pool=WAREHOUSE_POOL,
                description="No suppressed cell can be derived from what the marts publish: for each, the range every"
                            " published relation leaves it (linear programming) covers the protection interval.")
def disclosure_protected(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.get_connection() as con:  # writes its results to ops.disclosure_audit
        audit = audit_published(con)
    unprotected = audit.loc[~audit.protected.astype(bool)]
    # cell names only: true values and ranges stay in the build DB
    shown = unprotected[["area_code", "period", "indicator_code", "conf_status"]].head(10)
    return dg.AssetCheckResult(
        passed=unprotected.empty, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"suppressed_cells": len(audit), "unprotected_cells": len(unprotected),
                  "primary": int((audit.conf_status == "C").sum()),
                  "secondary": int((audit.conf_status == "D").sum()),
                  "sample": dg.MetadataValue.md(shown.to_markdown(index=False) or "(none)")},
    )


pipeline_checks = [
    disclosure_protected,
    _sql_check(loaded_observations, "referential_integrity",
               "Every loaded observation names a known city, a base indicator and an accepted submission."),
    _sql_check(mart_anomalies, "monotone_stocks_not_falling",
               "Series that may never fall (5G, fibre and 4G villages, 粤智助, SMEs on cloud, identifiers) do not.",
               severity=dg.AssetCheckSeverity.WARN),
    _sql_check(mart_observations, "unique_area_period_indicator",
               "mart.observations has exactly one row per (area, period, indicator)."),
    _sql_check(mart_observations, "every_city_present",
               "No city owes a value past its due date for a period the indicator has city values for.",
               severity=dg.AssetCheckSeverity.WARN),
    _sql_check(mart_observations, "aggregates_equal_city_sums",
               "Region and province counts equal their cities' sums; rates are the ratio of the summed parts."),
    _sql_check(mart_observations, "rates_within_bounds",
               "Derived values stay within the catalogue's bounds: rates 0–100 %, PUE 1–5, per-10k 0–1,000."),
    _sql_check(mart_growth, "growth_row_per_observation",
               "mart.growth has one row for each row of mart.observations."),
    _sql_check(mart_target_progress, "every_target_once",
               "Every configured target appears once on each basis (released, latest)."),
]
