"""GX against the compiled SQL: the suites in `expectations/` run as DuckDB SQL (indicators.suite_sql) must
find exactly what Great Expectations finds on the same rows: per rule, the rows evaluated, the rows not
evaluable and the failing ids. Where GX raises on an expectation, the SQL raises too.

Three corpora:
- every suite file under expectations/ (registry suites added later included), on frames generated from
  the suite itself: for each column, values at and around its bounds, in and out of its sets, and the
  awkward ones (blank, None, NaN, NaT, empty and whitespace text, unicode, full-width digits, a trailing
  newline, 200 KB of text, ±inf);
- a hand-written suite using every supported type with each of its keywords;
- real submission files through the readers, with the mistakes people make.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from importlib import resources

import duckdb
import numpy as np
import pandas as pd
import pytest
from corpus import REFERENCE_DATE, shenzhen_june, write_file

from indicators.readers import cells_frame, find_table, read_grid
from indicators.suite_sql import (
    SUPPORTED_TYPES,
    CompiledSuite,
    UnsupportedExpectation,
    python_regex_to_re2,
)
from indicators.suites import GXSuiteRunner, SuiteError, SuiteRunner
from indicators.validation import SUITE_FILE, suite_parameters

SUITE_FILES = sorted(p.name for p in resources.files("expectations").iterdir() if p.name.endswith(".json"))
ID = "row_id__"
LONG_TEXT = "数" * 70_000  # 210 KB in UTF-8
TEXT_POOL = ["", " ", "a", "abc", "abc\n", "abc\n\n", "ABC", "深圳市", "４４０３００", "440300", "91440300MA5DC1234X",
             "x y", "\t", "zz", LONG_TEXT, "é", "Ω", "_", "1.5", "2023-06", "M", "Q", "A"]
# Parameters a suite is run with in production, when the code that runs it is here to ask.
KNOWN_PARAMETERS = {SUITE_FILE: suite_parameters(REFERENCE_DATE)}


def parity(suite: dict, frame: pd.DataFrame, parameters: dict, gx: GXSuiteRunner, sql: CompiledSuite) -> None:
    """Both engines on the same rows: the same outcomes per rule, or both refuse."""
    try:
        expected = sorted(gx.run(frame.copy(), parameters), key=lambda o: o.rule_id)
    except SuiteError:
        with pytest.raises(SuiteError):
            sql.run(frame, parameters)
        return
    got = sorted(sql.run(frame, parameters), key=lambda o: o.rule_id)
    assert got == expected, f"suite {suite['name']}: compiled SQL differs from GX"


# ------------------------------------------------------------------------------- frames from a suite


def _parameters_for(suite: dict, file_name: str | None) -> dict:
    """The suite's parameters: the production ones where known, else made up from how each is used."""
    parameters = dict(KNOWN_PARAMETERS.get(file_name, {}))
    for expectation in suite["expectations"]:
        for key, value in expectation["kwargs"].items():
            if isinstance(value, dict) and "$PARAMETER" in value and value["$PARAMETER"] not in parameters:
                parameters[value["$PARAMETER"]] = {"value_set": ["abc", "深圳市"], "regex": r"^\d"}.get(key, 10)
    return parameters


def _resolved(value, parameters: dict):
    return parameters[value["$PARAMETER"]] if isinstance(value, dict) and "$PARAMETER" in value else value


def _column_pools(suite: dict, parameters: dict) -> dict[str, list]:
    """For each column the suite reads, the values worth trying on it, of the kind its rules compare."""
    pools: dict[str, list] = {}
    partners: list[tuple[str, str]] = []

    def add(column: str, values: list) -> None:
        pools.setdefault(column, []).extend(values)

    for expectation in suite["expectations"]:
        kwargs = {k: _resolved(v, parameters) for k, v in expectation["kwargs"].items()}
        kind = expectation["type"]
        if kind == "expect_column_values_to_be_between":
            for bound in (kwargs.get("min_value"), kwargs.get("max_value")):
                add(kwargs["column"], _around(bound))
        elif kind in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
            members = list(kwargs["value_set"] or [])
            others = [m + "x" for m in members if isinstance(m, str)] + [m + 1 for m in members if _number(m)]
            add(kwargs["column"], members + others)
        elif "column_A" in kwargs:
            partners.append((kwargs["column_A"], kwargs["column_B"]))
        else:
            for column in kwargs.get("column_list") or [kwargs["column"]]:
                pools.setdefault(column, [])
    for a, b in partners * 2:  # a pair compares like with like: each takes the other's pool
        pools[a] = pools.get(a) or list(pools.get(b) or [])
        pools[b] = pools.get(b) or list(pools[a])
    for column, pool in pools.items():
        kinds = {_kind(v) for v in pool if v is not None}
        pools[column] = pool + (_extras(kinds.pop()) if len(kinds) == 1 else TEXT_POOL)
    return pools


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind(value) -> str:
    return "number" if _number(value) else "datetime" if isinstance(value, dt.datetime) else "text"


