"""One pass over a document to find where each rule can match; the exact rules then run there.

A chain's rules fall into two groups (see :mod:`cleaner.literals`):

- **Line rules by literal**: the trigger never matches across a line break and every match
  contains one of a few literal strings. One RE2 search for all those literals at once finds
  the candidate lines; an RE2 set run on each candidate line tells which of these rules match
  in it; each such rule then runs only on its lines. Any literal occurrence lies inside some
  match of the literal search, and a line-local match lies inside its line, so no match is
  missed, and a rule run on whole lines with the document around them as context finds
  exactly what it finds on the whole document.
- **Head and tail rules** run on their few lines directly.
- **Other rules**: an RE2 set over the whole document says which of them occur; those run
  over the whole document.

Everything works on UTF-8 bytes and byte offsets; callers convert offsets once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import re2

from cleaner.matchers import Candidate, Matcher, Searcher

# Generous memory for the combined programs, so that RE2's fast DFA is used, never its fallback.
_MAX_MEM = 256 << 20


def _options(**settings: bool) -> re2.Options:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _MAX_MEM
    for name, value in settings.items():
        setattr(options, name, value)
    return options


def _set(patterns: Sequence[str]) -> re2.Set | None:
    if not patterns:
        return None
    rule_set = re2.Set.SearchSet(_options())
    for pattern in patterns:
        rule_set.Add(pattern)
    rule_set.Compile()
    return rule_set


class Scanner:
    """The compiled prefilter of a chain's matchers.

    >>> from cleaner.matchers import compile_rule
    >>> from cleaner.ruleset import Rule
    >>> scanner = Scanner([compile_rule(Rule(pack="p", id="x", kind="line", pattern="^Read more$"))])
    >>> [(c.start, c.end, i) for c, i in scanner.candidates(b"Story.\\nRead more\\n", lambda i: (0, 17))]
    [(7, 16, 0)]
    """

    def __init__(self, matchers: Sequence[Matcher]) -> None:
        self.matchers = list(matchers)
        self.scoped = [i for i, m in enumerate(self.matchers) if m.rule.scope != "anywhere"]
        self.by_line = [
            i
            for i, m in enumerate(self.matchers)
            if m.rule.scope == "anywhere" and m.analysis.line_local and m.analysis.literals
        ]
        self.by_line_blocks = [i for i in self.by_line if self.matchers[i].rule.kind == "block"]
        placed = set(self.scoped) | set(self.by_line)
        self.whole = [i for i in range(len(self.matchers)) if i not in placed]
        literals = sorted({lit for i in self.by_line for lit in self.matchers[i].analysis.literals})
        self._locator = None
        if literals:
            alternatives = [
                f"(?i:{re2.escape(text)})" if folded else re2.escape(text) for text, folded in literals
            ]
            self._locator = Searcher(re2.compile("|".join(alternatives), _options(never_capture=True)))
        self._line_set = _set([self.matchers[i].trigger for i in self.by_line])
        self._whole_set = _set([self.matchers[i].trigger for i in self.whole])

    def candidate_lines(
        self, data: bytes, within: Sequence[tuple[int, int]] | None = None
    ) -> dict[int, list[tuple[int, int]]]:
        """For each line-by-literal rule that may match, its candidate lines ``(start, end)``.

        ``within``: sorted ranges of whole lines to look in, instead of the whole document.
        """
        lines: dict[int, list[tuple[int, int]]] = {}
        if self._locator is None or self._line_set is None:
            return lines
        size = len(data)
        by_line, search, line_set = self.by_line, self._locator.search, self._line_set
        for pos, stop in within if within is not None else [(0, size)]:
            # Searching again after each candidate line, rather than for every literal, is the
            # same: the literals are never empty, and the lines after it are searched in full.
            while pos < stop:
                found = search(data, pos, stop)
                if found is None:
                    break
                start = found[0][0]
                line_start = data.rfind(b"\n", 0, start) + 1
                line_end = data.find(b"\n", start)
                if line_end < 0:
                    line_end = size
                pos = line_end + 1
                for hit in line_set.Match(data[line_start:line_end]) or ():
                    lines.setdefault(by_line[hit], []).append((line_start, line_end))
        return lines

    def candidates(
        self,
        data: bytes,
        region: Callable[[int], tuple[int, int] | None],
        touched: Sequence[tuple[int, int]] | None = None,
    ) -> list[tuple[Candidate, int]]:
        """Every rule's candidates in ``data`` (byte offsets), with the rule's index.

        ``region(i)`` gives the byte range rule ``i`` may match in (its scope), or None.
        ``touched``: ranges of whole lines outside which no line-by-literal rule can match
        (a later pass of the fixpoint). Block rules still run over the whole document then:
        a block may start on an untouched line and end past a cut.
        """
        lines = self.candidate_lines(data, touched)
        everywhere = set(self.by_line_blocks) if touched is not None else set()
        hits = set(lines) | set(self.scoped) | everywhere
        if self._whole_set is not None:
            hits.update(self.whole[hit] for hit in self._whole_set.Match(data) or ())
        found = []
        for index in sorted(hits):
            bounds = region(index)
            if bounds is None:
                continue
            lo, hi = bounds
            on_lines = None if index in everywhere else lines.get(index)
            for cand in self.matchers[index].find_bytes(data, lo, hi, on_lines):
                found.append((cand, index))
        return found
