"""Named parts of patterns: a vocabulary or a piece of grammar that a rule file writes once.

A rule file may declare ``parts``, a mapping of names to RE2 pattern fragments, and use one in
any pattern (or in a later part) as ``(?&name)``: loading replaces the call by the fragment in a
non-capturing group, so rules and the chain only ever see plain RE2. ``(?&`` is Perl's
subroutine call, which RE2 refuses, so no pattern that works without parts can contain one.
A part may use only parts declared above it, which rules out cycles, and it may not hold a
named group, since one part may appear twice in a pattern.
"""

from __future__ import annotations

import re

from cleaner.core.patterns import PatternError, compile_pattern
from cleaner.messages import did_you_mean
from cleaner.rulefiles.checker import Checker, Invalid
from cleaner.rulefiles.located import Located, type_name

PART_CALL = re.compile(r"\(\?&([^)]*)\)")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_NAMED_GROUP = re.compile(r"\(\?P?<[A-Za-z_]")


class UnknownPart(ValueError):
    """A pattern calls a part that is not declared (above it, for a part); ``refused``: the
    part is declared but has an error of its own, already recorded."""

    def __init__(self, message: str, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


class Parts:
    """The parts of one rule file, and which of them its patterns use.

    >>> parts = Parts({"weekday": "Mon|Tue"})
    >>> parts.expand(r"^(?&weekday),? \\d{1,2}$")
    '^(?:Mon|Tue),? \\\\d{1,2}$'
    >>> parts.expand("(?&month)")
    Traceback (most recent call last):
    ...
    cleaner.rulefiles.parts.UnknownPart: unknown part 'month' in (?&month) (parts: weekday)
    """

    def __init__(self, sources: dict[str, str] | None = None) -> None:
        self.sources = dict(sources or {})  # name -> fragment, the parts it uses already replaced
        self.used: set[str] = set()
        self.refused: set[str] = set()  # declared with an error: calling one is no new mistake

    def expand(self, source: str) -> str:
        """``source`` with every ``(?&name)`` replaced by that part in a non-capturing group."""

        def replace(call: re.Match[str]) -> str:
            name = call.group(1)
            if name in self.refused:
                raise UnknownPart(f"part '{name}' has errors", refused=True)
            if name not in self.sources:
                known = ", ".join(self.sources) or "none are declared"
                hint = did_you_mean(name, tuple(self.sources))
                raise UnknownPart(f"unknown part '{name}' in {call.group(0)} (parts: {known}){hint}")
            self.used.add(name)
            return f"(?:{self.sources[name]})"

        return PART_CALL.sub(replace, source)


def parse_parts(check: Checker, at: Located) -> Parts:
    r"""The ``parts`` of a rule file, each compiled on its own; a bad one is recorded and left
    out, and a rule that calls it is left out too, without a second message.

    >>> from cleaner.rulefiles.schema import check_pack
    >>> pack, problems = check_pack(
    ...     "pack: p\nparts:\n  day: 'Mon|Tue'\n  date: '(?&day) \\d+'\n"
    ...     "rules:\n  - id: r\n    kind: line\n    pattern: '^(?&date)$'\n")
    >>> pack.rules[0].option("pattern")
    '^(?:(?:Mon|Tue) \\d+)$'
    """
    parts = Parts()
    if not isinstance(at.value, dict):
        check.error(at, f"'parts' must be a mapping of names to patterns, got {type_name(at.value)}")
        return parts
    for name, (name_at, value_at) in at.value.items():
        if not isinstance(name, str) or not _NAME_RE.match(name):
            check.error(
                name_at, f"part name '{name}' must start with a lowercase letter and use a-z, 0-9 or _"
            )
            continue
        try:
            source = parts.expand(Checker.string(value_at, f"parts.{name}"))
            if _NAMED_GROUP.search(source):
                raise ValueError(f"part '{name}' holds a named group; name groups in a rule's pattern")
            compile_pattern(source, field=f"part '{name}'", allow_empty=True)
        except Invalid as exc:
            check.error(exc.at, exc.message)
        except UnknownPart as exc:
            if not exc.refused:
                check.error(value_at, f"{exc}; a part may use only the parts above it")
        except (PatternError, ValueError) as exc:
            check.error(value_at, str(exc))
        else:
            parts.sources[name] = source
            continue
        parts.refused.add(name)
    return parts


def warn_unused(check: Checker, at: Located, parts: Parts) -> None:
    r"""A part that no rule or part uses is most likely a misspelt call: say so.

    >>> from cleaner.rulefiles.schema import check_pack
    >>> pack, problems = check_pack(
    ...     "pack: p\nparts:\n  day: 'Mon|Tue'\n"
    ...     "rules:\n  - id: r\n    kind: line\n    pattern: '^Read more$'\n", "p.yaml")
    >>> print(problems[0])
    p.yaml:3:3: warning: part 'day' is not used by any rule
    """
    if parts.refused:  # calls through a refused part were never followed
        return
    for name, (name_at, _) in at.value.items() if isinstance(at.value, dict) else ():
        if name in parts.sources and name not in parts.used:
            check.warn(name_at, f"part '{name}' is not used by any rule")
