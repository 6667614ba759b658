"""Corpus shards: a whole JSONL file, or the records that start in one byte range of a large
one, read, cleaned and written by the worker that runs the task.

A worker that sees the input (a path on this machine or on shared storage, or a URL) opens it
itself, so no corpus byte passes through the process that plans the run: it hands out only
where each shard is, and gets back report records and counts. A shard's output is written
whole and atomically (:func:`cleaner.io.remote.write_location`), so a stopped run keeps every
shard it finished, and ``--resume`` skips them.

A byte range ``[start, end)`` holds the lines that *start* in it: a range that begins inside a
line leaves that line to the range before. Ranges depend only on the input's size, so the
shards are the same for any number of workers. Within a shard, records are cleaned in the
chunks of :func:`cleaner.batch.corpus.read_chunks` (bounded memory) and report sources count
lines from the shard's first (``SHARD:LINE``), so each shard is a corpus of its own, as
``cleaner restore`` reads it.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, NamedTuple, cast

from cleaner.batch.corpus import ChunkResult, bounded_lines, clean_chunk, is_gzip, read_chunks
from cleaner.batch.settings import Settings
from cleaner.io.limits import TooLarge
from cleaner.io.remote import open_location, write_location
from cleaner.messages import cannot_write

#: ``--shard-mb``'s unit.
MIB = 1 << 20


@dataclass
class ShardResult:
    """A cleaned shard: the counts and report records of its chunks, the SHA-256 of the output
    written, or ``data`` (the clean shard) when the task does not write it; ``problem`` says
    why the shard gave nothing."""

    totals: ChunkResult = field(default_factory=lambda: ChunkResult(b"", b""))
    problem: str | None = None
    output_sha256: str | None = None
    data: bytes = b""

    def add(self, chunk: ChunkResult, records: list[bytes]) -> None:
        totals = self.totals
        totals.documents += chunk.documents
        totals.changed += chunk.changed
        totals.held_back += chunk.held_back
        totals.without_field += chunk.without_field
        totals.bytes_in += chunk.bytes_in
        totals.spans.update(chunk.spans)
        totals.problems.extend(chunk.problems)
        records.append(chunk.records)


class _ReadFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ShardTask(NamedTuple):
    """Clean one shard of a corpus: ``path`` (a path or URL), the lines starting in ``[start,
    end)`` (``end`` None: to its end), written to ``output`` (a path or URL) with its records
    named ``source:LINE``; with ``output`` None, the clean bytes come back. ``data`` stands for
    the input's bytes when the worker cannot see ``path``."""

    source: str
    path: str
    output: str | None
    start: int = 0
    end: int | None = None
    compress: bool = False  # write the output as gzip (members per chunk, as a corpus run does)
    data: bytes | None = None

    @property
    def alone(self) -> bool:
        """Work enough for a batch of its own (see :mod:`cleaner.batch.executors`)."""
        return True

    @property
    def carried_bytes(self) -> int:
        return len(self.data or b"")

    def run(self, settings: Settings) -> ShardResult:
        """Clean the shard (see :func:`run_shard`)."""
        return run_shard(self, settings)


def run_shard(task: ShardTask, settings: Settings) -> ShardResult:
    """Read, clean and write one shard; problems come back in the result, never as exceptions.

    >>> import tempfile, os, cleaner
    >>> top = tempfile.mkdtemp()
    >>> corpus = os.path.join(top, "c.jsonl")
    >>> _ = open(corpus, "wb").write(b'{"text": "a"}\\n{"text": "b"}\\n{"text": "c"}\\n')
    >>> out = os.path.join(top, "c-00001.jsonl")
    >>> result = run_shard(ShardTask("c-00001.jsonl", corpus, out, 10, 20), Settings(cleaner.load_chain()))
    >>> open(out, "rb").read(), result.totals.documents
    (b'{"text": "b"}\\n', 1)
    """
    result = ShardResult()
    records: list[bytes] = []
    digest = hashlib.sha256()

    def write(out: IO[bytes]) -> None:
        lines = _lines(task, settings.max_record_bytes)
        for chunk in read_chunks(lines, task.source, compress=task.compress):
            cleaned = clean_chunk(chunk, settings.chain, settings.field, max_removed=settings.max_removed)
            out.write(cleaned.data)
            digest.update(cleaned.data)
            result.add(cleaned, records)

    try:
        if task.output is None:
            buffer = io.BytesIO()
            write(buffer)
            result.data = buffer.getvalue()
        else:
            write_location(task.output, write, fsync=settings.fsync, replace_links=settings.replace_links)
            result.output_sha256 = digest.hexdigest()
    except _ReadFailed as exc:
        return ShardResult(problem=exc.reason)
    except OSError as exc:
        return ShardResult(problem=cannot_write(task.output or task.source, exc))
    result.totals.records = b"".join(records)
    return result


def _lines(task: ShardTask, limit: int) -> Iterator[bytes]:
    """The shard's lines, each read no further than ``limit`` bytes; a failure to read, or a
    longer record, becomes :class:`_ReadFailed` (not a write error)."""
    try:
        with contextlib.ExitStack() as stack:
            raw = (
                io.BytesIO(task.data)
                if task.data is not None
                else stack.enter_context(open_location(task.path))
            )
            if is_gzip(task.path):
                yield from bounded_lines(gzip.GzipFile(fileobj=raw, mode="rb"), limit)
                return
            yield from _range(raw, task.start, task.end, limit)
    except TooLarge as exc:
        raise _ReadFailed(str(exc)) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise _ReadFailed(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None


def _range(handle: IO[bytes], start: int, end: int | None, limit: int) -> Iterator[bytes]:
    """The lines that start in ``[start, end)``, each read no further than ``limit`` bytes."""
    if not isinstance(handle, io.BufferedIOBase):  # an fsspec file: its readline takes no size
        handle = io.BufferedReader(cast("io.RawIOBase", handle))  # read as a raw file is
    if start > 0:
        handle.seek(start - 1)
        if handle.read(1) != b"\n":
            handle.readline()  # the rest of a line that starts in the range before
    position = handle.tell()
    for line in bounded_lines(handle, limit):
        if end is not None and position >= end:
            return
        position += len(line)
        yield line


def shard_ranges(size: int, shard_bytes: int) -> list[tuple[int, int]]:
    """The byte ranges of the shards of a corpus of ``size`` bytes (at least one, for an empty corpus).

    >>> shard_ranges(25, 10), shard_ranges(0, 10)
    ([(0, 10), (10, 20), (20, 25)], [(0, 0)])
    """
    return [(start, min(start + shard_bytes, size)) for start in range(0, max(size, 1), shard_bytes)]


def shard_name(name: str, index: int) -> str:
    """The file name of a corpus's shard ``index``.

    >>> shard_name("news.jsonl", 3)
    'news-00003.jsonl'
    """
    stem = name[: -len(".jsonl")] if name.endswith(".jsonl") else name
    return f"{stem}-{index:05d}.jsonl"


def read_range(path: str, start: int, end: int, limit: int) -> bytes:
    """The lines of a corpus that start in ``[start, end)``, each no longer than ``limit`` bytes,
    as one block of bytes."""
    with open_location(path) as handle:
        return b"".join(_range(handle, start, end, limit))
