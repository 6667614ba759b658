"""Refuse rules that would remove any text, not just the boilerplate they are written for.

Patterns that match the empty string (``.*``, ``\\w*``, ``(Read more)?``) are refused when
they compile (:func:`cleaner.core.patterns.compile_pattern`), and so are patterns that find an
empty match anywhere in :data:`ORDINARY_TEXT` (``\\b``, ``Read more|^``): an empty match
removes nothing, and in a ``line`` rule it selects every line. Two more checks run on every
rule that loads, and only ever look at text that is *not* boilerplate, so they cannot refuse
a rule that removes boilerplate and nothing else:

1. **Universal pattern.** The pattern (a block's ``start``) matches the whole of every probe
   in :data:`PROBES`: single characters of each kind (letter, digit, space, punctuation,
   other scripts) and a sentence. No pattern written for boilerplate matches both
   "7" and "中" in full. Caught here: ``.+``, ``(?s).+``, ``[\\s\\S]+``, ``[^\\n]+``,
   ``(.|\\n)+``. This applies to ``head``/``tail`` rules too: cutting a line makes another
   one the first, and the engine cleans again, so such a rule would eat the document.
2. **Broad rule.** Run alone through the engine, with its own kind and scope, the rule would
   remove at least :data:`BROAD_FRACTION` of the non-space characters of
   :data:`ORDINARY_TEXT`, a short article written to contain no boilerplate, with lines of
   many shapes and scripts. A rule that deletes half of an ordinary article is broken
   whatever it was meant for. Caught here: ``\\w+``, ``\\S+``, ``[a-z]+`` with
   ``ignore_case``, a ``line`` rule on ``\\.`` or ``^[A-Z]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleaner.core.rule import Rule

if TYPE_CHECKING:
    from cleaner.core.kinds import Matcher

BROAD_FRACTION = 0.5

PROBES = (
    "x",
    "Z",
    "7",
    " ",
    ".",
    '"',
    "é",
    "中",
    "The council met on Tuesday, and the vote was close.",
)

ORDINARY_TEXT = "\n\n".join(
    [
        "The council voted on Tuesday to keep the library open for another five years.",
        "Residents had gathered outside the town hall since early morning, some with painted signs.",
        '"We never thought it would come to this," said Ana Ferreira, 64, a reader there since 1979.',
        "The decision follows a consultation that drew more than 3,200 responses, a record here.",
        "Funding will come from the sale of a disused car park on Mill Lane, officials said.",
        "Opposition members argued the plan left nothing for the roof, which leaks in heavy rain.",
        "2024",
        "Next steps",
        "  The building, opened in 1932, is listed for its reading room.",
        "Q: Will opening hours change? A: Not before April, the council said.",
        "Le conseil a aussi promis de rénover la salle des enfants d'ici l'été.",
        "Die Bibliothek bleibt montags geschlossen.",
        "图书馆周一闭馆，周末照常开放。",  # noqa: RUF001 - a Chinese comma, on purpose
        "Библиотека откроется после ремонта весной.",
        "Prices rose 4.5% in March; rents rose faster still, by 7.1%.",
        "The full report is at https://example.org/reports/library-2024.pdf for anyone curious.",
    ]
)


def breadth_problem(rule: Rule) -> tuple[str, str] | None:
    """``(field, message)`` when the rule would remove (nearly) any text, else None.

    >>> breadth_problem(Rule(pack="p", id="x", kind="regex", pattern=r"(?s).+"))[1]
    'pattern matches any text, so the rule would remove everything; anchor it to the boilerplate it targets'
    >>> breadth_problem(Rule(pack="p", id="x", kind="regex", pattern=r"\\w+"))[1][:40]
    'rule would remove 88% of ordinary articl'
    >>> breadth_problem(Rule(pack="p", id="x", kind="line", pattern=r"^Read more$")) is None
    True
    """
    from cleaner.core.kinds import compile_rule, kind_of
    from cleaner.core.patterns import compile_pattern

    matcher = compile_rule(rule)
    compiled = {
        key: compile_pattern(source, ignore_case=rule.ignore_case, field=key)
        for key, source in kind_of(rule).patterns(rule).items()
    }
    for key, pattern in compiled.items():
        if any(match.start() == match.end() for match in pattern.finditer(ORDINARY_TEXT)):
            return key, (
                f"{key} can match an empty string (it does in ordinary text, e.g. at \\b or ^); "
                "make every alternative match at least one character"
            )
    field = next(iter(compiled), "kind")  # a rule without patterns is chosen by its kind's fields
    if field in compiled and all(compiled[field].fullmatch(probe) for probe in PROBES):
        return field, (
            f"{field} matches any text, so the rule would remove everything; "
            "anchor it to the boilerplate it targets"
        )
    removed = _removed(rule, matcher)
    solid = "".join(ORDINARY_TEXT.split())
    fraction = sum(not ORDINARY_TEXT[i].isspace() for i in removed) / len(solid)
    if fraction < BROAD_FRACTION:
        return None
    start = end = min(removed)
    while end in removed:
        end += 1
    example = ORDINARY_TEXT[start:end].strip()
    example = example if len(example) <= 40 else example[:39] + "…"
    fix = "narrow its conditions" if field == "kind" else f"make the {field} specific"
    return field, (
        f"rule would remove {fraction:.0%} of ordinary article text (e.g. {example!r}); "
        f"{fix} to the boilerplate it targets"
    )


def _removed(rule: Rule, matcher: Matcher) -> set[int]:
    """Offsets of :data:`ORDINARY_TEXT` the rule, alone, would remove (whitespace tidy aside).

    A rule that may match anywhere is run through its matcher directly: one pass shows all it
    would cut, and skips building the chain's prefilter, which costs far more than the match.
    A ``head``/``tail`` rule goes through the engine, whose repeated passes let it reach past
    its first lines.
    """
    if rule.scope == "anywhere":
        spans = [(c.start, c.end) for c in matcher.find(ORDINARY_TEXT, 0, len(ORDINARY_TEXT))]
    else:
        from cleaner.core.engine import TIDY_RULE, Chain

        result = Chain([rule._replace(enabled=True)]).clean(ORDINARY_TEXT, max_removed=None)
        spans = [(span.start, span.end) for span in result.spans if span.rule != TIDY_RULE]
    return {i for start, end in spans for i in range(start, end)}


def locality_warning(rule: Rule) -> tuple[str, str] | None:
    """``(field, message)`` when a ``line`` or ``signals`` rule's pattern or a ``block`` rule's
    start may match across a line break. Such a rule cannot be searched line block by line block: it is
    searched over the whole text, and after every cut each rule runs again. It is almost
    always a ``\\s`` meant as ``[ \\t]``.

    >>> locality_warning(Rule(pack="p", id="x", kind="line", pattern=r"^About\\s?us$"))[1][:37]
    'pattern may match across a line break'
    >>> locality_warning(Rule(pack="p", id="x", kind="line", pattern=r"^About[ \\t]?us$")) is None
    True
    """
    from cleaner.core.kinds import kind_of
    from cleaner.core.prefilter import line_local

    if rule.kind not in ("line", "block", "signals") or rule.scope != "anywhere":
        return None
    kind = kind_of(rule)
    fields = list(kind.patterns(rule))
    if not fields:  # a signals rule without a pattern: its own conditions say where it looks
        return None
    if line_local(kind.trigger_of(rule)):  # what the matcher asks, without compiling its patterns again
        return None
    field = fields[0]
    return field, (
        f"{field} may match across a line break (\\s, (?s), or a negated class without \\n), so "
        "the rule is searched over the whole text and every later pass runs all rules again; "
        "write [ \\t] where no line break is meant"
    )
