"""``block`` rules: from a ``start`` match to the first ``end`` match within ``max_chars``
characters, removed whole, across lines (an appeal spread over several paragraphs).

With ``contiguous: true`` the end must begin right where the start ends: the end then says
what follows a heading (a list of links after "Related stories"), and a later text that
matches it is never reached across the lines between."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.core.kinds.base import Candidate, Field, Matcher, Reach
from cleaner.core.patterns import Searcher, Spans, advance_chars, compile_pattern, next_char, trim_end
from cleaner.core.rule import Rule

# A block holds a start match and an end match, each at least one character long (patterns
# that match the empty string are refused), so a shorter bound could never remove anything.
MIN_BLOCK_CHARS = 2
MAX_BLOCK_CHARS = 100_000


class BlockMatcher(Matcher):
    """Remove each block from a ``start`` match to the first ``end`` match in reach.

    >>> rule = Rule("p", "x", "block", start="Support us", end="Thank you[.]", max_chars=40)
    >>> text = "A.\\nSupport us\\nDonate.\\nThank you.\\nB."
    >>> [(c.start, c.end) for c in BlockMatcher(rule).find(text, 0, len(text))]
    [(3, 32)]
    """

    kind = "block"
    fields = (
        Field("start", "pattern", help="an RE2 pattern where the block begins"),
        Field("end", "pattern", help="an RE2 pattern where it ends"),
        Field(
            "max_chars",
            "integer",
            low=MIN_BLOCK_CHARS,
            high=MAX_BLOCK_CHARS,
            help="a block longer than this many characters is not removed",
        ),
        Field(
            "contiguous",
            "boolean",
            required=False,
            default=False,
            help="the end must begin where the start ends (what follows a heading)",
        ),
    )
    summary = "from a start pattern to the first end pattern within max_chars characters"

    def __init__(self, rule: Rule, *, checked: bool = False) -> None:
        super().__init__(rule, checked=checked)
        self.max_chars: int = rule.option("max_chars")
        self.reach_back = self.max_chars
        self.contiguous: bool = rule.option("contiguous", False)

    @classmethod
    def miss_hint(cls, rule: Rule, text: str) -> str:
        """Why a block rule missed: no start, no end after it, or an end farther than ``max_chars``.

        >>> rule = Rule("p", "x", "block", start="Support", end="Thanks", max_chars=10)
        >>> BlockMatcher.miss_hint(rule, "Support our newsroom today. Thanks")
        '; the block here is 34 characters, longer than max_chars 10'
        """
        opening = compile_pattern(rule.option("start"), ignore_case=rule.ignore_case).search(text)
        if opening is None:
            return "; its start does not match here"
        end = compile_pattern(rule.option("end"), ignore_case=rule.ignore_case)
        contiguous = rule.option("contiguous", False)
        closing = end.match(text, opening.end()) if contiguous else end.search(text, opening.end())
        if closing is None:
            return "; its start matches here, its end does not" + (" right after it" if contiguous else "")
        length = closing.end() - opening.start()
        max_chars = rule.option("max_chars")
        if length > max_chars:
            return f"; the block here is {length} characters, longer than max_chars {max_chars}"
        return ""

    def _end(self, closing: Searcher, data: bytes, open_end: int, limit: int) -> Spans | None:
        """The end's match: the first that ends by ``limit``, or, contiguous, the one at
        ``open_end``, matched as far as the text goes and refused if it ends past ``limit``
        (matched only up to the limit, ``$`` or ``[^\\n]*`` would stop there, in mid-line)."""
        if not self.contiguous:
            return closing.search(data, open_end, limit)
        closed = closing.search(data, open_end, len(data), at_pos=True)
        return closed if closed is not None and closed[0][1] <= limit else None

    def candidates(self, reach: Reach) -> Iterator[Candidate]:
        """See :class:`Matcher`; ``unclosed`` collects where a start matched that ends no block
        (no end within ``max_chars``): a cut after it may later bring one in reach."""
        opening, closing = self.searcher("start"), self.searcher("end")
        data, hi, unclosed = reach.data, reach.hi, reach.unclosed
        pos = reach.lo
        for start, end in reach.windows():
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
                limit = advance_chars(data, open_start, self.max_chars)
                closed = self._end(closing, data, open_end, limit)
                if closed is None:
                    if unclosed is not None:
                        unclosed.append(open_start)
                    pos = next_char(data, open_start)
                    continue
                close_end = closed[0][1]
                if close_end > open_start:  # patterns that can match empty (\b) make empty blocks
                    captures = opening.captures(data, found) | closing.captures(data, closed)
                    yield Candidate(open_start, trim_end(data, open_start, close_end), captures)
                elif unclosed is not None:
                    unclosed.append(open_start)
                # Always move on, or an empty block would be found here forever.
                pos = max(close_end, next_char(data, open_start))
