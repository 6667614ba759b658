"""Executors run tasks and hand back futures: in this process, in a local process pool, or on a
Dask cluster (:mod:`cleaner.batch.cluster`).

The seam is ``submit(task) -> future`` with ``future.result()``, as in
:mod:`concurrent.futures` and Dask's client. Each worker receives the
:class:`~cleaner.batch.settings.Settings` (the compiled chain) once, not with every task.
"""

from __future__ import annotations

import abc
import contextlib
import os
import signal
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

from cleaner.batch.corpus import CHUNK_BYTES
from cleaner.batch.settings import Settings, Task
from cleaner.messages import EXIT_SIGNAL_BASE

TASKS_IN_FLIGHT_PER_JOB = 4
STOP_SECONDS = 2.0  # how long a stopped run's workers get to end on SIGTERM before SIGKILL
# A batch goes out when it holds about a corpus chunk's worth of input (or its number of tasks).
BATCH_BYTES = CHUNK_BYTES
# A local worker process costs about a tenth of a millisecond per task in pickling and
# hand-over, as much as cleaning a short article; small batches keep that down and still
# keep both cores busy.
LOCAL_BATCH_TASKS = 32


class ExecutorError(RuntimeError):
    """An executor cannot start, or lost its workers; the message says why in one line."""


class Executor(Protocol):
    """Runs tasks; results are fetched with ``future.result()`` (concurrent.futures, Dask).

    ``window`` is how many tasks may be in flight before the oldest result is collected (read
    before each submit: it may change as the run goes). ``jobs`` is how many tasks run at
    once. ``local`` says whether tasks run on this machine, where they can read their input
    by path; otherwise each task must carry its input's bytes.
    """

    @property
    def window(self) -> int: ...

    @property
    def jobs(self) -> int: ...

    @property
    def local(self) -> bool: ...

    def submit(self, task: Task) -> Any: ...

    def shutdown(self, *, cancel: bool) -> None: ...


class _Done:
    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


class SerialExecutor:
    """Runs each task at once, in this process."""

    window = 0
    jobs = 1
    local = True

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def submit(self, task: Task) -> _Done:
        return _Done(task.run(self._settings))

    def shutdown(self, *, cancel: bool) -> None:
        """Nothing runs in the background."""


class _BatchingExecutor(abc.ABC):
    """Sends consecutive tasks to workers in batches and hands back one future per task.

    A batch goes out when it holds ``batch_tasks`` tasks or :data:`BATCH_BYTES` of input, or
    when a result of its is wanted; a task that says ``alone = True`` (a corpus shard, a whole
    file: work enough on its own) closes its batch. In flight are at most :data:`TASKS_IN_FLIGHT_PER_JOB`
    batches per job, and at most that many batches' worth of input bytes, so memory stays
    bounded on both sides. Subclasses say how a batch starts and how its results arrive.
    """

    jobs: int
    batch_tasks: int

    def _start_batching(self) -> None:
        self._budget = self.jobs * TASKS_IN_FLIGHT_PER_JOB * BATCH_BYTES
        self._in_flight = 0  # input bytes submitted and not yet collected
        self._open = _Batch()

    @property
    def window(self) -> int:
        if self._in_flight > self._budget:
            return 0  # collect results until the inputs in flight fit the budget again
        return self.jobs * TASKS_IN_FLIGHT_PER_JOB * self.batch_tasks

    def submit(self, task: Task) -> _BatchedFuture:
        size = task.carried_bytes
        batch = self._open
        batch.calls.append(task)
        batch.size += size
        self._in_flight += size
        if len(batch.calls) >= self.batch_tasks or batch.size >= BATCH_BYTES or getattr(task, "alone", False):
            self._send()
        return _BatchedFuture(self, batch, len(batch.calls) - 1, size)

    def _send(self) -> None:
        batch, self._open = self._open, _Batch()
        batch.future = self._start(batch.calls)
        batch.calls = []

    def _collect(self, batch: _Batch) -> list[Any]:
        if batch is self._open:
            self._send()
        if batch.results is None:
            batch.results = self._results(batch.future)
            batch.future = None  # a cluster may forget it
        return batch.results

    @abc.abstractmethod
    def _start(self, calls: list[Task]) -> Any:
        """Start running ``calls`` as one task; returns its future."""

    def _results(self, future: Any) -> list[Any]:
        return future.result()


