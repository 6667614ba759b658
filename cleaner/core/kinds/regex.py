"""``regex`` rules: remove exactly what an RE2 pattern matches (its trailing whitespace is left
to the tidying step, which keeps paragraph breaks and a document's own final newline)."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.core.kinds.base import Candidate, Field, Matcher, Regions, windows
from cleaner.core.patterns import finditer, trim_end
from cleaner.core.signals import Document


class RegexMatcher(Matcher):
    """Remove each match of ``pattern``.

    >>> from cleaner.core.rule import Rule
    >>> matcher = RegexMatcher(Rule("p", "x", "regex", r"\\(\\s*AP\\s*\\)"))
    >>> [(c.start, c.end) for c in matcher.find("A pier ( AP )", 0, 13)]
    [(7, 13)]
    """

    kind = "regex"
    fields = (Field("pattern", "pattern", help="the RE2 pattern; exactly its match is removed"),)
    summary = "exactly what an RE2 pattern matches"

    def find_bytes(
        self,
        data: bytes,
        lo: int,
        hi: int,
        lines: Regions | None = None,
        unclosed: list[int] | None = None,
        document: Document | None = None,
    ) -> Iterator[Candidate]:
        searcher = self.searcher("pattern")
        for start, end in windows(lo, hi, lines):
            for spans in finditer(searcher, data, start, end):
                match_end = trim_end(data, spans[0][0], spans[0][1])
                if match_end > spans[0][0]:
                    yield Candidate(spans[0][0], match_end, searcher.captures(data, spans))
