"""The guard against over-removal: a document that would lose too much is left unchanged, flagged.

The guard weighs what is uncertain. Rules that match a phrase, a pattern or a block name
the boilerplate they remove: an appeal of five paragraphs above a short article is still an
appeal, and a guard that counted it would leave such articles, and every copy of them in a
corpus, uncleaned. Rules that judge a line by its shape (``signals`` rules: short, no
stopwords, no full stop) can misjudge a whole unusual document, a poem or a list, and that
is what the guard is for. So it counts the characters that *guarded* rules remove: rules of
kinds that judge by shape, and any rule with ``guard: true``; ``guard: false`` takes a rule out.
"""

from __future__ import annotations

from collections.abc import Container

from cleaner.core.result import GUARD_RULE, Result, Span

# No document of the labelled evaluation set is more than 40% boilerplate, so half of a
# document going to rules that judge by shape means they misjudged it.
DEFAULT_MAX_REMOVED = 0.5


def guard_max_removed(
    text: str, result: Result, max_removed: float | None, guarded: Container[str] | None = None
) -> Result:
    """``result``, unless its ``guarded`` rules (all, for None) remove more than ``max_removed``
    of ``text``: then ``text`` unchanged.

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
    flag = guard_flag(len(text), result.removed_by(guarded), max_removed)
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


def held_back_message(flag: Span) -> str:
    """Why the ``guard/max-removed`` flag ``flag`` left a document unchanged.

    >>> captures = {"would_remove": "0.8125", "max_removed": "0.5"}
    >>> held_back_message(Span("guard/max-removed", 0, 0, "", 1, captures))
    'left unchanged: guarded rules would remove 81.2% of it, more than --max-removed 0.5 allows'
    """
    share = 100 * float(flag.captures.get("would_remove", "nan"))
    limit = flag.captures.get("max_removed", "?")
    allowed = f"more than --max-removed {limit} allows"
    return f"left unchanged: guarded rules would remove {share:.1f}% of it, {allowed}"
