"""Measure a chain on labelled documents: how much article text it keeps, how much boilerplate it removes.

Input is a folder of documents (``DOCS_DIR/<id>.txt``, one paragraph per line) and a way to
tell article lines from boilerplate lines:

* a **labels file** (JSON Lines, one record per non-blank line of each document:
  ``{"doc_id", "line_no", "label": "KEEP"|"REMOVE", "is_title"}``, ``line_no`` 0-based); or
* for documents the labels file does not cover, the **gold article text**
  (``GOLD_DIR/<id>.txt``): a line is KEEP when, normalised (case, quotes, punctuation and
  spaces folded), it equals a gold line or, if at least 20 characters long, occurs inside the
  gold text; any other line is REMOVE.

Each labelled line is scored by what the chain's spans did to it, looking at its characters
between the first and the last non-blank one (whitespace at its edges belongs to the tidying):

* **intact**: no character of the line was removed;
* **removed**: every non-blank character of the line was removed;
* **partly cut**: anything in between.

The headline figures are *KEEP lines kept intact* (a partly cut KEEP line counts as lost) and
*REMOVE lines removed* (a partly cut REMOVE line does not count as removed; it is shown in its
own column). Title lines (``is_title``) are left out. Every changed line is credited to the
rule that removed most of its characters, so per-rule and per-pack rows add up to the totals;
the character columns count each rule's own removed characters exactly.

A second, label-free check of precision: each gold text is cleaned too, and every gold line
that does not come back intact is counted as *gold lines lost* (gold is all article text, so
the right number is zero).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.core.engine import TIDY_RULE, Chain
from cleaner.core.result import Span
from cleaner.evaluation.common import EvalError, pct
from cleaner.evaluation.split import Half, half_of, site_key
from cleaner.io.decode import DecodeError, decode_bytes

KEEP, REMOVE = "KEEP", "REMOVE"
INTACT, REMOVED, PARTLY_CUT = "intact", "removed", "partly cut"
MIN_SUBSTRING_MATCH = 20


@dataclass(frozen=True, slots=True)
class LineLabel:
    """The label of one line of a document (``line_no`` is 0-based)."""

    line_no: int
    label: str
    is_title: bool = False


@dataclass(frozen=True, slots=True)
class LineFate:
    """What the chain did to one labelled line."""

    doc_id: str
    line_no: int
    label: str
    text: str
    status: str  # INTACT, REMOVED or PARTLY_CUT
    rule: str | None  # the rule credited with the change, None when intact
    removed_by_rule: dict[str, int]  # characters of the line each rule removed


@dataclass
class LineTally:
    """Counts for one rule, one pack or the whole run."""

    keep_lines_lost: int = 0
    keep_chars_lost: int = 0
    remove_lines_removed: int = 0
    remove_lines_partly_cut: int = 0
    remove_chars_removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class DocScore:
    """One document's figures, for the worst-documents list."""

    doc_id: str
    labels_from: str  # "labels" or "gold"
    keep_lines: int = 0
    keep_lines_lost: int = 0
    keep_chars_lost: int = 0
    remove_lines: int = 0
    remove_lines_removed: int = 0


@dataclass
class Evaluation:
    """Everything ``cleaner eval`` reports."""

    documents: int = 0
    half: Half | None = None  # the half of the set evaluated (see cleaner.evaluation.split), None: all
    skipped: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # documents the max-removed guard kept whole
    keep_lines: int = 0
    keep_chars: int = 0
    remove_lines: int = 0
    remove_chars: int = 0
    titles_excluded: int = 0
    total: LineTally = field(default_factory=LineTally)
    by_rule: dict[str, LineTally] = field(default_factory=dict)
    docs: list[DocScore] = field(default_factory=list)
    fates: list[LineFate] = field(default_factory=list)
    gold_lines: int = 0
    gold_fates: list[LineFate] = field(default_factory=list)  # gold lines the chain changed

    @property
    def keep_intact_pct(self) -> float:
        return pct(self.keep_lines - self.total.keep_lines_lost, self.keep_lines)

    @property
    def remove_removed_pct(self) -> float:
        return pct(self.total.remove_lines_removed, self.remove_lines)

    def by_pack(self) -> dict[str, LineTally]:
        packs: dict[str, LineTally] = {}
        for rule, tally in self.by_rule.items():
            pack = packs.setdefault(rule.split("/", 1)[0], LineTally())
            for key, value in vars(tally).items():
                setattr(pack, key, getattr(pack, key) + value)
        return packs

    def lost_keep_lines(self) -> list[LineFate]:
        return [f for f in self.fates if f.label == KEEP and f.status != INTACT]

    def missed_remove_lines(self) -> list[LineFate]:
        return [f for f in self.fates if f.label == REMOVE and f.status != REMOVED]


