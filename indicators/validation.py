"""Validation: one submitted file in, a `Report` and the observations that would load out.

Rules come from two places, gathered in one registry (`rules()`): the Great Expectations suite in
`expectations/submission.json` (checks on each reported value, run with GX 1.x on pandas) and
`DOMAIN_RULES` here, for what GX cannot express: the submitter's scope, duplicates, numerators above
denominators within the file, units, and checks against the served history. Every rule has an id, a
severity (an error rejects the whole file, a warning loads it and flags it), a quality dimension and a
message in Chinese and English, and reports evaluated / passed / failed / not evaluable counts.

A period is in the future when it starts after the reference date (the date the file was received):
a month still running may be reported provisionally, one not yet begun may not.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from indicators import reference
from indicators.clock import today_shanghai
from indicators.readers import (
    CELL_KEY,
    DEFAULT_LIMITS,
    ReadLimits,
    UnreadableFile,
    cells_frame,
    find_table,
    read_grid,
)
from indicators.report import Finding, Report, RuleResult
from indicators.values import TEN_THOUSAND, format_number, suggest_indicator

SUITE_FILE = "submission.json"
JUMP_FACTOR = 5000  # a value ≥ 5000× or ≤ 1/5000 of the previous period's looks like a 万/个 slip (10⁴)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    severity: str  # "error" rejects the file; "warning" loads it and flags it
    dimension: str  # format, completeness, validity, consistency, history
    message_zh: str  # a template filled from the failing cell (readers.CELL_COLUMNS) and the rule's context
    message_en: str
    column: str | None = None  # the cell a finding points at: city, period, indicator, value, unit; None: the file


DOMAIN_RULES = (
    Rule("profile_unknown", "error", "format", "没有名为 {profile_id} 的报送方；可用：{profiles}",
         "there is no submitter profile {profile_id}; known profiles: {profiles}"),
    Rule("unreadable", "error", "format", "无法读取文件：{reason_zh}", "the file cannot be read: {reason_en}"),
    Rule("header_not_found", "error", "format",
         "找不到表头：前 30 行中没有同时包含城市列（城市/city）和期间列（期间/period）的行",
         "no header found: none of the first 30 rows has both a city column (城市/city) and a period column (期间/period)"),
    Rule("no_data_rows", "error", "completeness",
         "文件中没有数据：表头下没有数据行，或所有数值均为空",
         "the file holds no data: no rows below the header, or every value is blank"),
    Rule("city_out_of_scope", "error", "validity",
         "{profile_id} 只能报送 {scope_zh} 的数据，不能报送“{city_text}”",
         "{profile_id} may only submit data for {scope_en}, not \"{city_text}\"", "city"),
    Rule("indicator_not_allowed", "error", "validity",
         "{profile_id} 不报送“{indicator_zh}”（{indicator_code}）：该指标由{submitter_zh}报送",
         "{profile_id} does not submit {indicator_en} ({indicator_code}): it is submitted by {submitter_en}",
         "indicator"),
    Rule("duplicate_conflict", "error", "consistency",
         "{city_text} {period_text} 的“{indicator_zh}”已在第 {other_row} 行填为 {other_value}，此处又填 {value_text}："
         "两者不一致，请只保留正确的一个",
         "the value of {indicator_en} for {city_text} {period_text} is already given in row {other_row} as "
         "{other_value}, here as {value_text}: keep only the right one", "value"),
    Rule("duplicate_identical", "warning", "consistency",
         "{city_text} {period_text} 的“{indicator_zh}”已在第 {other_row} 行填报，数值相同，只装载一次",
         "the value of {indicator_en} for {city_text} {period_text} is already given in row {other_row}, the same; "
         "loaded once", "value"),
    Rule("numerator_above_denominator", "error", "consistency",
         "“{indicator_zh}”（{value}）大于同期的“{denominator_zh}”（{other_value}，第 {other_row} 行）：部分不能大于总数",
         "{indicator_en} ({value}) is above {denominator_en} ({other_value}, row {other_row}) for the same period: "
         "a part cannot exceed its whole", "value"),
    Rule("unit_converted", "warning", "validity",
         "单位为“{unit_text}”：“{indicator_zh}”的数值已乘以 10000，换算为{catalogue_unit}",
         "unit {unit_text}: the values of {indicator_en} were multiplied by 10,000 into {catalogue_unit}", "unit"),
    Rule("unit_unclear", "warning", "validity",
         "单位为“{unit_text}”，但数值 {value_text} 像是已按{catalogue_unit}填写（换算后为 {value}{catalogue_unit}）：请确认单位",
         "unit {unit_text}, but {value_text} looks like it is already in {catalogue_unit} "
         "({value} {catalogue_unit} after conversion): check the unit", "value"),
    Rule("monotone_fall", "warning", "history",
         "“{indicator_zh}”只增不减，但 {value_text} 低于已发布的 {history_period} 数值 {history_value}"
         "（来源：{history_source_zh}）：请核实",
         "the series {indicator_en} never falls, but {value_text} is below the served {history_period} value "
         "{history_value} (source: {history_source_en}): please check", "value"),
    Rule("jump_10000x", "warning", "history",
         "{value_text} 与已发布的上期（{history_period}）数值 {history_value}（来源：{history_source_zh}）"
         "相差约一万倍：是否混淆了“万”和“个”？",
         "{value_text} differs by a factor of about 10,000 from the served previous-period ({history_period}) "
         "value {history_value} (source: {history_source_en}): 万 and 个 mixed up?", "value"),
)

# Where each kind of cell is written: (text as written, header of its column, its row).
CELL_PLACES = {
    "city": ("city_text", "city_column", "source_row"),
    "period": ("period_text", "period_column", "source_row"),
    "indicator": ("indicator_text", "indicator_column", "indicator_row"),
    "value": ("value_text", "value_column", "source_row"),
    "unit": ("unit_text", "unit_column", "unit_row"),
}

OBSERVATION_COLUMNS = ["city_code", "period", "freq", "indicator_code", "value", "note", "source_row", "sheet"]


@functools.cache
def suite_definition() -> dict:
    return json.loads(resources.files("expectations").joinpath(SUITE_FILE).read_text(encoding="utf-8"))


@functools.cache
def rules() -> dict[str, Rule]:
    """Every rule, from the GX suite's meta and from DOMAIN_RULES, by id."""
    registry: dict[str, Rule] = {}
    for expectation in suite_definition()["expectations"]:
        meta = expectation["meta"]
        registry[meta["rule_id"]] = Rule(meta["rule_id"], meta["severity"], meta["dimension"],
                                         meta["message_zh"], meta["message_en"], meta["column"])
    for rule in DOMAIN_RULES:
        registry[rule.rule_id] = rule
    return registry


