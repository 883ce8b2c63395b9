"""indicators/workers.py: work spread over worker processes."""

from __future__ import annotations

import os
import subprocess

from indicators.workers import each_in_processes


def test_results_come_in_order_with_what_each_worker_was_given_once(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert list(each_in_processes(divmod, [(7,), (9,), (11,)], shared=(23,))) == [(3, 2), (2, 5), (2, 1)]


def test_a_caller_that_stops_early_does_not_wait_for_the_tasks_it_will_not_take(monkeypatch, tmp_path):
    """Leaving the loop (an error in a run's intake) cancels the queued tasks: Executor.map's iterator does."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    tasks = [(["sh", "-c", f"sleep 1 && mkdir {tmp_path / str(n)}"],) for n in range(8)]
    results = each_in_processes(subprocess.call, tasks)
    assert next(results) == 0
    results.close()
    done = len(list(tmp_path.iterdir()))
    assert 1 <= done < len(tasks)  # the tasks already running end; the others never start
