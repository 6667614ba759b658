"""``line`` rules: remove the whole line (not its line break) when a pattern matches in it."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.core.kinds.base import Candidate, Field, Matcher, Reach
from cleaner.core.patterns import Searcher, finditer


class LineMatcher(Matcher):
    """Remove each line in which ``pattern`` matches.

    >>> from cleaner.core.rule import Rule
    >>> matcher = LineMatcher(Rule("p", "x", "line", "^Most read"))
    >>> [(c.start, c.end) for c in matcher.find("Story.\\nMost read today\\r\\nMore.", 0, 31)]
    [(7, 22)]
    """

    kind = "line"
    fields = (Field("pattern", "pattern", help="an RE2 pattern; a line where it matches is removed"),)
    summary = "whole lines in which an RE2 pattern matches"

    def candidates(self, reach: Reach) -> Iterator[Candidate]:
        searcher = self.searcher("pattern")
        for start, end in reach.windows():
            yield from _matching_lines(searcher, reach.data, start, end)


def _matching_lines(searcher: Searcher, data: bytes, pos: int, stop: int) -> Iterator[Candidate]:
    """Each line in which a match of ``searcher`` in ``[pos, stop]`` starts, once.

    Matches are found as ``finditer`` finds them; the line of a match is looked up only when
    the match starts past the line found last, so a long line with many matches is read once.
    """
    line_start, line_end = -1, -1
    for spans in finditer(searcher, data, pos, stop):
        match_start = spans[0][0]
        if line_start <= match_start <= line_end:
            continue  # this line was taken (or found empty) already
        line_start = data.rfind(b"\n", max(line_end, 0), match_start) + 1 if line_end >= 0 else 0
        if line_start == 0:
            line_start = data.rfind(b"\n", 0, match_start) + 1
        line_end = data.find(b"\n", match_start)
        if line_end < 0:
            line_end = len(data)
        content_end = line_end - 1 if line_end > line_start and data[line_end - 1] == 0x0D else line_end
        if content_end > line_start:
            yield Candidate(line_start, content_end, searcher.captures(data, spans))
