"""Checking a registry's list (indicators/registers.py): its suite in expectations/<registry>.json run by
the same compiled SQL as a file of values, and the rules GX cannot express (the USCC check character,
the registration area, repeated rows, racks and energy that contradict each other) checked here.

A list can hold millions of rows (a province's 5G sites), so it is never held as Python records or a pandas
frame: its rows stream in batches into a DuckDB table (`list_rows`: each field as written and as parsed, a
distinct cell parsed once), every rule runs there as SQL (sql/register_checks/), and only the rows a
finding lists are read back.

A finding names the sheet, the row and the column as headed in the file, in Chinese and English. Any
error rejects the whole list: nothing of it loads. An accepted list's records (`RECORD_COLUMNS`) are what
the build DB keeps (core.register_records) and aggregates (sql/registers/).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
from importlib import resources
from operator import itemgetter

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from indicators import reference
from indicators.readers import FOOTER_LABELS, ReadLimits, TextSource, column_label
from indicators.registers import (
    REGISTRIES,
    USCC_CHARSET,
    USCC_WEIGHTS,
    Field,
    Registry,
    band_key,
    city_name,
    parse_field,
)
from indicators.suites import SuiteRunner
from indicators.validation import CheckedFile, _check_formulas, _Findings, _Reading, _rejected
from indicators.values import cell_text

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
    "site_operator_unknown": "operator", "site_county_not_in_city": "county_code",
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
BATCH_ROWS = 65_536  # rows held as Python objects before they become Arrow columns: a few MB at a time

# What each kind of field becomes in list_rows besides its text: (column suffix, Arrow type) per output of
# _parsed(). A kind without an entry (text, code) is parsed from its text in bulk (_folded).
PARSED_COLUMNS = {
    "period": (("", pa.date32()), ("_end", pa.date32()), ("_year_start", pa.date32())),
    "city": (("", pa.string()),),
    "date": (("", pa.date32()),),
    "number": (("", pa.float64()),),
    "flag": (("", pa.bool_()), ("_key", pa.string())),
    "band": (("", pa.string()), ("_key", pa.string())),
    "status": (("", pa.bool_()), ("_folded", pa.string())),
}


# What str.strip() removes (the readers' cell_text): DuckDB's trim is told the characters.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _line_per_record(data: bytes) -> bool:
    """Whether every line of a CSV is one record, and Arrow's reader counts the lines as the csv module
    numbers them: no quote (a record may span lines), no blank line and no lone CR (Arrow skips a blank one)."""
    return (b'"' not in data and b"\n\n" not in data and b"\n\r\n" not in data
            and not data.startswith((b"\n", b"\r\n")) and data.count(b"\r") == data.count(b"\r\n"))


@functools.cache
def _runner(suite: str) -> SuiteRunner:
    return SuiteRunner(suite, "row_id")


def _check_sql(name: str) -> str:
    return resources.files("sql").joinpath("register_checks", name).read_text(encoding="utf-8")


def _parsed(field: Field, value: object, freq: str) -> tuple:
    """A cell of `field` as list_rows holds it (PARSED_COLUMNS): parsed, and what the suite compares."""
    parsed = parse_field(field, value, freq)
    if field.kind == "period":
        if parsed is None:
            return None, None, None
        return parsed.start, parsed.end, dt.date(parsed.start.year, 1, 1)
    text = cell_text(value)
    if field.kind == "flag":
        return parsed, reference.fold(text).casefold()
    if field.kind == "band":
        return parsed, band_key(text)
    if field.kind == "status":
        return parsed, reference.fold(text)
    return (parsed,)


def _parsed_columns(field: Field, parsed: list[tuple]) -> dict[str, pa.Array]:
    """The list_rows columns of a field (PARSED_COLUMNS) from its cells' _parsed() tuples."""
    return {f"{field.name}{suffix}": pa.array([p[index] for p in parsed], arrow_type)
            for index, (suffix, arrow_type) in enumerate(PARSED_COLUMNS[field.kind])}


def _folded(field: Field, texts: list[str]) -> list[str | None]:
    """A text or code field parsed as registers.parse_field does, ASCII (no NFKC change) without the call."""
    others = {t: parse_field(field, t, "") for t in {t for t in texts if not t.isascii()}}
    if field.kind == "code":
        return [t.upper().replace(" ", "") if t.isascii() else others[t] for t in texts]
    return [(t or None) if t.isascii() else others[t] for t in texts]


