"""What a line must open with for a prefilter entry to match in it.

Most entries of a chain's prefilter sets read ``(?m)^[ \\t]*(?:[•►]+[ \\t]*)?(?:read also|more
on |…)``: the start of a line, characters a line may open with (blanks, bullets), then one of
a vocabulary's phrases. Such an entry matches only in a line that, once those characters are
stripped from its start, opens with one of a few literal texts, its *openings*. Looking a
line's start up in a table of them costs no compile, where the set that holds the same
vocabularies takes tens of milliseconds to compile (see :mod:`cleaner.core.gate`).

>>> line_opening_of("(?m)^[ \\t]*(?:[•►]+[ \\t]*)?(?:read also|more on )", lowered=True)
Opening(skip='\\t •►', prefixes=('more on ', 'read als'), rest=None)
>>> line_opening_of("(?m)^[ \\t]*[^\\n]*\\bNewsletter", lowered=False) is None
True

The answer is conservative: every match of the entry that is not a match of ``rest`` (the
alternatives that may open a line with any word, or with a class of many characters) lies in a
line that, stripped of the ``skip`` characters, starts with one of the ``prefixes``. An entry
none of whose alternatives opens a line so has no opening (None). Line breaks are never part of
an opening: the entries answered for are those of rules whose matches lie within one line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from cleaner.core.prefilter import set_entry

if TYPE_CHECKING:
    from cleaner.core.syntax import Alternatives, Item, Items

# How many characters of an opening are kept: longer ones are cut and then, with all that
# begin with them, stored once. The set entry itself confirms a line the table lets through.
KEPT_CHARACTERS = 8
# An opening shorter than this ("the ", "by ") starts too many lines of an article: an
# alternative that may open so is left to the set.
SHORTEST = 5
# A class of more characters than this is not spelled out into openings ("[0-9]" still is).
_MOST_CLASS_CHARACTERS = 10
# Spelling out stops once the openings would pass this many (a cross product of classes).
_MOST_OPENINGS = 2048
_FLAGS = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)")
_ESCAPED = {"\\t": "\t", "\\f": "\f", "\\v": "\v", "\\r": "\r", "\\d": "0123456789"}
_PLAIN_GROUPS = ("(", "(?:")


class Opening(NamedTuple):
    """Characters a matching line may open with (``skip``), then one of ``prefixes``; ``rest``:
    the entry's alternatives that do not open so (a set searches for them), or None."""

    skip: str
    prefixes: tuple[str, ...]
    rest: str | None = None


# Answers already known, by trigger; stored with the rule cache like the set entries.
_openings: dict[str, Opening | None] = {}


def remember_openings(answers: dict[str, Opening | None]) -> None:
    """Take answers of :func:`line_opening` computed earlier (by the same code) as known."""
    _openings.update(answers)


def line_opening(trigger: str) -> Opening | None:
    """The opening of a rule trigger's prefilter entry (:func:`cleaner.core.prefilter.set_entry`).

    >>> line_opening("(?mi)^Read (?:more|also)[ \\t]*:")
    Opening(skip='', prefixes=('read als', 'read mor'), rest=None)
    """
    if trigger not in _openings:
        entry, lowered = set_entry(trigger)
        _openings[trigger] = line_opening_of(entry, lowered=lowered)
    return _openings[trigger]


def line_opening_of(entry: str, *, lowered: bool) -> Opening | None:
    """The opening of a prefilter entry, or None; ``lowered``: the entry reads lowered text, where
    an ignore-case group of ASCII letters matches only their lower case.

    Alternatives that may open a line otherwise (with a word, with any text) are left in ``rest``;
    a class of a few characters, such as a digit, is spelled out:

    >>> found = line_opening_of("(?m)^[ \\t]*(?:updated|[0-9] days|[a-z]+ ago)", lowered=True)
    >>> found.prefixes[:2], found.prefixes[-1], found.rest
    (('0 days', '1 days'), 'updated', '(?m)^[ \\t]*(?:[a-z]+ ago)')
    """
    from cleaner.core.syntax import parse, render  # only for a pattern not cached, like shorten

    tree = parse(entry)
    if tree is None or (flagged := _after_flags(tree[0], multi_line=False)) is None:
        return None
    lead, multi_line = tree[0][: flagged[0]], flagged[1]
    skip: set[str] = set()
    prefixes: set[str] = set()
    rest: Alternatives = []
    for index, sequence in enumerate(tree):
        body = sequence[len(lead) :] if index == 0 else sequence
        found = _split(body, multi_line=multi_line, lowered=lowered)
        if found is None:
            rest.append(body)
            continue
        skip |= found.skip
        prefixes |= found.prefixes
        if found.rest is not None:
            rest.append(found.rest)
    if not prefixes:
        return None
    left = "".join(item.render() for item in lead) + render(rest) if rest else None
    return Opening("".join(sorted(skip)), _shortest(prefixes), left)


