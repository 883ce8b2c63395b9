"""Disclosure control in the build DB: suppress the confidential cells of a freshly built
mart.observations (before anything reads it), and audit what the published marts leave of them.

The rules and the method are in indicators/disclosure.py; the true values of suppressed cells stay in the
build DB (core.disclosure, ops.disclosure_audit) and never reach the serving DB.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from indicators import disclosure
from indicators.clock import now_shanghai
from indicators.workers import each_in_processes
from pipelines.paths import sql_text


# One top area's frames, as disclosure.Cells takes them: cells, indicators, members, pairs.
Block = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]


def _blocks(con: duckdb.DuckDBPyConnection, indicators: list[str] | None = None) -> dict[str, Block]:
    """The cells of the `indicators` (default: every one) that disclosure control looks at, by top area (a
    province): every relation it protects stays within one, so each is suppressed and audited alone."""
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
    return {area: (cells, frames["indicators"], by_top["members"].get(area, frames["members"].iloc[0:0]),
                   by_top["pairs"].get(area, frames["pairs"].iloc[0:0]))
            for area, cells in by_top["cells"].items()}


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


def _suppressed(block: Block, rules: dict) -> list[dict]:
    """One block's suppressed cells as core.disclosure rows (run in a worker process: see each_in_processes)."""
    cells = disclosure.Cells(*block)
    p = rules.get("dominance_p")
    result = disclosure.suppress(cells, int(rules["min_units"]), rules["unknown_units"],
                                 float(rules["protection_interval_pct"]),
                                 dominance_p=None if p is None or pd.isna(p) else float(p))
    return [dict(area_code=k[0], period=k[1], indicator_code=k[2], conf_status=status,
                 suppression_reason=result.reason[k], obs_status=cells.rows[k].obs_status,
                 true_value=cells.rows[k].value, true_numerator_value=cells.rows[k].numerator_value,
                 true_denominator_value=cells.rows[k].denominator_value)
            for k, status in sorted(result.status.items())]


def _audited(block: Block, status: dict, growth: pd.DataFrame, interval_pct: float
             ) -> tuple[list[disclosure.Bounds], dict]:
    """One block's audit: the bounds of its suppressed magnitude cells, and those cells' status."""
    cells = disclosure.Cells(*block)
    relations = disclosure.observation_relations(cells, status) + \
        disclosure.growth_relations(growth, cells.magnitude, hidden=status)
    mine = {k: s for k, s in status.items() if k in cells.rows and k[2] in cells.magnitude}
    return disclosure.audit(relations, mine, cells.value, interval_pct), mine


def protect_observations(con: duckdb.DuckDBPyConnection, indicators: list[str]) -> int:
    """Suppress in mart.observations the cells of `indicators` (their rows just rebuilt, inside the caller's
    transaction; whole families, since every relation disclosure control protects stays within one): record
    each suppressed cell with its true value in core.disclosure, then blank it. Returns the number of cells
    suppressed."""
    con.execute("DELETE FROM core.disclosure WHERE list_contains($indicators, indicator_code)",
                dict(indicators=indicators))
    rules = _rules(con)
    blocks = _blocks(con, indicators).values()
    rows = [row for found in each_in_processes(_suppressed, [(block, rules) for block in blocks]) for row in found]
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
    top = _top_areas(con)
    growth_of = dict(tuple(growth.groupby(growth["area_code"].map(top))))
    status_of: dict[str, dict] = {}
    for key, conf_status in status.items():  # an area a changed register dropped has no block to audit
        if key[0] in top:
            status_of.setdefault(top[key[0]], {})[key] = conf_status
    bounds, audited = [], {}
    for found, mine in each_in_processes(_audited, [
            (block, status_of.get(area, {}), growth_of.get(area, growth.iloc[0:0]),
             float(rules["protection_interval_pct"])) for area, block in _blocks(con).items()]):
        bounds += found
        audited.update(mine)
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
