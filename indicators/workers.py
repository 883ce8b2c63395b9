"""Work spread over worker processes, one per core: the machines this runs on have few cores and the work
(checking files, protecting a province's cells) is Python that holds the interpreter."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

# What each worker process was given once at its start, in front of every task's own arguments.
_shared: tuple = ()


def _start(parent: int, shared: tuple) -> None:
    global _shared
    _shared = shared
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent is gone (kill -9 leaves it no chance to stop its pool) exits, instead of waiting
    for tasks that never come; also one whose parent died while it started (the pid is the parent's own)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _call(work: Callable, arguments: tuple):
    return work(*_shared, *arguments)


def each_in_processes(work: Callable, arguments: list[tuple], shared: tuple = ()) -> Iterator:
    """work(*shared, *a) for each `a` of `arguments`, yielded in order as they are done: in worker processes
    (spawned, so nothing of this process's state is inherited but what `shared` sends once to each), one per
    core, when there are several tasks and cores; in this process otherwise."""
    workers = min(len(arguments), os.cpu_count() or 1)
    if workers < 2:
        yield from (work(*shared, *a) for a in arguments)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start, initargs=(os.getpid(), shared)) as pool:
        yield from pool.map(_call, itertools.repeat(work), arguments)
