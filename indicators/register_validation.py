"""Checking a registry's list (indicators/registers.py): its suite in expectations/<registry>.json run by
the same `SuiteRunner` as a file of values, and the rules GX cannot express (the USCC check character,
the registration area, repeated rows, racks and energy that contradict each other) checked here.

A finding names the sheet, the row and the column as headed in the file, in Chinese and English. Any
error rejects the whole list: nothing of it loads. An accepted list's records (`RECORD_COLUMNS`) are what
the build DB keeps (core.register_records) and aggregates (sql/registers/).
"""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd

from indicators import reference
from indicators.readers import column_label, held_date
from indicators.registers import REGISTRIES, USCC_CHARSET, Registry, city_name, read_record, uscc_check_character, uscc_city
from indicators.suites import SuiteRunner
from indicators.validation import CheckedFile, _check_formulas, _Findings, _Reading, _rejected

# What the build DB keeps of each record (core.register_records, less the submission's own columns).
RECORD_COLUMNS = [
    "registry", "source_row", "period", "freq", "area_code", "unit_id", "name", "industry_code", "above_scale",
    "project", "completion_date", "standard_racks", "racks_in_use", "it_energy_mwh", "total_energy_mwh", "level",
    "county_code", "band", "operator", "commissioning_date", "in_service", "uscc_valid",
]

# The field a GX rule's finding points at (its column as headed in the file).
GX_FIELDS = {
    "ent_uscc_format": "uscc", "ent_above_scale_flag": "above_scale", "ent_province_submitted": "city_code",
    "ent_period_future": "period", "ent_completed_after_period": "completion_date",
    "ent_completed_before_year": "completion_date",
    "dc_id_repeated": "dc_id", "dc_province_submitted": "city_code", "dc_period_future": "period",
    "dc_value_negative": None,  # the first negative number of the row
    "site_id_repeated": "site_id", "site_band_unknown": "band", "site_status_unknown": "status",
    "site_province_submitted": "city_code", "site_period_future": "period",
    "site_commissioned_after_period": "commissioning_date",
}
DC_NUMBERS = ("standard_racks", "racks_in_use", "it_energy_mwh", "total_energy_mwh")
# Kinds a blank or unreadable cell of is register_value_invalid (the others have GX rules of their own).
EXPECTED = {  # kind -> (zh, en) what the cell should hold
    "period": ("请按{freq_zh}填写报告期，如 {example}", "write the reporting period as a {freq_en} such as {example}"),
    "city": ("请填写广东省地级市的代码或名称（如 440300、深圳市）",
             "write a Guangdong city's code or name (e.g. 440300, 深圳市)"),
    "text": ("不能为空", "it must not be blank"),
    "date": ("请填写日期，如 2023-06-30", "write a date such as 2023-06-30"),
    "number": ("请填写数字", "write a number"),
}
PERIOD_EXAMPLES = {"M": "2023-12", "Q": "2023Q3"}


@functools.cache
def _runner(suite: str) -> SuiteRunner:
    return SuiteRunner(suite, "row_id")


class _Rows:
    """A list's rows as the rules see them, with where each field is written."""

    def __init__(self, registry: Registry, frame: pd.DataFrame, headers: list[str], columns: dict[str, int]):
        self.registry = registry
        self.frame = frame
        self.header = {name: column_label(headers, index) for name, index in columns.items()}

    def place(self, row: dict, field: str) -> tuple:
        return (row["sheet"], int(row["source_row"]), self.header[field], row[f"{field}_text"])