def _around(bound) -> list:
    if bound is None:
        return []
    if _number(bound):
        return [bound, bound - 1, bound + 1, bound - 0.5, bound + 0.5]
    if isinstance(bound, dt.datetime):
        return [bound, bound - dt.timedelta(days=1), bound + dt.timedelta(seconds=1), bound + dt.timedelta(days=400)]
    return [bound, bound + "a", bound[:-1]]


def _extras(kind: str) -> list:
    if kind == "number":
        return [0.0, -0.0, 1.0, 2.0, 1e12, -1e-9, math.inf, -math.inf, 12345.678]
    if kind == "datetime":
        return [dt.datetime(2000, 1, 1), dt.datetime(2023, 6, 1), dt.datetime(2099, 12, 31, 23, 59)]
    return TEXT_POOL


def generated_frame(pools: dict[str, list], seed: int, rows: int = 80) -> pd.DataFrame:
    """Rows drawn from the pools, about one value in five missing (None, NaN or NaT as the column has it)."""
    rng = np.random.default_rng(seed)
    data = {ID: np.arange(100, 100 + rows)}
    for column, pool in pools.items():
        picked = [pool[i] for i in rng.integers(0, len(pool), rows)]
        blanks = rng.random(rows) < 0.2
        kind = _kind(pool[0]) if pool else "text"
        if kind == "number":
            data[column] = pd.Series([np.nan if b else float(v) for v, b in zip(picked, blanks, strict=True)], dtype=float)
        elif kind == "datetime":
            data[column] = pd.to_datetime(pd.Series([None if b else v for v, b in zip(picked, blanks, strict=True)]))
        else:
            data[column] = pd.Series([(np.nan if i % 2 else None) if b else v
                                      for i, (v, b) in enumerate(zip(picked, blanks, strict=True))], dtype=object)
    return pd.DataFrame(data)


@pytest.mark.parametrize("file_name", SUITE_FILES)
def test_every_suite_compiles_and_uses_only_supported_types(file_name):
    suite = json.loads(resources.files("expectations").joinpath(file_name).read_text(encoding="utf-8"))
    assert {e["type"] for e in suite["expectations"]} <= set(SUPPORTED_TYPES)
    SuiteRunner(file_name, ID)  # compiling refuses anything it would not run as GX does


@pytest.mark.parametrize("file_name", SUITE_FILES)
def test_every_suite_file_finds_what_gx_finds(file_name):
    suite = json.loads(resources.files("expectations").joinpath(file_name).read_text(encoding="utf-8"))
    parameters = _parameters_for(suite, file_name)
    pools = _column_pools(suite, parameters)
    gx, sql = GXSuiteRunner(file_name, ID), SuiteRunner(file_name, ID)
    for seed in range(4):
        parity(suite, generated_frame(pools, seed), parameters, gx, sql)
    every_blank = generated_frame(pools, 9).assign(**{c: None for c in pools})
    parity(suite, every_blank, parameters, gx, sql)
    parity(suite, generated_frame(pools, 10, rows=0), parameters, gx, sql)
    # Every rule has something to find: the corpus is not vacuous.
    found = {o.rule_id for seed in range(4) for o in sql.run(generated_frame(pools, seed), parameters) if o.failing_ids}
    assert found == {e["meta"]["rule_id"] for e in suite["expectations"]}


# --------------------------------------------------------------------------- every type, every keyword

