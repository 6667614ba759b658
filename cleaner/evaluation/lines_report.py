"""``cleaner eval`` on labelled lines: the evaluation (:mod:`cleaner.evaluation.lines`) as
Markdown tables or JSON-ready data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from cleaner.evaluation.common import excerpt, pct, table
from cleaner.evaluation.lines import DocScore, Evaluation, LineFate, LineTally


def worst_documents(evaluation: Evaluation, count: int) -> list[DocScore]:
    """Documents that lost the most article text, then those that kept the most boilerplate."""
    hurt = [d for d in evaluation.docs if d.keep_lines_lost or d.remove_lines_removed < d.remove_lines]
    hurt.sort(key=lambda d: (-d.keep_chars_lost, -(d.remove_lines - d.remove_lines_removed), d.doc_id))
    return hurt[:count]


def to_json(evaluation: Evaluation, worst: int = 10) -> dict[str, Any]:
    """The evaluation as plain JSON-ready data (what ``cleaner eval --json`` prints)."""

    def fate(f: LineFate) -> dict[str, Any]:
        return {"doc_id": f.doc_id, "line_no": f.line_no, "status": f.status, "rule": f.rule, "text": f.text}

    return {
        "documents": evaluation.documents,
        "half": evaluation.half,
        "skipped": evaluation.skipped,
        "held_back": evaluation.held_back,
        "titles_excluded": evaluation.titles_excluded,
        "keep_lines": evaluation.keep_lines,
        "keep_chars": evaluation.keep_chars,
        "keep_lines_intact_pct": round(evaluation.keep_intact_pct, 2),
        "remove_lines": evaluation.remove_lines,
        "remove_chars": evaluation.remove_chars,
        "remove_lines_removed_pct": round(evaluation.remove_removed_pct, 2),
        "gold_lines": evaluation.gold_lines,
        "gold_lines_lost": len(evaluation.gold_fates),
        "total": evaluation.total.as_dict(),
        "packs": {name: t.as_dict() for name, t in sorted(evaluation.by_pack().items())},
        "rules": {name: t.as_dict() for name, t in sorted(evaluation.by_rule.items())},
        "worst_documents": [vars(d) for d in worst_documents(evaluation, worst)],
        "keep_lines_lost": [fate(f) for f in evaluation.lost_keep_lines()],
        "remove_lines_missed": [fate(f) for f in evaluation.missed_remove_lines()],
        "gold_lines_changed": [fate(f) for f in evaluation.gold_fates],
    }


def _tally_rows(tallies: dict[str, LineTally]) -> Iterator[list[Any]]:
    for name, t in sorted(tallies.items()):
        yield [
            f"`{name}`",
            t.keep_lines_lost,
            t.keep_chars_lost,
            t.remove_lines_removed,
            t.remove_lines_partly_cut,
            t.remove_chars_removed,
        ]


def to_markdown(evaluation: Evaluation, worst: int = 10, show_missed: bool = False) -> str:
    """The evaluation as Markdown tables (what ``cleaner eval`` prints)."""
    e = evaluation
    by_source: defaultdict[str, int] = defaultdict(int)
    for doc in e.docs:
        by_source[doc.labels_from] += 1
    sources = ", ".join(f"{n} from {src}" for src, n in sorted(by_source.items())) or "none"
    held = f"; held back by the max-removed guard: {', '.join(e.held_back)}" if e.held_back else ""
    out = [
        f"Documents: {e.documents}{_half(e)} (labels: {sources}); title lines excluded: "
        f"{e.titles_excluded}{held}",
        "",
        *table(["measure", "lines", "%", "chars"], _headline_rows(e)),
    ]
    columns = ["KEEP lines lost", "KEEP chars lost", "REMOVE removed", "REMOVE partly cut", "REMOVE chars"]
    out += ["", "Per pack:", "", *table(["pack", *columns], _tally_rows(e.by_pack()))]
    out += ["", "Per rule:", "", *table(["rule", *columns], _tally_rows(e.by_rule))]
    worst_docs = worst_documents(e, worst)
    if worst_docs:
        out += ["", "Worst documents:", ""]
        rows = (
            [d.doc_id, d.keep_lines_lost, d.keep_chars_lost, f"{d.remove_lines_removed} / {d.remove_lines}"]
            for d in worst_docs
        )
        out += table(["document", "KEEP lines lost", "KEEP chars lost", "REMOVE removed"], rows)
    lost = e.lost_keep_lines()
    if lost:
        out += ["", "KEEP lines lost:", ""]
        out += table(
            ["document", "line", "status", "rule", "text"],
            ([f.doc_id, f.line_no, f.status, f"`{f.rule}`", excerpt(f.text)] for f in lost),
        )
    if e.gold_fates:
        out += ["", "Gold lines changed when the gold text is cleaned:", ""]
        out += table(
            ["document", "line", "status", "rule", "text"],
            ([f.doc_id, f.line_no, f.status, f"`{f.rule}`", excerpt(f.text)] for f in e.gold_fates),
        )
    if show_missed:
        missed = e.missed_remove_lines()
        out += ["", "REMOVE lines not removed:", ""]
        out += table(
            ["document", "line", "status", "text"],
            ([f.doc_id, f.line_no, f.status, excerpt(f.text)] for f in missed),
        )
    if e.skipped:
        out += ["", "Skipped:", "", *(f"- {reason}" for reason in e.skipped)]
    return "\n".join(out) + "\n"


def _headline_rows(e: Evaluation) -> list[list[Any]]:
    """The rows of the headline table: article lines kept, boilerplate removed."""
    t = e.total
    return [
        [
            "KEEP kept intact",
            f"{e.keep_lines - t.keep_lines_lost} / {e.keep_lines}",
            f"{e.keep_intact_pct:.2f}",
            f"{e.keep_chars - t.keep_chars_lost} / {e.keep_chars}",
        ],
        [
            "REMOVE removed",
            f"{t.remove_lines_removed} / {e.remove_lines}",
            f"{e.remove_removed_pct:.2f}",
            f"{t.remove_chars_removed} / {e.remove_chars}",
        ],
        [
            "REMOVE partly cut",
            t.remove_lines_partly_cut,
            f"{pct(t.remove_lines_partly_cut, e.remove_lines):.2f}",
            "",
        ],
        [
            "gold lines kept intact",
            f"{e.gold_lines - len(e.gold_fates)} / {e.gold_lines}",
            f"{pct(e.gold_lines - len(e.gold_fates), e.gold_lines):.2f}",
            "",
        ],
    ]


def _half(evaluation: Evaluation) -> str:
    return f", {evaluation.half} half" if evaluation.half else ""
