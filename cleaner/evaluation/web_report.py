"""``cleaner eval`` on a snippet set: the evaluation (:mod:`cleaner.evaluation.web`) as Markdown
tables or JSON-ready data."""

from __future__ import annotations

from typing import Any

from cleaner.evaluation.common import excerpt, table
from cleaner.evaluation.split import HALVES
from cleaner.evaluation.web import Counts, PageScore, WebEvaluation


def to_json(evaluation: WebEvaluation) -> dict[str, Any]:
    """The evaluation as plain JSON-ready data (what ``cleaner eval --json`` prints for a snippet set)."""
    halves = [evaluation.half] if evaluation.half else [*HALVES, None]
    return {
        "pages": len(evaluation.pages),
        "half": evaluation.half,
        "totals": {
            half or "all": {side: evaluation.total(side, half).as_dict() for side in ("baseline", "cleaner")}
            for half in halves
        },
        "per_page": [_page(page) for page in evaluation.pages],
    }


def _page(page: PageScore) -> dict[str, Any]:
    return {
        "id": page.id,
        "url": page.url,
        "site": page.site,
        "half": page.half,
        "baseline": vars(page.baseline),
        "cleaner": vars(page.cleaner),
        "problem": page.problem,
        "held_back": page.held_back,
        "keep_lost": page.lost,
        "keep_gained": page.gained,
        "drop_removed": page.dropped,
        "drop_left": page.left,
    }


def _measures(name: str, pages: int, counts: Counts) -> list[Any]:
    c = counts
    return [name, pages, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", c.tp, c.fn, c.fp, c.tn]


def to_markdown(evaluation: WebEvaluation, show_missed: bool = False) -> str:
    """The evaluation as Markdown (what ``cleaner eval`` prints for a snippet set): totals per
    half, the pages where cleaner and the baseline differ, the keep snippets cleaner loses."""
    e = evaluation
    halves = [e.half] if e.half else [*HALVES, None]
    rows = []
    for half in halves:
        pages = sum(1 for page in e.pages if half is None or page.half == half)
        for side, name in (("baseline", "plain trafilatura"), ("cleaner", "cleaner")):
            rows.append(_measures(f"{half or 'all'}: {name}", pages, e.total(side, half)))
    out = [
        f"Pages: {len(e.pages)}{f' ({e.half} half)' if e.half else ''}",
        "",
        *table(["pages, extractor", "pages", "precision", "recall", "F1", "TP", "FN", "FP", "TN"], rows),
    ]
    differ = [p for p in e.pages if vars(p.baseline) != vars(p.cleaner) or p.problem or p.held_back]
    if differ:
        out += ["", "Pages where cleaner and plain trafilatura differ (the others score the same):", ""]
        out += table(
            ["page", "half", "site", "keep found (baseline / cleaner)", "drop found (idem)", "note"],
            (
                [
                    p.id,
                    p.half,
                    p.site,
                    f"{p.baseline.tp} / {p.cleaner.tp} of {p.cleaner.tp + p.cleaner.fn}",
                    f"{p.baseline.fp} / {p.cleaner.fp} of {p.cleaner.fp + p.cleaner.tn}",
                    _note(p),
                ]
                for p in differ
            ),
        )
    lost = [(p, snippet) for p in e.pages for snippet in p.lost]
    if lost:
        out += ["", "Keep snippets cleaner loses that plain trafilatura has:", ""]
        out += table(["page", "snippet"], ([p.id, excerpt(s)] for p, s in lost))
    if show_missed:
        left = [(p, snippet) for p in e.pages for snippet in p.left]
        out += ["", "Drop snippets left in cleaner's output:", ""]
        out += table(["page", "site", "snippet"], ([p.id, p.site, excerpt(s)] for p, s in left))
    return "\n".join(out) + "\n"


def _note(page: PageScore) -> str:
    if page.problem:
        return excerpt(f"no output: {page.problem}", 80)
    return "held back by the max-removed guard" if page.held_back else ""
