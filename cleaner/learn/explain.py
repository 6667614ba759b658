"""What ``learn`` found, for the person reviewing it: per rule, its numbers and the documents
where it occurs, and the lines it held back and why (``--explain`` as text, ``--report`` as
JSON Lines, one record per line or template)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from cleaner.learn.collect import Sample
from cleaner.learn.select import GroupResult, Proposal
from cleaner.messages import plural

SHOWN_HELD_BACK = 10  # held-back lines listed per group by --explain (the report has them all)


def explain_lines(groups: list[GroupResult], packs: dict[str, str]) -> Iterator[str]:
    """The ``--explain`` text; ``packs`` names each group's pack.

    Each rule: its id, documents, characters and scope, its pattern, and the first documents
    it occurs in with the line (and its place among the non-blank lines) it is on.

    >>> from cleaner.learn.collect import Sample, Stats
    >>> from cleaner.learn.select import Thresholds, select_group
    >>> seen = Stats("raw", "Share this", False, docs=9, occurrences=9, chars=90, head=1, tail=12,
    ...              samples=[Sample("raw/a.txt", 1, 1, 12)])
    >>> group = select_group("raw", 10, {b"1": seen}, None, Thresholds())
    >>> group.proposed[0].rule_id = "share-this"
    >>> print("\\n".join(explain_lines([group], {"raw": "site"})))
    raw: 10 documents, 1 rule
      site/share-this  9 documents (90.0 %), 9 lines, 90 characters, head, within 1 line
        ^Share this\\r?$
        raw/a.txt  line 1 (non-blank line 1 of 12)
    """
    for group in groups:
        yield f"{group.label}: {group.docs:,} documents, {plural(len(group.proposed), 'rule')}"
        for proposal in group.proposed:
            yield f"  {packs[group.label]}/{proposal.rule_id}  {_numbers(proposal)}"
            if proposal.review:
                yield "    review: reads like article text"
            yield f"    {proposal.pattern}"
            for sample in proposal.stats.samples:
                yield f"    {_where(sample)}"
        held = group.held_back[:SHOWN_HELD_BACK]
        if held:
            more = len(group.held_back) - len(held)
            yield f"  held back ({len(group.held_back)}{f', {more} more in --report' if more else ''}):"
        for proposal in held:
            yield f"    {_clip(proposal.shown)!r} in {proposal.stats.docs:,} documents: {proposal.reason}"
            for sample in proposal.stats.samples:
                yield f"      {_where(sample)}"


def _numbers(proposal: Proposal) -> str:
    stats = proposal.stats
    scope, lines = proposal.scope
    where = "anywhere" if scope == "anywhere" else f"{scope}, within {lines} line{'s' * (lines > 1)}"
    return (
        f"{stats.docs:,} documents ({proposal.share * 100:.1f} %), {stats.occurrences:,} lines, "
        f"{stats.chars:,} characters, {where}"
    )


def _where(sample: Sample) -> str:
    return f"{sample.source}  line {sample.line} (non-blank line {sample.position} of {sample.lines})"


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def write_report(out: IO[str], groups: list[GroupResult], packs: dict[str, str]) -> None:
    """One JSON line per proposed or held-back line or template, group by group."""
    for group in groups:
        for proposal in group.proposed:
            out.write(json.dumps(_record(group, proposal, packs[group.label]), ensure_ascii=False) + "\n")
        for proposal in group.held_back:
            out.write(json.dumps(_record(group, proposal, None), ensure_ascii=False) + "\n")


def _record(group: GroupResult, proposal: Proposal, pack: str | None) -> dict[str, Any]:
    stats = proposal.stats
    scope, scope_lines = proposal.scope
    record: dict[str, Any] = {"group": group.label, "status": "proposed" if pack else "held back"}
    if pack is not None:
        record["rule"] = f"{pack}/{proposal.rule_id}"
        record["review"] = proposal.review
    else:
        record["reason"] = proposal.reason
    record.update(
        text=proposal.shown,
        template=stats.is_template,
        pattern=proposal.pattern,
        documents=stats.docs,
        group_documents=group.docs,
        share=round(proposal.share, 4),
        lines=stats.occurrences,
        characters=stats.chars,
        scope=scope,
        scope_lines=scope_lines,
        examples=stats.variants if stats.is_template else [stats.text],
        samples=[
            {"source": s.source, "line": s.line, "position": s.position, "lines": s.lines}
            for s in stats.samples
        ],
    )
    return record
