"""Run a chain of rules over one document: find spans, resolve overlaps, cut, tidy whitespace.

Semantics, in order:

1. **Matching.** Every enabled rule proposes candidate spans. One scan over the document
   finds where rules can match (blocks of lines where an RE2 set of all line-local rules
   matches; an RE2 set over the whole document for the other rules); each
   rule's exact matcher then runs only there, with the whole document as context, so it
   finds exactly what it would find on the whole document, and text without boilerplate
   costs one scan. See :mod:`cleaner.core.scan`.
2. **Overlaps.** Candidates are taken by start offset (then longest, then chain order). A
   candidate that begins inside text already claimed keeps only its unclaimed tail, so the
   removed text is the union of all matches and every character is credited to exactly one
   rule: the one whose match started first.
3. **Tidying.** Cutting leaves whitespace behind. Around each group of cuts separated only
   by whitespace, one whitespace run is kept (the one with the most line breaks, the first on
   a tie); the rest is removed as ``tidy/whitespace`` spans. At the start of a document all
   of it goes; at the end the document's own trailing whitespace stays.
4. **Fixpoint.** Cutting can bring text together that a rule matches (or make a new first
   line for a ``head`` rule), so the clean text is cleaned again until nothing more is
   removed. This makes cleaning idempotent: cleaning clean text removes nothing. Every pass
   removes at least one character, so this ends; real text settles in one or two passes.
   (A line that no cut touched is the same line as before, where nothing matched, so the
   line-local rules of :mod:`cleaner.core.scan` look again only at lines that a cut touched.)
5. **Guard** (optional, ``max_removed``). A document that would lose more than that fraction
   of its characters is returned unchanged with a zero-length ``guard/max-removed`` flag.

Kept text is never altered: the clean text is the input with spans cut out.

A long document can be cleaned in parts (see :mod:`cleaner.core.windows`): ``starts_document=False``
says that text comes before the part (``head`` rules do not apply, and whitespace at its start
is not the document's start), ``ends_document=False`` that text comes after it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cleaner.core.matchers import Matcher, compile_rule
from cleaner.core.scan import Scanner
from cleaner.rulefiles.schema import Rule

TIDY_RULE = "tidy/whitespace"
GUARD_RULE = "guard/max-removed"
# The seed article loses 23% to its appeal and captions, and no document of the labelled
# evaluation set is more than 40% boilerplate, so half a document is a safe line to hold.
DEFAULT_MAX_REMOVED = 0.5


@dataclass(frozen=True, slots=True)
class Span:
    """A removed piece of the input: ``original[start:end] == text``.

    Offsets are Unicode code points into the decoded input; ``line`` is 1-based.
    """

    rule: str
    start: int
    end: int
    text: str
    line: int = 0
    captures: dict[str, str] = field(default_factory=dict)


class Result:
    """The clean text and the spans removed from the input, in offset order.

    The engine makes the clean text as UTF-8 and the spans as byte ranges; ``clean`` and
    ``spans`` are worked out the first time they are read (a pipe that writes bytes and no
    report never needs them).

    >>> result = Result("Story.", [Span("demo/more", 6, 16, " Read more")])
    >>> result.clean, result.clean_utf8, result.changed, result.removed_chars
    ('Story.', b'Story.', True, 10)
    """

    __slots__ = ("_clean", "_clean_utf8", "_cuts", "_spans")

    def __init__(self, clean: str | None, spans: list[Span], *, clean_utf8: bytes | None = None) -> None:
        if clean is None and clean_utf8 is None:
            raise TypeError("Result needs the clean text, as str or as UTF-8")
        self._clean, self._clean_utf8 = clean, clean_utf8
        self._spans: list[Span] | None = spans
        self._cuts: tuple[str, bytes, list[Cut]] | None = None

    @classmethod
    def _of_cuts(cls, text: str, data: bytes, cuts: list[Cut], clean_utf8: bytes) -> Result:
        """The result of cutting ``cuts`` (sorted byte ranges of ``data``, ``text`` in UTF-8)."""
        result = cls(None, [], clean_utf8=clean_utf8)
        result._spans, result._cuts = None, (text, data, cuts)
        return result

    @property
    def clean(self) -> str:
        if self._clean is None:
            assert self._clean_utf8 is not None
            self._clean = self._clean_utf8.decode("utf-8")
        return self._clean

    @property
    def clean_utf8(self) -> bytes:
        if self._clean_utf8 is None:
            assert self._clean is not None
            self._clean_utf8 = self._clean.encode("utf-8")
        return self._clean_utf8

    @property
    def spans(self) -> list[Span]:
        if self._spans is None:
            assert self._cuts is not None
            self._spans = _spans(*self._cuts)
        return self._spans

    @property
    def removed_chars(self) -> int:
        """How many characters the spans remove."""
        if self._spans is not None:
            return sum(span.end - span.start for span in self._spans)
        assert self._cuts is not None
        text, data, cuts = self._cuts
        if len(data) == len(text):
            return sum(end - start for start, end, _, _ in cuts)
        return sum(len(data[start:end].decode("utf-8")) for start, end, _, _ in cuts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self.clean, self.spans) == (other.clean, other.spans)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Result(clean={self.clean!r}, spans={self.spans!r})"

    @property
    def changed(self) -> bool:
        # A guard flag is a zero-length span: it marks the document but removes nothing.
        if self._spans is None:
            return True  # cuts are never empty
        return any(span.end > span.start for span in self._spans)

    @property
    def held_back(self) -> Span | None:
        """The ``guard/max-removed`` flag when the guard left the document unchanged."""
        if self._spans is None:
            return None  # the guard makes its flag as a span
        return next((span for span in self._spans if span.rule == GUARD_RULE), None)


# Candidates and cuts inside the engine: (start, end, rule index or id, captures), byte offsets.
Found = tuple[int, int, int, dict[str, str]]
Cut = tuple[int, int, str, dict[str, str]]


class Chain:
    """Rules compiled once, in order, ready to clean any number of documents.

    >>> from cleaner.rulefiles.schema import Rule
    >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    >>> chain.clean("Story. Read more").clean
    'Story.'
    """

    def __init__(self, rules: Sequence[Rule], *, checked: bool = False) -> None:
        # checked: the rules come from validated rule files, so each pattern is compiled only
        # when a document first needs it; otherwise a bad pattern fails here.
        self.rules = list(rules)
        self.checked = checked
        self.matchers: list[Matcher] = [compile_rule(rule, checked=checked) for rule in self.rules]
        self._scanner = Scanner(self.matchers)

    def __reduce__(self) -> tuple:
        # Compiled RE2 objects do not pickle; workers rebuild the chain from its rules.
        return (_rebuild_chain, (self.rules, self.checked))

    def candidates(
        self, text: str, *, starts_document: bool = True, ends_document: bool = True
    ) -> list[tuple[int, int, int, dict[str, str]]]:
        """All rules' candidate spans in ``text`` as ``(start, end, rule_index, captures)``,
        character offsets.

        >>> from cleaner.rulefiles.schema import Rule
        >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
        >>> chain.candidates("é Read more")
        [(2, 11, 0, {})]
        """
        data = text.encode("utf-8")
        found = self.find(data, starts_document=starts_document, ends_document=ends_document)
        if len(data) == len(text):
            return found
        char_at = _char_offsets(data, [offset for s, e, _, _ in found for offset in (s, e)])
        return [(char_at[s], char_at[e], index, captures) for s, e, index, captures in found]

    def find(
        self,
        data: bytes,
        *,
        starts_document: bool = True,
        ends_document: bool = True,
        touched: Sequence[tuple[int, int]] | None = None,
        unclosed: list[int] | None = None,
    ) -> list[Found]:
        """All rules' candidate spans in UTF-8 ``data``, byte offsets (what the engine uses).

        ``touched``: sorted ``(start, end)`` ranges of whole lines outside which the
        line-local rules are known to find nothing (the lines an earlier pass cut into).
        ``unclosed`` collects where a block rule's start matched without an end in reach.
        """
        if not self.matchers or not data:
            return []
        bounds = _ScopeBounds(data, starts_document, ends_document)

        def region(index: int) -> tuple[int, int] | None:
            return bounds.region(self.rules[index])

        found = self._scanner.candidates(data, region, touched, unclosed)
        return [(c.start, c.end, index, c.captures) for c, index in found]

    def may_find_more(
        self,
        data: bytes,
        touched: list[tuple[int, int]],
        starts_document: bool,
        ends_document: bool,
        unclosed: Sequence[int],
    ) -> bool:
        """Whether another pass over ``data`` may find anything, where ``touched`` (sorted
        ``(start, end)`` ranges of whole lines) holds every line a cut of the last pass
        changed and ``unclosed`` (sorted) every block rule's start that ended no block; False
        means it certainly finds nothing, so that pass can be skipped.

        A pass that may find something is one of: a rule that is not line-local (it may
        match anywhere); a head or tail rule whose lines were touched; a line-local rule
        (block rules' starts included) whose entry in the prefilter set matches in a touched
        line; an unclosed block start in a touched line or up to ``max_chars`` before one,
        whose end a cut may have brought in reach. (Any other start of a block rule ended a
        block, which was cut out with it.)
        """
        scanner = self._scanner
        if scanner.whole:
            return True
        bounds = _ScopeBounds(data, starts_document, ends_document)
        for index in scanner.scoped:
            region = bounds.region(self.rules[index])
            if region is not None and any(start <= region[1] and end >= region[0] for start, end in touched):
                return True
        if scanner.may_match_in(data[start:end] for start, end in touched):
            return True
        reach = 4 * scanner.block_reach()  # bytes: a character is at most four
        for start, end in touched if unclosed else ():
            at = bisect.bisect_left(unclosed, start - reach)
            if at < len(unclosed) and unclosed[at] <= end:
                return True
        return False

    def clean(self, text: str, *, max_removed: float | None = None, encoded: bytes | None = None) -> Result:
        """Clean one document. See the module docstring for the exact semantics."""
        return clean_text(text, self, max_removed=max_removed, encoded=encoded)


def _rebuild_chain(rules: list[Rule], checked: bool) -> Chain:
    return Chain(rules, checked=checked)


def _char_offsets(data: bytes, offsets: list[int]) -> dict[int, int]:
    """Character offsets of byte offsets (each at a character boundary) into UTF-8 ``data``."""
    char_at, byte_pos, char_pos = {}, 0, 0
    for offset in sorted(set(offsets)):
        char_pos += len(data[byte_pos:offset].decode("utf-8"))
        byte_pos = offset
        char_at[offset] = char_pos
    return char_at


# One whitespace character (what str.isspace() accepts) in UTF-8, and runs of them.
_SPACE = (
    rb"[\t-\r\x1c-\x20]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80"
)
_SPACES = re.compile(rb"(?:" + _SPACE + rb")*")


def _blank(text: str | bytes, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is only whitespace, for ``str`` or UTF-8 ``bytes`` alike."""
    if isinstance(text, str):
        return not text[start:end].strip()
    return _SPACES.fullmatch(text, start, end) is not None


def nonblank_lines_end(text: str | bytes, count: int) -> int | None:
    """The offset of the end of the ``count``-th non-blank line of ``text`` (``str``, or UTF-8
    ``bytes`` for a byte offset), or None.

    >>> nonblank_lines_end("\\n\\nTitle\\n\\nBody\\n", 2), nonblank_lines_end("Title\\n", 2)
    (13, None)
    >>> nonblank_lines_end("\\u00a0\\nBody".encode(), 1)
    7
    """
    newline = "\n" if isinstance(text, str) else b"\n"
    pos, seen = 0, 0
    while pos < len(text):
        end = text.find(newline, pos)  # type: ignore[arg-type]
        end = len(text) if end < 0 else end
        if not _blank(text, pos, end):
            seen += 1
            if seen == count:
                return end
        pos = end + 1
    return None


class _ScopeBounds:
    """Where ``head`` and ``tail`` scopes begin and end in UTF-8 text, counted in non-blank lines.

    In a part of a document, head rules do not apply unless it ``starts_document``, nor tail
    rules unless it ``ends_document``.
    """

    def __init__(self, data: bytes, starts_document: bool = True, ends_document: bool = True) -> None:
        self.data = data
        self.starts_document, self.ends_document = starts_document, ends_document

    def region(self, rule: Rule) -> tuple[int, int] | None:
        """The byte range a rule may match in, or None where its scope is not in this part."""
        if rule.scope == "head":
            if not self.starts_document:
                return None
            end = nonblank_lines_end(self.data, rule.scope_lines)
            return 0, len(self.data) if end is None else end
        if rule.scope == "tail":
            return (self._tail_start(rule.scope_lines), len(self.data)) if self.ends_document else None
        return 0, len(self.data)

    def _tail_start(self, lines: int) -> int:
        data, end, seen = self.data, len(self.data), 0
        while end > 0:
            start = data.rfind(b"\n", 0, end) + 1
            if not _blank(data, start, end):
                seen += 1
                if seen == lines:
                    return start
            end = start - 1
        return 0


def _resolve(candidates: list[Found]) -> list[Found]:
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
    """The start of the whitespace run that ends at ``pos`` in UTF-8 ``data``."""
    while pos > 0:
        char_start = pos - 1
        while char_start > 0 and data[char_start] & 0xC0 == 0x80:  # a continuation byte
            char_start -= 1
        if _SPACES.fullmatch(data, char_start, pos) is None:
            break
        pos = char_start
    return pos


def _tidy(
    data: bytes, cuts: list[tuple[int, int]], starts_document: bool = True, ends_document: bool = True
) -> list[tuple[int, int]]:
    """Whitespace to remove around cuts (see rule 3 in the module docstring), in UTF-8 bytes."""
    removals: list[tuple[int, int]] = []
    i = 0
    while i < len(cuts):
        # A group: cuts separated only by whitespace; pieces are the whitespace runs around them.
        first = i
        while i + 1 < len(cuts) and _blank(data, cuts[i][1], cuts[i + 1][0]):
            i += 1
        last = i
        i += 1
        left = _space_before(data, cuts[first][0])
        right = _SPACES.match(data, cuts[last][1]).end()  # type: ignore[union-attr]
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


def _one_pass(
    data: bytes,
    chain: Chain,
    starts_document: bool = True,
    ends_document: bool = True,
    touched: list[tuple[int, int]] | None = None,
    unclosed: list[int] | None = None,
) -> tuple[list[Cut], bytes]:
    """One round of matching and tidying: cuts in ``data``'s byte offsets, and the cut text.

    ``unclosed`` collects where a block rule's start matched without an end in reach.
    """
    found = chain.find(
        data, starts_document=starts_document, ends_document=ends_document, touched=touched, unclosed=unclosed
    )
    taken = _resolve(found)
    if not taken:
        return [], data
    rule_ids = [rule.qualified_id for rule in chain.rules]
    cuts: list[Cut] = [(s, e, rule_ids[index], captures) for s, e, index, captures in taken]
    ranges = [(s, e) for s, e, _, _ in taken]
    cuts += [(s, e, TIDY_RULE, {}) for s, e in _tidy(data, ranges, starts_document, ends_document)]
    cuts.sort(key=lambda cut: cut[0])
    pieces, pos = [], 0
    for start, end, _, _ in cuts:
        pieces.append(data[pos:start])
        pos = end
    pieces.append(data[pos:])
    return cuts, b"".join(pieces)


def _touched_lines(clean: bytes, cuts: list[Cut]) -> list[tuple[int, int]]:
    """The lines of ``clean`` (``(start, end)``, end at the line break) next to each cut.

    ``cuts`` are the pass's removals in the text it was cut from. Around each place text
    was removed, the line holding it and the line before it are returned.
    """
    lines: list[tuple[int, int]] = []
    removed = 0
    for start, end, _, _ in cuts:
        at = start - removed
        removed += end - start
        for pos in (at - 1, at) if at > 0 else (at,):
            line_start = clean.rfind(b"\n", 0, pos) + 1
            line_end = clean.find(b"\n", pos)
            line = (line_start, len(clean) if line_end < 0 else line_end)
            if not lines or lines[-1] != line:
                lines.append(line)
    merged: list[tuple[int, int]] = []
    for line in sorted(set(lines)):
        if merged and line[0] <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], line[1]))
        else:
            merged.append(line)
    return merged


