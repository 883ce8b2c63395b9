"""Statistical disclosure control of the published cells (indicators/data/disclosure.yaml).

* Primary suppression (threshold rule): a cell of a magnitude indicator from fewer than `min_units`
  contributing units is confidential, CONF_STATUS C. A cell without a count is "not evaluable":
  `unknown_units` decides whether it is published.
* Carried: a rate whose numerator or denominator is suppressed discloses it (rate × published
  denominator), so it is suppressed too, C if a part is C, else D. A total estimated by imputation from a
  suppressed cell (the missing city's last value, or a city in the ratio) is suppressed D, because the
  estimate is a non-linear function of the confidential value.
* Secondary suppression: every published figure is a linear relation between cells (a total is the sum of
  its reporting cities plus its published estimate; a rate's published numerator and denominator are sums
  over the cities that have both; growth, year-to-date and annual figures link periods). `audit` solves,
  for every suppressed cell, the smallest and largest value those relations allow (linear programming,
  HiGHS), and the cell is protected when that range reaches `protection_interval_pct` below and above
  the true value. While a cell is not protected, one more cell sharing a relation with it is suppressed
  (CONF_STATUS D): the smallest published one that can hide it (value ≥ the protection interval), city
  cells before totals, so that the least is lost; failing that, the largest.

* Primary suppression (p % dominance rule), where a registry gives the units' own values (the data-centre
  register): a cell is confidential, C, when (T − x1 − x2) < p/100 · x1, x1 and x2 its two largest
  contributions: the second largest contributor could estimate the largest's value to within p %.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import hashlib
import math
import os
import sys
import threading
from collections import defaultdict
from collections.abc import Collection

import numpy as np
import pandas as pd

Key = tuple[str, dt.date, str]  # (area_code, period, indicator_code)


@dataclasses.dataclass(frozen=True)
class Relation:
    """Σ coef · x = rhs over cells; the cells a reader cannot see are the unknowns."""
    terms: tuple[tuple[Key, float], ...]
    rhs: float
    label: str


@dataclasses.dataclass(frozen=True)
class Bounds:
    key: Key
    value: float
    lower: float
    upper: float  # math.inf: unbounded above
    required_lower: float
    required_upper: float

    @property
    def protected(self) -> bool:
        slack = 1e-9 * max(1.0, abs(self.value))
        return self.lower <= self.required_lower + slack and self.upper >= self.required_upper - slack


@dataclasses.dataclass
class Suppression:
    status: dict[Key, str]  # C or D
    reason: dict[Key, str]
    bounds: list[Bounds]


def _key(row) -> Key:
    return (row.area_code, row.period, row.indicator_code)


class Cells:
    """The unmasked cells of mart.observations that disclosure control looks at, indexed for relations.

    `cells`: area_code, area_level, period, indicator_code, value, n_units, obs_status, numerator_value,
    denominator_value, denominator_period; `indicators`: indicator_code, magnitude, is_derived, numerator,
    denominator, multiplier; `members`: area_code, city_code (each total with every reporting area in it);
    `pairs`: the cities' derived pairs (area_code, period, indicator_code, denominator_period)."""

    def __init__(self, cells: pd.DataFrame, indicators: pd.DataFrame, members: pd.DataFrame,
                 pairs: pd.DataFrame):
        # In a fixed order, whatever order the frames come in (a table refreshed per family, a parallel scan):
        # the relations follow the cells' order, and a complement is chosen by it.
        cells = cells.sort_values(["indicator_code", "area_level", "area_code", "period"], kind="stable")
        members = members.sort_values(["area_code", "city_code"], kind="stable")
        pairs = pairs.sort_values(["indicator_code", "area_code", "period"], kind="stable")
        self.indicators = {r.indicator_code: r for r in indicators.itertuples(index=False)}
        self.magnitude = {code for code, r in self.indicators.items() if r.magnitude and not r.is_derived}
        self.rates = {code: r for code, r in self.indicators.items()
                      if r.is_derived and (r.numerator in self.magnitude or r.denominator in self.magnitude)}
        wanted = cells[cells.indicator_code.isin(self.magnitude | set(self.rates))]
        self.rows = {_key(r): r for r in wanted.itertuples(index=False)}
        self.value = {k: r.value for k, r in self.rows.items()}
        grouped: dict[str, set[str]] = defaultdict(set)
        totals_of: dict[str, list[str]] = defaultdict(list)  # each reporting area's totals
        for r in members.itertuples(index=False):
            grouped[r.area_code].add(r.city_code)
            totals_of[r.city_code].append(r.area_code)
        self.members: dict[str, set[str]] = dict(grouped)  # totals only: a city (a county nationally) has none
        # the cities each (indicator, period) has, and each city's reported periods (for imputation)
        self.cities_at: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
        self.city_periods: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
        for area, period, code in self.rows:
            if not self.is_total(area) and code in self.magnitude:
                self.cities_at[code, period].add(area)
                self.city_periods[area, code].append(period)
        for periods in self.city_periods.values():
            periods.sort()
        # each total's reporting areas with a rate's pair (their parts sum to the total's parts), and their
        # denominator periods: (area, indicator, period) -> [(reporting area, denominator period)]
        self.pair_members: dict[Key, list[tuple[str, dt.date]]] = defaultdict(list)
        for r in pairs[pairs.indicator_code.isin(set(self.rates))].itertuples(index=False):
            for total in totals_of.get(r.area_code, ()):
                self.pair_members[total, r.period, r.indicator_code].append((r.area_code, r.denominator_period))

    @functools.cached_property
    def relations(self) -> list[tuple[Key | None, Relation]]:
        """Every linear relation mart.observations can publish between magnitude cells, in cell order, each
        with the rate cell it comes from (None: a total's sum). Made once: a suppression round only drops
        the relations of the rates it hides (observation_relations)."""
        relations = []
        for key, row in self.rows.items():
            area, period, code = key
            if _missing(row.value):
                continue
            if code in self.magnitude and self.is_total(area):
                cities = self.reported(area, period, code)
                estimate = row.value - sum(self.value[(c, period, code)] for c in cities)
                relations.append((None, Relation(((key, 1.0), *(((c, period, code), -1.0) for c in cities)),
                                                 estimate, f"{area} = Σ cities")))
            elif code in self.rates:
                rate = self.rates[code]
                for part, total in (("numerator", row.numerator_value), ("denominator", row.denominator_value)):
                    part_code = getattr(rate, part)
                    if part_code not in self.magnitude or _missing(total):
                        continue
                    if not self.is_total(area):
                        part_period = period if part == "numerator" else row.denominator_period
                        terms = (((area, part_period, part_code), 1.0),)
                    else:
                        terms = tuple(((c, period if part == "numerator" else dp, part_code), 1.0)
                                      for c, dp in self.pair_members[key])
                    # a total's published part is its pair cities' sum plus its imputed part, which is known
                    # (an estimate read from a suppressed cell is itself suppressed, see `carry`)
                    relations.append((key, Relation(terms, sum(self.value[k] for k, _ in terms), f"{key} {part}")))
        return relations

    def is_total(self, area: str) -> bool:
        """A region or the province (nationally also a city): its values sum reporting areas."""
        return area in self.members

    def reported(self, area: str, period: dt.date, code: str) -> list[str]:
        return sorted(self.members.get(area, set()) & self.cities_at[code, period])

    def imputation_inputs(self, area: str, period: dt.date, code: str) -> list[Key]:
        """The city cells an estimated total's imputation reads: each missing city's last reported value,
        and every reporting city's value now and in those last periods (the ratio)."""
        reported = set(self.reported(area, period, code))
        inputs = [(c, period, code) for c in reported]
        for city in sorted(self.members.get(area, set()) - reported):
            earlier = [p for p in self.city_periods[city, code] if p < period]
            if earlier:
                inputs.append((city, earlier[-1], code))
                inputs += [(c, earlier[-1], code) for c in sorted(reported)]
        return inputs


