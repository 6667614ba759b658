"""Tasks on a Dask cluster (``--scheduler``): workers installed by a plugin, checked on join,
fed in bounded batches, and failures told in one line.

How a run uses the cluster:

The worker's side is :mod:`cleaner.batch.plugin`.

- **Installed by a plugin.** The settings (the compiled chain) go to the scheduler once, inside
  a worker plugin; the scheduler hands the plugin to every worker, now and whenever one joins
  or restarts later, so no worker ever lacks them and no task carries them.
- **Checked on join.** The plugin's setup compares the worker's cleaner (its version and a hash
  of its code and built-in rule packs, :func:`cleaner.batch.plugin.fingerprint`) with this
  one's. A fit worker gets a resource named after the run, which every task of the run asks
  for; an unfit worker gets none, so the scheduler gives it no task (it is named in a
  warning when the run starts).
- **Retried.** A task whose worker dies is run again on another (the scheduler does that); a
  task that fails on a worker is retried :data:`RETRIES` times. Outputs are written whole and
  the same each time, so running a task twice is harmless.
- **Bounded.** Results stay on the workers until this process collects them, in input order,
  one batch at a time, from the worker that holds each (see :func:`_direct_to_workers`); the
  batches in flight are capped by a number that does not grow with the cluster
  (:data:`MAX_BATCHES_IN_FLIGHT`), so this process's memory does not either.
- **Quiet.** Dask's own loggers and warnings are silenced; a cluster that
  fails (the scheduler gone, every worker lost) stops the run with one line, and ``--resume``
  continues it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import time
import uuid
import warnings
from typing import Any

from cleaner.batch import executors
from cleaner.batch.executors import (
    TASKS_IN_FLIGHT_PER_JOB,
    ExecutorError,
    _BatchingExecutor,
    cores,
)
from cleaner.batch.settings import Settings, Task
from cleaner.version import DISTRIBUTION, __version__, install_hint

#: ``--scheduler local``: start a Dask cluster on this machine instead of joining one.
LOCAL_SCHEDULER = "local"
# A Dask task costs the scheduler and the client a few milliseconds whatever it does, ten
# times what cleaning a news article takes, so tasks go to the cluster in batches of about
# a corpus chunk's worth of input (or this many tasks, for folders of tiny files).
BATCH_TASKS = 1000
#: However large the cluster, at most this many batches are in flight (results not collected).
MAX_BATCHES_IN_FLIGHT = 256
RETRIES = 2
#: How long to wait for a scheduler to answer, and for a worker fit to clean (seconds); the
#: environment variables CLEANER_CONNECT_TIMEOUT and CLEANER_WORKERS_TIMEOUT change them.
CONNECT_TIMEOUT_SECONDS = 10
WORKERS_TIMEOUT_SECONDS = 60
_QUIET_LOGGERS = ("distributed", "tornado", "asyncio", "bokeh")


class DaskExecutor(_BatchingExecutor):
    """Tasks on a Dask cluster: the scheduler at ``address`` (``tcp://host:8786``), or for
    ``"local"`` a cluster of one single-threaded worker process per core on this machine.

    With ``shared`` the workers see this machine's paths (a shared file system mounted at the
    same place), so tasks carry paths and workers read and write the files (``local`` then
    says so to the planner); otherwise tasks carry their input's bytes and the clean text
    comes back. Warnings about unfit workers go to ``say``.
    """

    batch_tasks = BATCH_TASKS

    def __init__(self, settings: Settings, address: str, *, shared: bool = False, say: Any = None) -> None:
        try:
            import distributed
        except ImportError as exc:
            raise ExecutorError(f"--scheduler needs Dask ({exc}): {install_hint('dask')}") from None
        self.local = shared or address == LOCAL_SCHEDULER
        self._quiet = _Quiet()
        self._cluster: Any = None
        self._client: Any = None
        self._token = f"cleaner-{uuid.uuid4().hex[:12]}"
        try:
            self._connect(distributed, address)
            self.jobs = self._install(settings, say)
        except ExecutorError as exc:
            self.shutdown(cancel=True)
            raise ExecutorError(f"--scheduler {address}: {exc}") from None
        except Exception as exc:  # a bad address, no scheduler: one line, no traceback
            self.shutdown(cancel=True)
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise ExecutorError(f"--scheduler {address}: {reason}") from None
        self._start_batching()

    @property
    def window(self) -> int:
        if self._in_flight > self._budget:
            return 0
        return min(self.jobs * TASKS_IN_FLIGHT_PER_JOB, MAX_BATCHES_IN_FLIGHT) * self.batch_tasks

    def _start_batching(self) -> None:
        super()._start_batching()
        self._budget = min(self.jobs * TASKS_IN_FLIGHT_PER_JOB, MAX_BATCHES_IN_FLIGHT) * executors.BATCH_BYTES

    def _connect(self, distributed: Any, address: str) -> None:
        if address != LOCAL_SCHEDULER:
            # A Client given an address it cannot parse hangs on closing; check it first.
            distributed.comm.get_address_host_port(address)
        else:
            self._cluster = distributed.LocalCluster(
                n_workers=cores(),
                threads_per_worker=1,  # cleaning holds the GIL: one process per core
                dashboard_address=":0",  # any free port: 8787 may be another cluster's
                silence_logs=logging.CRITICAL,  # task failures reach us through the futures
            )
        wait = _seconds("CLEANER_CONNECT_TIMEOUT", CONNECT_TIMEOUT_SECONDS)
        try:
            if self._cluster is None:
                # A Client waits forever on a service that accepts and never speaks Dask: ask first.
                asyncio.run(asyncio.wait_for(_handshake(distributed, address, wait), wait + 1))
            self._client = distributed.Client(
                self._cluster or address,
                timeout=wait,
                set_as_default=False,
                direct_to_workers=_direct_to_workers(),
            )
        except (OSError, asyncio.TimeoutError) as exc:
            raise ExecutorError(f"no Dask scheduler answered in {wait:g} s ({_why(exc)})") from None

    def _install(self, settings: Settings, say: Any) -> int:
        """Register the plugin; wait for a fit worker; warn about unfit ones; the fit threads."""
        from cleaner.batch.plugin import CleanerPlugin, fingerprint, unfit_reason

        client = self._client
        plugin = CleanerPlugin(self._token, fingerprint(), pickle.dumps(settings, protocol=5))
        with contextlib.suppress(Exception):  # a worker that cannot even load it: found below
            client.register_plugin(plugin, name=self._token)
        reasons = client.run(unfit_reason, self._token, on_error="return")
        wait = _seconds("CLEANER_WORKERS_TIMEOUT", WORKERS_TIMEOUT_SECONDS)
        fit = self._fit_threads(wait)
        for address, reason in sorted(reasons.items()):
            if isinstance(reason, BaseException):
                wanted = f"{DISTRIBUTION}=={__version__}"
                reason = f"cannot load this cleaner ({_why(reason)}); install {wanted} there"
            if reason and say is not None:
                say(f"cleaner: warning: worker {address} {reason}: it gets no tasks")
        if not fit:
            raise ExecutorError(f"no worker fit to clean for this run joined in {wait:g} s")
        return fit

    def _fit_threads(self, timeout: float) -> int:
        """The threads of the workers that took the run's settings (waiting for one, up to ``timeout``)."""
        deadline = time.monotonic() + timeout
        while True:
            workers = self._client.scheduler_info(n_workers=-1)["workers"].values()
            fit = sum(w["nthreads"] for w in workers if w.get("resources", {}).get(self._token))
            if fit or time.monotonic() > deadline:
                return fit
            time.sleep(0.05)

    def _start(self, calls: list[Task]) -> Any:
        from cleaner.batch.plugin import Batch, run_batch

        return self._client.submit(
            run_batch, Batch(calls), self._token, resources={self._token: 1}, retries=RETRIES, pure=False
        )

    def _results(self, future: Any) -> list[Any]:
        try:
            return future.result()
        except Exception as exc:  # a task failed, every worker died, the scheduler went away
            raise ExecutorError(f"the Dask cluster failed: {_why(exc)}") from None

    def shutdown(self, *, cancel: bool) -> None:
        """Remove the plugin and close the connection; the scheduler then drops this run's tasks."""
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.unregister_worker_plugin(self._token)
            with contextlib.suppress(Exception):
                self._client.close(timeout=CONNECT_TIMEOUT_SECONDS)
            self._client = None
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()
            self._cluster = None
        self._quiet.restore()


