"""Parquet corpora: one text column cleaned row group by row group, every other column kept.

A Parquet file is one task: its worker reads it (a path or a URL), cleans the ``--field``
column of each row group in turn and writes the output file with the same schema and the same
row groups, atomically (:func:`cleaner.io.remote.write_location`). Memory is one row group.
Report records name their source ``FILE:ROW`` (rows counted from 1 through the whole file, as
JSONL lines are) and carry the row's ``id`` when the file has an ``id`` column. A value that
loses nothing, and a null, are kept as they are.

pyarrow is an optional dependency (``[parquet]``), imported when a Parquet file is met.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from typing import IO, Any, NamedTuple

from cleaner.batch.settings import Settings
from cleaner.batch.shards import ShardResult
from cleaner.io.remote import open_location, write_location
from cleaner.messages import cannot_read, cannot_write
from cleaner.report.records import encode_lines, write_records
from cleaner.report.sources import record_source
from cleaner.version import install_hint

PARQUET_SUFFIX = ".parquet"


def is_parquet(name: str) -> bool:
    """Whether a file name says Parquet.

    >>> is_parquet("news.parquet"), is_parquet("news.jsonl")
    (True, False)
    """
    return name.endswith(PARQUET_SUFFIX)


def import_pyarrow() -> Any:
    """``pyarrow.parquet``, or an ImportError whose message says how to install it."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ImportError(f"Parquet needs pyarrow ({exc}): {install_hint('parquet')}") from None
    return pq


class ParquetTask(NamedTuple):
    """Clean the text column of the Parquet file at ``path`` (or ``data``, its bytes) into
    ``output`` (or, for None, the bytes of the clean file come back)."""

    source: str
    path: str
    output: str | None
    data: bytes | None = None

    @property
    def alone(self) -> bool:
        """Work enough for a batch of its own (see :mod:`cleaner.batch.executors`)."""
        return True

    @property
    def carried_bytes(self) -> int:
        return len(self.data or b"")

    def run(self, settings: Settings) -> ShardResult:
        """Clean the file (see :func:`run_parquet`)."""
        return run_parquet(self, settings)


def run_parquet(task: ParquetTask, settings: Settings) -> ShardResult:
    """Read, clean and write one Parquet file; problems come back in the result."""
    try:
        pq = import_pyarrow()
    except ImportError as exc:
        return ShardResult(problem=str(exc))
    try:
        source = io.BytesIO(task.data) if task.data is not None else open_location(task.path)
        reader = pq.ParquetFile(source)
    except Exception as exc:  # not Parquet, unreadable: pyarrow raises its own kinds
        return ShardResult(problem=_unreadable(exc))
    result = ShardResult()
    records: list[bytes] = []
    digest = hashlib.sha256()
    with source:
        if settings.field not in reader.schema_arrow.names:
            return ShardResult(problem=f"no column {settings.field!r} to clean")

        def write(out: IO[bytes]) -> None:
            hashed = _Hashing(out, digest)
            with pq.ParquetWriter(hashed, reader.schema_arrow) as writer:
                first = 1
                for index in range(reader.num_row_groups):
                    table = reader.read_row_group(index)
                    writer.write_table(_clean_table(table, task.source, first, settings, result, records))
                    first += table.num_rows

        try:
            if task.output is None:
                buffer = io.BytesIO()
                write(buffer)
                result.data = buffer.getvalue()
            else:
                write_location(task.output, write, fsync=settings.fsync, replace_links=settings.replace_links)
                result.output_sha256 = digest.hexdigest()
        except OSError as exc:
            return ShardResult(problem=cannot_write(task.output or task.source, exc))
        except Exception as exc:  # a row group pyarrow cannot read
            return ShardResult(problem=_unreadable(exc))
    result.totals.records = b"".join(records)
    return result


def _clean_table(
    table: Any, source: str, first: int, settings: Settings, result: ShardResult, records: list[bytes]
) -> Any:
    """The row group with its text column cleaned; counts and records go to ``result``."""
    import pyarrow as pa

    column = table.schema.get_field_index(settings.field)
    texts = table.column(column).to_pylist()
    ids = table.column("id").to_pylist() if "id" in table.schema.names else [None] * len(texts)
    report = io.StringIO()
    totals = result.totals
    cleaned: list[Any] = []
    for row, (text, key) in enumerate(zip(texts, ids, strict=True), first):
        if not isinstance(text, str):
            totals.without_field += text is not None
            cleaned.append(text)
            continue
        totals.documents += 1
        totals.bytes_in += len(text.encode("utf-8", "surrogatepass"))
        outcome = settings.chain.clean(text, max_removed=settings.max_removed)
        cleaned.append(outcome.clean if outcome.changed else text)
        if not outcome.spans:
            continue
        totals.spans.update(Counter(span.rule for span in outcome.spans))
        totals.changed += outcome.changed
        totals.held_back += not outcome.changed
        record_id = key if isinstance(key, str | int) and not isinstance(key, bool) else None
        write_records(
            report,
            record_source(source, row),
            outcome.spans,
            clean=outcome.clean,
            original=text,
            record_id=record_id,
        )
    records.append(encode_lines(report.getvalue()))
    kind = table.schema.field(column)
    return table.set_column(column, kind, pa.array(cleaned, type=kind.type))


class _Hashing:
    """A binary file that hashes what is written through it (pyarrow writes to any such object)."""

    def __init__(self, out: IO[bytes], digest: Any) -> None:
        self._out, self._digest = out, digest
        self.closed = False

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._out.write(data) or len(data)

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        self.closed = True  # the file belongs to the caller, which commits it

    def tell(self) -> int:
        return self._out.tell()


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return cannot_read(exc)
    return f"cannot read as Parquet: {' '.join(str(exc).split())}"
