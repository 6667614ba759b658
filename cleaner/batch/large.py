"""Clean one large text input in bounded memory, with exactly the result of cleaning it whole.

``cleaner clean`` (the full command, :mod:`cleaner.batch.runner`, and the bare pipe,
:mod:`cleaner.commands.pipe`) hands a single input larger than :data:`cleaner.batch.tasks.STREAM_ABOVE`
bytes (a file, or standard input redirected from one) or a pipe holding more than
:data:`cleaner.batch.tasks.PIPE_HELD` bytes (see :func:`cleaner.batch.tasks.read_stdin`) to
:func:`run_stream` instead of reading it whole. The clean text and the report are the same,
byte for byte:

1. A pipe is first copied to a temporary file, so that it can be read again.
2. Decoding makes the choices :func:`cleaner.io.decode.decode_bytes` makes, through the same
   :func:`~cleaner.io.decode.choose_encoding`: a binary file is refused by its first 64 KiB;
   each codec the sequence tries is checked over the whole input in a pass that keeps
   nothing; chardet reads the same window. The start of the text is checked for control
   characters and for an HTML page, which is cleaned whole (trafilatura needs all of it).
3. The text is cleaned window by window (:func:`cleaner.core.windows.clean_parts`). The clean text
   and the report records go to temporary files, beside the output file or in the
   temporary folder (``TMPDIR``), and the clean text's SHA-256 (every record carries it) is
   computed on the way.
4. Only now, with the whole input seen, is the ``--max-removed`` guard decided, by the rule
   of :func:`cleaner.core.guard.guard_flag` applied to the counts. When it trips, the
   clean text file is replaced by the input's text, decoded again, and the records by the
   guard's one record. The caller then writes the output (atomically) and the report from
   the files, so nothing is written before the result is final.

Memory is that of one window (:data:`cleaner.core.windows.WINDOW` characters and the margin)
whatever the input's size, as long as the text has line breaks: a window ends at a line
start. Disk space for the temporary files is about the input's size once more (twice, for
standard input).
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import hashlib
import io
import itertools
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from cleaner.batch.tasks import DocResult, DocTask, Settings, cannot_read, run_doc
from cleaner.core.guard import guard_flag, held_back_message
from cleaner.core.result import Span
from cleaner.core.windows import WINDOW, clean_parts
from cleaner.io.decode import (
    BOMS,
    SAMPLE_BYTES,
    Decoded,
    DecodeError,
    binary_kind,
    choose_encoding,
    guess_encoding,
    looks_like_html,
    refuse_control_characters,
)
from cleaner.report.records import write_records

READ_BYTES = 1 << 20  # read and decoded at once
Spool = Callable[[], IO[bytes]]
M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's <malloc.h>


@dataclass(frozen=True)
class StreamTask:
    """Clean one large text document in windows, in this process.

    ``path`` names the file; ``None`` stands for standard input, whose bytes ``blocks`` gives
    (the first block read already, to see that the input is large). Temporary files go to
    ``spool_dir`` (the output file's folder), or to the system's temporary folder for ``None``.
    """

    source: str
    path: str | None
    blocks: Iterable[bytes] = ()
    spool_dir: str | None = None


def read_blocks(head: bytes, rest: IO[bytes]) -> Iterator[bytes]:
    """``head``, then the rest of a stream in blocks of :data:`READ_BYTES`; ``head`` is let go
    as soon as it is taken.

    >>> import io
    >>> list(read_blocks(b"Read first. ", io.BytesIO(b"Then the rest.")))
    [b'Read first. ', b'Then the rest.']
    """
    yield head
    del head
    while block := rest.read(READ_BYTES):
        yield block


class _Problem(Exception):
    """Why the input cannot be cleaned, in the words of a skipped input's message."""


def run_stream(
    task: StreamTask, settings: Settings, *, window: int = WINDOW, margin: int | None = None
) -> DocResult:
    """Clean one large document in windows; the result :func:`cleaner.batch.tasks.run_doc` gives whole.

    The result's ``clean`` and ``records`` are temporary files (``DocResult.close()`` deletes
    them), holding the same bytes as ``run_doc``'s. ``window`` and ``margin`` are those of
    :func:`cleaner.core.windows.clean_parts`; small ones cut even a short text into many windows.

    >>> import io, cleaner
    >>> data = b"open image in gallery A pier ( AP )\\n\\nThe pier.\\n\\n" * 40
    >>> settings = Settings(cleaner.load_chain())
    >>> task = StreamTask("<stdin>", None, [data])
    >>> result = run_stream(task, settings, window=200, margin=100)
    >>> whole = run_doc(DocTask("<stdin>", None, data), settings)
    >>> _ = result.clean.seek(0), result.records.seek(0)
    >>> result.clean.read() == whole.clean, result.records.read() == whole.records
    (True, True)
    >>> result.close()
    """
    import tempfile

    _map_large_blocks()
    spool = functools.partial(tempfile.TemporaryFile, dir=task.spool_dir)
    with contextlib.ExitStack() as keep:
        try:
            result = _clean(task, settings, spool, keep, window, margin)
        except (_Problem, DecodeError) as exc:
            return DocResult(problem=str(exc))
        except OSError as exc:  # reading the input raises _Problem: this is a temporary file
            where = task.spool_dir or tempfile.gettempdir()
            return DocResult(problem=f"cannot write a temporary file in {where}: {exc.strerror or exc}")
        except Exception as exc:  # as run_doc: reported, not a traceback
            return DocResult(problem=f"internal error ({type(exc).__name__}: {exc})")
        keep.pop_all()  # the result's files now belong to the result
        return result


def _clean(
    task: StreamTask,
    settings: Settings,
    spool: Spool,
    keep: contextlib.ExitStack,
    window: int,
    margin: int | None,
) -> DocResult:
    """The body of :func:`run_stream`; ``keep`` holds the files the result hands back."""
    with _opened(task, spool) as handle:
        source = _Input(handle)
        kind = binary_kind(source.head)
        if kind:
            raise DecodeError(f"binary file ({kind})")
        first_error = functools.partial(_first_error, source)
        guess = functools.partial(_guess, source)
        codec = choose_encoding(source.head, first_error, guess, settings.encoding)
        start, chunks = _text_start(_decoded(source, codec))
        refuse_control_characters(start)
        if settings.html if settings.html is not None else looks_like_html(start, task.path):
            return run_doc(DocTask(task.source, task.path, source.read_at(0, -1)), settings)

        with spool() as unsigned:
            out = _Spooled(keep.enter_context(spool()), unsigned, task.source, codec, settings.report)
            text = _Counted(chunks)
            rules: Counter[str] = Counter()
            guarded, weighed = settings.chain.guarded, 0
            for part in clean_parts(text, settings.chain, window=window, margin=margin):
                out.add(part.clean, part.spans)
                weighed += sum(span.end - span.start for span in part.spans if span.rule in guarded)
                if settings.report:  # as run_doc: the bare pipe counts nothing
                    rules.update(span.rule for span in part.spans)
            flag = guard_flag(text.chars, weighed, settings.max_removed)
            changed, held_back = out.chars < text.chars, None
            if flag is not None:  # held back: the output is the input's own text, the report one record
                out.restart()
                for chunk in _decoded(source, codec):
                    out.add(chunk, [])
                out.add("", [flag])
                rules, changed, held_back = Counter([flag.rule]), False, held_back_message(flag)
            records = keep.enter_context(spool())
            out.sign(records)
        size = source.size or 0
        return DocResult(size, codec, rules, records, out.clean, changed=changed, held_back=held_back)


class _Counted:
    """Text chunks passed on, counting their characters."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks:
            self.chars += len(chunk)
            yield chunk


class _Spooled:
    """A document's clean text (UTF-8) and report records, in temporary files, and the clean
    text's SHA-256, which every record carries and which is known only at the end."""

    def __init__(self, clean: IO[bytes], unsigned: IO[bytes], source: str, codec: str, report: bool) -> None:
        self.clean, self._unsigned = clean, unsigned
        self._source, self._report = source, report
        self._decoded = Decoded("", codec)  # how the input was read: the records' extra fields
        self.restart()

    def restart(self) -> None:
        for handle in (self.clean, self._unsigned):
            handle.seek(0)
            handle.truncate()
        self._digest = hashlib.sha256()
        self.chars = 0

    def add(self, clean: str, spans: list[Span]) -> None:
        data = clean.encode("utf-8")
        self.clean.write(data)
        self._digest.update(data)
        self.chars += len(clean)
        if spans and self._report:
            lines = io.StringIO()
            write_records(lines, self._source, spans, decoded=self._decoded)
            self._unsigned.write(lines.getvalue().encode("utf-8"))

    def sign(self, out: IO[bytes]) -> None:
        """Copy the records to ``out``, each with the checksum last, where ``write_records`` puts it."""
        field = f', "clean_sha256": "{self._digest.hexdigest()}"}}\n'.encode()
        self._unsigned.seek(0)
        for line in self._unsigned:
            out.write(line[:-2] + field)  # each line ends in "}\n"


def _map_large_blocks() -> None:
    """Have glibc's malloc give each large block its own mapping, returned to the system when freed.

    By default glibc raises this threshold whenever a large block is freed; window-sized
    blocks then come from the heap, which fragments, and peak memory creeps up window after
    window (a quarter more for 200 MB than for 10 MB). Fixed at its initial 128 KiB, it stays
    flat. Without glibc, nothing changes.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return
    mallopt(M_MMAP_THRESHOLD, 128 << 10)


@contextlib.contextmanager
def _opened(task: StreamTask, spool: Spool) -> Iterator[IO[bytes]]:
    """The input as a file that can be read again: the file itself, or a copy of standard input."""
    if task.path is not None:
        try:
            handle = open(task.path, "rb")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            raise _Problem(cannot_read(exc)) from None
        with handle:
            yield handle
        return
    blocks = iter(task.blocks)
    with spool() as copy:
        while True:
            try:
                block = next(blocks, None)
            except OSError as exc:
                raise _Problem(cannot_read(exc)) from None
            if block is None:
                break
            copy.write(block)
        yield copy


class _Input:
    """The input, read from its start for each pass; a size that changes between passes is refused."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.size: int | None = None  # bytes, once a pass has read all of them
        self.head = self.read_at(0, SAMPLE_BYTES)

    def decoder(self, codec: str) -> codecs.IncrementalDecoder:
        """A strict incremental decoder that reads this input as ``bytes.decode(codec)`` does.

        UTF-16 and UTF-32 without a byte-order mark are native byte order for ``bytes.decode``,
        while their incremental decoders refuse a stream without one.
        """
        if codec in ("utf-16", "utf-32") and not any(
            self.head.startswith(bom) for bom, name in BOMS if name == codec
        ):
            codec = f"{codec}-{sys.byteorder[0]}e"
        return codecs.getincrementaldecoder(codec)("strict")

    def blocks(self) -> Iterator[bytes]:
        seen = 0
        try:
            self._handle.seek(0)
            while block := self._handle.read(READ_BYTES):
                seen += len(block)
                yield block
        except OSError as exc:
            raise _Problem(cannot_read(exc)) from None
        if self.size is None:
            self.size = seen
        elif seen != self.size:
            raise _Problem("the file changed while it was being cleaned")

    def read_at(self, offset: int, size: int) -> bytes:
        """``size`` bytes from ``offset`` (all the rest for -1)."""
        try:
            self._handle.seek(offset)
            return self._handle.read(size)
        except OSError as exc:
            raise _Problem(cannot_read(exc)) from None


def _first_error(source: _Input, codec: str) -> int | None:
    """The offset of the first byte that ``codec`` cannot decode, or None: a pass keeping nothing."""
    decoder = source.decoder(codec)
    offset = 0
    for block in source.blocks():
        buffered = len(decoder.getstate()[0])  # bytes of a character cut by the previous block
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:
            return offset - buffered + exc.start
        offset += len(block)
    buffered = len(decoder.getstate()[0])
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return offset - buffered + exc.start
    return None


def _guess(source: _Input, start: int) -> tuple[str, float]:
    """chardet's guess around byte ``start``, read from the file.

    :func:`~cleaner.io.decode.guess_encoding` looks back at most 1 KiB from ``start`` for a line
    start, reads :data:`SAMPLE_BYTES` from there and asks whether the input goes on after
    them; this slice answers all three as the whole input would.
    """
    floor = max(0, start - 1024)
    return guess_encoding(source.read_at(floor, 1024 + SAMPLE_BYTES + 1), start - floor)


def _decoded(source: _Input, codec: str) -> Iterator[str]:
    """The input's text, block by block (its codec was checked over all of it already)."""
    decoder = source.decoder(codec)
    try:
        for block in source.blocks():
            text = decoder.decode(block)
            if text:
                yield text
        text = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _Problem("the file changed while it was being cleaned") from None
    if text:
        yield text


def _text_start(chunks: Iterator[str]) -> tuple[str, Iterator[str]]:
    """The text's start, at least :data:`SAMPLE_BYTES` characters of it (where binary and HTML
    inputs are told), and all the chunks, those included."""
    first: list[str] = []
    size = 0
    for chunk in chunks:
        first.append(chunk)
        size += len(chunk)
        if size >= SAMPLE_BYTES:
            break
    return "".join(first), itertools.chain(first, chunks)
