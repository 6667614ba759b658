"""The work a batch run hands out: one document, or one chunk of a JSONL corpus.

A task on this machine reads its input by path and writes its output file itself
(atomically), returning only the report lines and counts; a task for a cluster carries its
input's bytes and returns the clean text (UTF-8), which the caller writes. Every document goes
through :func:`clean_document`: bytes -> :func:`decode_document` -> the chain.
"""

from __future__ import annotations

import io
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from cleaner.core.engine import Chain
from cleaner.core.result import Result
from cleaner.io.decode import Decoded, DecodeError, decode_bytes
from cleaner.io.output import write_atomically

if TYPE_CHECKING:
    from cleaner.batch.corpus import Chunk, ChunkResult
    from cleaner.batch.large import StreamTask

DEFAULT_FIELD = "text"
#: A single input larger than this many bytes is cleaned in windows, in bounded memory (about
#: 70 MB), with the same result (:mod:`cleaner.batch.large`). Up to it, the input is cleaned whole,
#: about twice as fast, in memory of about five times its size (530 MB for 100 MB of text).
STREAM_ABOVE = 128 << 20
PIPE_HELD = 8 << 20  # the most of a pipe held in memory before deciding to stream it
STDIN_CLOSED = "cannot read: standard input is closed"


@dataclass(frozen=True)
class Settings:
    """What every task needs besides its input; shipped to each worker once."""

    chain: Chain
    field: str = DEFAULT_FIELD  # the text field of JSONL records
    encoding: str | None = None  # --encoding: decode with this codec instead of detecting
    html: bool | None = None  # --html/--no-html; None: by name or content
    max_removed: float | None = None  # --max-removed guard
    diff: bool = False  # --diff: return a unified diff of each document
    report: bool = True  # build each document's report records and span counts (the bare pipe needs neither)
    fsync: bool = True  # flush each output to disk before renaming it into place (off for trees)


def decode_document(data: bytes, settings: Settings, name: str | None = None) -> Decoded:
    """Input bytes to text: the one place where decoding happens, so decoding options travel
    in :class:`Settings`; ``name`` (the input's file name) tells HTML by its extension.

    >>> decode_document(b"Story.", Settings(Chain([]))).text
    'Story.'
    """
    return decode_bytes(data, encoding=settings.encoding, html=settings.html, name=name)


def clean_document(data: bytes, settings: Settings, name: str | None = None) -> tuple[Decoded, Result]:
    """Decode and clean one document; raises :class:`~cleaner.io.decode.DecodeError` for bad bytes.

    >>> from cleaner.core.rule import Rule
    >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    >>> decoded, result = clean_document(b"Story. Read more", Settings(chain))
    >>> decoded.encoding, result.clean
    ('utf-8', 'Story.')
    """
    decoded = decode_document(data, settings, name)
    chain, max_removed = settings.chain, settings.max_removed
    return decoded, chain.clean(decoded.text, max_removed=max_removed, encoded=decoded.utf8)


@dataclass(frozen=True)
class DocTask:
    """Clean one text document: the file at ``path``, or ``data`` (standard input, or the file's
    bytes read by the caller for workers on other machines); ``path`` also names it. With
    ``output``, the task writes the clean text to that file instead of returning it."""

    source: str
    path: str | None
    data: bytes | None = None
    output: str | None = None


@dataclass
class DocResult:
    """What cleaning one document gave; ``problem`` says why it was skipped.

    A large document cleaned in windows (:mod:`cleaner.batch.large`) gives its report lines and clean
    text as temporary files instead of bytes; :meth:`close` deletes them.
    """

    bytes_in: int = 0
    encoding: str = ""
    spans: Counter[str] = field(default_factory=Counter)
    records: bytes | IO[bytes] = b""  # report lines
    clean: bytes | IO[bytes] = b""  # the clean text, UTF-8
    problem: str | None = None
    changed: bool = False  # some text was removed
    held_back: str | None = None  # why the --max-removed guard left the document unchanged
    diff: bytes = b""  # with Settings.diff: the unified diff of input against clean text
    written: bool = False  # the task wrote the clean text to its output file (``clean`` is empty)

    def write_clean(self, out: IO[bytes]) -> None:
        """Write the clean text to ``out``, from the bytes or from the temporary file."""
        if isinstance(self.clean, bytes):
            out.write(self.clean)
            return
        self.clean.seek(0)
        while block := self.clean.read(1 << 20):
            out.write(block)

    def close(self) -> None:
        """Delete the temporary files of a document cleaned in windows (bytes need nothing)."""
        for data in (self.records, self.clean):
            if not isinstance(data, bytes):
                data.close()