def dominated(total: float, largest: float, second_largest: float | None, p: float) -> bool:
    """The p % rule: (T − x1 − x2) < p/100 · x1. A single contributor (no x2) is dominant whenever x1 > 0."""
    second = 0.0 if _missing(second_largest) else second_largest
    return total - largest - second < p / 100.0 * largest


def primary(cells: Cells, min_units: int, unknown_units: str, dominance_p: float | None = None) -> dict[Key, str]:
    """The threshold rule on every magnitude cell (cities and totals), and the p % dominance rule on those
    whose contributions a registry gives: key → reason."""
    found = {}
    for key, row in cells.rows.items():
        if key[2] not in cells.magnitude or _missing(row.value):
            continue
        largest = getattr(row, "largest", None)
        if _missing(row.n_units):
            if unknown_units == "withhold":
                found[key] = "not_evaluable"
        elif row.n_units < min_units:
            found[key] = "threshold"
        elif dominance_p is not None and not _missing(largest) and dominated(
                row.value, largest, getattr(row, "second_largest", None), dominance_p):
            found[key] = "dominance"
    return found


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def carry(cells: Cells, status: dict[Key, str], reason: dict[Key, str]) -> bool:
    """Suppress what would disclose a suppressed cell by a non-linear route: rates over it, and totals
    estimated from it. Returns whether anything was added."""
    added = False
    for key, row in cells.rows.items():
        if key in status or _missing(row.value):
            continue
        area, period, code = key
        if code in cells.rates:
            rate = cells.rates[code]
            # its own parts (a total's parts are the area's totals; the cities under them are audited)
            parts = [(area, period, rate.numerator)]
            if not _missing(row.denominator_period):
                parts.append((area, row.denominator_period, rate.denominator))
            hidden = [status[p] for p in parts if p in status]
            if hidden:
                status[key], reason[key], added = ("C" if "C" in hidden else "D"), "rate_of_confidential", True
                continue
            codes = [rate.numerator, rate.denominator]
        else:
            codes = [code]
        if cells.is_total(area) and row.obs_status == "E" and any(
                p in status for c in codes if c in cells.magnitude for p in cells.imputation_inputs(area, period, c)):
            status[key], reason[key], added = "D", "estimate_of_confidential", True
    return added


