"""Clean one long document in bounded memory, with the same result as cleaning it whole.

A document larger than a window is cleaned window by window. Each window is cleaned as a
*part* of the document (:func:`cleaner.core.engine.clean_text` with ``starts_document`` /
``ends_document``), and only its settled beginning is written: everything before a line start
``C`` where

- no removed span, and no whitespace tidied around one, touches the whitespace around ``C``;
- at least ``margin`` characters of clean text follow ``C`` in the window;
- for the first window, the lines ``head`` rules look at end before ``C``; and at least as
  many non-blank lines as ``tail`` rules look at follow ``C`` (before the margin), so the
  document's tail is never in a part already written.

The next window starts at ``C``. Offsets and line numbers in the spans are those of the whole
input, so the report is the same as for the whole document.

**The one assumption**: no single rule match (a regex match, or a block from its start to its
end) is longer than ``margin`` characters (256 Ki characters, or twice the longest block's
``max_chars``). Rules in packs match within a line, a paragraph or a bounded block, so this
holds for them; a pattern written to match across more than the margin may be cut at a window
boundary in streaming mode.

>>> from cleaner import load_chain
>>> chain = load_chain()
>>> text = "open image in gallery A ( PA )\\n\\nStory one.\\n\\nStory two.\\n\\n" * 80
>>> chunks = (text[i : i + 10] for i in range(0, len(text), 10))
>>> parts = list(clean_parts(chunks, chain, window=2000, margin=30))
>>> "".join(p.clean for p in parts) == clean_text(text, chain).clean
True
>>> len(parts) > 1
True
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cleaner.core.engine import Chain, clean_text
from cleaner.core.result import Result, Span
from cleaner.core.scope import nonblank_lines_end

WINDOW = 1 << 20  # characters cleaned at once
MIN_MARGIN = 256 << 10


@dataclass(frozen=True, slots=True)
class Part:
    """A settled piece of the output: its clean text and the spans removed from it."""

    clean: str
    spans: list[Span]


def margin_for(chain: Chain) -> int:
    """How far past a commit point a window must reach (see the module docstring)."""
    longest_block = max((matcher.reach_back for matcher in chain.matchers), default=0)
    return max(MIN_MARGIN, 2 * longest_block)


def clean_parts(
    chunks: Iterable[str], chain: Chain, *, window: int = WINDOW, margin: int | None = None
) -> Iterator[Part]:
    """Clean text arriving in chunks as one document; yield settled parts in order."""
    margin = margin_for(chain) if margin is None else margin
    head_lines = max((r.scope_lines for r in chain.rules if r.scope == "head"), default=0)
    tail_lines = max((r.scope_lines for r in chain.rules if r.scope == "tail"), default=0)
    pending: list[str] = []
    size, base, base_line, first = 0, 0, 1, True
    attempt_at = window + margin
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size < attempt_at:
            continue
        text = "".join(pending)
        result = clean_text(text, chain, max_removed=None, starts_document=first, ends_document=False)
        cut = _settled(text, result, margin, head_lines if first else 0, tail_lines)
        if cut is None:  # nothing settled yet (a long span, say): read on, try again later
            pending, attempt_at = [text], size + window
            continue
        yield _part(text, result, cut, base, base_line)
        base += cut
        base_line += text.count("\n", 0, cut)
        pending, size, first = [text[cut:]], len(text) - cut, False
        attempt_at = window + margin
    text = "".join(pending)
    result = clean_text(text, chain, max_removed=None, starts_document=first, ends_document=True)
    yield _part(text, result, len(text), base, base_line)


def _part(text: str, result: Result, cut: int, base: int, base_line: int) -> Part:
    spans = [s for s in result.spans if s.end <= cut]
    removed = sum(s.end - s.start for s in spans)
    shifted = [
        Span(s.rule, s.start + base, s.end + base, s.text, s.line + base_line - 1, s.captures) for s in spans
    ]
    return Part(result.clean[: cut - removed], shifted)


def _settled(text: str, result: Result, margin: int, head_lines: int, tail_lines: int) -> int | None:
    """The last line start before which the window's result is final, or None."""
    spans = result.spans
    starts = [s.start for s in spans]
    removed_before = [0]
    for span in spans:
        removed_before.append(removed_before[-1] + span.end - span.start)
    clean = result.clean
    last_clean = len(clean) - margin  # clean text from here on is within the margin
    if last_clean <= 0:
        return None
    head_end = nonblank_lines_end(clean, head_lines) if head_lines else -1
    if head_end is None:
        return None
    pos = len(text)
    while True:
        line_start = text.rfind("\n", 0, pos) + 1
        if line_start <= 0:
            return None
        pos = line_start - 1
        at = bisect.bisect_right(starts, line_start)
        if at and spans[at - 1].end > line_start:
            continue  # inside a removed span
        clean_at = line_start - removed_before[at]
        if clean_at > last_clean:
            continue
        if clean_at <= head_end:
            return None
        low, high = line_start, line_start
        while low > 0 and text[low - 1].isspace():
            low -= 1
        while high < len(text) and text[high].isspace():
            high += 1
        near = bisect.bisect_right(starts, high)
        if near and spans[near - 1].end >= low:
            continue  # a cut, or whitespace tidied around one, touches this boundary
        if tail_lines and _nonblank_count(clean, clean_at, last_clean, tail_lines) < tail_lines:
            continue
        return line_start


def _nonblank_count(text: str, start: int, end: int, enough: int) -> int:
    seen, pos = 0, start
    while pos < end and seen < enough:
        line_end = text.find("\n", pos, end)
        line_end = end if line_end < 0 else line_end
        if text[pos:line_end].strip():
            seen += 1
        pos = line_end + 1
    return seen