@dataclass
class CheckedFile:
    report: Report
    observations: pd.DataFrame  # OBSERVATION_COLUMNS; empty when the file is rejected


class _Findings:
    """Findings and per-rule counts for one file. A finding is reported once per cell as the user sees
    it: the same unknown city behind every indicator column of a wide row is one finding, not twenty."""

    def __init__(self, context: Mapping) -> None:
        self.context = dict(context)
        self.findings: dict[tuple, Finding] = {}
        self.results = {r.rule_id: RuleResult(r.rule_id, r.severity, r.dimension) for r in rules().values()}

    def count(self, rule_id: str, *, evaluated: int = 0, failed: int = 0, not_evaluable: int = 0) -> None:
        result = self.results[rule_id]
        result.evaluated += evaluated
        result.failed += failed
        result.passed += evaluated - failed
        result.not_evaluable += not_evaluable

    def add(self, rule_id: str, cell: Mapping | None = None, **extra) -> None:
        rule = rules()[rule_id]
        fields = {**self.context, **(cell or {}), **extra}
        fields.update(_names(fields))
        row = column = value = sheet = None
        if cell is not None and rule.column is not None:
            text, header, row_field = CELL_PLACES[rule.column]
            row, column, value, sheet = int(cell[row_field]), cell[header], cell[text], cell["sheet"]
        finding = Finding(rule=rule.rule_id, severity=rule.severity,
                          message_zh=rule.message_zh.format_map(_shown(fields, "（空白）")),
                          message_en=rule.message_en.format_map(_shown(fields, "(blank)")),
                          row=row, sheet=sheet, column=column, value=value)
        self.findings.setdefault((rule_id, sheet, row, column, finding.message_en), finding)

    def report(self, *, file: str, sha256: str, profile: str, rows: int, observations: int) -> Report:
        findings = sorted(self.findings.values(), key=Finding.sort_key)
        errors = [f for f in findings if f.severity == "error"]
        return Report(
            file=file, sha256=sha256, profile=profile, accepted=not errors, rows=rows,
            observations=observations if not errors else 0,
            errors=errors, warnings=[f for f in findings if f.severity == "warning"],
            rule_results=list(self.results.values()),
        )


