"""Clean many inputs: files, directory trees and JSONL corpora, on all cores, safely, resumably.

How a run works:

1. **Plan** (:mod:`cleaner.batch.plan`). The inputs are visited in a fixed order and turned into
   steps: a text document is one task, a JSONL corpus a series of chunk tasks.
2. **Execute** (:mod:`cleaner.batch.executors`, :mod:`cleaner.batch.tasks`). An executor runs the tasks:
   in this process for ``--jobs 1``, in a pool of worker processes otherwise, or on a Dask
   cluster with ``--scheduler``. On this machine a document's task reads its input and
   writes its output file itself, so reading, decoding, cleaning and writing all run on
   every core, and returns its report lines and counts. A task for a cluster carries the
   bytes this process read and returns the clean bytes, which this process writes.
3. **Collect** (here). Results come back in input order through a bounded window (memory
   stays bounded by the largest document or chunk, never the corpus). This process writes
   the report records (:mod:`cleaner.batch.ledger`), the journal, the tally, and the outputs that
   no task wrote (a cluster's, standard output, JSONL corpora, a single input's, the inputs
   of an ``--in-place`` run with a report: :mod:`cleaner.batch.collector`) in input order, so
   outputs and report are byte-identical for any number of jobs. An input enters the journal
   only after its output is complete, so ``--resume`` never trusts an output written by a
   worker whose result this process did not collect.

Safety: before anything is written, a run that would write over its own inputs is refused
and the run locks its outputs and report (:mod:`cleaner.batch.guards`). Each output file is
written to a temporary file beside it and renamed into place, so no run, however it is
stopped, leaves a half-written output; a temporary file left by a process killed while
writing (SIGKILL, or SIGTERM sent to a worker) is removed by the next run over the same tree.
The report is renamed into place only when the run completes. Ctrl-C and SIGTERM stop the
run at once, abandoning the documents in progress (:mod:`cleaner.batch.stopping`).
``--resume`` skips inputs whose output is the one the stopped run wrote; with a report,
:mod:`cleaner.batch.ledger` rebuilds the report so that it equals the report of an
uninterrupted run.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.batch.collector import Collector
from cleaner.batch.corpus import is_corpus
from cleaner.batch.executors import Executor, ExecutorError, ProcessExecutor, SerialExecutor, cores
from cleaner.batch.guards import check_paths, lock_targets, mark_output_folder
from cleaner.batch.ledger import Ledger, ReportError, ResumeError
from cleaner.batch.parquet import is_parquet
from cleaner.batch.plan import (
    DEFAULT_INCLUDE,
    BatchOptions,
    Event,
    Layout,
    Planner,
    Step,
    UsageError,
    layout_for,
)
from cleaner.batch.settings import DEFAULT_FIELD, Settings
from cleaner.batch.stopping import Interrupted, StopRequest
from cleaner.batch.summary import ProgressBar, Tally
from cleaner.batch.tasks import STREAM_ABOVE
from cleaner.batch.walk import InputCollision, Walker
from cleaner.core.engine import Chain
from cleaner.io.lock import Lock, LockedError
from cleaner.io.output import write_atomically
from cleaner.messages import EXIT_PROBLEMS, EXIT_SIGNAL_BASE, EXIT_USAGE
from cleaner.report.records import encode_lines

__all__ = ["DEFAULT_FIELD", "DEFAULT_INCLUDE", "BatchOptions", "UsageError", "run"]


def _drive(
    steps: Iterator[Step], executor: Executor, here: Executor, collector: Collector, stop: StopRequest
) -> None:
    """Hand tasks to the executor (a streamed document: to ``here``, this process) and their
    results to the collector, in order."""
    pending: deque[tuple[Step, Any]] = deque()
    while True:
        with stop.waiting():  # reading an input (a pipe may keep the run waiting), cleaning
            step = next(steps, None)
            if step is None:
                break
            runs = here if step.event is Event.STREAM else executor
            future = runs.submit(step.task) if step.task is not None else None
        pending.append((step, future))
        while len(pending) > executor.window:
            _collect(pending.popleft(), collector, stop)
        stop.check()
    while pending:
        _collect(pending.popleft(), collector, stop)


def _collect(item: tuple[Step, Any], collector: Collector, stop: StopRequest) -> None:
    step, future = item
    with stop.waiting():
        result = future.result() if future is not None else None
    collector.handle(step, result)
    stop.check()


def run(options: BatchOptions, chain: Chain, *, stream_above: int | None = STREAM_ABOVE) -> int:
    """Clean the inputs ``options`` name; returns the exit status (0 ok, 1 problems, 130/143 stopped).

    Raises :class:`UsageError` for options that do not fit together, for a file the run would
    write that is one of its inputs (:mod:`cleaner.batch.guards`), and for outputs or a
    report another run is writing (locked), before doing anything.
    An input file of more than ``stream_above`` bytes is cleaned in windows, in bounded memory,
    with the same output and report (:mod:`cleaner.batch.large`; in a tree, by the worker that
    cleans it: :mod:`cleaner.batch.sized`); ``--diff`` reads it whole, and ``None`` never streams.

    >>> import tempfile, cleaner
    >>> top = Path(tempfile.mkdtemp())
    >>> (top / "raw").mkdir()
    >>> _ = (top / "raw" / "a.txt").write_text("open image in gallery A pier ( AP )\\n\\nThe pier.\\n")
    >>> run(BatchOptions((str(top / "raw"),), output=top / "clean", jobs=1, quiet=True), cleaner.load_chain())
    0
    >>> (top / "clean" / "a.txt").read_text()
    'The pier.\\n'
    """
    started = time.perf_counter()  # the summary's time includes starting the workers
    layout = layout_for(options)
    written = {"--report": options.report, "--summary": options.summary}
    local_output = layout.output if isinstance(layout.output, Path) else None
    avoid = [local_output, *written.values()]
    walker = Walker(options.include, options.exclude, avoid, guard=written, gitignore=options.gitignore)
    check_paths(options, layout, walker)
    settings = Settings(
        chain,
        options.field or DEFAULT_FIELD,
        encoding=options.encoding,
        html=options.html,
        max_removed=options.max_removed,
        diff=options.diff,
        fsync=not layout.tree,
        replace_links=layout.tree and not layout.in_place,
        max_record_bytes=options.max_record_bytes,
    )
    parallel = layout.tree or _corpus_run(layout)
    if options.scheduler is not None and not parallel and not options.quiet:
        print(
            f"cleaner: warning: --scheduler {options.scheduler}: one document is cleaned on this machine",
            file=sys.stderr,
        )
    executor = _executor(settings, options, parallel=parallel)
    with contextlib.ExitStack() as locks:
        try:
            _lock(locks, options, layout, walker)
        except UsageError:
            executor.shutdown(cancel=True)
            raise
        return _run(options, layout, walker, settings, executor, started, stream_above)


def _corpus_run(layout: Layout) -> bool:
    return layout.stdin_corpus or any(
        root.path is not None and not root.is_dir and (is_corpus(root.name) or is_parquet(root.name))
        for root in layout.roots
    )


def _lock(locks: contextlib.ExitStack, options: BatchOptions, layout: Layout, walker: Walker) -> None:
    """Take the run's locks (released by ``locks``), or raise UsageError naming the other run."""
    for path, what in lock_targets(options, layout):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # the -o folder, the report's folder
            locks.callback(Lock.take(path, what).release)
        except LockedError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"{what}: cannot lock: {exc.strerror or exc}") from None
    try:
        mark_output_folder(layout, walker)
    except OSError as exc:
        raise UsageError(f"--output {layout.output}: {exc.strerror or exc}") from None


