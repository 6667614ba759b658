"""The rule kinds, one module each, and the registry that names them.

Adding a kind: write a module with a :class:`~cleaner.core.kinds.base.Matcher` subclass
(its ``kind`` name, its ``fields`` and ``find_bytes``), and list the class in :data:`KINDS`.
Rule files, ``rules check``, ``rules show`` and the engine take it from there.
"""

from __future__ import annotations

from cleaner.core.kinds.base import Candidate, Field, Matcher
from cleaner.core.kinds.block import BlockMatcher
from cleaner.core.kinds.line import LineMatcher
from cleaner.core.kinds.phrase import PhraseMatcher
from cleaner.core.kinds.regex import RegexMatcher
from cleaner.core.kinds.signals import SignalsMatcher
from cleaner.core.rule import Rule

__all__ = ["KINDS", "Candidate", "Field", "Matcher", "compile_rule", "kind_of"]

#: Every rule kind, by the name rule files give it.
KINDS: dict[str, type[Matcher]] = {
    matcher.kind: matcher
    for matcher in (PhraseMatcher, RegexMatcher, LineMatcher, BlockMatcher, SignalsMatcher)
}


def kind_of(rule: Rule) -> type[Matcher]:
    """The matcher class of a rule's kind.

    >>> kind_of(Rule("p", "x", "line", "^Most read$")).summary
    'whole lines in which an RE2 pattern matches'
    """
    return KINDS[rule.kind]


def compile_rule(rule: Rule, *, checked: bool = False) -> Matcher:
    """Build the matcher for a rule's kind; ``checked``: its patterns were validated already,
    so compile them on first use.

    >>> m = compile_rule(Rule(pack="p", id="x", kind="phrase", pattern="Read more"))
    >>> [(c.start, c.end) for c in m.find("Go. Read more", 0, 13)]
    [(4, 13)]
    """
    return KINDS[rule.kind](rule, checked=checked)
