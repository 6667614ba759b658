"""Rule kinds: one small matcher class per kind, each turning text into candidate spans.

Patterns compile with RE2 (google-re2), whose matching time is linear in the input, so no
rule file can hang a run. All patterns run in multi-line mode: ``^`` and ``$`` match at
line boundaries. Matchers never do I/O.

Matchers work on the UTF-8 bytes of a document (``find_bytes``, byte offsets): the google-re2
wrapper would otherwise encode the whole text again and convert offsets on every call, which
is quadratic for a long document searched many times. ``find`` is the same on a ``str``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import re2

from cleaner.core.prefilter import line_local
from cleaner.rulefiles.schema import Rule


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
    trigger: str  # an RE2 pattern (with its flags) that matches wherever this rule could match
    line_local: bool  # no match of the trigger contains a line break

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


_NO_BACKTRACKING = "it matches in linear time and never backtracks"
# (needle in RE2's message, hint); searched with Python's re, only when a pattern is refused.
_RE2_HINTS = (
    (
        r"perl operator: \(\?<?[=!]",
        f"RE2 has no look-arounds ({_NO_BACKTRACKING}): "
        "match the surrounding text as part of the pattern, or use a line or block rule",
    ),
    (
        r"escape sequence: \\[1-9]|perl operator: \(\?P$",
        f"RE2 has no back-references ({_NO_BACKTRACKING}): spell out the repeated text",
    ),
    (r"perl operator: \(\?>", f"RE2 needs no atomic groups ({_NO_BACKTRACKING}): use (?:...)"),
    (
        r"repetition operator: [*+?}]\+",
        f"RE2 needs no possessive quantifiers ({_NO_BACKTRACKING}): drop the extra +",
    ),
    (r"escape sequence: \\Z", "use \\z for the end of the text, or $ for the end of a line"),
    (r"repetition size", "RE2 allows repetition counts up to 1000"),
)


def _re2_reason(exc: re2.error, flags: str) -> str:
    """RE2's own reason, with a hint for the Perl/Python features RE2 refuses by design."""
    reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
    reason = reason.replace(flags, "", 1)  # RE2 quotes the pattern it saw; show the user's own
    for needle, hint in _RE2_HINTS:
        if re.search(needle, reason):
            return f"{reason}; {hint}"
    return reason


# Validation and the chain compile the same patterns when rules load; compiled RE2 objects are
# immutable, so one compilation serves both (start-up of a piped run is mostly rule loading).
@functools.lru_cache(maxsize=4096)
def compile_pattern(source: str, *, ignore_case: bool = False, field: str = "pattern") -> re2._Regexp:
    """Compile an RE2 pattern in multi-line mode, refusing ones that match the empty string.

    >>> compile_pattern(r"^date (?P<date>\\d{4})").search("x\\ndate 2024").group("date")
    '2024'
    >>> compile_pattern(r"Read more(?= below)")
    Traceback (most recent call last):
    ...
    cleaner.core.matchers.PatternError: bad pattern for RE2: invalid perl operator: (?=; RE2 has no \
look-arounds (it matches in linear time and never backtracks): match the surrounding text as \
part of the pattern, or use a line or block rule
    """
    flags = _flags(ignore_case)
    try:
        compiled = re2.compile(flags + source, _OPTIONS)
    except re2.error as exc:
        raise PatternError(field, f"bad {field} for RE2: {_re2_reason(exc, flags)}") from None
    if compiled.fullmatch("") is not None:
        raise PatternError(field, f"{field} matches the empty string, so it would match everywhere")
    return compiled


Spans = list[tuple[int, int]]  # (start, end) of the whole match and of each group; (-1, -1) if unset

_UNANCHORED = re2._Anchor.UNANCHORED