class _Quiet:
    """Silences Dask's loggers (tracebacks, reconnection attempts) for the rest of the process: a
    client's background tasks may still log after it is closed. Its warnings (version tables)
    are silenced until :meth:`restore`."""

    def __init__(self) -> None:
        known = list(logging.root.manager.loggerDict)  # Dask's config gives some children levels of their own
        for name in [
            *_QUIET_LOGGERS,
            *(n for n in known if n.startswith(tuple(f"{q}." for q in _QUIET_LOGGERS))),
        ]:
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        self._warnings: Any = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")

    def restore(self) -> None:
        if self._warnings is not None:
            self._warnings.__exit__(None, None, None)
            self._warnings = None


async def _handshake(distributed: Any, address: str, wait: float) -> None:
    comm = await distributed.comm.connect(address, timeout=wait)
    await comm.close()


def _direct_to_workers() -> bool:
    """Whether results are fetched from the workers that hold them: yes, unless Dask's
    configuration (``distributed.client.direct-to-workers``) says no.

    Through the scheduler, every report part would cross the network twice and cost the
    scheduler its handling; straight from the workers, the scheduler only says where each
    result is. Dask fetches through the scheduler what it cannot fetch from a worker, so a
    client that cannot reach the workers still gets its results, after a connection timeout.

    >>> _direct_to_workers()
    True
    """
    import dask

    configured = dask.config.get("distributed.client.direct-to-workers", None)
    return True if configured is None else bool(configured)


def _seconds(variable: str, default: float) -> float:
    try:
        return float(os.environ.get(variable, default))
    except ValueError:
        return default


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
