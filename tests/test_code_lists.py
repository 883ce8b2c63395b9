"""Every code a mart column can hold is documented: in docs/marts.md and in the column's COMMENT.

A column's codes are gathered from everything that can put one there, never typed into this test:
- the code lists the serving DB declares (`ref.status_labels`, by column name) and the SDMX code lists of
  the shipped DSD (CL_FREQ, CL_OBS_STATUS, CL_CONF_STATUS): a column named for a list, or ending in
  `_<list>` (`actual_obs_status`), takes its codes; and the CHECK (column IN (…)) constraints of sql/schema;
- the string constants the mart's SQL can write into the column (CASE branches, literals, VALUES, the
  mart macros they call), read with DuckDB's own parser from sql/marts;
- the values the sample's serving DB holds in a column with a declared list, and in the columns whose codes
  come from configuration (CONFIGURED).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
SQL = ROOT / "sql"
MARTS_DOC = ROOT / "docs" / "marts.md"
DSD = ROOT / "pipelines" / "sdmx" / "dsd.xml"
# Columns whose codes come from the YAML configuration rather than SQL: the catalogue's series kinds, the
# targets' kinds, the validation rules' severities and quality dimensions.
CONFIGURED = {"series_kind", "target_kind", "severity", "dimension"}
# A mart's statement: CREATE TABLE … AS, INSERT INTO … BY NAME, or the table macro <mart>_in(scope) of a mart
# refreshed per indicator family (pipelines/build.py).
MART_STATEMENT = re.compile(r"\s*(?:(?:CREATE\s+OR\s+REPLACE\s+TABLE|INSERT\s+INTO)\s+mart\.(\w+)\s+(?:AS|BY\s+NAME)"
                            r"|CREATE\s+OR\s+REPLACE\s+MACRO\s+mart\.(\w+)_in\s*\(\w+\)\s+AS\s+TABLE)\s+(.*)",
                            re.S | re.I)
MACRO = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?MACRO\s+mart\.(\w+)\s*\([^)]*\)\s+AS\s+(.*?);?\s*$", re.S | re.I)
CHECK_IN = re.compile(r"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^()]*)\)\s*\)", re.I)
QUOTED = re.compile(r"'((?:[^']|'')*)'")
pytestmark = pytest.mark.slow  # the sample run


def statements(path: Path, con: duckdb.DuckDBPyConnection) -> list[str]:
    """The statements of a SQL file as DuckDB splits them, without their comment lines."""
    return ["\n".join(line for line in statement.query.splitlines() if not line.lstrip().startswith("--"))
            for statement in con.extract_statements(path.read_text(encoding="utf-8"))]


class SqlLiterals:
    """The string constants SQL can write into each column, from DuckDB's parse tree of the statements."""

    def __init__(self) -> None:
        self.con = duckdb.connect()
        self.macros: dict[str, set[str]] = {}
        for path in sorted(SQL.rglob("*.sql")):  # the mart macros, in file order (a macro may use an earlier one)
            for statement in statements(path, self.con):
                macro = MACRO.match(statement)
                if macro and not macro.group(2).lstrip().upper().startswith("TABLE"):
                    self.macros[macro.group(1)] = self.outputs(self.tree("SELECT " + macro.group(2))["select_list"][0])

    def tree(self, select: str) -> dict:
        parsed = json.loads(self.con.execute("SELECT json_serialize_sql($1)", [select]).fetchone()[0])
        assert not parsed["error"], parsed
        return parsed["statements"][0]["node"]

    def outputs(self, expression: dict) -> set[str]:
        """The strings an expression can evaluate to: a constant, a CASE's branches, a mart macro's."""
        kind = expression.get("class")
        if kind == "CONSTANT":
            return {expression["literal"]["text"]} if expression["literal"]["kind"] == "STRING" else set()
        if kind == "CASE":
            branches = [check["then_expr"] for check in expression["case_checks"]] + [expression["else_expr"]]
            return set().union(*(self.outputs(branch) for branch in branches))
        if kind == "CAST":
            return self.outputs(expression["child"])
        if kind == "FUNCTION" and expression.get("schema") == "mart":
            return self.macros.get(expression["function_name"], set())
        return set()

    def by_column(self) -> dict[tuple[str, str], set[str]]:
        """(mart table, column) → strings any expression so named in the table's SQL can produce."""
        found: dict[tuple[str, str], set[str]] = defaultdict(set)

        def walk(node, table: str) -> None:
            if isinstance(node, dict):
                if node.get("class") and node.get("alias"):
                    found[(table, node["alias"])] |= self.outputs(node)
                if node.get("aliases"):  # WITH t(col, …) AS (VALUES …): the rows' constants are col's
                    rows = ((node.get("query_node") or {}).get("from_table") or {}).get("values", [])
                    for row in rows:
                        for name, expression in zip(node["aliases"], row, strict=True):
                            found[(table, name)] |= self.outputs(expression)
                for child in node.values():
                    walk(child, table)
            elif isinstance(node, list):
                for child in node:
                    walk(child, table)

        for path in sorted((SQL / "marts").glob("*.sql")):
            for statement in statements(path, self.con):
                builds = MART_STATEMENT.match(statement)
                if builds:
                    walk(self.tree(builds.group(3)), builds.group(1) or builds.group(2))
        return {key: codes for key, codes in found.items() if codes}


