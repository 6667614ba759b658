"""Lines of UTF-8 text: whitespace, non-blank lines, and where ``head`` and ``tail`` scopes lie."""

from __future__ import annotations

import re
from typing import NamedTuple

from cleaner.core.rule import Rule
from cleaner.core.signals import HtmlLines

# One whitespace character (what str.isspace() accepts) in UTF-8, and runs of them.
_SPACE = (
    rb"[\t-\r\x1c-\x20]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80"
)
SPACES = re.compile(rb"(?:" + _SPACE + rb")*")


def blank(text: str | bytes, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is only whitespace, for ``str`` or UTF-8 ``bytes`` alike.

    >>> blank(b" \\xc2\\xa0\\t", 0, 4), blank(b"  a", 0, 3), blank("\\u3000", 0, 1)
    (True, False, True)
    """
    if isinstance(text, str):
        return not text[start:end].strip()
    if start < end and 0x20 < text[start] < 0x80:  # a printable ASCII character: most lines open so
        return False
    rest = text[start:end].lstrip()
    if not rest:
        return True
    if 0x20 < rest[0] < 0x80:
        return False
    return SPACES.fullmatch(rest) is not None


def nonblank_lines_end(text: str | bytes, count: int) -> int | None:
    """The offset of the end of the ``count``-th non-blank line of ``text`` (``str``, or UTF-8
    ``bytes`` for a byte offset), or None.

    >>> nonblank_lines_end("\\n\\nTitle\\n\\nBody\\n", 2), nonblank_lines_end("Title\\n", 2)
    (13, None)
    >>> nonblank_lines_end("\\u00a0\\nBody".encode(), 1)
    7
    """
    newline = "\n" if isinstance(text, str) else b"\n"
    pos, seen = 0, 0
    while pos < len(text):
        end = text.find(newline, pos)  # type: ignore[arg-type]
        end = len(text) if end < 0 else end
        if not blank(text, pos, end):
            seen += 1
            if seen == count:
                return end
        pos = end + 1
    return None


class ScopeBounds:
    """Where ``head`` and ``tail`` scopes begin and end in UTF-8 text, counted in non-blank lines.

    In a part of a document, head rules do not apply unless it ``starts_document``, nor tail
    rules unless it ``ends_document``.
    """

    def __init__(self, data: bytes, context: Context | None = None) -> None:
        self.data = data
        context = context or WHOLE_DOCUMENT
        self.starts_document, self.ends_document = context.starts_document, context.ends_document
        self._regions: dict[tuple[str, int], tuple[int, int] | None] = {}
        # Starts of the last non-blank lines, last first, found as far as a scope has asked:
        # a chain's tail rules count 3, 6, 9 … lines, and each count goes on from the last.
        self._tail_starts: list[int] = []
        self._tail_searched = len(data)

    def region(self, rule: Rule, beyond: int = 0) -> tuple[int, int] | None:
        """The byte range a rule may match in, or None where its scope is not in this part;
        with ``beyond``, that many more non-blank lines of a head or tail scope."""
        if rule.scope not in ("head", "tail"):
            return 0, len(self.data)
        key = (rule.scope, rule.scope_lines + beyond)
        if key not in self._regions:  # the rules of one pack share a few scopes: count lines once
            self._regions[key] = self._region(*key)
        return self._regions[key]

    def _region(self, scope: str, lines: int) -> tuple[int, int] | None:
        if scope == "head":
            if not self.starts_document:
                return None
            end = nonblank_lines_end(self.data, lines)
            return 0, len(self.data) if end is None else end
        return (self._tail_start(lines), len(self.data)) if self.ends_document else None

    def _tail_start(self, lines: int) -> int:
        data, starts, end = self.data, self._tail_starts, self._tail_searched
        while len(starts) < lines and end > 0:
            start = data.rfind(b"\n", 0, end) + 1
            if not blank(data, start, end):
                starts.append(start)
            end = start - 1
        self._tail_searched = end
        return starts[lines - 1] if len(starts) >= lines else 0


class Context(NamedTuple):
    """What a text is within its document, beyond its characters.

    ``starts_document`` / ``ends_document``: whether text comes before or after this part
    (see :mod:`cleaner.core.windows`); ``html_lines``: what an HTML page made of its lines.
    """

    starts_document: bool = True
    ends_document: bool = True
    html_lines: HtmlLines | None = None


WHOLE_DOCUMENT = Context()
