"""RE2 patterns as rules use them: compiled in multi-line mode, searched in UTF-8 bytes.

Patterns compile with RE2 (google-re2), whose matching time is linear in the input, so no
rule file can hang a run. All patterns run in multi-line mode: ``^`` and ``$`` match at
line boundaries. Searches work on the UTF-8 bytes of a document (byte offsets): the
google-re2 wrapper would otherwise encode the whole text again and convert offsets on every
call, which is quadratic for a long document searched many times.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import re2


class PatternError(ValueError):
    """A rule's pattern that RE2 refuses, or that would match too much."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are raised to the caller, not printed by the C++ side
# RE2's default budget (8 MiB) is too small for the automata of the long, case-blind
# vocabularies of the packs: out of it, RE2 falls back to its NFA, 15 to 30 times slower. The
# budget is a ceiling; an automaton takes memory only for the states a text leads it into.
_OPTIONS.max_mem = 32 << 20


def pattern_flags(ignore_case: bool) -> str:
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
def compile_pattern(
    source: str, *, ignore_case: bool = False, field: str = "pattern", allow_empty: bool = False
) -> re2._Regexp:
    """Compile an RE2 pattern in multi-line mode, refusing ones that match the empty string
    (unless ``allow_empty``: a part of a pattern, such as an optional weekday, may).

    >>> compile_pattern(r"^date (?P<date>\\d{4})").search("x\\ndate 2024").group("date")
    '2024'
    >>> compile_pattern(r"Read more(?= below)")
    Traceback (most recent call last):
    ...
    cleaner.core.patterns.PatternError: bad pattern for RE2: invalid perl operator: (?=; RE2 has no \
look-arounds (it matches in linear time and never backtracks): match the surrounding text as \
part of the pattern, or use a line or block rule
    """
    flags = pattern_flags(ignore_case)
    try:
        compiled = re2.compile(flags + source, _OPTIONS)
    except re2.error as exc:
        raise PatternError(field, f"bad {field} for RE2: {_re2_reason(exc, flags)}") from None
    if not allow_empty and compiled.fullmatch("") is not None:
        raise PatternError(field, f"{field} matches the empty string, so it would match everywhere")
    return compiled


Spans = list[tuple[int, int]]  # (start, end) of the whole match and of each group; (-1, -1) if unset

_UNANCHORED = re2._Anchor.UNANCHORED
_AT_START = re2._Anchor.ANCHOR_START


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

    def search(self, data: bytes, pos: int, endpos: int, *, at_pos: bool = False) -> Spans | None:
        """The first match within ``data[pos:endpos]``; ``at_pos``: only one that begins at ``pos``.

        >>> searcher = Searcher(compile_pattern("b+"))
        >>> searcher.search(b"abb", 0, 3), searcher.search(b"abb", 0, 3, at_pos=True)
        ([(1, 3)], None)
        """
        size = len(data)
        pos, endpos = max(0, min(pos, size)), max(0, min(endpos, size))
        if pos > endpos:
            return None
        if self._match is not None:
            spans = self._match(_AT_START if at_pos else _UNANCHORED, data, pos, endpos)
            return None if spans[0][0] < 0 else spans
        find = self.regex.match if at_pos else self.regex.search
        match = find(data, pos, endpos)
        return None if match is None else [match.span(i) for i in range(self.regex.groups + 1)]

    def captures(self, data: bytes, spans: Spans) -> dict[str, str]:
        """Named groups that took part in the match, decoded."""
        return {
            name: data[spans[index][0] : spans[index][1]].decode("utf-8")
            for name, index in self._names
            if spans[index][0] >= 0
        }


def trim_end(data: bytes, start: int, end: int) -> int:
    """The end of a match without its trailing whitespace: whitespace is left to the tidying
    step, which keeps paragraph breaks and a document's own final newline.

    >>> trim_end("Most read\\nA headline\\u2003\\n".encode(), 0, 24)
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


def advance_chars(data: bytes, pos: int, count: int) -> int:
    """The byte offset ``count`` characters after byte ``pos`` (or the end of ``data``).

    >>> advance_chars("aé b".encode(), 0, 3)
    4
    """
    window = data[pos : pos + 4 * count]
    if window.isascii():
        return min(pos + count, len(data))
    return pos + len(window.decode("utf-8", "ignore")[:count].encode("utf-8"))
