"""The report file of a batch run, written in input order, and the journal that lets it resume.

Writing. Records are written in input order, in whole lines (gathered for at most
:data:`FLUSH_SECONDS`, as each write costs a system call), so the report of a killed run is
valid JSONL: the records of the inputs finished so far. (Only a SIGKILL
landing inside a write of more than a page can cut the last line short; ``--resume`` drops
such a line.)

Resuming. A report alone cannot say which inputs were finished, because an input without
boilerplate has no records. So runs whose outputs are files keep a journal beside the
report (``.NAME.journal``): one line per finished input, deleted when the run completes. A
resumed run renames the old report aside (``.NAME.resume``), then writes the report afresh:
for an input the old run finished and whose output is complete, it copies the old records;
for any other input it writes the new ones. Old and new reports are both in input order, so
this is a merge by key that streams; the result equals the report of an uninterrupted run.
A resumed run keeps its own journal, so it can be killed and resumed again.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

#: Orders inputs as the run visits them: (argument index, path parts below the argument).
Key = tuple[int, tuple[str, ...]]
#: The key of a report record: its input's key and its line in a corpus (0 for a document).
RecordKey = tuple[int, tuple[str, ...], int]

_TAIL_BYTES = 1 << 16
FLUSH_SECONDS = 0.2
FLUSH_BYTES = 1 << 20
_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps with options builds one per call


class ResumeError(ValueError):
    """The report to resume from cannot be trusted; the message says why."""


class Ledger:
    """Writes a run's report in input order and remembers which inputs are finished.

    ``report=None`` keeps nothing (every input counts as finished before, so ``--resume``
    simply skips complete outputs). ``journal`` is on for runs whose outputs are files.
    ``key_of`` maps a report ``source`` back to its :data:`RecordKey`.
    """

    def __init__(
        self,
        report: Path | None,
        *,
        journal: bool,
        resume: bool,
        key_of: Callable[[str], RecordKey],
    ) -> None:
        self.report = report
        self.warning: str | None = None
        self._key_of = key_of
        self._old: _OldReport | None = None
        self._last: Key | None = None  # the last input the resumed run had finished
        self._all_finished = report is None
        self._out: IO[bytes] | None = None
        self._journal: IO[bytes] | None = None
        # Whole lines waiting to be written: the report's are always written before the
        # journal's, so the journal never names an input whose records are not written.
        self._pending: list[bytes] = []
        self._pending_journal: list[bytes] = []
        self._pending_bytes = 0
        self._flushed = time.monotonic()
        if report is None:
            return
        report.parent.mkdir(parents=True, exist_ok=True)
        journal_path, aside = _journal_path(report), _aside_path(report)
        if resume:
            self._take_over(journal_path, aside)
        else:
            with contextlib.suppress(FileNotFoundError):
                aside.unlink()
        # The journal is truncated before the report: a kill in between leaves an empty journal,
        # which makes the next resume redo everything instead of trusting a report it replaced.
        if journal:
            self._journal = open(journal_path, "wb")  # noqa: SIM115 - closed in finish()
        self._out = open(report, "wb")  # noqa: SIM115 - closed in finish()

    def _take_over(self, journal_path: Path, aside: Path) -> None:
        assert self.report is not None
        if aside.exists():
            if self.report.exists():
                aside.unlink()  # a resumed run was killed: its own report and journal hold
            else:
                os.replace(aside, self.report)  # killed while setting up: undo
        if not self.report.exists():
            self.warning = f"{self.report} does not exist, so every input is cleaned again to rebuild it"
            return
        if journal_path.exists():
            last = _last_line(journal_path)
            try:
                self._last = self._key_of(json.loads(last))[:2] if last else None
            except (ValueError, TypeError, AttributeError):
                raise ResumeError(f"{journal_path}: the last line is not an input name") from None
        else:
            self._all_finished = True  # the run that wrote this report completed
        os.replace(self.report, aside)
        self._old = _OldReport(aside, self._key_of)

    def finished_before(self, key: Key) -> bool:
        """Whether the interrupted run finished this input (so its records are in the old report)."""
        return self._all_finished or (self._last is not None and key <= self._last)

    def commit(self, source: str, key: Key, records: bytes | IO[bytes] | None) -> None:
        """Account for one finished input: its new records, or ``None`` to keep its old ones."""
        old = self._old.take(key) if self._old is not None else iter(())
        if records is None:
            for line in old:
                self._add(line)
        else:
            for _ in old:
                pass
            if isinstance(records, bytes):
                self._add(records)
            else:  # a spooled file: possibly large, so copied rather than held
                self._flush()
                records.seek(0)
                if self._out is not None:
                    shutil.copyfileobj(records, self._out)
        if self._journal is not None:
            self._pending_journal.append(_JSON.encode(source).encode("utf-8", "backslashreplace") + b"\n")
        if time.monotonic() - self._flushed >= FLUSH_SECONDS:
            self._flush()

    def _add(self, records: bytes) -> None:
        if records and self._out is not None:
            self._pending.append(records)
            self._pending_bytes += len(records)
            if self._pending_bytes >= FLUSH_BYTES:
                self._flush()  # whole lines, but maybe part of an input: its journal line waits

    def _flush(self) -> None:
        for handle, pending in ((self._out, self._pending), (self._journal, self._pending_journal)):
            if handle is not None and pending:
                handle.write(b"".join(pending))
            if handle is not None:
                handle.flush()
            pending.clear()
        self._pending_bytes = 0
        self._flushed = time.monotonic()

    def finish(self, *, complete: bool) -> None:
        """Write what is pending and close the files; a completed run needs neither journal nor
        the old report any more."""
        self._flush()
        for handle in (self._out, self._journal):
            if handle is not None:
                handle.close()
        if self._old is not None:
            self._old.close()
        if self.report is None:
            return
        doomed = [_aside_path(self.report)]
        if complete:
            doomed.append(_journal_path(self.report))
        for path in doomed:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


class _OldReport:
    """A streaming cursor over the report being resumed, consumed in key order."""

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


def _journal_path(report: Path) -> Path:
    return report.with_name(f".{report.name}.journal")


def _aside_path(report: Path) -> Path:
    return report.with_name(f".{report.name}.resume")


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
