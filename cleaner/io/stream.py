"""Reading inputs too large to hold: standard input sized or spooled, and a large file decoded
in passes, with exactly the choices made for a whole input.

A file redirected to standard input is sized as a named file is; a pipe is held in memory
only up to :data:`PIPE_HELD` bytes, then copied to a temporary file so that it can be read
again. Decoding makes the choices :func:`cleaner.io.decode.decode_bytes` makes, through the
same :func:`~cleaner.io.decode.choose_encoding`: a binary file is refused by its first 64 KiB;
each codec the sequence tries is checked over the whole input in a pass that keeps nothing
(reading line by line, :class:`~cleaner.io.segments.LineDecoder`, likewise); chardet reads the
same window. Bytes replaced in decoding are known once all of the text was read.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import functools
import io
import itertools
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, NamedTuple

from cleaner.io.decode import (
    BOMS,
    SAMPLE_BYTES,
    Choice,
    DecodeError,
    binary_kind,
    choose_encoding,
    guess_encoding,
    looks_like_html,
    refuse_control_characters,
)
from cleaner.io.limits import LineBound, TooLarge, refuse_large_page
from cleaner.io.remote import open_location
from cleaner.io.segments import LineDecoder, Replaced, decode_lines, replaced_limit
from cleaner.messages import cannot_read

READ_BYTES = 1 << 20  # read and decoded at once
PIPE_HELD = 8 << 20  # the most of a pipe held in memory before deciding to stream it
STDIN_CLOSED = "cannot read: standard input is closed"
Spool = Callable[[], IO[bytes]]


class ReadError(Exception):
    """Why the input cannot be read, in the words of a skipped input's message."""


class Large(NamedTuple):
    """An input too large to hold in memory: a file by ``path``, or for standard input that
    is a pipe, its ``blocks`` (the first block read already, to see that the input is large)."""

    path: str | None
    blocks: Iterable[bytes] = ()


def read_stdin(stdin: IO[bytes], limit: int) -> bytes | Large:
    """Standard input whole, or, when it is large, a :class:`Large` input to stream.

    A file redirected to standard input (``< FILE``) is sized as a named file is: read whole up
    to ``limit`` bytes, else streamed from the file itself. A pipe's size is known only at its
    end, so one holding more than :data:`PIPE_HELD` bytes (or ``limit``, if less) is streamed
    through a temporary copy rather than held in memory.

    >>> import io
    >>> read_stdin(io.BytesIO(b"A short story."), 100)
    b'A short story.'
    >>> b"".join(read_stdin(io.BytesIO(b"A longer story."), 10).blocks)
    b'A longer story.'

    """
    size = _redirected_size(stdin)
    if size is not None:
        if size <= limit:
            return stdin.read()
        return Large(f"/dev/fd/{stdin.fileno()}")
    held = min(limit, PIPE_HELD)
    head = stdin.read(held + 1)
    if len(head) <= held:
        return head
    return Large(None, read_blocks(head, stdin))


def regular_size(path: str | os.PathLike[str]) -> int:
    """The size of a regular file; -1 for anything else (a pipe, a device, a path that cannot
    be read: those are read as streams, or their error reported when they are).

    >>> regular_size("/dev/null")
    -1
    """
    try:
        info = os.stat(path)
    except OSError:
        return -1
    return info.st_size if stat.S_ISREG(info.st_mode) else -1


def read_pipe(path: str | os.PathLike[str], limit: int) -> bytes | Large:
    """A named pipe or device, read as :func:`read_stdin` reads standard input; a :class:`Large`
    input's blocks close the pipe once read.

    >>> read_pipe("/dev/null", 100)
    b''
    """
    handle = open(path, "rb")  # noqa: SIM115 - closed here, or once its blocks are read
    try:
        data = read_stdin(handle, limit)
    except BaseException:
        handle.close()
        raise
    if isinstance(data, bytes):
        handle.close()
        return data
    return Large(None, _closing(data.blocks, handle))


