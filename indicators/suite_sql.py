"""A GX 1.x expectation suite (expectations/*.json) compiled to DuckDB SQL, counted as GX counts.

The suites stay the single source of the rules; this module runs them where the data is, without
importing GX (seconds of import). Each supported expectation type becomes a pair of SQL predicates over
one relation: `skip` (the rows GX leaves out as missing: not evaluable) and `fail` (the rows GX lists as
unexpected). One query per relation returns, per expectation, the skipped count and the failing ids.
`tests/test_suite_parity.py` runs GX and this on the same frames and requires identical outcomes.

What GX does, and is matched here (GX 1.24, pandas engine):
- column expectations skip rows whose value is missing (None, NaN, NaT, pd.NA) and judge the rest;
  `expect_column_values_to_(not_)be_null` skip nothing;
- pair expectations drop rows by `ignore_row_if` (default both_values_are_missing); a compared value that
  is still missing fails (pandas compares NaN as False); compound uniqueness drops rows by its own
  `ignore_row_if` (default all_values_are_missing) and counts missing values as equal to each other;
- `between` compares numbers with numbers, text with text (code-point order), datetimes with datetimes
  (a text bound on a datetime column is parsed as GX parses it); text against a number bound, or a
  number against a datetime bound, is an error in GX and here (SuiteError);
- `in_set` is pandas `isin`: text matches text, numbers match numbers; on a datetime column, text members
  are parsed as dates;
- regexes are Python `re.search` patterns: they are translated to RE2 (DuckDB's engine) with Python's
  Unicode meaning of \\d, \\w, \\s and $; a construct RE2 cannot express the same way is refused.

What is refused rather than guessed: an expectation type or keyword not listed here, a `row_condition`,
and a column that mixes kinds of value (text and numbers in one object column), which the readers and
loaders never produce. Refusals of the suite itself happen when it is compiled, at start-up.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

import duckdb
import pandas as pd


class UnsupportedExpectation(ValueError):
    """The suite uses something this compiler does not run exactly as GX does."""


class SuiteError(RuntimeError):
    """The suite cannot judge these rows as GX would (GX raises on them too, or the rows are mistyped)."""


@dataclass(frozen=True)
class RuleOutcome:
    rule_id: str  # the expectation's meta.rule_id (expectations/rules.yaml)
    evaluated: int  # rows the expectation judged
    not_evaluable: int  # rows it skipped because a column it reads is blank
    failing_ids: tuple[int, ...]  # the id column of the rows that failed, ascending


# Keywords any expectation may carry that do not change which rows fail (`mostly` only decides success).
_NEUTRAL = {"mostly", "catch_exceptions", "result_format", "include_config", "meta", "notes", "description",
            "severity"}
_COLUMN = {"column", "row_condition", "condition_parser"}
_PAIR = {"column_A", "column_B", "ignore_row_if", "row_condition", "condition_parser"}
_MULTI = {"column_list", "ignore_row_if", "row_condition", "condition_parser"}
KEYWORDS = {
    "expect_column_values_to_not_be_null": _COLUMN,
    "expect_column_values_to_be_null": _COLUMN,
    "expect_column_values_to_be_between": _COLUMN | {"min_value", "max_value", "strict_min", "strict_max"},
    "expect_column_values_to_be_in_set": _COLUMN | {"value_set"},
    "expect_column_values_to_not_be_in_set": _COLUMN | {"value_set"},
    "expect_column_values_to_match_regex": _COLUMN | {"regex"},
    "expect_column_values_to_not_match_regex": _COLUMN | {"regex"},
    "expect_column_values_to_be_unique": _COLUMN,
    "expect_compound_columns_to_be_unique": _MULTI,
    "expect_column_pair_values_to_be_equal": _PAIR,
    "expect_column_pair_values_a_to_be_greater_than_b": _PAIR | {"or_equal"},
}
SUPPORTED_TYPES = tuple(KEYWORDS)
PAIR_IGNORE = ("both_values_are_missing", "either_value_is_missing", "neither")
MULTI_IGNORE = ("all_values_are_missing", "any_value_is_missing", "never")


def quoted(name: str) -> str:
    """An identifier as DuckDB reads it, whatever characters the suite's column name holds."""
    return '"' + name.replace('"', '""') + '"'