# A frequency in words, how a period of it is written, and where a wide table with one row per finer
# period takes it (the row of the period it closes).
FREQ_WORDS = {
    "M": (*reference.FREQ_NAMES["M"], "2023-06", "", ""),
    "Q": (*reference.FREQ_NAMES["Q"], "2023Q2", "；每行一个月的表中，季度数填在 3、6、9、12 月的行",
          "; in a table with one row per month, put it in the Mar, Jun, Sep or Dec row"),
    "A": (*reference.FREQ_NAMES["A"], "2023", "；每行一个月或一个季度的表中，年度数填在 12 月或第四季度的行",
          "; in a table with one row per month or quarter, put it in the December or Q4 row"),
}


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
        freq_zh, freq_en, example, where_zh, where_en = FREQ_WORDS[indicator.freq]
        names.update(freq_zh=freq_zh, freq_en=freq_en, period_example=example, where_zh=where_zh,
                     where_en=where_en)
        if indicator.is_derived:
            parts = [catalogue[indicator.numerator], catalogue[indicator.denominator]]
            names.update(parts_zh="“" + "”和“".join(p.name_zh for p in parts) + "”",
                         parts_en=" and ".join(p.name_en for p in parts))
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
    for key in ("submitter", "history_source"):  # profile ids, named for people who do not know them
        if key in fields:
            profile = profiles.get(fields[key])
            names[f"{key}_zh"] = f"{profile.name_zh}（{profile.profile_id}）" if profile else fields[key]
            names[f"{key}_en"] = f"{profile.name_en} ({profile.profile_id})" if profile else fields[key]
    return names


def _shown(fields: Mapping, blank: str) -> dict:
    """Fields as a message shows them: numbers in full (28,500,000, never 2.85e+07), a blank cell named."""
    return {key: format_number(value) if isinstance(value, float)
            else blank if key.endswith("_text") and not value else value
            for key, value in fields.items()}