def _e(kind: str, rule_id: str, **kwargs) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {"rule_id": rule_id}}


P = {"$PARAMETER": "p_low"}
MATRIX = {"name": "matrix", "expectations": [
    _e("expect_column_values_to_not_be_null", "nn_text", column="text"),
    _e("expect_column_values_to_not_be_null", "nn_num", column="num"),
    _e("expect_column_values_to_not_be_null", "nn_when", column="when"),
    _e("expect_column_values_to_be_null", "null_text", column="text2"),
    _e("expect_column_values_to_be_null", "null_num", column="num", mostly=0.5),
    _e("expect_column_values_to_be_between", "btw_min", column="num", min_value=0),
    _e("expect_column_values_to_be_between", "btw_max", column="num", max_value=10.5),
    _e("expect_column_values_to_be_between", "btw_both", column="num", min_value=0, max_value=10),
    _e("expect_column_values_to_be_between", "btw_strict", column="num", min_value=0, max_value=10,
       strict_min=True, strict_max=True),
    _e("expect_column_values_to_be_between", "btw_strict_min", column="num", min_value=0, strict_min=True),
    _e("expect_column_values_to_be_between", "btw_param", column="num", min_value=P, max_value={"$PARAMETER": "p_high"}),
    _e("expect_column_values_to_be_between", "btw_int", column="count", min_value=1.5, max_value=3),
    _e("expect_column_values_to_be_between", "btw_when", column="when", min_value={"$PARAMETER": "p_start"},
       max_value={"$PARAMETER": "p_end"}),
    _e("expect_column_values_to_be_between", "btw_when_text", column="when", max_value="2023-06-01T12:00:00",
       strict_max=True),
    _e("expect_column_values_to_be_between", "btw_text_number", column="num", min_value="-0.5"),
    _e("expect_column_values_to_be_in_set", "in_text", column="text", value_set=["abc", "深圳市", "", "1"]),
    _e("expect_column_values_to_be_in_set", "in_num", column="num", value_set=[1, 2.5, "3", 0]),
    _e("expect_column_values_to_be_in_set", "in_param", column="text2", value_set={"$PARAMETER": "p_set"}),
    _e("expect_column_values_to_be_in_set", "in_when", column="when",
       value_set=[dt.datetime(2023, 6, 1).isoformat(), "2023-01-01"]),
    _e("expect_column_values_to_not_be_in_set", "nin_text", column="text", value_set=["abc", " "]),
    _e("expect_column_values_to_not_be_in_set", "nin_count", column="count", value_set=[2, 7.0]),
    _e("expect_column_values_to_not_be_in_set", "nin_when", column="when", value_set=["2023-06-01"]),
    _e("expect_column_values_to_match_regex", "re_code", column="text", regex=r"^\d{6}$"),
    _e("expect_column_values_to_match_regex", "re_uscc", column="text", regex=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-Z]{10}$"),
    _e("expect_column_values_to_match_regex", "re_word", column="text", regex=r"\w"),
    _e("expect_column_values_to_match_regex", "re_dollar", column="text", regex=r"^abc$"),
    _e("expect_column_values_to_match_regex", "re_case", column="text", regex=r"(?i)^ab"),
    _e("expect_column_values_to_match_regex", "re_class", column="text", regex=r"[\d\s_]|x{,1}y|市$"),
    _e("expect_column_values_to_match_regex", "re_param", column="text2", regex={"$PARAMETER": "p_regex"}),
    _e("expect_column_values_to_not_match_regex", "nre_space", column="text", regex=r"\s"),
    _e("expect_column_values_to_not_match_regex", "nre_empty", column="text", regex=r"^$"),
    _e("expect_column_values_to_not_match_regex", "nre_nondigit", column="text", regex=r"\D\Z"),
    _e("expect_column_values_to_be_unique", "uniq_text", column="text"),
    _e("expect_column_values_to_be_unique", "uniq_num", column="num"),
    _e("expect_column_values_to_be_unique", "uniq_when", column="when"),
    _e("expect_compound_columns_to_be_unique", "cmp_all", column_list=["text", "num"]),
    _e("expect_compound_columns_to_be_unique", "cmp_any", column_list=["text", "num"], ignore_row_if="any_value_is_missing"),
    _e("expect_compound_columns_to_be_unique", "cmp_never", column_list=["text2", "when"], ignore_row_if="never"),
    _e("expect_column_pair_values_to_be_equal", "eq_both", column_A="text", column_B="text2"),
    _e("expect_column_pair_values_to_be_equal", "eq_either", column_A="num", column_B="count",
       ignore_row_if="either_value_is_missing"),
    _e("expect_column_pair_values_to_be_equal", "eq_neither", column_A="num", column_B="num2", ignore_row_if="neither"),
    _e("expect_column_pair_values_a_to_be_greater_than_b", "gt", column_A="num", column_B="num2"),
    _e("expect_column_pair_values_a_to_be_greater_than_b", "ge_either", column_A="num", column_B="num2",
       or_equal=True, ignore_row_if="either_value_is_missing"),
    _e("expect_column_pair_values_a_to_be_greater_than_b", "ge_neither", column_A="num2", column_B="count",
       or_equal=True, ignore_row_if="neither"),
    _e("expect_column_pair_values_a_to_be_greater_than_b", "gt_when", column_A="when", column_B="when2"),
    _e("expect_column_pair_values_a_to_be_greater_than_b", "gt_text", column_A="text", column_B="text2",
       or_equal={"$PARAMETER": "p_or_equal"}),
]}
MATRIX_PARAMETERS = {"p_low": 0.5, "p_high": 10, "p_start": dt.datetime(2023, 1, 1), "p_end": dt.datetime(2023, 12, 31),
                     "p_set": ["abc", "M"], "p_regex": r"^[A-Z]$", "p_or_equal": True}