class _Rows:
    """A list's rows in DuckDB table `list_rows`, with where each field is written."""

    def __init__(self, registry: Registry, con: duckdb.DuckDBPyConnection, sheet: str | None, headers: list[str],
                 columns: dict[str, int]):
        self.registry = registry
        self.con = con
        self.sheet = sheet
        self.header = {name: column_label(headers, index) for name, index in columns.items()}
        self.count = 0
        self.chunks: list[pa.Table] = []  # the batches read, in Arrow until list_rows is made of them all

    def place(self, row: dict, field: str) -> tuple:
        return (self.sheet, int(row["source_row"]), self.header[field], row[f"{field}_text"])

    def fetch(self, row_ids: list[int]) -> dict[int, dict]:
        """The rows with these ids, as dictionaries (only the rows a finding lists are read back)."""
        if not row_ids:
            return {}
        cursor = self.con.execute("SELECT * FROM list_rows WHERE list_contains($ids, row_id)", {"ids": row_ids})
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}

    def load(self, table, text: TextSource | None, limits: ReadLimits) -> None:
        """Makes list_rows of the table's data rows: a plain UTF-8 CSV whole (_load_csv), any other file
        row by row (_load_rows)."""
        if not self._load_csv(table, text, limits):
            self._load_rows(table)

    def _load_csv(self, table, text: TextSource | None, limits: ReadLimits) -> bool:
        """A UTF-8 CSV in which every line is one record as wide as the first data row, read whole by Arrow's
        C++ reader and made list_rows in SQL: the same table the row-by-row reader makes, several times
        faster. False, having read nothing of the table's rows, where that does not hold or a limit is near
        (the row-by-row reader then reads the list, and names the row over a limit)."""
        if text is None or text.encoding != "utf-8-sig":
            return False
        data = text.path.read_bytes()
        first = next(table.data_rows, None)
        if first is None or not _line_per_record(data):
            table.data_rows = itertools.chain([first] if first else [], table.data_rows)
            return False
        table.data_rows = itertools.chain([first], table.data_rows)
        number, cells = first
        positions = [table.roles[f.name] for f in self.registry.fields]
        names = [f"c{i}" for i in range(len(cells))]  # the names csv_rows.sql reads the cells by
        if len(cells) > limits.max_columns or max(positions) >= len(cells):
            return False
        try:  # lines before the first data row are lines to skip: every line is one record here
            lines = pacsv.read_csv(io.BytesIO(data), read_options=pacsv.ReadOptions(
                skip_rows=number - 1, column_names=names), parse_options=pacsv.ParseOptions(
                delimiter=text.delimiter, quote_char=False, newlines_in_values=False, ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                     strings_can_be_null=False))
        except pa.ArrowInvalid:  # a row of another width
            return False
        longest = max((pc.max(pc.utf8_length(column)).as_py() or 0 for column in lines.columns), default=0)
        if number - 1 + lines.num_rows > limits.max_rows or longest > limits.max_cell_chars:
            return False
        self.con.register("csv_lines", lines.append_column("line", pa.array(
            range(number, number + lines.num_rows), pa.int64())))
        self.con.execute(_check_sql("csv_rows.sql"), {"whitespace": WHITESPACE, "footers": list(FOOTER_LABELS)})
        self.con.unregister("csv_lines")
        self._parse_texts(positions)
        self.count = table.rows_read = self.con.execute("SELECT count(*) FROM list_rows").fetchone()[0]
        return True

    def _parse_texts(self, positions: list[int]) -> None:
        """list_rows from csv_rows: each field's text (its column's cell) and the field parsed as _convert
        parses it, a distinct text once."""
        registry = self.registry
        self.con.execute("CREATE TEMP VIEW csv_texts AS SELECT row_id, source_row, " + ", ".join(
            f"c{p} AS {f.name}_text" for f, p in zip(registry.fields, positions, strict=True)) + " FROM csv_rows")
        selected, joins = ["r.*"], []
        for index, field in enumerate(registry.fields):
            text = f"{field.name}_text"
            outputs = PARSED_COLUMNS.get(field.kind)
            query = (f"SELECT DISTINCT {text} FROM csv_texts" if outputs else
                     f"SELECT DISTINCT {text} FROM csv_texts WHERE NOT regexp_full_match({text}, '[[:ascii:]]*')")
            distinct = [row[0] for row in self.con.execute(query).fetchall()]
            if outputs:
                columns = _parsed_columns(field, [_parsed(field, t, registry.freq) for t in distinct])
                selected += [f"m{index}.{name}" for name in columns]
            else:
                columns = {field.name: pa.array(_folded(field, distinct), pa.string())}
                ascii_value = (f"upper(replace(r.{text}, ' ', ''))" if field.kind == "code"
                               else f"nullif(r.{text}, '')")
                selected.append(f"CASE WHEN regexp_full_match(r.{text}, '[[:ascii:]]*') THEN {ascii_value} "
                                f"ELSE m{index}.{field.name} END AS {field.name}")
            self.con.register(f"parsed_{index}", pa.table({text: pa.array(distinct, pa.string()), **columns}))
            joins.append(f"LEFT JOIN parsed_{index} m{index} ON m{index}.{text} = r.{text}")
        self.con.execute(f"CREATE TABLE list_rows AS SELECT {', '.join(selected)} FROM csv_texts r "
                         f"{' '.join(joins)} ORDER BY r.row_id")
        for index in range(len(registry.fields)):
            self.con.unregister(f"parsed_{index}")

    def _load_rows(self, table) -> None:
        """Reads the table's data rows into Arrow columns, BATCH_ROWS at a time, then makes list_rows of them;
        each distinct cell of a field with few values (a period, a city, a band …) is parsed once."""
        registry = self.registry
        positions = [table.roles[f.name] for f in registry.fields]
        width = max(positions) + 1
        caches: dict[str, dict] = {f.name: {} for f in registry.fields}
        batch: list[tuple[int, list]] = []
        for number, cells in table.data_rows:
            table.rows_read += 1
            batch.append((number, cells if len(cells) >= width else [*cells, *[None] * (width - len(cells))]))
            if len(batch) == BATCH_ROWS:
                self._convert(batch, positions, caches)
                batch = []
        if batch or not self.chunks:  # an empty list still makes its (empty) table
            self._convert(batch, positions, caches)
        # One CREATE from all the batches: inserting batch by batch costs DuckDB several times as much.
        self.con.register("chunks", pa.concat_tables(self.chunks))
        self.con.execute("CREATE TABLE list_rows AS SELECT * FROM chunks")
        self.con.unregister("chunks")
        self.chunks = []

    def _convert(self, batch: list[tuple[int, list]], positions: list[int], caches: dict[str, dict]) -> None:
        registry = self.registry
        rows = [cells for _, cells in batch]
        arrays = {"row_id": pa.array(range(self.count, self.count + len(batch)), pa.int64()),
                  "source_row": pa.array([number for number, _ in batch], pa.int64())}
        for field, position in zip(registry.fields, positions, strict=True):
            raw = list(map(itemgetter(position), rows))
            texts = [v.strip() if v.__class__ is str else cell_text(v) for v in raw]
            arrays[f"{field.name}_text"] = pa.array(texts, pa.string())
            if field.kind not in PARSED_COLUMNS:
                arrays[field.name] = pa.array(_folded(field, texts), pa.string())
                continue
            # a dictionary key per cell: 1, 1.0 and True are equal keys, but not the same cell
            keys = [v if v.__class__ is str else (v.__class__, v) for v in raw]
            cache = caches[field.name]
            for key in set(keys).difference(cache):
                cache[key] = _parsed(field, key if key.__class__ is str else key[1], registry.freq)
            arrays.update(_parsed_columns(field, [cache[k] for k in keys]))
        self.chunks.append(pa.table(arrays))
        self.count += len(batch)


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
    with duckdb.connect() as con:
        con.execute(_check_sql("macros.sql"))
        rows = _Rows(registry, con, table.sheet, table.headers, table.roles)
        rows.load(table, reading.grid.text, validator.limits)
        findings.count("unreadable", evaluated=1)
        findings.count("limit_exceeded", evaluated=1)
        _check_formulas(reading.grid, table, findings)
        findings.count("no_data_rows", evaluated=1, failed=int(not rows.count))
        if not rows.count:
            findings.add("no_data_rows")
            return _rejected(findings, report_fields, rows=0)
        _run_suite(rows, findings, reference_date)
        _check_values(rows, findings)
        {"enterprise_list": _check_enterprises, "dc_register": _check_data_centres,
         "site_list": lambda rows, findings: None}[registry.name](rows, findings)
        report = findings.report(**report_fields, rows=rows.count, observations=rows.count)
        if not report.accepted:
            return _rejected(findings, report_fields, rows=rows.count)
        return CheckedFile(report, _records(rows), pd.DataFrame(columns=["area_code", "period", "freq",
                                                                           "indicator_code"]))


