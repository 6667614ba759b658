"""Clean many inputs: files, directory trees and JSONL corpora, on all cores, safely, resumably.

How a run works:

1. **Plan.** The inputs are visited in a fixed order (arguments in order; each directory
   depth first, names sorted; see :mod:`cleaner.walk`) and turned into steps. A text
   document is one task; a JSONL corpus is a series of chunk tasks (:mod:`cleaner.corpus`).
   Tasks are plain data and share no state.
2. **Execute.** An executor runs the tasks: in this process for ``--jobs 1``, in a pool of
   worker processes otherwise, each worker receiving the settings (the compiled chain) once.
   A task reads its input and returns the clean bytes and report lines; it writes nothing.
   The seam is ``submit(fn, task) -> future``, so a Dask client can take the pool's place.
3. **Collect.** Results come back in input order through a bounded window (memory stays
   bounded by the largest document or chunk, never the corpus). This process writes the
   outputs, report records, journal and tally in that order, so outputs and report are
   byte-identical for any number of jobs, and file writes (slow on many disks, and slower
   still when several processes write at once) overlap with cleaning instead of contending.

Every document goes through :func:`clean_document` (bytes -> :func:`decode_document` ->
chain), the one path used by the ``clean`` command for standard input, one file or a tree.

Safety: each output file is written to a temporary file beside it and renamed into place,
so no run, however it is stopped, leaves a half-written output; a temporary file left by a
SIGKILL is removed by the next run over the same tree. Ctrl-C and SIGTERM stop the run after
the documents in progress. ``--resume`` skips inputs whose output is complete and not older
than the input; with a report, :mod:`cleaner.ledger` rebuilds the report so that it equals
the report of an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from cleaner.corpus import (
    Chunk,
    ChunkResult,
    clean_chunk,
    is_corpus,
    is_gzip,
    read_chunks,
    split_record_source,
)
from cleaner.decode import Decoded, DecodeError, decode_bytes
from cleaner.engine import Chain, Result
from cleaner.ledger import Key, Ledger, RecordKey, ResumeError
from cleaner.output import atomic_writer, temp_target
from cleaner.report import write_records
from cleaner.summary import ProgressBar, Tally
from cleaner.walk import Walker

DEFAULT_INCLUDE = ("*.txt", "*.text", "*.md", "*.jsonl", "*.jsonl.gz", "*.html", "*.htm")
DEFAULT_FIELD = "text"
STDIN_SOURCE = "<stdin>"
TASKS_IN_FLIGHT_PER_JOB = 4
EXIT_PROBLEMS = 1


class UsageError(ValueError):
    """Options that do not fit together; the message says how to fix them."""


# --- one document -------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """What every task needs besides its input; shipped to each worker once."""

    chain: Chain
    field: str = DEFAULT_FIELD  # the text field of JSONL records


def decode_document(data: bytes, settings: Settings) -> Decoded:
    """Input bytes to text: the one place where decoding happens, so decoding options travel
    in :class:`Settings`.

    >>> decode_document(b"Story.", Settings(Chain([]))).text
    'Story.'
    """
    return decode_bytes(data)


def clean_document(data: bytes, settings: Settings) -> tuple[Decoded, Result]:
    """Decode and clean one document; raises :class:`~cleaner.decode.DecodeError` for bad bytes.

    >>> from cleaner.ruleset import Rule
    >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    >>> decoded, result = clean_document(b"Story. Read more", Settings(chain))
    >>> decoded.encoding, result.clean
    ('utf-8', 'Story.')
    """
    decoded = decode_document(data, settings)
    return decoded, settings.chain.clean(decoded.text)


@dataclass(frozen=True)
class DocTask:
    """Clean one text document: the file at ``path``, or ``data`` (standard input)."""

    source: str
    path: str | None
    data: bytes | None = None


@dataclass
class DocResult:
    """What cleaning one document gave; ``problem`` says why it was skipped."""

    bytes_in: int = 0
    encoding: str = ""
    spans: Counter[str] = field(default_factory=Counter)
    records: bytes = b""  # report lines
    clean: bytes = b""  # the clean text, UTF-8
    problem: str | None = None


def run_doc(task: DocTask, settings: Settings) -> DocResult:
    """Clean one text document (a task; runs in a worker, which only reads: the caller writes)."""
    try:
        data = task.data if task.data is not None else Path(task.path or "").read_bytes()
    except OSError as exc:
        return DocResult(problem=f"cannot read: {exc.strerror or exc}")
    try:
        decoded, result = clean_document(data, settings)
    except DecodeError as exc:
        return DocResult(len(data), problem=str(exc))
    except Exception as exc:  # one bad document must not stop a run; it is reported instead
        return DocResult(len(data), problem=f"internal error ({type(exc).__name__}: {exc})")
    report = io.StringIO()
    write_records(report, task.source, result.spans)
    return DocResult(
        len(data),
        decoded.encoding,
        Counter(span.rule for span in result.spans),
        report.getvalue().encode("utf-8"),
        result.clean.encode("utf-8"),
    )


def run_chunk(chunk: Chunk, settings: Settings) -> ChunkResult:
    """Clean one chunk of a JSONL corpus (a task; runs in a worker)."""
    return clean_chunk(chunk, settings.chain, settings.field)


# --- executors ----------------------------------------------------------------------------


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


# --- what to clean and where it goes ------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    """The ``clean`` command's options (see ``cleaner clean --help``)."""

    paths: tuple[str, ...] = ()
    output: Path | None = None
    in_place: bool = False
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    field: str | None = None  # None: "text"; given explicitly, standard input is read as JSONL
    report: Path | None = None
    summary: Path | None = None
    jobs: int = 0  # 0: all cores
    resume: bool = False
    quiet: bool = False