def _closing(blocks: Iterable[bytes], handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        yield from blocks


def _redirected_size(stdin: IO[bytes]) -> int | None:
    """The size of the regular file standard input reads from its start, or None: a pipe, or a
    system without ``/dev/fd`` to open it by."""
    try:
        info = os.fstat(stdin.fileno())
        at_start = stdin.tell() == 0
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None
    regular = stat.S_ISREG(info.st_mode) and at_start and os.path.isdir("/dev/fd")
    return info.st_size if regular else None


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


class Streamed(NamedTuple):
    """A large input opened for decoding in passes: its codec (chosen as for a whole input),
    whether it is an HTML page, the start of its text, and its text in chunks."""

    source: _Input
    choice: Choice
    html: bool
    start: str
    chunks: Iterator[str]
    text: _Text

    @property
    def encoding(self) -> str:
        return self.choice.encoding

    @property
    def size(self) -> int:
        return self.source.size or 0

    def again(self) -> Iterator[str]:
        """The input's text once more, from its start (after all of it was read)."""
        return _Text(self.source, self.choice).chunks()

    def whole(self) -> bytes:
        """All of the input's bytes (an HTML page is extracted whole)."""
        return self.source.read_at(0, -1)


@contextlib.contextmanager
def open_large(
    large: Large, spool: Spool, *, encoding: str | None, html: bool | None, max_line: int | None = None
) -> Iterator[Streamed]:
    """Open a large input and decode its start, making the choices
    :func:`~cleaner.io.decode.decode_bytes` makes for a whole input, through the same
    :func:`~cleaner.io.decode.choose_encoding`; raises :class:`ReadError` or
    :class:`~cleaner.io.decode.DecodeError`. A pipe is first copied to a file from ``spool``,
    so that it can be read again. A line longer than ``max_line`` bytes raises
    :class:`ReadError` as soon as it is met: the text is cleaned in windows that end at line
    breaks, so a line is held whole."""
    with _opened(large.path, large.blocks, spool) as handle:
        source = _Input(handle, max_line)
        kind = binary_kind(source.head)
        if kind:
            raise DecodeError(f"binary file ({kind})")
        first_error = functools.partial(_first_error, source)
        guess = functools.partial(_guess, source)
        by_line = functools.partial(_by_line, source)
        choice = choose_encoding(source.head, first_error, guess, encoding, by_line)
        text = _Text(source, choice)
        start, chunks = _text_start(text.chunks())
        page = html if html is not None else looks_like_html(start, large.path)
        if page:
            refuse_large_page(source.total())
        refuse_control_characters(start, page=page)
        yield Streamed(source, choice, page, start, chunks, text)


@contextlib.contextmanager
def _opened(path: str | None, blocks: Iterable[bytes], spool: Spool) -> Iterator[IO[bytes]]:
    """The input as a file that can be read again: the file or object itself (fsspec fetches an
    object's ranges as they are read), or a copy of standard input."""
    if path is not None:
        try:
            handle = open_location(path)
        except OSError as exc:
            raise ReadError(cannot_read(exc)) from None
        with handle:
            yield handle
        return
    blocks = iter(blocks)
    with spool() as copy:
        while True:
            try:
                block = next(blocks, None)
            except OSError as exc:
                raise ReadError(cannot_read(exc)) from None
            if block is None:
                break
            copy.write(block)
        yield copy


class _Input:
    """The input, read from its start for each pass; a size that changes between passes is refused."""

    def __init__(self, handle: IO[bytes], max_line: int | None = None) -> None:
        self._handle = handle
        self._max_line = max_line
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
        # Lines are measured until one pass has read the whole input.
        bound = LineBound(self._max_line) if self._max_line and self.size is None else None
        try:
            self._handle.seek(0)
            while block := self._handle.read(READ_BYTES):
                seen += len(block)
                if bound is not None:
                    try:
                        bound.check(block)
                    except TooLarge as exc:
                        raise ReadError(str(exc)) from None
                yield block
        except OSError as exc:
            raise ReadError(cannot_read(exc)) from None
        if self.size is None:
            self.size = seen
        elif seen != self.size:
            raise ReadError("the file changed while it was being cleaned")

    def total(self) -> int:
        return self._handle.seek(0, io.SEEK_END)  # a file (standard input is first copied to one)

    def read_at(self, offset: int, size: int) -> bytes:
        """``size`` bytes from ``offset`` (all the rest for -1)."""
        try:
            self._handle.seek(offset)
            return self._handle.read(size)
        except OSError as exc:
            raise ReadError(cannot_read(exc)) from None


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


class _Text:
    """The input's text, block by block (its encoding was checked over all of it already), and
    the bytes decoding replaced, known once all of it was read."""

    def __init__(self, source: _Input, choice: Choice) -> None:
        self._source, self._choice = source, choice
        self.replaced: list[Replaced] = []

    def chunks(self) -> Iterator[str]:
        if self._choice.by_line:
            lines = LineDecoder(self._choice.legacy)
            yield from decode_lines(lines, self._source.blocks())
            self.replaced = lines.replaced
            return
        decoder = self._source.decoder(self._choice.encoding)
        try:
            yield from decode_lines(decoder, self._source.blocks())
        except UnicodeDecodeError:
            raise ReadError("the file changed while it was being cleaned") from None


def _by_line(source: _Input, legacy: str | None) -> LineDecoder:
    """A pass reading the input line by line that keeps nothing but the counts."""
    lines = LineDecoder(legacy, keep=False, limit=replaced_limit(source.total()))
    collections.deque(decode_lines(lines, source.blocks()), maxlen=0)
    return lines


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
