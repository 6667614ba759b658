"""A straightforward reference for the chain's matching, used only by tests.

Every enabled rule runs over the whole ``str`` of its scope with the google-re2 ``str`` API,
as the first version of the engine did, with no prefilter, no bytes and no candidate blocks.
The optimised path (:mod:`cleaner.core.scan`) must find exactly the same candidates.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from cleaner.core.engine import Chain
from cleaner.core.kinds.phrase import phrase_pattern
from cleaner.core.kinds.signals import SignalsMatcher
from cleaner.core.patterns import compile_pattern as _compile_pattern
from cleaner.core.rule import Rule
from cleaner.core.scope import WHOLE_DOCUMENT

compile_pattern = functools.lru_cache(maxsize=None)(_compile_pattern)

Found = tuple[int, int, int, dict[str, str]]


def _captures(match) -> dict[str, str]:
    return {name: value for name, value in match.groupdict().items() if value is not None}


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _find(rule: Rule, text: str, lo: int, hi: int) -> Iterator[tuple[int, int, dict[str, str]]]:
    if rule.kind in ("phrase", "regex"):
        source = phrase_pattern(rule) if rule.kind == "phrase" else rule.option("pattern")
        regex = compile_pattern(source, ignore_case=rule.ignore_case)
        for match in regex.finditer(text, lo, hi):
            end = _trim_end(text, match.start(), match.end())
            if end > match.start():
                yield match.start(), end, _captures(match)
    elif rule.kind == "line":
        regex = compile_pattern(rule.option("pattern"), ignore_case=rule.ignore_case)
        last_line_start = -1
        for match in regex.finditer(text, lo, hi):
            line_start = text.rfind("\n", 0, match.start()) + 1
            if line_start == last_line_start:
                continue
            last_line_start = line_start
            line_end = text.find("\n", match.start())
            if line_end < 0:
                line_end = len(text)
            if line_end > line_start and text[line_end - 1] == "\r":
                line_end -= 1
            if line_end > line_start:
                yield line_start, line_end, _captures(match)
    elif rule.kind == "signals":
        # The kind's own semantics are tested in test_signals; here it only has to be found
        # where the scanner would find it, so its matcher runs on the whole region.
        yield from ((c.start, c.end, c.captures) for c in SignalsMatcher(rule).find(text, lo, hi))
    else:
        start = compile_pattern(rule.option("start"), ignore_case=rule.ignore_case)
        end = compile_pattern(rule.option("end"), ignore_case=rule.ignore_case)
        pos = lo
        while pos < hi:
            opening = start.search(text, pos, hi)
            if opening is None:
                return
            limit = opening.start() + rule.option("max_chars")
            if rule.option("contiguous", False):
                closing = end.match(text, opening.end())
                closing = closing if closing is not None and closing.end() <= limit else None
            else:
                closing = end.search(text, opening.end(), limit)
            if closing is None:
                pos = opening.start() + 1
                continue
            if closing.end() > opening.start():
                block_end = _trim_end(text, opening.start(), closing.end())
                yield opening.start(), block_end, _captures(opening) | _captures(closing)
            pos = max(closing.end(), opening.start() + 1)


def _nonblank_lines(text: str) -> list[tuple[int, int]]:
    lines, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    return lines


def _region(text: str, rule: Rule) -> tuple[int, int]:
    """The characters a rule may match in: all, or up to the end of its first ``scope_lines``
    non-blank lines (head), or from the start of its last ones (tail)."""
    lines = _nonblank_lines(text)
    if rule.scope == "head":
        return 0, lines[rule.scope_lines - 1][1] if len(lines) >= rule.scope_lines else len(text)
    if rule.scope == "tail":
        return lines[-rule.scope_lines][0] if len(lines) >= rule.scope_lines else 0, len(text)
    return 0, len(text)


def reference_candidates(
    chain: Chain, text: str, starts_document: bool = True, ends_document: bool = True
) -> list[Found]:
    """All rules' candidates on ``text``, found the slow, obvious way."""
    found = []
    for index, rule in enumerate(chain.rules):
        if (rule.scope == "head" and not starts_document) or (rule.scope == "tail" and not ends_document):
            continue
        lo, hi = _region(text, rule)
        found.extend((s, e, index, caps) for s, e, caps in _find(rule, text, lo, hi))
    return found


class ReferenceChain(Chain):
    """A chain whose every pass runs every rule over the whole text (no prefilter, no hints)."""

    def find(self, data: bytes, *, context=WHOLE_DOCUMENT, touched=None, unclosed=None, only=None, reopen=()):
        text = data.decode("utf-8")
        found = reference_candidates(self, text, context.starts_document, context.ends_document)
        byte_at = {offset: len(text[:offset].encode("utf-8")) for s, e, _, _ in found for offset in (s, e)}
        return [(byte_at[s], byte_at[e], index, captures) for s, e, index, captures in found]

    def may_find_more(self, data: bytes, touched, context, unclosed) -> bool:
        return True  # the reference always tries another pass