@dataclass(frozen=True)
class _Root:
    path: Path | None  # None: standard input
    name: str  # its folder under the output directory when the run has several inputs
    is_dir: bool


@dataclass(frozen=True)
class _Unit:
    """One input of the run: a text document or a JSONL corpus."""

    source: str
    key: Key
    path: Path | None  # None: standard input
    output: Path | None  # None: standard output
    corpus: bool


@dataclass(frozen=True)
class _Layout:
    """Where each input's output goes and how the report names it."""

    roots: tuple[_Root, ...]
    tree: bool  # outputs mirror directories (a directory or several inputs)
    output: Path | None  # the output file (one input) or directory (a tree)
    in_place: bool
    stdin_corpus: bool

    @property
    def several(self) -> bool:
        return len(self.roots) > 1

    def source_key(self, source: str) -> RecordKey:
        """The key of the input a report ``source`` names (used when resuming a report)."""
        path, line = split_record_source(source)
        if not self.tree:
            return (0, (), line) if path == self.single_source() else (-1, (), line)
        parts = tuple(path.split("/"))
        index = 0
        if self.several:
            names = [root.name for root in self.roots]
            index = names.index(parts[0]) if parts[0] in names else -1
            parts = parts[1:]
        return (index, parts, line)

    def single_source(self) -> str:
        root = self.roots[0]
        return STDIN_SOURCE if root.path is None else str(root.path)

    def unit(self, index: int, parts: tuple[str, ...], path: Path) -> _Unit:
        root = self.roots[index]
        if not self.tree:
            return _Unit(self.single_source(), (0, ()), root.path, self.output, is_corpus(path.name))
        named = (root.name, *parts) if self.several else parts
        if self.in_place:
            output = path
        else:
            assert self.output is not None
            output = self.output.joinpath(*named)
        return _Unit("/".join(named), (index, parts), path, output, is_corpus(path.name))

    def output_folder(self, index: int, parts: tuple[str, ...]) -> Path | None:
        """The output folder for an input folder (where stale temporary files may lie)."""
        root = self.roots[index]
        if self.in_place:
            return root.path.joinpath(*parts) if root.path else None
        if self.output is None:
            return None
        return self.output.joinpath(*((root.name, *parts) if self.several else parts))


