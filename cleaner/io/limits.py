"""How much of an input cleaner holds in memory at once, and the checks that keep it so.

Memory is bounded by the largest unit cleaner must hold whole: a JSONL record, a line of text
(a text is cleaned in windows that end at line breaks), a document read whole. Each has a
documented maximum, and an input that exceeds one is refused with a line naming it (and the
line), while the run goes on with the other inputs:

- :data:`DEFAULT_MAX_RECORD_BYTES`: a JSONL record, or a line of a text (``--max-record-bytes``,
  or the ``CLEANER_MAX_RECORD_BYTES`` environment variable). Checked while reading, so that a
  record without an end (a gzip bomb of one line) is never read whole.
- :data:`MAX_HTML_BYTES`: an HTML page, which trafilatura parses whole, in about 35 times its
  size.
- :data:`MAX_WHOLE_BYTES`: a document that must be read whole (``--diff``, ``explain``, a pipe
  or device in a tree); larger text files are cleaned in windows.
"""

from __future__ import annotations

import re

from cleaner.io.binary import DecodeError

#: The largest JSONL record or line of text cleaned, in bytes (``--max-record-bytes``). Cleaning
#: a record takes about 5 times its size, and up to 15 times when it is mostly boilerplate (the
#: spans and their report records): up to 1 GB at this size.
DEFAULT_MAX_RECORD_BYTES = 64 << 20
#: The largest HTML page extracted, in bytes: trafilatura holds the parsed page, about 35 times
#: its size (some 600 MB at this size, and 15 s); the largest of 328 news pages in the
#: project's evaluation set is 1 MB.
MAX_HTML_BYTES = 16 << 20
#: The largest document read whole, in bytes (the size above which a single text input is
#: cleaned in windows instead).
MAX_WHOLE_BYTES = 128 << 20

_UNITS = {"": 1, "k": 1000, "m": 1000**2, "g": 1000**3, "ki": 1 << 10, "mi": 1 << 20, "gi": 1 << 30}
_SIZE = re.compile(r"\s*(\d+)\s*([kmg]i?)?b?\s*", re.IGNORECASE)


class TooLarge(ValueError):
    """An input exceeds one of the maximums; the message names what and says how to go on."""


def parse_size(text: str | int) -> int:
    """A size in bytes from ``123``, ``64k``, ``32MiB``, ``1G`` (k, M, G: powers of 1000;
    KiB, MiB, GiB: of 1024). Raises ValueError for anything else, or a size below 1 KiB.

    >>> parse_size("32MiB"), parse_size("64M"), parse_size(4096), parse_size("2 GiB")
    (33554432, 64000000, 4096, 2147483648)
    >>> parse_size("a lot")
    Traceback (most recent call last):
    ValueError: 'a lot' is not a size (write it as 64MiB, 100M or a number of bytes)
    """
    if isinstance(text, int) and not isinstance(text, bool):
        size = text
    else:
        match = _SIZE.fullmatch(str(text))
        if match is None:
            raise ValueError(f"{text!r} is not a size (write it as 64MiB, 100M or a number of bytes)")
        size = int(match[1]) * _UNITS[(match[2] or "").lower()]
    if size < 1024:
        raise ValueError(f"{text!r} is too small: at least 1KiB")
    return size


def format_size(size: int) -> str:
    """A size for a message, in the binary units the maximums are given in.

    >>> format_size(32 << 20), format_size(2048), format_size(64_000_000), format_size(1000)
    ('32 MiB', '2 KiB', '61.0 MiB', '1000 bytes')
    """
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size // scale} {unit}" if size % scale == 0 else f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def record_too_large(line: int, limit: int) -> str:
    """The reason a JSONL corpus is skipped for one record above the limit.

    >>> record_too_large(3, 64 << 20)
    'record 3 is larger than 64 MiB (--max-record-bytes); the file is not cleaned'
    """
    return f"record {line} is larger than {format_size(limit)} (--max-record-bytes); the file is not cleaned"


def line_too_long(line: int, limit: int) -> str:
    """The reason a text is skipped for one line above the limit.

    >>> line_too_long(1, 64 << 20)
    'line 1 is longer than 64 MiB (--max-record-bytes); the file is not cleaned'
    """
    return f"line {line} is longer than {format_size(limit)} (--max-record-bytes); the file is not cleaned"


def first_long_line(data: bytes, limit: int) -> int | None:
    """The number (1-based) of the first line of ``data`` longer than ``limit`` bytes, line
    break excluded, or None. It costs a few searches per ``limit`` bytes, not one per line: a
    line longer than ``limit`` holds a whole aligned piece of ``limit // 2`` bytes without a
    line break, and only around those pieces is a line measured.

    >>> first_long_line(b"short\\n" + b"x" * 5000 + b"\\nshort", 4096)
    2
    >>> first_long_line(b"short\\n" * 2000, 4096) is None
    True
    """
    if len(data) <= limit:
        return None
    step = max(1, limit // 2)
    for piece in range(0, len(data) - step + 1, step):
        if data.find(b"\n", piece, piece + step) >= 0:
            continue
        start = data.rfind(b"\n", 0, piece) + 1
        end = data.find(b"\n", piece)
        if (len(data) if end < 0 else end) - start > limit:
            return data.count(b"\n", 0, start) + 1
    return None


class LineBound:
    """Checks the lines of an input read in blocks: :meth:`check` raises :class:`TooLarge` as
    soon as the line being read passes ``limit`` bytes, before it is read on.

    >>> bound = LineBound(2048)
    >>> bound.check(b"x" * 2000 + b"\\n" + b"y" * 1000)
    >>> bound.check(b"y" * 1049)
    Traceback (most recent call last):
    cleaner.io.limits.TooLarge: line 2 is longer than 2 KiB (--max-record-bytes); the file is not cleaned
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._line = 1  # the line being read
        self._length = 0  # its bytes so far

    def check(self, block: bytes) -> None:
        last = block.rfind(b"\n")
        if last < 0:
            self._length += len(block)
        else:
            first = block.find(b"\n")
            if self._length + first > self.limit:
                raise TooLarge(line_too_long(self._line, self.limit))
            long = first_long_line(block[first + 1 : last], self.limit)
            if long is not None:
                raise TooLarge(line_too_long(self._line + long, self.limit))
            self._line += block.count(b"\n")
            self._length = len(block) - last - 1
        if self._length > self.limit:
            raise TooLarge(line_too_long(self._line, self.limit))


def refuse_large_page(size: int) -> None:
    """Refuse an HTML page larger than :data:`MAX_HTML_BYTES`: extracting its
    text takes about 35 times its size in memory.

    >>> refuse_large_page(20 << 20)
    Traceback (most recent call last):
    cleaner.io.binary.DecodeError: an HTML page of 20 MiB, larger than 16 MiB, the most extracted (--no-html \
reads it as plain text)
    """
    if size > MAX_HTML_BYTES:
        raise DecodeError(
            f"an HTML page of {format_size(size)}, larger than {format_size(MAX_HTML_BYTES)}, the most "
            "extracted (--no-html reads it as plain text)"
        )
