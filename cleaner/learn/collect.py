"""Second pass: what the first pass's frequent hashes stand for, and where they occur.

For each candidate record (group + line or template hash) a worker notes its text, how many
documents and lines it covers and how many characters, the latest position it takes from the
start and from the end of a document (in non-blank lines, as ``head`` and ``tail`` scopes
count), how its occurrences are spaced, the first documents it occurs in, and for a
template, the lines it stands for. The parent merges the tasks' notes in input order, so the
samples are the first documents of the corpus whatever the number of workers.

Each group also gets a line to show as a rule's ``keep`` example: its first line, in input
order, that reads like article prose, is short, and is no candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cleaner.learn.count import group_hash
from cleaner.learn.inputs import Reading, ReadSettings, Task, documents
from cleaner.learn.lines import MAX_LINE_CHARS, TEMPLATE, key_hash, line_key, slot_values, template
from cleaner.learn.prose import looks_like_prose

SAMPLES = 3  # documents remembered per candidate
VARIANTS = 3  # lines remembered per template
KEEP_MAX_CHARS = 150


@dataclass(frozen=True)
class CollectSettings(ReadSettings):
    """The reading settings, and the records the second pass looks for."""

    wanted: frozenset[bytes] = frozenset()


@dataclass(frozen=True, slots=True)
class Sample:
    """Where a candidate occurs: a document, its 1-based line, and its place among the
    document's ``lines`` non-blank lines."""

    source: str
    line: int
    position: int
    lines: int


@dataclass
class Stats:
    """What is known of one candidate line or template."""

    group: str
    text: str  # the line's key, or the template
    is_template: bool
    docs: int = 0
    occurrences: int = 0
    chars: int = 0
    head: int = 0  # the latest non-blank line, counted from the start, that it occurs on
    tail: int = 0  # the same, counted from the end
    padded: bool = False  # some occurrence has spaces before or after it
    any_space: bool = False  # some occurrence is spaced otherwise than with single spaces
    samples: list[Sample] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)  # a template's distinct lines
    slots: tuple[str | None, ...] | None = None  # per mask of a template: its one value, or None if it varies
    template_of: bytes | None = None  # a line's template record, when it has one

    def merge(self, later: Stats) -> None:
        """Add the notes of a later task."""
        self.docs += later.docs
        self.occurrences += later.occurrences
        self.chars += later.chars
        self.head = max(self.head, later.head)
        self.tail = max(self.tail, later.tail)
        self.padded |= later.padded
        self.any_space |= later.any_space
        self.samples.extend(later.samples[: SAMPLES - len(self.samples)])
        for variant in later.variants:
            if len(self.variants) < VARIANTS and variant not in self.variants:
                self.variants.append(variant)
        self.template_of = self.template_of or later.template_of
        self.slots = _same_slots(self.slots, later.slots)


@dataclass
class Collected:
    """A task's second-pass result, or (in the parent) all of them merged."""

    reading: Reading = field(default_factory=Reading)
    stats: dict[bytes, Stats] = field(default_factory=dict)
    keep_lines: dict[str, str] = field(default_factory=dict)  # group -> a line of article prose

    def merge(self, later: Collected) -> None:
        """Add a later task's result."""
        for record, stats in later.stats.items():
            mine = self.stats.get(record)
            if mine is None:
                self.stats[record] = stats
            else:
                mine.merge(stats)
        for group, line in later.keep_lines.items():
            self.keep_lines.setdefault(group, line)


def _same_slots(
    mine: tuple[str | None, ...] | None, theirs: tuple[str | None, ...] | None
) -> tuple[str | None, ...] | None:
    """Slot values that stayed the same: None where they differ."""
    if mine is None or theirs is None:
        return mine or theirs
    return tuple(a if a == b else None for a, b in zip(mine, theirs, strict=True))


def collect_task(task: Task, settings: CollectSettings) -> Collected:
    """Note the candidates of one task's documents (runs in a worker).

    >>> from cleaner.batch.corpus import Chunk
    >>> from cleaner.learn.inputs import ChunkInput
    >>> from cleaner.learn.lines import key_hash
    >>> page = b'{"text": "Share this\\\\nA story told once.\\\\nShare  this"}\\n'
    >>> record = group_hash("demo") + key_hash("Share this")
    >>> result = collect_task(ChunkInput(Chunk("c.jsonl", 1, (page,) * 2, False), "demo"),
    ...                       CollectSettings(wanted=frozenset([record])))
    >>> stats = result.stats[record]
    >>> stats.docs, stats.occurrences, stats.head, stats.any_space, stats.samples[1]
    (2, 4, 3, True, Sample(source='c.jsonl:2', line=1, position=1, lines=3))
    """
    result = Collected()
    for document in documents(task, settings, result.reading):
        _collect_document(document.group, document.source, document.text, settings.wanted, result)
    return result


def _collect_document(
    group: str, source: str, text: str, wanted: frozenset[bytes], result: Collected
) -> None:
    prefix = group_hash(group)
    lines = text.split("\n")
    nonblank = [index for index, raw in enumerate(lines) if raw.strip()]
    seen: set[bytes] = set()
    for position, index in enumerate(nonblank, 1):
        key = line_key(lines[index])
        if len(key) > MAX_LINE_CHARS:
            continue
        exact = prefix + key_hash(key)
        masked = template(key)
        shaped = None if masked is None else prefix + key_hash(masked, TEMPLATE)
        hits = [(exact, key, False)] if exact in wanted else []
        if masked is not None and shaped in wanted:
            hits.append((shaped, masked, True))
        if not hits:
            if group not in result.keep_lines and len(key) <= KEEP_MAX_CHARS and looks_like_prose(key):
                result.keep_lines[group] = key
            continue
        body = lines[index].rstrip("\r")
        sample = Sample(source, index + 1, position, len(nonblank))
        for record, found, is_template in hits:
            stats = result.stats.get(record)
            if stats is None:
                stats = result.stats[record] = Stats(group, found, is_template)
            stats.occurrences += 1
            stats.chars += len(body)
            stats.head = max(stats.head, position)
            stats.tail = max(stats.tail, len(nonblank) - position + 1)
            stats.padded |= body != body.strip()
            stats.any_space |= body.strip() != key
            if record not in seen:
                seen.add(record)
                stats.docs += 1
                if len(stats.samples) < SAMPLES:
                    stats.samples.append(sample)
            if stats.is_template:
                if len(stats.variants) < VARIANTS and key not in stats.variants:
                    stats.variants.append(key)
                stats.slots = _same_slots(stats.slots, slot_values(key, found))
            else:
                stats.template_of = shaped
