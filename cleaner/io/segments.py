"""Decode an input that is not all in one encoding, line by line, and never into silent mojibake.

Text is often pasted together: UTF-8 lines followed by lines a legacy editor saved in cp1252,
a UTF-8 page declaring ISO-8859-1, or a UTF-8 page with one stray byte. Decoding all of it
with the legacy codec garbles every UTF-8 character (``dÃ©clarÃ©``); decoding all of it as
UTF-8 fails. :class:`LineDecoder` decides per line, for a single-byte legacy codec (cp1252,
ISO-8859-*, KOI8-R, …) chosen the usual way (a declared charset, or chardet):

- a line that is valid UTF-8 is read as UTF-8;
- a line that is mostly UTF-8 (more valid multi-byte UTF-8 characters than bytes that are not
  part of one) is read as UTF-8 with its stray bytes read, one by one, with the legacy codec;
- any other line is read with the legacy codec;
- a byte that neither reads (or any byte that is not UTF-8, when there is no legacy codec) is
  replaced by one U+FFFD per run of such bytes, and the run's offset, line and original bytes
  are kept (:attr:`LineDecoder.replaced`), so that the report can carry them and restoring
  rebuilds the input byte for byte.

Lines are found by the first multi-byte UTF-8 sequence in them (a regular expression run in
C); runs of lines without one are read with the legacy codec in one call, so a legacy input
costs about one decode. Fed in blocks (:meth:`LineDecoder.decode`), it keeps the unfinished
last line until its end arrives, so the result does not depend on where blocks end.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

# A well-formed multi-byte UTF-8 character (no overlong forms, no surrogates, at most U+10FFFF).
_UTF8_CHAR = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# A lead byte and a continuation byte: where a multi-byte UTF-8 character may start (a search
# for this is several times faster than for _UTF8_CHAR itself).
_LEAD_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_HIGH = re.compile(rb"[\x80-\xff]")
_ASCII = bytes(range(128))
# The bytes a codec could not read, as "surrogateescape" leaves them (U+DC80..U+DCFF).
_ESCAPED = re.compile("[\udc80-\udcff]+")
REPLACEMENT = "\ufffd"
#: The report's rule for a run of replaced bytes (see :func:`cleaner.report.records.replaced_spans`).
REPLACED_RULE = "decode/replaced"


class Replaced(NamedTuple):
    """A run of input bytes no codec could read, replaced by one U+FFFD at ``offset`` (a code
    point offset into the decoded text) on ``line`` (1-based)."""

    offset: int
    line: int
    data: bytes


def decode_warning(encoding: str, replaced: Sequence[Replaced], *, html: bool = False) -> str | None:
    """What a user should be told about how an input was decoded, or ``None`` when nothing.

    >>> decode_warning("utf-8+cp1252", [Replaced(4, 1, b"\\x81")])
    'mixed encodings: lines that are valid UTF-8 read as UTF-8, the others as cp1252; 1 undecodable \
byte replaced by U+FFFD (--report keeps the bytes, rule decode/replaced)'
    """
    parts = []
    if "+" in encoding:
        legacy = encoding.split("+", 1)[1]
        parts.append(f"mixed encodings: lines that are valid UTF-8 read as UTF-8, the others as {legacy}")
    if replaced:
        count = sum(len(run.data) for run in replaced)
        where = "" if html else f" (--report keeps the bytes, rule {REPLACED_RULE})"
        parts.append(f"{count} undecodable byte{'' if count == 1 else 's'} replaced by U+FFFD{where}")
    return "; ".join(parts) or None


def _next_utf8_char(data: bytes, pos: int) -> int:
    """Where the first multi-byte UTF-8 character at or after ``pos`` starts, or -1."""
    while found := _LEAD_PAIR.search(data, pos):
        if _UTF8_CHAR.match(data, found.start()):
            return found.start()
        pos = found.start() + 1
    return -1


def decode_lines(decoder: LineDecoder | codecs.IncrementalDecoder, blocks: Iterable[bytes]) -> Iterator[str]:
    """The text of an input read in ``blocks`` by an incremental ``decoder``, a chunk per block.

    >>> list(decode_lines(LineDecoder(None), [b"one\\ntw", b"o\\n"]))
    ['one\\n', 'two\\n']
    """
    for block in blocks:
        if text := decoder.decode(block):
            yield text
    if text := decoder.decode(b"", final=True):
        yield text


def replaced_limit(size: int) -> int:
    """How many undecodable bytes an input of ``size`` bytes may have replaced: 1 %, at least one.

    >>> replaced_limit(50), replaced_limit(30_000)
    (1, 300)
    """
    return max(1, size // 100)


@functools.cache
def is_single_byte(codec: str) -> bool:
    """Whether ``codec`` reads every byte as one character of its own (ASCII-compatible).

    >>> is_single_byte("cp1252"), is_single_byte("iso8859-15"), is_single_byte("gb18030")
    (True, True, False)
    """
    try:
        decoded = bytes(range(256)).decode(codec, "replace")
    except LookupError:
        return False
    return len(decoded) == 256 and decoded[:128] == bytes(range(128)).decode("ascii")


class TooManyReplaced(ValueError):
    """More bytes would be replaced than the decoder's limit allows."""


