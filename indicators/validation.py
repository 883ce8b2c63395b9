"""Validation: one submitted file in, a `Report`, the observations that would load and the cells it carries out.

Every rule is data in `expectations/rules.yaml` (id, engine, severity, quality dimension, label, message
and rationale in Chinese and English), gathered by `rules()`. The Great Expectations suite
`expectations/submission.json` (GX 1.x suite JSON) checks each reported value; it runs as DuckDB SQL
compiled from the suite (`indicators.suite_sql`, proved equal to GX by tests/test_suite_parity.py), so GX
itself is not imported here. The rest are checked here, for what a suite cannot express: the file
itself, the submitter's scope, duplicates, numerators above denominators within the file, units, and
checks against the served history, which the caller hands in as data (`indicators.served.read_served`).
A rule reports evaluated / passed / failed / not evaluable counts; with no history at hand the history
rules are not evaluable, never passed.

Work is bounded whatever the file (`ReadLimits`): the file is read and checked a batch of values at a
time; what is kept between batches (one value per distinct cell, the findings listed) is bounded by the
catalogue, the calendar and `max_findings_per_rule`. Past that many findings of one rule, the rest are
counted exactly (RuleResult.not_listed) and summed up in one finding. A file over a limit is refused
whole with one `limit_exceeded` finding.

A period is in the future when it starts after the reference date (the date the file was received):
a month still running may be reported provisionally, one not yet begun may not.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from indicators import reference, suites
from indicators.clock import today_shanghai
from indicators.landing import sha256_of
from indicators.readers import (
    CELL_COLUMNS,
    CELL_KEY,
    HEADER_SEARCH_ROWS,
    Grid,
    LimitExceeded,
    ReadLimits,
    Table,
    UnreadableFile,
    cell_batches,
    column_label,
    find_table,
    read_grid,
)
from indicators.suites import SuiteRunner
from indicators.report import Finding, Report, RuleResult
from indicators.registers import REGISTRIES
from indicators.values import N_UNITS_MAX, TEN_THOUSAND, format_number, is_n_units_header, suggest_indicator
from indicators.workers import each_in_processes

SUITE_FILE = "submission.json"
RULES_FILE = "rules.yaml"
# A value ≥ JUMP_FACTOR× or ≤ 1/JUMP_FACTOR of the previous period's looks like a 万/个 slip (10⁴): the factor
# of the anomaly rule unit_slip (indicators/data/anomalies.yaml), one threshold for intake and mart.anomalies.
JUMP_FACTOR = reference.anomaly_parameter("unit_slip", "factor")
ENGINES = {  # where a rule is checked, as `digecon rules` names it
    "great_expectations": "Great Expectations: the suite in expectations/, run as DuckDB SQL",
    "python": "Python: indicators/validation.py",
}
# What a rule applies to: every file, a submitted file of values, every registry's list, or one registry's.
APPLIES_TO = ("file", "submission", "register", *REGISTRIES)
DIMENSIONS = ("format", "completeness", "validity", "consistency", "history")
CELL_ROLES = ("city", "period", "indicator", "value", "unit", "n_units")


@dataclass(frozen=True)
class Rule:
    rule_id: str
    engine: str  # great_expectations or python
    severity: str  # "error" rejects the file; "warning" loads it and flags it
    dimension: str  # format, completeness, validity, consistency, history
    label_zh: str
    label_en: str
    message_zh: str  # a template filled from the failing cell (readers.CELL_COLUMNS) and the rule's context
    message_en: str
    rationale_zh: str
    rationale_en: str
    column: str | None = None  # the cell a finding points at: city, period, indicator, value, unit; None: the file
    applies_to: str = "submission"  # file, submission, register or a registry's name (APPLIES_TO)

    @property
    def suite(self) -> str | None:
        """The expectation suite that checks a great_expectations rule."""
        if self.engine != "great_expectations":
            return None
        return SUITE_FILE if self.applies_to == "submission" else REGISTRIES[self.applies_to].suite

    @property
    def checked_by(self) -> str:
        """Where the rule is checked, as `digecon rules` names it."""
        if self.suite is not None:
            return f"Great Expectations: expectations/{self.suite}, run as DuckDB SQL"
        if self.applies_to in ("submission", "file"):
            return ENGINES["python"]
        return "Python: indicators/register_validation.py"

    def applies(self, kind: str) -> bool:
        """Whether the rule judges a file of `kind` (submission or a registry's name)."""
        return self.applies_to in ("file", kind) or (self.applies_to == "register" and kind in REGISTRIES)


def suite_definition() -> dict:
    return suites.suite_definition(SUITE_FILE)


@functools.cache
def rules() -> dict[str, Rule]:
    """Every rule, from expectations/rules.yaml, by id; checked against every GX suite (submission.json and
    each registry's): each rule GX checks has exactly one expectation in the suite of the files it applies
    to, and each expectation names such a rule."""
    data = yaml.load(resources.files("expectations").joinpath(RULES_FILE).read_text(encoding="utf-8"),
                     Loader=yaml.CSafeLoader)
    known = {f.name for f in fields(Rule)}
    registry: dict[str, Rule] = {}
    for item in data["rules"]:
        item = {("rule_id" if key == "id" else key): value for key, value in item.items()}
        problems = [f"unknown keys {sorted(set(item) - known)}"] if set(item) - known else []
        rule = Rule(**{key: value for key, value in item.items() if key in known})
        problems += [f"engine {rule.engine!r}"] if rule.engine not in ENGINES else []
        problems += [f"severity {rule.severity!r}"] if rule.severity not in ("error", "warning") else []
        problems += [f"dimension {rule.dimension!r}"] if rule.dimension not in DIMENSIONS else []
        problems += [f"column {rule.column!r}"] if rule.column not in (None, *CELL_ROLES) else []
        problems += [f"applies_to {rule.applies_to!r}"] if rule.applies_to not in APPLIES_TO else []
        problems += ["defined twice"] if rule.rule_id in registry else []
        if problems:
            raise ValueError(f"{RULES_FILE}: rule {rule.rule_id}: {'; '.join(problems)}")
        registry[rule.rule_id] = rule
    for suite in (SUITE_FILE, *(r.suite for r in REGISTRIES.values())):
        checked_by_gx = sorted(e["meta"]["rule_id"] for e in suites.suite_definition(suite)["expectations"])
        declared = sorted(r.rule_id for r in registry.values() if r.suite == suite)
        if checked_by_gx != declared:
            raise ValueError(f"{suite} checks {checked_by_gx}, {RULES_FILE} gives great_expectations {declared}")
    return registry


def suite_parameters(reference_date: dt.date) -> dict:
    """The values of the suite's $PARAMETERs for a file received on `reference_date`."""
    return {
        "aggregate_area_codes": reference.aggregate_areas(),
        "derived_indicator_codes": [i.code for i in reference.derived_indicators()],
        "earliest_period": dt.datetime.combine(reference.calendar().earliest_valid_period, dt.time()),
        "latest_period": dt.datetime.combine(reference_date, dt.time()),
    }


@dataclass
class CheckedFile:
    report: Report
    observations: pd.DataFrame  # OBSERVATION_COLUMNS; empty when the file is rejected
    carried: pd.DataFrame  # CARRIED_COLUMNS: every cell the file carries as far as it parses, accepted or not

    @property
    def cells(self) -> pd.DataFrame:
        """What the pipeline loads, kept beside the file so it is never parsed again: an accepted file's
        observations, or the cells a rejected one carried (OBSERVATION_COLUMNS, values blank)."""
        if self.report.accepted:
            return self.observations
        return self.carried.rename(columns={"area_code": "city_code"}).reindex(columns=OBSERVATION_COLUMNS)


# n_units: the number of contributing units a magnitude value was given with (nullable: unknown).
OBSERVATION_COLUMNS = ["city_code", "period", "freq", "indicator_code", "value", "note", "source_row", "sheet",
                       "n_units"]
# A carried cell: the city (or province), period and indicator a value was written for, whatever it holds,
# one row per (area, period, indicator) at the frequency first written, periods within the calendar's
# valid range up to the reference date (the only ones the completeness board asks about).
CARRIED_COLUMNS = ["area_code", "period", "freq", "indicator_code"]

# Where each kind of cell is written: (text as written, header of its column, its row).
CELL_PLACES = {
    "city": ("city_text", "city_column", "source_row"),
    "period": ("period_text", "period_column", "source_row"),
    "indicator": ("indicator_text", "indicator_column", "indicator_row"),
    "value": ("value_text", "value_column", "source_row"),
    "unit": ("unit_text", "unit_column", "unit_row"),
    "n_units": ("n_units_text", "n_units_column", "source_row"),
}

NOT_LISTED_ZH = "“{label}”另有 {count} 处问题未逐条列出（每条规则最多列出 {cap} 处，规则统计中有准确计数）"
NOT_LISTED_EN = "{count} more findings of \"{label}\" are not listed (at most {cap} per rule; the rule results count them all)"


class _Findings:
    """Findings and per-rule counts for one file.

    A finding is reported once per cell as the user sees it: the same unknown city behind every indicator
    column of a wide row is one finding, not twenty. Cells come in file order, and a finding points at
    the cell's own row or at the header row, so remembering the current row's findings (and the header
    row's) is enough to tell a repeat. At most `cap` findings of a rule are listed; the rest are counted.
    """

    def __init__(self, context: Mapping, cap: int) -> None:
        self.context = dict(context)
        self.cap = cap
        self.kind = "submission"  # or the registry's name: the rules reported are those that apply to it
        self.header_row: int | None = None
        self.listed: dict[str, list[Finding]] = {rule_id: [] for rule_id in rules()}
        self.results = {r.rule_id: RuleResult(r.rule_id, r.severity, r.dimension) for r in rules().values()}
        self._fixed: set[tuple] = set()  # findings about the file or the header row
        self._recent: dict[str, tuple[int | None, set[tuple]]] = {}  # rule -> (row, its findings)

    def count(self, rule_id: str, *, evaluated: int = 0, failed: int = 0, not_evaluable: int = 0) -> None:
        result = self.results[rule_id]
        result.evaluated += evaluated
        result.failed += failed
        result.passed += evaluated - failed
        result.not_evaluable += not_evaluable

    def add(self, rule_id: str, cell: Mapping | None = None, *, place: tuple | None = None, **extra) -> None:
        """A finding about `cell` (where the rule's column says), about `place` (sheet, row, column, value)
        named by the reader, or about the whole file."""
        rule = rules()[rule_id]
        sheet, row, column, value = place or (None, None, None, None)
        if cell is not None and rule.column is not None:
            text, header, row_field = CELL_PLACES[rule.column]
            row, column, value, sheet = int(cell[row_field]), cell[header], cell[text], cell["sheet"]
        fields_ = {**self.context, **(cell or {}), **extra}
        fields_.update(_names(fields_))
        message_en = rule.message_en.format_map(_Shown(fields_, "(blank)"))
        if not self._first_time(rule_id, row, (sheet, column, message_en)):
            return
        if len(self.listed[rule_id]) >= self.cap:
            self.results[rule_id].not_listed += 1
            return
        self.listed[rule_id].append(Finding(
            rule=rule_id, severity=rule.severity, message_zh=rule.message_zh.format_map(_Shown(fields_, "（空白）")),
            message_en=message_en, row=row, sheet=sheet, column=column, value=value))

    def not_listed(self, rule_id: str, count: int) -> None:
        self.results[rule_id].not_listed += count

    def _first_time(self, rule_id: str, row: int | None, key: tuple) -> bool:
        if row is None or row == self.header_row:
            seen = self._fixed
            key = (rule_id, row, *key)
        else:
            last_row, seen = self._recent.get(rule_id, (None, set()))
            if row != last_row:
                seen = set()
                self._recent[rule_id] = (row, seen)
        if key in seen:
            return False
        seen.add(key)
        return True

    def report(self, *, file: str, sha256: str, profile: str, rows: int, observations: int) -> Report:
        findings = [f for listed in self.listed.values() for f in listed]
        for rule_id, result in self.results.items():
            if result.not_listed:
                rule = rules()[rule_id]
                findings.append(Finding(
                    rule=rule_id, severity=rule.severity,
                    message_zh=NOT_LISTED_ZH.format(label=rule.label_zh, count=f"{result.not_listed:,}", cap=f"{self.cap:,}"),
                    message_en=NOT_LISTED_EN.format(label=rule.label_en, count=f"{result.not_listed:,}", cap=f"{self.cap:,}")))
        findings.sort(key=Finding.sort_key)
        errors = [f for f in findings if f.severity == "error"]
        return Report(
            file=file, sha256=sha256, profile=profile, accepted=not errors, rows=rows,
            observations=observations if not errors else 0,
            errors=errors, warnings=[f for f in findings if f.severity == "warning"],
            rule_results=[r for r in self.results.values() if rules()[r.rule].applies(self.kind)],
        )


@functools.cache
def _examples() -> dict[str, str]:
    """How a period of each frequency is written in messages: SDMX (2023-06, 2023-Q2, 2023); the readers
    accept many more spellings."""
    return {f"example_{freq}": reference.period_label(dt.date(2023, 4 if freq == "Q" else 6, 1), freq)
            for freq in reference.FREQ_MONTHS}


# A frequency in words, and where a wide table with one row per finer period takes it (the row of the
# period it closes).
FREQ_WORDS = {
    "M": (*reference.FREQ_NAMES["M"], "", ""),
    "Q": (*reference.FREQ_NAMES["Q"], "；每行一个月的表中，季度数填在 3、6、9、12 月的行",
          "; in a table with one row per month, put it in the Mar, Jun, Sep or Dec row"),
    "A": (*reference.FREQ_NAMES["A"], "；每行一个月或一个季度的表中，年度数填在 12 月或第四季度的行",
          "; in a table with one row per month or quarter, put it in the December or Q4 row"),
}


def _context(profile_id: str, profile: reference.Profile | None) -> dict:
    """What every message may name besides the cell: the submitter, the calendar, how to write a period."""
    return {"profile_id": profile_id, "profiles": ", ".join(reference.profiles()),
            "earliest_period": reference.period_label(reference.calendar().earliest_valid_period, "M"),
            "header_search_rows": HEADER_SEARCH_ROWS, "n_units_max": f"{N_UNITS_MAX:,}", **_examples(),
            **_magnitude_text(), **(_scope_text(profile) if profile else {})}


@functools.cache
def _magnitude_text() -> dict:
    """The indicators that carry a number of units, named as messages name them."""
    magnitude = [i for i in reference.base_indicators() if i.magnitude]
    return {"magnitude_zh": "、".join(f"“{i.name_zh}”" for i in magnitude),
            "magnitude_en": ", ".join(i.name_en for i in magnitude)}


def _names(fields: Mapping) -> dict:
    """What a message shows a person in place of codes: names of the indicator, its parts and the
    submitters, the frequency in words, the closest catalogue name to an unknown indicator."""
    catalogue, profiles = reference.catalogue(), reference.profiles()
    indicator = catalogue.get(fields.get("indicator_code"))
    written = fields.get("indicator_text") or ""
    names = {"indicator_zh": indicator.name_zh if indicator else written,
             "indicator_en": indicator.name_en if indicator else written,
             "suggestion_zh": "", "suggestion_en": "", "converted_zh": "", "converted_en": ""}
    if indicator is not None:
        freq_zh, freq_en, where_zh, where_en = FREQ_WORDS[indicator.freq]
        names.update(freq_zh=freq_zh, freq_en=freq_en, period_example=fields[f"example_{indicator.freq}"],
                     where_zh=where_zh, where_en=where_en)
        if indicator.is_derived:
            parts = [catalogue[indicator.numerator], catalogue[indicator.denominator]]
            names.update(parts_zh="“" + "”和“".join(p.name_zh for p in parts) + "”",
                         parts_en=" and ".join(p.name_en for p in parts))
    elif is_n_units_header(written):  # a wide table's bare count column: whose count is it?
        names.update(suggestion_zh="（宽表中的单位数列须写明所属指标，如“已投产标准机架数 单位数”）",
                     suggestion_en=" (in a table with a column per indicator, a count column names its indicator,"
                                   " e.g. 已投产标准机架数 单位数 or dc_standard_racks_n_units)")
    elif written:
        suggested = catalogue.get(suggest_indicator(written))
        if suggested is not None:
            names.update(suggestion_zh=f"（是否为“{suggested.name_zh}”？）",
                         suggestion_en=f" (did you mean {suggested.name_en}, {suggested.name_zh}?)")
    if fields.get("unit_factor") == TEN_THOUSAND and pd.notna(fields.get("value")):
        value, unit = format_number(fields["value"]), fields["catalogue_unit"]
        names.update(converted_zh=f"（按{fields['unit_text']}换算为 {value}{unit}）",
                     converted_en=f" ({value} {unit} after converting from {fields['unit_text']})")
    denominator = catalogue.get(fields.get("denominator"))
    if denominator is not None:
        names.update(denominator_zh=denominator.name_zh, denominator_en=denominator.name_en)
    # Profile ids named for people who do not know them: the Chinese text shows only the name (a clerk
    # reads no codes); the English keeps the id beside it for the analyst who looks it up.
    for key in ("submitter", "history_source", "profile_id"):
        if key in fields:
            profile = profiles.get(fields[key])
            names[f"{key}_zh"] = profile.name_zh if profile else fields[key]
            names[f"{key}_en"] = f"{profile.name_en} ({profile.profile_id})" if profile else fields[key]
    return names


class _Shown(Mapping):
    """Fields as a message shows them: numbers in full (28,500,000, never 2.85e+07), a blank cell named.
    Each field is shown when the message asks for it: a message uses a few of some forty."""

    def __init__(self, fields: Mapping, blank: str) -> None:
        self.fields = fields
        self.blank = blank

    def __getitem__(self, key: str):
        value = self.fields[key]
        if isinstance(value, float):
            return format_number(value)
        return self.blank if key.endswith("_text") and not value else value

    def __iter__(self):
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)


