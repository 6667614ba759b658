"""Rule kinds: one small matcher class per kind, each turning text into candidate spans.

Patterns compile with RE2 (google-re2), whose matching time is linear in the input, so no
rule file can hang a run. All patterns run in multi-line mode: ``^`` and ``$`` match at
line boundaries. Matchers never do I/O.

Matchers work on the UTF-8 bytes of a document (``find_bytes``, byte offsets): the google-re2
wrapper would otherwise encode the whole text again and convert offsets on every call, which
is quadratic for a long document searched many times. ``find`` is the same on a ``str``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import re2

from cleaner.literals import Analysis, analyse
from cleaner.ruleset import Rule


class PatternError(ValueError):
    """A rule's pattern that RE2 refuses, or that would match too much."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span one rule wants to remove, before overlaps with other rules are resolved."""

    start: int
    end: int
    captures: dict[str, str]


Regions = Sequence[tuple[int, int]]


class Matcher(Protocol):
    rule: Rule
    trigger: str  # an RE2 pattern that matches wherever this rule could match
    analysis: Analysis  # of the trigger: line-local? which literals must occur?

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        """Candidates that lie within ``text[lo:hi]`` (character offsets)."""
        ...

    def find_bytes(self, data: bytes, lo: int, hi: int, lines: Regions | None = None) -> Iterator[Candidate]:
        """Candidates within ``data[lo:hi]`` (UTF-8 bytes, byte offsets).

        ``lines``, when given, are sorted ``(start, end)`` line ranges (``end`` at the line
        break) that hold every place the trigger matches; only a line-local trigger may be
        given them. The result is the same as without them, only faster.
        """
        ...


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are raised to the caller, not printed by the C++ side


def _flags(ignore_case: bool) -> str:
    return "(?mi)" if ignore_case else "(?m)"