# ------------------------------------------------------------------------------------------ kinds of column
# What a column holds decides how GX compares it; a frame's kinds come from pandas, a relation's from DuckDB.
TEXT, NUMBER, DATETIME, DATE, BOOLEAN, EMPTY, MIXED = "text", "number", "datetime", "date", "boolean", "empty", "mixed"
_INFERRED = {"string": TEXT, "empty": EMPTY, "integer": NUMBER, "floating": NUMBER, "mixed-integer-float": NUMBER,
             "date": DATE, "boolean": BOOLEAN}


def kind_of_series(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return BOOLEAN
    if pd.api.types.is_numeric_dtype(dtype):
        return NUMBER
    if pd.api.types.is_datetime64_dtype(dtype):  # naive; a zoned column is MIXED: nothing here compares it
        return DATETIME
    if isinstance(dtype, pd.DatetimeTZDtype):
        return MIXED
    return _INFERRED.get(pd.api.types.infer_dtype(series, skipna=True), MIXED)


def kind_of_duckdb_type(type_name: str) -> str:
    name = type_name.upper()
    if name in ("VARCHAR", "CHAR", "TEXT", "STRING"):
        return TEXT
    if name in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                "UBIGINT", "FLOAT", "DOUBLE") or name.startswith("DECIMAL"):
        return NUMBER
    if name in ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"):
        return DATETIME
    return {"DATE": DATE, "BOOLEAN": BOOLEAN, '"NULL"': EMPTY, "NULL": EMPTY}.get(name, MIXED)


# --------------------------------------------------------------------------------------------- compilation


@dataclass(frozen=True)
class Expectation:
    rule_id: str
    type: str
    kwargs: dict  # as in the suite, $PARAMETER references unresolved

    @property
    def columns(self) -> tuple[str, ...]:
        kwargs = self.kwargs
        if "column_list" in kwargs:
            return tuple(kwargs["column_list"])
        if "column_A" in kwargs:
            return (kwargs["column_A"], kwargs["column_B"])
        return (kwargs["column"],)


def compile_suite(definition: dict) -> list[Expectation]:
    """The suite's expectations, checked now: anything not run exactly as GX would is refused here."""
    name = definition.get("name", "?")
    compiled = []
    for number, item in enumerate(definition["expectations"], start=1):
        where = f"suite {name}, expectation {number} ({item.get('type')})"
        kind = item.get("type")
        if kind not in KEYWORDS:
            raise UnsupportedExpectation(f"{where}: type not supported by indicators/suite_sql.py "
                                         f"(supported: {', '.join(SUPPORTED_TYPES)})")
        kwargs = dict(item.get("kwargs") or {})
        unknown = set(kwargs) - KEYWORDS[kind] - _NEUTRAL
        if unknown:
            raise UnsupportedExpectation(f"{where}: keywords {sorted(unknown)} not supported")
        if kwargs.get("row_condition") or kwargs.get("condition_parser"):
            raise UnsupportedExpectation(f"{where}: row_condition is not supported")
        rule_id = (item.get("meta") or {}).get("rule_id")
        if not rule_id:
            raise UnsupportedExpectation(f"{where}: meta.rule_id is missing")
        expectation = Expectation(rule_id, kind, kwargs)
        try:
            _check_static(expectation)
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise UnsupportedExpectation(f"{where}: {exc}") from exc
        compiled.append(expectation)
    return compiled


def _is_parameter(value) -> bool:
    return isinstance(value, dict) and "$PARAMETER" in value


def _check_static(expectation: Expectation) -> None:
    """What can be checked before any data: columns named, keyword values valid, literal regexes translatable."""
    kwargs, kind = expectation.kwargs, expectation.type
    columns = expectation.columns
    if not columns or not all(isinstance(c, str) and c for c in columns):
        raise ValueError("columns must be named")
    if "ignore_row_if" in kwargs and not _is_parameter(kwargs["ignore_row_if"]):
        allowed = MULTI_IGNORE if "column_list" in kwargs else PAIR_IGNORE
        if kwargs["ignore_row_if"] not in allowed:
            raise ValueError(f"ignore_row_if {kwargs['ignore_row_if']!r} (allowed: {', '.join(allowed)})")
    if kind == "expect_column_values_to_be_between" and kwargs.get("min_value") is None \
            and kwargs.get("max_value") is None:
        raise ValueError("min_value and max_value cannot both be None")
    if kind == "expect_column_values_to_be_between":
        for key in ("min_value", "max_value"):
            if not _is_parameter(kwargs.get(key)):
                gx_bound(kwargs.get(key))
    if kind in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set") \
            and "value_set" not in kwargs:
        raise ValueError("value_set is required")
    if "regex" in kind:
        if not _is_parameter(kwargs.get("regex")):
            python_regex_to_re2(kwargs["regex"])


