"""What a chain works out about each rule's pattern before it can scan, kept so that another
process need not work it out again.

For each rule's trigger the prefilter needs whether no match spans a line break
(:func:`cleaner.core.prefilter.line_local`), the trigger's entry in the prefilter sets
(:func:`cleaner.core.prefilter.set_entry`) and that entry's opening
(:func:`cleaner.core.openings.line_opening`). Working them out means parsing every pattern
with Python's own parser: about half a second for the built-in packs, several times what
the rest of loading a chain costs. The rule cache stores them with each rule file
(:mod:`cleaner.rulefiles.cache`), and a pickled chain carries them (a worker process then
builds its chain as fast as a run that loads it from the cache).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from cleaner.core import openings, prefilter
from cleaner.core.kinds import kind_of
from cleaner.core.openings import Opening
from cleaner.core.rule import Rule


class PatternAnswers(NamedTuple):
    """The answers for a sequence of rules, one per rule in each list, in the rules' order."""

    line_local: list[bool]
    set_entries: list[tuple[str, bool]]
    openings: list[Opening | None]


def pattern_answers(rules: Sequence[Rule]) -> PatternAnswers:
    """The answers for ``rules`` (worked out now unless known already).

    >>> answers = pattern_answers([Rule("demo", "more", "line", "^Read more$", ignore_case=True)])
    >>> answers.line_local, answers.set_entries
    ([True], [('(?m)^read mor', True)])
    """
    triggers = [kind_of(rule).trigger_of(rule) for rule in rules]
    return PatternAnswers(
        [prefilter.line_local(trigger) for trigger in triggers],
        [prefilter.set_entry(trigger) for trigger in triggers],
        [openings.line_opening(trigger) for trigger in triggers],
    )


def remember_answers(rules: Sequence[Rule], answers: PatternAnswers) -> None:
    """Take ``answers`` (worked out by :func:`pattern_answers`, by this same code) as known for
    ``rules``; ``ValueError`` when their counts differ.

    >>> rule = Rule("demo", "more", "line", "^Read more$")
    >>> remember_answers([rule], pattern_answers([rule]))
    """
    triggers = [kind_of(rule).trigger_of(rule) for rule in rules]
    prefilter.remember_line_locality(dict(zip(triggers, answers.line_local, strict=True)))
    prefilter.remember_set_entries(dict(zip(triggers, answers.set_entries, strict=True)))
    openings.remember_openings(dict(zip(triggers, answers.openings, strict=True)))
