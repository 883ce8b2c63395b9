"""The digital-economy development index: its framework (indicators/data/index.yaml), the scores of each
city and year, the ranks, and the Monte-Carlo uncertainty analysis of the ranks.

Plain numpy and pandas (no DuckDB, no Dagster), following the OECD/JRC Handbook on Constructing Composite
Indicators (2008) and DESI practice; index.yaml says why each choice. pipelines/composite_index.py feeds
it the year's values from mart.observations and writes what it returns into the mart tables.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import yaml

from indicators import reference
from indicators.errors import BilingualError

NORMALISATIONS = ("min_max", "z_score")
AGGREGATIONS = ("arithmetic", "geometric")
# What the inputs query says of each city's year value (sql/marts/index_inputs.sql).
INPUT_STATUSES = ("ok", "missing", "suppressed", "not_released")
INDEX_CODE = "index"  # the component code of the overall index in mart.index


class IndexConfigError(BilingualError):
    """index.yaml is not a usable framework: the message names the key at fault."""


@dataclass(frozen=True)
class IndexIndicator:
    code: str
    pillar_code: str
    weight: float  # within its pillar
    worst: float  # goalpost scoring 0
    best: float  # goalpost scoring 100 (below worst for a less-is-better indicator)
    direction: str  # the catalogue's: up or down
    name_zh: str
    name_en: str
    unit: str
    rationale: str
    source: str


@dataclass(frozen=True)
class Pillar:
    code: str
    name_zh: str
    name_en: str
    weight: float  # within the index
    rationale: str
    indicators: tuple[IndexIndicator, ...]


@dataclass(frozen=True)
class Sensitivity:
    seed: int
    draws: int
    weight_concentration: float
    normalisations: tuple[str, ...]
    aggregations: tuple[str, ...]
    z_score_mean: float
    z_score_sd: float


@dataclass(frozen=True)
class Framework:
    name_zh: str
    name_en: str
    pillars: tuple[Pillar, ...]
    sensitivity: Sensitivity

    @property
    def indicators(self) -> tuple[IndexIndicator, ...]:
        return tuple(i for p in self.pillars for i in p.indicators)

    @property
    def pillar_of(self) -> np.ndarray:
        """For each indicator (in framework order), the position of its pillar."""
        return np.array([n for n, p in enumerate(self.pillars) for _ in p.indicators])

    @property
    def pillar_weights(self) -> np.ndarray:
        return np.array([p.weight for p in self.pillars])

    @property
    def within_weights(self) -> np.ndarray:
        return np.array([i.weight for i in self.indicators])


TOP_KEYS = {"version", "name_zh", "name_en", "pillars", "not_used", "sensitivity"}
PILLAR_KEYS = {"code", "name_zh", "name_en", "weight", "rationale", "indicators"}
INDICATOR_KEYS = {"code", "weight", "worst", "best", "rationale", "source"}
SENSITIVITY_KEYS = {"seed", "draws", "weight_concentration", "normalisations", "aggregations", "z_score_mean",
                    "z_score_sd"}


@functools.cache
def framework() -> Framework:
    """The framework the pipeline uses: indicators/data/index.yaml."""
    return parse_framework(yaml.safe_load(reference._data_text("index.yaml")))


def parse_framework(data: dict, source: str = "index.yaml") -> Framework:
    """A framework from index.yaml's contents, checked against the catalogue; IndexConfigError otherwise."""

    def fail(zh: str, en: str) -> IndexConfigError:
        return IndexConfigError(f"{source}：{zh}", f"{source}: {en}")

    def keys(item: dict, allowed: set[str], where: str) -> None:
        unknown = sorted(map(str, set(item) - allowed))
        missing = sorted(allowed - set(item) - {"not_used", "version"})
        if unknown or missing:
            raise fail(f"{where} 的键不对（多出 {unknown}，缺少 {missing}）",
                       f"{where}: unknown keys {unknown}, missing keys {missing}")

    def weight_sum(weights: list[float], where: str) -> None:
        if any(not isinstance(w, int | float) or w <= 0 for w in weights):
            raise fail(f"{where} 的权重须为正数", f"{where}: every weight must be a positive number")
        if abs(sum(weights) - 1) > 1e-9:
            raise fail(f"{where} 的权重之和为 {sum(weights):g}，须为 1",
                       f"{where}: the weights sum to {sum(weights):g}, they must sum to 1")

    keys(data, TOP_KEYS, "index.yaml")
    catalogue = reference.catalogue()
    pillars, seen = [], {INDEX_CODE}
    for p in data["pillars"]:
        keys(p, PILLAR_KEYS, f"支柱/pillar {p.get('code')}")
        weight_sum([i.get("weight") for i in p["indicators"]], f"支柱/pillar {p['code']}")
        indicators = []
        for item in p["indicators"]:
            keys(item, INDICATOR_KEYS, f"指标/indicator {item.get('code')}")
            indicators.append(_indicator(item, p["code"], catalogue, fail))
        for code in [p["code"], *(i.code for i in indicators)]:
            if code in seen:
                raise fail(f"代码 {code} 重复", f"the code {code} appears twice")
            seen.add(code)
        pillars.append(Pillar(code=p["code"], name_zh=p["name_zh"], name_en=p["name_en"], weight=p["weight"],
                              rationale=p["rationale"], indicators=tuple(indicators)))
    if not pillars:
        raise fail("没有支柱", "no pillars")
    for item in data.get("not_used", []):
        if item.get("code") not in catalogue or item["code"] in seen or not item.get("reason"):
            raise fail(f"not_used 中的 {item.get('code')} 须为目录中未入选的指标并写明原因",
                       f"not_used: {item.get('code')} must be a catalogue indicator outside the pillars, with"
                       " its reason")
    weight_sum([p.weight for p in pillars], "index")
    return Framework(name_zh=data["name_zh"], name_en=data["name_en"], pillars=tuple(pillars),
                     sensitivity=_sensitivity(data["sensitivity"], keys, fail))


