"""Running an expectation suite from `expectations/` on a frame of rows: per rule, how many rows were
evaluated, how many could not be (a blank the expectation skips), and the ids of the rows that failed.

The suites are the single source of the rules; every caller (a submitted file's values, a registry's
records) runs them through `SuiteRunner`, so how a suite is executed is decided in one place.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass
from importlib import resources

import pandas as pd


@dataclass(frozen=True)
class RuleOutcome:
    rule_id: str  # the expectation's meta.rule_id (expectations/rules.yaml)
    evaluated: int  # rows the expectation judged
    not_evaluable: int  # rows it skipped because a column it reads is blank
    failing_ids: tuple[int, ...]  # the id column of the rows that failed, ascending


@functools.cache
def suite_definition(file_name: str) -> dict:
    """A suite as stored in expectations/<file_name> (GX 1.x ExpectationSuite JSON)."""
    return json.loads(resources.files("expectations").joinpath(file_name).read_text(encoding="utf-8"))


class SuiteRunner:
    """One suite, set up once (GX is slow to import and to set up); `run` may be called from several threads.
    `id_column` identifies a row in the findings (unique within a frame)."""

    def __init__(self, file_name: str, id_column: str) -> None:
        import great_expectations as gx
        from great_expectations.core import ExpectationSuite
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self.definition = suite_definition(file_name)
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
        """Every expectation's outcome on `rows`, in the suite's order; `parameters` fill its $PARAMETERs."""
        result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [self.id_column]}
        with self._lock:
            outcome = self._validation.run(batch_parameters={"dataframe": rows},
                                           expectation_parameters=parameters, result_format=result_format)
        outcomes = []
        for expectation in outcome.results:
            rule_id = expectation.expectation_config.meta["rule_id"]
            if expectation.exception_info.get("raised_exception"):
                raise RuntimeError(f"GX failed on rule {rule_id}: {expectation.exception_info}")
            result = expectation.result
            missing = result.get("missing_count") or 0
            failing = sorted(int(index[self.id_column]) for index in result.get("unexpected_index_list") or [])
            outcomes.append(RuleOutcome(rule_id, result["element_count"] - missing, missing, tuple(failing)))
        return outcomes