def _after_cuts(positions: list[int], cuts: list[Cut]) -> list[int]:
    """Where ``positions`` (sorted) of a text are once ``cuts`` (sorted) are cut out of it; a
    position inside a cut is dropped.

    >>> _after_cuts([1, 4, 9], [(3, 5, "x", {}), (6, 8, "y", {})])
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


def _to_original(cuts: list[Cut], kept: list[tuple[int, int]]) -> list[Cut]:
    """Map cuts found in a clean text back to the original, splitting at earlier cuts.

    ``kept`` lists the original ``(start, end)`` segments whose concatenation is the clean text.
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


def _kept_segments(length: int, cuts: list[Cut]) -> list[tuple[int, int]]:
    kept, pos = [], 0
    for start, end, _, _ in cuts:
        if start > pos:
            kept.append((pos, start))
        pos = end
    if pos < length:
        kept.append((pos, length))
    return kept


def clean_text(
    text: str,
    chain: Chain,
    *,
    max_removed: float | None = None,
    starts_document: bool = True,
    ends_document: bool = True,
    encoded: bytes | None = None,
) -> Result:
    """Remove what the chain's rules match from one document, recording every removed span.

    With ``max_removed``, a document that would lose more than that fraction of its
    characters is left unchanged and flagged instead (see :func:`guard_max_removed`).
    ``encoded``: ``text`` in UTF-8, when the caller has it (it saves encoding it again).

    >>> from cleaner.rulefiles.schema import Rule
    >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    >>> result = clean_text("Read more\\n\\nThe story.\\n", chain)
    >>> result.clean
    'The story.\\n'
    >>> [(s.rule, s.start, s.end) for s in result.spans]
    [('demo/more', 0, 9), ('tidy/whitespace', 9, 11)]
    """
    data = text.encode("utf-8") if encoded is None else encoded
    unclosed: list[int] = []
    cuts, current = _one_pass(data, chain, starts_document, ends_document, unclosed=unclosed)
    if not cuts:
        return Result(text, [], clean_utf8=data)
    unclosed = _after_cuts(unclosed, cuts)  # where they are in the cut text
    # No cap on passes: a cap would break idempotence on deeply nested matches (``aaa…bbb``
    # under a rule ``ab``). Each pass removes at least one character, so the loop ends.
    last = cuts
    while True:
        touched = _touched_lines(current, last)
        if not chain.may_find_more(current, touched, starts_document, ends_document, unclosed):
            break
        found_unclosed: list[int] = []
        more, cleaner_data = _one_pass(
            current, chain, starts_document, ends_document, touched, found_unclosed
        )
        if not more:
            break
        unclosed = _after_cuts(sorted(set(unclosed) | set(found_unclosed)), more)
        last = more
        cuts = sorted(cuts + _to_original(more, _kept_segments(len(data), cuts)), key=lambda cut: cut[0])
        current = cleaner_data
    return guard_max_removed(text, Result._of_cuts(text, data, cuts, current), max_removed)


