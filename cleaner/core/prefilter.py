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
import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cleaner.core.casing import lower_char, lowered_letter, lowering_changes_any

if TYPE_CHECKING:
    from collections.abc import Iterator

# CPython's own parser of regular expressions. Python 3.11 made it private (re._parser) and
# left sre_parse as a deprecated alias; typeshed describes only the alias, so type checking
# (at the oldest Python supported, 3.10) reads that branch.
if sys.version_info >= (3, 11):
    from re import _constants as sre_constants
    from re import _parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants
    import sre_parse

_C = sre_constants
NEWLINE = 10
# Categories (\s, \D, \W) whose members include the line break.
_NEWLINE_CATEGORIES = {_C.CATEGORY_SPACE, _C.CATEGORY_NOT_DIGIT, _C.CATEGORY_NOT_WORD}
_REPEATS = {_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", _C.MAX_REPEAT)}

# Unicode classes that may contain the line break (U+000A is a control character, in the
# Common script); every other category or script leaves it out.
_UNICODE_WITH_NEWLINE = {"Any", "C", "Cc", "Cf", "Co", "Cs", "Common", "Zyyy", "Inherited", "Zinh"}


def relax(pattern: str) -> str:
    """A pattern that matches wherever ``pattern`` does (and possibly more), with a much smaller
    automaton: counted repeats are widened (``{0,n}`` to ``*``, ``{m,n}`` to ``+``), and Unicode
    and POSIX classes, thousands of byte ranges to RE2, become "any character" (but the line
    break, when the class cannot match one: an entry that could run past a line's end keeps
    the set's automaton in extra states over the rest of the block).

    >>> relax(r"\\d{4}-\\d{2} [a{2}] \\Qx{2}\\E {,3} (?:ab){0,2}?")
    '\\\\d+-\\\\d+ [a{2}] \\\\Qx{2}\\\\E {,3} (?:ab)*?'
    >>> relax(r"[\\p{Lu}0-9][^\\n]{0,60} \\pL [[:alpha:]] \\PL [^\\pL] [^\\pL\\n]")
    '[^\\\\n][^\\\\n]* [^\\\\n] [^\\\\n] (?s:.) (?s:.) [^\\\\n]'
    """
    out: list[str] = []
    in_class: list[tuple[str, str]] | None = None  # the pieces of the class being read
    for kind, text in _tokens(pattern):
        if in_class is not None:
            in_class.append((kind, text))
            if kind == "close":
                widen = any(piece_kind in ("unicode", "posix") for piece_kind, _ in in_class)
                out.append(_widened(in_class) if widen else "".join(piece for _, piece in in_class))
                in_class = None
            continue
        if kind == "open":
            in_class = [(kind, text)]
        elif kind == "unicode":
            out.append(_widened([(kind, text)]))
        elif kind == "repeat":
            out.append("*" if text[1] == "0" and text[2:3] in (",", "}") else "+")
        else:
            out.append(text)
    return "".join(out + [piece for _, piece in in_class or []])


_ANY = "(?s:.)"
_ANY_BUT_NEWLINE = r"[^\n]"
_POSIX_WITH_NEWLINE = {"space", "cntrl"}


def _stand_in(kind: str, text: str) -> str:
    """A class Python's parser knows with the same answer to "can it match a line break" as a
    Unicode or POSIX class: ``\\s`` for one that can, ``\\w`` for one that cannot."""
    if kind == "unicode":
        name = text[3:-1] if text[2] == "{" else text[2:]
        negated = (text[1] == "P") != name.startswith("^")
        return r"\s" if (name.lstrip("^") in _UNICODE_WITH_NEWLINE) != negated else r"\w"
    name = text[2:-2]
    return r"\s" if (name.lstrip("^") in _POSIX_WITH_NEWLINE) != name.startswith("^") else r"\w"


def _widened(pieces: list[tuple[str, str]]) -> str:
    """What a Unicode class, or a class holding Unicode or POSIX classes, relaxes to: any
    character but the line break when it cannot match one, else any character."""
    text = "".join(
        _stand_in(kind, piece) if kind in ("unicode", "posix") else piece for kind, piece in pieces
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            parsed = sre_parse.parse(text)
        return _ANY if _may_match_newline(parsed, dotall=False) else _ANY_BUT_NEWLINE
    except (sre_constants.error, Warning, RecursionError, _Unknown):
        return _ANY


# Case folding makes a set's automaton larger and slower to build (a class for each letter),
# so the prefilter set reads text with its letters lowered (cleaner.core.casing.lower_text),
# with patterns to match (see fold_case).
_LEADING_FLAGS = re.compile(r"\(\?([a-zA-Z]*)\)")
_INLINE_CASE_FLAG = re.compile(r"\(\?[a-zA-Z]*-?[a-zA-Z]*i[a-zA-Z-]*[:)]")
_GROUP_SYNTAX = re.compile(r"(\(\?P<\w+>|\(\?[a-zA-Z-]*[:)])")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LOWER_ASCII = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Escapes that may stand for a letter (\x41, \101): their case cannot be lowered safely.
_LETTER_ESCAPES = re.compile(r"\\(?:x|[0-7])")


def fold_case(pattern: str) -> str:
    """A pattern that, searched in lowered text (:func:`cleaner.core.casing.lower_text`),
    matches wherever ``pattern`` matches in the text as it was (and possibly more), without
    case folding over the whole pattern, which is slow to compile into a set.

    Letters are lowered, except those of an ignore-case pattern whose case variants lower to
    different characters (see :func:`cleaner.core.casing.lowered_letter`): they
    keep a fold of their own, as do character classes that hold characters lowering changes.
    (An ignore-case pattern's "k" and "s" also match a character lowering leaves as it is:
    see :data:`cleaner.core.casing.FOLDS_TO_ASCII`.)
    What this cannot read safely (case flags inside the pattern, letters written as escapes,
    Unicode classes such as ``\\p{Lu}``) becomes "any character".

    >>> fold_case("(?mi)^Read MORE: [A-Z]É")
    '(?m)^read more: (?i:[A-Z])é'
    >>> fold_case("(?m)^Foto: [^\\n]{0,60}$")
    '(?m)^foto: [^\\n]{0,60}$'
    """
    flags, rest = "", pattern
    while (lead := _LEADING_FLAGS.match(rest)) is not None:
        flags += lead.group(1)
        rest = rest[lead.end() :]
    if _INLINE_CASE_FLAG.search(rest) or _LETTER_ESCAPES.search(rest):
        return _ANY
    ignore_case = "i" in flags
    flags = flags.replace("i", "")
    out = [f"(?{flags})" if flags else ""]
    in_class: list[tuple[str, str]] | None = None
    for kind, text in _tokens(rest):
        if in_class is not None:
            in_class.append((kind, text))
            if kind == "close":
                out.append(_fold_class(in_class, ignore_case))
                in_class = None
        elif kind == "open":
            in_class = [(kind, text)]
        elif kind == "unicode":  # \p{Lu} holds "A", which lowering makes "a"
            out.append(_ANY)
        elif kind == "quoted":
            end = len(text) - 2 if text.endswith("\\E") else len(text)  # lower the text, not \Q, \E
            quoted = text[:2] + text[2:end].translate(_LOWER_ASCII) + text[end:]
            out.append(quoted if text.isascii() or not ignore_case else _ANY)
        elif kind == "other":
            out.extend(_fold_other(piece, ignore_case) for piece in _GROUP_SYNTAX.split(text))
        else:
            out.append(text)
    return "".join(out + [text for _, text in in_class or []])


def _fold_other(text: str, ignore_case: bool) -> str:
    if text.startswith("(?"):  # group syntax: (?:, (?P<name>, (?s)
        return text
    text = text.translate(_LOWER_ASCII)
    if not text.isascii():
        text = _NON_ASCII.sub(lambda m: _fold_letter(m[0], ignore_case), text)
    return text


def _fold_letter(char: str, ignore_case: bool) -> str:
    """A non-ASCII character of a pattern, for lowered text."""
    if ignore_case:
        lowered = lowered_letter(char)
        return f"(?i:{char})" if lowered is None else lowered
    return lower_char(char)  # a case-sensitive pattern's letter, as lowered text has it


def _fold_class(tokens: list[tuple[str, str]], ignore_case: bool) -> str:
    """A character class for lowered text: as it is when lowering changes none of its
    characters, else folding itself; "any character" when lowering could take a character
    out of it."""
    text = "".join(piece for _, piece in tokens)
    inner = tokens[1:-1]
    if any(kind in ("unicode", "posix") for kind, _ in inner):
        return _ANY
    if not _lowering_changes_members(inner):
        return text
    if tokens[0][1].startswith("[^") and not ignore_case:
        return _ANY  # [^a-z] holds "A", which lowering makes "a"
    return f"(?i:{text})"


def _lowering_changes_members(inner: list[tuple[str, str]]) -> bool:
    """Whether lowering may change a character of a class (its tokens between the brackets).
    Escapes (``\\t``, ``\\w``: ASCII classes, which lowering keeps closed) stand as NUL,
    so a range from or to one counts as reaching from NUL."""
    members = "".join(piece if kind == "other" else "\0" for kind, piece in inner)
    at = 0
    while at < len(members):
        if at + 2 < len(members) and members[at + 1] == "-":
            first, last, at = members[at], members[at + 2], at + 3
        else:
            first = last = members[at]
            at += 1
        if lowering_changes_any(first, last):
            return True
    return False


# Entries already known, by trigger (see set_entry); stored with the rule cache like line locality.
_set_entries: dict[str, tuple[str, bool]] = {}


def remember_set_entries(answers: Mapping[str, Sequence[Any]]) -> None:
    """Take answers of :func:`set_entry` computed earlier (by the same code) as known."""
    for trigger, (entry, lowered) in answers.items():
        _set_entries[trigger] = (str(entry), bool(lowered))


def set_entry(trigger: str) -> tuple[str, bool]:
    """A rule trigger's entry in the chain's prefilter sets, and whether its set reads lowered
    text: the relaxed trigger (:func:`relax`), for an ignore-case trigger case folded
    (:func:`fold_case`), and cut short (:func:`cleaner.core.shorten.shorten`). A case-sensitive
    trigger keeps its case, which costs a set nothing and keeps "AP" from matching in "happy".

    >>> set_entry("(?mi)^Read more: [^\\n]{0,80}$"), set_entry("(?m)^[A-Z]{40,}$")
    (('(?m)^read mor', True), ('(?m)^[A-Z]+$', False))
    """
    known = _set_entries.get(trigger)
    if known is None:
        relaxed = relax(trigger)
        lowered = "i" in (_LEADING_FLAGS.match(trigger) or ["", ""])[1]
        from cleaner.core.shorten import shorten  # like _tokens: only for a pattern not cached

        entry = shorten(fold_case(relaxed) if lowered else relaxed)
        known = _set_entries[trigger] = (entry, lowered)
    return known


def _tokens(pattern: str) -> Iterator[tuple[str, str]]:
    """:func:`cleaner.core.syntax.tokens`, imported when a pattern is first analysed: a chain
    loaded from the rule cache (:mod:`cleaner.rulefiles.cache`) never is, and starts sooner."""
    from cleaner.core.syntax import tokens

    return tokens(pattern)


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
            text = _stand_in(kind, text)
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
