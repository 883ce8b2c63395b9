"""Running an expectation suite from `expectations/` on a frame of rows: per rule, how many rows were
evaluated, how many could not be (a blank the expectation skips), and the ids of the rows that failed.

The suites (GX 1.x suite JSON) are the single source of the rules; every caller (a submitted file's values,
a registry's records) runs them through `SuiteRunner`, which executes them as DuckDB SQL compiled from the
suite (`indicators.suite_sql`), counting as GX counts, without importing GX. `GXSuiteRunner` runs the same
suite on GX itself: only the parity test (tests/test_suite_parity.py) uses it, to prove the two agree.
"""

from __future__ import annotations

import functools
import json
import threading
from importlib import resources

import pandas as pd

from indicators.suite_sql import CompiledSuite, RuleOutcome, SuiteError, UnsupportedExpectation

__all__ = ["GXSuiteRunner", "RuleOutcome", "SuiteError", "SuiteRunner", "UnsupportedExpectation", "suite_definition"]


@functools.cache
def suite_definition(file_name: str) -> dict:
    """A suite as stored in expectations/<file_name> (GX 1.x ExpectationSuite JSON)."""
    return json.loads(resources.files("expectations").joinpath(file_name).read_text(encoding="utf-8"))


class SuiteRunner(CompiledSuite):
    """One suite, compiled once: an expectation type or keyword the compiler cannot run exactly as GX would
    is refused here, at start-up (UnsupportedExpectation). `run(rows, parameters)` may be called from several
    threads; `id_column` identifies a row in the findings (unique within a frame)."""

    def __init__(self, file_name: str, id_column: str) -> None:
        super().__init__(suite_definition(file_name), id_column)


class GXSuiteRunner:
    """The same suite run by Great Expectations on pandas (slow to import and to set up): the reference the
    compiled SQL is tested against. `run` has SuiteRunner's signature and outcomes."""

    def __init__(self, file_name: str | None, id_column: str, definition: dict | None = None) -> None:
        import great_expectations as gx
        from great_expectations.core import ExpectationSuite
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self.definition = definition if definition is not None else suite_definition(file_name)
        self.id_column = id_column
        self._lock = threading.Lock()  # GX keeps process-global state
        context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(), analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
        ))
        batch = context.data_sources.add_pandas("rows").add_dataframe_asset("rows") \
            .add_batch_definition_whole_dataframe("whole frame")
        suite = context.suites.add(ExpectationSuite(**self.definition))
        self._validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=self.definition["name"], data=batch, suite=suite))

    def run(self, rows: pd.DataFrame, parameters: dict) -> list[RuleOutcome]:
        """Every expectation's outcome on `rows`, in the suite's order; `parameters` fill its $PARAMETERs.
        Raises SuiteError where GX raised on an expectation."""
        result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [self.id_column]}
        with self._lock:
            try:
                outcome = self._validation.run(batch_parameters={"dataframe": rows},
                                               expectation_parameters=parameters, result_format=result_format)
            except Exception as exc:  # GX refuses a parameter's value (pydantic) for the whole suite
                raise SuiteError(f"GX refused the suite {self.definition['name']}: {exc}") from exc
        outcomes = []
        for expectation in outcome.results:
            rule_id = expectation.expectation_config.meta["rule_id"]
            result = expectation.result
            info = expectation.exception_info  # flat, or one entry per metric GX tried to compute
            raised = info.get("raised_exception") or any(isinstance(v, dict) and v.get("raised_exception")
                                                         for v in info.values())
            if raised or "element_count" not in result:
                raise SuiteError(f"GX failed on rule {rule_id}: {info}")
            missing = result.get("missing_count") or 0
            failing = sorted(int(index[self.id_column]) for index in result.get("unexpected_index_list") or [])
            outcomes.append(RuleOutcome(rule_id, result["element_count"] - missing, missing, tuple(failing)))
        return outcomes