def guard_max_removed(text: str, result: Result, max_removed: float | None) -> Result:
    """``result``, unless it removes more than ``max_removed`` of ``text``: then ``text`` unchanged.

    A held-back document carries one zero-length span under ``guard/max-removed`` at offset 0,
    so ``original[start:end] == text`` and restoring still hold; its captures say what
    fraction the rules would have removed. ``None`` switches the guard off.

    >>> wiped = Result("", [Span("demo/all", 0, 5, "Story")])
    >>> held = guard_max_removed("Story", wiped, 0.5)
    >>> held.clean, held.changed, held.held_back.captures
    ('Story', False, {'would_remove': '1.0000', 'max_removed': '0.5'})
    >>> guard_max_removed("Story", wiped, None) is wiped
    True
    """
    if max_removed is None or not text:
        return result
    flag = guard_flag(len(text), result.removed_chars, max_removed)
    return result if flag is None else Result(text, [flag])


def guard_flag(chars: int, removed: int, max_removed: float | None) -> Span | None:
    """The ``guard/max-removed`` flag for a text of ``chars`` characters that would lose
    ``removed`` of them, or None when it may (or ``max_removed`` is None). One rule for
    documents cleaned whole and in windows.

    >>> guard_flag(79, 68, 0.5).captures, guard_flag(79, 30, 0.5), guard_flag(79, 68, None)
    ({'would_remove': '0.8608', 'max_removed': '0.5'}, None, None)
    """
    if max_removed is None or not chars:
        return None
    fraction = removed / chars
    if fraction <= max_removed:
        return None
    captures = {"would_remove": f"{fraction:.4f}", "max_removed": f"{max_removed:g}"}
    return Span(GUARD_RULE, 0, 0, "", 1, captures)


def _spans(text: str, data: bytes, cuts: list[Cut]) -> list[Span]:
    """The cuts (byte offsets into ``data``, sorted) as spans of ``text``: character offsets,
    line numbers and the removed text."""
    ascii_only = len(data) == len(text)
    char_at = {} if ascii_only else _char_offsets(data, [offset for s, e, _, _ in cuts for offset in (s, e)])
    result, line, pos = [], 1, 0
    for start, end, rule, captures in cuts:
        line += data.count(b"\n", pos, start)
        pos = start
        if not ascii_only:
            start, end = char_at[start], char_at[end]
        result.append(Span(rule, start, end, text[start:end], line, dict(captures)))
    return result
