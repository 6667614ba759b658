# ruff: noqa: RUF002 - Greek, Cyrillic and old Latin letters are what this module is about
"""Case for the prefilter's lowered text: how text is lowered, and which letters of an
ignore-case pattern can be written lowered in a set entry that reads it.

A prefilter set of ignore-case patterns is slow to compile when each letter is a class of
its case variants (thousands of them in a chain of multilingual vocabularies), so the set
reads the text lowered (:func:`lower_text`) and its entries are written in lower case
(:func:`cleaner.core.prefilter.fold_case`). Lowering here is Python's ``str.lower`` followed by
folding the few lower-case letters that case folding maps to another letter (the final
sigma to "σ", the old rounded Cyrillic "ᲀ" to "в", Cherokee small letters to capitals), so
that every character an ignore-case match of a letter accepts (its folding orbit, as RE2
folds) becomes one and the same character. A letter whose orbit still lowers to more than one
character keeps a fold of its own in the entry (:func:`lowered_letter`).

Lowering never makes an ASCII character of another one: RE2's ``\\b`` and ``\\w`` read ASCII
letters only, so "ſupport" has a word boundary where "support" has none. The Kelvin sign and
the long s, whose folds are "k" and "s", stay as they are (the prefilter gives them an entry
of their own, :data:`FOLDS_TO_ASCII`), as does the capital dotted I, whose lower case is two
characters.

>>> lower_text("ДАТА Publié ſtraße".encode()).decode()
'дата publié ſtraße'
>>> lowered_letter("Д"), lowered_letter("ς"), lowered_letter("в")
('д', 'σ', 'в')
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

#: Characters whose case folding is an ASCII letter: lowering leaves them as they are, so an
#: ignore-case pattern's "k" or "s" may match where its lowered entry does not.
FOLDS_TO_ASCII = "\u212a\u017f"
# Characters lowering leaves as they are: those above, and the capital dotted I.
_KEPT = ("\u0130", *FOLDS_TO_ASCII)
# Lower-case letters whose case folding is another single letter, not an ASCII one (Unicode 14
# and 15; a test checks this against the running Python, whose lowered_letter stays exact).
_FOLDED_LOWER = "".join(
    [
        "\u00b5\u0345\u03c2\u03d0\u03d1\u03d5\u03d6\u03f0\u03f1\u03f5\u1e9b\u1fbe",
        *map(chr, range(0x13F8, 0x13FE)),  # Cherokee small letters
        *map(chr, range(0x1C80, 0x1C89)),  # old Cyrillic letter forms
        *map(chr, range(0xAB70, 0xABC0)),  # Cherokee small letters
    ]
)
_TO_FOLD = {ord(char): char.casefold() for char in _FOLDED_LOWER}
_TO_FOLD_CHARS = frozenset(_FOLDED_LOWER)
# Case mapping and folding change no character above this one (checked by a test).
_LAST_CASED = 0x1FFFF


@lru_cache(maxsize=1)
def _folded_lower_bytes() -> tuple[re.Pattern[bytes], dict[bytes, bytes]]:
    """The UTF-8 of the letters folded after lowering, and what each becomes."""
    encoded = {char.encode(): _TO_FOLD[ord(char)].encode() for char in _FOLDED_LOWER}
    return re.compile(b"|".join(map(re.escape, sorted(encoded)))), encoded


# The first bytes of the UTF-8 of those letters, but the two-byte ones, looked for whole: a text
# that holds none of them (most Latin-script text) needs no search for them.
_FOLDED_LOWER_PAIRS = ("\u00b5".encode(), "\u0345".encode())
_FOLDED_LOWER_LEADS = (b"\xcf", b"\xe1", b"\xea")
# Marks the bytes that continue a UTF-8 character: two texts with the same marks hold their
# characters at the same offsets.
_CONTINUATION = bytes(int(0x80 <= byte < 0xC0) for byte in range(256))


@lru_cache(maxsize=1)
def _case_tables() -> tuple[dict[str, list[str]], list[int]]:
    """Characters by their case folding, and the sorted code points that lowering changes.
    Built once, and only when a set entry is worked out (entries are kept in the rule cache)."""
    by_fold: dict[str, list[str]] = {}
    changed: list[int] = []
    for code in range(_LAST_CASED + 1):
        char = chr(code)
        fold = char.casefold()
        if fold != char:
            by_fold.setdefault(fold, []).append(char)
        # Only a character that lower() or the fold step touches can change: most have no case.
        if (char.lower() != char or char in _TO_FOLD_CHARS) and _lower(char) != char:
            changed.append(code)
    return by_fold, changed


def _lower(text: str) -> str:
    for kept in _KEPT:
        if kept in text:
            return kept.join(_lower(part) for part in text.split(kept))
    # "surrogatepass": a character of the tables may be a lone surrogate (a text decoded with
    # "surrogateescape" holds some too); the fold step leaves their UTF-8 as it is.
    return _folded(text.lower().encode("utf-8", "surrogatepass")).decode("utf-8", "surrogatepass")


def _folded(lowered: bytes) -> bytes:
    """Lowered UTF-8 with the letters whose case folding is another letter folded (the final
    sigma to "σ", …), looked for only where their first bytes occur: searching a lowered string
    for them cost as much as lowering it."""
    if not any(pair in lowered for pair in _FOLDED_LOWER_PAIRS) and not any(
        lead in lowered for lead in _FOLDED_LOWER_LEADS
    ):
        return lowered
    search, folded = _folded_lower_bytes()
    return search.sub(lambda letter: folded[letter[0]], lowered)


def lower_char(char: str) -> str:
    """What :func:`lower_text` makes of one character.

    >>> lower_char("Ä"), lower_char("ς"), lower_char("\u212a") == "\u212a"
    ('ä', 'σ', True)
    """
    return _lower(char)


def lower_text(piece: bytes) -> bytes:
    """UTF-8 text lowered as a prefilter set of lowered entries reads it (see the module
    docstring).

    >>> lower_text(b"Read MORE"), lower_text("İstanbul ÉTÉ ΣΟΣ".encode()).decode()
    (b'read more', 'İstanbul été σοσ')
    """
    if piece.isascii():
        return piece.lower()
    text = piece.decode("utf-8", "surrogateescape")
    if any(kept in text for kept in _KEPT):
        return _lower(text).encode("utf-8", "surrogateescape")
    return _folded(text.lower().encode("utf-8", "surrogateescape"))


def lower_in_place(text: bytes) -> bytes | None:
    """:func:`lower_text` of UTF-8 ``text`` when every character keeps its offsets, so that a
    slice of the result between character boundaries is that slice of ``text`` lowered; None
    when a character changed its length (rare: "ẞ" lowers to "ß", one byte shorter). Lowering
    a document once serves every piece of it the prefilter reads.

    >>> lower_in_place("Read MORE – Été".encode()).decode(), lower_in_place("ẞ".encode())
    ('read more – été', None)
    """
    lowered = lower_text(text)
    if len(lowered) != len(text):
        return None
    if text.isascii() or text.translate(_CONTINUATION) == lowered.translate(_CONTINUATION):
        return lowered
    return None


def lowered_letter(char: str) -> str | None:
    """What ``char`` of an ignore-case pattern may be written as in an entry for lowered text:
    the one character :func:`lower_text` makes of every member of its folding orbit, or None
    when there is none.

    >>> lowered_letter("É"), lowered_letter("ſ"), lowered_letter("k")
    ('é', None, None)
    """
    target = _lower(char)
    if len(target) != 1:
        return None
    by_fold, _ = _case_tables()
    fold = char.casefold()
    orbit = [char, *by_fold.get(fold, ()), *(fold if len(fold) == 1 else ())]
    return target if all(_lower(member) == target for member in orbit) else None


def lowering_changes_any(first: str, last: str) -> bool:
    """Whether :func:`lower_text` changes any character from ``first`` to ``last`` (a range
    of a character class).

    >>> lowering_changes_any("0", "9"), lowering_changes_any("0", "`"), lowering_changes_any("а", "я")
    (False, True, False)
    """
    _, changed = _case_tables()
    at = bisect.bisect_left(changed, ord(first))
    return at < len(changed) and changed[at] <= ord(last)