def observation_relations(cells: Cells, status: dict[Key, str]) -> list[Relation]:
    """The linear relations mart.observations publishes between magnitude cells: a total's sum always, a
    rate's parts while the rate itself is published."""
    return [rel for rate, rel in cells.relations if rate is None or rate not in status]


def growth_relations(growth: pd.DataFrame, magnitude: set[str], hidden: Collection[Key] | None = None
                     ) -> list[Relation]:
    """The linear relations mart.growth publishes between a magnitude series' periods; given the `hidden`
    cells, only those that involve one of them (the others tell a reader nothing it cannot see)."""
    relations = []
    rows = growth[growth.indicator_code.isin(magnitude)]
    if hidden is not None:
        rows = rows[_involving(rows, set(hidden))]
    rows = rows.sort_values(["indicator_code", "area_code", "period"], kind="stable")  # a fixed order, as Cells
    for r in rows.itertuples(index=False):
        this = (r.area_code, r.period, r.indicator_code)
        for base_period, change, rate, base_value in (
                (r.pop_base_period, r.pop_change, r.pop_growth, r.pop_base_value),
                (_year_before(r.period), r.yoy_change, r.yoy_growth, r.yoy_base_value)):
            if _missing(base_period):
                continue
            base = (r.area_code, base_period, r.indicator_code)
            if not _missing(change):
                relations.append(Relation(((this, 1.0), (base, -1.0)), change, f"{this} change"))
            if not _missing(rate):
                relations.append(Relation(((this, 1.0), (base, -(1 + rate / 100.0))), 0.0, f"{this} growth"))
            if not _missing(base_value):
                relations.append(Relation(((base, 1.0),), base_value, f"{this} base value"))
    # year to date: Σ of the year's periods so far (a flow's ytd; its December is the annual value)
    step = {"M": 1, "Q": 3, "A": 12}
    for r in rows[rows.ytd_value.notna()].itertuples(index=False):
        so_far = [dt.date(r.period.year, month, 1) for month in range(1, r.period.month + 1, step[r.freq])]
        relations.append(Relation(tuple(((r.area_code, p, r.indicator_code), 1.0) for p in so_far), r.ytd_value,
                                  f"{r.area_code} {r.indicator_code} ytd {r.period}"))
    return relations


