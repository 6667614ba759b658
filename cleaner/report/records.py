"""The removed-span report: JSONL records, and restoring an original from clean text + spans."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

from cleaner.core.result import Span

if TYPE_CHECKING:
    from cleaner.io.decode import Decoded

#: The zero-width record that carries an HTML page's date as the document's ``date`` capture.
PAGE_DATE_RULE = "html/page-date"
# One encoder for every record: json.dumps with options builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False)


class RestoreError(ValueError):
    """The clean text and the report do not fit together (one was edited since)."""


def text_sha256(text: str | bytes) -> str:
    """Hex SHA-256 of ``text`` as UTF-8 (or of UTF-8 bytes): the checksum of a clean file as
    ``cleaner`` writes it.

    >>> text_sha256("Story.")[:12], text_sha256(b"Story.")[:12]
    ('c141e8ee2e58', 'c141e8ee2e58')
    """
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def span_record(
    source: str,
    span: Span,
    extra: Mapping[str, Any] | None = None,
    *,
    record_id: str | int | None = None,
) -> dict[str, Any]:
    """The JSON record of one removed span, plus ``extra`` fields after the standard ones.

    ``record_id`` is the ``id`` of a JSONL corpus record; it follows ``source``.

    >>> record = span_record("a.txt", Span("demo/more", 7, 16, "Read more", 1))
    >>> record["rule"], record["start"], record["end"], record["text"]
    ('demo/more', 7, 16, 'Read more')
    >>> list(span_record("corpus.jsonl:3", Span("demo/more", 7, 16, "Read more", 1), record_id="doc-9"))[:3]
    ['source', 'id', 'rule']
    """
    record: dict[str, Any] = {"source": source} if record_id is None else {"source": source, "id": record_id}
    record.update(
        {
            "rule": span.rule,
            "start": span.start,
            "end": span.end,
            "line": span.line,
            "text": span.text,
            "captures": span.captures,
        }
    )
    if extra:
        record.update(extra)
    return record


def input_fields(decoded: Decoded) -> dict[str, str]:
    """Record fields saying how the input was read; none for plain UTF-8 text.

    ``encoding`` when the input was not plain UTF-8; ``offsets: extracted-text`` when the text
    was extracted from an HTML page, so offsets count in that text rather than in the page.

    >>> from cleaner.io.decode import Decoded
    >>> input_fields(Decoded("text", "utf-8")), input_fields(Decoded("text", "cp1252", html=True))
    ({}, {'encoding': 'cp1252', 'offsets': 'extracted-text'})
    """
    fields = {}
    if decoded.encoding != "utf-8":
        fields["encoding"] = decoded.encoding
    if decoded.html:
        fields["offsets"] = "extracted-text"
    return fields


def page_date_spans(decoded: Decoded) -> list[Span]:
    """A zero-width span at offset 0 carrying the page's date as a ``date`` capture, if any.

    trafilatura moves an HTML page's date out of the text into metadata, so no removed span
    carries it; this record keeps it where the date-header rule puts a text's date.

    >>> from cleaner.io.decode import Decoded
    >>> page_date_spans(Decoded("Story.\\n", "utf-8", html=True, date="2024-03-11"))
    [Span(rule='html/page-date', start=0, end=0, text='', line=1, captures={'date': '2024-03-11'})]
    """
    if not decoded.date:
        return []
    return [Span(PAGE_DATE_RULE, 0, 0, "", 1, {"date": decoded.date})]


def write_records(
    out: IO[str],
    source: str,
    spans: Iterable[Span],
    *,
    clean: str | bytes | None = None,
    decoded: Decoded | None = None,
    record_id: str | int | None = None,
) -> int:
    """Write one JSON line per span; returns how many were written.

    ``record_id`` names the JSONL corpus record the spans come from (see :func:`span_record`).

    Given the ``clean`` text (or its UTF-8), every record carries its ``clean_sha256`` so that restore can
    detect later edits. With ``decoded`` (how the input was read), records also say the
    input's encoding and whether offsets refer to text extracted from HTML, and an HTML
    page's date comes first.
    """
    extra: dict[str, str] = {}
    if decoded is not None:
        extra.update(input_fields(decoded))
        spans = itertools.chain(page_date_spans(decoded), spans)
    count = 0
    for span in spans:
        if count == 0 and clean is not None:  # most documents have no span: no checksum then
            extra["clean_sha256"] = text_sha256(clean)
        record = span_record(source, span, extra, record_id=record_id)
        out.write(_JSON.encode(record) + "\n")
        count += 1
    return count


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
