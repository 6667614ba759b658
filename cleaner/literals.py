"""What a pattern must contain: line-locality and required literals, for the chain's prefilter.

The engine finds candidate lines with one scan for literal strings, then runs the exact rules
only there. That is exact only for a rule whose matches never contain a line break and always
contain one of a known set of literals, so this module answers two questions about a pattern,
conservatively: when in doubt (a construct it does not know, or one that Python's parser reads
differently from RE2) it answers "may contain a line break" and "no known literal", and the
engine falls back to running that rule over the whole document.

The analysis reads the pattern with Python's own regular-expression parser, which accepts the
RE2 syntax rules use; constructs only RE2 knows (``\\pL``, ``[[:alpha:]]``, ``\\C``, ``\\Q…\\E``,
``(?U)``) make that parser fail or warn, and are then treated as unknown.

>>> analyse(r"^[ \\t]*Read more:[^\\n]{0,80}$").literals
(('Read more:', False),)
>>> analyse(r"^\\s*Read more").line_local
False
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

try:  # Python >= 3.11
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_C = sre_constants
NEWLINE = 10
# Categories (\s, \D, \W) whose members include the line break.
_NEWLINE_CATEGORIES = {_C.CATEGORY_SPACE, _C.CATEGORY_NOT_DIGIT, _C.CATEGORY_NOT_WORD}
_REPEATS = {_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", _C.MAX_REPEAT)}

Literal = tuple[str, bool]  # (text, ignore_case)


@dataclass(frozen=True, slots=True)
class Analysis:
    """``line_local``: no match can contain ``\\n``. ``literals``: every match contains one of them."""

    line_local: bool
    literals: tuple[Literal, ...]


UNKNOWN = Analysis(False, ())


class _Unknown(Exception):
    """A construct whose meaning is not certain; the answer is then the conservative one."""


def analyse(pattern: str, *, ignore_case: bool = False) -> Analysis:
    """Analyse an RE2 pattern as the matchers compile it (multi-line, optionally ignoring case).

    >>> analyse("open image in gallery", ignore_case=True)
    Analysis(line_local=True, literals=(('open image in gallery', True),))
    >>> analyse(r"[[:space:]]+x")
    Analysis(line_local=False, literals=())
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set": a POSIX class Python misreads
            parsed = sre_parse.parse(pattern, sre_constants.SRE_FLAG_MULTILINE)
    except (sre_constants.error, Warning, RecursionError, OverflowError):
        return UNKNOWN
    flags = parsed.state.flags
    dotall = bool(flags & sre_constants.SRE_FLAG_DOTALL)
    folded = ignore_case or bool(flags & sre_constants.SRE_FLAG_IGNORECASE)
    try:
        local = not _may_match_newline(parsed, dotall)
        literals = _required(parsed, folded)
    except _Unknown:
        return UNKNOWN
    return Analysis(local, tuple(sorted(set(literals))) if literals else ())


def _flags_inside(add: int, remove: int, dotall: bool, folded: bool) -> tuple[bool, bool]:
    if add & sre_constants.SRE_FLAG_DOTALL:
        dotall = True
    if remove & sre_constants.SRE_FLAG_DOTALL:
        dotall = False
    if add & sre_constants.SRE_FLAG_IGNORECASE:
        folded = True
    if remove & sre_constants.SRE_FLAG_IGNORECASE:
        folded = False
    return dotall, folded


def _may_match_newline(items, dotall: bool) -> bool:
    for op, av in items:
        if op is _C.LITERAL:
            if av == NEWLINE:
                return True
        elif op is _C.NOT_LITERAL:
            if av != NEWLINE:
                return True
        elif op is _C.ANY:
            if dotall:
                return True
        elif op is _C.IN:
            if _class_has_newline(av):
                return True
        elif op is _C.AT:
            continue
        elif op is _C.BRANCH:
            if any(_may_match_newline(branch, dotall) for branch in av[1]):
                return True
        elif op is _C.SUBPATTERN:
            _, add, remove, sub = av
            inner_dotall, _ = _flags_inside(add, remove, dotall, False)
            if _may_match_newline(sub, inner_dotall):
                return True
        elif op in _REPEATS:
            if _may_match_newline(av[2], dotall):
                return True
        else:
            raise _Unknown(op)
    return False


