"""``signals`` rules: remove whole lines by what they *are*, not only by what they say.

A rule lists conditions on line signals (:mod:`cleaner.core.signals`): how many words and
characters, the share of stopwords, capitals and digits, whether the line ends a sentence or
reports speech ("…, the minister said"), whether it repeats an earlier line, and for text
extracted from HTML what the page made of it (a heading, a list item, …) and how much of it
was link text (``html: false`` keeps a rule to plain text, ``html: true`` to pages; a rule
with conditions on a page's facts never looks at plain text line by line). A line is removed
when every condition holds (and, if given, ``pattern`` matches in it). Other conditions look
around the line, in the spirit of jusText's context pass; they judge the *run* a line belongs
to, the consecutive non-blank lines that all meet the conditions, counted whole even where it
reaches past the rule's scope:

- ``min_run: N`` / ``max_run: N``: the run has at least (at most) N lines (a short list of
  teaser headlines, not one short line, nor the long list of an article's recipe or results);
- ``keep_between_prose: true``: a run whose nearest other lines above and below are both
  prose (a sentence of eight words or more) is kept: a subheading inside an article stays;
- ``after_last_prose: true`` / ``before_first_prose: true``: no prose line comes after (before)
  the run: headlines after an article's last paragraph go, a list in its middle stays;
  ``false``: some prose line does (a page's title, above its first paragraph, is not taken).

The values of the signals tested are recorded as the span's captures, so ``cleaner explain``
and the report show why a line went. A signal that cannot be known (stopwords of a language
without a stoplist, HTML facts of plain text) fails its condition: the line is kept.

Signals are computed only for lines in the rule's reach: those where ``pattern`` matches, or
the lines of its ``head``/``tail`` scope, so a rule should have one or the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypedDict

from cleaner.core.kinds.base import Candidate, Field, Matcher, Reach
from cleaner.core.rule import Rule
from cleaner.core.signals import HTML_ROLES, Document

# (field, signal, comparison): "min" and "max" bound a number, "is" compares a value.
_CONDITIONS: tuple[tuple[str, str, str], ...] = (
    ("sentence_end", "sentence_end", "is"),
    ("reported_speech", "reported_speech", "is"),
    ("min_words", "words", "min"),
    ("max_words", "words", "max"),
    ("min_length", "length", "min"),
    ("max_length", "length", "max"),
    ("min_digits", "digits", "min"),
    ("max_digits", "digits", "max"),
    ("min_capitals", "capitals", "min"),
    ("max_capitals", "capitals", "max"),
    ("html", "html", "is"),
    ("html_role", "html_role", "is"),
    ("min_link_share", "link_share", "min"),
    ("max_link_share", "link_share", "max"),
    ("repeated", "repeated", "is"),
    ("min_stopwords", "stopwords", "min"),  # last: finding the language costs the most
    ("max_stopwords", "stopwords", "max"),
)


_PAGE_FIELDS = ("html_role", "min_link_share", "max_link_share")


class _Bounds(TypedDict):
    low: float
    high: float


_SHARE: _Bounds = {"low": 0, "high": 1}
_COUNT: _Bounds = {"low": 0, "high": 100_000}


class SignalsMatcher(Matcher):
    """Remove each line in reach whose signals meet every condition.

    >>> rule = Rule("p", "x", "signals", scope="tail", scope_lines=3, max_words=6, sentence_end=False)
    >>> text = "The council met on Tuesday and voted to keep it.\\nMore news\\nWeather"
    >>> for cand in SignalsMatcher(rule).find(text, 0, len(text)):
    ...     print(text[cand.start : cand.end], cand.captures)
    More news {'sentence_end': 'false', 'words': '2'}
    Weather {'sentence_end': 'false', 'words': '1'}
    """

    kind = "signals"
    guarded_by_default = True
    summary = "whole lines chosen by what they are: length, stopwords, punctuation, repetition, HTML role"
    fields = (
        Field("pattern", "pattern", required=False, help="an RE2 pattern the line must also match"),
        Field("sentence_end", "boolean", required=False, help="whether the line ends a sentence"),
        Field("reported_speech", "boolean", required=False, help="whether the line says who said it"),
        Field("min_words", "integer", required=False, **_COUNT),
        Field("max_words", "integer", required=False, **_COUNT),
        Field("min_length", "integer", required=False, help="characters, spaces at the ends aside", **_COUNT),
        Field("max_length", "integer", required=False, **_COUNT),
        Field("min_digits", "number", required=False, help="share of non-space characters", **_SHARE),
        Field("max_digits", "number", required=False, **_SHARE),
        Field("min_capitals", "number", required=False, help="share of letters", **_SHARE),
        Field("max_capitals", "number", required=False, **_SHARE),
        Field("min_stopwords", "number", required=False, help="share of words", **_SHARE),
        Field("max_stopwords", "number", required=False, **_SHARE),
        Field("repeated", "boolean", required=False, help="the same line occurs earlier in the text"),
        Field("html", "boolean", required=False, help="whether the text was extracted from an HTML page"),
        Field("html_role", "choice", required=False, choices=HTML_ROLES),
        Field("min_link_share", "number", required=False, **_SHARE),
        Field("max_link_share", "number", required=False, **_SHARE),
        Field("min_run", "integer", required=False, low=1, high=1000),
        Field("max_run", "integer", required=False, low=1, high=1000),
        Field("keep_between_prose", "boolean", required=False),
        Field("before_first_prose", "boolean", required=False, help="whether no prose comes before the run"),
        Field("after_last_prose", "boolean", required=False, help="whether no prose comes after the run"),
    )

    def __init__(self, rule: Rule, *, checked: bool = False) -> None:
        super().__init__(rule, checked=checked)
        self._tests = [(field, signal, how, rule.option(field)) for field, signal, how in _CONDITIONS]
        self._tests = [test for test in self._tests if test[3] is not None]
        self._min_run: int = rule.option("min_run", 1)
        self._max_run: int | None = rule.option("max_run")
        self._between_prose: bool = rule.option("keep_between_prose", False)
        self._before_prose: bool | None = rule.option("before_first_prose")
        self._after_prose: bool | None = rule.option("after_last_prose")
        self._runs = self._min_run > 1 or self._max_run is not None or self._between_prose
        self._runs = self._runs or self._before_prose is not None or self._after_prose is not None
        self.depends_on_neighbours = self._runs or rule.option("repeated") is not None
        # Conditions only a page's facts meet: plain text is not looked at line by line.
        self.reads_page_facts = any(rule.option(name) is not None for name in _PAGE_FIELDS)
        self._pages_only = rule.option("html") is True or self.reads_page_facts
        if self.depends_on_neighbours:
            self.line_local = False  # whether a line goes depends on other lines: look at them all
        self.context_lines = self._lines_looked_at(rule)

    def _lines_looked_at(self, rule: Rule) -> int | None:
        """How many lines beyond a head or tail scope the rule's runs look at (their count is
        bounded unless ``keep_between_prose`` asks for the lines around a run), or None when
        its decisions depend on lines anywhere: repetition, prose on the far side of the scope."""
        far_side = self._before_prose if rule.scope == "tail" else self._after_prose
        if rule.scope == "anywhere" or rule.option("repeated") is not None or far_side is not None:
            return None
        if self._between_prose:
            return None
        # _extend counts up to max(min_run, max_run) + 1 lines, then looks at the line past them.
        return max(self._min_run, self._max_run or 0) + 2

    def candidates(self, reach: Reach) -> Iterator[Candidate]:
        known = reach.document
        doc = known if known is not None and known.data is reach.data else Document(reach.data)
        if self._pages_only and doc.html_lines is None:
            return iter(())
        lo, hi = self._beside_prose(doc) if self._runs else (0, len(doc.data))
        found = [
            cand for start, end in reach.windows() for cand in self._lines(doc, max(start, lo), min(end, hi))
        ]
        if self._runs:
            found = self._in_context(doc, found)
        return iter(found)

    def _beside_prose(self, doc: Document) -> tuple[int, int]:
        """Where a run that ``after_last_prose`` or ``before_first_prose`` keeps can lie: past
        the last prose line, or before the first, unless that line meets the conditions itself
        (and so may belong to a run). Most texts end (and start) with prose, so the lines of a
        ``tail`` (``head``) scope are not looked at one by one."""
        lo, hi = 0, len(doc.data)
        if self._after_prose:
            last = doc.last_prose()
            if last >= 0:
                start, end = doc.line_at(last)
                if self._qualifies(doc, start, end) is None:
                    lo = end + 1
        if self._before_prose:
            first = doc.first_prose()
            if first < len(doc.data) and self._qualifies(doc, *doc.line_at(first)) is None:
                hi = first - 1
        return lo, hi

    def _lines(self, doc: Document, pos: int, stop: int) -> Iterator[Candidate]:
        """The qualifying lines that start or end within ``[pos, stop]``; with a pattern, only
        those where it matches are looked at (one search skips the others)."""
        searcher = self.searcher("pattern") if "pattern" in self._sources else None
        while pos <= stop and pos < len(doc.data):
            if searcher is not None:
                spans = searcher.search(doc.data, pos, stop)
                if spans is None:
                    return
                pos = spans[0][0]
            start, end = doc.line_at(pos)
            captures = self._qualifies(doc, start, end)
            if captures is not None:
                yield Candidate(start, end, captures)
            pos = end + 1 if end >= pos else pos + 1
            if doc.data[end : end + 1] == b"\r":
                pos += 1

    def _qualifies(self, doc: Document, start: int, end: int) -> dict[str, str] | None:
        """The captures of the line ``[start, end)`` if it meets the pattern and every condition."""
        captures: dict[str, str] | None = {}
        if "pattern" in self._sources:
            searcher = self.searcher("pattern")
            # Up to the line break, past a CR before it: "$" holds only before a line break.
            stop = end + 1 if doc.data[end : end + 1] == b"\r" else end
            spans = searcher.search(doc.data, start, stop)
            captures = None if spans is None else searcher.captures(doc.data, spans)
        if captures is None or end <= start or not doc.data[start:end].strip():
            return None
        measured = self._measure(doc, start, end)
        return None if measured is None else captures | measured

    def _measure(self, doc: Document, start: int, end: int) -> dict[str, str] | None:
        """The tested signals' values, or None when a condition fails."""
        values: dict[str, str] = {}
        for _field, signal, how, bound in self._tests:
            value = doc.signal(signal, start, end)
            if value is None or (how == "min" and value < bound) or (how == "max" and value > bound):
                return None
            if how == "is" and value != bound:
                return None
            values[signal] = _shown(value)
        return values

    def _in_context(self, doc: Document, found: list[Candidate]) -> list[Candidate]:
        """The candidates whose whole run is long enough and not enclosed by prose.

        A run is counted whole, beyond the rule's reach (its scope): ten list lines that close
        a text are one run of ten, even when only the last six are within a ``tail`` scope.
        """
        kept: list[Candidate] = []
        for run in _runs(doc, found):
            before = self._extend(doc, run[0].start, run[0].end, -1)
            after = self._extend(doc, run[-1].start, run[-1].end, 1)
            length = len(run) + before[0] + after[0]
            if length < self._min_run or (self._max_run is not None and length > self._max_run):
                continue
            if self._between_prose and _enclosed_by_prose(doc, before[1], after[1]):
                continue
            if self._before_prose is not None and (doc.first_prose() >= run[0].start) != self._before_prose:
                continue
            if self._after_prose is not None and (doc.last_prose() <= run[-1].start) != self._after_prose:
                continue
            kept.extend(run)
        return kept

    def _extend(self, doc: Document, start: int, end: int, step: int) -> tuple[int, tuple[int, int] | None]:
        """How many lines next to ``[start, end)`` in direction ``step`` also qualify (counting
        stops once the run is longer than ``max_run`` and no prose check needs its end), and
        the nearest line past them, or None at the text's edge."""
        count, limit = 0, None if self._between_prose else max(self._min_run, self._max_run or 0)
        line = doc.neighbour(start, end, step)
        while line is not None and (limit is None or count <= limit):
            if self._qualifies(doc, *line) is None:
                break
            count += 1
            line = doc.neighbour(*line, step)
        return count, line


def _runs(doc: Document, found: list[Candidate]) -> Iterator[list[Candidate]]:
    """Candidates grouped into runs of consecutive non-blank lines."""
    run: list[Candidate] = []
    for cand in found:
        if run and doc.neighbour(run[-1].start, run[-1].end, 1) != doc.line_at(cand.start):
            yield run
            run = []
        run.append(cand)
    if run:
        yield run


def _enclosed_by_prose(doc: Document, before: tuple[int, int] | None, after: tuple[int, int] | None) -> bool:
    return before is not None and after is not None and doc.prose(*before) and doc.prose(*after)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
