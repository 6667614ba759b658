"""What a batch run cleans and where each output goes, turned into steps in input order.

The inputs are visited in a fixed order (arguments as given; each directory depth first,
names sorted, see :mod:`cleaner.batch.walk`). Each input becomes a *unit* with its report
``source`` and output path, and then steps: one task for a text document, a series of chunk
tasks for a JSONL corpus (:mod:`cleaner.batch.corpus`), or a step that needs no task (already
done by the run being resumed, or unreadable).
"""

from __future__ import annotations

import enum
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cleaner.batch.corpus import Chunk, bounded_lines, is_corpus, is_gzip, read_chunks, split_record_source
from cleaner.batch.journal import file_sha256
from cleaner.batch.ledger import Key, Ledger, RecordKey
from cleaner.batch.tasks import DocTask
from cleaner.batch.walk import Walker
from cleaner.io.limits import DEFAULT_MAX_RECORD_BYTES, TooLarge
from cleaner.io.output import sweep_temporaries
from cleaner.io.stream import STDIN_CLOSED, Large, read_pipe, read_stdin, regular_size
from cleaner.messages import cannot_read

if TYPE_CHECKING:
    from cleaner.batch.large import StreamTask

DEFAULT_INCLUDE = ("*.txt", "*.text", "*.md", "*.jsonl", "*.jsonl.gz", "*.html", "*.htm")
STDIN_SOURCE = "<stdin>"


class UsageError(ValueError):
    """Options that do not fit together; the message says how to fix them."""


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
    scheduler: str | None = None  # a Dask scheduler's address, or "local"; None: this machine's cores
    resume: bool = False
    quiet: bool = False
    diff: bool = False  # print a unified diff per changed input instead of writing outputs
    check: bool = False  # write nothing; name the inputs that would change
    max_removed: float | None = None
    encoding: str | None = None
    html: bool | None = None
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES  # the longest JSONL record or line of text cleaned

    @property
    def preview(self) -> bool:
        """``--diff`` or ``--check``: the run reads and cleans, but writes no files."""
        return self.diff or self.check


@dataclass(frozen=True)
class Root:
    path: Path | None  # None: standard input
    name: str  # its folder under the output directory when the run has several inputs
    is_dir: bool


@dataclass(frozen=True)
class Unit:
    """One input of the run: a text document or a JSONL corpus."""

    source: str
    key: Key
    path: Path | None  # None: standard input
    output: Path | None  # None: standard output
    corpus: bool


@dataclass(frozen=True)
class Layout:
    """Where each input's output goes and how the report names it."""

    roots: tuple[Root, ...]
    tree: bool  # outputs mirror directories (a directory or several inputs)
    output: Path | None  # the output file (one input) or directory (a tree)
    in_place: bool
    stdin_corpus: bool
    preview: bool = False  # --diff/--check: no outputs at all

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

    def unit(self, index: int, parts: tuple[str, ...], path: Path) -> Unit:
        root = self.roots[index]
        if not self.tree:
            return Unit(self.single_source(), (0, ()), root.path, self.output, is_corpus(path.name))
        named = (root.name, *parts) if self.several else parts
        if self.preview:
            output = None
        elif self.in_place:
            output = path
        else:
            assert self.output is not None
            output = self.output.joinpath(*named)
        return Unit("/".join(named), (index, parts), path, output, is_corpus(path.name))

    def output_folder(self, index: int, parts: tuple[str, ...]) -> Path | None:
        """The output folder for an input folder (where stale temporary files may lie)."""
        root = self.roots[index]
        if self.in_place:
            return root.path.joinpath(*parts) if root.path else None
        if self.output is None:
            return None
        return self.output.joinpath(*((root.name, *parts) if self.several else parts))