def resolve(value, parameters: dict):
    """A keyword's value with a $PARAMETER reference filled from the run's parameters."""
    if _is_parameter(value):
        name = value["$PARAMETER"]
        if name not in parameters:
            raise SuiteError(f"parameter {name!r} is not given")
        return parameters[name]
    return value


# ------------------------------------------------------------------------------------------ regex to RE2
# Python's \s (str.isspace) as a list of code points; \d is Unicode Nd; \w is str.isalnum() or "_".
_PY_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_PY_DIGIT = r"\p{Nd}"
_PY_WORD = r"\p{L}\p{N}_"
_IN_CLASS = {"d": _PY_DIGIT, "D": r"\P{Nd}", "w": _PY_WORD, "s": _PY_SPACE}
_OUTSIDE = {"d": _PY_DIGIT, "D": r"\P{Nd}", "w": f"[{_PY_WORD}]", "W": f"[^{_PY_WORD}]", "s": f"[{_PY_SPACE}]",
            "S": f"[^{_PY_SPACE}]", "A": r"\A", "Z": r"\z"}
_SAME_ESCAPES = set("ntrfva")
_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")
_FLAGS = re.compile(r"\(\?([ims]+)(\)|:)")
_RE2_MAX_REPEAT = 1000


def python_regex_to_re2(pattern: str) -> str:
    """`pattern` as RE2 matches it with the meaning Python's `re.search` gives it (str pattern, no flags).
    Raises ValueError for a construct that has no exact RE2 equivalent (lookaround, backreferences, \\b,
    possessive quantifiers, verbose mode …): a rule is run exactly as written or not at all."""
    if not isinstance(pattern, str):
        raise TypeError(f"regex must be text, not {type(pattern).__name__}")
    re.compile(pattern)  # what Python refuses is refused with Python's message
    out: list[str] = []
    multiline = False
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            escaped, i = _escape(pattern, i, in_class=False)
            out.append(escaped)
            continue
        if char == "[":
            body, i = _char_class(pattern, i)
            out.append(body)
            continue
        if char == "(":
            flags = _FLAGS.match(pattern, i)
            if flags:
                if flags.group(2) == ")" and i != 0:
                    raise ValueError(f"regex {pattern!r}: global flags only at the start")
                multiline = multiline or ("m" in flags.group(1) and flags.group(2) == ")")
                out.append(flags.group(0))
                i = flags.end()
                continue
            if pattern.startswith("(?", i) and not pattern.startswith(("(?:", "(?P<"), i):
                raise ValueError(f"regex {pattern!r}: group {pattern[i:i + 4]!r}… has no RE2 equivalent")
            out.append(char)
            i += 1
            continue
        if char == "{":
            quantifier = _QUANTIFIER.match(pattern, i)
            low, comma, high = quantifier.groups() if quantifier else ("", "", "")
            if quantifier and (low or comma):  # Python: {,n} is {0,n} and {,} is {0,}; {} is literal
                if max(int(low or 0), int(high or 0)) > _RE2_MAX_REPEAT:
                    raise ValueError(f"regex {pattern!r}: repetition over {_RE2_MAX_REPEAT}")
                out.append("{" + (low or "0") + comma + high + "}")
                i = quantifier.end()
                if i < n and pattern[i] == "+":
                    raise ValueError(f"regex {pattern!r}: possessive quantifiers have no RE2 equivalent")
                continue
            out.append(r"\{")
            i += 1
            continue
        if char in "*+?" and i + 1 < n and pattern[i + 1] == "+":
            raise ValueError(f"regex {pattern!r}: possessive quantifiers have no RE2 equivalent")
        if char == "$" and not multiline:
            # Python's $ also matches before a newline that ends the text; RE2's only at the end.
            following = pattern[i + 1:i + 2]
            if following not in ("", "|", ")"):
                raise ValueError(f"regex {pattern!r}: $ followed by more pattern")
            out.append(r"(?:\n?\z)")
            i += 1
            continue
        if char == "}":
            out.append(r"\}")
            i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _escape(pattern: str, i: int, *, in_class: bool) -> tuple[str, int]:
    letter = pattern[i + 1]
    table = _IN_CLASS if in_class else _OUTSIDE
    if letter in table:
        return table[letter], i + 2
    if letter in _SAME_ESCAPES:
        return "\\" + letter, i + 2
    if letter == "x":
        return r"\x{" + pattern[i + 2:i + 4] + "}", i + 4
    if letter in "uU":
        width = 4 if letter == "u" else 8
        return r"\x{" + pattern[i + 2:i + 2 + width] + "}", i + 2 + width
    if letter.isascii() and letter.isalnum():
        raise ValueError(f"regex {pattern!r}: \\{letter} has no exact RE2 equivalent")
    if not letter.isascii():
        return letter, i + 2  # Python: an escaped non-ASCII character is itself
    return "\\" + letter, i + 2  # escaped punctuation is literal in both