def _list(rows: _Rows, findings: _Findings, rule_id: str, failing: list, finding) -> None:
    """Lists the first failing rows of a rule (at most the findings' cap; the rest are counted as not
    listed): `finding(row, extra)` gives each one's (field, keyword arguments)."""
    shown = failing[:findings.cap]
    fetched = rows.fetch([row_id for row_id, _ in shown])
    for row_id, extra in shown:
        row = fetched[row_id]
        field, keywords = finding(row, extra)
        findings.add(rule_id, place=rows.place(row, field), **keywords)
    if len(failing) > len(shown):
        findings.not_listed(rule_id, len(failing) - len(shown))


def _suite_view(registry: Registry) -> str:
    """list_rows as the suite names and types its columns: dates as the timestamps GX compares, a status as
    folded, a data centre's smallest number."""
    replaced = [f"CAST({f.name} AS TIMESTAMP) AS {f.name}" for f in registry.fields if f.kind == "date"]
    replaced += ["CAST(period_end AS TIMESTAMP) AS period_end"]
    replaced += [f"{f.name}_folded AS {f.name}_text" for f in registry.fields if f.kind == "status"]
    added = ["CAST(period AS TIMESTAMP) AS period_start", "CAST(period_year_start AS TIMESTAMP) AS year_start"]
    if registry.name == "dc_register":
        added.append(f"least({', '.join(DC_NUMBERS)}) AS smallest_number")
    if registry.name == "site_list":  # the prefecture of a county (6 digits) or township (9) code, GB/T 2260
        added.append("CASE WHEN regexp_full_match(county_code, '[0-9]{6}([0-9]{3})?') "
                     "THEN substr(county_code, 1, 4) || '00' ELSE county_code END AS county_city_code")
    return f"CREATE VIEW suite_rows AS SELECT * REPLACE ({', '.join(replaced)}), {', '.join(added)} FROM list_rows"