def _layout(options: BatchOptions) -> _Layout:
    paths = list(options.paths) or ["-"]
    output = options.output
    if output is not None and options.in_place:
        raise UsageError("use either --output or --in-place, not both")
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        if options.in_place:
            raise UsageError("--in-place needs files, not standard input")
        if options.resume:
            raise UsageError("--resume needs input files and --output")
        return _Layout((_Root(None, "-", False),), False, output, False, options.field is not None)
    roots = tuple(_Root(Path(p), _root_name(Path(p)), Path(p).is_dir()) for p in paths)
    tree = len(roots) > 1 or roots[0].is_dir
    if tree:
        if output is None and not options.in_place:
            raise UsageError("a directory or several inputs need --output DIR (or --in-place)")
        names = Counter(root.name for root in roots)
        twice = sorted(name for name, count in names.items() if count > 1)
        if len(roots) > 1 and twice:
            raise UsageError(f"two inputs are named {twice[0]!r}; their outputs would collide under --output")
        if output is not None:
            if output.exists() and not output.is_dir():
                raise UsageError(f"--output {output}: not a directory (a tree of outputs goes there)")
            if any(root.is_dir and _same(root.path, output) for root in roots):
                raise UsageError(
                    f"--output {output} is the input directory; use --in-place to overwrite inputs"
                )
    else:
        if output is not None and output.is_dir():
            output = output / roots[0].name
        if output is not None and _same(roots[0].path, output):
            raise UsageError(f"--output {output} is the input; use --in-place to overwrite it")
        if options.in_place:
            output = roots[0].path
    if options.resume and (output is None or options.in_place):
        raise UsageError("--resume needs --output (it compares each output with its input)")
    return _Layout(roots, tree, output, options.in_place, False)


def _root_name(path: Path) -> str:
    if path.name not in ("", ".", ".."):
        return path.name
    return path.resolve().name or "root"


def _same(a: Path | None, b: Path) -> bool:
    try:
        return a is not None and a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


# --- steps: what the parent does, in order, with the task it hands out --------------------


@dataclass(frozen=True)
class _Step:
    unit: _Unit
    event: str  # doc | corpus_open | chunk | corpus_close | resumed | failed: see _Collector._on_*
    task: DocTask | Chunk | None = None
    reason: str | None = None
    progress: int = 0  # input bytes this step accounts for (the progress bar)


_TASK_RUNNERS: dict[str, Callable[[Any, Settings], Any]] = {"doc": run_doc, "chunk": run_chunk}


class _Planner:
    """Turns the inputs into steps, lazily, in input order."""

    def __init__(self, layout: _Layout, walker: Walker, ledger: Ledger, resume: bool) -> None:
        self.layout, self.walker, self.ledger, self.resume = layout, walker, ledger, resume

    def steps(self) -> Iterator[_Step]:
        for index, root in enumerate(self.layout.roots):
            if root.path is None:
                yield from self._stdin_steps()
            elif not root.is_dir:
                unit = self.layout.unit(index, (), root.path)
                if unit.output is not None:
                    _sweep(unit.output.parent, [unit.output.name])
                yield from self._unit_steps(unit)
            else:
                for found in self.walker.files(root.path, self._sweeper(index)):
                    unit = self.layout.unit(index, found.parts, found.path)
                    if found.error:
                        yield _Step(unit, "failed", reason=found.error)
                    else:
                        yield from self._unit_steps(unit)

    def _unit_steps(self, unit: _Unit) -> Iterator[_Step]:
        if self.resume and self.ledger.finished_before(unit.key):
            size = _up_to_date(unit)
            if size is not None:
                yield _Step(unit, "resumed", progress=size)
                return
        assert unit.path is not None
        if not unit.corpus:
            yield _Step(unit, "doc", DocTask(unit.source, str(unit.path)))
            return
        try:
            raw = open(unit.path, "rb")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            yield _Step(unit, "failed", reason=f"cannot read: {exc.strerror or exc}")
            return
        with raw:
            import gzip

            lines = gzip.GzipFile(fileobj=raw, mode="rb") if is_gzip(unit.path.name) else raw
            yield from self._corpus_steps(unit, lines, raw.tell)

    def _corpus_steps(self, unit: _Unit, lines: IO[bytes], position: Callable[[], int]) -> Iterator[_Step]:
        compress = unit.output is not None and is_gzip(unit.output.name)
        yield _Step(unit, "corpus_open")
        reason, done = None, 0
        try:
            for chunk in read_chunks(lines, unit.source, compress=compress):
                now = position()
                yield _Step(unit, "chunk", chunk, progress=now - done)
                done = now
        except (OSError, EOFError, zlib.error) as exc:
            reason = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
        yield _Step(unit, "corpus_close", reason=reason)

    def _stdin_steps(self) -> Iterator[_Step]:
        unit = _Unit(STDIN_SOURCE, (0, ()), None, self.layout.output, self.layout.stdin_corpus)
        if unit.corpus:
            yield from self._corpus_steps(unit, sys.stdin.buffer, lambda: 0)
            return
        yield _Step(unit, "doc", DocTask(unit.source, None, sys.stdin.buffer.read()))

    def _sweeper(self, index: int) -> Callable[[tuple[str, ...], list[str]], None]:
        def sweep(parts: tuple[str, ...], names: list[str]) -> None:
            folder = self.layout.output_folder(index, parts)
            if folder is not None:
                _sweep(folder, names)

        return sweep