def _flags_of(item: Item) -> re.Match[str] | None:
    """The flags an item sets for what follows it (``(?m)``), or None for another item."""
    return _FLAGS.fullmatch(item.text) if item.group is None else None


def _after_flags(sequence: Items, *, multi_line: bool) -> tuple[int, bool] | None:
    """How many flags items (``(?m)``, ``(?s-m)``) open ``sequence``, and whether ``^`` matches
    at each line's start after them; None when one of them turns ignore-case on."""
    at = 0
    while at < len(sequence) and (flags := _flags_of(sequence[at])) is not None:
        if "i" in flags.group(1):
            return None
        multi_line = (multi_line or "m" in flags.group(1)) and "m" not in (flags.group(2) or "")
        at += 1
    return at, multi_line


class _Split(NamedTuple):
    skip: set[str]
    prefixes: set[str]
    rest: Items | None  # the sequence with only the alternatives that have no opening


def _split(sequence: Items, *, multi_line: bool, lowered: bool) -> _Split | None:
    """The opening of one of an entry's alternatives: its skipped marks, and the openings of the
    alternatives of its first group (or of the whole), with the rest; None for none at all."""
    from cleaner.core.syntax import Item

    if (flagged := _after_flags(sequence, multi_line=multi_line)) is None:
        return None
    at, multi_line = flagged
    if at == len(sequence) or sequence[at].text != "^" or sequence[at].repeat or not multi_line:
        return None
    at += 1
    skip: set[str] = set()
    while at < len(sequence) and (chars := _skipped(sequence[at])) is not None:
        skip |= chars
        at += 1
    head, first, after = sequence[:at], sequence[at : at + 1], sequence[at + 1 :]
    if not first or first[0].group is None or first[0].text not in _PLAIN_GROUPS or first[0].repeat:
        whole = {prefix for prefix, _ in _spelled(sequence[at:], lowered=lowered)}
        return _Split(skip, whole, None) if min(map(len, whole)) >= SHORTEST else None
    prefixes: set[str] = set()
    left: Alternatives = []
    for alternative in first[0].group:
        spelled = {prefix for prefix, _ in _spelled([*alternative, *after], lowered=lowered)}
        if min(map(len, spelled)) < SHORTEST:
            left.append(alternative)
        else:
            prefixes |= spelled
    if not prefixes:
        return None
    return _Split(skip, prefixes, [*head, Item(first[0].text, left), *after] if left else None)


def _skipped(item: Item) -> set[str] | None:
    """The characters of an item a line may open with before its text: an optional class of
    marks (``[ \\t]*``, ``[•►]?``), or an optional group of such classes; None for another item."""
    if item.repeat[:1] not in ("*", "?"):
        return None
    if item.group is not None and item.text not in _PLAIN_GROUPS:
        return None
    chars: set[str] = set()
    for sequence in [[item]] if item.group is None else item.group:
        for inner in sequence:
            found = _class_members(inner.text) if inner.group is None and inner.text.startswith("[") else None
            if found is None or "\n" in found or any(char.isalnum() for char in found):
                return None
            chars |= found
    return chars


# A spelled-out start of a match, and whether what follows it may still be added (complete).
_Spelled = list[tuple[str, bool]]


def _spelled(sequence: Items, *, lowered: bool, folded: bool = False) -> _Spelled:
    """Every literal text a match of ``sequence`` starts with, as far as it is spelled out."""
    spelled: _Spelled = [("", True)]
    at = 0
    while at < len(sequence) and any(complete for _, complete in spelled):
        # A run of plain characters (most of a vocabulary) is added to every opening at once.
        run = []
        while at < len(sequence) and (char := _plain_char(sequence[at], folded=folded)) is not None:
            run.append(char)
            at += 1
        if run:
            text = "".join(run)
            spelled = [(prefix + text, True) if complete else (prefix, False) for prefix, complete in spelled]
        else:
            more = _item_spelled(sequence[at], lowered=lowered, folded=folded)
            at += 1
            if more is None:
                return [(prefix, False) for prefix, _ in spelled]
            grown = [(prefix, False) for prefix, complete in spelled if not complete]
            grown += [
                (prefix + text, done) for prefix, complete in spelled if complete for text, done in more
            ]
            if len(grown) > max(_MOST_OPENINGS, len(spelled) + len(more)):
                return [(prefix, False) for prefix, _ in spelled]
            spelled = grown
    return spelled