N = np.nan
D = dt.datetime
MATRIX_ROWS = [  # text, text2, num, num2, count, when, when2
    ("abc", "abc", 0.0, 0.0, 1, D(2023, 1, 1), D(2022, 1, 1)),
    ("abc\n", "abc", -0.0, 1.0, 2, D(2023, 6, 1), D(2023, 6, 1)),
    ("440300", None, 10.0, 10.0, 3, D(2023, 12, 31), None),
    ("４４０３００", N, 10.5, N, 7, D(2023, 12, 31, 0, 0, 1), D(2024, 1, 1)),
    ("", "", N, N, 2, None, None),
    (None, None, 1.0, 1.0, 1, D(2022, 12, 31, 23, 59, 59), D(2022, 12, 31)),
    (N, "M", 2.5, 3.0, 4, D(2023, 6, 1), D(2023, 5, 1)),
    (" ", "A", -1.0, -1.0, 0, D(2023, 2, 1), D(2023, 3, 1)),
    ("深圳市", "深圳", math.inf, 5.0, 5, D(2023, 1, 1), D(2023, 1, 1)),
    ("91440300MA5DC1234X", "91440300MA5DC1234X", -math.inf, N, 6, D(2023, 7, 1), N),
    ("ab_c", "abd", 0.5, 0.5, 3, D(2023, 8, 1), D(2023, 8, 2)),
    ("ABC", "abc", 1e-9, 0.0, 2, D(2030, 1, 1), D(2019, 1, 1)),
    ("xy", "Q", 3.0, 2.0, 3, D(2023, 6, 1), D(2023, 6, 1)),
    ("a1", "b", 5.0, 5.0, 1, D(2023, 6, 2), D(2023, 6, 1)),
    (LONG_TEXT, LONG_TEXT, 1.0, 1.0, 9, D(2023, 9, 9), D(2023, 9, 9)),
    ("abc", "M", 2.5, 2.5, 3, D(2023, 1, 1), D(2023, 1, 1)),
    ("1", "Ω", 1.0, 1.0, 1, None, D(2023, 1, 1)),
]


