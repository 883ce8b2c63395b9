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


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1].startswith("Z")  # exited, not yet reaped
    except FileNotFoundError:
        return True


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    """kill -9 of a run leaves its pool no chance to stop its workers: they exit on their own. Before, they
    waited for tasks forever (seen after killing `digecon run --sample` while it checked its files)."""
    import signal
    import sys
    import time

    parent = subprocess.Popen([sys.executable, "-c", (
        "import multiprocessing, os, time\n"
        "from indicators.workers import each_in_processes\n"
        "os.cpu_count = lambda: 2\n"
        "results = each_in_processes(os.getpid, [(), (), (), ()])\n"
        "next(results)\n"
        "print(*[child.pid for child in multiprocessing.active_children()], flush=True)\n"
        "time.sleep(600)\n")], stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2 and not any(_gone(pid) for pid in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30  # a liveness bound, not a measurement: they check every second
    while not all(_gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(_gone(pid) for pid in workers)
