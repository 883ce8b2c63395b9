"""sql/, expectations/ and the YAML/CSV data ship inside the package, so a non-editable install works."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_carries_sql_expectations_and_reference_data(tmp_path):
    source = tmp_path / "src"  # build from a copy: building writes build/ and *.egg-info beside the sources
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "warehouse", "__pycache__",
                                                                "*.egg-info", "build"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path / "dist"), str(source)], check=True)
    wheel = next((tmp_path / "dist").glob("digecon-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("sql/schema/00_schemas.sql", "sql/core/10_vintages.sql", "sql/marts/observations.sql",
                     "indicators/data/catalogue.yaml", "indicators/data/cities.csv",
                     "indicators/data/targets.yaml", "indicators/data/profiles.yaml", "pipelines/dagster.yaml",
                     "expectations/rules.yaml", "sql/serving_reads/served_cells.sql",
                     "pipelines/bulletin/bulletin.css", "pipelines/bulletin/page.py", "sql/report/targets.sql",
                     "indicators/data/report.yaml"):
        assert required in names, required
    assert any(n.startswith("expectations/") and n.endswith(".json") for n in names)