class _Kept:
    """What one file's check keeps between batches, bounded by the catalogue and the calendar: the first
    value of each distinct cell (what would load), and each cell the file carries."""

    def __init__(self, window: tuple[dt.date, dt.date]) -> None:
        self.firsts: dict[tuple, tuple[int, float]] = {}  # CELL_KEY -> (row, value) of its first value
        self.unique: list[pd.DataFrame] = []
        self.carried: list[pd.DataFrame] = []  # each batch's cells (CARRIED_COLUMNS), first of each kept
        self.window = (pd.Timestamp(window[0]), pd.Timestamp(window[1]))

    def carry(self, batch: pd.DataFrame) -> None:
        parsed = batch.dropna(subset=CELL_KEY)
        parsed = parsed[parsed["period_start"].between(*self.window)]
        self.carried.append(parsed[["city_code", "period_start", "period_freq", "indicator_code"]]
                            .drop_duplicates(["city_code", "period_start", "indicator_code"]))

    def carried_frame(self) -> pd.DataFrame:
        """One row per (area, period, indicator) the file carries, at the frequency it was first written."""
        if not self.carried:
            return pd.DataFrame(columns=CARRIED_COLUMNS)
        cells = pd.concat(self.carried, ignore_index=True).drop_duplicates(
            ["city_code", "period_start", "indicator_code"])
        cells.columns = CARRIED_COLUMNS
        return cells.assign(period=cells["period"].dt.date).reset_index(drop=True)

    def unique_frame(self) -> pd.DataFrame:
        return pd.concat(self.unique, ignore_index=True) if self.unique else pd.DataFrame(columns=CELL_COLUMNS)