def _run(
    options: BatchOptions,
    layout: Layout,
    walker: Walker,
    settings: Settings,
    executor: Executor,
    started: float,
    stream_above: int | None,
) -> int:
    """:func:`run`, once the paths are checked and locked and the executor started."""
    chatty = (layout.tree or _corpus_run(layout)) and not options.quiet
    files_out = layout.tree or layout.output is not None
    try:
        ledger = Ledger(
            options.report,
            journal=files_out,
            resume=options.resume,
            key_of=layout.source_key,
            in_place=layout.in_place,
        )
    except (OSError, ResumeError) as exc:
        executor.shutdown(cancel=True)
        raise UsageError(_why(exc)) from None
    tally = Tally(jobs=executor.jobs, preview=options.preview, started=started)
    collector = Collector(
        ledger,
        tally,
        fsync=settings.fsync,
        replace_links=settings.replace_links,
        preview=options.preview,
        check=options.check,
        flush_before_output=layout.in_place or not layout.tree,
    )
    if ledger.warning:
        collector.say(f"cleaner: warning: {ledger.warning}")
    if chatty and sys.stderr.isatty():
        collector.progress = ProgressBar(*_count(layout, walker))
    planner = Planner(
        layout,
        walker,
        ledger,
        options.resume,
        local=executor.local,
        workers_write=layout.tree and not (layout.in_place and options.report is not None),
        whole_corpora=options.scheduler is not None and executor.local,
        stream_above=None if options.diff else stream_above,
        max_record_bytes=options.max_record_bytes,
    )
    here = SerialExecutor(settings)  # streamed documents are cleaned in this process
    outcome = _execute(planner, executor, here, collector, ledger, discard_partial=not layout.in_place)
    tally.interrupted = not outcome.ended
    tally.stop()
    if outcome.stopped and files_out:
        collector.say(_stopped_hint(options, ledger))
    if chatty:
        for line in tally.to_text(settings.field, stats=options.stats):
            collector.say(line)
    status = outcome.status
    if options.summary is not None and status != EXIT_USAGE:  # written however the run ended
        failed = _write_summary(options.summary, tally, collector)
        status = status or failed
    no_field = tally.records_without_field and not tally.documents  # a mistyped --field
    if status == 0 and (tally.problems or no_field or (options.check and tally.would_change)):
        status = EXIT_PROBLEMS
    return status