def _char_class(pattern: str, i: int) -> tuple[str, int]:
    out = ["["]
    i += 1
    if pattern[i] == "^":
        out.append("^")
        i += 1
    first = True
    while True:
        char = pattern[i]
        if char == "]" and not first:
            out.append("]")
            return "".join(out), i + 1
        if char == "\\":
            if pattern[i + 1] in "WSb":
                raise ValueError(f"regex {pattern!r}: \\{pattern[i + 1]} inside a class has no RE2 equivalent")
            escaped, i = _escape(pattern, i, in_class=True)
            out.append(escaped)
        elif char == "[":
            out.append(r"\[")  # Python reads it literally; RE2 would read [: … :] as a POSIX class
            i += 1
        elif char == "]":
            out.append(r"\]")
            i += 1
        else:
            out.append(char)
            i += 1
        first = False


# -------------------------------------------------------------------------------------------- predicates


class _Query:
    """Bound parameters and window columns of one query under construction."""

    def __init__(self, kinds: dict[str, str]) -> None:
        self.kinds = kinds
        self.parameters: dict[str, object] = {}
        self.windows: list[str] = []

    def bind(self, value) -> str:
        name = f"p{len(self.parameters)}"
        self.parameters[name] = value
        return f"${name}"

    def window(self, sql: str) -> str:
        name = f"__w{len(self.windows)}"
        self.windows.append(f"{sql} AS {name}")
        return name


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def gx_bound(value):
    """A `between` bound as GX 1.x takes it (pydantic: a number becomes a float; text becomes a float, else a
    date (YYYY-MM-DD), else a datetime; a date or datetime stays as given)."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, str):
        from pydantic.v1.datetime_parse import parse_date, parse_datetime  # GX's own parsers, loaded when needed

        for parse in (float, parse_date, parse_datetime):
            try:
                return parse(value)
            except (TypeError, ValueError):
                pass
    raise ValueError(f"bound {value!r} is not a number, a date or a datetime")


def _raise_on_any_value(rule: Expectation, column: str, why: str) -> str:
    """GX's per-value comparison raises at the first value it compares: only when there is one."""
    message = f"rule {rule.rule_id}: column {column} {why}".replace("'", "''")
    return f"CASE WHEN {quoted(column)} IS NULL THEN FALSE ELSE error('{message}') IS NULL END"


