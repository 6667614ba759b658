"""First pass: in how many documents of its group does each line (and line template) occur?

Workers turn every document into 16-byte records, one per distinct line key and template in
it: 8 bytes naming the group, 8 naming the text (:func:`~cleaner.learn.lines.key_hash`). No
text leaves the worker. The parent appends the records to one of :data:`PARTITIONS` spill
files, by the text hash's first byte, so that counting needs memory for one partition at a
time, never for the corpus: records come to about an eighth of the input's size (news
pages of short paragraphs), half a megabyte per partition for a GB. Counting each partition
in turn gives every hash's document count; those reaching their group's threshold are the
candidates the second pass looks at.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cleaner.learn.inputs import Reading, ReadSettings, Task, documents
from cleaner.learn.lines import MAX_LINE_CHARS, TEMPLATE, key_hash, line_key, template

PARTITIONS = 256
RECORD = 16


def group_hash(group: str) -> bytes:
    """8 bytes naming a group in records.

    >>> len(group_hash("raw/site-a")), group_hash("a") == group_hash("a")
    (8, True)
    """
    return hashlib.blake2b(group.encode("utf-8", "surrogatepass"), digest_size=8, person=b"group").digest()


def document_keys(text: str) -> set[bytes]:
    """The 8-byte hashes of a document's distinct line keys and templates.

    >>> len(document_keys("Share this\\n\\nShare  this\\nPage 2\\n"))
    3
    """
    keys: set[bytes] = set()
    for raw in text.split("\n"):
        key = line_key(raw)
        if not key or len(key) > MAX_LINE_CHARS:
            continue
        keys.add(key_hash(key))
        masked = template(key)
        if masked is not None:
            keys.add(key_hash(masked, TEMPLATE))
    return keys


@dataclass
class Counted:
    """A task's first-pass result: documents per group and records per partition."""

    reading: Reading = field(default_factory=Reading)
    groups: Counter[str] = field(default_factory=Counter)
    parts: dict[int, bytes] = field(default_factory=dict)


def count_task(task: Task, settings: ReadSettings) -> Counted:
    """Hash the lines of one task's documents (runs in a worker)."""
    counted = Counted()
    parts: dict[int, bytearray] = {}
    for document in documents(task, settings, counted.reading):
        counted.groups[document.group] += 1
        prefix = group_hash(document.group)
        for key in document_keys(document.text):
            part = parts.get(key[0])
            if part is None:
                part = parts[key[0]] = bytearray()
            part += prefix
            part += key
    counted.parts = {index: bytes(data) for index, data in parts.items()}
    return counted


class HashCounts:
    """The parent's side of the first pass: documents per group, records spilled to disk.

    >>> from cleaner.batch.corpus import Chunk
    >>> from cleaner.learn.inputs import ChunkInput
    >>> page = b'{"text": "Share this\\\\nA story told once.\\\\nUpdated 5 May"}\\n'
    >>> task = ChunkInput(Chunk("demo.jsonl", 1, (page,) * 3, False), "demo")
    >>> counts = HashCounts()
    >>> counts.add(count_task(task, ReadSettings()))
    >>> counts.docs, sorted(counts.frequent(min_docs=3, min_share=0.5, cap=10).values())
    (Counter({'demo': 3}), [3, 3, 3, 3])
    >>> counts.close()
    """

    def __init__(self, folder: str | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="cleaner-learn-", dir=folder)
        self._files: dict[int, BinaryIO] = {}
        self.docs: Counter[str] = Counter()
        self.names: dict[bytes, str] = {}  # group hash -> group

    def add(self, counted: Counted) -> None:
        for group, docs in counted.groups.items():
            self.docs[group] += docs
            self.names.setdefault(group_hash(group), group)
        for index, data in counted.parts.items():
            spill = self._files.get(index)
            if spill is None:
                spill = self._files[index] = open(Path(self._dir.name) / f"{index:03d}", "wb")  # noqa: SIM115
            spill.write(data)

    def thresholds(self, min_docs: int, min_share: float) -> dict[bytes, int]:
        """Per group hash, the documents a line needs: ``min_docs``, or ``min_share`` of the group."""
        return {gh: max(min_docs, math.ceil(min_share * self.docs[name])) for gh, name in self.names.items()}

    def frequent(self, *, min_docs: int, min_share: float, cap: int) -> dict[bytes, int]:
        """Records seen in at least their group's threshold of documents, with their counts:
        at most ``cap`` per group, the most frequent (ties broken by hash, so always the same)."""
        needed = self.thresholds(min_docs, min_share)
        found: dict[bytes, list[tuple[int, bytes]]] = {}
        for index in sorted(self._files):
            spill = self._files[index]
            spill.close()
            data = Path(spill.name).read_bytes()
            counts = Counter(data[at : at + RECORD] for at in range(0, len(data), RECORD))
            del data
            for record, docs in counts.items():
                if docs >= needed[record[:8]]:
                    found.setdefault(record[:8], []).append((-docs, record))
        frequent: dict[bytes, int] = {}
        for entries in found.values():
            for negative, record in sorted(entries)[:cap]:
                frequent[record] = -negative
        self._files.clear()
        return frequent

    def close(self) -> None:
        for spill in self._files.values():
            spill.close()
        self._dir.cleanup()
