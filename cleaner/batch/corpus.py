"""JSONL corpora: stream records in bounded chunks and clean one text field per record.

A corpus is read line by line (gzip-compressed when its name ends in ``.gz``) and cut into
chunks of about :data:`CHUNK_BYTES`, so memory stays bounded by the largest record however
big the corpus is. Each chunk is an independent task: the worker cleans the field in every
record and returns the chunk's output bytes and report records, which the caller writes in
order. Chunk boundaries depend only on the input, so the output is the same for any number
of workers.

Records whose field loses nothing are copied byte for byte; changed records are
re-serialised with every other field kept. Report records name their source as
``corpus.jsonl:LINE`` (1-based line in the corpus) and carry the record's ``id`` when it has
one.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from cleaner.batch.settings import Settings
from cleaner.core.engine import Chain
from cleaner.io import gz
from cleaner.io.limits import TooLarge, record_too_large
from cleaner.report.records import encode_lines, write_records
from cleaner.report.sources import JSONL_SUFFIXES, is_corpus, is_gzip, record_source, split_record_source

# How report sources name corpus records lives with the report; the batch layer uses it from here too.
__all__ = [
    "JSONL_SUFFIXES",
    "Chunk",
    "ChunkResult",
    "bounded_lines",
    "clean_chunk",
    "is_corpus",
    "is_gzip",
    "read_chunks",
    "record_source",
    "split_record_source",
]

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive lines of one corpus, cleaned as one task."""

    source: str  # the corpus's report name
    first_line: int  # 1-based line number of lines[0]
    lines: tuple[bytes, ...]
    compress: bool  # return the output as a gzip member (members concatenate into one file)

    @property
    def carried_bytes(self) -> int:
        return sum(map(len, self.lines))

    def run(self, settings: Settings) -> ChunkResult:
        """Clean the chunk's records (see :func:`clean_chunk`)."""
        return clean_chunk(self, settings.chain, settings.field, max_removed=settings.max_removed)


@dataclass(slots=True)
class ChunkResult:
    """A cleaned chunk: output bytes, report lines and counts."""

    data: bytes
    records: bytes
    documents: int = 0
    changed: int = 0
    held_back: int = 0  # records the --max-removed guard left unchanged
    without_field: int = 0
    bytes_in: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[str, str]] = field(default_factory=list)


class LineReader(Protocol):
    """A binary file read line by line, each read bounded: a file, a GzipFile, an fsspec file."""

    def readline(self, size: int = -1, /) -> bytes: ...


def bounded_lines(lines: LineReader, limit: int) -> Iterator[bytes]:
    """The lines of a corpus, each read only up to ``limit`` bytes (its line break aside): a
    longer record raises :class:`~cleaner.io.limits.TooLarge` before more of it is read, so
    that a record without an end (a gzip bomb of one line) never fills memory.

    >>> import io
    >>> list(bounded_lines(io.BytesIO(b'{"a": 1}\\n{}'), 1024))
    [b'{"a": 1}\\n', b'{}']
    >>> list(bounded_lines(io.BytesIO(b"{}\\n" + b"x" * 2000), 1024))
    Traceback (most recent call last):
    cleaner.io.limits.TooLarge: record 2 is larger than 1 KiB (--max-record-bytes); the file is not cleaned
    """
    number = 0
    while line := lines.readline(limit + 2):
        number += 1
        body = len(line) - line.endswith(b"\n") - line.endswith(b"\r\n")
        if body > limit or (len(line) == limit + 2 and not line.endswith(b"\n")):
            raise TooLarge(record_too_large(number, limit))
        yield line


class _NotText(ValueError):
    """A record's text that no UTF-8 file can hold."""


