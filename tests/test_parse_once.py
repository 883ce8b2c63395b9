"""A file is parsed and judged once on its way in: the intake (upload service, `digecon submit`, the inbox)
keeps its report and the cells it read beside it, and the pipeline loads those. Only a rebuild parses
again. Counted by wrapping the one function that opens a submitted file (indicators.readers.read_grid)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from indicators import readers, validation
from pipelines import runner
from pipelines.inbox import land_file, offline_intake, submitter
from pipelines.paths import Paths

pytestmark = pytest.mark.slow
REFERENCE_DATE = dt.date(2024, 1, 10)
ACCEPTED = "城市代码,期间,指标代码,数值,单位\n441900,2023-12,fiveg_base_stations,9100,个\n".encode()
REJECTED = "城市代码,期间,指标代码,数值,单位\n441900,2023-12,fiveg_base_stations,-5,个\n".encode()


@pytest.fixture
def parses(monkeypatch):
    """Every file opened by the readers, by name, in order."""
    opened = []
    real = readers.read_grid

    def counting(path, *, name=None, **kwargs):
        opened.append(name or path.name)
        return real(path, name=name, **kwargs)

    monkeypatch.setattr(validation, "read_grid", counting)
    monkeypatch.setattr(readers, "read_grid", counting)
    return opened


def test_a_file_is_parsed_once_on_its_way_in_and_again_only_by_a_rebuild(tmp_path, monkeypatch, parses):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    paths = Paths.resolve(tmp_path / "home")
    intake = offline_intake(paths)
    who = submitter("pilot-441900", "陈东莞", "cli")
    assert land_file(intake, who, "东莞-2023-12.csv", ACCEPTED).status == 201
    assert land_file(intake, who, "东莞-负数.csv", REJECTED).status == 422
    assert parses == ["东莞-2023-12.csv", "东莞-负数.csv"]

    assert runner.run(paths, REFERENCE_DATE, with_sample=False) == 0
    assert parses == ["东莞-2023-12.csv", "东莞-负数.csv"]  # the run loaded what the intake kept
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        assert con.execute("SELECT value FROM core.observations").fetchall() == [(9100,)]
        # The rejected file is quarantined with the cell it tried to send, from the kept cells.
        assert con.execute("SELECT area_code, period, indicator_code FROM ops.rejected_cells").fetchall() == [
            ("441900", dt.date(2023, 12, 1), "fiveg_base_stations")]

    assert runner.rebuild(paths, REFERENCE_DATE) == 0
    assert sorted(parses[2:]) == ["东莞-2023-12.csv", "东莞-负数.csv"]  # a rebuild judges every file again