def _run_suite(rows: _Rows, findings: _Findings, reference_date: dt.date) -> None:
    """The registry's GX suite, compiled to SQL, on list_rows."""
    rows.con.execute(_suite_view(rows.registry))
    parameters = {"aggregate_area_codes": reference.aggregate_areas(),
                  "latest_period": dt.datetime.combine(reference_date, dt.time())}
    for outcome in _runner(rows.registry.suite).run_relation(rows.con, "suite_rows", parameters):
        findings.count(outcome.rule_id, evaluated=outcome.evaluated, failed=len(outcome.failing_ids),
                       not_evaluable=outcome.not_evaluable)

        def finding(row: dict, _extra, rule_id=outcome.rule_id) -> tuple[str, dict]:
            field = GX_FIELDS[rule_id] or next(n for n in DC_NUMBERS if row[n] is not None and row[n] < 0)
            return field, {"value_text": row[f"{field}_text"], "column": rows.header[field],
                           "city_name": city_name(row["city_code"])}
        _list(rows, findings, outcome.rule_id, [(i, None) for i in outcome.failing_ids], finding)


def _check_values(rows: _Rows, findings: _Findings) -> None:
    """Each field that must be read as a period, city, date, number or text: blank or unreadable is an error."""
    registry = rows.registry
    checked = [f for f in registry.fields if f.kind in EXPECTED]
    # one row per blank or unreadable cell, in the order a reader meets them (row, then column)
    blanks = " UNION ALL ".join(f"SELECT row_id, {i} AS field FROM list_rows WHERE {f.name} IS NULL"
                                for i, f in enumerate(checked))
    failing = rows.con.execute(f"SELECT row_id, field FROM ({blanks}) ORDER BY row_id, field").fetchall()
    freq_zh, freq_en = reference.FREQ_NAMES[registry.freq]
    names = dict(freq_zh=freq_zh, freq_en=freq_en, example=PERIOD_EXAMPLES[registry.freq])

    def finding(row: dict, field_index: int) -> tuple[str, dict]:
        field = checked[field_index]
        zh, en = EXPECTED[field.kind]
        return field.name, {"value_text": row[f"{field.name}_text"], "column": rows.header[field.name],
                            "expected_zh": zh.format(**names), "expected_en": en.format(**names)}
    findings.count("register_value_invalid", evaluated=rows.count * len(checked), failed=len(failing))
    _list(rows, findings, "register_value_invalid", failing, finding)


