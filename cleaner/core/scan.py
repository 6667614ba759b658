"""One pass over a document to find where each rule can match; the exact rules then run there.

A chain's rules fall into three groups (see :mod:`cleaner.core.prefilter`):

- **Line-local rules** (no match contains a line break). The document is cut into blocks of
  whole lines, a few KiB each, and one RE2 set of the rules' relaxed patterns runs over each
  block; a rule whose entry matches runs its exact pattern on that block, with the whole
  document around it as context. Every match lies inside one block, where its relaxed entry
  matches too, so no match is missed, and an exact pattern run on a block finds there exactly
  what it finds on the whole document. Text without boilerplate costs one pass of the set.
- **Head and tail rules** run on their few lines directly.
- **Other rules**: an RE2 set over the whole document says which of them occur; those run
  over the whole document.

Everything works on UTF-8 bytes and byte offsets; callers convert offsets once.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence

from cleaner.core.casing import FOLDS_TO_ASCII, lower_in_place, lower_text
from cleaner.core.gate import OpeningGate
from cleaner.core.kinds import Candidate, Matcher
from cleaner.core.openings import line_opening
from cleaner.core.prefilter import set_entry
from cleaner.core.sets import entry_set
from cleaner.core.signals import Document

# Bytes per block: each set search costs a few microseconds besides its bytes, and a block
# where a rule's entry matches is searched again by that rule, so blocks are neither tiny nor large.
BLOCK = 4 << 10
# What makes an entry match only at the very start (end) of the text it reads: \A (\z), or
# "^" and "$" once a flag group turns multi-line mode off.
_SINGLE_LINE = r"\(\?[a-zA-Z]*-[a-zA-Z]*m"
_AT_START = re.compile(r"\\A|" + _SINGLE_LINE)
_AT_END = re.compile(r"\\z|" + _SINGLE_LINE)


def _anchored(patterns: dict[int, str]) -> tuple[set[int], set[int]]:
    """Which of these patterns match only at the start, and which only at the end, of the text
    they read.

    >>> _anchored({0: "(?m)^Read more$", 1: "\\\\AREAD", 2: "(?-m)^x$"})
    ({1, 2}, {2})
    """
    at_start = {i for i, pattern in patterns.items() if _AT_START.search(pattern)}
    at_end = {i for i, pattern in patterns.items() if _AT_END.search(pattern)}
    return at_start, at_end


def _split_any_text(matchers: Sequence[Matcher], indices: Sequence[int]) -> tuple[list[int], list[int]]:
    """These rules split into those without a pattern, which may match in any text that is not
    empty, and the others: a set holding an entry that matches at every byte reads text about
    half as fast, so the first never go in a set."""
    anywhere = [i for i in indices if matchers[i].matches_any_text]
    return anywhere, [i for i in indices if not matchers[i].matches_any_text]


class _EntrySets:
    """The prefilter entries of some of a chain's rules (see :func:`set_entry`): those of
    ignore-case rules in a set that reads text lowered (:func:`cleaner.core.casing.lower_text`),
    the others in a set that reads it as it is. ``gated``: the entries a table of line openings
    can answer for (:class:`cleaner.core.gate.OpeningGate`) are left to it, out of the sets."""

    def __init__(self, matchers: Sequence[Matcher], indices: Sequence[int], *, gated: bool = False) -> None:
        self.anywhere, indices = _split_any_text(matchers, indices)
        entries = {i: set_entry(matchers[i].trigger) for i in indices}
        self._gate: OpeningGate | None = None
        if gated:
            found = {i: opening for i in indices if (opening := line_opening(matchers[i].trigger))}
            gate = OpeningGate({i: (opening, *entries[i]) for i, opening in found.items()})
            if gate.rules:
                self._gate = gate
                # A rule the gate took stays in a set only for its alternatives without an opening.
                left = {i: rest for i in gate.rules if (rest := found[i].rest) is not None}
                entries.update({i: (rest, entries[i][1]) for i, rest in left.items()})
                indices = [i for i in indices if i not in gate.rules or i in left]
        self.lowered = [i for i in indices if entries[i][1]]
        self.plain = [i for i in indices if not entries[i][1]]
        lowered = [entries[i][0] for i in self.lowered]
        self._lowered_set = entry_set([*lowered, f"[{FOLDS_TO_ASCII}]"] if lowered else [], relaxed=True)
        self._plain_set = entry_set([entries[i][0] for i in self.plain], relaxed=True)
        # Entries anchored at the start (end) of what they read match in a piece only when it is
        # read on its own, or as the start (end) of a longer text.
        self.at_start, self.at_end = _anchored({i: entry for i, (entry, _) in entries.items()})
        # Pieces of whole lines can be read as one, joined by line breaks, when none is anchored.
        self.joinable = not (self.at_start or self.at_end)

    def hits(self, piece: bytes, lowered: bytes | None = None) -> list[int]:
        """The rules whose entries match in ``piece`` (``lowered``: the piece lowered, if the
        caller has it already)."""
        hits: list[int] = list(self.anywhere) if piece else []
        if self._lowered_set is not None:
            lowered = lower_text(piece) if lowered is None else lowered
            found = self._lowered_set.Match(lowered) or ()
            # The last entry: a character that folds to an ASCII letter, where any rule may match.
            hits += self.lowered if len(self.lowered) in found else [self.lowered[k] for k in found]
        if self._plain_set is not None:
            hits += [self.plain[k] for k in self._plain_set.Match(piece) or ()]
        if self._gate is not None:
            hits += [hit for hit in self._gate.hits(piece, lowered) if hit not in hits]
        return hits


class _OneSet:
    """The same entries in one set that reads the text as it is, an ignore-case entry keeping
    its flag: each block is read once, with no lowered copy, for a set that takes about
    30 ms longer to compile than the two (see :data:`ONE_SET_FROM`)."""

    def __init__(self, matchers: Sequence[Matcher], indices: Sequence[int]) -> None:
        self.anywhere, self.indices = _split_any_text(matchers, indices)
        triggers = {i: matchers[i].trigger for i in self.indices}
        self._set = entry_set(list(triggers.values()))
        self.joinable = not any(_anchored(triggers))  # as for the two sets

    def hits(self, piece: bytes, lowered: bytes | None = None) -> list[int]:
        """The rules whose entries match in ``piece`` (``lowered`` is not needed)."""
        hits: list[int] = list(self.anywhere) if piece else []
        if self._set is not None:
            hits += [self.indices[k] for k in self._set.Match(piece) or ()]
        return hits


#: A text of this many bytes or more is searched with :class:`_OneSet`: on 100 MB of news text
#: the two sets of :class:`_EntrySets` read it in about 0.17 s more than the one set, which takes
#: about 30 ms longer to compile, once a process. Start-up, for the short texts most runs clean,
#: stays with the quicker compile.
ONE_SET_FROM = 16 << 20
#: Until a process has searched this many bytes of shorter texts, their blocks are searched with
#: sets that leave to a table of line openings what it can answer for (see
#: :class:`cleaner.core.gate.OpeningGate`): the sets compile and warm up in half the time, and
#: the table reads a few KB as quickly as they do, but a few MB more slowly.
GATED_UNTIL = 2 << 20


class Scanner:
    """The compiled prefilter of a chain's matchers.

    >>> from cleaner.core.kinds import compile_rule
    >>> from cleaner.core.rule import Rule
    >>> scanner = Scanner([compile_rule(Rule(pack="p", id="x", kind="line", pattern="^Read more$"))])
    >>> [(c.start, c.end, i) for c, i in scanner.candidates(b"Story.\\nRead more\\n", lambda i: (0, 17))]
    [(7, 16, 0)]
    """

    def __init__(self, matchers: Sequence[Matcher]) -> None:
        self.matchers = list(matchers)
        self.scoped = [i for i, m in enumerate(self.matchers) if m.rule.scope != "anywhere"]
        self.by_block = [
            i for i, m in enumerate(self.matchers) if m.rule.scope == "anywhere" and m.line_local
        ]
        self.by_block_blocks = [i for i in self.by_block if self.matchers[i].reach_back]
        self.in_context = [i for i, m in enumerate(self.matchers) if m.depends_on_neighbours]
        placed = set(self.scoped) | set(self.by_block)
        self.whole = [i for i in range(len(self.matchers)) if i not in placed]
        self._whole_set = entry_set([self.matchers[i].trigger for i in self.whole])
        # The sets for the blocks of the first short texts, of the short texts after them (see
        # GATED_UNTIL), or of a long text (see ONE_SET_FROM): each compiled when first needed.
        self._gated_sets: _EntrySets | None = None
        self._block_sets: _EntrySets | None = None
        self._one_set: _OneSet | None = None
        self._searched = 0
        # Head and tail rules too: a scope's few lines are searched for their entries, so a rule
        # whose entry does not match there is not compiled nor run.
        self._scoped_sets = _EntrySets(self.matchers, self.scoped)
        # Whether any set reads text lowered (an ignore-case rule's entry): else none is lowered.
        self._reads_lowered = any(
            set_entry(self.matchers[i].trigger)[1]
            for i in (*self.by_block, *self.scoped)
            if not self.matchers[i].matches_any_text
        )

    def matching_in(self, lines: Iterable[bytes], size: int) -> set[int]:
        """The line-local rules (block rules' starts included) that may match in one of these
        pieces of whole lines of a text of ``size`` bytes; a rule left out certainly does not.

        >>> from cleaner.core.kinds import compile_rule
        >>> from cleaner.core.rule import Rule
        >>> scanner = Scanner([compile_rule(Rule(pack="p", id="x", kind="line", pattern="^Read more$"))])
        >>> scanner.matching_in([b"Story.", b"Read more"], 16), scanner.matching_in([b"Story. Read more"], 16)
        ({0}, set())
        """
        sets = self._sets_for(size)
        pieces = [b"\n".join(lines)] if sets.joinable else lines  # one read, not one a piece
        return {hit for piece in pieces for hit in sets.hits(piece)}

    def _sets_for(self, size: int) -> _EntrySets | _OneSet:
        """The sets the blocks of a text of ``size`` bytes are searched with: two and a table of
        openings for the first short texts, two for later ones, or one for a long text."""
        if size < ONE_SET_FROM and self._searched < GATED_UNTIL:
            self._searched += size
            if self._gated_sets is None:
                self._gated_sets = _EntrySets(self.matchers, self.by_block, gated=True)
            return self._gated_sets
        if size < ONE_SET_FROM:
            if self._block_sets is None:
                self._block_sets = _EntrySets(self.matchers, self.by_block)
            return self._block_sets
        if self._one_set is None:
            self._one_set = _OneSet(self.matchers, self.by_block)
        return self._one_set

    def candidate_blocks(
        self,
        data: bytes,
        within: Sequence[tuple[int, int]] | None = None,
        lowered: bytes | None = None,
    ) -> dict[int, list[tuple[int, int]]]:
        """For each line-local rule that may match, the blocks ``(start, end)`` to run it on.

        ``within``: sorted ranges of whole lines to look in, instead of the whole document;
        ``lowered``: the document lowered in place (:func:`lower_in_place`), or None.
        """
        blocks: dict[int, list[tuple[int, int]]] = {}
        if not self.by_block:
            return blocks
        hits_in, find = self._sets_for(len(data)).hits, data.find
        for pos, stop in within if within is not None else [(0, len(data))]:
            while pos < stop:
                end = find(b"\n", pos + BLOCK, stop) if stop - pos > BLOCK else -1
                if end < 0:
                    end = stop
                for hit in hits_in(data[pos:end], None if lowered is None else lowered[pos:end]):
                    rule_blocks = blocks.setdefault(hit, [])
                    if rule_blocks and rule_blocks[-1][1] + 1 == pos:  # the block before: one window
                        rule_blocks[-1] = (rule_blocks[-1][0], end)
                    else:
                        rule_blocks.append((pos, end))
                pos = end + 1
        return blocks

    def candidates(
        self,
        data: bytes,
        region: Callable[[int], tuple[int, int] | None],
        touched: Sequence[tuple[int, int]] | None = None,
        unclosed: list[int] | None = None,
        document: Document | None = None,
        only: set[int] | None = None,
        reopen: Sequence[int] = (),
    ) -> list[tuple[Candidate, int]]:
        """Every rule's candidates in ``data`` (byte offsets), with the rule's index.

        ``region(i)`` gives the byte range rule ``i`` may match in (its scope), or None.
        ``touched``: ranges of whole lines outside which no line-local rule can match (a
        later pass of the fixpoint). A block rule's start may lie before them, up to its
        ``max_chars``: its end can be brought in reach by a cut. ``unclosed`` collects where
        a line-local block rule's start matched without an end (see ``BlockMatcher``).
        ``only``: the rules to run (those that may find more in a later pass), or None for all.
        ``reopen``: in a later pass, where a block rule's start found no end in an earlier one
        (sorted): a cut up to ``max_chars`` after it may have brought its end in reach, so block
        rules search those lines again, besides the touched ones.
        """
        by_block = only is None or not only.isdisjoint(self.by_block)
        # A first pass reads all of a text that is not long, most of it lowered: lowered once.
        first_pass = touched is None and len(data) < ONE_SET_FROM
        lowered = lower_in_place(data) if first_pass and self._reads_lowered else None
        blocks = self.candidate_blocks(data, touched, lowered) if by_block else {}
        if touched is not None:
            for index in self.by_block_blocks:
                if only is None or index in only:
                    near = reopened(data, touched, reopen, self.matchers[index].reach_back)
                    blocks[index] = _merged([*blocks.get(index, ()), *near])
        hits = set(blocks) | self._scoped_hits(data, region, lowered)
        if self._whole_set is not None:
            hits.update(self.whole[hit] for hit in self._whole_set.Match(data) or ())
        if only is not None:
            hits &= only
        found: list[tuple[Candidate, int]] = []
        for index in sorted(hits):
            bounds = region(index)
            if bounds is None:
                continue
            lo, hi = bounds
            matcher, windows = self.matchers[index], blocks.get(index)
            collect = unclosed if index in self.by_block_blocks else None
            candidates = matcher.find_bytes(data, lo, hi, windows, collect, document)
            found.extend((cand, index) for cand in candidates)
        return found

    def _scoped_hits(
        self, data: bytes, region: Callable[[int], tuple[int, int] | None], lowered: bytes | None
    ) -> set[int]:
        """The head and tail rules whose entries match within their scope."""
        scopes = {index: bounds for index in self.scoped if (bounds := region(index)) is not None}
        return self.scoped_entry_matches(data, scopes, lowered)

    def scoped_entry_matches(
        self, data: bytes, scopes: dict[int, tuple[int, int]], lowered: bytes | None = None
    ) -> set[int]:
        """Which of these head and tail rules (index: scope) have an entry that matches within
        their scope (from its start to the end of the text for a rule whose matches may cross
        lines); ``lowered``: ``data`` lowered in place (:func:`lower_in_place`), or None.

        Head scopes all start the text and tail scopes all end it, so the set first reads the
        widest of each side once; only a rule whose entry matches there (or is anchored where
        its scope and the widest differ: a head entry at the end, a tail entry at the start) has
        its own, narrower scope read, and each such scope once.
        """
        searched: dict[tuple[int, int], set[int]] = {}

        def hits_in(lo: int, hi: int) -> set[int]:
            if (lo, hi) not in searched:
                piece = None if lowered is None else lowered[lo:hi]
                searched[lo, hi] = set(self._scoped_sets.hits(data[lo:hi], piece))
            return searched[lo, hi]

        found: set[int] = set()
        for side in ("head", "tail"):  # head scopes share their start, tail scopes their end
            on_side = {
                index: bounds if self.matchers[index].line_local else (bounds[0], len(data))
                for index, bounds in scopes.items()
                if self.matchers[index].rule.scope == side
            }
            if not on_side:
                continue
            widest = (min(lo for lo, _ in on_side.values()), max(hi for _, hi in on_side.values()))
            sets = self._scoped_sets
            may = hits_in(*widest) | (sets.at_end if side == "head" else sets.at_start)
            found.update(
                i
                for i, (lo, hi) in on_side.items()
                if i in may and (hi > lo if i in sets.anywhere else i in hits_in(lo, hi))
            )
        return found

    def block_reach(self) -> int:
        """The most characters a line-local block rule's start may lie before its end."""
        return max((self.matchers[i].reach_back for i in self.by_block_blocks), default=0)


def reopened(
    data: bytes, touched: Sequence[tuple[int, int]], starts: Sequence[int], chars: int
) -> list[tuple[int, int]]:
    """The lines of ``starts`` (sorted) that lie within a touched range or up to ``chars``
    characters before one: where a block's start may now reach an end a cut brought closer.

    A UTF-8 character is at most four bytes, so ``4 * chars`` bytes back is far enough.

    >>> data = b"ab\\ncd\\nef\\ngh\\nij\\nkl"
    >>> reopened(data, [(12, 14)], [1, 4, 13], 3), reopened(data, [(12, 14)], [1], 2)
    ([(0, 5), (12, 14)], [])
    """
    firsts = [start for start, _ in touched]
    lines: list[tuple[int, int]] = []
    for pos in starts:
        # The first touched range that ends at or after pos: the nearest one a cut may reach.
        at = bisect.bisect_left(firsts, pos + 1) - 1
        if at < 0 or touched[at][1] < pos:
            at += 1
        if at >= len(touched) or touched[at][0] - 4 * chars > pos:
            continue
        line_end = data.find(b"\n", pos)
        lines.append((data.rfind(b"\n", 0, pos) + 1, len(data) if line_end < 0 else line_end))
    return _merged(lines)


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges, those that overlap or meet (one byte apart, a line break) merged.

    >>> _merged([(6, 8), (0, 2), (2, 4), (9, 12)])
    [(0, 4), (6, 12)]
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
