"""Every BI recipe in README.md and docs/ runs, as written, on the bundled sample's serving DB and returns rows.

A recipe is each statement of a ```sql block, and each query (a string constant that starts with SELECT,
WITH or FROM) in a ```python block. A query anywhere else in a code block fails the test below, so no
recipe escapes it. The serving DB is the one `make run` publishes (conftest.py's `sample_home`), opened
read-only as the docs tell BI to.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
BI_DOCS = ("README.md", "docs/marts.md", "docs/operations.md")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
QUERY = re.compile(r"\s*(SELECT|WITH|FROM)\b", re.I)
pytestmark = pytest.mark.slow  # the sample run
# Recipes that the sample cannot answer yet, by the relation they read, and why: strict, so the entry must go
# as soon as the sample gives them rows.
@dataclass(frozen=True)
class Recipe:
    doc: str
    line: int  # where the statement or the Python string starts in the doc
    sql: str

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}"


def code_blocks(doc: str) -> list[tuple[str, int, str]]:
    """(language, line of the block's first code line, code) of each fenced block of `doc`."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    return [(m.group(1), text.count("\n", 0, m.start(2)) + 1, m.group(2)) for m in FENCE.finditer(text)]


def sql_statements(block: str, first_line: int) -> list[tuple[int, str]]:
    """Each statement of a SQL block (with the comment that names it) and its line, as DuckDB splits them."""
    found, offset = [], 0
    with duckdb.connect() as con:
        for statement in con.extract_statements(block):
            text = statement.query.strip()
            start = block.index(text, offset)
            offset = start + len(text)
            found.append((first_line + block.count("\n", 0, start), text))
    return found


def python_queries(block: str, first_line: int) -> list[tuple[int, str]]:
    """Each string constant of a Python block that is a query (implicitly joined literals count as one)."""
    return [(first_line + node.lineno - 1, node.value) for node in ast.walk(ast.parse(block))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and QUERY.match(node.value)]


def recipes() -> list[Recipe]:
    found = []
    for doc in BI_DOCS:
        for language, line, code in code_blocks(doc):
            if language == "sql":
                found += [Recipe(doc, at, sql) for at, sql in sql_statements(code, line)]
            elif language == "python":
                found += [Recipe(doc, at, sql) for at, sql in python_queries(code, line)]
    return found


RECIPES = recipes()


@pytest.mark.parametrize("recipe", RECIPES, ids=str)
def test_recipe_returns_rows_on_the_sample(recipe, sample_home):
    with duckdb.connect(str(sample_home.serving_db), read_only=True) as con:
        rows = con.execute(recipe.sql).fetchall()
    assert rows, f"{recipe}: the recipe returns no row on the sample:\n{recipe.sql}"


def test_every_query_in_the_bi_docs_is_a_recipe():
    """A query in a shell, JSON or unmarked block would not be run above: write it as a ```sql block."""
    outside = [f"{doc}:{line}" for doc in BI_DOCS for language, line, code in code_blocks(doc)
               if language not in {"sql", "python"} and re.search(r"\bSELECT\b", code, re.I)]
    assert outside == []
    assert {"README.md", "docs/marts.md"} <= {recipe.doc for recipe in RECIPES}
