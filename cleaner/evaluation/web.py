"""Measure the HTML path on web pages with must-keep and must-drop snippets, next to plain trafilatura.

The set is a folder holding ``snippets.jsonl`` (one record a page: ``id``, ``url``, ``keep``:
snippets that must be in the clean text, ``drop``: snippets that must not) and
``pages/<id>.html.gz`` (the page's bytes, any encoding, gzip-compressed). Each page is
cleaned as ``cleaner clean`` cleans it (the HTML path, the chain, the ``--max-removed``
guard), and read by the **baseline**, plain trafilatura on the same bytes
(``trafilatura.extract(page, fast=False, include_comments=False, include_tables=True,
include_formatting=False)``).

Scoring, as trafilatura scores itself: every run of whitespace in the output and in each
snippet becomes one space; a ``keep`` snippet found in the output is a true positive, one
missing a false negative; a ``drop`` snippet found is a false positive, one missing a true
negative. Precision, recall and F1 are taken over the counts of all pages; a page with no
output (refused, or nothing extracted) counts every ``keep`` as missed.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.batch.tasks import clean_decoded
from cleaner.core.engine import Chain
from cleaner.evaluation.common import EvalError
from cleaner.evaluation.split import Half, half_of, site_key
from cleaner.io.decode import DecodeError, decode_bytes
from cleaner.io.html import EXTRACT_SETTINGS

SNIPPETS = "snippets.jsonl"
PAGES = "pages"


@dataclass
class Counts:
    """True and false positives and negatives, and the measures made of them."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: Counts) -> None:
        for name in ("tp", "fn", "fp", "tn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        measures = {"precision": self.precision, "recall": self.recall, "f1": self.f1}
        return dict(vars(self)) | {name: round(value, 4) for name, value in measures.items()}


@dataclass
class PageScore:
    """One page: the baseline's and the cleaner's counts, and the snippets that tell them apart."""

    id: str
    url: str
    site: str
    half: Half
    baseline: Counts
    cleaner: Counts
    problem: str | None = None  # why cleaner gave no output
    lost: list[str] = field(default_factory=list)  # keep snippets the baseline has and cleaner lacks
    gained: list[str] = field(default_factory=list)  # keep snippets cleaner has and the baseline lacks
    dropped: list[str] = field(default_factory=list)  # drop snippets the baseline has and cleaner removed
    left: list[str] = field(default_factory=list)  # drop snippets still in cleaner's output
    held_back: bool = False  # the max-removed guard left the text unchanged


@dataclass
class WebEvaluation:
    """Every page's score and the totals, for one half of the set or all of it."""

    half: Half | None = None
    pages: list[PageScore] = field(default_factory=list)

    def total(self, side: str, half: Half | None = None) -> Counts:
        """The summed counts of ``side`` ("baseline" or "cleaner"), over one half or all pages."""
        total = Counts()
        for page in self.pages:
            if half is None or page.half == half:
                total.add(getattr(page, side))
        return total


def load_snippets(folder: Path) -> list[dict[str, Any]]:
    """The records of ``FOLDER/snippets.jsonl``, checked; an :class:`EvalError` names a bad line."""
    path = folder / SNIPPETS
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise EvalError(f"{path}: not valid UTF-8") from None
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            ok = isinstance(record["id"], str) and isinstance(record.get("url", ""), str)
            ok = ok and all(isinstance(s, str) for key in ("keep", "drop") for s in record.get(key, []))
        except (json.JSONDecodeError, KeyError, TypeError):
            ok = False
        if not ok:
            raise EvalError(f"{path}:{number}: expected a JSON object with id, url, keep and drop lists")
        records.append(record)
    return records


def squeeze(text: str) -> str:
    """Every run of whitespace as one space, as the snippets are compared.

    >>> squeeze("  The river\\n rose. ")
    'The river rose.'
    """
    return " ".join(text.split())


def score(output: str | None, keep: list[str], drop: list[str]) -> tuple[Counts, list[str], list[str]]:
    """The counts of one output (``None``: no output), the keep snippets it lacks, and the drop
    snippets it has.

    >>> counts, missing, found = score("The river rose.\\nRead more", ["The river rose."], ["Read more", "X"])
    >>> (counts.tp, counts.fn, counts.fp, counts.tn), missing, found
    ((1, 0, 1, 1), [], ['Read more'])
    """
    text = squeeze(output or "")
    missing = [s for s in keep if not output or squeeze(s) not in text]
    found = [s for s in drop if output and squeeze(s) in text]
    return Counts(len(keep) - len(missing), len(missing), len(found), len(drop) - len(found)), missing, found


def evaluate_web(
    folder: Path, chain: Chain, *, max_removed: float | None = None, half: Half | None = None
) -> WebEvaluation:
    """Clean and score every page of a snippet set (only those of ``half``, if given).

    A page file that cannot be read is an :class:`EvalError`: the set itself is broken.
    """
    import trafilatura

    from cleaner.io.html import silence_library_logs

    silence_library_logs()
    evaluation = WebEvaluation(half=half)
    for record in load_snippets(folder):
        site = site_key(record.get("url") or record["id"])
        if half is not None and half_of(site) != half:
            continue
        path = folder / PAGES / f"{record['id']}.html.gz"
        try:
            data = gzip.decompress(path.read_bytes())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise EvalError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
        keep, drop = record.get("keep", []), record.get("drop", [])
        baseline = trafilatura.extract(data, **EXTRACT_SETTINGS)
        clean, problem, held_back = _clean(data, chain, max_removed)
        base_counts, base_missing, base_found = score(baseline, keep, drop)
        counts, missing, found = score(clean, keep, drop)
        evaluation.pages.append(
            PageScore(
                record["id"],
                record.get("url", ""),
                site,
                half_of(site),
                base_counts,
                counts,
                problem,
                lost=[s for s in missing if s not in base_missing],
                gained=[s for s in base_missing if s not in missing],
                dropped=[s for s in base_found if s not in found],
                left=found,
                held_back=held_back,
            )
        )
    return evaluation


def _clean(data: bytes, chain: Chain, max_removed: float | None) -> tuple[str | None, str | None, bool]:
    """The clean text of a page as ``cleaner clean`` makes it, or why there is none."""
    try:
        decoded = decode_bytes(data, html=True, line_facts=chain.reads_page_facts)
    except DecodeError as exc:
        return None, str(exc), False
    result = clean_decoded(decoded, chain, max_removed)
    return result.clean, None, result.held_back is not None
