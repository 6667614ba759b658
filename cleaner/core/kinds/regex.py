"""``regex`` rules: remove exactly what an RE2 pattern matches (its trailing whitespace is left
to the tidying step, which keeps paragraph breaks and a document's own final newline)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from cleaner.core.kinds.base import Candidate, Field, Matcher, Reach
from cleaner.core.patterns import finditer, trim_end


class RegexMatcher(Matcher):
    """Remove each match of ``pattern``.

    >>> from cleaner.core.rule import Rule
    >>> matcher = RegexMatcher(Rule("p", "x", "regex", r"\\(\\s*AP\\s*\\)"))
    >>> [(c.start, c.end) for c in matcher.find("A pier ( AP )", 0, 13)]
    [(7, 13)]
    """

    kind = "regex"
    fields: ClassVar[tuple[Field, ...]] = (
        Field("pattern", "pattern", help="the RE2 pattern; exactly its match is removed"),
    )
    summary = "exactly what an RE2 pattern matches"

    def candidates(self, reach: Reach) -> Iterator[Candidate]:
        searcher, data = self.searcher("pattern"), reach.data
        for start, end in reach.windows():
            for spans in finditer(searcher, data, start, end):
                match_end = trim_end(data, spans[0][0], spans[0][1])
                if match_end > spans[0][0]:
                    yield Candidate(spans[0][0], match_end, searcher.captures(data, spans))
