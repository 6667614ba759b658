"""The work a batch run hands out: one document, or one chunk of a JSONL corpus.

A task whose worker sees its input (this machine, a cluster on shared storage, any URL) reads
it by path and writes its output itself (atomically), returning only the report lines and
counts; a task for workers that cannot see the files carries its input's bytes and returns
the clean text (UTF-8), which the caller writes. Every document goes
through :func:`clean_document`: bytes -> :func:`decode_document` -> the chain.
"""

from __future__ import annotations

import errno
import hashlib
import io
from collections import Counter
from typing import IO, NamedTuple

from cleaner.batch.settings import Settings
from cleaner.core.engine import Chain
from cleaner.core.result import Result
from cleaner.io.decode import Decoded, DecodeError, decode_bytes
from cleaner.io.limits import MAX_WHOLE_BYTES, first_long_line, format_size, line_too_long
from cleaner.io.remote import read_location, write_location
from cleaner.messages import cannot_read, cannot_write

#: A text file larger than this many bytes is cleaned in windows, in bounded memory (about
#: 70 MB), with the same result (:mod:`cleaner.batch.large`). Up to it, the input is cleaned whole,
#: about twice as fast, in memory of about five times its size (530 MB for 100 MB of text).
STREAM_ABOVE = MAX_WHOLE_BYTES


#: Write failures that the next output will meet as well: a tree run stops at the first.
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def decode_document(data: bytes, settings: Settings, name: str | None = None) -> Decoded:
    """Input bytes to text: the one place where decoding happens, so decoding options travel
    in :class:`Settings`; ``name`` (the input's file name) tells HTML by its extension.

    >>> decode_document(b"Story.", Settings(Chain([]))).text
    'Story.'
    """
    line_facts = settings.chain.reads_page_facts
    return decode_bytes(
        data, encoding=settings.encoding, html=settings.html, name=name, line_facts=line_facts
    )


def clean_document(data: bytes, settings: Settings, name: str | None = None) -> tuple[Decoded, Result]:
    """Decode and clean one document; raises :class:`~cleaner.io.decode.DecodeError` for bad bytes.

    >>> from cleaner.core.rule import Rule
    >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    >>> decoded, result = clean_document(b"Story. Read more", Settings(chain))
    >>> decoded.encoding, result.clean
    ('utf-8', 'Story.')
    """
    decoded = decode_document(data, settings, name)
    return decoded, clean_decoded(decoded, settings.chain, settings.max_removed)


def clean_decoded(decoded: Decoded, chain: Chain, max_removed: float | None) -> Result:
    """Clean decoded text as every command does: with its UTF-8, and for text extracted from
    HTML with what the page made of its lines (for rules that test it).

    >>> from cleaner.io.decode import decode_bytes
    >>> clean_decoded(decode_bytes(b"Story."), Chain([]), 0.5).clean
    'Story.'
    """
    facts = None
    if decoded.html:  # a page's lines without their facts (no rule reads them) are still a page's
        from cleaner.io.htmllines import html_facts

        facts = html_facts(decoded.text, decoded.lines)
    return chain.clean(decoded.text, max_removed=max_removed, encoded=decoded.utf8, html_lines=facts)


class DocTask(NamedTuple):
    """Clean one text document: the file at ``path`` (a path, or a URL read through fsspec), or
    ``data`` (standard input, or the file's bytes read by the caller for workers that cannot
    see it); ``path`` also names it. With ``output`` (a path or a URL), the task writes the
    clean text there itself instead of returning it."""

    source: str
    path: str | None
    data: bytes | None = None
    output: str | None = None

    @property
    def carried_bytes(self) -> int:
        """The bytes the task carries (a document read by path carries none).

        >>> DocTask("a.txt", "a.txt", b"Story.").carried_bytes, DocTask("a.txt", "a.txt").carried_bytes
        (6, 0)
        """
        return len(self.data or b"")

    def run(self, settings: Settings) -> DocResult:
        """Clean the document (see :func:`run_doc`)."""
        return run_doc(self, settings)