def _indicator(item: dict, pillar_code: str, catalogue: dict, fail) -> IndexIndicator:
    code = item["code"]
    known = catalogue.get(code)
    if known is None or not known.is_derived:
        raise fail(f"指标 {code} 不是目录中的派生指标（比率）：指数只用比率，不用规模",
                   f"indicator {code} is not a derived indicator (a rate) of the catalogue: the index uses"
                   " rates, never sizes")
    numerator, denominator = catalogue[known.numerator], catalogue[known.denominator]
    if numerator.kind == "flow" and denominator.kind != "flow":
        raise fail(f"指标 {code}：流量分子配存量分母的全年值未定义",
                   f"indicator {code}: the year's value of a flow over a stock is not defined")
    worst, best = item["worst"], item["best"]
    if known.direction not in ("up", "down") or (best > worst) != (known.direction == "up") or best == worst:
        raise fail(f"指标 {code}：目录方向为 {known.direction}，目标值 best={best} 与 worst={worst} 不符",
                   f"indicator {code}: the catalogue's direction is {known.direction}, which best={best} and"
                   f" worst={worst} contradict (up needs best > worst, down best < worst)")
    return IndexIndicator(code=code, pillar_code=pillar_code, weight=item["weight"], worst=float(worst),
                          best=float(best), direction=known.direction, name_zh=known.name_zh,
                          name_en=known.name_en, unit=known.unit, rationale=item["rationale"],
                          source=item["source"])