def cannot_read(exc: OSError) -> str:
    """Why an input could not be read, as the run reports it.

    >>> cannot_read(FileNotFoundError(2, "No such file or directory"))
    'cannot read: No such file or directory'
    """
    return f"cannot read: {exc.strerror or exc}"


def cannot_write(output: str | os.PathLike[str], exc: OSError) -> str:
    """Why an output could not be written, as the run reports it.

    >>> cannot_write("out/a.txt", IsADirectoryError(21, "Is a directory"))
    'cannot write out/a.txt: Is a directory'
    """
    return f"cannot write {output}: {exc.strerror or exc}"


def input_bytes(task: DocTask | Chunk) -> int:
    """How many input bytes a task carries (a document read by path carries none).

    >>> input_bytes(DocTask("a.txt", "a.txt", b"Story.")), input_bytes(DocTask("a.txt", "a.txt"))
    (6, 0)
    """
    if isinstance(task, DocTask):
        return len(task.data or b"")
    return sum(map(len, task.lines))


def read_stdin(
    stdin: IO[bytes], source: str, limit: int, spool_dir: str | None = None
) -> bytes | StreamTask:
    """Standard input whole, or, when it is large, a task that streams it.

    A file redirected to standard input (``< FILE``) is sized as a named file is: read whole up
    to ``limit`` bytes, else streamed from the file itself. A pipe's size is known only at its
    end, so one holding more than :data:`PIPE_HELD` bytes (or ``limit``, if less) is streamed
    through a temporary copy rather than held in memory.

    >>> import io
    >>> read_stdin(io.BytesIO(b"A short story."), "<stdin>", 100)
    b'A short story.'
    >>> read_stdin(io.BytesIO(b"A longer story."), "<stdin>", 10).source
    '<stdin>'
    """
    size = _redirected_size(stdin)
    if size is not None:
        if size <= limit:
            return stdin.read()
        from cleaner.batch.large import StreamTask

        return StreamTask(source, f"/dev/fd/{stdin.fileno()}", spool_dir=spool_dir)
    held = min(limit, PIPE_HELD)
    head = stdin.read(held + 1)
    if len(head) <= held:
        return head
    from cleaner.batch.large import StreamTask, read_blocks

    return StreamTask(source, None, read_blocks(head, stdin), spool_dir)


def _redirected_size(stdin: IO[bytes]) -> int | None:
    """The size of the regular file standard input reads from its start, or None: a pipe, or a
    system without ``/dev/fd`` to open it by."""
    try:
        info = os.fstat(stdin.fileno())
        at_start = stdin.tell() == 0
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None
    regular = stat.S_ISREG(info.st_mode) and at_start and os.path.isdir("/dev/fd")
    return info.st_size if regular else None


def run_doc(task: DocTask, settings: Settings) -> DocResult:
    """Clean one text document (a task; runs in a worker). With ``task.output`` it writes the
    output file, atomically, so that the caller handles only report lines and counts."""
    try:
        if task.data is not None:
            data = task.data
        else:
            with open(task.path or "", "rb") as handle:
                data = handle.read()
    except OSError as exc:
        return DocResult(problem=cannot_read(exc))
    try:
        decoded, result = clean_document(data, settings, task.path)
    except DecodeError as exc:
        return DocResult(len(data), problem=str(exc))
    except Exception as exc:  # one bad document must not stop a run; it is reported instead
        return DocResult(len(data), problem=f"internal error ({type(exc).__name__}: {exc})")
    # Imported here: the bare pipe needs neither unless a document is held back.
    from cleaner.core.guard import held_back_message
    from cleaner.report.records import write_records
    from cleaner.views.diff import unified_diff

    report = io.StringIO()
    if settings.report:
        write_records(report, task.source, result.spans, clean=result.clean_utf8, decoded=decoded)
    if task.output is not None:
        try:
            write_atomically(task.output, result.clean_utf8, fsync=settings.fsync)
        except OSError as exc:
            return DocResult(len(data), problem=cannot_write(task.output, exc))
    flag = result.held_back
    return DocResult(
        len(data),
        decoded.encoding,
        Counter(span.rule for span in result.spans) if settings.report else Counter(),
        report.getvalue().encode("utf-8"),
        b"" if task.output is not None else result.clean_utf8,
        changed=result.changed,
        held_back=None if flag is None else held_back_message(flag),
        diff=unified_diff(decoded.text, result.clean, task.source).encode("utf-8") if settings.diff else b"",
        written=task.output is not None,
    )


def run_chunk(chunk: Chunk, settings: Settings) -> ChunkResult:
    """Clean one chunk of a JSONL corpus (a task; runs in a worker)."""
    from cleaner.batch.corpus import clean_chunk

    return clean_chunk(chunk, settings.chain, settings.field, max_removed=settings.max_removed)