@dataclass
class _Reading:
    """How far a file's reading got: a refusal while reading names the sheet and the column's header."""

    grid: Grid | None = None
    table: Table | None = None

    def place(self, exc: LimitExceeded) -> tuple | None:
        if exc.row is None:
            return None
        headers = self.table.headers if self.table else []
        column = None if exc.column is None else column_label(headers, exc.column)
        return (self.grid.sheet if self.grid else None, exc.row, column, exc.value)


@dataclass(frozen=True)
class CheckJob:
    """One file for `Validator.check_all`: what `check` takes, with the history by reference (its profile's)."""

    path: Path
    profile_id: str
    display_name: str | None = None
    reference_date: dt.date | None = None
    with_history: bool = False  # judged against its profile's served history (check_all's `histories`)


# Below this many bytes in all, a batch of files is checked in this process: starting a worker (imports,
# compiled rules) costs about 0.7 s, more than checking a megabyte saves.
PARALLEL_CHECK_BYTES = 1024 * 1024


class Validator:
    """Checks submitted files against the rules. Compiles the suite once (a rule the compiler cannot run
    as GX does fails here, at start-up); `check` may be called from several threads. `limits` default to ReadLimits
    with the environment's overrides."""

    def __init__(self, limits: ReadLimits | None = None) -> None:
        self.limits = limits or ReadLimits.from_env()
        rules()  # a broken rules file fails here, at start-up, not on the first file
        self._suite = SuiteRunner(SUITE_FILE, "cell_id")

    def check(self, path: Path, profile_id: str, *, display_name: str | None = None,
              history: pd.DataFrame | None = None, reference_date: dt.date | None = None) -> CheckedFile:
        """Never raises for a bad file or an unknown profile: both are findings in the report.

        `history` is what the serving DB publishes in the profile's scope (`served.read_served`); None
        when there is none at hand, and the history rules are then not evaluable."""
        path = Path(path)
        reference_date = reference_date or today_shanghai()
        report_fields = {"file": display_name or path.name, "sha256": self._digest(path), "profile": profile_id}
        profile = reference.profiles().get(profile_id)
        findings = _Findings(_context(profile_id, profile), self.limits.max_findings_per_rule)
        findings.count("profile_unknown", evaluated=1, failed=int(profile is None))
        if profile is None:
            findings.add("profile_unknown")
            return _rejected(findings, report_fields, rows=0)
        reading = _Reading()
        try:
            with read_grid(path, name=display_name, limits=self.limits) as grid:
                reading.grid = grid
                return self._check_grid(reading, profile, findings, report_fields, history, reference_date)
        except UnreadableFile as exc:
            return self._refused(exc, reading, profile_id, profile, report_fields)

    def check_all(self, jobs: list[CheckJob], histories: Mapping[str, pd.DataFrame | None] | None = None
                  ) -> Iterator[CheckedFile]:
        """Each job's file checked, yielded in order as it is done. A job `with_history` is judged against
        `histories[profile]` (None, or a profile not given: no history). Many files are checked in worker
        processes, one per core, each given this validator's limits and the histories once."""
        histories = dict(histories or {})
        size = sum(job.path.stat().st_size for job in jobs if job.path.is_file())
        if size < PARALLEL_CHECK_BYTES:
            return (_checked(self, histories, job) for job in jobs)
        return each_in_processes(_check_in_worker, [(job,) for job in jobs], shared=(self.limits, histories))

    def _digest(self, path: Path) -> str:
        """The file's sha256 as the landing zone names it; "" for a file the readers will refuse unread."""
        try:
            if path.is_file() and path.stat().st_size <= self.limits.max_bytes:
                return sha256_of(path.read_bytes())
        except OSError:
            pass
        return ""

    def _refused(self, exc: UnreadableFile, reading: _Reading, profile_id: str, profile: reference.Profile,
                 report_fields: dict) -> CheckedFile:
        """A file that cannot be read, or is over a limit, has that one finding: no partial verdict."""
        findings = _Findings(_context(profile_id, profile), self.limits.max_findings_per_rule)
        findings.count("profile_unknown", evaluated=1)
        over = isinstance(exc, LimitExceeded)
        rule_id = "limit_exceeded" if over else "unreadable"
        findings.count(rule_id, evaluated=1, failed=1)
        findings.add(rule_id, place=reading.place(exc) if over else None,
                     reason_zh=exc.message_zh, reason_en=exc.message_en)
        return _rejected(findings, report_fields, rows=0)

    def _check_grid(self, reading: _Reading, profile: reference.Profile, findings: _Findings,
                    report_fields: dict, history: pd.DataFrame | None, reference_date: dt.date) -> CheckedFile:
        grid = reading.grid
        table = reading.table = find_table(grid)
        findings.count("header_not_found", evaluated=1, failed=int(table is None))
        if table is None:
            findings.add("header_not_found")
            _check_formulas(grid, None, findings)
            return _rejected(findings, report_fields, rows=0)
        findings.header_row = table.header_row
        if table.layout in REGISTRIES:
            from indicators.register_validation import check_register
            return check_register(self, reading, profile, findings, report_fields, reference_date)
        parameters = suite_parameters(reference_date)
        kept = _Kept((reference.calendar().earliest_valid_period, reference_date))
        values = 0
        for batch in cell_batches(table, self.limits.batch_cells):
            values += len(batch)
            failed_cells = self._run_suite(batch, parameters, findings)
            _check_scope(batch, profile, findings)
            _check_units(batch, findings)
            _check_n_units(batch, findings)
            # Comparisons between values use only the values that passed the checks on their own: a
            # negative denominator is one finding, not a second one for its numerator.
            complete = batch[~batch["cell_id"].isin(failed_cells)].dropna(subset=[*CELL_KEY, "value"])
            kept.unique.append(_check_duplicates(complete, kept.firsts, findings))
            kept.carry(batch)
        findings.count("unreadable", evaluated=1)
        findings.count("limit_exceeded", evaluated=1)
        _check_formulas(grid, table, findings)
        rows = table.rows_read
        findings.count("no_data_rows", evaluated=1, failed=int(values == 0))
        if values == 0:
            findings.add("no_data_rows")
            return _rejected(findings, report_fields, rows=rows)
        # Rules across values see each distinct cell once, as it would load: a repeat is a finding of its own.
        unique = kept.unique_frame()
        _check_numerators(unique, findings)
        _check_history(unique, history, findings)

        observations = _observations(unique)
        report = findings.report(**report_fields, rows=rows, observations=len(observations))
        if not report.accepted:
            observations = observations.iloc[0:0]
        return CheckedFile(report, observations, kept.carried_frame())

    def _run_suite(self, cells: pd.DataFrame, parameters: dict, findings: _Findings) -> set[int]:
        """Runs the suite on a batch; returns the ids of the cells that failed an expectation."""
        outcomes = self._suite.run(cells, parameters)
        failed = {cell_id for outcome in outcomes for cell_id in outcome.failing_ids}
        records = {cell["cell_id"]: cell for cell in _records(cells[cells["cell_id"].isin(failed)])}
        for outcome in outcomes:
            findings.count(outcome.rule_id, evaluated=outcome.evaluated, failed=len(outcome.failing_ids),
                           not_evaluable=outcome.not_evaluable)
            for cell_id in outcome.failing_ids:
                findings.add(outcome.rule_id, records[cell_id])
        return failed


