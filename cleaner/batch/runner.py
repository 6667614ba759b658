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
   no task wrote (a cluster's, standard output, JSONL corpora) in input order, so outputs
   and report are byte-identical for any number of jobs. An input enters the journal only
   after its output is complete, so ``--resume`` never trusts an output written by a worker
   whose result this process did not collect.

Safety: each output file is written to a temporary file beside it and renamed into place,
so no run, however it is stopped, leaves a half-written output; a temporary file left by a
process killed while writing (SIGKILL, or SIGTERM sent to a worker) is removed by the next
run over the same tree. Ctrl-C and SIGTERM stop the run after the documents in progress.
``--resume`` skips inputs whose output is complete and not older than the input; with a
report, :mod:`cleaner.batch.ledger` rebuilds the report so that it equals the report of an
uninterrupted run.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from cleaner.batch.corpus import ChunkResult, is_corpus
from cleaner.batch.executors import (
    DaskExecutor,
    Executor,
    ExecutorError,
    ProcessExecutor,
    SerialExecutor,
    cores,
)
from cleaner.batch.ledger import Ledger, ResumeError
from cleaner.batch.plan import (
    DEFAULT_INCLUDE,
    BatchOptions,
    Layout,
    Planner,
    Step,
    Unit,
    UsageError,
    layout_for,
)
from cleaner.batch.summary import ProgressBar, Tally
from cleaner.batch.tasks import (
    DEFAULT_FIELD,
    STREAM_ABOVE,
    DocResult,
    Settings,
    cannot_write,
    run_chunk,
    run_doc,
)
from cleaner.batch.walk import Walker
from cleaner.core.engine import Chain
from cleaner.io.output import atomic_writer, write_atomically

__all__ = ["DEFAULT_FIELD", "DEFAULT_INCLUDE", "BatchOptions", "UsageError", "run"]

EXIT_PROBLEMS = 1


def _run_stream(task: Any, settings: Settings) -> DocResult:
    from cleaner.batch.large import run_stream  # only for large inputs: small runs start without it

    return run_stream(task, settings)


TASK_RUNNERS: dict[str, Callable[[Any, Settings], Any]] = {
    "doc": run_doc,
    "chunk": run_chunk,
    "stream": _run_stream,
}


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _StopRequest:
    """Turns SIGINT/SIGTERM into a request the run honours between documents."""

    def __init__(self) -> None:
        self.signum = 0
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _StopRequest:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: object) -> None:
        if self.signum:
            raise KeyboardInterrupt  # asked twice: stop now
        self.signum = signum

    def check(self) -> None:
        if self.signum:
            raise _Interrupted(self.signum)


class _Discard:
    """Where a ``--check`` run sends a corpus's clean records: nowhere."""

    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass


class _CorpusOutput:
    """A corpus being written: its staged output file (or stdout) and its report records."""

    def __init__(self, output: Path | None, fsync: bool, *, discard: bool = False) -> None:
        self._stack = contextlib.ExitStack()
        self.out: IO[bytes] | _Discard
        if discard:
            self.out = _Discard()
        elif output is None:
            self.out = sys.stdout.buffer
        else:
            self.out = self._stack.enter_context(atomic_writer(output, "wb", fsync=fsync))
        import tempfile

        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - closed by the stack
        self.records = self._stack.enter_context(spool)
        self.to_stdout = output is None and not discard
        self.changed = 0

    def add(self, result: ChunkResult) -> None:
        self.out.write(result.data)
        if self.to_stdout:
            self.out.flush()
        self.records.write(result.records)
        self.changed += result.changed

    def commit(self, write_records: Callable[[IO[bytes]], None]) -> None:
        write_records(self.records)
        self._stack.close()

    def abandon(self) -> None:
        self._stack.__exit__(_Abandoned, _Abandoned(), None)


class _Abandoned(Exception):
    pass