def matrix_frame(*, int_counts: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame(MATRIX_ROWS, columns=["text", "text2", "num", "num2", "count", "when", "when2"])
    for column in ("text", "text2"):
        frame[column] = frame[column].astype(object)
    frame["count"] = frame["count"].astype("int64" if int_counts else float)
    frame.insert(0, ID, range(len(frame)))
    return frame


@pytest.fixture(scope="module")
def matrix_runners():
    return GXSuiteRunner(None, ID, definition=MATRIX), CompiledSuite(MATRIX, ID)


def test_every_supported_type_is_in_the_matrix():
    assert {e["type"] for e in MATRIX["expectations"]} == set(SUPPORTED_TYPES)


@pytest.mark.parametrize("int_counts", [True, False])
def test_every_type_and_keyword_finds_what_gx_finds(matrix_runners, int_counts):
    gx, sql = matrix_runners
    frame = matrix_frame(int_counts=int_counts)
    parity(MATRIX, frame, MATRIX_PARAMETERS, gx, sql)
    outcomes = {o.rule_id: o for o in sql.run(frame, MATRIX_PARAMETERS)}
    # Spot checks worked out by hand on MATRIX_ROWS, so parity cannot pass on two engines both wrong.
    assert outcomes["btw_both"].failing_ids == (3, 7, 8, 9)  # 10.5, -1, inf, -inf; 0, -0.0 and 10 are in
    assert outcomes["btw_both"].not_evaluable == 1  # the NaN
    assert outcomes["btw_strict"].failing_ids == (0, 1, 2, 3, 7, 8, 9)
    assert outcomes["re_dollar"].failing_ids == (2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14, 16)  # abc, abc\n match; NaN skipped
    assert outcomes["re_code"].failing_ids == tuple(i for i in range(17) if i not in (2, 3, 5, 6))  # ４４０３００ too
    assert outcomes["eq_neither"].failing_ids == (1, 3, 4, 6, 8, 9, 11, 12)  # NaN never equals NaN
    assert outcomes["uniq_num"].failing_ids == (0, 1, 5, 6, 14, 15, 16)  # 0.0 and -0.0 are one value


def test_a_blank_or_empty_batch_finds_what_gx_finds(matrix_runners):
    gx, sql = matrix_runners
    frame = matrix_frame()
    blank = frame.assign(text=None, text2=np.nan, num=np.nan, num2=np.nan, when=pd.NaT, when2=pd.NaT)
    parity(MATRIX, blank, MATRIX_PARAMETERS, gx, sql)
    parity(MATRIX, frame.iloc[0:0], MATRIX_PARAMETERS, gx, sql)


RAISING = [  # (expectation, column values): GX raises on these, so must the SQL
    (_e("expect_column_values_to_be_between", "text_vs_number", column="c", min_value=0), ["1", "2"]),
    (_e("expect_column_values_to_be_between", "mixed_vs_number", column="c", min_value=0), ["1", 2.0]),
    (_e("expect_column_values_to_be_between", "when_vs_number", column="c", min_value=0), [D(2023, 1, 1)]),
    (_e("expect_column_values_to_be_between", "min_above_max", column="c", min_value=5, max_value=1), [1.0]),
    (_e("expect_column_values_to_be_between", "date_vs_datetime", column="c", min_value="2023-06-01"), [D(2023, 1, 1)]),
    (_e("expect_column_values_to_be_between", "date_param", column="c", min_value={"$PARAMETER": "d"}), [D(2023, 1, 1)]),
    (_e("expect_column_values_to_be_between", "text_param", column="c", min_value={"$PARAMETER": "t"}), [1.0]),
    (_e("expect_column_pair_values_a_to_be_greater_than_b", "text_vs_number", column_A="c", column_B="d"), ["1", "2"]),
]
RAISING_PARAMETERS = {"d": dt.date(2023, 6, 1), "t": "abc"}


@pytest.mark.parametrize(("expectation", "values"), RAISING, ids=[e["meta"]["rule_id"] for e, _ in RAISING])
def test_where_gx_raises_the_sql_raises(expectation, values):
    suite = {"name": "raising", "expectations": [expectation]}
    frame = pd.DataFrame({ID: range(len(values)), "c": pd.Series(values, dtype=object), "d": 1.0})
    if frame["c"].map(type).nunique() == 1 and not isinstance(values[0], str):
        frame["c"] = pd.Series(values)  # a typed column, as pandas would make it
    with pytest.raises(SuiteError):
        GXSuiteRunner(None, ID, definition=suite).run(frame, RAISING_PARAMETERS)
    with pytest.raises(SuiteError):
        CompiledSuite(suite, ID).run(frame, RAISING_PARAMETERS)


def test_a_column_mixing_text_and_numbers_is_refused_not_guessed():
    suite = {"name": "mixed", "expectations": [_e("expect_column_values_to_be_in_set", "mixed", column="c",
                                                  value_set=["1", 1])]}
    frame = pd.DataFrame({ID: [0, 1], "c": pd.Series(["1", 1.0], dtype=object)})
    with pytest.raises(SuiteError, match="mixed"):
        CompiledSuite(suite, ID).run(frame, {})


# ------------------------------------------------------------------------------ real files, real readers

def _mistakes() -> list[list]:
    rows = shenzhen_june()
    return [*rows,
            ["深圳市", "2023-06", "5G基站数", "n/a", "个", "text where a number goes"],
            ["深圳市", "2023-07", "5G基站数", "-5", "个", "negative"],
            ["广东省", "2023-06", "5G基站数", "1", "个", "the province"],
            ["火星市", "2023-06", "5G基站数", "1", "个", "no such city"],
            ["深圳市", "2099-01", "5G基站数", "1", "个", "future"],
            ["深圳市", "2015-01", "5G基站数", "1", "个", "too early"],
            ["深圳市", "2023Q2", "5G基站数", "1", "个", "quarter for a monthly indicator"],
            ["深圳市", "2023-06", "10G-PON端口占比", "0.5", "%", "a derived indicator"],
            ["深圳市", "2023-06", "不存在的指标", "1", "个", "unknown indicator"],
            ["深圳市", "2023-06", "5G基站数", "1", "万公里", "wrong unit"],
            ["深圳市", "13月", "5G基站数", "1", "个", "bad period"],
            ["", "", "", "1", "", "blanks"],
            ["深圳市", "2023-08", "5G基站数", "", "个", "blank value"],
            ["深圳市", "2023-09", "5G基站数", "１２３", "个", "full-width digits"],
            ["深圳市", "2023-10", "5G基站数", "9" * 20, "个", "out of range"]]


@pytest.mark.parametrize("fmt", ["utf8.csv", "titled.xlsx"])
def test_submission_files_through_the_readers_find_what_gx_finds(tmp_path, fmt):
    path = write_file(tmp_path, fmt, _mistakes())
    with read_grid(path) as grid:
        cells = cells_frame(find_table(grid))
    assert len(cells) == len(_mistakes()) - 2  # the header, and the row whose value is blank: not reported
    gx, sql = GXSuiteRunner(SUITE_FILE, "cell_id"), SuiteRunner(SUITE_FILE, "cell_id")
    parameters = KNOWN_PARAMETERS[SUITE_FILE]
    parity(json.loads(resources.files("expectations").joinpath(SUITE_FILE).read_text()), cells, parameters, gx, sql)
    failing = {o.rule_id for o in sql.run(cells, parameters) if o.failing_ids}
    assert {"city_unknown", "province_submitted", "indicator_unknown", "indicator_derived", "period_invalid",
            "period_too_early", "period_future", "frequency_mismatch", "value_not_numeric", "value_negative",
            "value_out_of_range", "unit_mismatch"} == failing


# ----------------------------------------------------------------------------------- regex translation

def _assigned_code_points() -> list[str]:
    return [chr(c) for c in range(0x110000)
            if unicodedata.category(chr(c)) not in ("Cn", "Cs")]


@pytest.mark.parametrize("pattern", [r"\d", r"\D", r"\w", r"\W", r"\s", r"\S", r"[\d\s_]", r"(?i)k", r"^.$"])
def test_translated_classes_match_every_character_as_python_does(pattern):
    """Python's Unicode meaning of \\d \\w \\s (and ., case folding) over every assigned character."""
    characters = _assigned_code_points()
    compiled = re.compile(pattern)
    expected = [bool(compiled.search(c)) for c in characters]
    with duckdb.connect() as con:
        con.register("chars", pd.DataFrame({"c": characters}))
        got = [row[0] for row in con.execute("SELECT regexp_matches(c, $p) FROM chars",
                                             {"p": python_regex_to_re2(pattern)}).fetchall()]
    differing = [f"U+{ord(c):04X}" for c, e, g in zip(characters, expected, got, strict=True) if e != g]
    assert not differing, f"{pattern}: {differing[:20]}"


PATTERNS = [r"^abc$", r"abc$|^x", r"(abc$)", r"a{,2}c", r"a{,}c", r"a{}", r"x{2}", r"[]a]", r"[^\d]", r"[\w-]+$",
            r"\++", r"(?i)ABC", r"(?s)a.c", r"(?m)^c$", r"\Aab", r"c\Z", r"\u6df1\x41?", r"(?P<n>市)", r"a|b|",
            r"[\[:alpha:\]]", r"[[:alpha:]]", r"\.", r"\s+$", r"^\S{6}$", r"\W"]
SAMPLES = ["abc", "abc\n", "abc\n\n", "xabc", "ac", "aac", "aaac", "a{}", "xx", "]", "1", "a-b", "+++", "ABC",
           "a\nc", "b\nc\n", "ab", "深A", "深", "广州市", ".", "  ", "440300", "４４０３００", ":", "[", "", "a c", "é"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_translated_patterns_search_as_python_does(pattern):
    with duckdb.connect() as con:
        con.register("samples", pd.DataFrame({"s": SAMPLES}))
        got = [row[0] for row in con.execute("SELECT regexp_matches(s, $p) FROM samples",
                                             {"p": python_regex_to_re2(pattern)}).fetchall()]
    assert got == [bool(re.search(pattern, s)) for s in SAMPLES]


# ------------------------------------------------------------------------------------------ refusals

@pytest.mark.parametrize(("expectation", "reason"), [
    (_e("expect_column_values_to_be_json_parseable", "r", column="c"), "type not supported"),
    (_e("expect_column_values_to_be_in_set", "r", column="c", value_set=["a"], row_condition='c=="a"'), "row_condition"),
    (_e("expect_column_values_to_be_in_set", "r", column="c", value_set=["a"], parse_strings_as_datetimes=True), "keywords"),
    (_e("expect_column_values_to_match_regex", "r", column="c", regex=r"^(?=a)"), "no RE2 equivalent"),
    (_e("expect_column_values_to_match_regex", "r", column="c", regex=r"(a)\1"), "no exact RE2 equivalent"),
    (_e("expect_column_values_to_match_regex", "r", column="c", regex=r"\bword"), "no exact RE2 equivalent"),
    (_e("expect_column_pair_values_to_be_equal", "r", column_A="a", column_B="b", ignore_row_if="sometimes"), "ignore_row_if"),
    (_e("expect_column_values_to_be_between", "r", column="c", min_value="abc"), "not a number"),
    ({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "c"}, "meta": {}}, "rule_id"),
], ids=["type", "row_condition", "keyword", "lookahead", "backreference", "word_boundary", "ignore_row_if", "bound",
          "rule_id"])
def test_what_cannot_run_as_gx_runs_is_refused_at_start_up(expectation, reason):
    with pytest.raises(UnsupportedExpectation, match=reason):
        CompiledSuite({"name": "refused", "expectations": [expectation]}, ID)


# ------------------------------------------------------------------------------------ where the data is

def test_a_relation_in_duckdb_finds_what_the_frame_finds(tmp_path, matrix_runners):
    """The same rules on rows DuckDB reads itself (read_csv, typed by DuckDB), not through pandas."""
    _, sql = matrix_runners
    frame = matrix_frame().drop(columns=["when2"])
    frame["when2"] = frame["when"]
    frame["text"] = frame["text"].where(frame["text"] != LONG_TEXT, "long")  # one value per CSV line
    frame["text"] = frame["text"].where(~frame["text"].isin(["abc\n", "", " "]), "x")  # CSV blanks read as NULL
    frame["text2"] = frame["text2"].where(~frame["text2"].isin([""]), "x")
    path = tmp_path / "rows.csv"
    frame.to_csv(path, index=False)
    with duckdb.connect() as con:
        con.read_csv(str(path), header=True).create_view("rows")
        from_relation = sql.run_relation(con, "rows", MATRIX_PARAMETERS)
    assert from_relation == sql.run(frame, MATRIX_PARAMETERS)