def _checked(validator: Validator, histories: Mapping[str, pd.DataFrame | None], job: CheckJob) -> CheckedFile:
    return validator.check(job.path, job.profile_id, display_name=job.display_name,
                           history=histories.get(job.profile_id) if job.with_history else None,
                           reference_date=job.reference_date)


@functools.cache
def _worker_validator(limits: ReadLimits) -> Validator:
    return Validator(limits)  # once per worker process: the rules compiled for every file it checks


def _check_in_worker(limits: ReadLimits, histories: Mapping[str, pd.DataFrame | None], job: CheckJob) -> CheckedFile:
    return _checked(_worker_validator(limits), histories, job)


def _rejected(findings: _Findings, report_fields: dict, *, rows: int, carried: pd.DataFrame | None = None) -> CheckedFile:
    return CheckedFile(findings.report(**report_fields, rows=rows, observations=0),
                       pd.DataFrame(columns=OBSERVATION_COLUMNS),
                       pd.DataFrame(columns=CARRIED_COLUMNS) if carried is None else carried)


def _scope_text(profile: reference.Profile) -> dict:
    if profile.cities == reference.reporting_areas():
        return ({"scope_zh": "地区名录中各地区", "scope_en": "every area of the area register"}
                if reference.area_register_name() else {"scope_zh": "全省各市", "scope_en": "every city"})
    chosen = [reference.area_by_code()[code] for code in sorted(profile.cities)]
    return {"scope_zh": "、".join(c.name_zh for c in chosen),
            "scope_en": ", ".join(f"{c.code} {c.name_en}" for c in chosen)}


