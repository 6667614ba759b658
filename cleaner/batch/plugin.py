"""What runs on a Dask worker for a cleaner run: the plugin that checks the worker and installs
the run's settings, and the function that runs a batch of tasks with them.

Imported on the workers (and by :mod:`cleaner.batch.cluster`), never by a run on this machine
alone, so ``distributed`` is imported at the top.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from cleaner.batch.settings import Settings, Task
from cleaner.core.engine import Chain
from cleaner.version import __version__

# On a worker: the settings of each run whose plugin it holds, and why it refused a run.
_SETTINGS: dict[str, Settings] = {}
_UNFIT: dict[str, str] = {}
# The chain of the last run, by its rules: compiled and warmed by that run's documents.
_LAST_CHAIN: dict[tuple[tuple[Any, ...], bool], Chain] = {}


@functools.cache
def fingerprint() -> str:
    """This cleaner's version and a hash of its code and built-in rule packs: two processes clean
    alike when their fingerprints are equal.

    >>> fingerprint().startswith(__version__ + "+")
    True
    """
    from cleaner.rulefiles.files import builtin_rule_files

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")) + builtin_rule_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{__version__}+{digest.hexdigest()[:16]}"


class CleanerPlugin(WorkerPlugin):
    """Installs a run's settings on each worker fit to clean for it, now and when one joins later.

    A fit worker (the same :func:`fingerprint`) gets the run's resource, which every task of
    the run asks for; an unfit one does not, so the scheduler gives it no task.
    """

    idempotent = False

    def __init__(self, token: str, expected: str, settings: bytes) -> None:
        self.name, self.token, self.expected, self.settings = token, token, expected, settings

    async def setup(self, worker: Any) -> None:
        mine = fingerprint()
        if mine != self.expected:
            _UNFIT[self.token] = f"has cleaner {mine}, the run needs {self.expected}"
            return
        _SETTINGS[self.token] = with_last_chain(pickle.loads(self.settings))
        await worker.set_resources(**{self.token: 1})

    async def teardown(self, worker: Any) -> None:
        _UNFIT.pop(self.token, None)
        if _SETTINGS.pop(self.token, None) is not None:
            with contextlib.suppress(Exception):
                await worker.set_resources(**{self.token: 0})


def with_last_chain(settings: Settings) -> Settings:
    """``settings`` with the chain of the worker's last run when its rules are the same.

    A chain compiles each pattern when a document first needs it, and RE2 grows each
    automaton as texts reach new states: a run's first documents cost a worker several
    times what later ones do (seconds over a few hundred varied pages). Runs one after
    another on a cluster mostly clean with the same rules, so the worker keeps the last
    run's chain and hands it to the next run with equal rules.

    >>> from cleaner.core.engine import Chain
    >>> from cleaner.core.rule import Rule
    >>> rules = [Rule("demo", "more", "line", "^Read more$")]
    >>> first = with_last_chain(Settings(Chain(rules)))
    >>> again = with_last_chain(Settings(Chain(list(rules)), max_removed=0.5))
    >>> again.chain is first.chain, again.max_removed
    (True, 0.5)
    """
    key = (tuple(settings.chain.rules), settings.chain.checked)
    last = _LAST_CHAIN.get(key)
    if last is not None:
        return settings._replace(chain=last)
    _LAST_CHAIN.clear()  # one chain kept: a worker's memory does not grow with the runs
    _LAST_CHAIN[key] = settings.chain
    return settings


class Batch:
    """Tasks sent to a worker together. Not a list: Dask walks the lists and tuples (tasks are
    tuples) it is handed, looking for futures, which cost the client 2 µs a task."""

    __slots__ = ("calls",)

    def __init__(self, calls: list[Task]) -> None:
        self.calls = calls


def run_batch(batch: Batch, token: str) -> list[Any]:
    """Run a batch of tasks with the settings of the run ``token`` (on a worker)."""
    settings = _SETTINGS[token]
    return [task.run(settings) for task in batch.calls]


def unfit_reason(token: str) -> str | None:
    """Why this worker refused the run ``token``, if it did."""
    return _UNFIT.get(token)
