"""Resolving overlapping matches, and tidying the whitespace that cuts leave behind."""

from __future__ import annotations

from cleaner.core.scope import SPACES, blank

Found = tuple[int, int, int, dict[str, str]]  # a candidate: start, end, rule index, captures
_ASCII_SPACES = frozenset(byte for byte in range(128) if chr(byte).isspace())  # as scope.SPACES


def resolve(candidates: list[Found]) -> list[Found]:
    """Non-overlapping spans: first start wins, later overlapping matches keep their tails."""
    candidates.sort(key=lambda c: (c[0], -c[1], c[2]))
    taken: list[Found] = []
    claimed = 0
    for start, end, index, captures in candidates:
        start = max(start, claimed)
        if start >= end:
            continue
        taken.append((start, end, index, captures))
        claimed = end
    return taken


def _space_before(data: bytes, pos: int) -> int:
    """The start of the whitespace run that ends at ``pos`` in UTF-8 ``data``.

    >>> _space_before(b"Story.\\n\\n", 8), _space_before("Story.\\u00a0 ".encode(), 9)
    (6, 6)
    """
    while pos > 0 and data[pos - 1] in _ASCII_SPACES:  # most runs: line breaks and spaces
        pos -= 1
    while pos > 0:
        char_start = pos - 1
        while char_start > 0 and data[char_start] & 0xC0 == 0x80:  # a continuation byte
            char_start -= 1
        if SPACES.fullmatch(data, char_start, pos) is None:
            break
        pos = char_start
    return pos


def tidy_whitespace(
    data: bytes, cuts: list[tuple[int, int]], starts_document: bool = True, ends_document: bool = True
) -> list[tuple[int, int]]:
    """Whitespace to remove around cuts (see rule 3 in the module docstring), in UTF-8 bytes."""
    removals: list[tuple[int, int]] = []
    i = 0
    while i < len(cuts):
        # A group: cuts separated only by whitespace; pieces are the whitespace runs around them.
        first = i
        while i + 1 < len(cuts) and blank(data, cuts[i][1], cuts[i + 1][0]):
            i += 1
        last = i
        i += 1
        left = _space_before(data, cuts[first][0])
        right = SPACES.match(data, cuts[last][1]).end()  # type: ignore[union-attr]
        pieces = [(left, cuts[first][0])]
        pieces += [(cuts[k][1], cuts[k + 1][0]) for k in range(first, last)]
        pieces.append((cuts[last][1], right))
        if left == 0 and starts_document:
            keep = None
        elif right == len(data) and ends_document:
            keep = len(pieces) - 1
        else:
            newlines = [data.count(b"\n", a, b) for a, b in pieces]
            keep = newlines.index(max(newlines))
        removals.extend(p for k, p in enumerate(pieces) if k != keep and p[1] > p[0])
    return removals
