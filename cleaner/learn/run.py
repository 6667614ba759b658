"""Run ``learn``: two passes over the inputs through an executor, then the selection.

1. **Count** (:mod:`cleaner.learn.count`): every document's line hashes, spilled to disk by
   partition; then each partition counted, giving the records frequent enough in their group.
2. **Collect** (:mod:`cleaner.learn.collect`): the same tasks again, noting the texts,
   positions and samples of those records only.
3. **Select** (:mod:`cleaner.learn.select`): per group, what becomes a rule.

Tasks run on the executors ``clean`` uses (:mod:`cleaner.batch.executors`): this process for
``--jobs 1``, a pool of worker processes otherwise. Results are taken in input order through
the executor's bounded window, so memory stays bounded and the outcome is the same for any
number of jobs. Standard input is copied to a temporary file first, as it is read twice.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.batch.executors import Executor, ProcessExecutor, SerialExecutor, cores
from cleaner.batch.plan import DEFAULT_INCLUDE
from cleaner.batch.settings import DEFAULT_FIELD
from cleaner.batch.walk import Walker
from cleaner.io.stream import STDIN_CLOSED
from cleaner.learn.collect import Collected, CollectSettings, Stats, collect_task
from cleaner.learn.count import HashCounts, count_task
from cleaner.learn.inputs import STDIN_SOURCE, GroupBy, Reading, ReadSettings, Task, Unreadable, plan
from cleaner.learn.select import GroupResult, Thresholds, select_group

#: Candidates a group may bring to the second pass (its most frequent lines and templates).
CANDIDATES_PER_GROUP = 500


class LearnUsageError(ValueError):
    """Options or inputs that cannot be used; the message says why."""


@dataclass(frozen=True)
class LearnOptions:
    """The ``learn`` command's choices (see ``cleaner learn --help``)."""

    paths: tuple[str, ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    gitignore: bool = True  # the walk passes over what .gitignore files in input folders ignore
    # Before 'field' below, which hides dataclasses.field in the class body.
    group_by: GroupBy = field(default_factory=GroupBy)
    limits: Thresholds = field(default_factory=Thresholds)
    field: str | None = None  # None: "text"; given, standard input is read as JSONL
    jobs: int = 0  # 0: all cores
    encoding: str | None = None
    html: bool | None = None
    avoid: tuple[Path, ...] = ()  # files the walk passes over (this run's outputs)


@dataclass
class Outcome:
    """What a run learned and met."""

    groups: list[GroupResult] = field(default_factory=list)
    reading: Reading = field(default_factory=Reading)


def learn(options: LearnOptions, *, on_problem: Callable[[str, str], None] | None = None) -> Outcome:
    """Learn the recurring lines of the inputs, group by group. ``on_problem(source, reason)``
    hears each input that cannot be read, as it is met; all are in ``outcome.reading.problems``.

    >>> import tempfile
    >>> top = Path(tempfile.mkdtemp())
    >>> for n in range(4):
    ...     _ = (top / f"{n}.txt").write_text(f"Share this article\\nStory number {n} is told here.\\n")
    >>> outcome = learn(LearnOptions((str(top),), jobs=1))
    >>> [proposal.shown for proposal in outcome.groups[0].proposed]
    ['Story number <N> is told here.', 'Share this article']
    """
    paths = list(options.paths) or ["-"]
    if "-" in paths and len(paths) > 1:
        raise LearnUsageError("'-' (standard input) cannot be combined with other paths")
    settings = ReadSettings(options.field or DEFAULT_FIELD, options.group_by, options.encoding, options.html)
    walker = Walker(options.include, options.exclude, options.avoid, gitignore=options.gitignore)
    jobs = options.jobs or cores()
    outcome = Outcome()
    with contextlib.ExitStack() as stack:
        stdin_copy = _copy_stdin(stack, as_corpus=options.field is not None) if paths == ["-"] else None

        def tasks() -> Iterator[Task | Unreadable]:
            return plan(paths, walker, stdin_copy=stdin_copy)

        counts = HashCounts()
        stack.callback(counts.close)

        def counted(item: Task | Unreadable, result: Any) -> None:
            if isinstance(item, Unreadable):
                problems = [(item.source, item.reason)]
            else:
                problems = result.reading.problems
            if result is not None:
                counts.add(result)
                _add_reading(outcome.reading, result.reading)
            outcome.reading.problems += problems
            for source, reason in problems:
                if on_problem is not None:
                    on_problem(source, reason)

        _run_pass(tasks(), count_task, settings, jobs, counted)
        frequent = counts.frequent(
            min_docs=options.limits.min_docs, min_share=options.limits.min_share, cap=CANDIDATES_PER_GROUP
        )
        collected = Collected()
        if frequent:
            wanted = CollectSettings(**vars(settings), wanted=frozenset(frequent))

            def noted(item: Task | Unreadable, result: Collected | None) -> None:
                if result is not None:
                    collected.merge(result)

            _run_pass(tasks(), collect_task, wanted, jobs, noted)
        needed = counts.thresholds(options.limits.min_docs, options.limits.min_share)
        outcome.groups = _select(counts.docs, collected, needed, options.limits)
    return outcome


def _select(
    docs: dict[str, int], collected: Collected, needed: dict[bytes, int], limits: Thresholds
) -> list[GroupResult]:
    by_group: dict[str, dict[bytes, Stats]] = {}
    for record, stats in collected.stats.items():
        # The second pass counts exactly; a first-pass count inflated by a hash collision ends here.
        if stats.docs >= needed[record[:8]]:
            by_group.setdefault(stats.group, {})[record] = stats
    return [
        select_group(label, docs[label], by_group.get(label, {}), collected.keep_lines.get(label), limits)
        for label in sorted(docs)
    ]


def _add_reading(total: Reading, part: Reading) -> None:
    total.documents += part.documents
    total.bytes_in += part.bytes_in
    total.without_field += part.without_field


@dataclass(frozen=True)
class _Step:
    """One input's work in one pass, as the batch executors run it: ``fn(item, settings)``."""

    item: Task
    fn: Callable[[Any, Any], Any]
    carried_bytes = 0  # inputs are read by path where the pass runs

    def run(self, settings: Any) -> Any:
        return self.fn(self.item, settings)


def _run_pass(
    items: Iterator[Task | Unreadable],
    fn: Callable[[Any, Any], Any],
    settings: ReadSettings,
    jobs: int,
    handle: Callable[[Task | Unreadable, Any], Any],
) -> None:
    """Run ``fn`` on every task and hand each result to ``handle`` in input order."""
    executor: Executor = ProcessExecutor(settings, jobs) if jobs > 1 else SerialExecutor(settings)  # type: ignore[arg-type]
    done = False
    try:
        pending: deque[tuple[Task | Unreadable, Any]] = deque()
        for item in items:
            future = None if isinstance(item, Unreadable) else executor.submit(_Step(item, fn))
            pending.append((item, future))
            while len(pending) > executor.window:
                item, future = pending.popleft()
                handle(item, future.result() if future is not None else None)
        while pending:
            item, future = pending.popleft()
            handle(item, future.result() if future is not None else None)
        done = True
    finally:
        executor.shutdown(cancel=not done)


def _copy_stdin(stack: contextlib.ExitStack, *, as_corpus: bool) -> str:
    """Standard input copied to a temporary file (named ``*.jsonl`` for a corpus): learn reads it twice."""
    if sys.stdin is None:
        raise LearnUsageError(f"{STDIN_SOURCE}: {STDIN_CLOSED}")
    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="cleaner-learn-"))
    copy = Path(folder) / ("stdin.jsonl" if as_corpus else "stdin.txt")
    with copy.open("wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
    return str(copy)