def _sensitivity(item: dict, keys, fail) -> Sensitivity:
    keys(item, SENSITIVITY_KEYS, "sensitivity")
    normalisations, aggregations = tuple(item["normalisations"]), tuple(item["aggregations"])
    if not normalisations or set(normalisations) - set(NORMALISATIONS):
        raise fail(f"sensitivity.normalisations 须取自 {list(NORMALISATIONS)}",
                   f"sensitivity.normalisations must be chosen from {list(NORMALISATIONS)}")
    if not aggregations or set(aggregations) - set(AGGREGATIONS):
        raise fail(f"sensitivity.aggregations 须取自 {list(AGGREGATIONS)}",
                   f"sensitivity.aggregations must be chosen from {list(AGGREGATIONS)}")
    if not (isinstance(item["seed"], int) and item["seed"] >= 0 and isinstance(item["draws"], int)
            and item["draws"] >= 1 and item["weight_concentration"] > 0 and item["z_score_sd"] > 0):
        raise fail("sensitivity：seed 须为非负整数，draws 为正整数，weight_concentration 与 z_score_sd 为正数",
                   "sensitivity: seed must be a whole number >= 0, draws a whole number >= 1,"
                   " weight_concentration and z_score_sd positive")
    return Sensitivity(seed=item["seed"], draws=item["draws"],
                       weight_concentration=float(item["weight_concentration"]), normalisations=normalisations,
                       aggregations=aggregations, z_score_mean=float(item["z_score_mean"]),
                       z_score_sd=float(item["z_score_sd"]))


# --------------------------------------------------------------------------------------------- the maths