class Searcher:
    """A compiled pattern searched in UTF-8 bytes, giving group spans.

    It calls RE2 directly where the wrapper allows, since the wrapper's per-call work (a
    generator and a match object per search) costs more than the search of a short line.

    >>> Searcher(compile_pattern("(?P<w>b+)")).search(b"abbc", 0, 4)
    [(1, 3), (1, 3)]
    """

    __slots__ = ("_match", "_names", "regex")

    def __init__(self, regex: re2._Regexp) -> None:
        self.regex = regex
        raw = getattr(regex, "_regexp", None)
        self._match = raw.Match if raw is not None and hasattr(raw, "Match") else None
        self._names = sorted(regex.groupindex.items(), key=lambda item: item[1])

    def search(self, data: bytes, pos: int, endpos: int) -> Spans | None:
        size = len(data)
        pos, endpos = max(0, min(pos, size)), max(0, min(endpos, size))
        if pos > endpos:
            return None
        if self._match is not None:
            spans = self._match(_UNANCHORED, data, pos, endpos)
            return None if spans[0][0] < 0 else spans
        match = self.regex.search(data, pos, endpos)
        return None if match is None else [match.span(i) for i in range(self.regex.groups + 1)]

    def captures(self, data: bytes, spans: Spans) -> dict[str, str]:
        """Named groups that took part in the match, decoded."""
        return {
            name: data[spans[index][0] : spans[index][1]].decode("utf-8")
            for name, index in self._names
            if spans[index][0] >= 0
        }


def _trim_end(data: bytes, start: int, end: int) -> int:
    """The end of a match without its trailing whitespace: whitespace is left to the tidying
    step, which keeps paragraph breaks and a document's own final newline.

    >>> _trim_end("Most read\\nA headline\\u2003\\n".encode(), 0, 24)
    20
    """
    while end > start:
        char_start = end - 1
        while char_start > start and data[char_start] & 0xC0 == 0x80:
            char_start -= 1
        if not data[char_start:end].decode("utf-8").isspace():
            break
        end = char_start
    return end


def next_char(data: bytes, pos: int) -> int:
    """The offset of the character after the one starting at byte ``pos`` (UTF-8).

    >>> next_char("é!".encode(), 0)
    2
    """
    pos += 1
    while pos < len(data) and data[pos] & 0xC0 == 0x80:
        pos += 1
    return pos


def finditer(searcher: Searcher, data: bytes, pos: int, endpos: int) -> Iterator[Spans]:
    """``regex.finditer(text, pos, endpos)`` on UTF-8 bytes: the same matches, byte offsets.

    After an empty match it steps one character, not one byte, as the ``str`` version does.
    """
    while pos <= endpos:
        spans = searcher.search(data, pos, endpos)
        if spans is None:
            return
        yield spans
        start, end = spans[0]
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


class _Lazy:
    """What every matcher shares: the trigger's analysis, and patterns compiled on first use.

    Rules loaded from rule files were validated when they were read (or when the cached result
    of that was stored), so a chain of them compiles a pattern only when the prefilter finds
    a place where it may match. Rules built in code are compiled at once (``checked=False``),
    so that a bad pattern fails where the rule is made.
    """

    rule: Rule
    trigger: str
    _source: str  # the trigger without its flags

    def _setup(self, source: str, checked: bool, *patterns: str) -> None:
        self._source = source
        self.trigger = _flags(self.rule.ignore_case) + source
        if not checked:
            for name in patterns:
                getattr(self, name)

    def _compile(self, source: str | None, field: str = "pattern") -> re2._Regexp:
        assert source is not None
        return compile_pattern(source, ignore_case=self.rule.ignore_case, field=field)

    @functools.cached_property
    def line_local(self) -> bool:
        return line_local(self.trigger)


class PatternMatcher(_Lazy):
    """``phrase`` and ``regex`` rules: remove exactly what the pattern matches."""

    def __init__(self, rule: Rule, *, checked: bool = False) -> None:
        self.rule = rule
        source = phrase_pattern(rule) if rule.kind == "phrase" else rule.pattern
        assert source is not None
        self._setup(source, checked, "_searcher")

    @functools.cached_property
    def _searcher(self) -> Searcher:
        return Searcher(self._compile(self._source))

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        return _to_text(self, text, lo, hi)

    def find_bytes(self, data: bytes, lo: int, hi: int, lines: Regions | None = None) -> Iterator[Candidate]:
        searcher = self._searcher
        for start, end in _windows(lo, hi, lines):
            for spans in finditer(searcher, data, start, end):
                match_end = _trim_end(data, spans[0][0], spans[0][1])
                if match_end > spans[0][0]:
                    yield Candidate(spans[0][0], match_end, searcher.captures(data, spans))