def _between(rule: Expectation, q: _Query, params: dict) -> tuple[str, str]:
    column = rule.kwargs["column"]
    col, kind = quoted(column), q.kinds[column]
    try:
        low, high = (gx_bound(resolve(rule.kwargs.get(key), params)) for key in ("min_value", "max_value"))
    except ValueError as exc:
        raise SuiteError(f"rule {rule.rule_id}: {exc}") from exc
    strict_min, strict_max = (bool(resolve(rule.kwargs.get(key), params)) for key in ("strict_min", "strict_max"))
    if low is None and high is None:
        raise SuiteError(f"rule {rule.rule_id}: min_value and max_value cannot both be None")
    if low is not None and high is not None:
        try:
            if low > high:
                raise SuiteError(f"rule {rule.rule_id}: min_value cannot be greater than max_value")
        except TypeError as exc:
            raise SuiteError(f"rule {rule.rule_id}: min_value and max_value cannot be compared") from exc
    bounds = [b for b in (low, high) if b is not None]
    skip = f"{col} IS NULL"
    is_datetime = [isinstance(b, dt.datetime) for b in bounds]
    is_date = [isinstance(b, dt.date) and not isinstance(b, dt.datetime) for b in bounds]
    if kind == EMPTY:
        return skip, "FALSE"
    if kind == NUMBER:  # pandas compares the whole column at once: a bound of another kind raises, values or not
        if not all(isinstance(b, float) for b in bounds):
            raise SuiteError(f"rule {rule.rule_id}: column {column} holds numbers, the bounds {bounds!r} are not")
        cast = "DOUBLE"
    elif kind == DATETIME:
        if not all(is_datetime):
            raise SuiteError(f"rule {rule.rule_id}: column {column} holds datetimes, the bounds {bounds!r} are not")
        cast = "TIMESTAMP"
    elif kind == DATE and all(is_date):
        cast = "DATE"
    elif kind in (TEXT, DATE):  # compared value by value: GX raises on the first one
        return skip, _raise_on_any_value(rule, column, f"holds {kind} values, the bounds are not of that kind")
    else:
        raise SuiteError(f"rule {rule.rule_id}: column {column} holds {kind} values, which are not compared")
    conditions = []
    for bound, strict, op in ((low, strict_min, ">"), (high, strict_max, "<")):
        if bound is not None:
            conditions.append(f"{col} {op}{'' if strict else '='} CAST({q.bind(bound)} AS {cast})")
    return skip, f"{col} IS NOT NULL AND NOT ({' AND '.join(conditions)})"


def _members(rule: Expectation, kind: str, column: str, params: dict) -> list:
    """The value set's members that can equal a value of this kind of column (pandas `isin`)."""
    members = resolve(rule.kwargs["value_set"], params)
    if members is None:
        return None
    members = [m for m in members if not (m is None or (isinstance(m, float) and m != m))]
    if any(isinstance(m, bool) for m in members):
        raise SuiteError(f"rule {rule.rule_id}: booleans in value_set are not supported")
    if kind == TEXT:
        return [m for m in members if isinstance(m, str)]
    if kind == NUMBER:
        return [float(m) for m in members if _is_number(m)]
    if kind == DATETIME:  # pandas matches a datetime column against members it can read as datetimes
        try:
            if all(isinstance(m, (str, dt.date)) for m in members):
                return [pd.Timestamp(m).to_pydatetime() for m in members]
        except ValueError:
            pass
        raise SuiteError(f"rule {rule.rule_id}: column {column} holds datetimes; value_set must hold datetimes or "
                    f"date text, not {members!r}")
    if kind == DATE:
        return [m for m in members if isinstance(m, dt.date) and not isinstance(m, dt.datetime)]
    if kind == EMPTY:
        return []
    raise SuiteError(f"rule {rule.rule_id}: column {column} holds {kind} values, which are not compared with a set")


def _in_set(rule: Expectation, q: _Query, params: dict, *, negate: bool) -> tuple[str, str]:
    column = rule.kwargs["column"]
    col, kind = quoted(column), q.kinds[column]
    members = _members(rule, kind, column, params)
    skip = f"{col} IS NULL"
    if members is None:  # GX: no set, vacuously true
        return skip, "FALSE"
    if not members:
        contained = "FALSE"
    else:
        cast = {NUMBER: "DOUBLE[]", DATETIME: "TIMESTAMP[]", DATE: "DATE[]", TEXT: "VARCHAR[]"}[kind]
        value = f"CAST({col} AS DOUBLE)" if kind == NUMBER else col
        contained = f"list_contains(CAST({q.bind(members)} AS {cast}), {value})"
    return skip, f"{col} IS NOT NULL AND {'' if negate else 'NOT '}{contained}"