def _text_or_refuse(text: str, field: str) -> str:
    """``text``, unless it holds a lone surrogate: JSON's ``\\udc80`` escape stands for no
    character, so the text has no UTF-8 form to clean or write.

    >>> _text_or_refuse("bad \\udc80 here", "text")
    Traceback (most recent call last):
    cleaner.batch.corpus._NotText: field 'text' holds a lone surrogate (\\udc80 at character 4), not text
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        where = f"\\u{ord(text[exc.start]):04x} at character {exc.start}"
        raise _NotText(f"field {field!r} holds a lone surrogate ({where}), not text") from None
    return text


def read_chunks(
    lines: Iterable[bytes], source: str, *, compress: bool, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[Chunk]:
    """Group lines into chunks of about ``chunk_bytes``; an empty corpus gives one empty chunk.

    >>> chunks = read_chunks([b"{}\\n"] * 5, "c.jsonl", compress=False, chunk_bytes=7)
    >>> [(chunk.first_line, len(chunk.lines)) for chunk in chunks]
    [(1, 3), (4, 2)]
    """
    batch: list[bytes] = []
    size, first = 0, 1
    for line in lines:
        batch.append(line)
        size += len(line)
        if size >= chunk_bytes:
            yield Chunk(source, first, tuple(batch), compress)
            first += len(batch)
            batch, size = [], 0
    if batch or first == 1:
        yield Chunk(source, first, tuple(batch), compress)


def clean_chunk(
    chunk: Chunk, chain: Chain, text_field: str, *, max_removed: float | None = None
) -> ChunkResult:
    """Clean ``text_field`` in every record of a chunk (``max_removed``: see ``Chain.clean``).

    Blank lines, records without the field (or whose field is not a string) and lines that
    are not valid JSON are copied unchanged; the last are listed in ``problems``.

    >>> from cleaner.core.rule import Rule
    >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    >>> chunk = Chunk("c.jsonl", 1, (b'{"id": 7, "text": "Story. Read more", "lang": "en"}\\n',), False)
    >>> result = clean_chunk(chunk, chain, "text")
    >>> result.data
    b'{"id": 7, "text": "Story.", "lang": "en"}\\n'
    >>> json.loads(result.records.splitlines()[0])["source"]
    'c.jsonl:1'
    """
    out: list[bytes] = []
    report = io.StringIO()
    result = ChunkResult(b"", b"")
    for number, raw in enumerate(chunk.lines, chunk.first_line):
        result.bytes_in += len(raw)
        body, ending = _split_ending(raw)
        if not body.strip():
            out.append(raw)
            continue
        try:
            record = json.loads(body)
        except (ValueError, RecursionError) as exc:
            result.problems.append(
                (record_source(chunk.source, number), f"not valid JSON ({_why(exc)}); kept unchanged")
            )
            out.append(raw)
            continue
        text = record.get(text_field) if isinstance(record, dict) else None
        if not isinstance(text, str):
            result.without_field += 1
            out.append(raw)
            continue
        result.documents += 1
        try:
            cleaned = chain.clean(_text_or_refuse(text, text_field), max_removed=max_removed)
        except Exception as exc:  # one bad record must not stop a corpus; it is reported instead
            why = str(exc) if isinstance(exc, _NotText) else f"internal error ({_why(exc)})"
            result.problems.append((record_source(chunk.source, number), f"{why}; kept unchanged"))
            out.append(raw)
            continue
        if not cleaned.spans:
            out.append(raw)
            continue
        result.spans.update(span.rule for span in cleaned.spans)
        if cleaned.changed:
            result.changed += 1
            record[text_field] = cleaned.clean
            out.append(_json_bytes(record) + ending)
        else:  # held back by the guard: the line stays as it was, the report flags it
            result.held_back += 1
            out.append(raw)
        write_records(
            report,
            record_source(chunk.source, number),
            cleaned.spans,
            clean=cleaned.clean,
            original=text,
            record_id=_record_id(record),
        )
    data = b"".join(out)
    result.data = gz.compress(data) if chunk.compress else data
    # Lone surrogates are legal in JSON strings: written back as \\u escapes.
    result.records = encode_lines(report.getvalue())
    return result


def _split_ending(raw: bytes) -> tuple[bytes, bytes]:
    body = raw[:-1] if raw.endswith(b"\n") else raw
    if body.endswith(b"\r"):
        body = body[:-1]
    return body, raw[len(body) :]


def _json_bytes(record: Any) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8", "backslashreplace")


def _record_id(record: dict[str, Any]) -> str | int | None:
    value = record.get("id")
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _why(exc: BaseException) -> str:
    return getattr(exc, "msg", None) or f"{type(exc).__name__}: {exc}"