def _check_formulas(grid: Grid, table: Table | None, findings: _Findings) -> None:
    """Formula cells without a calculated value, in the rows read: each is an error where it is."""
    formulas = grid.formulas
    findings.count("formula_not_calculated", evaluated=formulas.total, failed=formulas.uncalculated)
    for row, index, formula in formulas.listed:
        column = column_label(table.headers if table else [], index)
        findings.add("formula_not_calculated", place=(grid.sheet, row, column, formula), formula=formula)
    findings.not_listed("formula_not_calculated", formulas.uncalculated - len(formulas.listed))


def _records(frame: pd.DataFrame) -> list[dict]:
    """The frame's rows as dicts, for findings. Most checks fail no row: pandas would still take a view of
    every column (some forty) to list none, so an empty frame is answered at once."""
    return frame.to_dict("records") if len(frame) else []


def _check_each(cells: pd.DataFrame, findings: _Findings, rule_id: str, applies: pd.Series, fails: pd.Series,
                **extra) -> None:
    """A rule on each value it applies to: counted for all, a finding (in file order) for each failure.
    `extra` maps a message field to a function of the failing cell."""
    failing = applies & fails
    findings.count(rule_id, evaluated=int(applies.sum()), failed=int(failing.sum()))
    for cell in _records(cells[failing]):
        findings.add(rule_id, cell, **{key: give(cell) for key, give in extra.items()})


