"""Warehouse-level checks, as Dagster asset checks in plain SQL (GX on DuckDB is broken as shipped)."""


import dagster as dg

from pipelines import warehouse as wh
from pipelines.assets import loaded_observations, mart_observations
from pipelines.resources import WarehouseResource


def _sql_check(asset, name: str, description: str, failing_rows_sql: str,
               severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR):
    """A check passes when its query returns no rows; the first failing rows are shown in the UI."""

    @dg.asset_check(asset=asset, name=name, description=description, blocking=False)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with wh.open_build_db(warehouse.paths) as con:
            failing = con.execute(failing_rows_sql).df()
        return dg.AssetCheckResult(
            passed=failing.empty, severity=severity,
            metadata={"failing_rows": len(failing),
                      "sample": dg.MetadataValue.md(failing.head(10).to_markdown(index=False) or "(none)")},
        )

    return _check


referential_integrity = _sql_check(
    loaded_observations, "referential_integrity",
    "Every loaded observation names a known city, a base indicator and a registered submission.",
    """
    SELECT o.submission_id, o.area_code, o.indicator_code
    FROM core.observations o
    LEFT JOIN ref.cities c ON c.city_code = o.area_code
    LEFT JOIN ref.indicators i ON i.indicator_code = o.indicator_code AND NOT i.is_derived
    LEFT JOIN ops.submissions s ON s.submission_id = o.submission_id AND s.status = 'accepted'
    WHERE c.city_code IS NULL OR i.indicator_code IS NULL OR s.submission_id IS NULL
    """,
)

stocks_not_falling = _sql_check(
    loaded_observations, "monotone_stocks_not_falling",
    "Series that may never fall (5G, fibre and 4G villages, 粤智助, SMEs on cloud, identifiers) do not fall.",
    """
    SELECT area_code, indicator_code, period, value, previous_value FROM (
        SELECT l.area_code, l.indicator_code, l.period, l.value,
               lag(l.value) OVER (PARTITION BY l.area_code, l.indicator_code ORDER BY l.period) AS previous_value
        FROM core.v_latest l JOIN ref.indicators i USING (indicator_code)
        WHERE i.monotone
    ) WHERE value < previous_value
    """,
    severity=dg.AssetCheckSeverity.WARN,
)

every_city_present = _sql_check(
    mart_observations, "every_city_present",
    "For each indicator's latest period, all 21 cities have a value.",
    """
    WITH latest AS (
        SELECT indicator_code, max(period) AS period FROM mart.observations
        WHERE area_level = 'city' GROUP BY indicator_code
    )
    SELECT l.indicator_code, l.period, c.city_code AS missing_city
    FROM latest l CROSS JOIN ref.cities c
    LEFT JOIN mart.observations o
      ON o.indicator_code = l.indicator_code AND o.period = l.period AND o.area_code = c.city_code
    WHERE o.area_code IS NULL
    """,
    severity=dg.AssetCheckSeverity.WARN,
)

one_row_per_cell = _sql_check(
    mart_observations, "unique_area_period_indicator",
    "mart.observations has exactly one row per (area, period, indicator).",
    """
    SELECT area_code, period, indicator_code, count(*) AS n FROM mart.observations
    GROUP BY ALL HAVING count(*) > 1
    """,
)

pipeline_checks = [referential_integrity, stocks_not_falling, every_city_present, one_row_per_cell]