class LineMatcher(_Lazy):
    """``line`` rules: remove the whole line (without its line break) when the pattern matches it."""

    def __init__(self, rule: Rule, *, checked: bool = False) -> None:
        self.rule = rule
        assert rule.pattern is not None
        self._setup(rule.pattern, checked, "_searcher")

    @functools.cached_property
    def _searcher(self) -> Searcher:
        return Searcher(self._compile(self._source))

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        return _to_text(self, text, lo, hi)

    def find_bytes(self, data: bytes, lo: int, hi: int, lines: Regions | None = None) -> Iterator[Candidate]:
        searcher = self._searcher
        last_line_start = -1
        for start, end in _windows(lo, hi, lines):
            for spans in finditer(searcher, data, start, end):
                match_start = spans[0][0]
                line_start = data.rfind(b"\n", 0, match_start) + 1
                if line_start == last_line_start:
                    continue
                last_line_start = line_start
                line_end = data.find(b"\n", match_start)
                if line_end < 0:
                    line_end = len(data)
                if line_end > line_start and data[line_end - 1] == 0x0D:  # \r
                    line_end -= 1
                if line_end > line_start:
                    yield Candidate(line_start, line_end, searcher.captures(data, spans))


class BlockMatcher(_Lazy):
    """``block`` rules: from a ``start`` match to the first ``end`` match within ``max_chars``."""

    def __init__(self, rule: Rule, *, checked: bool = False) -> None:
        self.rule = rule
        assert rule.start is not None and rule.end is not None and rule.max_chars is not None
        self.max_chars = rule.max_chars
        self._setup(rule.start, checked, "_opening", "_closing")

    @functools.cached_property
    def _opening(self) -> Searcher:
        return Searcher(self._compile(self.rule.start, "start"))

    @functools.cached_property
    def _closing(self) -> Searcher:
        return Searcher(self._compile(self.rule.end, "end"))

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        return _to_text(self, text, lo, hi)

    def find_bytes(
        self, data: bytes, lo: int, hi: int, lines: Regions | None = None, unclosed: list[int] | None = None
    ) -> Iterator[Candidate]:
        """See :class:`Matcher`; ``unclosed`` collects where a start matched that ends no block
        (no end within ``max_chars``): a cut after it may later bring one in reach."""
        opening, closing = self._opening, self._closing
        pos = lo
        for start, end in _windows(lo, hi, lines):
            while True:
                start = max(start, pos)
                if start >= hi:
                    return
                if start > end:
                    break
                found = opening.search(data, start, end)
                if found is None:
                    break
                (open_start, open_end) = found[0]
                limit = _advance_chars(data, open_start, self.max_chars)
                closed = closing.search(data, open_end, limit)
                if closed is None:
                    if unclosed is not None:
                        unclosed.append(open_start)
                    pos = next_char(data, open_start)
                    continue
                close_end = closed[0][1]
                if close_end > open_start:  # patterns that can match empty (\b) make empty blocks
                    captures = opening.captures(data, found) | closing.captures(data, closed)
                    yield Candidate(open_start, _trim_end(data, open_start, close_end), captures)
                elif unclosed is not None:
                    unclosed.append(open_start)
                # Always move on, or an empty block would be found here forever.
                pos = max(close_end, next_char(data, open_start))


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


def compile_rule(rule: Rule, *, checked: bool = False) -> Matcher:
    """Build the matcher for a rule's kind; ``checked``: its patterns were validated already,
    so compile them on first use.

    >>> m = compile_rule(Rule(pack="p", id="x", kind="phrase", pattern="Read more"))
    >>> [(c.start, c.end) for c in m.find("Go. Read more", 0, 13)]
    [(4, 13)]
    """
    return _MATCHERS[rule.kind](rule, checked=checked)