# --- labels --------------------------------------------------------------------------------


def load_labels(path: Path) -> dict[str, dict[int, LineLabel]]:
    """Read a labels file into ``{doc_id: {line_no: LineLabel}}``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "lines.jsonl"
    >>> _ = p.write_text('{"doc_id": "a", "line_no": 0, "label": "KEEP", "is_title": false}\\n')
    >>> load_labels(p)["a"][0].label
    'KEEP'
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"{path}: cannot read labels: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise EvalError(f"{path}: labels file is not valid UTF-8") from None
    labels: dict[str, dict[int, LineLabel]] = defaultdict(dict)
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            doc_id, line_no, label = record["doc_id"], record["line_no"], record["label"]
            is_title = bool(record.get("is_title", False))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalError(
                f"{path}:{number}: expected a JSON object with doc_id, line_no and label ({exc})"
            ) from None
        if label not in (KEEP, REMOVE) or not isinstance(line_no, int) or line_no < 0:
            raise EvalError(f"{path}:{number}: label must be KEEP or REMOVE and line_no an integer >= 0")
        labels[str(doc_id)][line_no] = LineLabel(line_no, label, is_title)
    return dict(labels)


# Curly, low and angle quotes fold to their ASCII forms.
_QUOTES = str.maketrans(
    dict.fromkeys("\u2018\u2019\u201a", "'") | dict.fromkeys("\u201c\u201d\u201e\u00ab\u00bb", '"')
)


def normalise(text: str) -> str:
    """Fold case, quotes, punctuation and runs of spaces, for matching lines against gold text.

    >>> normalise("\u201cHello,\u201d  she said \u2014 (twice).")
    'hello she said twice'
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def gold_labels(text: str, gold: str) -> dict[int, LineLabel]:
    """Label a document's non-blank lines by matching them against its gold article text.

    >>> gold = "The mayor spoke on Monday."
    >>> labels = gold_labels("The mayor spoke on Monday.\\nRead more: other news\\n", gold)
    >>> [(n, label.label) for n, label in labels.items()]
    [(0, 'KEEP'), (1, 'REMOVE')]
    """
    gold_lines = {normalise(line) for line in gold.splitlines()} - {""}
    gold_all = f" {' '.join(normalise(line) for line in gold.splitlines())} "
    labels = {}
    for line_no, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        norm = normalise(line)
        found = norm in gold_lines or (len(norm) >= MIN_SUBSTRING_MATCH and f" {norm} " in gold_all)
        labels[line_no] = LineLabel(line_no, KEEP if found else REMOVE)
    return labels


# --- scoring -------------------------------------------------------------------------------


def line_fates(doc_id: str, text: str, spans: list[Span], labels: dict[int, LineLabel]) -> Iterator[LineFate]:
    """Score each labelled, non-title line of ``text`` against the removed ``spans``.

    >>> spans = [Span("demo/more", 11, 20, "Read more"), Span(TIDY_RULE, 10, 11, "\\n")]
    >>> labels = {0: LineLabel(0, "KEEP"), 1: LineLabel(1, "REMOVE")}
    >>> [(f.status, f.rule) for f in line_fates("d", "The story.\\nRead more", spans, labels)]
    [('intact', None), ('removed', 'demo/more')]
    """
    spans = sorted(spans, key=lambda s: s.start)
    first = 0  # index of the first span that can still overlap the current line
    pos = 0
    for line_no, line in enumerate(text.split("\n")):
        line_start, pos = pos, pos + len(line) + 1
        label = labels.get(line_no)
        if label is None or label.is_title or not line.strip():
            continue
        lo = line_start + len(line) - len(line.lstrip())
        hi = line_start + len(line.rstrip())
        while first < len(spans) and spans[first].end <= lo:
            first += 1
        solid = sum(1 for ch in text[lo:hi] if not ch.isspace())
        removed_solid = 0
        by_rule: dict[str, int] = defaultdict(int)
        for span in spans[first:]:
            if span.start >= hi:
                break
            a, b = max(span.start, lo), min(span.end, hi)
            if a >= b:
                continue
            removed_solid += sum(1 for ch in text[a:b] if not ch.isspace())
            if span.rule != TIDY_RULE:
                by_rule[span.rule] += b - a
        if removed_solid == 0 and not by_rule:
            status, rule = INTACT, None
        else:
            status = REMOVED if removed_solid == solid else PARTLY_CUT
            rule = max(by_rule, key=lambda r: by_rule[r]) if by_rule else TIDY_RULE
        yield LineFate(doc_id, line_no, label.label, text[lo:hi], status, rule, dict(by_rule))