def layout_for(options: BatchOptions) -> Layout:
    paths = list(options.paths) or ["-"]
    output = options.output
    if options.preview and (output is not None or options.in_place or options.report or options.resume):
        raise UsageError("--diff and --check write no files: drop --output, --in-place, --report, --resume")
    if output is not None and options.in_place:
        raise UsageError("use either --output or --in-place, not both")
    if options.scheduler is not None and options.jobs:
        raise UsageError("use either --jobs or --scheduler, not both: a cluster's workers run the tasks")
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        if options.in_place:
            raise UsageError("--in-place needs files, not standard input")
        if options.resume:
            raise UsageError("--resume needs input files and --output")
        return Layout(
            (Root(None, "-", False),), False, output, False, options.field is not None, options.preview
        )
    roots = tuple(Root(Path(p), _root_name(Path(p)), Path(p).is_dir()) for p in paths)
    tree = len(roots) > 1 or roots[0].is_dir
    if tree:
        if output is None and not options.in_place and not options.preview:
            raise UsageError("a directory or several inputs need --output DIR (or --in-place)")
        names = Counter(root.name for root in roots)
        twice = sorted(name for name, count in names.items() if count > 1)
        if len(roots) > 1 and twice:
            raise UsageError(f"two inputs are named {twice[0]!r}; their outputs would collide under --output")
        if output is not None and output.exists() and not output.is_dir():
            raise UsageError(f"--output {output}: not a directory (a tree of outputs goes there)")
    else:
        if output is not None and output.is_dir():
            output = output / roots[0].name
        if options.in_place:
            output = roots[0].path
    if options.resume and options.in_place and options.report is None:
        raise UsageError(
            "--resume needs --output, or --report with --in-place (an --in-place run without a report "
            "is simply run again: cleaning clean text changes nothing)"
        )
    if options.resume and output is None and not options.in_place:
        raise UsageError("--resume needs --output (it compares each output with its input)")
    return Layout(roots, tree, output, options.in_place, False, options.preview)


def _root_name(path: Path) -> str:
    if path.name not in ("", ".", ".."):
        return path.name
    return path.resolve().name or "root"


class Event(enum.Enum):
    """What a step is, and so what the collector does with it."""

    DOC = "doc"  # a document cleaned whole
    STREAM = "stream"  # a large document cleaned in windows
    CORPUS_OPEN = "corpus_open"  # a corpus begins: open its output
    CHUNK = "chunk"  # consecutive records of a corpus
    CORPUS_CLOSE = "corpus_close"  # a corpus ends: commit (or abandon) its output
    RESUMED = "resumed"  # done by the run being resumed
    FAILED = "failed"  # could not be read


@dataclass(frozen=True)
class Step:
    """One thing the collector does for a unit, in order; ``task`` is work for an executor."""

    unit: Unit
    event: Event
    task: DocTask | Chunk | StreamTask | None = None
    reason: str | None = None
    progress: int = 0  # input bytes this step accounts for (the progress bar)
    digest: str | None = None  # resumed: the SHA-256 of the output the stopped run wrote