def _involving(rows: pd.DataFrame, hidden: set[Key]) -> list[bool]:
    """Which rows of mart.growth have a relation with a `hidden` cell in it: the row's own cell, its base
    periods' (the previous period, the year before) or, for a year-to-date value, a period of its year."""
    a_year_later = {(area, period.replace(year=period.year + 1), code) for area, period, code in hidden}
    years = {(area, period.year, code) for area, period, code in hidden}
    return [(area, period, code) in hidden or (area, period, code) in a_year_later or (area, base, code) in hidden
            or (ytd and (area, period.year, code) in years)
            for area, period, code, base, ytd in zip(rows.area_code, rows.period, rows.indicator_code,
                                                     rows.pop_base_period, rows.ytd_value.notna(), strict=True)]


def _year_before(period: dt.date) -> dt.date:
    return period.replace(year=period.year - 1)


def audit(relations: list[Relation], status: dict[Key, str], value: dict[Key, float],
          interval_pct: float, only: set[Key] | None = None, audited: dict | None = None) -> list[Bounds]:
    """For each suppressed cell (of `only`, if given), the range the published relations leave it.

    Known cells are folded into the right-hand side; each connected group of suppressed cells is one
    linear programme, solved for each cell's min and max by HiGHS (`_ranges`). Values are non-negative.
    Equalities hold within a relative tolerance, since published figures are sums of floating-point values.
    `audited` keeps each group's bounds by its cells and relations, for a caller that audits again after
    changing a few groups (the rounds of `suppress`)."""
    groups = _components(relations, status)
    p = interval_pct / 100.0
    results = []
    for members, rels in groups:
        if only is not None and not (members & only):
            continue
        group = (frozenset(members), tuple(rels))
        if audited is not None and group in audited:
            results += audited[group]
            continue
        found = len(results)
        index = {k: i for i, k in enumerate(sorted(members))}
        rows, rhs, tolerance = [], [], []
        for rel in rels:
            row = np.zeros(len(index))
            b = rel.rhs
            scale = abs(rel.rhs)
            for k, coef in rel.terms:
                if k in index:
                    row[index[k]] += coef
                else:
                    b -= coef * value[k]
                scale = max(scale, abs(coef * value.get(k, 0.0)))
            rows.append(row)
            rhs.append(b)
            tolerance.append(1e-9 * max(1.0, scale))
        a = np.array(rows) if rows else np.zeros((0, len(index)))
        ranges = _ranges(a, np.array(rhs), np.array(tolerance))
        for k, i in index.items():
            if ranges[i] is None:
                raise ValueError(f"disclosure audit: the published relations around {k} are inconsistent")
            lower, upper = ranges[i]
            v = value[k]
            results.append(Bounds(k, v, lower, upper, v * (1 - p), v * (1 + p)))
        if audited is not None:
            audited[group] = results[found:]
    return results


# A programme's ranges by the SHA-256 of the programme itself: the rounds of one suppression and the
# rewound marts of one run (target lights, the published audit) solve many identical groups again.
_solved: dict[bytes, tuple[tuple[float, float] | None, ...]] = {}
SOLVED_KEPT = 50_000  # groups; past that the memo starts afresh (a long-lived process stays small)


def _ranges(a: np.ndarray, b: np.ndarray, tol: np.ndarray) -> tuple[tuple[float, float] | None, ...]:
    """For each unknown x_i of |a·x − b| ≤ tol, x ≥ 0: its (min, max) by HiGHS (max inf when unbounded),
    or None where the relations are inconsistent.

    One model per group, re-solved warm with each unknown's cost: only the objective changes between
    solves. An unknown that is 0 at any optimum found on the way has min 0 (it cannot go below), and one
    at a cap a row sets it has that max (it cannot go above): its own solve is skipped."""
    key = hashlib.sha256(b"%d %d " % a.shape + a.tobytes() + b.tobytes() + tol.tobytes()).digest()
    if (ranges := _solved.get(key)) is not None:
        return ranges
    n = a.shape[1]
    if not len(a):
        ranges = ((0.0, math.inf),) * n
    else:
        ranges = _solve_ranges(a, b, tol)
    if len(_solved) >= SOLVED_KEPT:
        _solved.clear()
    _solved[key] = ranges
    return ranges