def _check_scope(cells: pd.DataFrame, profile: reference.Profile, findings: _Findings) -> None:
    """A pilot team submits for its own city only; each profile submits its own indicators only."""
    catalogue = reference.catalogue()
    city = cells["city_code"]
    _check_each(cells, findings, "city_out_of_scope", city.isin(reference.reporting_areas()),
                ~city.isin(profile.cities))
    base = {i.code for i in reference.base_indicators()}
    _check_each(cells, findings, "indicator_not_allowed", cells["indicator_code"].isin(base),
                ~cells["indicator_code"].isin(profile.indicators),
                submitter=lambda cell: catalogue[cell["indicator_code"]].submitter)


def _check_units(cells: pd.DataFrame, findings: _Findings) -> None:
    """Values given in 万 of a count unit are converted; one that already looks like a plain count
    (10,000 万 or more, i.e. ≥ 10⁸) is flagged for the submitter to confirm."""
    converted = cells["unit_factor"] == TEN_THOUSAND
    _check_each(cells, findings, "unit_converted", cells["unit_factor"].notna(), converted)
    _check_each(cells, findings, "unit_unclear", converted & cells["value_in_file"].notna(),
                cells["value_in_file"] >= TEN_THOUSAND)


def _check_n_units(cells: pd.DataFrame, findings: _Findings) -> None:
    """A count of contributing units, where one is given: a whole number, on a magnitude indicator only;
    a count of 0 beside a value above 0 is flagged (one of the two is wrong)."""
    given = cells["n_units_text"].astype(bool)
    _check_each(cells, findings, "n_units_invalid", given, cells["n_units"].isna())
    magnitude = cells["magnitude"]
    _check_each(cells, findings, "n_units_not_magnitude", given & magnitude.notna(), magnitude.eq(False))
    counted = cells["n_units"].notna() & cells["value"].notna() & magnitude.eq(True)
    _check_each(cells, findings, "n_units_zero_with_value", counted, cells["n_units"].eq(0) & cells["value"].gt(0))