def check_register(validator, reading: _Reading, profile: reference.Profile, findings: _Findings,
                   report_fields: dict, reference_date: dt.date) -> CheckedFile:
    """A registry's list, its table found: every rule, then its records if nothing is an error."""
    table = reading.table
    registry = REGISTRIES[table.layout]
    findings.kind = registry.name
    findings.context.update(registry_zh=registry.name_zh, registry_en=registry.name_en)
    allowed = profile.profile_id == registry.submitter
    findings.count("register_not_submitter", evaluated=1, failed=int(not allowed))
    if not allowed:
        findings.add("register_not_submitter", submitter=registry.submitter)
        return _rejected(findings, report_fields, rows=0)
    records = []
    for number, cells in table.data_rows:
        table.rows_read += 1
        records.append({"row_id": len(records), "source_row": number, "sheet": table.sheet,
                        **read_record(registry, table.roles, cells)})
    findings.count("unreadable", evaluated=1)
    findings.count("limit_exceeded", evaluated=1)
    _check_formulas(reading.grid, table, findings)
    findings.count("no_data_rows", evaluated=1, failed=int(not records))
    if not records:
        findings.add("no_data_rows")
        return _rejected(findings, report_fields, rows=0)
    rows = _Rows(registry, _frame(registry, records), table.headers, table.roles)
    _run_suite(rows, findings, reference_date)
    _check_values(rows, findings)
    {"enterprise_list": _check_enterprises, "dc_register": _check_data_centres,
     "site_list": lambda rows, findings: None}[registry.name](rows, findings)
    loaded = _records(rows.frame, registry)
    report = findings.report(**report_fields, rows=len(records), observations=len(loaded))
    if not report.accepted:
        return _rejected(findings, report_fields, rows=len(records))
    return CheckedFile(report, loaded, pd.DataFrame(columns=["area_code", "period", "freq", "indicator_code"]))


def _frame(registry: Registry, records: list[dict]) -> pd.DataFrame:
    """The rows with what the suite reads: the period's start and end and its year's first day, a band and
    a flag as compared, the smallest of a data centre's numbers."""
    frame = pd.DataFrame.from_records(records)
    periods = frame["period"]
    # Dates as pandas holds them (held_date): a period or date in 2999 is judged by the rules, not a crash.
    frame["period_start"] = pd.to_datetime([held_date(p.start) if p else None for p in periods])
    frame["period_end"] = pd.to_datetime([held_date(p.end) if p else None for p in periods])
    frame["year_start"] = pd.to_datetime([held_date(dt.date(p.start.year, 1, 1)) if p else None for p in periods])
    for field in registry.fields:
        if field.kind == "date":
            frame[field.name] = pd.to_datetime([held_date(day) for day in frame[field.name]])
    if registry.name == "enterprise_list":
        frame["above_scale_key"] = [reference.fold(t).casefold() for t in frame["above_scale_text"]]
    if registry.name == "dc_register":
        frame["smallest_number"] = frame[list(DC_NUMBERS)].astype(float).min(axis=1)
    if registry.name == "site_list":
        from indicators.registers import band_key
        frame["band_key"] = [band_key(t) for t in frame["band_text"]]
        frame["status_text"] = [reference.fold(t) for t in frame["status_text"]]
    return frame


def _run_suite(rows: _Rows, findings: _Findings, reference_date: dt.date) -> None:
    parameters = {"province_codes": [reference.PROVINCE_CODE],
                  "latest_period": dt.datetime.combine(reference_date, dt.time())}
    outcomes = _runner(rows.registry.suite).run(rows.frame, parameters)
    by_id = rows.frame.set_index("row_id", drop=False)
    for outcome in outcomes:
        findings.count(outcome.rule_id, evaluated=outcome.evaluated, failed=len(outcome.failing_ids),
                       not_evaluable=outcome.not_evaluable)
        for row_id in outcome.failing_ids:
            row = by_id.loc[row_id].to_dict()
            field = GX_FIELDS[outcome.rule_id] or next(n for n in DC_NUMBERS if row[n] < 0)
            findings.add(outcome.rule_id, place=rows.place(row, field), value_text=row[f"{field}_text"],
                         column=rows.header[field])


def _check_values(rows: _Rows, findings: _Findings) -> None:
    """Each field that must be read as a period, city, date, number or text: blank or unreadable is an error."""
    registry = rows.registry
    checked = [f for f in registry.fields if f.kind in EXPECTED]
    failed = 0
    freq_zh, freq_en = reference.FREQ_NAMES[registry.freq]
    for row in rows.frame.to_dict("records"):
        for field in checked:
            value = row[field.name]
            if value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NaT:
                continue
            failed += 1
            zh, en = EXPECTED[field.kind]
            names = dict(freq_zh=freq_zh, freq_en=freq_en, example=PERIOD_EXAMPLES[registry.freq])
            findings.add("register_value_invalid", place=rows.place(row, field.name),
                         value_text=row[f"{field.name}_text"], column=rows.header[field.name],
                         expected_zh=zh.format(**names), expected_en=en.format(**names))
    findings.count("register_value_invalid", evaluated=len(rows.frame) * len(checked), failed=failed)


