"""Where cuts are as a document is cleaned pass after pass: the text left, the lines a pass
changed, and offsets in the text of a later pass taken back to the input's."""

from __future__ import annotations

import bisect

from cleaner.core.result import Cut


def cut_out(data: bytes, cuts: list[Cut]) -> bytes:
    """``data`` without the byte ranges of ``cuts`` (sorted, not overlapping).

    >>> cut_out(b"abcdef", [(1, 2, "x", {}), (4, 6, "y", {})])
    b'acd'
    """
    pieces, pos = [], 0
    for start, end, _, _ in cuts:
        pieces.append(data[pos:start])
        pos = end
    pieces.append(data[pos:])
    return b"".join(pieces)


def touched_lines(clean: bytes, cuts: list[Cut]) -> list[tuple[int, int]]:
    """The lines of ``clean`` (``(start, end)``, end at the line break) next to each cut.

    ``cuts`` are the pass's removals in the text it was cut from. Around each place text
    was removed, the line holding it and the line before it are returned. Places come in
    order, so a place on the line found last needs no search: each byte of ``clean`` is
    searched at most once, however many cuts a long line has.

    >>> touched_lines(b"ab\\nef\\ngh", [(3, 6, "x", {})])  # "cd\\n" was cut from "ab\\ncd\\nef\\ngh"
    [(0, 5)]
    """
    merged: list[tuple[int, int]] = []
    removed = 0
    for start, end, _, _ in cuts:
        at = start - removed
        removed += end - start
        for pos in (at - 1, at) if at > 0 else (at,):
            if merged and merged[-1][0] <= pos <= merged[-1][1]:
                continue  # on a line already taken
            line_start = clean.rfind(b"\n", merged[-1][1] if merged else 0, pos) + 1
            if merged and line_start == 0:
                line_start = merged[-1][1] + 1
            line_end = clean.find(b"\n", pos)
            line = (line_start, len(clean) if line_end < 0 else line_end)
            if merged and line[0] <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], line[1]))
            else:
                merged.append(line)
    return merged


def after_cuts(positions: list[int], cuts: list[Cut]) -> list[int]:
    """Where ``positions`` (sorted) of a text are once ``cuts`` (sorted) are cut out of it; a
    position inside a cut is dropped.

    >>> after_cuts([1, 4, 9], [(3, 5, "x", {}), (6, 8, "y", {})])
    [1, 5]
    """
    moved, removed, k = [], 0, 0
    for pos in positions:
        while k < len(cuts) and cuts[k][1] <= pos:
            removed += cuts[k][1] - cuts[k][0]
            k += 1
        if k < len(cuts) and cuts[k][0] <= pos:
            continue
        moved.append(pos - removed)
    return moved


def to_original(cuts: list[Cut], kept: list[tuple[int, int]]) -> list[Cut]:
    """Map cuts found in a clean text back to the original, splitting at earlier cuts.

    ``kept`` lists the original ``(start, end)`` segments whose concatenation is the clean text.

    >>> to_original([(1, 4, "x", {})], [(0, 2), (5, 9)])  # "ab" + "fghi" of "abcdefghi"
    [(1, 2, 'x', {}), (5, 7, 'x', {})]
    """
    clean_starts, offset = [], 0
    for start, end in kept:
        clean_starts.append(offset)
        offset += end - start
    mapped = []
    for start, end, rule, captures in cuts:
        k = bisect.bisect_right(clean_starts, start) - 1
        while start < end:
            seg_start, seg_end = kept[k]
            base = clean_starts[k]
            piece_end = min(end, base + (seg_end - seg_start))
            if piece_end > start:
                mapped.append((seg_start + start - base, seg_start + piece_end - base, rule, captures))
            start = piece_end
            k += 1
    return mapped


def kept_segments(length: int, cuts: list[Cut]) -> list[tuple[int, int]]:
    """The ``(start, end)`` segments of a text of ``length`` that ``cuts`` (sorted) leave.

    >>> kept_segments(10, [(2, 4, "x", {}), (8, 10, "y", {})])
    [(0, 2), (4, 8)]
    """
    kept, pos = [], 0
    for start, end, _, _ in cuts:
        if start > pos:
            kept.append((pos, start))
        pos = end
    if pos < length:
        kept.append((pos, length))
    return kept
