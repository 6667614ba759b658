"""Undo a clean run: rebuild originals from clean text and the report, refusing what was edited.

A report record carries the removed ``text`` and its offsets into the original; records written
by ``cleaner clean`` also carry ``clean_sha256``, the checksum of the clean text they belong
to, and ``original_sha256``, that of the original text. Restoring checks, before rebuilding
anything, that the clean text still has its checksum, that the spans fit into it, that every
span lands on the line the report gives, and, once rebuilt, that the original has its
checksum: so a report edited since (a removed text changed, records moved) is refused, never
turned into wrong bytes.

A directory run is restored by :mod:`cleaner.report.tree`, a JSONL corpus by
:mod:`cleaner.report.corpus`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cleaner.core.result import Span
from cleaner.io.segments import REPLACED_RULE, REPLACEMENT
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
    clean_digest = _agreed(records, "clean_sha256")
    if clean_digest is not None and text_sha256(clean) != clean_digest:
        raise RestoreError("edited since the report was written (SHA-256 differs from the report's)")
    original_digest = _agreed(records, "original_sha256")
    spans = [_span(record) for record in records]
    original = restore(clean, spans)
    _check_lines(original, spans)
    if original_digest is not None and text_sha256(original) != original_digest:
        raise RestoreError(
            "the report's records do not rebuild the original (its SHA-256 differs from the "
            "report's original_sha256): the report was edited since it was written"
        )
    for span in spans:
        if span.rule == REPLACED_RULE and original[span.start : span.start + 1] != REPLACEMENT:
            raise RestoreError(f"no U+FFFD at offset {span.start}, where the report has replaced bytes")
    return original


def _agreed(records: Sequence[dict[str, Any]], name: str) -> str | None:
    """The checksum ``name`` that all of a document's records give (None when none gives one)."""
    digests = {record.get(name) for record in records} - {None}
    if len(digests) > 1:
        raise RestoreError(f"the report's records disagree about the {name}")
    digest = next(iter(digests), None)
    if digest is not None and not isinstance(digest, str):
        raise RestoreError(f"the report's {name} is not a string")
    return digest


def original_bytes(original: str, records: Sequence[dict[str, Any]]) -> bytes:
    """The input's bytes: ``original`` (from :func:`restore_document`) in UTF-8, with each U+FFFD
    that a ``decode/replaced`` record names turned back into the bytes it replaced.

    For an input that was UTF-8 apart from those bytes, this is the input, byte for byte.

    >>> original_bytes("caf\ufffd", [{"rule": REPLACED_RULE, "start": 3, "captures": {"bytes": "e9"}}])
    b'caf\\xe9'
    """
    runs = sorted(
        (record["start"], bytes.fromhex(record["captures"]["bytes"]))
        for record in records
        if record.get("rule") == REPLACED_RULE
    )
    pieces, pos = [], 0
    for start, data in runs:
        pieces += [original[pos:start].encode("utf-8"), data]
        pos = start + 1
    pieces.append(original[pos:].encode("utf-8"))
    return b"".join(pieces)


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


def _span(record: dict[str, Any]) -> Span:
    try:
        span = record_span(record)
    except (KeyError, TypeError) as exc:
        raise RestoreError(f"a report record lacks {exc}") from None
    fields_ok = isinstance(span.start, int) and isinstance(span.end, int) and isinstance(span.line, int)
    if not (fields_ok and isinstance(span.text, str) and 0 <= span.start <= span.end):
        raise RestoreError(f"malformed report record for {span.rule!r} at {span.start!r}")
    if span.rule == REPLACED_RULE and not _hex_bytes(span.captures):
        raise RestoreError(f"malformed report record for {span.rule!r} at {span.start!r}")
    return span


def _hex_bytes(captures: Any) -> bool:
    """Whether a ``decode/replaced`` record's captures hold its bytes, in hexadecimal."""
    try:
        return bool(bytes.fromhex(captures["bytes"]))
    except (TypeError, KeyError, ValueError):
        return False


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