def code_lists(serving: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Named code lists → codes: ref.status_labels and the DSD's (CL_CONF_STATUS is `conf_status`)."""
    lists: dict[str, set[str]] = defaultdict(set)
    for code_list, code in serving.execute("SELECT code_list, code FROM ref.status_labels").fetchall():
        lists[code_list].add(code)
    structure = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
    for codelist in ET.parse(DSD).iter(f"{structure}Codelist"):
        name = codelist.get("id").removeprefix("CL_").lower()
        lists[name] |= {code.get("id") for code in codelist.iter(f"{structure}Code")}
    return lists


def checked_columns() -> dict[str, set[str]]:
    """Column name → codes its CHECK (column IN (…)) constraints in sql/schema allow."""
    checked: dict[str, set[str]] = defaultdict(set)
    for path in sorted((SQL / "schema").glob("*.sql")):
        for column, codes in CHECK_IN.findall(path.read_text(encoding="utf-8")):
            checked[column] |= {code.replace("''", "'") for code in QUOTED.findall(codes)}
    return checked


def list_for(column: str, lists: dict[str, set[str]]) -> str | None:
    """The code list a column is named for: its own name, or the longest `_<list>` it ends in."""
    named = [name for name in lists if column == name or column.endswith("_" + name)]
    return max(named, key=len) if named else None


def code_columns(serving: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set[str]]:
    """(mart table or view, column) → every code it can hold, for the columns that hold codes."""
    lists, checked, literals = code_lists(serving), checked_columns(), SqlLiterals().by_column()
    found = {}
    for relation, column in serving.execute("SELECT table_name, column_name FROM duckdb_columns()"
                                            " WHERE schema_name = 'mart' ORDER BY ALL").fetchall():
        table = relation.removeprefix("v_released_")  # a released view holds its table's codes
        declared = lists.get(list_for(column, lists), set()) | checked.get(column, set())
        codes = declared | literals.get((table, column), set())
        if declared or column in CONFIGURED:
            codes |= {value for (value,) in serving.execute(
                f'SELECT DISTINCT "{column}"::VARCHAR FROM mart."{relation}" WHERE "{column}" IS NOT NULL').fetchall()}
        if codes:
            found[(relation, column)] = codes
    return found


def mentions(text: str, code: str) -> bool:
    """`code` stands alone in `text` (not inside a longer word or operator)."""
    return re.search(rf"(?<![A-Za-z0-9_<>=%]){re.escape(code)}(?![A-Za-z0-9_<>=%])", text) is not None


def doc_sections() -> list[str]:
    """docs/marts.md cut at every heading."""
    return re.split(r"^#+ ", MARTS_DOC.read_text(encoding="utf-8"), flags=re.M)


@pytest.fixture(scope="module")
def serving(sample_home):
    with duckdb.connect(str(sample_home.serving_db), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def codes(serving) -> dict[tuple[str, str], set[str]]:
    return code_columns(serving)


def test_the_code_columns_are_found_with_their_codes(codes, serving):
    """The gathering itself, against what docs/marts.md and the SQL say by hand."""
    assert codes[("observations", "obs_status")] == {"A", "P", "E", "B", "M", "Q"}  # SQL's CASE, labels, DSD
    assert codes[("target_progress", "actual_obs_status")] == {"A", "P", "E", "B", "M", "Q"}  # by its suffix
    assert codes[("growth", "yoy_flag")] == {"break", "estimate"}  # through the mart.growth_flag macro
    assert codes[("gigabit_city", "basis")] == {"released", "latest"}  # WITH bases(basis) AS (VALUES …)
    assert codes[("v_released_revisions", "revision_type")] == {"revised", "added", "removed"}
    assert codes[("submission_revisions", "change_type")] == {"new_vintage", "withdrawal"}
    assert codes[("completeness", "completeness_status")] == {
        "received", "received_late", "rejected", "missing", "not_yet_due"}
    assert codes[("growth", "series_kind")] == {"stock", "flow", "ytd", "rate"}  # the sample's
    assert codes[("target_progress", "comparison")] == {">=", "<="}  # CHECK in sql/schema/10_ref.sql
    assert ("observations", "value") not in codes and ("observations", "area_code") not in codes


def test_every_code_is_in_its_columns_comment(codes, serving):
    comments = {(relation, column): comment or "" for relation, column, comment in serving.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'mart'").fetchall()}
    missing = {f"mart.{relation}.{column}": sorted(code for code in column_codes
                                                   if not mentions(comments[(relation, column)], code))
               for (relation, column), column_codes in codes.items()}
    assert {column: absent for column, absent in missing.items() if absent} == {}


def test_every_code_is_explained_in_marts_md(codes, serving):
    """Each code column has a section of docs/marts.md that names it and explains each of its codes (`code`).

    The declared lists count even before a mart carries their column (CONF_STATUS, from the DSD)."""
    by_column: dict[str, set[str]] = defaultdict(set)
    for (_, column), column_codes in codes.items():
        by_column[column] |= column_codes
    for name, list_codes in code_lists(serving).items():
        if name != "unit_mult":  # an export attribute only (UNIT_MULT), not a column
            by_column[name] |= list_codes
    sections = doc_sections()
    missing = {}
    for column, column_codes in sorted(by_column.items()):
        naming = [section for section in sections if f"`{column}`" in section]
        best = min(([code for code in sorted(column_codes) if f"`{code}`" not in section] for section in naming),
                   key=len, default=sorted(column_codes))
        if best:
            missing[column] = best
    assert missing == {}
