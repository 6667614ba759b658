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


def _required(items, folded: bool) -> list[Literal] | None:
    """A set of literals one of which every match of the sequence contains, or None."""
    best: list[Literal] | None = None
    run: list[str] = []

    def consider(candidate: list[Literal] | None) -> None:
        nonlocal best
        if candidate and (best is None or _score(candidate) > _score(best)):
            best = candidate

    def end_run() -> None:
        if run:
            consider([("".join(run), folded)])
            run.clear()

    for op, av in items:
        if op is _C.LITERAL:
            run.append(chr(av))
            continue
        end_run()
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
