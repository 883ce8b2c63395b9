"""Session guard: no test may write into the working tree (everything goes to temporary folders)."""

import subprocess
from pathlib import Path

import pytest
from mart_support import Loader, prepared_build_db

from pipelines.paths import Paths

ROOT = Path(__file__).resolve().parents[1]
NOT_WRITTEN_BY_TESTS = ("__pycache__", ".pytest_cache", ".venv/", ".egg-info")


def _tree_state() -> set[str] | None:
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None  # not a git checkout: nothing to compare
    return {line for line in out.splitlines() if not any(part in line for part in NOT_WRITTEN_BY_TESTS)}


@pytest.fixture
def loader(tmp_path):
    """Hand-made submissions loaded straight into a build DB in tmp_path/home (tests/mart_support.py)."""
    paths = Paths.resolve(tmp_path / "home")
    with prepared_build_db(paths) as con:
        yield Loader(con, paths)


def pytest_sessionstart(session):
    session.config._tree_before = _tree_state()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_tree_before", None)
    after = _tree_state()
    if before is None or after is None:
        return
    written = sorted(after - before)
    if written:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            "tests wrote into the working tree:\n  " + "\n  ".join(written), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
