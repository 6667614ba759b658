"""Executors run tasks and hand back futures: in this process, or in a local process pool.

The seam is ``submit(fn, task) -> future`` with ``future.result()``, as in
:mod:`concurrent.futures` and Dask's client, so a cluster can take the pool's place. Each
worker receives the :class:`~cleaner.tasks.Settings` (the compiled chain) once, when it
starts, not with every task.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from cleaner.tasks import Settings

TASKS_IN_FLIGHT_PER_JOB = 4


class Executor(Protocol):
    """Runs tasks; results are fetched with ``future.result()`` (concurrent.futures, Dask).

    ``window`` is how many tasks may be in flight before the oldest result is collected.
    """

    window: int

    def submit(self, fn: Callable[[Any, Settings], Any], task: Any) -> Any: ...

    def shutdown(self, *, cancel: bool) -> None: ...


class _Done:
    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


class SerialExecutor:
    """Runs each task at once, in this process."""

    window = 0

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def submit(self, fn: Callable[[Any, Settings], Any], task: Any) -> _Done:
        return _Done(fn(task, self._settings))

    def shutdown(self, *, cancel: bool) -> None:
        """Nothing runs in the background."""


class ProcessExecutor:
    """A pool of worker processes on this machine; each receives the settings once."""

    def __init__(self, settings: Settings, jobs: int) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.window = jobs * TASKS_IN_FLIGHT_PER_JOB
        self._pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(settings, os.getpid()))
        # Start the workers now, before this process starts any thread (progress bar) of its own.
        self._pool.submit(int).result()

    def submit(self, fn: Callable[[Any, Settings], Any], task: Any) -> Any:
        return self._pool.submit(_call_in_worker, fn, task)

    def shutdown(self, *, cancel: bool) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)


_worker_settings: Settings | None = None


def _start_worker(settings: Settings, parent: int) -> None:
    global _worker_settings
    _worker_settings = settings
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the run
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a worker holds nothing to save: just stop
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _call_in_worker(fn: Callable[[Any, Settings], Any], task: Any) -> Any:
    assert _worker_settings is not None
    return fn(task, _worker_settings)


def _watch_parent(parent: int) -> None:
    # A worker whose parent was killed would otherwise wait for tasks forever. Workers write
    # no files, so exiting at once loses nothing.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
