"""Reading RE2 patterns: their pieces (:func:`tokens`), and the tree of their alternatives and
sequences (:func:`parse`), which :func:`render` writes back as the same text.

>>> render(parse("(?m)^(?:Read|See) more[ \\t]*$"))
'(?m)^(?:Read|See) more[ \\t]*$'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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
# A group's opening: capturing, non-capturing with flags, named; or flags alone, "(?s)".
_OPENING = re.compile(r"\(\?[a-zA-Z-]*\)|\((?:\?P<\w+>|\?[a-zA-Z-]*:)?")


def tokens(pattern: str) -> Iterator[tuple[str, str]]:
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


@dataclass(frozen=True)
class Item:
    """One element of a sequence: an atom (a character, escape, class or flags), or a group
    with its opening text and alternatives; and the repeat operators that follow it."""

    text: str
    group: Alternatives | None = None
    repeat: str = ""

    def render(self) -> str:
        """The item as RE2 text."""
        inner = "" if self.group is None else render(self.group) + ")"
        return self.text + inner + self.repeat


Items = list[Item]  # one alternative: a sequence of items
Alternatives = list[Items]


def parse(pattern: str) -> Alternatives | None:
    """The alternatives of ``pattern``, or None when its text is not read back exactly (a
    construct this reader does not know).

    >>> [[item.render() for item in sequence] for sequence in parse("a+|(?:b|c)?d")]
    [['a+'], ['(?:b|c)?', 'd']]
    """
    pieces = _pieces(pattern)
    try:
        tree = _alternatives(pieces, top=True)
    except ValueError:
        return None
    return tree if render(tree) == pattern else None


def render(alternatives: Alternatives) -> str:
    """The RE2 text of a tree of alternatives."""
    return "|".join("".join(item.render() for item in sequence) for sequence in alternatives)


def _pieces(pattern: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)``: ``atom``, ``open`` (a group), ``close``, ``alt``, ``repeat``."""
    in_class: list[str] | None = None
    for kind, text in tokens(pattern):
        if in_class is not None:
            in_class.append(text)
            if kind == "close":
                yield "atom", "".join(in_class)
                in_class = None
        elif kind == "open":
            in_class = [text]
        elif kind == "repeat":
            yield "repeat", text
        elif kind != "other":
            yield "atom", text
        else:
            yield from _other_pieces(text)
    if in_class is not None:
        yield "atom", "".join(in_class)


def _other_pieces(text: str) -> Iterator[tuple[str, str]]:
    at = 0
    while at < len(text):
        char = text[at]
        if char == "(":
            opening = _OPENING.match(text, at)
            assert opening is not None  # "(" alone always matches
            flags_alone = opening.group().endswith(")")
            yield ("atom" if flags_alone else "open"), opening.group()
            at = opening.end()
            continue
        yield {")": "close", "|": "alt", "*": "repeat", "+": "repeat", "?": "repeat"}.get(char, "atom"), char
        at += 1


def _alternatives(pieces: Iterator[tuple[str, str]], *, top: bool = False) -> Alternatives:
    alternatives: Alternatives = [[]]
    for kind, text in pieces:
        sequence = alternatives[-1]
        if kind == "close":
            if top:
                raise ValueError("unbalanced )")
            return alternatives
        if kind == "alt":
            alternatives.append([])
        elif kind == "repeat":
            if not sequence:
                raise ValueError("nothing to repeat")
            last = sequence[-1]
            sequence[-1] = Item(last.text, last.group, last.repeat + text)
        elif kind == "open":
            sequence.append(Item(text, _alternatives(pieces)))
        else:
            sequence.append(Item(text))
    if not top:
        raise ValueError("unclosed (")
    return alternatives