class _Collector:
    """Handles each step's result in input order: output, report, journal, tally, messages."""

    def __init__(
        self, ledger: Ledger, tally: Tally, *, fsync: bool, preview: bool = False, check: bool = False
    ) -> None:
        self.ledger, self.tally, self.fsync = ledger, tally, fsync
        self.preview = preview  # --diff/--check: write no file
        self.check = check  # --check: name each input that would change
        self.progress: ProgressBar | None = None
        self._corpus: _CorpusOutput | None = None

    def say(self, line: str) -> None:
        if self.progress is not None:
            self.progress.say(line)
        else:
            print(line, file=sys.stderr, flush=True)

    def skip(self, source: str, reason: str, *, file: bool) -> None:
        self.say(f"cleaner: error: {source}: {reason}")
        self.tally.skip(source, reason, file=file)

    def handle(self, step: Step, result: Any) -> None:
        files, nbytes = getattr(self, f"_on_{step.event}")(step.unit, step, result)
        if self.progress is not None:
            self.progress.advance(files, nbytes)

    def _on_resumed(self, unit: Unit, step: Step, result: None) -> tuple[int, int]:
        self.tally.files_resumed += 1
        self.ledger.commit(unit.source, unit.key, None)
        return 1, step.progress

    def _on_failed(self, unit: Unit, step: Step, result: None) -> tuple[int, int]:
        self.skip(unit.source, step.reason or "cannot read", file=True)
        self.ledger.commit(unit.source, unit.key, b"")
        return 1, 0

    def _on_doc(self, unit: Unit, step: Step, result: DocResult) -> tuple[int, int]:
        if result.problem:
            self.skip(unit.source, result.problem, file=True)
            self.ledger.commit(unit.source, unit.key, b"")
            return 1, result.bytes_in
        if result.warning:
            self.say(f"cleaner: warning: {unit.source}: {result.warning}")
        if result.held_back:
            self.say(f"cleaner: warning: {unit.source}: {result.held_back}")
            self.tally.hold_back(unit.source)
        if self.preview:
            self._preview(unit, result.changed, result.diff)
        elif result.written:
            pass
        elif unit.output is None:
            result.write_clean(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            try:
                if isinstance(result.clean, bytes):
                    write_atomically(unit.output, result.clean, fsync=self.fsync)
                else:  # a streamed document's clean text waits in a temporary file
                    with atomic_writer(unit.output, "wb", fsync=self.fsync) as out:
                        result.write_clean(out)
            except OSError as exc:
                self.skip(unit.source, cannot_write(unit.output, exc), file=True)
                self.ledger.commit(unit.source, unit.key, b"")
                return 1, result.bytes_in
        tally = self.tally
        tally.files += 1
        tally.documents += 1
        tally.documents_changed += result.changed
        tally.bytes += result.bytes_in
        tally.spans.update(result.spans)
        tally.encodings[result.encoding] += 1
        self.ledger.commit(unit.source, unit.key, result.records)
        return 1, result.bytes_in

    def _on_stream(self, unit: Unit, step: Step, result: DocResult) -> tuple[int, int]:
        """A large document cleaned in windows: handled as any document, then its temporary files go."""
        try:
            return self._on_doc(unit, step, result)
        finally:
            result.close()

    def _on_corpus_open(self, unit: Unit, step: Step, result: None) -> tuple[int, int]:
        self._corpus = _CorpusOutput(unit.output, self.fsync, discard=self.preview)
        return 0, 0

    def _on_chunk(self, unit: Unit, step: Step, result: ChunkResult) -> tuple[int, int]:
        assert self._corpus is not None
        self._corpus.add(result)
        tally = self.tally
        tally.documents += result.documents
        tally.documents_changed += result.changed
        tally.held_back += result.held_back
        tally.records_without_field += result.without_field
        tally.bytes += result.bytes_in
        tally.spans.update(result.spans)
        for source, reason in result.problems:
            self.skip(source, reason, file=False)
        return 0, step.progress

    def _on_corpus_close(self, unit: Unit, step: Step, result: None) -> tuple[int, int]:
        assert self._corpus is not None
        corpus, self._corpus = self._corpus, None
        if step.reason:
            corpus.abandon()
            self.skip(unit.source, step.reason, file=True)
            self.ledger.commit(unit.source, unit.key, b"")
        else:
            corpus.commit(lambda records: self.ledger.commit(unit.source, unit.key, records))
            self.tally.files += 1
            if self.preview:
                self._preview(unit, corpus.changed > 0, b"")
        return 1, 0

    def _preview(self, unit: Unit, changed: bool, diff: bytes) -> None:
        """``--diff``: print the diff. ``--check``: name the input. Either way, count it."""
        if diff:
            sys.stdout.buffer.write(diff)
            sys.stdout.buffer.flush()
        if changed:
            self.tally.would_change += 1
            if self.check:
                self.say(f"would clean {unit.path if unit.path is not None else unit.source}")

    def abandon(self) -> None:
        """Drop a corpus output in progress (the run is stopping)."""
        if self._corpus is not None:
            self._corpus.abandon()
            self._corpus = None


def _drive(steps: Iterator[Step], executor: Executor, collector: _Collector, stop: _StopRequest) -> None:
    """Hand tasks to the executor and their results to the collector, in order."""
    pending: deque[tuple[Step, Any]] = deque()
    for step in steps:
        future = executor.submit(TASK_RUNNERS[step.event], step.task) if step.task is not None else None
        pending.append((step, future))
        while len(pending) > executor.window:
            done, future = pending.popleft()
            collector.handle(done, future.result() if future is not None else None)
            stop.check()
        stop.check()
    while pending:
        done, future = pending.popleft()
        collector.handle(done, future.result() if future is not None else None)
        stop.check()


def run(options: BatchOptions, chain: Chain, *, stream_above: int | None = STREAM_ABOVE) -> int:
    """Clean the inputs ``options`` name; returns the exit status (0 ok, 1 problems, 130/143 stopped).

    Raises :class:`UsageError` for options that do not fit together, before doing anything.
    A single input (not a directory or several) of more than ``stream_above`` bytes is cleaned
    in windows, in bounded memory, with the same output and report (:mod:`cleaner.batch.large`);
    ``--diff`` reads it whole, and ``None`` never streams.

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
    jobs = options.jobs or cores()
    settings = Settings(
        chain,
        options.field or DEFAULT_FIELD,
        encoding=options.encoding,
        html=options.html,
        max_removed=options.max_removed,
        diff=options.diff,
        fsync=not layout.tree,
    )
    corpus_run = layout.stdin_corpus or any(
        root.path is not None and not root.is_dir and is_corpus(root.path.name) for root in layout.roots
    )
    chatty = (layout.tree or corpus_run) and not options.quiet
    files_out = layout.tree or layout.output is not None
    executor = _executor(settings, options.scheduler, jobs, parallel=layout.tree or corpus_run)
    try:
        if layout.tree and layout.output is not None:
            layout.output.mkdir(parents=True, exist_ok=True)
        ledger = Ledger(options.report, journal=files_out, resume=options.resume, key_of=layout.source_key)
    except (OSError, ResumeError) as exc:
        executor.shutdown(cancel=True)
        raise UsageError(_why(exc)) from None
    tally = Tally(jobs=executor.jobs, preview=options.preview, started=started)
    collector = _Collector(ledger, tally, fsync=settings.fsync, preview=options.preview, check=options.check)
    if ledger.warning:
        collector.say(f"cleaner: warning: {ledger.warning}")
    walker = Walker(options.include, options.exclude, [layout.output, options.report, options.summary])
    if chatty and sys.stderr.isatty():
        collector.progress = ProgressBar(*_count(layout, walker))
    streamed = None if layout.tree or options.diff else stream_above
    planner = Planner(layout, walker, ledger, options.resume, local=executor.local, stream_above=streamed)
    steps = planner.steps()
    status, complete = 0, False
    with _StopRequest() as stop:
        try:
            _drive(steps, executor, collector, stop)
            complete = True
        except (_Interrupted, KeyboardInterrupt) as exc:
            status = 128 + (exc.signum if isinstance(exc, _Interrupted) else signal.SIGINT)
        except (OSError, ResumeError, ExecutorError) as exc:  # an output cannot be written, a cluster failed
            collector.say(f"cleaner: error: {_why(exc)}")
            status = EXIT_PROBLEMS
        except Exception as exc:
            from concurrent.futures.process import BrokenProcessPool

            if not isinstance(exc, BrokenProcessPool):
                raise
            status = 128 + stop.signum if stop.signum else EXIT_PROBLEMS
            if not stop.signum:
                collector.say("cleaner: error: a worker process stopped unexpectedly")
        finally:
            steps.close()
            executor.shutdown(cancel=not complete)
            collector.abandon()
            ledger.finish(complete=complete)
            if collector.progress is not None:
                collector.progress.stop()
    tally.interrupted = not complete
    tally.stop()
    if not complete and files_out:
        collector.say("cleaner: stopped; run the same command with --resume to continue")
    if chatty:
        for line in tally.to_text(settings.field):
            collector.say(line)
    if options.summary is not None:
        try:
            with atomic_writer(options.summary) as out:
                json.dump(tally.to_json(), out, indent=2, ensure_ascii=False)
                out.write("\n")
        except OSError as exc:
            collector.say(f"cleaner: error: --summary: {_why(exc)}")
            status = status or EXIT_PROBLEMS
    if status == 0 and (tally.problems or (options.check and tally.would_change)):
        status = EXIT_PROBLEMS
    return status


def _why(exc: BaseException) -> str:
    """A one-line reason: ``path: strerror`` for OS errors, the message otherwise."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


def _executor(settings: Settings, scheduler: str | None, jobs: int, *, parallel: bool) -> Executor:
    """Where the tasks run: a Dask cluster, a process pool, or this process (one document)."""
    try:
        if parallel and scheduler is not None:
            return DaskExecutor(settings, scheduler)
    except ExecutorError as exc:
        raise UsageError(str(exc)) from None
    return ProcessExecutor(settings, jobs) if parallel and jobs > 1 else SerialExecutor(settings)


def _count(layout: Layout, walker: Walker) -> tuple[int, int]:
    """How many input files and bytes the run will see (for the progress bar's ETA)."""
    files = size = 0
    for index, root in enumerate(layout.roots):
        if root.path is None:
            continue
        found = walker.files(root.path) if root.is_dir else [layout.unit(index, (), root.path)]
        for item in found:
            files += 1
            with contextlib.suppress(OSError):
                size += (item.path or Path()).stat().st_size
    return files, size