class Validator:
    """Checks submitted files against the rules. Builds the GX context and suite once (GX is slow to
    import and to set up); `check` may be called from several threads."""

    def __init__(self, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        import great_expectations as gx
        from great_expectations.core import ExpectationSuite
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self.limits = limits
        self._lock = threading.Lock()  # GX keeps process-global state
        context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(), analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
        ))
        batch = context.data_sources.add_pandas("submissions").add_dataframe_asset("cells") \
            .add_batch_definition_whole_dataframe("whole file")
        suite = context.suites.add(ExpectationSuite(**suite_definition()))
        self._validation = context.validation_definitions.add(
            gx.ValidationDefinition(name="submission", data=batch, suite=suite))

    def check(self, path: Path, profile_id: str, *, display_name: str | None = None,
              history_db: Path | None = None, reference_date: dt.date | None = None) -> CheckedFile:
        """Never raises for a bad file or an unknown profile: both are findings in the report."""
        path = Path(path)
        report_fields = {"file": display_name or path.name, "sha256": _sha256(path), "profile": profile_id}
        profile = reference.profiles().get(profile_id)
        findings = _Findings({"profile_id": profile_id, "profiles": ", ".join(reference.profiles()),
                              **(_scope_text(profile) if profile else {})})
        findings.count("profile_unknown", evaluated=1, failed=int(profile is None))
        if profile is None:
            findings.add("profile_unknown")
            return _rejected(findings, report_fields, rows=0)
        try:
            grid = read_grid(path, name=display_name, limits=self.limits)
        except UnreadableFile as exc:
            findings.count("unreadable", evaluated=1, failed=1)
            findings.add("unreadable", reason_zh=exc.message_zh, reason_en=exc.message_en)
            return _rejected(findings, report_fields, rows=0)
        findings.count("unreadable", evaluated=1)
        table = find_table(grid)
        findings.count("header_not_found", evaluated=1, failed=int(table is None))
        if table is None:
            findings.add("header_not_found")
            return _rejected(findings, report_fields, rows=0)
        cells = cells_frame(table)
        rows = len(table.data_rows)
        findings.count("no_data_rows", evaluated=1, failed=int(cells.empty))
        if cells.empty:
            findings.add("no_data_rows")
            return _rejected(findings, report_fields, rows=rows)

        failed_cells = self._run_suite(cells, reference_date or today_shanghai(), findings)
        records = cells.to_dict("records")
        _check_scope(records, profile, findings)
        _check_units(records, findings)
        # Comparisons between values use only the values that passed the checks on their own: a negative
        # denominator is one finding, not a second one for its numerator.
        complete = cells[~cells["cell_id"].isin(failed_cells)].dropna(subset=[*CELL_KEY, "value"])
        _check_duplicates(complete, findings)
        _check_numerators(complete, findings)
        _check_history(complete, history_db, findings)

        observations = _observations(complete)
        report = findings.report(**report_fields, rows=rows, observations=len(observations))
        if not report.accepted:
            observations = observations.iloc[0:0]
        return CheckedFile(report, observations)

    def _run_suite(self, cells: pd.DataFrame, reference_date: dt.date, findings: _Findings) -> set[int]:
        """Runs the GX suite; returns the ids of the cells that failed an expectation."""
        parameters = {
            "province_codes": [reference.PROVINCE_CODE],
            "derived_indicator_codes": [i.code for i in reference.derived_indicators()],
            "earliest_period": dt.datetime.combine(reference.calendar().earliest_valid_period, dt.time()),
            "latest_period": dt.datetime.combine(reference_date, dt.time()),
        }
        result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["source_row", "cell_id"]}
        with self._lock:
            outcome = self._validation.run(batch_parameters={"dataframe": cells},
                                           expectation_parameters=parameters, result_format=result_format)
        records = cells.to_dict("records")  # cell_id is the position
        failed: set[int] = set()
        for expectation in outcome.results:
            rule_id = expectation.expectation_config.meta["rule_id"]
            result = expectation.result
            if expectation.exception_info.get("raised_exception"):
                raise RuntimeError(f"GX failed on rule {rule_id}: {expectation.exception_info}")
            missing = result.get("missing_count") or 0
            unexpected = result.get("unexpected_count") or 0
            findings.count(rule_id, evaluated=result["element_count"] - missing, failed=unexpected,
                           not_evaluable=missing)
            for index in result.get("unexpected_index_list") or []:
                cell_id = int(index["cell_id"])
                failed.add(cell_id)
                findings.add(rule_id, records[cell_id])
        return failed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def _rejected(findings: _Findings, report_fields: dict, *, rows: int) -> CheckedFile:
    return CheckedFile(findings.report(**report_fields, rows=rows, observations=0),
                       pd.DataFrame(columns=OBSERVATION_COLUMNS))


def _scope_text(profile: reference.Profile) -> dict:
    if profile.cities == {c.code for c in reference.cities()}:
        return {"scope_zh": "全省各市", "scope_en": "every city"}
    chosen = [reference.city_by_code()[code] for code in sorted(profile.cities)]
    return {"scope_zh": "、".join(f"{c.code} {c.name_zh}" for c in chosen),
            "scope_en": ", ".join(f"{c.code} {c.name_en}" for c in chosen)}