@dataclass
class _Outcome:
    status: int = 0
    complete: bool = False  # every input was handled and the report is in place
    stopped: bool = False  # stopped before the end, in a state --resume continues from
    ended: bool = False  # every input was handled (the one input may have failed)


def _execute(
    planner: Planner,
    executor: Executor,
    here: Executor,
    collector: Collector,
    ledger: Ledger,
    *,
    discard_partial: bool,
) -> _Outcome:
    """Run the steps to the end or until stopped; then close the report (see :class:`_Outcome`).

    ``discard_partial``: a run refused midway leaves nothing to resume (false for ``--in-place``,
    whose records so far are the only copy of what it removed)."""
    outcome = _Outcome()
    steps = planner.steps()
    discard = False
    with StopRequest() as stop:
        try:
            _drive(steps, executor, here, collector, stop)
            outcome.complete = outcome.ended = True
        except (Interrupted, KeyboardInterrupt) as exc:
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            outcome.status, outcome.stopped = EXIT_SIGNAL_BASE + signum, True
        except (InputCollision, ResumeError) as exc:  # a link to the report; an old report damaged midway
            collector.say(f"cleaner: error: {exc}")
            outcome.status = EXIT_USAGE if isinstance(exc, InputCollision) else EXIT_PROBLEMS
            discard = discard_partial
        except (OSError, ReportError, ExecutorError) as exc:  # an output cannot be written, a cluster failed
            collector.say(f"cleaner: error: {_why(exc)}")
            outcome.status, outcome.stopped = EXIT_PROBLEMS, True
        except Exception as exc:
            from concurrent.futures.process import BrokenProcessPool

            if not isinstance(exc, BrokenProcessPool):
                raise
            outcome.status = EXIT_SIGNAL_BASE + stop.signum if stop.signum else EXIT_PROBLEMS
            outcome.stopped = True
            if not stop.signum:
                collector.say("cleaner: error: a worker process stopped unexpectedly")
        finally:
            steps.close()
            executor.shutdown(cancel=not outcome.complete)
            collector.abandon()
            if outcome.complete and not planner.layout.tree and collector.failed_files:
                outcome.complete, discard = False, True  # its one input failed: the old report stays
            error = ledger.finish(complete=outcome.complete, discard=discard)
            if collector.progress is not None:
                collector.progress.stop()
    if error is not None and outcome.status == 0:
        collector.say(f"cleaner: error: {error}")
        outcome.status, outcome.complete, outcome.stopped = EXIT_PROBLEMS, False, True
    return outcome


def _stopped_hint(options: BatchOptions, ledger: Ledger) -> str:
    """What to do after a run stopped before its end."""
    if options.in_place and options.report is None:
        return "cleaner: stopped; run the same command again to finish (cleaning clean text changes nothing)"
    if not ledger.resumable:
        return f"cleaner: stopped; --report {options.report} is not a regular file, so run the command again"
    return "cleaner: stopped; run the same command with --resume to continue"


def _write_summary(path: Path, tally: Tally, collector: Collector) -> int:
    """Write the ``--summary`` file; returns the exit status its failure adds (0 or 1)."""
    data = json.dumps(tally.to_json(), indent=2, ensure_ascii=False) + "\n"
    try:
        write_atomically(path, encode_lines(data))
    except OSError as exc:
        collector.say(f"cleaner: error: --summary: {_why(exc)}")
        return EXIT_PROBLEMS
    return 0


def _why(exc: BaseException) -> str:
    """A one-line reason: ``path: strerror`` for OS errors, the message otherwise."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


def _executor(settings: Settings, options: BatchOptions, *, parallel: bool) -> Executor:
    """Where the tasks run: a Dask cluster, a process pool, or this process (one document)."""
    jobs = options.jobs or cores()
    if parallel and options.scheduler is not None:
        from cleaner.batch.cluster import DaskExecutor

        say = None if options.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
        try:
            shared = options.shared or _remote(options)
            return DaskExecutor(settings, options.scheduler, shared=shared, say=say)
        except ExecutorError as exc:
            raise UsageError(str(exc)) from None
    return ProcessExecutor(settings, jobs) if parallel and jobs > 1 else SerialExecutor(settings)


def _remote(options: BatchOptions) -> bool:
    """Whether every input and the output are URLs, which any worker reads and writes itself."""
    from cleaner.io.remote import is_url

    return all(is_url(path) for path in options.paths) and isinstance(options.output, str)


def _count(layout: Layout, walker: Walker) -> tuple[int, int]:
    """How many input files and bytes the run will see (for the progress bar's ETA)."""
    files = size = 0
    for index, root in enumerate(layout.roots):
        if not isinstance(root.path, Path):
            continue  # standard input; a URL (no listing twice over the network)
        found = walker.files(root.path) if root.is_dir else [layout.unit(index, (), root.path)]
        for item in found:
            files += 1
            if isinstance(item.path, Path):
                with contextlib.suppress(OSError):
                    size += item.path.stat().st_size
    return files, size
