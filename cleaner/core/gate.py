"""A table of line openings that answers for some of a prefilter set's entries, with no set to
compile.

An entry that matches only in lines opening with one of a few texts (see
:mod:`cleaner.core.openings`) may match in a piece of text only if one of its lines, stripped
of the marks lines may open with, starts with one of them. The gate looks each line's start up
in a table of every such entry's openings; an entry whose opening it finds is then searched for
in the piece on its own (compiled on first use, a fraction of a millisecond), so the gate says
"may match" exactly where the set would have. A set of a multilingual chain's vocabularies
takes tens of milliseconds to compile and to warm up; for the few short texts of one run, the
gate answers in microseconds.

>>> from cleaner.core.openings import Opening
>>> gate = OpeningGate({4: (Opening(" ", ("read mor",)), "(?m)^ *read more:", True)})
>>> gate.hits(b"Story.\\n  Read more: x", b"story.\\n  read more: x"), gate.hits(b"Read more", b"read more")
([4], [])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from cleaner.core.casing import FOLDS_TO_ASCII, lower_text
from cleaner.core.openings import Opening
from cleaner.core.sets import entry_set

if TYPE_CHECKING:
    import re2

_FOLDING_TO_ASCII = [char.encode() for char in FOLDS_TO_ASCII]


# Openings are looked up by their first bytes: an opening has at least five characters (see
# cleaner.core.openings.SHORTEST), unless it started with marks a line is stripped of.
_HEAD = 5


class _Table:
    """Openings (bytes) of the entries that read one kind of text (lowered, or as it is)."""

    def __init__(self) -> None:
        self.rules: list[int] = []
        self.by_head: dict[bytes, list[tuple[bytes, int]]] = {}
        self.short: dict[bytes, list[int]] = {}  # openings shorter than _HEAD, by themselves

    def add(self, index: int, openings: list[bytes]) -> None:
        self.rules.append(index)
        for opening in openings:
            if len(opening) < _HEAD:
                self.short.setdefault(opening, []).append(index)
            else:
                self.by_head.setdefault(opening[:_HEAD], []).append((opening, index))

    def matching(self, text: bytes, strip: bytes) -> set[int]:
        """The rules one of whose openings starts a line of ``text`` once stripped."""
        starts = {line.lstrip(strip) for line in text.split(b"\n")}
        found: set[int] = set()
        # Most pieces have no line that opens like furniture: one set intersection says so.
        heads = {start[:_HEAD] for start in starts}
        if not heads.isdisjoint(self.by_head):
            for start in starts:
                for opening, index in self.by_head.get(start[:_HEAD], ()):
                    if start.startswith(opening):
                        found.add(index)
        for opening, indices in self.short.items():
            if any(start.startswith(opening) for start in starts):
                found.update(indices)
        return found


class OpeningGate:
    """The rules (index: opening, set entry, whether it reads lowered text) the gate can answer
    for; :attr:`rules` are those it took, the others stay with the sets."""

    def __init__(self, candidates: Mapping[int, tuple[Opening, str, bool]]) -> None:
        skipped = {char for opening, _, _ in candidates.values() for char in opening.skip}
        # A line is stripped of every mark any of these entries lets a line open with: one pass
        # over the lines for all of them, and an entry's own marks are among those.
        self._strip = bytes(sorted(set("".join(sorted(skipped)).encode())))
        self._lowered, self._plain = _Table(), _Table()
        self._entries: dict[int, str] = {}
        for index, (opening, entry, lowered) in candidates.items():
            # An opening starting with a stripped mark is looked for without it.
            openings = [prefix.encode().lstrip(self._strip) for prefix in opening.prefixes]
            if all(openings):  # an opening of marks alone would let every line through
                (self._lowered if lowered else self._plain).add(index, openings)
                self._entries[index] = entry
        self.rules = set(self._entries)
        self._searched: dict[int, re2.Set] = {}

    def hits(self, piece: bytes, lowered: bytes | None = None) -> list[int]:
        """The rules whose entries match in ``piece`` (``lowered``: the piece lowered, if the
        caller has it already)."""
        found: list[int] = []
        if self._lowered.rules:
            lowered = lower_text(piece) if lowered is None else lowered
            if any(char in piece for char in _FOLDING_TO_ASCII):  # as in the lowered set
                found += self._lowered.rules
            else:
                found += self._confirmed(self._lowered.matching(lowered, self._strip), lowered)
        if self._plain.rules:
            found += self._confirmed(self._plain.matching(piece, self._strip), piece)
        return found

    def _confirmed(self, maybe: set[int], text: bytes) -> list[int]:
        """Those of ``maybe`` whose entry matches in ``text``."""
        confirmed = []
        for index in sorted(maybe):
            searched = self._searched.get(index)
            if searched is None:
                searched = entry_set([self._entries[index]], relaxed=True)
                assert searched is not None  # a set of one entry
                self._searched[index] = searched
            if searched.Match(text):
                confirmed.append(index)
        return confirmed