class DocResult(NamedTuple):
    """What cleaning one document gave; ``problem`` says why it was skipped.

    A large document cleaned in windows (:mod:`cleaner.batch.large`) gives its report lines and clean
    text as temporary files instead of bytes; :meth:`close` deletes them.
    """

    bytes_in: int
    encoding: str
    # Spans by rule: a plain dict, as it travels back from workers (a Counter takes three times
    # as long to unpickle, and a run unpickles one per input).
    spans: dict[str, int]
    records: bytes | IO[bytes] = b""  # report lines
    clean: bytes | IO[bytes] = b""  # the clean text, UTF-8
    problem: str | None = None
    changed: bool = False  # some text was removed
    held_back: str | None = None  # why the --max-removed guard left the document unchanged
    warning: str | None = None  # mixed encodings or replaced bytes, said on stderr
    diff: bytes = b""  # with Settings.diff: the unified diff of input against clean text
    written: bool = False  # the task wrote the clean text to its output file (``clean`` is empty)
    output_sha256: str | None = None  # of the clean text as written (the journal keeps it for --resume)
    no_room: bool = False  # the output's file system is full or read-only: the run stops
    # Of the input as cleaned, for the journal (--resume); a streamed document has none.
    input_sha256: str | None = None

    @classmethod
    def skipped(cls, problem: str, bytes_in: int = 0, *, no_room: bool = False) -> DocResult:
        """The result of a document that could not be cleaned, and why.

        >>> skipped = DocResult.skipped("binary file (PNG image)", 1024)
        >>> skipped.problem, skipped.bytes_in, skipped.spans
        ('binary file (PNG image)', 1024, {})
        """
        return cls(bytes_in, "", {}, problem=problem, no_room=no_room)

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


def run_doc(task: DocTask, settings: Settings) -> DocResult:
    """Clean one text document (a task; runs in a worker). With ``task.output`` it writes the
    output file, atomically, so that the caller handles only report lines and counts."""
    try:
        # A pipe or device has no end to wait for: read no more than the most held whole.
        data = task.data if task.data is not None else read_location(task.path or "", MAX_WHOLE_BYTES + 1)
    except OSError as exc:
        return DocResult.skipped(cannot_read(exc))
    if len(data) > MAX_WHOLE_BYTES:
        return DocResult.skipped(_too_large_to_read_whole(), len(data))
    try:
        decoded = decode_document(data, settings, task.path)
        long = None if decoded.html else first_long_line(data, settings.max_record_bytes)
        if long is not None:
            return DocResult.skipped(line_too_long(long, settings.max_record_bytes), len(data))
        result = clean_decoded(decoded, settings.chain, settings.max_removed)
    except DecodeError as exc:
        return DocResult.skipped(str(exc), len(data))
    except Exception as exc:  # one bad document must not stop a run; it is reported instead
        return DocResult.skipped(f"internal error ({type(exc).__name__}: {exc})", len(data))
    # Imported here: the bare pipe needs neither unless a document is held back.
    from cleaner.core.guard import held_back_message
    from cleaner.io.segments import decode_warning
    from cleaner.report.records import encode_lines, text_sha256, write_records

    report = io.StringIO()
    if settings.report:
        original = decoded.utf8 if decoded.utf8 is not None else decoded.text
        write_records(
            report, task.source, result.spans, clean=result.clean_utf8, original=original, decoded=decoded
        )
    if task.output is not None:
        try:
            write_location(
                task.output, result.clean_utf8, fsync=settings.fsync, replace_links=settings.replace_links
            )
        except OSError as exc:
            return DocResult.skipped(cannot_write(task.output, exc), len(data), no_room=exc.errno in NO_ROOM)
    flag = result.held_back
    return DocResult(
        len(data),
        decoded.encoding,
        dict(Counter(span.rule for span in result.spans)) if settings.report else {},
        encode_lines(report.getvalue()),
        b"" if task.output is not None else result.clean_utf8,
        changed=result.changed,
        held_back=None if flag is None else held_back_message(flag),
        warning=decode_warning(decoded.encoding, decoded.replaced, html=decoded.html),
        diff=_diff(decoded.text, result.clean, task.source) if settings.diff else b"",
        written=task.output is not None,
        output_sha256=text_sha256(result.clean_utf8) if settings.report else None,
        input_sha256=hashlib.sha256(data).hexdigest() if settings.report else None,
    )


def _too_large_to_read_whole() -> str:
    """Why a document is skipped that only streaming could clean (with ``--diff``, or a pipe or
    device among several inputs, which is read whole)."""
    limit = format_size(MAX_WHOLE_BYTES)
    return f"larger than {limit}, the most read whole (--diff, or a pipe among several inputs)"


def _diff(original: str, clean: str, source: str) -> bytes:
    """The unified diff as bytes; a name that is not UTF-8 gets its own bytes back in the header,
    as diff(1) prints it."""
    from cleaner.views.diff import unified_diff

    return unified_diff(original, clean, source).encode("utf-8", "surrogateescape")