class ProcessExecutor(_BatchingExecutor):
    """A pool of worker processes on this machine; each receives the settings once."""

    local = True
    batch_tasks = LOCAL_BATCH_TASKS

    def __init__(self, settings: Settings, jobs: int) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.jobs = jobs
        self._start_batching()
        self._pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(settings, os.getpid()))
        # Start the workers now, before this process starts any thread (progress bar) of its own.
        self._pool.submit(int).result()

    def _start(self, calls: list[Task]) -> Any:
        return self._pool.submit(_run_batch_in_worker, calls)

    def shutdown(self, *, cancel: bool) -> None:
        if cancel:  # a stopped run: the documents in progress are abandoned, not waited for
            _stop_workers(list(self._pool._processes.values()))
        self._pool.shutdown(wait=True, cancel_futures=cancel)


def _stop_workers(processes: list[Any]) -> None:
    """SIGTERM each worker (it removes its temporary file on the way out), then SIGKILL any
    still there after :data:`STOP_SECONDS`: a worker handing back a result finishes sending it
    first, and once the run has stopped reading results, no one reads the rest of it (a
    temporary file a killed worker leaves is swept by the next run)."""
    for process in processes:
        with contextlib.suppress(OSError):
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            with contextlib.suppress(OSError):
                process.kill()


_worker_settings: Settings | None = None


class _Terminated(SystemExit):
    """SIGTERM in a worker: the task in progress is abandoned (its temporary output file
    removed on the way out) and the worker exits."""


def _start_worker(settings: Settings, parent: int) -> None:
    global _worker_settings
    _worker_settings = settings
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the run
    _hand_back_results_whole()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    # Last: until here SIGTERM just ends the worker; raised inside this initializer, the stop
    # would be printed by the pool as a traceback (a run refused just after it started).
    signal.signal(signal.SIGTERM, _terminate)


_terminating = False  # SIGTERM came: the worker is on its way out
_sending = False  # the worker is handing a result back to the pool


def _terminate(signum: int, frame: object) -> None:
    global _terminating
    if _terminating:  # a second SIGTERM (the pool stops every worker when one exits) must not
        return  # cut short the removal of the temporary file on the way out
    _terminating = True
    if not _sending:
        raise _Terminated(EXIT_SIGNAL_BASE + signum)


def _hand_back_results_whole() -> None:
    """Let SIGTERM stop this worker only after the result it is sending to the pool, never in
    it. A worker stopped halfway through a result leaves the pool's result pipe with half a
    message, which the parent then waits on for ever: that is what ``kill -TERM -PGID`` (how
    systemd stops a service) did to a run. The pool sends results through a ``SimpleQueue``;
    this worker process's queue class is wrapped."""
    from multiprocessing.queues import SimpleQueue

    put = SimpleQueue.put

    def put_whole(queue: SimpleQueue, obj: Any) -> None:
        global _sending
        _sending = True
        try:
            put(queue, obj)
        finally:
            _sending = False
            # Asked to stop while sending, or just before (the pool then sends the stop back as
            # the task's failure): now the message is whole.
            if _terminating:
                os._exit(EXIT_SIGNAL_BASE + signal.SIGTERM)

    SimpleQueue.put = put_whole  # type: ignore[assignment]  # a wrapper of the generic method, for this process


def _run_batch_in_worker(calls: Sequence[Task]) -> list[Any]:
    assert _worker_settings is not None
    try:
        return _run_batch(calls, _worker_settings)
    except _Terminated as stop:  # the pool would send it back as the task's failure and go on
        os._exit(stop.code)  # type: ignore[arg-type]


def _watch_parent(parent: int) -> None:
    # A worker whose parent was killed would otherwise wait for tasks forever. Its outputs are
    # renamed into place whole, and the next run removes a temporary file cut short here.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Batch:
    """Consecutive tasks that run as one task of the pool or the cluster."""

    def __init__(self) -> None:
        self.calls: list[Task] = []
        self.size = 0
        self.future: Any = None
        self.results: list[Any] | None = None


class _BatchedFuture:
    """The future of one task in a batch."""

    def __init__(self, executor: _BatchingExecutor, batch: _Batch, index: int, size: int) -> None:
        self._executor, self._batch, self._index, self._size = executor, batch, index, size

    def result(self) -> Any:
        value = self._executor._collect(self._batch)[self._index]
        self._executor._in_flight -= self._size
        self._size = 0  # counted once, however often it is asked
        return value


def _run_batch(calls: Sequence[Task], settings: Settings) -> list[Any]:
    return [task.run(settings) for task in calls]
