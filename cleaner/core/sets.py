"""RE2 sets of prefilter entries, compiled as the prefilter needs them.

>>> searched = entry_set(["(?m)^read mor", "(?m)^sign up"], relaxed=True)
>>> searched.Match(b"story\\nsign up now")
[1]
"""

from __future__ import annotations

from collections.abc import Sequence

import re2

from cleaner.core.prefilter import relax

# Generous memory for the set's automaton, so that RE2's fast DFA is used, never its fallback.
_MAX_MEM = 256 << 20


def entry_set(patterns: Sequence[str], *, relaxed: bool = False) -> re2.Set | None:
    """One RE2 set of ``patterns``, relaxed first (:func:`relax`) unless ``relaxed``; None
    for no patterns. ``Match(text)`` lists the indices of those that match in ``text``."""
    if not patterns:
        return None
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _MAX_MEM
    rule_set = re2.Set.SearchSet(options)
    for pattern in patterns:
        try:
            rule_set.Add(pattern if relaxed else relax(pattern))
        except re2.error:  # cannot happen for a pattern RE2 accepts; "any text" is always safe
            rule_set.Add("(?s).")
    rule_set.Compile()
    return rule_set
