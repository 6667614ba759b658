"""Clean one large text input in bounded memory, with exactly the result of cleaning it whole.

``cleaner clean`` (the full command, :mod:`cleaner.batch.runner`, and the bare pipe,
:mod:`cleaner.commands.pipe`) hands a single input larger than :data:`cleaner.batch.tasks.STREAM_ABOVE`
bytes (a file, or standard input redirected from one) or a pipe holding more than
:data:`cleaner.io.stream.PIPE_HELD` bytes (see :func:`cleaner.io.stream.read_stdin`) to
:func:`run_stream` instead of reading it whole. The clean text and the report are the same,
byte for byte:

1. :func:`cleaner.io.stream.open_large` decodes the input in passes, making the choices a
   whole input gets; an HTML page is cleaned whole (trafilatura needs all of it). Bytes
   replaced in decoding are known at the end, and their records come last, as in the whole
   document's report.
3. The text is cleaned window by window (:func:`cleaner.core.windows.clean_parts`). The clean text
   and the report records go to temporary files, beside the output file or in the
   temporary folder (``TMPDIR``), and the clean text's SHA-256 (every record carries it) is
   computed on the way.
4. Only now, with the whole input seen, is the ``--max-removed`` guard decided, by the rule
   of :func:`cleaner.core.guard.guard_flag` applied to the counts. When it trips, the
   clean text file is replaced by the input's text, decoded again, and the records by the
   guard's one record. The caller then writes the output (atomically) and the report from
   the files, so nothing is written before the result is final.

Memory is that of one window (:data:`cleaner.core.windows.WINDOW` characters and the margin)
whatever the input's size, as long as the text has line breaks: a window ends at a line
start. Disk space for the temporary files is about the input's size once more (twice, for
standard input).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from cleaner.batch.settings import Settings
from cleaner.batch.tasks import DocResult, DocTask, run_doc
from cleaner.core.guard import guard_flag, held_back_message
from cleaner.core.result import Span
from cleaner.core.windows import WINDOW, clean_parts
from cleaner.io.decode import Decoded, DecodeError
from cleaner.io.segments import decode_warning
from cleaner.io.stream import Large, ReadError, Spool, open_large
from cleaner.report.records import encode_lines, encode_record, replaced_spans, write_records

M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's <malloc.h>


@dataclass(frozen=True)
class StreamTask:
    """Clean one large text document in windows, in this process.

    ``path`` names the file; ``None`` stands for standard input, whose bytes ``blocks`` gives
    (the first block read already, to see that the input is large). Temporary files go to
    ``spool_dir`` (the output file's folder), or to the system's temporary folder for ``None``.
    """

    source: str
    path: str | None
    blocks: Iterable[bytes] = ()
    spool_dir: str | None = None

    @classmethod
    def of(cls, source: str, large: Large, spool_dir: str | None = None) -> StreamTask:
        """The task for a :class:`~cleaner.io.stream.Large` input."""
        return cls(source, large.path, large.blocks, spool_dir)

    carried_bytes = 0  # it runs in this process, reading its input itself

    def run(self, settings: Settings) -> DocResult:
        """Clean the document (see :func:`run_stream`)."""
        return run_stream(self, settings)


def run_stream(
    task: StreamTask, settings: Settings, *, window: int = WINDOW, margin: int | None = None
) -> DocResult:
    """Clean one large document in windows; the result :func:`cleaner.batch.tasks.run_doc` gives whole.

    The result's ``clean`` and ``records`` are temporary files (``DocResult.close()`` deletes
    them), holding the same bytes as ``run_doc``'s. ``window`` and ``margin`` are those of
    :func:`cleaner.core.windows.clean_parts`; small ones cut even a short text into many windows.

    >>> import io, cleaner
    >>> data = b"open image in gallery A pier ( AP )\\n\\nThe pier.\\n\\n" * 40
    >>> settings = Settings(cleaner.load_chain())
    >>> task = StreamTask("<stdin>", None, [data])
    >>> result = run_stream(task, settings, window=200, margin=100)
    >>> whole = run_doc(DocTask("<stdin>", None, data), settings)
    >>> _ = result.clean.seek(0), result.records.seek(0)
    >>> result.clean.read() == whole.clean, result.records.read() == whole.records
    (True, True)
    >>> result.close()
    """
    import tempfile

    def spool() -> IO[bytes]:
        return tempfile.TemporaryFile(dir=task.spool_dir)

    _map_large_blocks()
    with contextlib.ExitStack() as keep:
        try:
            result = _clean(task, settings, spool, keep, window, margin)
        except (ReadError, DecodeError) as exc:
            return DocResult.skipped(str(exc))
        except OSError as exc:  # reading the input raises ReadError: this is a temporary file
            where = task.spool_dir or tempfile.gettempdir()
            return DocResult.skipped(f"cannot write a temporary file in {where}: {exc.strerror or exc}")
        except Exception as exc:  # as run_doc: reported, not a traceback
            return DocResult.skipped(f"internal error ({type(exc).__name__}: {exc})")
        keep.pop_all()  # the result's files now belong to the result
        return result


def _clean(
    task: StreamTask,
    settings: Settings,
    spool: Spool,
    keep: contextlib.ExitStack,
    window: int,
    margin: int | None,
) -> DocResult:
    """The body of :func:`run_stream`; ``keep`` holds the files the result hands back."""
    large = Large(task.path, task.blocks)
    with open_large(
        large, spool, encoding=settings.encoding, html=settings.html, max_line=settings.max_record_bytes
    ) as stream:
        if stream.html:
            return run_doc(DocTask(task.source, task.path, stream.whole()), settings)
        codec = stream.encoding
        with spool() as unsigned:
            out = _Spooled(keep.enter_context(spool()), unsigned, task.source, codec, settings.report)
            text = _Counted(stream.chunks)
            rules: Counter[str] = Counter()
            guarded, weighed = settings.chain.guarded, 0
            for part in clean_parts(text, settings.chain, window=window, margin=margin):
                out.add(part.clean, part.spans)
                weighed += sum(span.end - span.start for span in part.spans if span.rule in guarded)
                if settings.report:  # as run_doc: the bare pipe counts nothing
                    rules.update(span.rule for span in part.spans)
            flag = guard_flag(text.chars, weighed, settings.max_removed)
            changed, held_back = out.chars < text.chars, None
            if flag is not None:  # held back: the output is the input's own text, the report one record
                out.restart()
                for chunk in stream.again():
                    out.add(chunk, [])
                out.add("", [flag])
                rules, changed, held_back = Counter([flag.rule]), False, held_back_message(flag)
            out.add("", replaced_spans(stream.text.replaced))  # last, as write_records puts them
            records = keep.enter_context(spool())
            out.sign(records, text.digest.hexdigest())
        size = stream.size
        return DocResult(
            size,
            codec,
            rules,
            records,
            out.clean,
            changed=changed,
            held_back=held_back,
            warning=decode_warning(codec, stream.text.replaced),
            output_sha256=out.digest.hexdigest() if settings.report else None,
        )


class _Counted:
    """Text chunks passed on, counting their characters and hashing their UTF-8."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self.chars = 0
        self.digest = hashlib.sha256()

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks:
            self.chars += len(chunk)
            self.digest.update(chunk.encode("utf-8"))
            yield chunk


