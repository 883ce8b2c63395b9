"""The load benchmark at a small size (benchmarks/service_load.py): distinct files from six tokens and
the same bytes several times, all at once. What it finds is asserted; its times are only recorded by the
benchmark at full size."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from service_load import PROFILES, run_load  # noqa: E402

pytestmark = pytest.mark.slow


def test_concurrent_uploads_land_once_each_and_the_same_bytes_give_one_submission(tmp_path):
    per_token, same_times = 2, 4

    load = run_load(tmp_path / "home", per_token=per_token, same_times=same_times)

    assert load.statuses["distinct"] == [201] * per_token * len(PROFILES)
    assert sorted(load.statuses["same"]) == [200] * (same_times - 1) + [201]
    assert load.landed_once and load.same_bytes_submissions == 1
    assert len(load.seconds) == per_token * len(PROFILES) + same_times
    assert load.peak_rss_mb > 0
