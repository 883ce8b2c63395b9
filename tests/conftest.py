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


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory) -> Paths:
    """The bundled sample through `digecon run --sample` (what `make run` does), once per session.

    Shared by every test that reads the sample's warehouse; a test may run the pipeline on it again only if
    the marts stay as they were (a rerun with nothing new, a rebuild). Its Dagster instance is the folder
    `dagster` beside the home; DAGSTER_HOME points there only while the sample is built, so a test that
    runs the pipeline again sets it itself.
    """
    from indicators.sample import SAMPLE_REFERENCE_DATE
    from pipelines import runner

    tmp = tmp_path_factory.mktemp("sample")
    (tmp / "dagster").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(tmp / "dagster"))
        paths = Paths.resolve(tmp / "home")
        runner.run(paths, SAMPLE_REFERENCE_DATE, with_sample=True)
    return paths


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


# Debian's headless Chromium, driven by playwright's client: the one browser of the page tests
# (tests/test_upload_page.py, tests/test_report.py), which skip where it is not installed.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