class _Spooled:
    """A document's clean text (UTF-8) and report records, in temporary files, and the clean
    text's SHA-256, which every record carries (with the original's) and which is known only
    at the end."""

    def __init__(self, clean: IO[bytes], unsigned: IO[bytes], source: str, codec: str, report: bool) -> None:
        self.clean, self._unsigned = clean, unsigned
        self._source, self._report = source, report
        self._decoded = Decoded("", codec)  # how the input was read: the records' extra fields
        self.restart()

    def restart(self) -> None:
        for handle in (self.clean, self._unsigned):
            handle.seek(0)
            handle.truncate()
        self.digest = hashlib.sha256()
        self.chars = 0

    def add(self, clean: str, spans: list[Span]) -> None:
        data = clean.encode("utf-8")
        self.clean.write(data)
        self.digest.update(data)
        self.chars += len(clean)
        if spans and self._report:
            lines = io.StringIO()
            write_records(lines, self._source, spans, decoded=self._decoded)
            self._unsigned.write(encode_lines(lines.getvalue()))

    def sign(self, out: IO[bytes], original_sha256: str) -> None:
        """Copy the records to ``out``, each with the checksums last, where ``write_records`` puts them."""
        fields = {"clean_sha256": self.digest.hexdigest(), "original_sha256": original_sha256}
        self._unsigned.seek(0)
        for line in self._unsigned:
            record = json.loads(line)
            record.update(fields)
            out.write(encode_record(record))


def _map_large_blocks() -> None:
    """Have glibc's malloc give each large block its own mapping, returned to the system when freed.

    By default glibc raises this threshold whenever a large block is freed; window-sized
    blocks then come from the heap, which fragments, and peak memory creeps up window after
    window (a quarter more for 200 MB than for 10 MB). Fixed at its initial 128 KiB, it stays
    flat. Without glibc, nothing changes.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return
    mallopt(M_MMAP_THRESHOLD, 128 << 10)