def _check_enterprises(rows: _Rows, findings: _Findings) -> None:
    """The USCC's check character and registration area; a project listed twice; one enterprise under
    two cities."""
    frame = rows.frame
    well_formed = frame[frame["uscc"].str.fullmatch(f"[{USCC_CHARSET}]{{18}}")]
    wrong = [row for row in well_formed.to_dict("records") if uscc_check_character(row["uscc"][:17]) != row["uscc"][17]]
    findings.count("ent_uscc_check", evaluated=len(well_formed), failed=len(wrong))
    for row in wrong:
        findings.add("ent_uscc_check", place=rows.place(row, "uscc"), value_text=row["uscc_text"],
                     expected_check=uscc_check_character(row["uscc"][:17]))
    cities = set(reference.city_by_code())
    located = well_formed[well_formed["city_code"].isin(cities)]
    elsewhere = [row for row in located.to_dict("records") if uscc_city(row["uscc"]) != row["city_code"]]
    findings.count("ent_uscc_area", evaluated=len(located), failed=len(elsewhere))
    for row in elsewhere:
        findings.add("ent_uscc_area", place=rows.place(row, "uscc"), value_text=row["uscc_text"],
                     registered_area=row["uscc"][2:8], city_name=city_name(row["city_code"]))
    keyed = frame[(frame["uscc"] != "")]
    first_project: dict[tuple, int] = {}
    first_city: dict[tuple, tuple[str, int]] = {}
    repeats = two_cities = 0
    for row in keyed.to_dict("records"):
        period = row["period_text"]
        project_key = (period, row["uscc"], reference.fold(row["project_text"]))
        if project_key in first_project:
            repeats += 1
            findings.add("ent_duplicate_project", place=rows.place(row, "project"), value_text=row["project_text"],
                         other_row=first_project[project_key])
        else:
            first_project[project_key] = int(row["source_row"])
        if row["city_code"] is None:
            continue
        city_key = (period, row["uscc"])
        other = first_city.setdefault(city_key, (row["city_code"], int(row["source_row"])))
        if other[0] != row["city_code"]:
            two_cities += 1
            findings.add("ent_two_cities", place=rows.place(row, "city_code"), value_text=row["uscc_text"],
                         other_row=other[1], other_city=city_name(other[0]), city_name=city_name(row["city_code"]))
    findings.count("ent_duplicate_project", evaluated=len(keyed), failed=repeats)
    findings.count("ent_two_cities", evaluated=len(keyed), failed=two_cities)


def _check_data_centres(rows: _Rows, findings: _Findings) -> None:
    """Racks in use within standard racks; total energy at least IT energy (PUE ≥ 1)."""
    for rule_id, field, other, fails in (
            ("dc_racks_in_use_above_standard", "racks_in_use", "standard_racks", lambda a, b: a > b),
            ("dc_total_below_it", "total_energy_mwh", "it_energy_mwh", lambda a, b: a < b)):
        both = rows.frame.dropna(subset=[field, other])
        failing = [row for row in both.to_dict("records") if fails(row[field], row[other])]
        findings.count(rule_id, evaluated=len(both), failed=len(failing))
        for row in failing:
            findings.add(rule_id, place=rows.place(row, field), value_text=row[f"{field}_text"],
                         other_value=row[other])


def _records(frame: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """The records as core.register_records keeps them."""
    out = pd.DataFrame({
        "registry": registry.name,
        "source_row": frame["source_row"].astype(int),
        "period": [p.start if p else None for p in frame["period"]],
        "freq": registry.freq,
        "area_code": frame["city_code"],
        "unit_id": frame[registry.unit_field].astype(str),
    })
    for column in RECORD_COLUMNS:
        if column in out:
            continue
        if column in frame:
            values = frame[column]
            if pd.api.types.is_datetime64_any_dtype(values):
                values = [None if pd.isna(v) else v.date() for v in values]
            out[column] = values
        else:
            out[column] = None
    if registry.name == "enterprise_list":
        out["uscc_valid"] = [uscc_check_character(u[:17]) == u[17:] for u in frame["uscc"]]
    if registry.name == "site_list":
        out["in_service"] = frame["status"]
    return out[RECORD_COLUMNS]