def _class_has_newline(items) -> bool:
    negate = False
    contains = False
    for op, av in items:
        if op is _C.NEGATE:
            negate = True
        elif op is _C.LITERAL:
            contains |= av == NEWLINE
        elif op is _C.RANGE:
            contains |= av[0] <= NEWLINE <= av[1]
        elif op is _C.CATEGORY:
            if av in _NEWLINE_CATEGORIES:
                contains = True
            elif av not in (_C.CATEGORY_DIGIT, _C.CATEGORY_NOT_SPACE, _C.CATEGORY_WORD):
                raise _Unknown(av)
        else:
            raise _Unknown(op)
    return contains != negate


MAX_EXACT = 64  # the most strings an exactly-known piece may stand for


def _exact(op, av, folded: bool) -> tuple[set[str], bool] | None:
    """The finite set of strings one parsed item matches, and whether it ignores case."""
    if op is _C.LITERAL:
        return {chr(av)}, folded
    if op is _C.AT:
        return {""}, False  # zero-width: consumes nothing
    if op is _C.IN:
        if all(kind is _C.LITERAL for kind, _ in av) and len(av) <= 8:
            return {chr(code) for _, code in av}, folded
        return None
    if op is _C.SUBPATTERN:
        _, add, remove, sub = av
        _, inner = _flags_inside(add, remove, False, folded)
        return _exact_sequence(sub, inner)
    if op is _C.BRANCH:
        strings: set[str] = set()
        any_folded = False
        for branch in av[1]:
            found = _exact_sequence(branch, folded)
            if found is None:
                return None
            strings |= found[0]
            any_folded |= found[1]
        return (strings, any_folded) if len(strings) <= MAX_EXACT else None
    return None


def _exact_sequence(items, folded: bool) -> tuple[set[str], bool] | None:
    strings, any_folded = {""}, False
    for op, av in items:
        found = _exact(op, av, folded)
        if found is None:
            return None
        strings = {a + b for a in strings for b in found[0]}
        any_folded |= found[1]
        if len(strings) > MAX_EXACT:
            return None
    return strings, any_folded


def _required(items, folded: bool) -> list[Literal] | None:
    """A set of literals one of which every match of the sequence contains, or None.

    Runs of items whose strings are exactly known (literals, small alternations and
    classes) combine into every string the run can match; other items are looked into.
    A literal may ignore case where the pattern does not: that finds more candidates, never
    fewer.
    """
    best: list[Literal] | None = None
    run: set[str] = {""}
    run_folded = False

    def consider(candidate: list[Literal] | None) -> None:
        nonlocal best
        useful = bool(candidate) and all(text for text, _ in candidate)  # type: ignore[union-attr]
        if useful and (best is None or _score(candidate) > _score(best)):  # type: ignore[arg-type]
            best = candidate

    def end_run() -> None:
        nonlocal run, run_folded
        consider([(text, run_folded) for text in run])
        run, run_folded = {""}, False

    for op, av in items:
        found = _exact(op, av, folded)
        if found is not None and len(run) * len(found[0]) <= MAX_EXACT:
            run = {a + b for a in run for b in found[0]}
            run_folded |= found[1]
            continue
        end_run()
        if found is not None:
            run, run_folded = set(found[0]), found[1]
            continue
        if op is _C.SUBPATTERN:
            _, add, remove, sub = av
            _, inner_folded = _flags_inside(add, remove, False, folded)
            consider(_required(sub, inner_folded))
        elif op is _C.BRANCH:
            options = [_required(branch, folded) for branch in av[1]]
            if all(options):
                consider([lit for option in options for lit in option])  # type: ignore[union-attr]
        elif op in _REPEATS and av[0] >= 1:
            consider(_required(av[2], folded))
    end_run()
    return best


def _score(literals: list[Literal]) -> tuple[int, int]:
    """Prefer sets whose shortest literal is longest (fewer false candidates), then fewer."""
    return min(len(text) for text, _ in literals), -len(literals)