def _check_duplicates(complete: pd.DataFrame, firsts: dict[tuple, tuple[int, float]], findings: _Findings) -> pd.DataFrame:
    """The same city, period and indicator twice, in this batch or an earlier one: an error if the values
    differ, else a warning. Returns the batch's cells seen for the first time."""
    new, repeats = [], []
    keys = zip(*(complete[k] for k in CELL_KEY), strict=True)
    for position, (key, row, value) in enumerate(zip(keys, complete["source_row"], complete["value"], strict=True)):
        first = firsts.get(key)
        if first is None:
            firsts[key] = (row, value)
            new.append(position)
        else:
            repeats.append((position, first))
    conflicts = 0
    cells = _records(complete.iloc[[position for position, _ in repeats]])
    for cell, (_, (first_row, first_value)) in zip(cells, repeats, strict=True):
        rule_id = "duplicate_identical" if first_value == cell["value"] else "duplicate_conflict"
        conflicts += rule_id == "duplicate_conflict"
        findings.add(rule_id, cell, other_row=int(first_row), other_value=first_value)
    findings.count("duplicate_conflict", evaluated=len(complete), failed=conflicts)
    findings.count("duplicate_identical", evaluated=len(complete), failed=len(repeats) - conflicts)
    return complete.iloc[new]


