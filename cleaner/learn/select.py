"""Which candidates become rules, with what scope and name, most useful first.

Per group:

1. A template (digits, month or day names masked) becomes a rule when it stands for at least
   two different lines; its lines then need no rules of their own. A template that only ever
   stood for one line gives way to that line.
2. A rule needs :data:`~cleaner.learn.lines.MIN_LETTERS` letters outside the masks of its
   template: lines of digits and dates alone are left to the ``dates`` pack, separators to
   the text.
3. **Safety.** A line that reads like article prose (:mod:`cleaner.learn.prose`) is proposed
   only when it occurs in at least ``prose_share`` of the group's documents, and is then
   marked for review; below that share it is held back, so a quotation two articles share
   never becomes a rule.
4. A line always found within the first (last) :data:`SCOPE_MAX_LINES` non-blank lines of a
   document gets ``scope: head`` (``tail``), with ``scope_lines`` its latest position there.
5. Rules are ordered by the characters they remove, then documents, then text; a group keeps
   at most ``max_rules`` and holds back the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from cleaner.learn.collect import Stats
from cleaner.learn.lines import MIN_LETTERS, display, fill, letters, line_pattern, template
from cleaner.learn.prose import looks_like_prose

SCOPE_MAX_LINES = 5
SLUG_WORDS = 6
SLUG_CHARS = 40
# What a YAML rule file can hold as text (YAML 1.1's printable characters).
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Thresholds:
    """The choices of ``cleaner learn`` that decide what is proposed."""

    min_docs: int = 3
    min_share: float = 0.1
    prose_share: float = 0.5
    max_rules: int = 25


@dataclass
class Proposal:
    """A line or template of a group, proposed as a rule or held back (``reason``)."""

    stats: Stats
    group_docs: int
    review: bool = False
    reason: str | None = None
    rule_id: str = ""
    keep: str | None = None  # a line of the group's article text that the rule must keep

    @property
    def share(self) -> float:
        return self.stats.docs / self.group_docs if self.group_docs else 0.0

    @property
    def text(self) -> str:
        """The line, or the template with the masks that never varied written back."""
        stats = self.stats
        return fill(stats.text, stats.slots) if stats.slots is not None else stats.text

    @property
    def shown(self) -> str:
        """The text as people read it (``<N>`` and ``<MONTH>`` in templates)."""
        return display(self.text)

    @property
    def example(self) -> str:
        """A real line it stands for."""
        return self.stats.variants[0] if self.stats.is_template else self.stats.text

    @property
    def removes(self) -> list[str]:
        """Its ``examples.remove``: the line, or two of the lines a template stands for."""
        return self.stats.variants[:2] if self.stats.is_template else [self.stats.text]

    @property
    def pattern(self) -> str:
        return line_pattern(self.text, any_space=self.stats.any_space, padded=self.stats.padded)

    @property
    def scope(self) -> tuple[str, int]:
        """``(scope, scope_lines)``: head or tail where it is only ever found there."""
        head, tail = self.stats.head, self.stats.tail
        if head <= SCOPE_MAX_LINES and head <= tail:
            return "head", head
        if tail <= SCOPE_MAX_LINES:
            return "tail", tail
        return "anywhere", 0


@dataclass
class GroupResult:
    """What was learned for one group."""

    label: str
    docs: int
    proposed: list[Proposal] = field(default_factory=list)
    held_back: list[Proposal] = field(default_factory=list)


def select_group(
    label: str, docs: int, candidates: dict[bytes, Stats], keep_line: str | None, limits: Thresholds
) -> GroupResult:
    """The proposals for one group from its candidates' second-pass notes (by record).

    >>> line = Stats("raw", "Share this", False, docs=9, chars=90, head=1, tail=12)
    >>> quote = Stats("raw", "“We will not give up on the harbour,” she said.", False, docs=3)
    >>> group = select_group("raw", 10, {b"1": line, b"2": quote}, None, Thresholds())
    >>> [(p.shown, p.scope) for p in group.proposed]
    [('Share this', ('head', 1))]
    >>> print(group.held_back[0].reason)
    reads like article text, and is in 30 % of the documents, under --prose-share 50 %
    """
    templates = {record for record, stats in candidates.items() if stats.is_template and stats.variants[1:]}
    result = GroupResult(label, docs)
    kept: list[Proposal] = []
    for record, stats in candidates.items():
        if stats.is_template and record not in templates:
            continue
        if not stats.is_template and stats.template_of in templates:
            continue
        masked = stats.text if stats.is_template else template(stats.text) or stats.text
        if letters(masked) < MIN_LETTERS or _UNPRINTABLE.search(stats.text):
            continue
        proposal = Proposal(stats, docs, keep=keep_line)
        if looks_like_prose(proposal.example):
            if proposal.share < limits.prose_share:
                proposal.reason = (
                    f"reads like article text, and is in {_percent(proposal.share)} of the documents, "
                    f"under --prose-share {_percent(limits.prose_share)}"
                )
                result.held_back.append(proposal)
                continue
            proposal.review = True
        kept.append(proposal)
    kept.sort(key=lambda p: (-p.stats.chars, -p.stats.docs, p.stats.text))
    result.proposed = kept[: limits.max_rules]
    for proposal in kept[limits.max_rules :]:
        proposal.reason = f"beyond --max-rules {limits.max_rules}"
        result.held_back.append(proposal)
    result.held_back.sort(key=lambda p: (-p.stats.docs, p.stats.text))
    return result


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def slug(text: str) -> str:
    """A lowercase ASCII name made of a text's first words ('' when it has none).

    >>> slug("Listen to this article · \\ue000 min"), slug("© Rheinische Abendzeitung"), slug("안녕")
    ('listen-to-this-article-min', 'rheinische-abendzeitung', '')
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", plain)[:SLUG_WORDS]
    name = "-".join(words)
    return name[:SLUG_CHARS].rstrip("-")


def group_slugs(labels: Iterable[str]) -> dict[str, str]:
    """A short, distinct name for each group: its last path part, or more where two share it.

    >>> group_slugs(["raw/a/news", "raw/b/news", "raw/site-c"])
    {'raw/a/news': 'raw-a-news', 'raw/b/news': 'raw-b-news', 'raw/site-c': 'site-c'}
    """
    labels = list(labels)
    short = {label: slug(label.rstrip("/").rsplit("/", 1)[-1]) or "group" for label in labels}
    twice = Counter(short.values())
    names = {label: short[label] if twice[short[label]] < 2 else (slug(label) or "group") for label in labels}
    return _unique(names)


def name_rules(groups: list[GroupResult], *, prefix: dict[str, str] | None = None) -> None:
    """Give every proposal an id, unique across ``groups``: the slug of its text, after its
    group's name in ``prefix`` (for a pack holding several groups)."""
    taken: set[str] = set()
    for group in groups:
        for proposal in group.proposed:
            base = slug(proposal.text) or "line"
            if prefix is not None:
                base = f"{prefix[group.label]}-{base}"
            name, number = base, 2
            while name in taken:
                name, number = f"{base}-{number}", number + 1
            taken.add(name)
            proposal.rule_id = name


def _unique(names: dict[str, str]) -> dict[str, str]:
    taken: set[str] = set()
    result = {}
    for label, name in names.items():
        candidate, number = name, 2
        while candidate in taken:
            candidate, number = f"{name}-{number}", number + 1
        taken.add(candidate)
        result[label] = candidate
    return result