def _plain_char(item: Item, *, folded: bool) -> str | None:
    """The one character an item matches, when it is a plain character; else None."""
    if item.group is not None or item.repeat:
        return None
    chars = _spelled_chars(item.text, folded=folded)
    return next(iter(chars)) if chars is not None and len(chars) == 1 else None


def _item_spelled(item: Item, *, lowered: bool, folded: bool) -> _Spelled | None:
    """The literal texts one item starts with, or None where it is not spelled out."""
    if item.repeat[:1] in ("?", "*"):
        from cleaner.core.syntax import Item  # analysis only; see line_opening_of

        once = _item_spelled(Item(item.text, item.group), lowered=lowered, folded=folded)
        if once is None:
            return [("", True), ("", False)]
        return [("", True), *(once if item.repeat[:1] == "?" else [(text, False) for text, _ in once])]
    if item.repeat[:1] not in ("", "+"):
        return None  # a counted repeat
    if item.group is None:
        if item.text == "\\b":
            return [("", True)]
        chars = _spelled_chars(item.text, folded=folded)
        return None if chars is None else [(char, not item.repeat) for char in sorted(chars)]
    ignore_case = item.text == "(?i:" and lowered
    if item.text not in _PLAIN_GROUPS and not item.text.startswith("(?P<") and not ignore_case:
        return None
    spelled = [
        pair
        for sequence in item.group
        for pair in _spelled(sequence, lowered=lowered, folded=folded or ignore_case)
    ]
    return spelled if not item.repeat else [(text, False) for text, _ in spelled]


def _spelled_chars(text: str, *, folded: bool) -> set[str] | None:
    """The characters an atom matches, as openings spell them: a few of them (:func:`_chars`),
    and in an ignore-case group of an entry that reads lowered text, ASCII letters lowered."""
    chars = _chars(text)
    if chars is None or len(chars) > _MOST_CLASS_CHARACTERS:
        return None
    if folded:
        return {char.lower() for char in chars} if all(char.isascii() for char in chars) else None
    return chars


def _chars(text: str) -> set[str] | None:
    """The characters an atom matches, when it is a character, an escaped one or a class of few."""
    if text.startswith("["):
        return _class_members(text)
    if text in _ESCAPED:
        return set(_ESCAPED[text])
    if text.startswith("\\"):
        return {text[1]} if len(text) == 2 and not text[1].isalnum() else None
    return {text} if len(text) == 1 and text not in ".^$\n" else None


def _class_members(text: str) -> set[str] | None:
    """The members of a class such as ``[ \\t•]`` or ``[0-9]``; None for a negated one, or one
    with Perl, Unicode or POSIX classes, or with a range of many characters.

    >>> sorted(_class_members("[a\\\\-c]")), sorted(_class_members("[a-c]"))
    (['-', 'a', 'c'], ['a', 'b', 'c'])
    """
    if text.startswith("[^") or "[:" in text:
        return None
    # Each member's characters, and whether it was written escaped: "\\-" is a hyphen, never a range.
    body, members, at = text[1:-1], [], 0
    while at < len(body):
        if body[at] == "\\":
            escaped = body[at : at + 2]
            if escaped in _ESCAPED:
                members.append((_ESCAPED[escaped], True))
            elif escaped[1:].isalnum():
                return None
            else:
                members.append((escaped[1:], True))
            at += 2
        else:
            members.append((body[at], False))
            at += 1
    chars: set[str] = set()
    at = 0
    while at < len(members):
        if at + 2 < len(members) and members[at + 1] == ("-", False):
            (low, _), (high, _) = members[at], members[at + 2]
            if len(low) != 1 or len(high) != 1 or not 0 <= ord(high) - ord(low) <= 64:
                return None
            chars.update(map(chr, range(ord(low), ord(high) + 1)))
            at += 3
        else:
            chars.update(members[at][0])
            at += 1
    return chars


def _shortest(prefixes: set[str]) -> tuple[str, ...]:
    """The prefixes cut to :data:`KEPT_CHARACTERS`, less those that begin with another one.

    >>> _shortest({"read more", "read more about", "read also", "more"})
    ('more', 'read als', 'read mor')
    """
    kept: list[str] = []
    for prefix in sorted({prefix[:KEPT_CHARACTERS] for prefix in prefixes}):
        if not kept or not prefix.startswith(kept[-1]):
            kept.append(prefix)
    return tuple(kept)
