"""Rule kinds: one small matcher class per kind, each turning text into candidate spans.

Patterns compile with RE2 (google-re2), whose matching time is linear in the input, so no
rule file can hang a run. All patterns run in multi-line mode: ``^`` and ``$`` match at
line boundaries. Matchers never do I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import re2

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


class Matcher(Protocol):
    rule: Rule
    trigger: str  # an RE2 pattern that matches wherever this rule could match

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        """Candidates that start within ``text[lo:hi]``."""
        ...


_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are raised to the caller, not printed by the C++ side


def _flags(ignore_case: bool) -> str:
    return "(?mi)" if ignore_case else "(?m)"


_NO_BACKTRACKING = "it matches in linear time and never backtracks"
_RE2_HINTS = (
    (
        re2.compile(r"perl operator: \(\?<?[=!]"),
        f"RE2 has no look-arounds ({_NO_BACKTRACKING}): "
        "match the surrounding text as part of the pattern, or use a line or block rule",
    ),
    (
        re2.compile(r"escape sequence: \\[1-9]|perl operator: \(\?P$"),
        f"RE2 has no back-references ({_NO_BACKTRACKING}): spell out the repeated text",
    ),
    (re2.compile(r"perl operator: \(\?>"), f"RE2 needs no atomic groups ({_NO_BACKTRACKING}): use (?:...)"),
    (
        re2.compile(r"repetition operator: [*+?}]\+"),
        f"RE2 needs no possessive quantifiers ({_NO_BACKTRACKING}): drop the extra +",
    ),
    (re2.compile(r"escape sequence: \\Z"), "use \\z for the end of the text, or $ for the end of a line"),
    (re2.compile(r"repetition size"), "RE2 allows repetition counts up to 1000"),
)


def _re2_reason(exc: re2.error, flags: str) -> str:
    """RE2's own reason, with a hint for the Perl/Python features RE2 refuses by design."""
    reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
    reason = reason.replace(flags, "", 1)  # RE2 quotes the pattern it saw; show the user's own
    for needle, hint in _RE2_HINTS:
        if needle.search(reason):
            return f"{reason}; {hint}"
    return reason


def compile_pattern(source: str, *, ignore_case: bool = False, field: str = "pattern") -> re2._Regexp:
    """Compile an RE2 pattern in multi-line mode, refusing ones that match the empty string.

    >>> compile_pattern(r"^date (?P<date>\\d{4})").search("x\\ndate 2024").group("date")
    '2024'
    >>> compile_pattern(r"Read more(?= below)")
    Traceback (most recent call last):
    ...
    cleaner.matchers.PatternError: bad pattern for RE2: invalid perl operator: (?=; RE2 has no \
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


def _trim_end(text: str, start: int, end: int) -> int:
    """The end of a match without its trailing whitespace: whitespace is left to the tidying
    step, which keeps paragraph breaks and a document's own final newline.

    >>> _trim_end("Most read\\nA headline\\n", 0, 21)
    20
    """
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _captures(match: re2._Match) -> dict[str, str]:
    return {name: value for name, value in match.groupdict().items() if value is not None}


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

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        for match in self.regex.finditer(text, lo, hi):
            end = _trim_end(text, match.start(), match.end())
            if end > match.start():
                yield Candidate(match.start(), end, _captures(match))


class LineMatcher:
    """``line`` rules: remove the whole line (without its line break) when the pattern matches it."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        assert rule.pattern is not None
        self.regex = compile_pattern(rule.pattern, ignore_case=rule.ignore_case)
        self.trigger = self.regex.pattern

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        last_line_start = -1
        for match in self.regex.finditer(text, lo, hi):
            line_start = text.rfind("\n", 0, match.start()) + 1
            if line_start == last_line_start:
                continue
            last_line_start = line_start
            line_end = text.find("\n", match.start())
            if line_end < 0:
                line_end = len(text)
            if line_end > line_start and text[line_end - 1] == "\r":
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

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        pos = lo
        while pos < hi:
            opening = self.start.search(text, pos, hi)
            if opening is None:
                return
            closing = self.end.search(text, opening.end(), opening.start() + self.max_chars)
            if closing is None:
                pos = opening.start() + 1
                continue
            captures = _captures(opening) | _captures(closing)
            yield Candidate(opening.start(), _trim_end(text, opening.start(), closing.end()), captures)
            pos = closing.end()


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