def _totals_and_rows(rows: _Rows, name: str, parameters: dict | None = None) -> tuple[dict, list[dict]]:
    """A register_checks query's first row (its totals) and the failing rows after it, by column name."""
    cursor = rows.con.execute(_check_sql(name), parameters or {})
    names = [d[0] for d in cursor.description]
    result = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return result[0], result[1:]


def _check_enterprises(rows: _Rows, findings: _Findings) -> None:
    """The USCC's check character and registration area; a project listed twice; one enterprise under
    two cities."""
    charset = {"charset": USCC_CHARSET}
    totals, wrong = _totals_and_rows(rows, "uscc_check.sql", {**charset, "weights": list(USCC_WEIGHTS)})
    findings.count("ent_uscc_check", evaluated=totals["evaluated"], failed=len(wrong))
    _list(rows, findings, "ent_uscc_check", [(r["row_id"], r["expected_check"]) for r in wrong],
          lambda row, expected: ("uscc", {"value_text": row["uscc_text"], "expected_check": expected}))
    totals, elsewhere = _totals_and_rows(rows, "uscc_area.sql", {**charset, "cities": list(reference.city_by_code())})
    findings.count("ent_uscc_area", evaluated=totals["evaluated"], failed=len(elsewhere))
    _list(rows, findings, "ent_uscc_area", [(r["row_id"], r["registered_area"]) for r in elsewhere],
          lambda row, area: ("uscc", {"value_text": row["uscc_text"], "registered_area": area,
                                      "city_name": city_name(row["city_code"])}))
    totals, failing = _totals_and_rows(rows, "enterprise_repeats.sql")
    repeats = [(r["row_id"], r["first_project_row"]) for r in failing if r["repeated_project"]]
    findings.count("ent_duplicate_project", evaluated=totals["evaluated"], failed=len(repeats))
    _list(rows, findings, "ent_duplicate_project", repeats,
          lambda row, other_row: ("project", {"value_text": row["project_text"], "other_row": other_row}))
    two_cities = [(r["row_id"], r) for r in failing if r["second_city"]]
    findings.count("ent_two_cities", evaluated=totals["evaluated"], failed=len(two_cities))
    _list(rows, findings, "ent_two_cities", two_cities,
          lambda row, first: ("city_code", {"value_text": row["uscc_text"], "other_row": first["first_city_row"],
                                            "other_city": city_name(first["first_city"]),
                                            "city_name": city_name(row["city_code"])}))


def _check_data_centres(rows: _Rows, findings: _Findings) -> None:
    """Racks in use within standard racks; total energy at least IT energy (PUE ≥ 1)."""
    totals, failing = _totals_and_rows(rows, "dc_contradictions.sql")
    for rule_id, field, other, pair in (
            ("dc_racks_in_use_above_standard", "racks_in_use", "standard_racks", "racks"),
            ("dc_total_below_it", "total_energy_mwh", "it_energy_mwh", "energy")):
        mine = [(r["row_id"], None) for r in failing if r[f"{pair}_contradict"]]
        findings.count(rule_id, evaluated=totals[f"{pair}_evaluated"], failed=len(mine))
        _list(rows, findings, rule_id, mine, lambda row, _extra, field=field, other=other: (
            field, {"value_text": row[f"{field}_text"], "other_value": row[other]}))


def _records(rows: _Rows) -> pd.DataFrame:
    """The records as core.register_records keeps them (strings held by Arrow: a few bytes a cell, not a
    Python object each)."""
    registry = rows.registry
    present = {f.name for f in registry.fields}
    renamed = {"area_code": "city_code", "unit_id": f"CAST({registry.unit_field} AS VARCHAR)",
               "in_service": "status" if "status" in present else None,
               "uscc_valid": "uscc_valid(uscc, $charset, $weights)" if "uscc" in present else None}
    columns = ["$registry AS registry", "CAST(source_row AS INTEGER) AS source_row", "period", "$freq AS freq"]
    for column in RECORD_COLUMNS[4:]:
        expression = renamed.get(column, column if column in present else None)
        columns.append(f"{expression or 'NULL'} AS {column}")
    parameters = {"registry": registry.name, "freq": registry.freq}
    if "uscc" in present:
        parameters.update(charset=USCC_CHARSET, weights=list(USCC_WEIGHTS))
    query = rows.con.sql(f"SELECT {', '.join(columns)} FROM list_rows ORDER BY row_id", params=parameters)
    return query.to_arrow_table().to_pandas(types_mapper=pd.ArrowDtype)