def _check_numerators(complete: pd.DataFrame, findings: _Findings) -> None:
    """A share's numerator may not exceed its denominator for the same city and period end (10G-PON
    ports are among all PON ports). Periods compare by their end: a December's villages with fibre
    (quarterly) against the year's villages (annual)."""
    if complete.empty:
        return
    ends: dict[tuple, dt.date] = {}  # (period start, freq) -> its end: a file has a few periods
    for start, freq in zip(complete["period_start"], complete["period_freq"], strict=True):
        if (start, freq) not in ends:
            ends[start, freq] = reference.period_end(start.date(), freq)
    cells = complete.assign(period_end=[ends[key] for key in zip(complete["period_start"], complete["period_freq"],
                                                                  strict=True)])
    keys = list(zip(cells["city_code"], cells["period_end"], strict=True))
    values, rows = cells["value"].tolist(), cells["source_row"].tolist()
    by_indicator: dict[str, list[int]] = {}  # indicator -> its cells' positions, in file order
    for position, code in enumerate(cells["indicator_code"]):
        by_indicator.setdefault(code, []).append(position)
    for share in reference.derived_indicators():
        if share.multiplier != 100 or share.numerator not in by_indicator:
            continue
        denominator_at: dict[tuple, int] = {}  # (city, period end) -> its first denominator's position
        for position in by_indicator.get(share.denominator, []):
            denominator_at.setdefault(keys[position], position)
        numerators = by_indicator[share.numerator]
        paired = [(n, denominator_at[keys[n]]) for n in numerators if keys[n] in denominator_at]
        above = [(n, d) for n, d in paired if values[n] > values[d]]
        findings.count("numerator_above_denominator", evaluated=len(paired), failed=len(above),
                       not_evaluable=len(numerators) - len(paired))
        for cell, (_, d) in zip(_records(cells.iloc[[n for n, _ in above]]), above, strict=True):
            findings.add("numerator_above_denominator", cell, denominator=share.denominator,
                         other_value=values[d], other_row=int(rows[d]))


def _served_series(history: pd.DataFrame) -> dict[tuple, list]:
    """Served values per (city, indicator, freq), as sorted [(period start, value, source)]."""
    served = history.dropna(subset=["served_value"]).sort_values("period")
    series: dict[tuple, list] = {}
    for city, indicator, freq, period, value, source in zip(
            served["city_code"], served["indicator_code"], served["freq"], served["period"],
            served["served_value"], served["served_source"], strict=True):
        series.setdefault((city, indicator, freq), []).append((period, value, source))
    return series


def _check_history(complete: pd.DataFrame, history: pd.DataFrame | None, findings: _Findings) -> None:
    """Against the served values: a monotone series falling below its latest served value, and a value
    about 10⁴ times the previous period's."""
    catalogue = reference.catalogue()
    if complete.empty:
        return
    checked = complete[complete["period_freq"] == complete["indicator_freq"]]
    monotone = checked[checked["indicator_code"].map(lambda code: catalogue[code].monotone).astype(bool)]
    if history is None:
        findings.count("monotone_fall", not_evaluable=len(monotone))
        findings.count("jump_10000x", not_evaluable=len(checked))
        return
    series = _served_series(history)
    found: list[tuple[int, str, dict]] = []  # (position in `checked`, rule, message fields), in file order
    for position, (city, indicator, start, freq, value) in enumerate(zip(
            checked["city_code"], checked["indicator_code"], checked["period_start"], checked["period_freq"],
            checked["value"], strict=True)):
        start = start.date()
        served = series.get((city, indicator, freq), [])
        earlier = served[:bisect.bisect_left(served, (start,))]
        if catalogue[indicator].monotone:
            if not earlier:
                findings.count("monotone_fall", not_evaluable=1)
            else:
                period, latest, source = earlier[-1]
                fell = value < latest
                findings.count("monotone_fall", evaluated=1, failed=int(fell))
                if fell:
                    found.append((position, "monotone_fall", {
                        "history_period": reference.period_label(period, freq), "history_value": latest,
                        "history_source": source}))
        previous = reference.add_months(start, -reference.FREQ_MONTHS[freq])
        if not earlier or earlier[-1][0] != previous or earlier[-1][1] == 0 or value == 0:
            findings.count("jump_10000x", not_evaluable=1)
            continue
        _, latest, source = earlier[-1]
        ratio = value / latest
        jumped = ratio >= JUMP_FACTOR or ratio <= 1 / JUMP_FACTOR
        findings.count("jump_10000x", evaluated=1, failed=int(jumped))
        if jumped:
            found.append((position, "jump_10000x", {
                "history_period": reference.period_label(previous, freq), "history_value": latest,
                "history_source": source}))
    # Whole records (every field a message may name) only for the cells with a finding: most have none.
    positions = sorted({position for position, _, _ in found})
    records = dict(zip(positions, _records(checked.iloc[positions]), strict=True))
    for position, rule_id, extra in found:
        findings.add(rule_id, records[position], **extra)


def _observations(complete: pd.DataFrame) -> pd.DataFrame:
    """The values that would load: one per city, period and indicator (identical repeats once)."""
    unique = complete.drop_duplicates(CELL_KEY)
    return pd.DataFrame({
        "city_code": unique["city_code"].astype(str),
        "period": unique["period_start"].dt.date,
        "freq": unique["period_freq"],
        "indicator_code": unique["indicator_code"],
        "value": unique["value"].astype(float),
        "note": unique["note"].astype(object).where(unique["note"].notna(), None),
        "source_row": unique["source_row"].astype(int),
        "sheet": unique["sheet"],
        "n_units": unique["n_units"].astype("Int64"),  # <NA>: not given, unknown
    }, columns=OBSERVATION_COLUMNS).reset_index(drop=True)
