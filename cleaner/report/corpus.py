"""Restore a JSONL corpus record by record, checking each record against the report.

A clean corpus is the input corpus with the text field of some records cleaned; the report's
records name them ``CORPUS:LINE``. Restoring copies every line the report does not name byte
for byte, and gives each named record its field's original text back, after the checks
:func:`cleaner.report.restore.restore_document` makes (the field's ``clean_sha256``, spans that
fit, lines, the rebuilt text's ``original_sha256``). The record is then written as JSON again,
as ``cleaner clean`` wrote it: its values are the input's, its spacing and escapes may differ.
A record that fails a check stops the restore with one error naming ``CLEAN:LINE``.

The report is read as a stream, a record's spans grouped as they come: ``cleaner clean``
writes them in input order, so memory holds one record's spans, not the report.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cleaner.io import gz
from cleaner.io.output import atomic_writer
from cleaner.report.records import RestoreError
from cleaner.report.restore import restore_document
from cleaner.report.sources import is_gzip, split_record_source

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


def restore_corpus_file(
    clean: Path, records: Iterable[dict[str, Any]], field: str, target: Path | None
) -> int:
    """Restore the clean corpus file ``clean`` to ``target`` (None: standard output), both read
    and written gzip-compressed when their names end in ``.gz``; nothing is written when a
    record fails its checks (an output file is written whole or not at all, and standard output
    only once every record passed). Returns how many records were restored."""
    try:
        with gzip.open(clean, "rb") if is_gzip(clean.name) else open(clean, "rb") as lines:
            if target is not None:
                with atomic_writer(target, "wb") as raw:
                    return _restore_to(lines, records, field, raw, clean, compress=is_gzip(target.name))
            with tempfile.TemporaryFile() as held:
                restored = _restore_to(lines, records, field, held, clean, compress=False)
                held.seek(0)
                shutil.copyfileobj(held, sys.stdout.buffer)
                sys.stdout.buffer.flush()
                return restored
    except (EOFError, zlib.error) as exc:
        raise RestoreError(f"cannot read {clean}: {exc}") from None


def _restore_to(
    lines: Iterable[bytes],
    records: Iterable[dict[str, Any]],
    field: str,
    raw: IO[bytes],
    clean: Path,
    *,
    compress: bool,
) -> int:
    if not compress:
        return restore_corpus(lines, records, field, raw, str(clean))
    with gz.writer(raw) as out:
        return restore_corpus(lines, records, field, out, str(clean))


def restore_corpus(
    clean: Iterable[bytes],
    records: Iterable[dict[str, Any]],
    field: str,
    out: SupportsWrite[bytes],
    name: str,
) -> int:
    """Write the lines of the clean corpus ``clean`` (called ``name`` in messages) to ``out``,
    each record the report names with its ``field`` restored; returns how many were restored.
    ``records`` come in input order, as the report holds them (see the module docstring).

    >>> import io
    >>> from cleaner.core.result import Span
    >>> from cleaner.report.records import span_record, signature
    >>> fields = signature("Story.", "Story. Read more")
    >>> records = [span_record("c.jsonl:2", Span("demo/more", 6, 16, " Read more", 1), fields)]
    >>> out, lines = io.BytesIO(), [b'{"text": "Kept."}\\n', b'{"id": 7, "text": "Story."}\\n']
    >>> restore_corpus(lines, records, "text", out, "c")
    1
    >>> out.getvalue()
    b'{"text": "Kept."}\\n{"id": 7, "text": "Story. Read more"}\\n'
    """
    lines = enumerate(clean, 1)
    restored = number = 0
    for line, named in _by_line(records, name):
        for number, raw in lines:
            if number == line:
                break
            out.write(raw)
        else:
            raise RestoreError(f"{name}:{line}: the report names this line, but the corpus has {number}")
        out.write(_restore_line(raw, named, field, f"{name}:{number}"))
        restored += 1
    for _, raw in lines:
        out.write(raw)
    return restored


def _by_line(records: Iterable[dict[str, Any]], name: str) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """The records of each corpus line, in line order, grouped as they come: the records of
    one line follow each other in a report; a report out of that order, or naming other files
    as well, is refused."""
    corpus: str | None = None
    line = 0
    group: list[dict[str, Any]] = []
    for number, record in enumerate(records, 1):
        source = record.get("source") if isinstance(record, dict) else None
        if not isinstance(source, str):
            raise RestoreError(f"report record {number} has no 'source'")
        path, at = split_record_source(source)
        if not at:
            raise RestoreError(f"{name}: the report names {source!r}, not a record of a JSONL corpus")
        if corpus is not None and path != corpus:
            raise RestoreError("the report covers records of several files; restore the directory instead")
        corpus = path
        if at != line:
            if at < line:
                raise RestoreError(f"{name}: the report names line {at} after line {line} (not input order)")
            if group:
                yield line, group
            line, group = at, []
        group.append(record)
    if group:
        yield line, group


def _restore_line(raw: bytes, records: Sequence[dict[str, Any]], field: str, where: str) -> bytes:
    body = raw.rstrip(b"\r\n")
    try:
        record = json.loads(body)
    except (ValueError, RecursionError):
        raise RestoreError(f"{where}: not a JSON record, but the report has spans for it") from None
    text = record.get(field) if isinstance(record, dict) else None
    if not isinstance(text, str):
        raise RestoreError(f"{where}: no {field!r} text field to restore (see --field)")
    try:
        record[field] = restore_document(text, records)
    except RestoreError as exc:
        raise RestoreError(f"{where}: {exc}") from None
    # As cleaner clean writes a changed record; lone surrogates (legal in JSON) as \u escapes.
    return json.dumps(record, ensure_ascii=False).encode("utf-8", "backslashreplace") + raw[len(body) :]