def _solve_ranges(a: np.ndarray, b: np.ndarray, tol: np.ndarray) -> tuple[tuple[float, float] | None, ...]:
    import highspy

    solver = _solver()
    n = a.shape[1]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, a.shape[0]
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = np.zeros(n), np.zeros(n), np.full(n, highspy.kHighsInf)
    lp.row_lower_, lp.row_upper_ = b - tol, b + tol
    columns = a.T  # column-wise: each unknown's coefficients
    nonzero = columns != 0
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(nonzero.sum(axis=1))])
    lp.a_matrix_.index_ = np.nonzero(nonzero)[1]
    lp.a_matrix_.value_ = columns[nonzero]
    solver.clearSolver()
    solver.passModel(lp)
    lower: list[float | None] = [None] * n
    upper: list[float | None] = [None] * n
    # x_j's cap from each row whose unknowns all count with one sign (a total's hidden cells, the total
    # known): x_j ≤ (b + tol) / a_j, or (−b + tol) / −a_j. An optimum with x_j at its cap is x_j's
    # maximum; one with x_j at 0 its minimum.
    signed = np.where((a <= 0).all(axis=1) & (a < 0).any(axis=1), -1.0, 1.0)[:, None]
    a_signed, b_signed = a * signed, b * signed[:, 0]
    usable = (a_signed >= 0).all(axis=1)[:, None] & (a_signed > 0)
    caps = np.where(usable, (b_signed + tol)[:, None] / np.where(usable, a_signed, 1.0), np.inf).min(axis=0)
    # at its cap within HiGHS's feasibility tolerance (1e-7); the value reached (≤ the maximum) is kept, so
    # a range is never wider than the programme allows
    at_cap = np.full(n, np.inf)
    finite = np.isfinite(caps)
    at_cap[finite] = caps[finite] - 1e-7 * np.maximum(1.0, np.abs(caps[finite]))
    status = highspy.HighsModelStatus
    for i in range(n):
        solver.changeColCost(i, 1.0)
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            if (lower if sense == highspy.ObjSense.kMinimize else upper)[i] is not None:
                continue
            solver.changeObjectiveSense(sense)
            solver.run()
            found = solver.getModelStatus()
            if found not in (status.kOptimal, status.kInfeasible, status.kUnbounded):
                solver.clearSolver()  # a warm start gone astray (status unknown): solve this one cold
                solver.run()
                found = solver.getModelStatus()
            if found == status.kInfeasible:
                return (None,) * n  # feasibility does not depend on the objective: every unknown is so
            if found in (status.kUnbounded, status.kUnboundedOrInfeasible) and sense == highspy.ObjSense.kMaximize:
                upper[i] = math.inf  # x ≥ 0 bounds every minimum; an unbounded maximum is +inf
                continue
            if found != status.kOptimal:
                raise ValueError(f"disclosure audit: HiGHS ended with {solver.modelStatusToString(found)}")
            value = solver.getInfo().objective_function_value
            if sense == highspy.ObjSense.kMinimize:
                lower[i] = value
            else:
                upper[i] = value
            at = np.asarray(solver.getSolution().col_value)
            for j in np.flatnonzero(at <= 0.0):
                if lower[j] is None:
                    lower[j] = 0.0
            for j in np.flatnonzero(at >= at_cap):
                if upper[j] is None:
                    upper[j] = float(at[j])
        solver.changeColCost(i, 0.0)
    return tuple((low, high) for low, high in zip(lower, upper))


_solvers = threading.local()


def _solver():
    """This thread's HiGHS instance. highspy prints a banner to the process's stdout (C level, before any
    option can be set) the first time one is made: that once, fd 1 points at /dev/null, so that a command's
    output stays its own."""
    import highspy

    if (solver := getattr(_solvers, "solver", None)) is None:
        with _banner_lock:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "wb") as devnull:
                    os.dup2(devnull.fileno(), 1)
                    solver = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("presolve", "off")  # tiny programmes solved warm: presolve only costs
        _solvers.solver = solver
    return solver


