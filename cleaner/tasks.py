"""The work a batch run hands out: one document, or one chunk of a JSONL corpus.

A task on this machine reads its input by path and writes its output file itself
(atomically), returning only the report lines and counts; a task for a cluster carries its
input's bytes and returns the clean text (UTF-8), which the caller writes. Every document goes
through :func:`clean_document`: bytes -> :func:`decode_document` -> the chain.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from dataclasses import dataclass, field

from cleaner.corpus import Chunk, ChunkResult, clean_chunk
from cleaner.decode import Decoded, DecodeError, decode_bytes
from cleaner.engine import Chain, Result
from cleaner.explain import held_back_message, unified_diff
from cleaner.output import write_atomically
from cleaner.report import write_records

DEFAULT_FIELD = "text"


@dataclass(frozen=True)
class Settings:
    """What every task needs besides its input; shipped to each worker once."""

    chain: Chain
    field: str = DEFAULT_FIELD  # the text field of JSONL records
    encoding: str | None = None  # --encoding: decode with this codec instead of detecting
    html: bool | None = None  # --html/--no-html; None: by name or content
    max_removed: float | None = None  # --max-removed guard
    diff: bool = False  # --diff: return a unified diff of each document
    fsync: bool = True  # flush each output to disk before renaming it into place (off for trees)


def decode_document(data: bytes, settings: Settings, name: str | None = None) -> Decoded:
    """Input bytes to text: the one place where decoding happens, so decoding options travel
    in :class:`Settings`; ``name`` (the input's file name) tells HTML by its extension.

    >>> decode_document(b"Story.", Settings(Chain([]))).text
    'Story.'
    """
    return decode_bytes(data, encoding=settings.encoding, html=settings.html, name=name)


def clean_document(data: bytes, settings: Settings, name: str | None = None) -> tuple[Decoded, Result]:
    """Decode and clean one document; raises :class:`~cleaner.decode.DecodeError` for bad bytes.

    >>> from cleaner.ruleset import Rule
    >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    >>> decoded, result = clean_document(b"Story. Read more", Settings(chain))
    >>> decoded.encoding, result.clean
    ('utf-8', 'Story.')
    """
    decoded = decode_document(data, settings, name)
    return decoded, settings.chain.clean(decoded.text, max_removed=settings.max_removed)


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
    """What cleaning one document gave; ``problem`` says why it was skipped."""

    bytes_in: int = 0
    encoding: str = ""
    spans: Counter[str] = field(default_factory=Counter)
    records: bytes = b""  # report lines
    clean: bytes = b""  # the clean text, UTF-8
    problem: str | None = None
    changed: bool = False  # some text was removed
    held_back: str | None = None  # why the --max-removed guard left the document unchanged
    diff: bytes = b""  # with Settings.diff: the unified diff of input against clean text
    written: bool = False  # the task wrote the clean text to its output file (``clean`` is empty)


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
    if isinstance(task, Chunk):
        return sum(map(len, task.lines))
    return len(task.data or b"")


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
    report = io.StringIO()
    write_records(report, task.source, result.spans, clean=result.clean, decoded=decoded)
    clean = result.clean.encode("utf-8")
    if task.output is not None:
        try:
            write_atomically(task.output, clean, fsync=settings.fsync)
        except OSError as exc:
            return DocResult(len(data), problem=cannot_write(task.output, exc))
    flag = result.held_back
    return DocResult(
        len(data),
        decoded.encoding,
        Counter(span.rule for span in result.spans),
        report.getvalue().encode("utf-8"),
        b"" if task.output is not None else clean,
        changed=result.changed,
        held_back=None if flag is None else held_back_message(flag),
        diff=unified_diff(decoded.text, result.clean, task.source).encode("utf-8") if settings.diff else b"",
        written=task.output is not None,
    )


def run_chunk(chunk: Chunk, settings: Settings) -> ChunkResult:
    """Clean one chunk of a JSONL corpus (a task; runs in a worker)."""
    return clean_chunk(chunk, settings.chain, settings.field, max_removed=settings.max_removed)
