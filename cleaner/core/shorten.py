"""A shorter prefilter entry: the start of every match.

A rule's entry in the chain's prefilter sets only has to match wherever the rule may (see
:mod:`cleaner.core.prefilter`); the start of a match, the first items of a sequence, matches
wherever the whole does. Most of what a multilingual chain's sets compile is the rest of its
patterns: the second half of a vocabulary of phrases, a date grammar after a label. So an entry
is cut, in each of its alternatives, once it has read :data:`CERTAIN` characters that every
match must contain (a letter, digit or punctuation mark counts one; a digit class, a space or a
class of letters half). The built-in chain's sets compile in about four fifths of the time, and
say "may match" a little more often, which costs an exact search of that block. A group whose
alternatives are of both kinds (a vocabulary of one-word buttons and long phrases) is cut in
its long alternatives, while the short ones keep what follows them: otherwise one short
word would leave the whole vocabulary uncut.

>>> shorten("(?m)^[ \\t]*(?:related articles|more on this story)[ \\t]*:[^\\n]*$")
'(?m)^[ \\t]*(?:related|more on )'
>>> shorten("(?m)^[0-9]+ min read$")
'(?m)^[0-9]+ min rea'

An optional group as long as the budget (a label before a date) is cut too; what follows it
is then another alternative:

>>> shorten("(?m)^(?:Published on|Last updated on)? [0-9]+ [A-Z][a-z]+ [0-9]{4}$")
'(?m)^(?:Publish|Last upd| [0-9]+ [A-Z][a-z]+ [0-9]{4}$)'
"""

from __future__ import annotations

from cleaner.core.syntax import Alternatives, Item, Items, parse, render

CERTAIN = 7.0
_WEAK_ESCAPES = {"\\d", "\\w", "\\pL", "\\pN"}
_ZERO_WIDTH_OR_WIDE = {"^", "$", ".", *(f"\\{letter}" for letter in "bBAzsSDWnrt")}


def shorten(entry: str, certain: float = CERTAIN) -> str:
    """``entry`` cut in each alternative after ``certain`` characters every match contains
    (see the module docstring); the entry as it is when its syntax is not read back exactly."""
    tree = parse(entry)
    return entry if tree is None else render(_cut(tree, certain))


def _cut(alternatives: Alternatives, certain: float) -> Alternatives:
    return _without_longer([_cut_sequence(sequence, certain) for sequence in alternatives])


def _without_longer(alternatives: Alternatives) -> Alternatives:
    """The alternatives, less those that begin with another one, item by item: a match of the
    longer contains a match of the shorter at its start. Cut vocabularies hold many such ("sign
    up for our" and "sign up to our" are both "sign up" once cut), and each costs the set.

    >>> render(_without_longer(parse("sign up|sign up|sign upx|newsl")))
    'sign up|newsl'
    """
    rendered = [tuple(item.render() for item in sequence) for sequence in alternatives]
    kept: set[tuple[str, ...]] = set()
    for items in sorted(set(rendered), key=len):
        if not any(items[:length] in kept for length in range(len(items))):
            kept.add(items)
    result: Alternatives = []
    for sequence, items in zip(alternatives, rendered, strict=True):
        if items in kept:
            kept.remove(items)  # of equal alternatives, the first stays
            result.append(sequence)
    return result


def _cut_sequence(sequence: Items, certain: float) -> Items:
    kept: Items = []
    have = 0.0
    for position, item in enumerate(sequence):
        if have >= certain:
            break
        weight = _weight(item)
        opening = "(?:" if item.text == "(" or item.text.startswith("(?P<") else item.text
        if item.group is not None and item.repeat == "?" and _least(item.group) >= certain - have:
            # An optional group as long as the budget (a label before a date): a match has it,
            # cut inside it, or only what follows. Kept so when that is shorter. (Only then: what
            # follows is cut once, so a run of optional groups costs no more than before.)
            after = _cut_sequence(sequence[position + 1 :], certain - have)
            either = [Item("(?:", _without_longer([*_cut(item.group, certain - have), after]))]
            whole = [item, *after]
            kept += either if len(render([either])) < len(render([whole])) else whole
            break
        if item.group is not None and item.repeat in ("", "+", "+?") and have + weight > certain:
            # A group repeated once or more starts with one of its alternatives: cut inside it.
            kept.append(Item(opening, _cut(item.group, certain - have)))
            break
        if item.group is not None and item.repeat == "":
            budget = certain - have
            long: Alternatives = []
            short: Alternatives = []
            for alternative in item.group:
                (long if _least([alternative]) > budget else short).append(alternative)
            if long and short:
                # Long and short alternatives (a vocabulary with "Print" and "Listen to this
                # article"): the long ones are cut, the short ones keep what follows them.
                rest = _cut_sequence(sequence[position + 1 :], budget - _least(short))
                split = [[Item(opening, _cut(long, budget))], [Item(opening, short), *rest]]
                kept.append(Item("(?:", split))
                break
        kept.append(item)
        have += weight
    return kept


def _least(alternatives: Alternatives) -> float:
    """The fewest certain characters a match of one of the alternatives contains."""
    return min(sum(_weight(item) for item in sequence) for sequence in alternatives)


def _weight(item: Item) -> float:
    if item.repeat[:1] in ("?", "*"):  # may match nothing
        return 0.0
    if item.group is not None:
        return _least(item.group)
    text = item.text
    if text in _ZERO_WIDTH_OR_WIDE or text.startswith("(?"):
        return 0.0
    if text in _WEAK_ESCAPES or text == " ":
        return 0.5
    if text.startswith("\\Q"):
        return float(len(text.removeprefix("\\Q").removesuffix("\\E")))
    if text.startswith("["):
        return 0.0 if text.startswith("[^") or set(text[1:-1]) <= set(" \\t") else 0.5
    return 1.0  # a character, or an escaped one (\., \()
