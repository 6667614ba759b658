"""What the chain's prefilter needs to know about a pattern: can a match cross a line break,
and a looser pattern that is quick to search.

The engine finds where rules may match with one RE2 set over the document, cut into blocks of
whole lines, and then runs each rule's exact pattern only in the blocks where its set entry
matched (see :mod:`cleaner.core.scan`). That is exact when

- the rule's matches never contain a line break (:func:`line_local`), so every match lies in
  one block; and
- the set entry matches wherever the rule does: :func:`relax` widens every counted repeat
  (``x{0,300}`` becomes ``x*``), which keeps the set's automaton small and fast, and only ever
  adds matches.

Both answers are conservative: a construct :func:`line_local` does not know makes it say "may
cross a line", and the engine then runs that rule over the whole document.

>>> line_local(r"^[ \\t]*Read more:[^\\n]{0,80}$"), line_local(r"^\\s*Read more")
(True, False)
>>> relax(r"^[ \\t]*Read more:[^\\n]{0,80}$")
'^[ \\\\t]*Read more:[^\\\\n]*$'
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

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

# Pieces of RE2 syntax that matter here. A counted repeat needs a leading digit: RE2 reads
# "{,3}" as literal text.
_TOKEN = re.compile(
    r"""
      (?P<quoted>\\Q.*?(?:\\E|\Z))                  # \Q...\E: literal text
    | (?P<unicode>\\[pP](?:\{\^?\w+\}|\w))          # \pL, \p{Greek}, \P{Lu}, \p{^Lu}
    | (?P<escape>\\.)
    | (?P<posix>\[:\^?\w+:\])                       # [:alpha:], only inside a class
    | (?P<repeat>\{\d+(?:,\d*)?\})
    | (?P<open>\[\^?\]?)                            # a class opens; a first ] is literal
    | (?P<close>\])
    | (?P<other>[^\\\[\]{]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)
# Unicode classes that may contain the line break (U+000A is a control character, in the
# Common script); every other category or script leaves it out.
_UNICODE_WITH_NEWLINE = {"Any", "C", "Cc", "Cf", "Co", "Cs", "Common", "Zyyy", "Inherited", "Zinh"}


def _tokens(pattern: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` for each piece of an RE2 pattern; inside a class, only ``posix``,
    ``unicode``, ``escape``, ``other`` and the ``close`` that ends it occur."""
    inside = False
    for token in _TOKEN.finditer(pattern):
        kind, text = token.lastgroup or "other", token.group()
        if kind == "open" and inside:  # "[" inside a class is a literal
            yield "other", "["
            if len(token.group()) > 1:  # what followed it is ordinary text too
                yield "other", token.group()[1:]
            continue
        if (kind == "posix" and not inside) or (kind == "repeat" and inside):  # literal text there
            kind = "other"
        yield kind, text
        if kind == "open":
            inside = True
        elif kind == "close":
            inside = False


def relax(pattern: str) -> str:
    """A pattern that matches wherever ``pattern`` does (and possibly more), with a much smaller
    automaton: counted repeats are widened (``{0,n}`` to ``*``, ``{m,n}`` to ``+``), and Unicode
    and POSIX classes, thousands of byte ranges to RE2, become "any character".

    >>> relax(r"\\d{4}-\\d{2} [a{2}] \\Qx{2}\\E {,3} (?:ab){0,2}?")
    '\\\\d+-\\\\d+ [a{2}] \\\\Qx{2}\\\\E {,3} (?:ab)*?'
    >>> relax(r"[\\p{Lu}0-9][^\\n]{0,60} \\pL [[:alpha:]]")
    '(?s:.)[^\\\\n]* (?s:.) (?s:.)'
    """
    out: list[str] = []
    in_class: list[str] | None = None  # the pieces of the class being read
    widen_class = False
    for kind, text in _tokens(pattern):
        if in_class is not None:
            in_class.append(text)
            widen_class |= kind in ("unicode", "posix")
            if kind == "close":
                out.append(_ANY if widen_class else "".join(in_class))
                in_class, widen_class = None, False
            continue
        if kind == "open":
            in_class = [text]
        elif kind == "unicode":
            out.append(_ANY)
        elif kind == "repeat":
            out.append("*" if text[1] == "0" and text[2:3] in (",", "}") else "+")
        else:
            out.append(text)
    return "".join(out + (in_class or []))


_ANY = "(?s:.)"

# Entries already known, by trigger (see set_entry); stored with the rule cache like line locality.
_set_entries: dict[str, str] = {}


def remember_set_entries(answers: Mapping[str, Any]) -> None:
    """Take answers of :func:`set_entry` computed earlier (by the same code) as known."""
    for trigger, entry in answers.items():
        if isinstance(entry, str):
            _set_entries[trigger] = entry


def set_entry(trigger: str) -> str:
    """A rule trigger's entry in the chain's prefilter set: the relaxed trigger (:func:`relax`),
    its flags kept, so that an ignore-case rule's entry ignores case too.

    >>> set_entry("(?mi)^Read more: [^\\n]{0,80}$"), set_entry("(?m)^[A-Z]{40,}$")
    ('(?mi)^Read more: [^\\n]*$', '(?m)^[A-Z]+$')
    """
    known = _set_entries.get(trigger)
    if known is None:
        known = _set_entries[trigger] = relax(trigger)
    return known


class _Unknown(Exception):
    """A construct whose meaning is not certain; the answer is then the conservative one."""


# Answers already known: analysing a long pattern costs about a millisecond, and the answers
# for rule files are stored with them (see cleaner.rulefiles.cache), so a run starts without it.
_line_locality: dict[str, bool] = {}


def remember_line_locality(answers: dict[str, bool]) -> None:
    """Take answers of :func:`line_local` computed earlier (by the same code) as known."""
    _line_locality.update(answers)


def line_local(pattern: str) -> bool:
    """Whether no match of an RE2 pattern (compiled multi-line, as the matchers do) can
    contain a line break. Unknown constructs give False.

    Python's own parser reads the pattern once Unicode classes, which it does not know, are
    replaced by classes with the same answer (``\\w`` for one without the line break, ``\\s``
    for one with it). POSIX classes, which it misreads, and anything it warns about or
    rejects give False.

    >>> line_local(r"[\\p{Lu}][^\\n.]{0,60}"), line_local(r"[^\\p{Lu}]+"), line_local(r"[[:space:]]+x")
    (True, False, False)
    """
    known = _line_locality.get(pattern)
    if known is None:
        known = _line_locality[pattern] = _analyse_line_locality(pattern)
    return known


def _analyse_line_locality(pattern: str) -> bool:
    pieces = []
    for kind, text in _tokens(pattern):
        if kind == "unicode":
            name = text[3:-1] if text[2] == "{" else text[2:]
            negated = (text[1] == "P") != name.startswith("^")
            with_newline = (name.lstrip("^") in _UNICODE_WITH_NEWLINE) != negated
            text = r"\s" if with_newline else r"\w"
        elif kind in ("posix", "quoted"):
            return False
        pieces.append(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "possible nested set", and other misreadings
            parsed = sre_parse.parse("".join(pieces), sre_constants.SRE_FLAG_MULTILINE)
    except (sre_constants.error, Warning, RecursionError, OverflowError):
        return False
    try:
        return not _may_match_newline(parsed, bool(parsed.state.flags & sre_constants.SRE_FLAG_DOTALL))
    except _Unknown:
        return False


def _dotall_inside(add: int, remove: int, dotall: bool) -> bool:
    if add & sre_constants.SRE_FLAG_DOTALL:
        return True
    if remove & sre_constants.SRE_FLAG_DOTALL:
        return False
    return dotall


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
            if _may_match_newline(sub, _dotall_inside(add, remove, dotall)):
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
