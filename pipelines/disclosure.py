"""Disclosure control in the build DB: suppress the confidential cells of a freshly built
mart.observations (before anything reads it), and audit what the published marts leave of them.

The rules and the method are in indicators/disclosure.py; the true values of suppressed cells stay in the
build DB (core.disclosure, ops.disclosure_audit) and never reach the serving DB.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd

from indicators import disclosure
from indicators.clock import now_shanghai
from pipelines.paths import sql_text


def _blocks(con: duckdb.DuckDBPyConnection, indicators: list[str] | None = None
            ) -> Iterator[tuple[str, disclosure.Cells]]:
    """The cells of the `indicators` (default: every one) that disclosure control looks at, by top area (a
    province): every relation it protects stays within one, so each is suppressed and audited alone (and
    only one block's index is held at a time)."""
    if indicators is None:
        indicators = [code for (code,) in con.execute("SELECT indicator_code FROM ref.indicators").fetchall()]
    frames = {name: con.execute(sql_text(f"disclosure/{name}.sql"),
                                dict(indicators=indicators) if name in ("cells", "pairs") else None).df()
              for name in ("cells", "indicators", "members", "pairs")}
    frames["cells"]["period"] = frames["cells"]["period"].dt.date
    frames["cells"]["denominator_period"] = [None if pd.isna(p) else p.date()
                                             for p in frames["cells"]["denominator_period"]]
    frames["pairs"]["period"] = frames["pairs"]["period"].dt.date
    frames["pairs"]["denominator_period"] = frames["pairs"]["denominator_period"].dt.date
    top = _top_areas(con)
    by_top = {name: dict(tuple(frame.groupby(frame["area_code"].map(top), sort=True)))
              for name, frame in frames.items() if name != "indicators"}
    for area, cells in by_top["cells"].items():
        yield area, disclosure.Cells(cells, frames["indicators"],
                                     by_top["members"].get(area, frames["members"].iloc[0:0]),
                                     by_top["pairs"].get(area, frames["pairs"].iloc[0:0]))


def _top_areas(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each area's top area: the one it lies in that lies in no other."""
    parent = dict(con.execute("SELECT area_code, parent_code FROM ref.areas").fetchall())

    def top(area: str) -> str:
        while parent.get(area) is not None:
            area = parent[area]
        return area
    return {area: top(area) for area in parent}


def _rules(con: duckdb.DuckDBPyConnection) -> dict:
    return con.execute("SELECT * FROM ref.disclosure_rules").df().iloc[0].to_dict()


def protect_observations(con: duckdb.DuckDBPyConnection, indicators: list[str]) -> int:
    """Suppress in mart.observations the cells of `indicators` (their rows just rebuilt, inside the caller's
    transaction; whole families, since every relation disclosure control protects stays within one): record
    each suppressed cell with its true value in core.disclosure, then blank it. Returns the number of cells
    suppressed."""
    con.execute("DELETE FROM core.disclosure WHERE list_contains($indicators, indicator_code)",
                dict(indicators=indicators))
    rules = _rules(con)
    p = rules.get("dominance_p")
    rows = []
    for _, cells in _blocks(con, indicators):
        result = disclosure.suppress(cells, int(rules["min_units"]), rules["unknown_units"],
                                     float(rules["protection_interval_pct"]),
                                     dominance_p=None if p is None or pd.isna(p) else float(p))
        rows += [dict(area_code=k[0], period=k[1], indicator_code=k[2], conf_status=status,
                      suppression_reason=result.reason[k], obs_status=cells.rows[k].obs_status,
                      true_value=cells.rows[k].value,
                      true_numerator_value=cells.rows[k].numerator_value,
                      true_denominator_value=cells.rows[k].denominator_value)
                 for k, status in sorted(result.status.items())]
    suppressed = pd.DataFrame(rows, columns=[
        "area_code", "period", "indicator_code", "conf_status", "suppression_reason", "obs_status", "true_value",
        "true_numerator_value", "true_denominator_value"])
    if not suppressed.empty:
        from pipelines.build import insert_frame
        insert_frame(con, "core.disclosure", suppressed)
        con.execute(sql_text("disclosure/mask.sql"), dict(indicators=indicators))
    return len(suppressed)


def audit_published(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The protection audit of the published marts: every linear relation mart.observations and
    mart.growth publish, and for every suppressed magnitude cell its feasible range. Stored in
    ops.disclosure_audit (replaced); returns it."""
    rules = _rules(con)
    status = dict(((r.area_code, r.period.date(), r.indicator_code), r.conf_status) for r in con.execute(
        "SELECT area_code, period, indicator_code, conf_status FROM core.disclosure").df().itertuples())
    growth = con.execute(sql_text("disclosure/growth.sql")).df()
    for column in ("period", "pop_base_period"):
        growth[column] = [None if pd.isna(p) else p.date() for p in growth[column]]
    growth_of = dict(tuple(growth.groupby(growth["area_code"].map(_top_areas(con)))))
    bounds, audited = [], {}
    for area, cells in _blocks(con):
        relations = disclosure.observation_relations(cells, status) + \
            disclosure.growth_relations(growth_of.get(area, growth.iloc[0:0]), cells.magnitude)
        mine = {k: s for k, s in status.items() if k in cells.rows and k[2] in cells.magnitude}
        audited.update(mine)
        bounds += disclosure.audit(relations, mine, cells.value, float(rules["protection_interval_pct"]))
    at = now_shanghai()
    frame = pd.DataFrame([
        dict(area_code=b.key[0], period=b.key[1], indicator_code=b.key[2], conf_status=audited[b.key],
             true_value=b.value, lower_bound=b.lower, upper_bound=None if b.upper == float("inf") else b.upper,
             required_lower=b.required_lower, required_upper=b.required_upper, protected=b.protected,
             audited_at=at)
        for b in sorted(bounds, key=lambda b: b.key)],
        columns=["area_code", "period", "indicator_code", "conf_status", "true_value", "lower_bound",
                 "upper_bound", "required_lower", "required_upper", "protected", "audited_at"])
    from pipelines.build import insert_frame
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM ops.disclosure_audit")
        if not frame.empty:
            insert_frame(con, "ops.disclosure_audit", frame)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return frame