def _regex(rule: Expectation, q: _Query, params: dict, *, negate: bool) -> tuple[str, str]:
    column = rule.kwargs["column"]
    col, kind = quoted(column), q.kinds[column]
    skip = f"{col} IS NULL"
    if kind == EMPTY:
        return skip, "FALSE"
    if kind != TEXT:  # GX would match the values' str(): not done here, so refused, if there is a value
        return skip, _raise_on_any_value(rule, column, f"holds {kind} values; regexes are matched on text only")
    try:
        pattern = python_regex_to_re2(resolve(rule.kwargs["regex"], params))
    except (TypeError, ValueError, re.error) as exc:
        raise SuiteError(f"rule {rule.rule_id}: {exc}") from exc
    matches = f"regexp_matches({col}, {q.bind(pattern)})"
    return skip, f"{col} IS NOT NULL AND {matches if negate else 'NOT ' + matches}"


def _null(rule: Expectation, q: _Query, params: dict, *, expect_null: bool) -> tuple[str, str]:
    col = quoted(rule.kwargs["column"])
    return "FALSE", f"{col} IS {'NOT ' if expect_null else ''}NULL"


def _unique(rule: Expectation, q: _Query, params: dict) -> tuple[str, str]:
    column = rule.kwargs["column"]
    col = quoted(column)
    _comparable(rule, [column], q.kinds)
    count = q.window(f"count(*) OVER (PARTITION BY {col})")
    return f"{col} IS NULL", f"{col} IS NOT NULL AND {count} > 1"


def _comparable(rule: Expectation, columns: list[str], kinds: dict[str, str]) -> None:
    """Columns compared with each other hold the same kind of value (or none at all)."""
    held = {kinds[c] for c in columns} - {EMPTY}
    if MIXED in held or len(held) > 1:
        raise SuiteError(f"rule {rule.rule_id}: columns {columns} hold {sorted(held)} values, not one comparable kind")


def _missing(columns: list[str], how: str) -> str:
    nulls = [f"{quoted(c)} IS NULL" for c in columns]
    if how in ("both_values_are_missing", "all_values_are_missing"):
        return " AND ".join(nulls)
    if how in ("either_value_is_missing", "any_value_is_missing"):
        return " OR ".join(nulls)
    return "FALSE"


def _ignore_row_if(rule: Expectation, params: dict, default: str, allowed: tuple[str, ...]) -> str:
    how = resolve(rule.kwargs.get("ignore_row_if", default), params)
    if how not in allowed:
        raise SuiteError(f"rule {rule.rule_id}: ignore_row_if {how!r}")
    return how


def _pair(rule: Expectation, q: _Query, params: dict, *, greater: bool) -> tuple[str, str]:
    a, b = rule.kwargs["column_A"], rule.kwargs["column_B"]
    _comparable(rule, [a, b], q.kinds)
    if greater and BOOLEAN in (q.kinds[a], q.kinds[b]):
        raise SuiteError(f"rule {rule.rule_id}: booleans are not ordered")
    skip = _missing([a, b], _ignore_row_if(rule, params, "both_values_are_missing", PAIR_IGNORE))
    op = (">=" if resolve(rule.kwargs.get("or_equal"), params) else ">") if greater else "="
    # pandas compares a missing value as False: the row fails unless it was ignored.
    return f"({skip})", f"NOT ({skip}) AND NOT coalesce({quoted(a)} {op} {quoted(b)}, FALSE)"


def _compound(rule: Expectation, q: _Query, params: dict) -> tuple[str, str]:
    columns = list(rule.kwargs["column_list"])
    for column in columns:
        if q.kinds[column] == MIXED:
            raise SuiteError(f"rule {rule.rule_id}: column {column} mixes kinds of value")
    skip = _missing(columns, _ignore_row_if(rule, params, "all_values_are_missing", MULTI_IGNORE))
    # Ignored rows sit in a partition of their own; missing values are equal to each other, as in pandas.
    count = q.window(f"count(*) OVER (PARTITION BY ({skip}), {', '.join(quoted(c) for c in columns)})")
    return f"({skip})", f"NOT ({skip}) AND {count} > 1"