def goalpost_scores(values: np.ndarray, worst: np.ndarray, best: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Min-max between fixed goalposts: 0 at `worst`, 100 at `best`, whichever way the indicator points
    (its direction is in the goalposts' order). A value beyond a goalpost scores 0 or 100 and is flagged
    capped. The goalposts are the same every year, so a city's score compares across years."""
    share = (values - worst) / (best - worst)
    return 100.0 * np.clip(share, 0.0, 1.0), (share < 0) | (share > 1)


def z_scores(values: np.ndarray, signs: np.ndarray, mean: float, sd: float) -> np.ndarray:
    """Each indicator (last axis) standardised over the cities (the axis before), turned by its direction
    (sign -1 where less is better), on the scale mean ± sd. An indicator on which every city is equal
    tells them apart in nothing: it sits at the mean."""
    centre = values.mean(axis=-2, keepdims=True)
    spread = values.std(axis=-2, keepdims=True)
    z = np.divide(values - centre, spread, out=np.zeros_like(values), where=_varies(values, axis=-2))
    return mean + sd * z * signs


def _varies(values: np.ndarray, axis: int) -> np.ndarray:
    """Whether the values spread along the axis by more than the rounding that equal values leave."""
    spread = values.std(axis=axis, keepdims=True)
    return spread > 1e-9 * np.maximum(1.0, np.abs(values.mean(axis=axis, keepdims=True)))


def weighted_mean(scores: np.ndarray, weights: np.ndarray, geometric: np.ndarray) -> np.ndarray:
    """The weighted mean over the last axis (weights summing to 1): arithmetic, or geometric where
    `geometric` (one flag per draw, the first axis) says so; its scores must be positive. A missing score
    (NaN) gives NaN: nothing is filled in."""
    arithmetic = (scores * weights).sum(axis=-1)
    if not geometric.any():
        return arithmetic
    flags = geometric.reshape(geometric.shape + (1,) * (arithmetic.ndim - 1))
    logs = np.log(np.where(flags[..., None], scores, 1.0))
    return np.where(flags, np.exp((logs * weights).sum(axis=-1)), arithmetic)


def pillar_and_index_scores(scores: np.ndarray, within: np.ndarray, pillar_weights: np.ndarray,
                            pillar_of: np.ndarray, geometric: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indicators into pillars, pillars into the index, per draw.

    scores (draws, cities, indicators); within (draws, indicators): each indicator's weight in its
    pillar; pillar_weights (draws, pillars); geometric (draws,). Returns the pillar scores (draws,
    cities, pillars) and the index (draws, cities)."""
    pillars = np.stack([
        weighted_mean(scores[..., pillar_of == p], within[:, None, pillar_of == p], geometric)
        for p in range(pillar_weights.shape[-1])], axis=-1)
    return pillars, weighted_mean(pillars, pillar_weights[:, None, :], geometric)


def ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest score along the last axis; equal scores share the better rank (1, 2, 2, 4)."""
    return 1 + (scores[..., None, :] > scores[..., :, None]).sum(axis=-1)


def headline(fw: Framework, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The index as published: min-max against the goalposts, the chosen weights, arithmetic means.
    values (cities, indicators) in framework order, NaN where a city lacks a value. Returns the
    indicator scores, whether each was capped, the pillar scores and the index (NaN where incomplete)."""
    worst = np.array([i.worst for i in fw.indicators])
    best = np.array([i.best for i in fw.indicators])
    scores, capped = goalpost_scores(values, worst, best)
    pillars, index = pillar_and_index_scores(scores[None], fw.within_weights[None], fw.pillar_weights[None],
                                             fw.pillar_of, np.array([False]))
    return scores, capped, pillars[0], index[0]


def rank_uncertainty(fw: Framework, values: np.ndarray, year: int) -> np.ndarray:
    """The ranks of the cities (rows of `values`, every value present) over the sensitivity draws.

    Each draw takes weights from Dirichlet(concentration × chosen weights) for the pillars and, within
    each pillar, for its indicators; one normalisation (min-max against the goalposts on 1-100, or the
    year's z-scores on mean ± sd) and one aggregation (arithmetic or geometric mean, at both levels).
    The generator is seeded with (seed, year), so a year's draws do not depend on which other years
    exist. Returns the ranks, shape (draws, cities)."""
    s = fw.sensitivity
    rng = np.random.default_rng([s.seed, year])
    pillar_of = fw.pillar_of
    pillar_weights = rng.dirichlet(s.weight_concentration * fw.pillar_weights, size=s.draws)
    within = np.empty((s.draws, len(pillar_of)))
    for p in range(len(fw.pillars)):
        columns = pillar_of == p
        within[:, columns] = rng.dirichlet(s.weight_concentration * fw.within_weights[columns], size=s.draws)
    normalisation = rng.integers(len(s.normalisations), size=s.draws)
    aggregation = rng.integers(len(s.aggregations), size=s.draws)

    worst = np.array([i.worst for i in fw.indicators])
    best = np.array([i.best for i in fw.indicators])
    signs = np.array([1.0 if i.direction == "up" else -1.0 for i in fw.indicators])
    variants = {
        "min_max": 1.0 + 0.99 * goalpost_scores(values, worst, best)[0],  # 1-100: positive for the geometric mean
        "z_score": z_scores(values, signs, s.z_score_mean, s.z_score_sd),
    }
    scores = np.stack([variants[name] for name in s.normalisations])[normalisation]
    geometric = np.array([name == "geometric" for name in s.aggregations])[aggregation]
    if np.any(scores[geometric] <= 0):
        raise IndexConfigError(
            f"index.yaml：{year} 年有 z 分数不为正，几何平均无定义；请提高 sensitivity.z_score_mean",
            f"index.yaml: a z-score of {year} is not positive, so the geometric mean is undefined; raise"
            " sensitivity.z_score_mean")
    _, index = pillar_and_index_scores(scores, within, pillar_weights, pillar_of, geometric)
    return ranks(index)


def rank_interval(draw_ranks: np.ndarray) -> np.ndarray:
    """Each city's 5th percentile, median and 95th percentile rank over the draws (rows): the empirical
    quantiles (inverted CDF), so each is a rank some draw gave. Shape (3, cities)."""
    return np.percentile(draw_ranks, [5, 50, 95], axis=0, method="inverted_cdf").astype(int)


def correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    """Pearson's r over the cities; None for fewer than three cities or a series without spread."""
    if len(a) < 3 or not _varies(np.stack([a, b]), axis=1).all():
        return None
    return float(np.corrcoef(a, b)[0, 1])


# ------------------------------------------------------------------------------------ the mart tables

@dataclass
class IndexTables:
    index: pd.DataFrame  # mart.index: per basis, city, year and component (index, pillar, indicator)
    ranking: pd.DataFrame  # mart.city_ranking: per basis, city and year
    correlations: pd.DataFrame  # mart.index_correlations: per basis, year and indicator or pillar


def build_tables(fw: Framework, inputs: pd.DataFrame) -> IndexTables:
    """The three tables from the inputs query's rows (basis, area_code, year, indicator_code, value,
    input_status, obs_status, input_time_period, n_periods, periods_expected): one row per basis, city,
    year and index indicator."""
    index, ranking, correlations = [], [], []
    for (basis, year), rows in inputs.groupby(["basis", "year"], sort=True):
        year_index, year_ranking, year_correlations = _year(fw, basis, int(year), rows)
        index += year_index
        ranking += year_ranking
        correlations += year_correlations
    return IndexTables(pd.DataFrame(index, columns=INDEX_COLUMNS), pd.DataFrame(ranking, columns=RANKING_COLUMNS),
                       pd.DataFrame(correlations, columns=CORRELATION_COLUMNS))


INDEX_COLUMNS = ["basis", "area_code", "year", "component_level", "component_code", "pillar_code",
                 "component_name_zh", "component_name_en", "weight", "effective_weight", "value", "unit",
                 "input_time_period", "input_obs_status", "input_status", "worst", "best", "score", "capped",
                 "ranked", "rank", "n_ranked", "reason_zh", "reason_en"]
RANKING_COLUMNS = ["basis", "area_code", "year", "index_score", "ranked", "rank", "n_ranked", "rank_median",
                   "rank_p05", "rank_p95", "seed", "n_draws", "weight_concentration", "reason_zh", "reason_en"]
CORRELATION_COLUMNS = ["basis", "year", "component_level", "component_code", "pillar_code", "n_cities",
                       "corr_with_pillar", "corr_with_index", "against_pillar", "against_index"]


def _year(fw: Framework, basis: str, year: int, rows: pd.DataFrame) -> tuple[list, list, list]:
    codes = [i.code for i in fw.indicators]
    cells = rows.set_index(["area_code", "indicator_code"])
    cities = sorted(rows["area_code"].unique())
    status = cells["input_status"].unstack().reindex(index=cities, columns=codes)
    values = cells["value"].unstack().reindex(index=cities, columns=codes).astype(float)
    values = values.where(status == "ok").to_numpy()  # only a usable value enters the index
    scores, capped, pillars, index = headline(fw, values)
    ranked = ~np.isnan(index)
    n_ranked = int(ranked.sum())

    def rank_of(column: np.ndarray) -> np.ndarray:
        out = np.full(len(cities), None, dtype=object)
        out[ranked] = ranks(column[ranked])
        return out

    index_rank = rank_of(index)
    pillar_ranks = [rank_of(pillars[:, p]) for p in range(len(fw.pillars))]
    indicator_ranks = [rank_of(scores[:, n]) for n in range(len(codes))]
    interval = rank_interval(rank_uncertainty(fw, values[ranked], year)) if n_ranked else None
    intervals = np.full((3, len(cities)), None, dtype=object)
    if interval is not None:
        intervals[:, ranked] = interval

    index_rows, ranking_rows = [], []
    for c, city in enumerate(cities):
        lacking = []  # (indicator, reason zh, reason en) for each input the city lacks
        city_index_rows = []
        for p, pillar in enumerate(fw.pillars):
            pillar_lacking = []
            for indicator in pillar.indicators:
                n = codes.index(indicator.code)
                cell = cells.loc[(city, indicator.code)]
                why = _input_reason(cell, year)
                if why:
                    pillar_lacking.append((indicator, *why))
                city_index_rows.append(dict(
                    component_level="indicator", component_code=indicator.code, pillar_code=pillar.code,
                    component_name_zh=indicator.name_zh, component_name_en=indicator.name_en,
                    weight=indicator.weight, effective_weight=pillar.weight * indicator.weight,
                    value=_number(values[c, n]), unit=indicator.unit, input_time_period=cell["input_time_period"],
                    input_obs_status=cell["obs_status"], input_status=cell["input_status"],
                    worst=indicator.worst, best=indicator.best, score=_number(scores[c, n]),
                    capped=bool(capped[c, n]) if not np.isnan(values[c, n]) else None,
                    rank=indicator_ranks[n][c],
                    reason_zh=why[0] if why else None, reason_en=why[1] if why else None))
            zh, en = _lacking(pillar_lacking, "无法计算", "not computed")
            city_index_rows.append(dict(
                component_level="pillar", component_code=pillar.code, pillar_code=pillar.code,
                component_name_zh=pillar.name_zh, component_name_en=pillar.name_en, weight=pillar.weight,
                effective_weight=pillar.weight, score=_number(pillars[c, p]), rank=pillar_ranks[p][c],
                reason_zh=zh, reason_en=en))
            lacking += pillar_lacking
        zh, en = _lacking(lacking, "未排名", "not ranked")
        city_index_rows.append(dict(
            component_level="index", component_code=INDEX_CODE, component_name_zh=fw.name_zh,
            component_name_en=fw.name_en, weight=1.0, effective_weight=1.0, score=_number(index[c]),
            rank=index_rank[c], reason_zh=zh, reason_en=en))
        common = dict(basis=basis, area_code=city, year=year, ranked=bool(ranked[c]), n_ranked=n_ranked)
        index_rows += [{**common, **row} for row in city_index_rows]
        ranking_rows.append(dict(
            **common, index_score=_number(index[c]), rank=index_rank[c], rank_p05=intervals[0, c],
            rank_median=intervals[1, c], rank_p95=intervals[2, c], seed=fw.sensitivity.seed,
            n_draws=fw.sensitivity.draws if n_ranked else 0,
            weight_concentration=fw.sensitivity.weight_concentration, reason_zh=zh, reason_en=en))
    return index_rows, ranking_rows, _correlations(fw, basis, year, scores[ranked], pillars[ranked], index[ranked])


def _correlations(fw: Framework, basis: str, year: int, scores: np.ndarray, pillars: np.ndarray,
                  index: np.ndarray) -> list[dict]:
    """Over the year's ranked cities: each indicator's score against its pillar's and the index, each
    pillar's against the index. A negative r is an indicator working against what it is meant to build."""
    rows = []
    for p, pillar in enumerate(fw.pillars):
        for indicator in pillar.indicators:
            n = fw.indicators.index(indicator)
            with_pillar = correlation(scores[:, n], pillars[:, p])
            with_index = correlation(scores[:, n], index)
            rows.append(dict(component_level="indicator", component_code=indicator.code, pillar_code=pillar.code,
                             corr_with_pillar=with_pillar, corr_with_index=with_index))
        rows.append(dict(component_level="pillar", component_code=pillar.code, pillar_code=pillar.code,
                         corr_with_pillar=None, corr_with_index=correlation(pillars[:, p], index)))
    return [dict(**row, basis=basis, year=year, n_cities=len(index),
                 against_pillar=None if row["corr_with_pillar"] is None else row["corr_with_pillar"] < 0,
                 against_index=None if row["corr_with_index"] is None else row["corr_with_index"] < 0)
            for row in rows]


def _input_reason(cell: pd.Series, year: int) -> tuple[str, str] | None:
    """Why a city's year value cannot enter the index, in Chinese and English; None if it can."""
    period = cell["input_time_period"]
    match cell["input_status"]:
        case "ok":
            return None
        case "suppressed":
            return f"{period} 数值保密未公布（Q）", f"{period} suppressed for confidentiality (Q)"
        case "not_released":
            return f"{period} 尚未发布", f"{period} not released yet"
        case "missing" if 0 < cell["n_periods"] < cell["periods_expected"]:
            got, wanted = int(cell["n_periods"]), int(cell["periods_expected"])
            return (f"{year} 年仅有 {got}/{wanted} 期，无全年值",
                    f"only {got} of the {wanted} periods of {year}: no value for the year")
        case "missing":
            return f"{period} 无数值", f"no value for {period}"
    raise ValueError(f"unknown input status {cell['input_status']!r}")


def _lacking(lacking: list[tuple[IndexIndicator, str, str]], verdict_zh: str,
             verdict_en: str) -> tuple[str | None, str | None]:
    if not lacking:
        return None, None
    return (f"{verdict_zh}，缺少：" + "；".join(f"{i.name_zh}（{zh}）" for i, zh, _ in lacking),
            f"{verdict_en}, lacking: " + "; ".join(f"{i.name_en} ({en})" for i, _, en in lacking))


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
