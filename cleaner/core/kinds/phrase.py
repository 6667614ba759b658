"""``phrase`` rules: remove a literal text, by default only where it stands as whole words."""

from __future__ import annotations

import re2

from cleaner.core.kinds.base import Field
from cleaner.core.kinds.regex import RegexMatcher
from cleaner.core.rule import Rule


class PhraseMatcher(RegexMatcher):
    """Remove each occurrence of the literal ``pattern``.

    >>> matcher = PhraseMatcher(Rule("p", "x", "phrase", "Read more"))
    >>> [(c.start, c.end) for c in matcher.find("Go. Read more", 0, 13)]
    [(4, 13)]
    """

    kind = "phrase"
    fields = (
        Field("pattern", "text", help="the literal text to remove"),
        Field("word_boundary", "boolean", required=False, default=True, help="only whole words"),
    )
    summary = "a literal text"

    @classmethod
    def patterns(cls, rule: Rule) -> dict[str, str]:
        return {"pattern": phrase_pattern(rule)}


def phrase_pattern(rule: Rule) -> str:
    """The RE2 pattern of a phrase rule: the literal text, with word boundaries if asked.

    >>> phrase_pattern(Rule(pack="p", id="x", kind="phrase", pattern="Read more"))
    '\\\\bRead\\\\ more\\\\b'
    """
    literal: str = rule.option("pattern")
    pattern = re2.escape(literal)
    if rule.option("word_boundary", PhraseMatcher.fields[1].default):
        # \b only where the phrase starts or ends with a word character, or it never matches.
        if literal[0].isalnum() or literal[0] == "_":
            pattern = r"\b" + pattern
        if literal[-1].isalnum() or literal[-1] == "_":
            pattern = pattern + r"\b"
    return pattern