def compile_pattern(source: str, *, ignore_case: bool = False, field: str = "pattern") -> re2._Regexp:
    """Compile an RE2 pattern in multi-line mode, refusing ones that match the empty string.

    >>> compile_pattern(r"^date (?P<date>\\d{4})").search("x\\ndate 2024").group("date")
    '2024'
    """
    try:
        compiled = re2.compile(_flags(ignore_case) + source, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(field, f"bad {field} for RE2: {reason}") from None
    if compiled.fullmatch("") is not None:
        raise PatternError(field, f"{field} matches the empty string, so it would match everywhere")
    return compiled


def _captures(match: re2._Match) -> dict[str, str]:
    return {name: value.decode("utf-8") for name, value in match.groupdict().items() if value is not None}


def next_char(data: bytes, pos: int) -> int:
    """The offset of the character after the one starting at byte ``pos`` (UTF-8).

    >>> next_char("é!".encode(), 0)
    2
    """
    pos += 1
    while pos < len(data) and data[pos] & 0xC0 == 0x80:
        pos += 1
    return pos


def finditer(regex: re2._Regexp, data: bytes, pos: int, endpos: int) -> Iterator[re2._Match]:
    """``regex.finditer(text, pos, endpos)`` on UTF-8 bytes: the same matches, byte offsets.

    After an empty match it steps one character, not one byte, as the ``str`` version does.
    """
    while pos <= endpos:
        match = regex.search(data, pos, endpos)
        if match is None:
            return
        yield match
        start, end = match.span()
        pos = end if end > start else next_char(data, end)


def _windows(lo: int, hi: int, lines: Regions | None) -> Iterator[tuple[int, int]]:
    if lines is None:
        yield lo, hi
        return
    for start, end in lines:
        start, end = max(start, lo), min(end, hi)
        if start <= end:
            yield start, end


def _to_text(matcher: Matcher, text: str, lo: int, hi: int) -> Iterator[Candidate]:
    """Run ``find_bytes`` on a ``str`` and give character offsets (the ``find`` method)."""
    data = text.encode("utf-8")
    blo, bhi = len(text[:lo].encode("utf-8")), len(text[:hi].encode("utf-8"))
    for cand in matcher.find_bytes(data, blo, bhi):
        start = len(data[: cand.start].decode("utf-8"))
        end = start + len(data[cand.start : cand.end].decode("utf-8"))
        yield Candidate(start, end, cand.captures)


def phrase_pattern(rule: Rule) -> str:
    """The RE2 pattern of a phrase rule: the literal text, with word boundaries if asked.

    >>> phrase_pattern(Rule(pack="p", id="x", kind="phrase", pattern="Read more"))
    '\\\\bRead\\\\ more\\\\b'
    """
    assert rule.pattern is not None
    pattern = re2.escape(rule.pattern)
    if rule.word_boundary:
        # \b only where the phrase starts or ends with a word character, or it never matches.
        if rule.pattern[0].isalnum() or rule.pattern[0] == "_":
            pattern = r"\b" + pattern
        if rule.pattern[-1].isalnum() or rule.pattern[-1] == "_":
            pattern = pattern + r"\b"
    return pattern


class PatternMatcher:
    """``phrase`` and ``regex`` rules: remove exactly what the pattern matches."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        source = phrase_pattern(rule) if rule.kind == "phrase" else rule.pattern
        assert source is not None
        self.regex = compile_pattern(source, ignore_case=rule.ignore_case)
        self.trigger = self.regex.pattern
        self.analysis = analyse(source, ignore_case=rule.ignore_case)

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        return _to_text(self, text, lo, hi)

    def find_bytes(self, data: bytes, lo: int, hi: int, lines: Regions | None = None) -> Iterator[Candidate]:
        for start, end in _windows(lo, hi, lines):
            for match in finditer(self.regex, data, start, end):
                if match.end() > match.start():
                    yield Candidate(match.start(), match.end(), _captures(match))


class LineMatcher:
    """``line`` rules: remove the whole line (without its line break) when the pattern matches it."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        assert rule.pattern is not None
        self.regex = compile_pattern(rule.pattern, ignore_case=rule.ignore_case)
        self.trigger = self.regex.pattern
        self.analysis = analyse(rule.pattern, ignore_case=rule.ignore_case)

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        return _to_text(self, text, lo, hi)

    def find_bytes(self, data: bytes, lo: int, hi: int, lines: Regions | None = None) -> Iterator[Candidate]:
        last_line_start = -1
        for start, end in _windows(lo, hi, lines):
            for match in finditer(self.regex, data, start, end):
                line_start = data.rfind(b"\n", 0, match.start()) + 1
                if line_start == last_line_start:
                    continue
                last_line_start = line_start
                line_end = data.find(b"\n", match.start())
                if line_end < 0:
                    line_end = len(data)
                if line_end > line_start and data[line_end - 1] == 0x0D:  # \r
                    line_end -= 1
                if line_end > line_start:
                    yield Candidate(line_start, line_end, _captures(match))


class BlockMatcher:
    """``block`` rules: from a ``start`` match to the first ``end`` match within ``max_chars``."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        assert rule.start is not None and rule.end is not None and rule.max_chars is not None
        self.start = compile_pattern(rule.start, ignore_case=rule.ignore_case, field="start")
        self.end = compile_pattern(rule.end, ignore_case=rule.ignore_case, field="end")
        self.max_chars = rule.max_chars
        self.trigger = self.start.pattern
        self.analysis = analyse(rule.start, ignore_case=rule.ignore_case)

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        return _to_text(self, text, lo, hi)

    def find_bytes(self, data: bytes, lo: int, hi: int, lines: Regions | None = None) -> Iterator[Candidate]:
        pos = lo
        for start, end in _windows(lo, hi, lines):
            while True:
                start = max(start, pos)
                if start >= hi:
                    return
                if start > end:
                    break
                opening = self.start.search(data, start, end)
                if opening is None:
                    break
                limit = _advance_chars(data, opening.start(), self.max_chars)
                closing = self.end.search(data, opening.end(), limit)
                if closing is None:
                    pos = next_char(data, opening.start())
                    continue
                captures = _captures(opening) | _captures(closing)
                yield Candidate(opening.start(), closing.end(), captures)
                pos = closing.end()


def _advance_chars(data: bytes, pos: int, count: int) -> int:
    """The byte offset ``count`` characters after byte ``pos`` (or the end of ``data``).

    >>> _advance_chars("aé b".encode(), 0, 3)
    4
    """
    window = data[pos : pos + 4 * count]
    if window.isascii():
        return min(pos + count, len(data))
    return pos + len(window.decode("utf-8", "ignore")[:count].encode("utf-8"))


_MATCHERS: dict[str, type[PatternMatcher] | type[LineMatcher] | type[BlockMatcher]] = {
    "phrase": PatternMatcher,
    "regex": PatternMatcher,
    "line": LineMatcher,
    "block": BlockMatcher,
}


def compile_rule(rule: Rule) -> Matcher:
    """Build the matcher for a rule's kind.

    >>> m = compile_rule(Rule(pack="p", id="x", kind="phrase", pattern="Read more"))
    >>> [(c.start, c.end) for c in m.find("Go. Read more", 0, 13)]
    [(4, 13)]
    """
    return _MATCHERS[rule.kind](rule)
