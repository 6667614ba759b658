"""The inputs of ``learn``, read as ``clean`` reads them, and the group of each document.

Files and folders are walked with :class:`~cleaner.batch.walk.Walker` (the same include and
exclude globs, the same fixed order); a JSONL corpus is cut into chunks with
:func:`~cleaner.batch.corpus.read_chunks`; a document's bytes become text through
:func:`~cleaner.io.decode.decode_bytes` (encodings, HTML pages). Each document or chunk is
one task, and the tasks come in input order, so whatever runs them, the parent sees the
same results in the same order.

A document's **group** is, by default, the folder it lies in (written as the path given,
``raw/site-a``); with ``--group-by field:NAME`` the value of that field of a JSONL record,
with ``--group-by host`` the host of its URL field (without ``www.``). Text files, which
have no fields, stay grouped by folder.
"""

from __future__ import annotations

import json
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cleaner.batch.corpus import Chunk, is_corpus, is_gzip, read_chunks, record_source
from cleaner.batch.tasks import STREAM_ABOVE
from cleaner.batch.walk import Walker
from cleaner.io.decode import DecodeError, decode_bytes
from cleaner.messages import cannot_read

STDIN_SOURCE = "<stdin>"
_PLAIN_HOST = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(?=[:/?#]|\s*$)")
GROUP_KINDS = ("folder", "host", "field:NAME")


@dataclass(frozen=True)
class GroupBy:
    """How documents are grouped: ``folder``, ``field`` (a JSONL field) or ``host`` (of a URL field).

    >>> GroupBy.parse("host").of_record({"url": "https://www.example.org/a"}, "raw")
    'example.org'
    >>> GroupBy.parse("field:domain").of_record({"text": "…"}, "raw")
    '(no domain)'
    """

    kind: str = "folder"
    field: str = ""

    @classmethod
    def parse(cls, spec: str, url_field: str = "url") -> GroupBy:
        """``folder``, ``host`` or ``field:NAME``; ``ValueError`` for anything else."""
        if spec == "folder":
            return cls()
        if spec == "host":
            return cls("host", url_field)
        kind, _, name = spec.partition(":")
        if kind == "field" and name:
            return cls("field", name)
        raise ValueError(f"--group-by {spec!r}: use one of {', '.join(GROUP_KINDS)}")

    def of_record(self, record: dict[str, Any], folder: str) -> str:
        """The group of a JSONL record found in ``folder``."""
        if self.kind == "folder":
            return folder
        value = record.get(self.field)
        if self.kind == "host":
            host = _host(value)
            return host if host else f"(no host in {self.field})"
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return " ".join(str(value).split())
        return f"(no {self.field})"


def _host(url: object) -> str | None:
    """The host of a URL, lower case, without ``www.`` (``urlsplit`` costs tens of
    microseconds a record; the common shape is read with one pattern).

    >>> _host("HTTPS://www.Example.org:8080/a?b"), _host("https://user@[::1]/"), _host("not a url")
    ('example.org', '::1', None)
    """
    if not isinstance(url, str):
        return None
    match = _PLAIN_HOST.match(url)
    if match is not None:
        host: str | None = match.group(1).lower()
    else:
        try:
            host = urlsplit(url.strip()).hostname
        except ValueError:
            return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class DocInput:
    """A text document (or HTML page) read by path, in folder group ``group``."""

    source: str
    path: str
    group: str
    lines: tuple[bytes, ...] = ()  # executors weigh tasks by the bytes they carry: none here


@dataclass(frozen=True)
class ChunkInput:
    """A chunk of a JSONL corpus that lies in folder group ``group``."""

    chunk: Chunk
    group: str

    @property
    def lines(self) -> tuple[bytes, ...]:
        return self.chunk.lines


@dataclass(frozen=True)
class Unreadable:
    """An input that could not be read: named in the run's problems, never a task."""

    source: str
    reason: str


Task = DocInput | ChunkInput


@dataclass(frozen=True)
class ReadSettings:
    """How tasks read their documents; shipped to every worker once (with what a pass adds)."""

    field: str = "text"
    group_by: GroupBy = GroupBy()
    encoding: str | None = None
    html: bool | None = None


@dataclass
class Reading:
    """What reading a task met: documents, bytes, and the problems to report."""

    documents: int = 0
    bytes_in: int = 0
    without_field: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Document:
    group: str
    source: str
    text: str


def plan(paths: list[str], walker: Walker, *, stdin_copy: str | None = None) -> Iterator[Task | Unreadable]:
    """The tasks for ``paths`` in input order. ``-`` is standard input, already copied to the
    file ``stdin_copy`` (read as a JSONL corpus when its name says so, else as one document).

    >>> import tempfile
    >>> top = Path(tempfile.mkdtemp()) / "raw"
    >>> (top / "site-a").mkdir(parents=True)
    >>> _ = (top / "site-a" / "1.txt").write_text("Story.")
    >>> _ = (top / "feed.jsonl").write_text('{"text": "Story."}\\n')
    >>> tasks = plan([str(top)], Walker(["*.txt", "*.jsonl"]))
    >>> [(type(task).__name__, task.group[len(str(top)) - 3 :]) for task in tasks]
    [('ChunkInput', 'raw'), ('DocInput', 'raw/site-a')]
    """
    for given in paths:
        if given == "-":
            assert stdin_copy is not None
            yield from _file_tasks(STDIN_SOURCE, Path(stdin_copy), STDIN_SOURCE, corpus=is_corpus(stdin_copy))
            continue
        root = Path(given)
        if not root.is_dir():
            yield from _file_tasks(str(root), root, _folder_label(root.parent), corpus=is_corpus(root.name))
            continue
        label = _folder_label(root)
        for found in walker.files(root):
            source = "/".join((label, *found.parts))
            if found.error:
                yield Unreadable(source, found.error)
                continue
            group = "/".join((label, *found.parts[:-1]))
            yield from _file_tasks(source, found.path, group, corpus=is_corpus(found.path.name))


def _folder_label(folder: Path) -> str:
    """A folder as the user wrote it (``raw/site-a``); the current folder by its name."""
    text = folder.as_posix()
    if text in (".", ""):
        return Path.cwd().name or "."
    return text


def _file_tasks(source: str, path: Path, group: str, *, corpus: bool) -> Iterator[Task | Unreadable]:
    if not corpus:
        yield DocInput(source, str(path), group)
        return
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        yield Unreadable(source, cannot_read(exc))
        return
    with raw:
        import gzip

        lines = gzip.GzipFile(fileobj=raw, mode="rb") if is_gzip(path.name) else raw
        try:
            for chunk in read_chunks(lines, source, compress=False):
                yield ChunkInput(chunk, group)
        except (OSError, EOFError, zlib.error) as exc:
            yield Unreadable(source, f"cannot read: {getattr(exc, 'strerror', None) or exc}")


def documents(task: Task, settings: ReadSettings, reading: Reading) -> Iterator[Document]:
    """The documents of a task, decoded; what cannot be read goes to ``reading.problems``.

    >>> from cleaner.batch.corpus import Chunk
    >>> lines = (b'{"url": "https://news.example/a", "text": "Story."}\\n', b"{oops\\n")
    >>> reading = Reading()
    >>> task = ChunkInput(Chunk("c.jsonl", 1, lines, False), "raw")
    >>> [(d.group, d.source) for d in documents(task, ReadSettings(group_by=GroupBy.parse("host")), reading)]
    [('news.example', 'c.jsonl:1')]
    >>> reading.problems
    [('c.jsonl:2', 'not valid JSON (Expecting property name enclosed in double quotes)')]
    """
    if isinstance(task, DocInput):
        text = _read_document(task, settings, reading)
        if text is not None:
            reading.documents += 1
            yield Document(task.group, task.source, text)
        return
    chunk = task.chunk
    for number, raw in enumerate(chunk.lines, chunk.first_line):
        reading.bytes_in += len(raw)
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            reason = getattr(exc, "msg", None) or str(exc)
            reading.problems.append((record_source(chunk.source, number), f"not valid JSON ({reason})"))
            continue
        text = record.get(settings.field) if isinstance(record, dict) else None
        if not isinstance(text, str):
            reading.without_field += 1
            continue
        reading.documents += 1
        group = settings.group_by.of_record(record, task.group)
        yield Document(group, record_source(chunk.source, number), text)


def _read_document(task: DocInput, settings: ReadSettings, reading: Reading) -> str | None:
    try:
        info = os.stat(task.path)
        if stat.S_ISREG(info.st_mode) and info.st_size > STREAM_ABOVE:
            reading.problems.append(
                (task.source, f"larger than {STREAM_ABOVE >> 20} MiB: one document, too large to be a page")
            )
            return None
        with open(task.path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        reading.problems.append((task.source, cannot_read(exc)))
        return None
    reading.bytes_in += len(data)
    try:
        decoded = decode_bytes(
            data, encoding=settings.encoding, html=settings.html, name=task.path, line_facts=False
        )
        return decoded.text
    except DecodeError as exc:
        reading.problems.append((task.source, str(exc)))
        return None