def _check_scope(records: list[dict], profile: reference.Profile, findings: _Findings) -> None:
    """A pilot team submits for its own city only; each profile submits its own indicators only."""
    catalogue = reference.catalogue()
    for cell in records:
        city = cell["city_code"]
        if city is not None and city != reference.PROVINCE_CODE:
            outside = not profile.covers_city(city)
            findings.count("city_out_of_scope", evaluated=1, failed=int(outside))
            if outside:
                findings.add("city_out_of_scope", cell)
        indicator = catalogue.get(cell["indicator_code"])
        if indicator is not None and not indicator.is_derived:
            refused = not profile.may_submit(indicator.code)
            findings.count("indicator_not_allowed", evaluated=1, failed=int(refused))
            if refused:
                findings.add("indicator_not_allowed", cell, submitter=indicator.submitter)


def _check_units(records: list[dict], findings: _Findings) -> None:
    """Values given in 万 of a count unit are converted; one that already looks like a plain count
    (10,000 万 or more, i.e. ≥ 10⁸) is flagged for the submitter to confirm."""
    for cell in records:
        factor = cell["unit_factor"]
        if pd.isna(factor):
            continue
        converted = factor == TEN_THOUSAND
        findings.count("unit_converted", evaluated=1, failed=int(converted))
        if not converted:
            continue
        findings.add("unit_converted", cell)
        if pd.isna(cell["value_in_file"]):
            continue
        unclear = cell["value_in_file"] >= TEN_THOUSAND
        findings.count("unit_unclear", evaluated=1, failed=int(unclear))
        if unclear:
            findings.add("unit_unclear", cell)


def _check_duplicates(complete: pd.DataFrame, findings: _Findings) -> None:
    """The same city, period and indicator twice: an error if the values differ, else a warning."""
    first_of = complete.drop_duplicates(CELL_KEY).set_index(CELL_KEY)
    repeats = complete[complete.duplicated(CELL_KEY)]
    conflicts = 0
    for cell in repeats.to_dict("records"):
        first = first_of.loc[tuple(cell[k] for k in CELL_KEY)]
        rule_id = "duplicate_identical" if first["value"] == cell["value"] else "duplicate_conflict"
        conflicts += rule_id == "duplicate_conflict"
        findings.add(rule_id, cell, other_row=int(first["source_row"]), other_value=first["value"])
    findings.count("duplicate_conflict", evaluated=len(complete), failed=conflicts)
    findings.count("duplicate_identical", evaluated=len(complete), failed=len(repeats) - conflicts)


def _check_numerators(complete: pd.DataFrame, findings: _Findings) -> None:
    """A share's numerator may not exceed its denominator for the same city and period end (10G-PON
    ports are among all PON ports). Periods compare by their end: a December's villages with fibre
    (quarterly) against the year's villages (annual)."""
    if complete.empty:
        return
    cells = complete.assign(period_end=[reference.period_end(s.date(), f)
                                        for s, f in zip(complete["period_start"], complete["period_freq"], strict=True)])
    by_indicator = {code: group for code, group in cells.groupby("indicator_code")}
    for share in reference.derived_indicators():
        if share.multiplier != 100 or share.numerator not in by_indicator:
            continue
        numerators = by_indicator[share.numerator]
        denominators = by_indicator.get(share.denominator, numerators.iloc[0:0])
        pairs = numerators.merge(
            denominators.drop_duplicates(["city_code", "period_end"])[["city_code", "period_end", "value", "source_row"]],
            on=["city_code", "period_end"], how="left", suffixes=("", "_denominator"))
        paired = pairs.dropna(subset=["value_denominator"])
        above = paired[paired["value"] > paired["value_denominator"]]
        findings.count("numerator_above_denominator", evaluated=len(paired), failed=len(above),
                       not_evaluable=len(pairs) - len(paired))
        for cell in above.to_dict("records"):
            findings.add("numerator_above_denominator", cell, denominator=share.denominator,
                         other_value=cell["value_denominator"], other_row=int(cell["source_row_denominator"]))