def _add(evaluation: Evaluation, score: DocScore, fate: LineFate) -> None:
    for rule, chars in fate.removed_by_rule.items():
        tally = evaluation.by_rule.setdefault(rule, LineTally())
        if fate.label == KEEP:
            tally.keep_chars_lost += chars
            evaluation.total.keep_chars_lost += chars
            score.keep_chars_lost += chars
        else:
            tally.remove_chars_removed += chars
            evaluation.total.remove_chars_removed += chars
    if fate.label == KEEP:
        evaluation.keep_lines += 1
        evaluation.keep_chars += len(fate.text)
        score.keep_lines += 1
    else:
        evaluation.remove_lines += 1
        evaluation.remove_chars += len(fate.text)
        score.remove_lines += 1
    if fate.rule is None:
        return
    tally = evaluation.by_rule.setdefault(fate.rule, LineTally())
    for target in (tally, evaluation.total):
        if fate.label == KEEP:
            target.keep_lines_lost += 1
        elif fate.status == REMOVED:
            target.remove_lines_removed += 1
        else:
            target.remove_lines_partly_cut += 1
    if fate.label == KEEP:
        score.keep_lines_lost += 1
    elif fate.status == REMOVED:
        score.remove_lines_removed += 1


def default_labels_path(docs_dir: Path) -> Path | None:
    """``lines.jsonl`` beside the documents folder (or inside it), if there is one."""
    for candidate in (docs_dir.parent / "lines.jsonl", docs_dir / "lines.jsonl"):
        if candidate.is_file():
            return candidate
    return None


def evaluate(
    docs_dir: Path,
    gold_dir: Path,
    chain: Chain,
    labels_path: Path | None = None,
    *,
    max_removed: float | None = None,
    half: Half | None = None,
) -> Evaluation:
    """Clean every ``DOCS_DIR/*.txt`` with ``chain`` and score it against its labels.

    Documents are labelled from ``labels_path`` when it covers them, otherwise from
    ``GOLD_DIR/<id>.txt``; a document with neither is skipped and listed in ``skipped``.
    ``max_removed`` is the guard of ``cleaner clean``: a document it holds back keeps every line.
    ``half`` keeps only the documents of that half of the set (their site is their id).
    """
    for folder, what in ((docs_dir, "documents"), (gold_dir, "gold")):
        if not folder.is_dir():
            raise EvalError(f"{folder}: {what} folder not found")
    labels = load_labels(labels_path) if labels_path is not None else {}
    evaluation = Evaluation(half=half)
    # Every rule gets a row, so rules that never fired show up as zeros.
    evaluation.by_rule = {rule.qualified_id: LineTally() for rule in chain.rules}
    for path in sorted(docs_dir.glob("*.txt")):
        doc_id = path.stem
        if half is not None and half_of(site_key(doc_id)) != half:
            continue
        try:
            text = _read_text(path)
        except (OSError, DecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            evaluation.skipped.append(f"{path}: {reason}")
            continue
        if doc_id in labels:
            doc_labels, labels_from = labels[doc_id], "labels"
            line_count = text.count("\n") + 1
            beyond = [n for n in doc_labels if n >= line_count]
            if beyond:
                raise EvalError(f"{labels_path}: {doc_id} line_no {beyond[0]} is past the end of {path}")
        else:
            gold_path = gold_dir / path.name
            try:
                gold = _read_text(gold_path)
            except (OSError, DecodeError):
                evaluation.skipped.append(f"{path}: no labels and no readable gold text at {gold_path}")
                continue
            doc_labels, labels_from = gold_labels(text, gold), "gold"
        evaluation.documents += 1
        evaluation.titles_excluded += sum(1 for label in doc_labels.values() if label.is_title)
        score = DocScore(doc_id, labels_from)
        result = chain.clean(text, max_removed=max_removed)
        if result.held_back is not None:
            evaluation.held_back.append(doc_id)
        for fate in line_fates(doc_id, text, result.spans, doc_labels):
            _add(evaluation, score, fate)
            if fate.status != INTACT or fate.label == REMOVE:
                evaluation.fates.append(fate)
        evaluation.docs.append(score)
        _check_gold(evaluation, doc_id, gold_dir / path.name, chain)
    return evaluation


def _read_text(path: Path) -> str:
    """A document or gold file as text: it is already extracted, so never parsed as HTML."""
    return decode_bytes(path.read_bytes(), html=False).text


def _check_gold(evaluation: Evaluation, doc_id: str, gold_path: Path, chain: Chain) -> None:
    """Clean the gold text itself (guard off): any gold line that changes is article text lost."""
    try:
        gold = _read_text(gold_path)
    except (OSError, DecodeError):
        return
    labels = {n: LineLabel(n, KEEP) for n, line in enumerate(gold.split("\n")) if line.strip()}
    evaluation.gold_lines += len(labels)
    spans = chain.clean(gold).spans
    evaluation.gold_fates.extend(f for f in line_fates(doc_id, gold, spans, labels) if f.status != INTACT)
