"""What every rule kind is: a matcher class that declares its fields and finds candidate spans.

A kind is one module with one :class:`Matcher` subclass, listed in the registry
(:mod:`cleaner.core.kinds`). The class says which keys it adds to a rule in a rule file
(:attr:`Matcher.fields`, which the rule-file schema checks), which of them are RE2 patterns
(compiled and linted when the rule loads), and how it finds the spans to remove. Matchers
never do I/O.

Matchers search the UTF-8 bytes of a document (``find_bytes``, byte offsets); ``find`` is the
same on a ``str``, for tests and tools.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Literal, NamedTuple

from cleaner.core.patterns import Searcher, compile_pattern, pattern_flags
from cleaner.core.prefilter import line_local
from cleaner.core.rule import Rule
from cleaner.core.signals import Document

Regions = Sequence[tuple[int, int]]
ANY_TEXT = "(?s)."  # the trigger of a rule without a pattern
FieldType = Literal["pattern", "text", "boolean", "integer", "number", "choice"]


class Candidate(NamedTuple):
    """A span one rule wants to remove, before overlaps with other rules are resolved."""

    start: int
    end: int
    captures: dict[str, str]


class Field(NamedTuple):
    """A key a kind adds to its rules, as the rule-file schema checks it.

    ``pattern``: an RE2 pattern (compiled, and refused if it would match any text); ``text``:
    a non-empty string; ``integer`` and ``number`` between ``low`` and ``high``; ``choice``:
    one of ``choices``. A field that is not ``required`` may be left out.
    """

    name: str
    type: FieldType
    required: bool = True
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    default: Any = None  # the value of a field that is not required, when a rule leaves it out
    help: str = ""


class Matcher(ABC):
    """A compiled rule of one kind. Subclasses set :attr:`kind`, :attr:`fields` and
    :attr:`summary`, build their searchers in ``__init__`` and implement :meth:`candidates`.

    Rules loaded from rule files were validated when they were read (or when the cached result
    of that was stored), so a chain of them compiles a pattern only when the prefilter finds a
    place where it may match. Rules built in code are compiled at once (``checked=False``), so
    that a bad pattern fails where the rule is made.
    """

    kind: ClassVar[str]
    fields: ClassVar[tuple[Field, ...]]
    summary: ClassVar[str]  # what the kind removes, one line (rules show, docs)
    rule: Rule
    trigger: str  # an RE2 pattern (with its flags) that matches wherever this rule could match
    matches_any_text: bool  # the trigger matches any text that is not empty (the rule has no pattern)
    # How many characters before a changed line a match may start (a block's start may lie
    # that far before the cut that brought its end in reach); 0: matches lie within lines.
    reach_back: int = 0
    # Whether a line goes depends on other lines (a run, the lines around it): such a rule
    # looks at the whole document, and at it again after any cut.
    depends_on_neighbours: bool = False
    # For such a rule with a head or tail scope: how many non-blank lines beyond its scope its
    # decisions may look at; None: any line of the text (after any cut, it looks again).
    context_lines: int | None = None
    # Whether the rule reads what an HTML page made of each line (its role, its link share): only
    # then does reading a page work them out.
    reads_page_facts: bool = False
    # Whether what the kind removes counts towards the --max-removed guard unless a rule says
    # otherwise: kinds that judge a line by its shape are less certain than a matched phrase.
    guarded_by_default: ClassVar[bool] = False

    def __init__(self, rule: Rule, *, checked: bool = False) -> None:
        self.rule = rule
        sources = self.patterns(rule)
        self._sources = sources
        self._searchers: dict[str, Searcher] = {}
        self.matches_any_text = not sources
        self.trigger = self.trigger_of(rule)
        if not checked:
            for name in sources:
                self.searcher(name)

    @classmethod
    def patterns(cls, rule: Rule) -> dict[str, str]:
        """The rule's RE2 patterns by field, trigger first: what loading compiles and lints."""
        fields = [field.name for field in cls.fields if field.type == "pattern"]
        return {name: rule.option(name) for name in fields if rule.option(name) is not None}

    @classmethod
    def trigger_of(cls, rule: Rule) -> str:
        """The pattern, with its flags, that matches wherever the rule may: its first pattern.
        Without a pattern, a rule may match in any text (its scope or conditions narrow it).

        >>> from cleaner.core.kinds import kind_of
        >>> rule = Rule("p", "x", "line", pattern="^Read more$", ignore_case=True)
        >>> kind_of(rule).trigger_of(rule)
        '(?mi)^Read more$'
        >>> rule = Rule("p", "y", "signals", scope="tail", max_words=6)
        >>> kind_of(rule).trigger_of(rule)
        '(?m)(?s).'
        """
        return pattern_flags(rule.ignore_case) + next(iter(cls.patterns(rule).values()), ANY_TEXT)

    @classmethod
    def miss_hint(cls, rule: Rule, text: str) -> str:
        """Why the rule may have missed ``text`` in ``rules test`` (``"; …"``), or ``""``."""
        return ""

    @property
    def guarded(self) -> bool:
        """Whether what this rule removes counts towards the ``--max-removed`` guard."""
        return self.guarded_by_default if self.rule.guard is None else self.rule.guard

    @functools.cached_property
    def line_local(self) -> bool:
        """No match of the trigger contains a line break."""
        return line_local(self.trigger)

    def searcher(self, name: str) -> Searcher:
        """The compiled pattern of field ``name``, compiled on first use."""
        found = self._searchers.get(name)
        if found is None:
            regex = compile_pattern(self._sources[name], ignore_case=self.rule.ignore_case, field=name)
            found = self._searchers[name] = Searcher(regex)
        return found

    def find(self, text: str, lo: int, hi: int) -> Iterator[Candidate]:
        """Candidates that lie within ``text[lo:hi]`` (character offsets)."""
        data = text.encode("utf-8")
        blo, bhi = len(text[:lo].encode("utf-8")), len(text[:hi].encode("utf-8"))
        for cand in self.find_bytes(data, blo, bhi):
            start = len(data[: cand.start].decode("utf-8"))
            end = start + len(data[cand.start : cand.end].decode("utf-8"))
            yield Candidate(start, end, cand.captures)

    def find_bytes(
        self,
        data: bytes,
        lo: int,
        hi: int,
        lines: Regions | None = None,
        unclosed: list[int] | None = None,
        document: Document | None = None,
    ) -> Iterator[Candidate]:
        """Candidates within ``data[lo:hi]`` (UTF-8 bytes, byte offsets); see :class:`Reach`."""
        return self.candidates(Reach(data, lo, hi, lines, unclosed, document))

    @abstractmethod
    def candidates(self, reach: Reach) -> Iterator[Candidate]:
        """What the kind finds within its reach: each kind's own search."""