_PREDICATES: dict[str, Callable[[Expectation, _Query, dict], tuple[str, str]]] = {
    "expect_column_values_to_not_be_null": lambda r, q, p: _null(r, q, p, expect_null=False),
    "expect_column_values_to_be_null": lambda r, q, p: _null(r, q, p, expect_null=True),
    "expect_column_values_to_be_between": _between,
    "expect_column_values_to_be_in_set": lambda r, q, p: _in_set(r, q, p, negate=False),
    "expect_column_values_to_not_be_in_set": lambda r, q, p: _in_set(r, q, p, negate=True),
    "expect_column_values_to_match_regex": lambda r, q, p: _regex(r, q, p, negate=False),
    "expect_column_values_to_not_match_regex": lambda r, q, p: _regex(r, q, p, negate=True),
    "expect_column_values_to_be_unique": _unique,
    "expect_compound_columns_to_be_unique": _compound,
    "expect_column_pair_values_to_be_equal": lambda r, q, p: _pair(r, q, p, greater=False),
    "expect_column_pair_values_a_to_be_greater_than_b": lambda r, q, p: _pair(r, q, p, greater=True),
}
assert set(_PREDICATES) == set(KEYWORDS)


def suite_query(expectations: list[Expectation], relation: str, id_column: str, kinds: dict[str, str],
                parameters: dict) -> tuple[str, dict]:
    """One query over `relation` (a view or table name, quoted here): the row count, then per expectation
    its not-evaluable count and its failing ids. Values are bound, never written into the SQL."""
    q = _Query(kinds)
    selects = ["count(*)"]
    for rule in expectations:
        missing = [c for c in rule.columns if c not in kinds]
        if missing:
            raise SuiteError(f"rule {rule.rule_id}: no column {missing} in the rows")
        skip, fail = _PREDICATES[rule.type](rule, q, parameters)
        selects.append(f"count(*) FILTER (WHERE {skip})")
        selects.append(f"list({quoted(id_column)} ORDER BY {quoted(id_column)}) FILTER (WHERE {fail})")
    source = quoted(relation)
    if q.windows:
        source = f"(SELECT *, {', '.join(q.windows)} FROM {source})"
    return f"SELECT {', '.join(selects)} FROM {source}", q.parameters


def outcomes_of(expectations: list[Expectation], row: tuple) -> list[RuleOutcome]:
    total, outcomes = row[0], []
    for number, rule in enumerate(expectations):
        skipped, failing = row[1 + 2 * number], row[2 + 2 * number]
        outcomes.append(RuleOutcome(rule.rule_id, total - skipped, skipped, tuple(int(i) for i in failing or ())))
    return outcomes


class CompiledSuite:
    """A suite compiled once (refusals at start-up); `run` may be called from several threads."""

    def __init__(self, definition: dict, id_column: str) -> None:
        self.definition = definition
        self.expectations = compile_suite(definition)
        self.id_column = id_column
        self.columns = sorted({c for e in self.expectations for c in e.columns} | {id_column})
        self._connection = duckdb.connect()
        self._lock = threading.Lock()

    def run(self, rows: pd.DataFrame, parameters: dict) -> list[RuleOutcome]:
        """Every expectation's outcome on a frame, in the suite's order."""
        present = [c for c in self.columns if c in rows.columns]
        kinds = {c: kind_of_series(rows[c]) for c in present}
        with self._lock:
            cursor = self._connection.cursor()  # its own connection: the registered view is its own
        try:
            cursor.register("suite_rows", rows[present])
            return self.run_relation(cursor, "suite_rows", parameters, kinds)
        finally:
            cursor.close()

    def run_relation(self, connection: duckdb.DuckDBPyConnection, relation: str, parameters: dict,
                     kinds: dict[str, str] | None = None) -> list[RuleOutcome]:
        """The same on a relation already in DuckDB (a table, a view over read_csv or Arrow batches)."""
        if kinds is None:
            described = connection.execute(f"DESCRIBE {quoted(relation)}").fetchall()
            kinds = {name: kind_of_duckdb_type(type_name) for name, type_name, *_ in described}
        if self.id_column not in kinds:
            raise SuiteError(f"suite {self.definition.get('name')}: no id column {self.id_column!r} in the rows")
        sql, bound = suite_query(self.expectations, relation, self.id_column, kinds, parameters)
        try:
            row = connection.execute(sql, bound).fetchone()
        except duckdb.Error as exc:
            raise SuiteError(f"suite {self.definition.get('name')}: {exc}") from exc
        return outcomes_of(self.expectations, row)
