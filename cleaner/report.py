"""The removed-span report: JSONL records, and restoring an original from clean text + spans."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from cleaner.engine import Span


class RestoreError(ValueError):
    """The clean text and the report do not fit together (one was edited since)."""


def span_record(source: str, span: Span, record_id: str | int | None = None) -> dict[str, Any]:
    """The JSON record of one removed span; ``record_id`` is the ``id`` of a JSONL corpus record.

    >>> record = span_record("a.txt", Span("demo/more", 7, 16, "Read more", 1))
    >>> record["rule"], record["start"], record["end"], record["text"]
    ('demo/more', 7, 16, 'Read more')
    >>> list(span_record("corpus.jsonl:3", Span("demo/more", 7, 16, "Read more", 1), "doc-9"))[:3]
    ['source', 'id', 'rule']
    """
    named: dict[str, Any] = {"source": source} if record_id is None else {"source": source, "id": record_id}
    return {
        **named,
        "rule": span.rule,
        "start": span.start,
        "end": span.end,
        "line": span.line,
        "text": span.text,
        "captures": span.captures,
    }


def record_span(record: dict[str, Any]) -> Span:
    """The span a report record describes (the inverse of :func:`span_record`)."""
    return Span(
        rule=record["rule"],
        start=record["start"],
        end=record["end"],
        text=record["text"],
        line=record.get("line", 0),
        captures=record.get("captures", {}),
    )


def write_records(
    out: IO[str], source: str, spans: Iterable[Span], record_id: str | int | None = None
) -> int:
    """Write one JSON line per span; returns how many were written."""
    count = 0
    for span in spans:
        out.write(json.dumps(span_record(source, span, record_id), ensure_ascii=False) + "\n")
        count += 1
    return count


def read_records(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Parse report lines, skipping blank ones."""
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise RestoreError(f"report line {number} is not valid JSON: {exc.msg}") from None


def restore(clean: str, spans: Iterable[Span]) -> str:
    """Rebuild the original text from the clean text and its removed spans.

    >>> restore("Story.", [Span("demo/more", 6, 16, " Read more")])
    'Story. Read more'
    """
    pieces: list[str] = []
    clean_pos = original_pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < original_pos or span.end - span.start != len(span.text):
            raise RestoreError(f"span {span.rule} at {span.start} overlaps another or is malformed")
        kept = span.start - original_pos
        if clean_pos + kept > len(clean):
            raise RestoreError(f"clean text is shorter than the report expects at offset {span.start}")
        pieces.append(clean[clean_pos : clean_pos + kept])
        pieces.append(span.text)
        clean_pos += kept
        original_pos = span.end
    pieces.append(clean[clean_pos:])
    return "".join(pieces)