_banner_lock = threading.Lock()


def _components(relations: list[Relation], status: dict[Key, str]) -> list[tuple[set[Key], list[Relation]]]:
    """Suppressed cells linked by relations, with the relations that involve them."""
    parent: dict[Key, Key] = {k: k for k in status}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    involved = []
    for rel in relations:
        unknown = [k for k, coef in rel.terms if k in parent and coef != 0]
        if unknown:
            involved.append((rel, unknown))
            for other in unknown[1:]:
                parent[find(other)] = find(unknown[0])
    groups: dict[Key, tuple[set[Key], list[Relation]]] = {}
    for k in status:
        groups.setdefault(find(k), (set(), []))[0].add(k)
    for rel, unknown in involved:
        groups[find(unknown[0])][1].append(rel)
    return list(groups.values())


def suppress(cells: Cells, min_units: int, unknown_units: str, interval_pct: float,
             max_rounds: int = 50, dominance_p: float | None = None) -> Suppression:
    """Primary, carried and secondary suppression until every suppressed magnitude cell is protected by
    what mart.observations publishes (mart.growth's figures over a suppressed cell are blank, and the
    audit of the published marts checks them too)."""
    reason = primary(cells, min_units, unknown_units, dominance_p)
    status = {k: "C" for k in reason}
    p = interval_pct / 100.0
    bounds: list[Bounds] = []
    groups_audited: dict = {}  # a round changes a few groups: the others keep their bounds
    for _ in range(max_rounds):
        while carry(cells, status, reason):
            pass
        relations = observation_relations(cells, status)
        audited = {k: s for k, s in status.items() if k[2] in cells.magnitude}
        bounds = audit(relations, audited, cells.value, interval_pct, audited=groups_audited)
        failing = sorted((b for b in bounds if not b.protected), key=lambda b: b.key)
        if not failing:
            break
        added = False
        hidden_this_round: set[int] = set()
        relations_of = _relations_of(relations)
        for b in failing:
            choice = _complement(b, relations, relations_of, status, cells, p, hidden_this_round)
            if choice is not None:
                status[choice], reason[choice], added = "D", "complementary", True
        if not added:
            break  # nothing left to hide: the audit reports the cell unprotected and publishing stops
    return Suppression(status, reason, bounds)


def _relations_of(relations: list[Relation]) -> dict[Key, list[int]]:
    """Each cell's relations (their indices in `relations`)."""
    found: dict[Key, list[int]] = defaultdict(list)
    for i, rel in enumerate(relations):
        for k in dict.fromkeys(k for k, _ in rel.terms):
            found[k].append(i)
    return found


def _complement(failing: Bounds, relations: list[Relation], relations_of: dict[Key, list[int]],
                status: dict[Key, str], cells: Cells, p: float, hidden_this_round: set[int]) -> Key | None:
    """The published cell to hide with a failing one. From the tightest relation it is in (fewest hidden
    cells, then fewest cells: a region's sum before the province's), the smallest published magnitude
    cell worth at least the protection interval, cities before totals; failing that, the largest."""
    mine = [(i, relations[i]) for i in relations_of.get(failing.key, ())]
    if any(i in hidden_this_round for i, _ in mine):
        return None  # a cell hidden this round already widens one of its relations: audit again first

    def open_cells(rel: Relation) -> list[Key]:
        return [k for k, coef in rel.terms if coef != 0 and k not in status and k[2] in cells.magnitude
                and k in cells.value]

    usable = [(sum(k in status for k, _ in rel.terms), len(rel.terms), i, rel) for i, rel in mine if open_cells(rel)]
    if not usable:
        return None
    *_, tightest = min(usable, key=lambda u: u[:3])
    need = p * abs(failing.value)

    def order(k: Key):
        is_total = cells.is_total(k[0])
        big_enough = cells.value[k] >= need
        return (is_total, not big_enough, cells.value[k] if big_enough else -cells.value[k], k)

    choice = min(open_cells(tightest), key=order)
    hidden_this_round.update(relations_of.get(choice, ()))
    return choice