class LineDecoder:
    """Read an input line by line as the module docstring says; ``legacy`` is a single-byte
    codec, or ``None`` for UTF-8 with replacement only.

    >>> decoder = LineDecoder("cp1252")
    >>> data = "Déclaré en UTF-8.\\n".encode() + "Déclaré en cp1252.\\n".encode("cp1252")
    >>> print(decoder.decode(data, final=True), end="")
    Déclaré en UTF-8.
    Déclaré en cp1252.
    >>> decoder.utf8_lines, decoder.label
    (1, 'utf-8+cp1252')
    >>> decoder = LineDecoder(None)
    >>> decoder.decode(b"caf\\xc3\\xa9 \\xff\\xfe ok\\n", final=True), decoder.replaced
    ('café \\ufffd ok\\n', [Replaced(offset=5, line=1, data=b'\\xff\\xfe')])
    """

    def __init__(self, legacy: str | None, *, keep: bool = True, limit: int | None = None) -> None:
        self.legacy = legacy
        self.keep = keep  # keep the replaced runs (a counting pass needs only their size)
        self.limit = limit  # raise TooManyReplaced once more bytes than this are replaced
        self.replaced: list[Replaced] = []
        self.replaced_bytes = 0
        self.utf8_lines = 0  # lines holding multi-byte characters that were read as UTF-8
        self.size = 0  # bytes read
        self._chars = 0  # characters written so far
        self._lines = 1  # the line being written (1-based)
        self._pending: list[bytes] = []

    @property
    def label(self) -> str:
        """The encoding to report: ``utf-8``, the legacy codec, or ``utf-8+<legacy>`` for both."""
        if self.legacy is None:
            return "utf-8"
        return f"utf-8+{self.legacy}" if self.utf8_lines else self.legacy

    def decode(self, block: bytes, final: bool = False) -> str:
        """The text of ``block`` up to its last line break (all of it when ``final``)."""
        self.size += len(block)
        if not final and b"\n" not in block:  # a long line: joined once its end arrives
            self._pending.append(block)
            return ""
        data = b"".join([*self._pending, block]) if self._pending else block
        cut = len(data) if final else data.rfind(b"\n") + 1
        self._pending = [data[cut:]] if cut < len(data) else []
        return self._lines_text(data[:cut]) if cut else ""

    def _lines_text(self, data: bytes) -> str:
        # Without a multi-byte UTF-8 character, UTF-8 ignoring errors keeps just the ASCII bytes
        # (a quick test in C): then it is one read with the legacy codec.
        if len(data.decode("utf-8", "ignore")) == len(data) - len(data.translate(None, _ASCII)):
            return self._read(data, self.legacy)
        out: list[str] = []
        pos = 0
        while (at := _next_utf8_char(data, pos)) >= 0:
            start = data.rfind(b"\n", pos, at) + 1 or pos
            end = data.find(b"\n", at) + 1 or len(data)
            if start > pos:
                out.append(self._read(data[pos:start], self.legacy))
            out.append(self._line_text(data[start:end]))
            pos = end
        if pos < len(data):
            out.append(self._read(data[pos:], self.legacy))
        return "".join(out)

    def _line_text(self, line: bytes) -> str:
        """A line holding at least one multi-byte UTF-8 character."""
        characters = _UTF8_CHAR.findall(line)
        strays = len(_HIGH.findall(line)) - sum(map(len, characters))
        if strays >= len(characters):
            return self._read(line, self.legacy)
        self.utf8_lines += 1
        return self._read(line, "utf-8", strays_with=self.legacy)

    def _read(self, data: bytes, codec: str | None, strays_with: str | None = None) -> str:
        """``data`` read with ``codec`` (UTF-8 for ``None``); bytes it cannot read are read one by
        one with ``strays_with``, else replaced."""
        try:
            text = data.decode(codec or "utf-8")
        except UnicodeDecodeError:
            text = data.decode(codec or "utf-8", "surrogateescape")
        else:  # line breaks are the same bytes in every codec read here, and faster counted so
            self._chars += len(text)
            self._lines += data.count(b"\n")
            return text
        out: list[str] = []
        pos = 0
        for found in _ESCAPED.finditer(text):
            kept = text[pos : found.start()]
            self._advance(kept)
            out.append(kept)
            out.append(self._strays(found.group().encode("utf-8", "surrogateescape"), strays_with))
            pos = found.end()
        self._advance(text[pos:])
        out.append(text[pos:])
        return "".join(out)

    def _strays(self, data: bytes, codec: str | None) -> str:
        """Bytes read one by one with the single-byte ``codec``; runs of those it cannot read
        (all, without one) are replaced."""
        if codec is None:
            return self._replace(data)
        out: list[str] = []
        run = bytearray()
        for byte in data:
            try:
                char = bytes([byte]).decode(codec)
            except UnicodeDecodeError:
                run.append(byte)
                continue
            if run:
                out.append(self._replace(bytes(run)))
                run.clear()
            self._advance(char)
            out.append(char)
        if run:
            out.append(self._replace(bytes(run)))
        return "".join(out)

    def _replace(self, data: bytes) -> str:
        """One U+FFFD for a run of bytes, kept with its place (see :class:`Replaced`)."""
        self.replaced_bytes += len(data)
        if self.limit is not None and self.replaced_bytes > self.limit:
            raise TooManyReplaced(f"more than {self.limit} bytes to replace")
        if self.keep:
            self.replaced.append(Replaced(self._chars, self._lines, data))
        self._advance(REPLACEMENT)
        return REPLACEMENT

    def _advance(self, text: str) -> None:
        self._chars += len(text)
        self._lines += text.count("\n")