def _sweep(folder: Path, names: list[str]) -> None:
    """Remove temporary files that a run killed with SIGKILL left for these outputs."""
    if not names:
        return
    wanted = set(names)
    try:
        with os.scandir(folder) as entries:
            stale = [entry.path for entry in entries if temp_target(entry.name) in wanted]
    except OSError:
        return
    for path in stale:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _up_to_date(unit: _Unit) -> int | None:
    """The input's size when its output exists and is not older than it, else None."""
    if unit.path is None or unit.output is None or unit.output == unit.path:
        return None
    try:
        source, output = unit.path.stat(), unit.output.stat()
    except OSError:
        return None
    return source.st_size if output.st_mtime_ns >= source.st_mtime_ns else None


# --- collecting results in order ----------------------------------------------------------


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


class _CorpusOutput:
    """A corpus being written: its staged output file (or stdout) and its report records."""

    def __init__(self, output: Path | None, fsync: bool) -> None:
        self._stack = contextlib.ExitStack()
        self.out = (
            sys.stdout.buffer
            if output is None
            else self._stack.enter_context(atomic_writer(output, "wb", fsync=fsync))
        )
        import tempfile

        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - closed by the stack
        self.records = self._stack.enter_context(spool)
        self.to_stdout = output is None

    def add(self, result: ChunkResult) -> None:
        self.out.write(result.data)
        if self.to_stdout:
            self.out.flush()
        self.records.write(result.records)

    def commit(self, write_records: Callable[[IO[bytes]], None]) -> None:
        write_records(self.records)
        self._stack.close()

    def abandon(self) -> None:
        self._stack.__exit__(_Abandoned, _Abandoned(), None)


class _Abandoned(Exception):
    pass


class _Collector:
    """Handles each step's result in input order: output, report, journal, tally, messages."""

    def __init__(self, ledger: Ledger, tally: Tally, *, fsync: bool) -> None:
        self.ledger, self.tally, self.fsync = ledger, tally, fsync
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

    def handle(self, step: _Step, result: Any) -> None:
        files, nbytes = getattr(self, f"_on_{step.event}")(step.unit, step, result)
        if self.progress is not None:
            self.progress.advance(files, nbytes)

    def _on_resumed(self, unit: _Unit, step: _Step, result: None) -> tuple[int, int]:
        self.tally.files_resumed += 1
        self.ledger.commit(unit.source, unit.key, None)
        return 1, step.progress

    def _on_failed(self, unit: _Unit, step: _Step, result: None) -> tuple[int, int]:
        self.skip(unit.source, step.reason or "cannot read", file=True)
        self.ledger.commit(unit.source, unit.key, b"")
        return 1, 0

    def _on_doc(self, unit: _Unit, step: _Step, result: DocResult) -> tuple[int, int]:
        if result.problem:
            self.skip(unit.source, result.problem, file=True)
            self.ledger.commit(unit.source, unit.key, b"")
            return 1, result.bytes_in
        if unit.output is None:
            sys.stdout.buffer.write(result.clean)
            sys.stdout.buffer.flush()
        else:
            try:
                with atomic_writer(unit.output, "wb", fsync=self.fsync) as out:
                    out.write(result.clean)
            except OSError as exc:
                self.skip(unit.source, f"cannot write {unit.output}: {exc.strerror or exc}", file=True)
                self.ledger.commit(unit.source, unit.key, b"")
                return 1, result.bytes_in
        tally = self.tally
        tally.files += 1
        tally.documents += 1
        tally.documents_changed += bool(result.spans)
        tally.bytes += result.bytes_in
        tally.spans.update(result.spans)
        tally.encodings[result.encoding] += 1
        self.ledger.commit(unit.source, unit.key, result.records)
        return 1, result.bytes_in

    def _on_corpus_open(self, unit: _Unit, step: _Step, result: None) -> tuple[int, int]:
        self._corpus = _CorpusOutput(unit.output, self.fsync)
        return 0, 0

    def _on_chunk(self, unit: _Unit, step: _Step, result: ChunkResult) -> tuple[int, int]:
        assert self._corpus is not None
        self._corpus.add(result)
        tally = self.tally
        tally.documents += result.documents
        tally.documents_changed += result.changed
        tally.records_without_field += result.without_field
        tally.bytes += result.bytes_in
        tally.spans.update(result.spans)
        for source, reason in result.problems:
            self.skip(source, reason, file=False)
        return 0, step.progress

    def _on_corpus_close(self, unit: _Unit, step: _Step, result: None) -> tuple[int, int]:
        assert self._corpus is not None
        corpus, self._corpus = self._corpus, None
        if step.reason:
            corpus.abandon()
            self.skip(unit.source, step.reason, file=True)
            self.ledger.commit(unit.source, unit.key, b"")
        else:
            corpus.commit(lambda records: self.ledger.commit(unit.source, unit.key, records))
            self.tally.files += 1
        return 1, 0

    def abandon(self) -> None:
        """Drop a corpus output in progress (the run is stopping)."""
        if self._corpus is not None:
            self._corpus.abandon()
            self._corpus = None


