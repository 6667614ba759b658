"""What a stopped run left for ``--resume``: its journal and its report so far, read in input order.

The files beside a report ``R`` (all dot files, so a walk never takes them for inputs):

- ``.R.partial``: the report being written. A completed run renames it to ``R``; a stopped
  run leaves it, and ``R`` (an earlier run's report, if any) untouched.
- ``.R.journal``: one line per finished input, in input order, written after the input's
  records are in ``.R.partial``: the input's report ``source`` as a JSON string, or, for an
  input with an output file, ``["source", "ENTRY"]``, where ENTRY is the SHA-256 of the output,
  followed for a document by `` SIZE:SHA-256`` of its input (see :class:`Finished`).
- ``.R.partial.next``, ``.R.journal.next``: those of a resumed run that has not yet caught up
  with the run it resumes (see :class:`cleaner.batch.ledger.Ledger`).
- ``.R.lock``: the lock of the run writing ``R`` (:mod:`cleaner.io.lock`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

#: Orders inputs as the run visits them: (argument index, path parts below the argument).
Key = tuple[int, tuple[str, ...]]
#: The key of a report record: its input's key and its line in a corpus (0 for a document).
RecordKey = tuple[int, tuple[str, ...], int]

_TAIL_BYTES = 1 << 16
_JSON = json.JSONEncoder(ensure_ascii=False)


class ResumeError(ValueError):
    """The report to resume from cannot be trusted; the message says why."""


@dataclass(frozen=True)
class Companions:
    """The paths of the files that go with a report (see the module docstring)."""

    report: Path

    def _beside(self, suffix: str) -> Path:
        return self.report.with_name(f".{self.report.name}.{suffix}")

    @property
    def partial(self) -> Path:
        return self._beside("partial")

    @property
    def journal(self) -> Path:
        return self._beside("journal")

    @property
    def partial_next(self) -> Path:
        return self._beside("partial.next")

    @property
    def journal_next(self) -> Path:
        return self._beside("journal.next")


class Finished(NamedTuple):
    """What the journal says of a finished input with an output file: the output's SHA-256 and,
    for a document, its input's size and SHA-256 when it was cleaned, so that ``--resume`` redoes
    an input changed since whatever its modification time says. (A named tuple: a run makes
    one per input, and a frozen dataclass takes five times as long to make.)

    >>> entry = Finished("ab12", 6, "cd34").entry()
    >>> entry, Finished.parse(entry)
    ('ab12 6:cd34', Finished(output='ab12', size=6, source='cd34'))
    >>> Finished.parse("ab12")
    Finished(output='ab12', size=None, source=None)
    """

    output: str
    size: int | None = None
    source: str | None = None

    def entry(self) -> str:
        return self.output if self.source is None else f"{self.output} {self.size}:{self.source}"

    @classmethod
    def parse(cls, entry: str) -> Finished:
        output, _, rest = entry.partition(" ")
        size, _, source = rest.partition(":")
        return cls(output, int(size), source) if size.isdigit() and source else cls(output)


def journal_line(source: str, digest: str | None) -> bytes:
    """One journal line: the input's source, with its output's SHA-256 when it has an output file.

    >>> journal_line("a.txt", None), journal_line("b.txt", "ab12")
    (b'"a.txt"\\n', b'["b.txt", "ab12"]\\n')
    """
    # The list written by hand: the encoder's list path costs three times its string path, and
    # a run writes this line for every input.
    text = _JSON.encode(source)
    if digest is not None:
        text = f"[{text}, {_JSON.encode(digest)}]"
    # A name that is not UTF-8 holds lone surrogates: written as \\udcXX escapes, read back the same.
    return text.encode("utf-8", "backslashreplace") + b"\n"


def parse_journal_line(line: bytes) -> tuple[str, str | None]:
    """``(source, output SHA-256 or None)`` of a journal line; ValueError for anything else.

    >>> parse_journal_line(b'["b.txt", "ab12"]\\n'), parse_journal_line(b'"a.txt"')
    (('b.txt', 'ab12'), ('a.txt', None))
    """
    entry = json.loads(line)
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, list) and len(entry) == 2 and all(isinstance(part, str) for part in entry):
        return entry[0], entry[1]
    raise ValueError("not a journal entry")


class JournalReader:
    """A stopped run's journal: the last input it finished, and each finished input's output
    SHA-256, looked up in input order (a cursor that streams the file)."""

    def __init__(self, path: Path, key_of: Callable[[str], RecordKey]) -> None:
        self.path, self._key_of = path, key_of
        last = _last_line(path)
        self.last: Key | None = self._key(last) if last else None
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._pending = self._read()

    def _key(self, line: bytes) -> Key:
        try:
            return self._key_of(parse_journal_line(line)[0])[:2]
        except (ValueError, TypeError, AttributeError):
            raise ResumeError(f"{self.path}: a line is not an input name") from None

    def _read(self) -> tuple[Key, str | None] | None:
        line = self._file.readline()
        if not line.endswith(b"\n"):
            return None  # the end, or a last line cut short by a kill
        return self._key(line), parse_journal_line(line)[1]

    def digest(self, key: Key) -> str | None:
        """The output SHA-256 the journal gives for a finished input (None: none recorded)."""
        while self._pending is not None and self._pending[0] < key:
            self._pending = self._read()
        if self._pending is not None and self._pending[0] == key:
            return self._pending[1]
        return None

    def close(self) -> None:
        self._file.close()


class OldReport:
    """A streaming cursor over the records of the report being resumed, consumed in key order."""

    def __init__(self, path: Path, key_of: Callable[[str], RecordKey]) -> None:
        self._path = path
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._key_of = key_of
        self._number = 0
        self._pending = self._read()

    def _read(self) -> tuple[RecordKey, bytes] | None:
        raw = self._file.readline()
        if not raw:
            return None
        self._number += 1
        try:
            source = json.loads(raw)["source"]
            if not isinstance(source, str):
                raise TypeError("source is not a string")
        except (ValueError, KeyError, TypeError):
            if self._file.read(1):
                raise ResumeError(
                    f"{self._path}:{self._number}: not a report record, so the report cannot be resumed"
                ) from None
            return None  # the last line, cut short by a kill
        return self._key_of(source), raw if raw.endswith(b"\n") else raw + b"\n"

    def take(self, key: Key) -> Iterator[bytes]:
        """Records of ``key``, dropping those of inputs before it that are no longer in the run."""
        while self._pending is not None and self._pending[0][:2] < key:
            self._pending = self._read()
        while self._pending is not None and self._pending[0][:2] == key:
            yield self._pending[1]
            self._pending = self._read()

    def close(self) -> None:
        self._file.close()


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = path.write_bytes(b"Story.")
    >>> file_sha256(path)[:12]
    'c141e8ee2e58'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _last_line(path: Path) -> bytes | None:
    """The last complete line of a file (a line cut short by a kill is ignored)."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - _TAIL_BYTES))
        tail = handle.read()
    lines = tail.split(b"\n")[:-1]  # the piece after the last newline is incomplete
    if size > _TAIL_BYTES:
        lines = lines[1:]  # the first piece may start mid-line
    return lines[-1] if lines else None
