"""What a batch run cleans, turned into steps in input order.

The inputs are visited in a fixed order (arguments as given; each directory depth first,
names sorted, see :mod:`cleaner.batch.walk`). Each input becomes a *unit* with its report
``source`` and output (:mod:`cleaner.batch.layout`), and then steps: one task for a text
document, a series of chunk tasks for a JSONL corpus read here (:mod:`cleaner.batch.corpus`),
one shard task for a corpus (or a byte range of one) that a worker reads and writes itself
(:mod:`cleaner.batch.shards`, :mod:`cleaner.batch.parquet`), or a step that needs no task
(already done by the run being resumed, or unreadable).
"""

from __future__ import annotations

import enum
import functools
import sys
import zlib
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cleaner.batch.corpus import Chunk, LineReader, bounded_lines, is_gzip, read_chunks
from cleaner.batch.journal import Finished, file_sha256
from cleaner.batch.layout import (
    DEFAULT_INCLUDE,
    STDIN_SOURCE,
    BatchOptions,
    Layout,
    Location,
    Root,
    Unit,
    UsageError,
    layout_for,
)
from cleaner.batch.ledger import Ledger
from cleaner.batch.parquet import ParquetTask, is_parquet
from cleaner.batch.shards import ShardTask, shard_name, shard_ranges
from cleaner.batch.sized import SizedDocTask
from cleaner.batch.tasks import DocTask
from cleaner.batch.walk import Walker
from cleaner.io import remote
from cleaner.io.limits import DEFAULT_MAX_RECORD_BYTES, TooLarge
from cleaner.io.output import sweep_temporaries
from cleaner.io.stream import STDIN_CLOSED, Large, read_pipe, read_stdin, regular_size
from cleaner.messages import READING_TERMINAL, cannot_read

if TYPE_CHECKING:
    from cleaner.batch.large import StreamTask

# The layout is part of planning: those who plan a run import it from here.
__all__ = [
    "DEFAULT_INCLUDE",
    "STDIN_SOURCE",
    "BatchOptions",
    "Event",
    "Layout",
    "Planner",
    "Root",
    "Step",
    "Unit",
    "UsageError",
    "layout_for",
]


class Event(enum.Enum):
    """What a step is, and so what the collector does with it."""

    DOC = "doc"  # a document cleaned whole
    STREAM = "stream"  # a large document cleaned in windows
    CORPUS_OPEN = "corpus_open"  # a corpus begins: open its output
    CHUNK = "chunk"  # consecutive records of a corpus
    CORPUS_CLOSE = "corpus_close"  # a corpus ends: commit (or abandon) its output
    SHARD = "shard"  # a corpus, or a shard of one, cleaned by a worker that reads and writes it
    RESUMED = "resumed"  # done by the run being resumed
    FAILED = "failed"  # could not be read


class Step(NamedTuple):
    """One thing the collector does for a unit, in order; ``task`` is work for an executor."""

    unit: Unit
    event: Event
    task: DocTask | SizedDocTask | Chunk | StreamTask | ShardTask | ParquetTask | None = None
    reason: str | None = None
    progress: int = 0  # input bytes this step accounts for (the progress bar)
    digest: str | None = None  # resumed: the SHA-256 of the output the stopped run wrote