def _drive(
    steps: Iterator[_Step], executor: Executor, window: int, collector: _Collector, stop: _StopRequest
) -> None:
    """Hand tasks to the executor and their results to the collector, in order."""
    pending: deque[tuple[_Step, Any]] = deque()
    for step in steps:
        future = executor.submit(_TASK_RUNNERS[step.event], step.task) if step.task is not None else None
        pending.append((step, future))
        while len(pending) > window:
            done, future = pending.popleft()
            collector.handle(done, future.result() if future is not None else None)
            stop.check()
        stop.check()
    while pending:
        done, future = pending.popleft()
        collector.handle(done, future.result() if future is not None else None)
        stop.check()


# --- the run -------------------------------------------------------------------------------


def run(options: BatchOptions, chain: Chain) -> int:
    """Clean the inputs ``options`` name; returns the exit status (0 ok, 1 problems, 130/143 stopped).

    Raises :class:`UsageError` for options that do not fit together, before doing anything.

    >>> import tempfile, cleaner
    >>> top = Path(tempfile.mkdtemp())
    >>> (top / "raw").mkdir()
    >>> _ = (top / "raw" / "a.txt").write_text("open image in gallery A pier ( AP )\\n\\nThe pier.\\n")
    >>> run(BatchOptions((str(top / "raw"),), output=top / "clean", jobs=1, quiet=True), cleaner.load_chain())
    0
    >>> (top / "clean" / "a.txt").read_text()
    'The pier.\\n'
    """
    layout = _layout(options)
    jobs = options.jobs or _cores()
    settings = Settings(chain, options.field or DEFAULT_FIELD)
    corpus_run = layout.stdin_corpus or any(
        root.path is not None and not root.is_dir and is_corpus(root.path.name) for root in layout.roots
    )
    chatty = (layout.tree or corpus_run) and not options.quiet
    files_out = layout.tree or layout.output is not None
    try:
        if layout.tree and layout.output is not None:
            layout.output.mkdir(parents=True, exist_ok=True)
        ledger = Ledger(options.report, journal=files_out, resume=options.resume, key_of=layout.source_key)
    except (OSError, ResumeError) as exc:
        raise UsageError(_why(exc)) from None
    tally = Tally(jobs=jobs if layout.tree or corpus_run else 1)
    collector = _Collector(ledger, tally, fsync=not layout.tree)
    if ledger.warning:
        collector.say(f"cleaner: warning: {ledger.warning}")
    walker = Walker(options.include, options.exclude, [layout.output, options.report, options.summary])
    parallel = jobs > 1 and (layout.tree or corpus_run)
    executor: Executor = ProcessExecutor(settings, jobs) if parallel else SerialExecutor(settings)
    if chatty and sys.stderr.isatty():
        collector.progress = ProgressBar(*_count(layout, walker))
    steps = _Planner(layout, walker, ledger, options.resume).steps()
    status, complete = 0, False
    with _StopRequest() as stop:
        try:
            _drive(steps, executor, executor.window, collector, stop)
            complete = True
        except (_Interrupted, KeyboardInterrupt) as exc:
            status = 128 + (exc.signum if isinstance(exc, _Interrupted) else signal.SIGINT)
        except (OSError, ResumeError) as exc:  # the report or a corpus output cannot be written
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
    if status == 0 and tally.problems:
        status = EXIT_PROBLEMS
    return status


def _why(exc: BaseException) -> str:
    """A one-line reason: ``path: strerror`` for OS errors, the message otherwise."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _count(layout: _Layout, walker: Walker) -> tuple[int, int]:
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
