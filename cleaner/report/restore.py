"""Undo a clean run: rebuild originals from clean text and the report, refusing what was edited.

A report record carries the removed ``text`` and its offsets into the original; records written
by ``cleaner clean`` also carry ``clean_sha256``, the checksum of the clean text they belong
to. Restoring checks, before rebuilding anything, that the clean text still has that checksum,
that the spans fit into it, and that every span lands on the line the report gives.

For a directory run, the clean file of a record's ``source`` is found by mirroring: the output
tree repeats the input tree, so the clean file is ``CLEAN/<the longest trailing part of source
that exists under CLEAN>`` (``raw/world/a.txt`` -> ``clean/world/a.txt``, whatever the input
root was called). Clean files that no record names had nothing removed and are copied as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from cleaner.core.result import Span
from cleaner.io.decode import DecodeError, decode_bytes
from cleaner.io.output import atomic_writer
from cleaner.report.records import RestoreError, record_span, restore, text_sha256


def group_by_source(records: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Report records grouped by their ``source``, in first-seen order.

    >>> group_by_source([{"source": "a"}, {"source": "b"}, {"source": "a"}])
    {'a': [{'source': 'a'}, {'source': 'a'}], 'b': [{'source': 'b'}]}
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for number, record in enumerate(records, 1):
        source = record.get("source") if isinstance(record, dict) else None
        if not isinstance(source, str):
            raise RestoreError(f"report record {number} has no 'source'")
        groups.setdefault(source, []).append(record)
    return groups


def restore_document(clean: str, records: Sequence[dict[str, Any]]) -> str:
    """The original text of one source, from its clean text and its report records.

    Raises :class:`RestoreError` when they do not fit together, i.e. one was edited since.

    >>> from cleaner.report.records import span_record
    >>> records = [span_record(
    ...     "a.txt", Span("demo/more", 6, 16, " Read more", 1), {"clean_sha256": text_sha256("Story.")}
    ... )]
    >>> restore_document("Story.", records)
    'Story. Read more'
    >>> restore_document("Story!", records)
    Traceback (most recent call last):
    ...
    cleaner.report.records.RestoreError: edited since the report was written (SHA-256 differs from the \
report's)
    """
    digests = {record.get("clean_sha256") for record in records} - {None}
    if len(digests) > 1:
        raise RestoreError("the report's records disagree about the clean text's clean_sha256")
    if digests and text_sha256(clean) not in digests:
        raise RestoreError("edited since the report was written (SHA-256 differs from the report's)")
    spans = [_span(record) for record in records]
    original = restore(clean, spans)
    _check_lines(original, spans)
    return original


def select_records(groups: dict[str, list[dict[str, Any]]], clean: str) -> list[dict[str, Any]]:
    """The records of the one source in ``groups`` whose clean text is ``clean``.

    A report of one source is taken as it is (restoring then checks it); from a report of
    several, the source whose ``clean_sha256`` matches is chosen.
    """
    if len(groups) <= 1:
        return next(iter(groups.values()), [])
    digest = text_sha256(clean)
    matching = [recs for recs in groups.values() if any(r.get("clean_sha256") == digest for r in recs)]
    if len(matching) != 1:
        raise RestoreError(
            f"the report covers {len(groups)} sources and {len(matching) or 'none'} of them has this "
            "clean text's SHA-256 (edited since, or not from this run); restore the run's directory instead"
        )
    return matching[0]


def locate_clean_file(clean_root: Path, source: str) -> Path | None:
    """The file under ``clean_root`` holding ``source``'s clean text (see the module docstring).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "world").mkdir(); (root / "world" / "a.txt").write_text("x")
    1
    >>> locate_clean_file(root, "raw/world/a.txt").relative_to(root).as_posix()
    'world/a.txt'
    >>> locate_clean_file(root, "raw/b.txt") is None
    True
    """
    path = PurePath(source)
    parts = path.parts[1:] if path.anchor else path.parts
    for first in range(len(parts)):
        tail = parts[first:]
        if ".." in tail:
            continue
        candidate = clean_root.joinpath(*tail)
        if candidate.is_file():
            return candidate
    return None


@dataclass
class TreeOutcome:
    """What :func:`restore_tree` did: files restored from spans, files copied, one-line errors."""

    restored: int = 0
    copied: int = 0
    errors: list[str] = field(default_factory=list)


def restore_tree(
    clean_root: Path, groups: dict[str, list[dict[str, Any]]], out_root: Path, skip: Iterable[Path] = ()
) -> TreeOutcome:
    """Rebuild a whole directory run under ``out_root``; a file that fails does not stop the rest.

    ``skip`` lists files under ``clean_root`` that are not clean text (e.g. the report itself).
    """
    outcome = TreeOutcome()
    skipped = {path.resolve() for path in skip}
    owners: dict[Path, str] = {}
    for source in groups:
        located = locate_clean_file(clean_root, source)
        if located is None:
            outcome.errors.append(f"{source}: no clean file for it under {clean_root}")
        elif located in owners:
            outcome.errors.append(f"{source}: maps to {located}, which already holds {owners[located]}")
        else:
            owners[located] = source
    for path in sorted(p for p in clean_root.rglob("*") if p.is_file() and p.resolve() not in skipped):
        if path.name.startswith(".") and path.name.endswith(".part"):
            continue  # a temporary file left by an interrupted atomic write
        target = out_root / path.relative_to(clean_root)
        try:
            data = path.read_bytes()
            if path not in owners:
                with atomic_writer(target, "wb") as out:
                    out.write(data)
                outcome.copied += 1
                continue
            original = restore_document(decode_bytes(data).text, groups[owners[path]])
            with atomic_writer(target) as out:
                out.write(original)
            outcome.restored += 1
        except OSError as exc:
            outcome.errors.append(f"{path}: cannot read or write: {exc.strerror}")
        except (DecodeError, RestoreError) as exc:
            outcome.errors.append(f"{path}: {exc}")
    return outcome


def _span(record: dict[str, Any]) -> Span:
    try:
        span = record_span(record)
    except (KeyError, TypeError) as exc:
        raise RestoreError(f"a report record lacks {exc}") from None
    fields_ok = isinstance(span.start, int) and isinstance(span.end, int) and isinstance(span.line, int)
    if not (fields_ok and isinstance(span.text, str) and 0 <= span.start <= span.end):
        raise RestoreError(f"malformed report record for {span.rule!r} at {span.start!r}")
    return span


def _check_lines(original: str, spans: Sequence[Span]) -> None:
    """Each span must start on the line its record gives: kept text that gained or lost a
    line break moves the spans after it."""
    line, pos = 1, 0
    for span in sorted(spans, key=lambda s: s.start):
        line += original.count("\n", pos, span.start)
        pos = span.start
        if span.line and line != span.line:
            raise RestoreError(
                f"span {span.rule} at offset {span.start} no longer starts on line {span.line}"
            )