class Planner:
    """Turns the inputs into steps, lazily, in input order.

    With ``local`` (the tasks run on this machine), a document's task reads its input by path,
    and with ``workers_write`` writes its output file too. Otherwise it carries its bytes, read
    here, for workers that cannot see this machine's files; and without ``workers_write`` it
    hands the clean text back to be written here (after its records: see
    :class:`cleaner.batch.collector.Collector`).
    A text document larger than ``stream_above`` bytes becomes a ``stream`` step
    (:mod:`cleaner.batch.large`), cleaned in this process; ``None`` never streams. A pipe named
    as the one input is read as standard input is; ``max_record_bytes`` bounds JSONL records.
    """

    def __init__(
        self,
        layout: Layout,
        walker: Walker,
        ledger: Ledger,
        resume: bool,
        *,
        local: bool = True,
        workers_write: bool = True,
        stream_above: int | None = None,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self.layout, self.walker, self.ledger, self.resume = layout, walker, ledger, resume
        self.local, self.workers_write = local, workers_write
        self.stream_above, self.max_record_bytes = stream_above, max_record_bytes

    def steps(self) -> Iterator[Step]:
        for index, root in enumerate(self.layout.roots):
            if root.path is None:
                yield from self._stdin_steps()
            elif not root.is_dir:
                unit = self.layout.unit(index, (), root.path)
                if unit.output is not None:
                    sweep_temporaries(unit.output.parent, [unit.output.name])
                yield from self._unit_steps(unit)
            else:
                for found in self.walker.files(root.path, self._sweeper(index)):
                    unit = self.layout.unit(index, found.parts, found.path)
                    if found.error:
                        yield Step(unit, Event.FAILED, reason=found.error)
                    else:
                        yield from self._unit_steps(unit)

    def _unit_steps(self, unit: Unit) -> Iterator[Step]:
        if self.resume and self.ledger.finished_before(unit.key):
            digest = self.ledger.output_digest(unit.key)
            size = _up_to_date(unit, digest)
            if size is not None:
                yield Step(unit, Event.RESUMED, progress=size, digest=digest)
                return
        assert unit.path is not None
        if not unit.corpus:
            yield self._doc_step(unit, unit.path)
            return
        try:
            raw = open(unit.path, "rb")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            yield Step(unit, Event.FAILED, reason=cannot_read(exc))
            return
        with raw:
            import gzip

            lines = gzip.GzipFile(fileobj=raw, mode="rb") if is_gzip(unit.path.name) else raw
            yield from self._corpus_steps(unit, lines, raw.tell)

    def _doc_step(self, unit: Unit, path: Path) -> Step:
        size = regular_size(path)
        if self.stream_above is not None and size > self.stream_above:
            return Step(unit, Event.STREAM, _stream_task(unit, Large(str(path))))
        if self.stream_above is not None and size < 0 and not self.layout.tree:
            return self._pipe_step(unit, path)
        if self.local:
            output = None if unit.output is None or not self.workers_write else str(unit.output)
            return Step(unit, Event.DOC, DocTask(unit.source, str(path), output=output))
        try:
            return Step(unit, Event.DOC, DocTask(unit.source, str(path), path.read_bytes()))
        except OSError as exc:
            return Step(unit, Event.FAILED, reason=cannot_read(exc))

    def _pipe_step(self, unit: Unit, path: Path) -> Step:
        try:
            data = read_pipe(path, self.stream_above or 0)
        except OSError as exc:
            return Step(unit, Event.FAILED, reason=cannot_read(exc))
        if isinstance(data, bytes):
            return Step(unit, Event.DOC, DocTask(unit.source, str(path), data))
        return Step(unit, Event.STREAM, _stream_task(unit, data))

    def _corpus_steps(self, unit: Unit, lines: IO[bytes], position: Callable[[], int]) -> Iterator[Step]:
        compress = unit.output is not None and is_gzip(unit.output.name)
        yield Step(unit, Event.CORPUS_OPEN)
        reason, done = None, 0
        try:
            records = bounded_lines(lines, self.max_record_bytes)
            for chunk in read_chunks(records, unit.source, compress=compress):
                now = position()
                yield Step(unit, Event.CHUNK, chunk, progress=now - done)
                done = now
        except TooLarge as exc:
            reason = str(exc)
        except (OSError, EOFError, zlib.error) as exc:
            reason = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
        yield Step(unit, Event.CORPUS_CLOSE, reason=reason)

    def _stdin_steps(self) -> Iterator[Step]:
        unit = Unit(STDIN_SOURCE, (0, ()), None, self.layout.output, self.layout.stdin_corpus)
        if sys.stdin is None:  # started with standard input closed (`<&-`)
            yield Step(unit, Event.FAILED, reason=STDIN_CLOSED)
            return
        if unit.corpus:
            yield from self._corpus_steps(unit, sys.stdin.buffer, lambda: 0)
            return
        stdin = sys.stdin.buffer
        if self.stream_above is None:
            yield Step(unit, Event.DOC, DocTask(unit.source, None, stdin.read()))
            return
        data = read_stdin(stdin, self.stream_above)
        if isinstance(data, bytes):
            yield Step(unit, Event.DOC, DocTask(unit.source, None, data))
        else:
            yield Step(unit, Event.STREAM, _stream_task(unit, data))

    def _sweeper(self, index: int) -> Callable[[tuple[str, ...], list[str]], None]:
        def sweep(parts: tuple[str, ...], names: list[str]) -> None:
            folder = self.layout.output_folder(index, parts)
            if folder is not None:
                sweep_temporaries(folder, names)

        return sweep


def _stream_task(unit: Unit, large: Large) -> StreamTask:
    """A :class:`cleaner.batch.large.StreamTask` for a large input (imported only for large
    inputs, so that cleaning small ones starts fast)."""
    from cleaner.batch.large import StreamTask

    return StreamTask.of(unit.source, large, _spool_dir(unit))


def _spool_dir(unit: Unit) -> str | None:
    """Where a streamed input's temporary files go: beside its output file, if it has one."""
    folder = unit.output.parent if unit.output is not None else None
    return str(folder) if folder is not None and folder.is_dir() else None


def _up_to_date(unit: Unit, digest: str | None) -> int | None:
    """The input's size when the output the stopped run wrote is still there, else None.

    That output is not older than the input and, when the journal gives its SHA-256 (``digest``),
    has it. In place, the input is the output: it must have the SHA-256 the journal gives.
    """
    if unit.path is None or unit.output is None:
        return None
    try:
        source = unit.path.stat()
        if unit.output == unit.path:
            return source.st_size if digest is not None and file_sha256(unit.path) == digest else None
        if unit.output.stat().st_mtime_ns < source.st_mtime_ns:
            return None
        return source.st_size if digest is None or file_sha256(unit.output) == digest else None
    except OSError:
        return None