class Planner:
    """Turns the inputs into steps, lazily, in input order.

    With ``local`` (the workers see this machine's files: a local pool, or a cluster on shared
    storage), a document's task reads its input by path, and with ``workers_write`` writes its
    output file too. Otherwise it carries its bytes, read here, for workers that cannot see
    this machine's files; and without ``workers_write`` it hands the clean text back to be
    written here (after its records: see :class:`cleaner.batch.collector.Collector`).
    With ``whole_corpora`` (a cluster on shared storage), each corpus of a tree is one shard
    task that its worker reads and writes; a corpus at a URL always is. A text document larger
    than ``stream_above`` bytes is cleaned in windows: by its worker when the workers read and
    write the files (:mod:`cleaner.batch.sized`: nothing here looks at the file), else as a
    ``stream`` step in this process (:mod:`cleaner.batch.large`); ``None`` never streams. A
    pipe named as the one input is read as standard input is; ``max_record_bytes`` bounds
    JSONL records read here.
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
        whole_corpora: bool = False,
        stream_above: int | None = None,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self.layout, self.walker, self.ledger, self.resume = layout, walker, ledger, resume
        self.local, self.workers_write, self.whole_corpora = local, workers_write, whole_corpora
        self.stream_above, self.max_record_bytes = stream_above, max_record_bytes

    def steps(self) -> Generator[Step, None, None]:
        for index, root in enumerate(self.layout.roots):
            if root.path is None:
                yield from self._stdin_steps()
            elif self.layout.shard_bytes:
                yield from self._shard_steps(index, root)
            elif not root.is_dir:
                unit = self.layout.unit(index, (), root.path)
                if isinstance(unit.output, Path):
                    sweep_temporaries(unit.output.parent, [unit.output.name])
                yield from self._unit_steps(unit)
            elif isinstance(root.path, str):
                for parts in remote.files_below(root.path):
                    if self.walker.selects(parts):
                        url = remote.join(root.path, *parts)
                        yield from self._unit_steps(self.layout.unit(index, parts, url))
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
        by_worker = isinstance(unit.path, str) or self.whole_corpora
        if is_parquet(str(unit.path)):
            yield self._worker_step(unit, ParquetTask(unit.source, str(unit.path), None))
        elif unit.corpus and by_worker:
            compress = unit.output is not None and is_gzip(str(unit.output))
            yield self._worker_step(unit, ShardTask(unit.source, str(unit.path), None, compress=compress))
        elif isinstance(unit.path, str):
            step = self._worker_step(unit, DocTask(unit.source, unit.path))
            if isinstance(step.task, DocTask) and step.task.output is not None:  # the worker sizes it
                step = step._replace(
                    task=SizedDocTask(unit.source, unit.path, step.task.output, self.stream_above)
                )
            yield step
        elif not unit.corpus:
            yield self._doc_step(unit, unit.path)
        else:
            yield from self._local_corpus_steps(unit, unit.path)

    def _worker_step(
        self, unit: Unit, task: DocTask | ShardTask | ParquetTask, carried: Callable[[], bytes] | None = None
    ) -> Step:
        """A task that reads its input by path or URL (else the bytes go with it, read here by
        ``carried``) and writes its output itself (else the clean bytes come back, to be written here)."""
        carry = not self.local and not isinstance(unit.path, str)
        here = self.local and self.workers_write
        writes = unit.output is not None and (isinstance(unit.output, str) or here)
        try:
            data = (carried or (lambda: remote.read_location(task.path or "")))() if carry else None
        except OSError as exc:
            return Step(unit, Event.FAILED, reason=cannot_read(exc))
        output = str(unit.output) if writes else None
        event = Event.DOC if isinstance(task, DocTask) else Event.SHARD
        return Step(unit, event, task._replace(output=output, data=data))

    def _shard_steps(self, index: int, root: Root) -> Iterator[Step]:
        """``--shard-mb``: the shards of one corpus, each a unit of its own under the ``-o`` folder."""
        assert root.path is not None and self.layout.shard_bytes is not None
        try:
            ranges = shard_ranges(_input_size(root.path), self.layout.shard_bytes)
        except OSError as exc:
            yield Step(self.layout.unit(index, (), root.path), Event.FAILED, reason=cannot_read(exc))
            return
        if isinstance(self.layout.output, Path):
            shards = [shard_name(root.name, number) for number in range(len(ranges))]
            sweep_temporaries(self.layout.output, shards)
        for number, (start, end) in enumerate(ranges):
            unit = self.layout.unit(index, (shard_name(root.name, number),), root.path)
            unit = unit._replace(corpus=True)
            if self.resume and self.ledger.finished_before(unit.key):
                digest = self.ledger.output_digest(unit.key)
                if _up_to_date(unit, digest) is not None:
                    yield Step(unit, Event.RESUMED, progress=end - start, digest=digest)
                    continue
            task = ShardTask(unit.source, str(root.path), None, start, end)
            carried = functools.partial(_range_bytes, str(root.path), start, end, self.max_record_bytes)
            step = self._worker_step(unit, task, carried)
            if isinstance(step.task, ShardTask) and step.task.data is not None:  # the range's lines only
                step = step._replace(task=step.task._replace(start=0, end=None))
            yield step._replace(progress=end - start)

    def _doc_step(self, unit: Unit, path: Path) -> Step:
        if self.local and self.workers_write and unit.output is not None:
            # The worker sizes the file (see :mod:`cleaner.batch.sized`): planning reads nothing of it.
            return Step(
                unit, Event.DOC, SizedDocTask(unit.source, str(path), str(unit.output), self.stream_above)
            )
        size = regular_size(path)
        if self.stream_above is not None and size > self.stream_above:
            return Step(unit, Event.STREAM, _stream_task(unit, Large(str(path))))
        if self.stream_above is not None and size < 0 and not self.layout.tree:
            return self._pipe_step(unit, path)
        if self.local:
            return Step(unit, Event.DOC, DocTask(unit.source, str(path)))
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

    def _local_corpus_steps(self, unit: Unit, path: Path) -> Iterator[Step]:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            yield Step(unit, Event.FAILED, reason=cannot_read(exc))
            return
        with raw:
            import gzip

            lines = gzip.GzipFile(fileobj=raw, mode="rb") if is_gzip(path.name) else raw
            yield from self._corpus_steps(unit, lines, raw.tell)

    def _corpus_steps(self, unit: Unit, lines: LineReader, position: Callable[[], int]) -> Iterator[Step]:
        compress = unit.output is not None and is_gzip(str(unit.output))
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
        if sys.stdin.isatty():
            print(READING_TERMINAL, file=sys.stderr, flush=True)
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
    folder = unit.output.parent if isinstance(unit.output, Path) else None  # not beside a URL
    return str(folder) if folder is not None and folder.is_dir() else None


def _input_size(location: Location) -> int:
    return remote.size(location) if isinstance(location, str) else Path(location).stat().st_size


def _range_bytes(path: str, start: int, end: int, limit: int) -> bytes:
    """The lines of a local corpus that start in ``[start, end)``, for workers that cannot read it."""
    from cleaner.batch.shards import read_range

    return read_range(path, start, end, limit)


def _up_to_date(unit: Unit, entry: str | None) -> int | None:
    """The input's size when the output the stopped run wrote is still there, else None.

    The journal's ``entry`` (:class:`~cleaner.batch.journal.Finished`) gives that output's
    SHA-256, which it must have; for a document, the input's size and SHA-256 too, which the
    input must still have (a copy that kept its old modification time is no proof it is the
    same). Without them (a corpus), the output must not be older than the input. In place, the
    input is the output: it must have the output's SHA-256. An output at a URL is read back to
    check its SHA-256.
    """
    if unit.path is None or unit.output is None:
        return None
    finished = Finished.parse(entry) if entry is not None else None
    digest = finished.output if finished is not None else None
    try:
        if isinstance(unit.output, str) or isinstance(unit.path, str):
            output_url, source_url = str(unit.output), str(unit.path)
            if remote.modified(output_url) < remote.modified(source_url):
                return None
            return _input_size(source_url) if digest is None or remote.sha256(output_url) == digest else None
        size = unit.path.stat().st_size
        if unit.output == unit.path:
            return size if digest is not None and file_sha256(unit.path) == digest else None
        if finished is not None and finished.source is not None:
            same = size == finished.size and file_sha256(unit.path) == finished.source
            return size if same and file_sha256(unit.output) == digest else None
        if unit.output.stat().st_mtime_ns < unit.path.stat().st_mtime_ns:
            return None
        return size if digest is None or file_sha256(unit.output) == digest else None
    except OSError:
        return None