HISTORY_SQL = """
SELECT area_code AS city_code, indicator_code, freq, period, value, source_profile
FROM mart.observations
WHERE area_level = 'city' AND list_contains(?, area_code) AND list_contains(?, indicator_code)
ORDER BY period
"""


def _served_history(history_db: Path | None, complete: pd.DataFrame) -> dict[tuple, list] | None:
    """Served values per (city, indicator, freq), as sorted [(period start, value, source)]; None if there is
    no serving DB to read (the history rules are then not evaluable)."""
    if history_db is None or not Path(history_db).is_file():
        return None
    try:
        with duckdb.connect(str(history_db), read_only=True) as connection:
            served = connection.execute(HISTORY_SQL, [sorted(complete["city_code"].unique()),
                                                      sorted(complete["indicator_code"].unique())]).fetchall()
    except duckdb.Error:
        return None
    series: dict[tuple, list] = {}
    for city, indicator, freq, period, value, source in served:
        if value is not None:
            series.setdefault((city, indicator, freq), []).append((period, value, source))
    return series


def _check_history(complete: pd.DataFrame, history_db: Path | None, findings: _Findings) -> None:
    """Against the serving DB: a monotone series falling below its latest served value, and a value
    about 10⁴ times the previous period's."""
    catalogue = reference.catalogue()
    checked = complete[complete["period_freq"] == complete["indicator_freq"]]
    monotone = checked[checked["indicator_code"].map(lambda code: catalogue[code].monotone).astype(bool)]
    history = _served_history(history_db, checked) if not checked.empty else None
    if history is None:
        findings.count("monotone_fall", not_evaluable=len(monotone))
        findings.count("jump_10000x", not_evaluable=len(checked))
        return
    for cell in checked.to_dict("records"):
        start, freq = cell["period_start"].date(), cell["period_freq"]
        served = history.get((cell["city_code"], cell["indicator_code"], freq), [])
        earlier = served[:bisect.bisect_left(served, (start,))]
        if catalogue[cell["indicator_code"]].monotone:
            if not earlier:
                findings.count("monotone_fall", not_evaluable=1)
            else:
                period, value, source = earlier[-1]
                fell = cell["value"] < value
                findings.count("monotone_fall", evaluated=1, failed=int(fell))
                if fell:
                    findings.add("monotone_fall", cell, history_period=reference.period_label(period, freq),
                                 history_value=value, history_source=source)
        previous = reference.add_months(start, -reference.FREQ_MONTHS[freq])
        if not earlier or earlier[-1][0] != previous or earlier[-1][1] == 0 or cell["value"] == 0:
            findings.count("jump_10000x", not_evaluable=1)
            continue
        _, value, source = earlier[-1]
        ratio = cell["value"] / value
        jumped = ratio >= JUMP_FACTOR or ratio <= 1 / JUMP_FACTOR
        findings.count("jump_10000x", evaluated=1, failed=int(jumped))
        if jumped:
            findings.add("jump_10000x", cell, history_period=reference.period_label(previous, freq),
                         history_value=value, history_source=source)


def _observations(complete: pd.DataFrame) -> pd.DataFrame:
    """The values that would load: one per city, period and indicator (identical repeats once)."""
    unique = complete.drop_duplicates(CELL_KEY)
    return pd.DataFrame({
        "city_code": unique["city_code"].astype(str),
        "period": [s.date() for s in unique["period_start"]],
        "freq": unique["period_freq"],
        "indicator_code": unique["indicator_code"],
        "value": unique["value"].astype(float),
        "note": unique["note"].astype(object).where(unique["note"].notna(), None),
        "source_row": unique["source_row"].astype(int),
        "sheet": unique["sheet"],
    }).reset_index(drop=True)
