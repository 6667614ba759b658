"""What cleaning gives: the clean text and the removed spans, in offsets of the input."""

from __future__ import annotations

from collections.abc import Container
from typing import NamedTuple

#: The rule of the zero-length flag on a document the guard left unchanged (:mod:`cleaner.core.guard`).
GUARD_RULE = "guard/max-removed"


class _SpanFields(NamedTuple):
    rule: str
    start: int
    end: int
    text: str
    line: int
    captures: dict[str, str]


class Span(_SpanFields):
    """A removed piece of the input: ``original[start:end] == text``.

    Offsets are Unicode code points into the decoded input; ``line`` is 1-based.

    >>> Span("demo/more", 6, 16, " Read more")
    Span(rule='demo/more', start=6, end=16, text=' Read more', line=0, captures={})
    """

    __slots__ = ()

    def __new__(
        cls, rule: str, start: int, end: int, text: str, line: int = 0, captures: dict[str, str] | None = None
    ) -> Span:
        # Each span its own dictionary: a default shared by every span could be changed through one.
        return super().__new__(cls, rule, start, end, text, line, {} if captures is None else captures)


class Result:
    """The clean text and the spans removed from the input, in offset order.

    The engine makes the clean text as UTF-8 and the spans as byte ranges; ``clean`` and
    ``spans`` are worked out the first time they are read (a pipe that writes bytes and no
    report never needs them).

    >>> result = Result("Story.", [Span("demo/more", 6, 16, " Read more")])
    >>> result.clean, result.clean_utf8, result.changed, result.removed_chars
    ('Story.', b'Story.', True, 10)
    """

    __slots__ = ("_clean", "_clean_utf8", "_cuts", "_spans")

    def __init__(self, clean: str | None, spans: list[Span], *, clean_utf8: bytes | None = None) -> None:
        if clean is None and clean_utf8 is None:
            raise TypeError("Result needs the clean text, as str or as UTF-8")
        self._clean, self._clean_utf8 = clean, clean_utf8
        self._spans: list[Span] | None = spans
        self._cuts: tuple[str, bytes, list[Cut]] | None = None

    @classmethod
    def _of_cuts(cls, text: str, data: bytes, cuts: list[Cut], clean_utf8: bytes) -> Result:
        """The result of cutting ``cuts`` (sorted byte ranges of ``data``, ``text`` in UTF-8)."""
        result = cls(None, [], clean_utf8=clean_utf8)
        result._spans, result._cuts = None, (text, data, cuts)
        return result

    def of_text(self, text: str) -> Result:
        """The same cuts made in ``text``, a text as long as the one this result came from
        (the rules saw ``text`` as that one: see :mod:`cleaner.core.view`).

        >>> Result("a c", [Span("demo/b", 1, 3, " b")]).of_text("a\u00a0b c").spans[0].text
        '\xa0b'
        """
        spans = [Span(s.rule, s.start, s.end, text[s.start : s.end], s.line, s.captures) for s in self.spans]
        pieces, pos = [], 0
        for span in spans:
            pieces.append(text[pos : span.start])
            pos = max(pos, span.end)
        pieces.append(text[pos:])
        return Result("".join(pieces), spans)

    @property
    def clean(self) -> str:
        if self._clean is None:
            assert self._clean_utf8 is not None
            self._clean = self._clean_utf8.decode("utf-8")
        return self._clean

    @property
    def clean_utf8(self) -> bytes:
        if self._clean_utf8 is None:
            assert self._clean is not None
            self._clean_utf8 = self._clean.encode("utf-8")
        return self._clean_utf8

    @property
    def spans(self) -> list[Span]:
        if self._spans is None:
            assert self._cuts is not None
            self._spans = _spans(*self._cuts)
        return self._spans

    @property
    def removed_chars(self) -> int:
        """How many characters the spans remove."""
        return self.removed_by(None)

    def removed_by(self, rules: Container[str] | None) -> int:
        """How many characters the spans of ``rules`` (all spans, for None) remove.

        >>> Result("Story.", [Span("a/x", 0, 3, "Hi "), Span("b/y", 9, 13, " end")]).removed_by({"b/y"})
        4
        """
        if self._spans is not None:
            return sum(s.end - s.start for s in self._spans if rules is None or s.rule in rules)
        assert self._cuts is not None
        text, data, cuts = self._cuts
        picked = [(start, end) for start, end, rule, _ in cuts if rules is None or rule in rules]
        if len(data) == len(text):
            return sum(end - start for start, end in picked)
        return sum(len(data[start:end].decode("utf-8")) for start, end in picked)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self.clean, self.spans) == (other.clean, other.spans)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Result(clean={self.clean!r}, spans={self.spans!r})"

    @property
    def changed(self) -> bool:
        # A guard flag is a zero-length span: it marks the document but removes nothing.
        if self._spans is None:
            return True  # cuts are never empty
        return any(span.end > span.start for span in self._spans)

    @property
    def held_back(self) -> Span | None:
        """The ``guard/max-removed`` flag when the guard left the document unchanged."""
        if self._spans is None:
            return None  # the guard makes its flag as a span
        return next((span for span in self._spans if span.rule == GUARD_RULE), None)


# Cuts inside the engine: (start, end, rule id, captures), byte offsets into UTF-8 text.
Cut = tuple[int, int, str, dict[str, str]]


def char_offsets(data: bytes, offsets: list[int]) -> dict[int, int]:
    """Character offsets of byte offsets (each at a character boundary) into UTF-8 ``data``."""
    char_at, byte_pos, char_pos = {}, 0, 0
    for offset in sorted(set(offsets)):
        char_pos += len(data[byte_pos:offset].decode("utf-8"))
        byte_pos = offset
        char_at[offset] = char_pos
    return char_at


def _spans(text: str, data: bytes, cuts: list[Cut]) -> list[Span]:
    """The cuts (byte offsets into ``data``, sorted) as spans of ``text``: character offsets,
    line numbers and the removed text."""
    ascii_only = len(data) == len(text)
    char_at = {} if ascii_only else char_offsets(data, [offset for s, e, _, _ in cuts for offset in (s, e)])
    result, line, pos = [], 1, 0
    for start, end, rule, captures in cuts:
        line += data.count(b"\n", pos, start)
        pos = start
        if not ascii_only:
            start, end = char_at[start], char_at[end]
        result.append(Span(rule, start, end, text[start:end], line, dict(captures)))
    return result