class Reach(NamedTuple):
    """Where a matcher looks, in UTF-8 ``data`` (byte offsets): within ``[lo, hi)``.

    ``lines``, when given, are sorted ``(start, end)`` line ranges (``end`` at the line break)
    that hold every place the trigger matches; only a line-local trigger may be given them.
    The result is the same as without them, only faster. ``unclosed`` collects where a match
    began that found no end in reach (kinds with ``reach_back``). ``document`` answers
    questions about ``data``'s lines (line signals), for kinds that ask.
    """

    data: bytes
    lo: int
    hi: int
    lines: Regions | None = None
    unclosed: list[int] | None = None
    document: Document | None = None

    def windows(self) -> Iterator[tuple[int, int]]:
        """The parts of ``[lo, hi)`` to search (see :func:`windows`)."""
        return windows(self.lo, self.hi, self.lines)


def windows(lo: int, hi: int, lines: Regions | None) -> Iterator[tuple[int, int]]:
    """The parts of ``[lo, hi)`` to search: all of it, or the given line ranges within it.

    >>> list(windows(0, 10, None)), list(windows(3, 10, [(0, 4), (6, 8), (12, 14)]))
    ([(0, 10)], [(3, 4), (6, 8)])
    """
    if lines is None:
        yield lo, hi
        return
    for start, end in lines:
        start, end = max(start, lo), min(end, hi)
        if start <= end:
            yield start, end
