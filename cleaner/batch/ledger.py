"""The report file of a batch run, written in input order, and the journal that lets it resume.

Writing. The report is written like an output: to a temporary file beside it
(``.NAME.partial``), renamed over ``NAME`` only when the run completes. A run that fails or
is stopped leaves the previous report as it was. Records are written in input order, in
whole lines (gathered for at most :data:`FLUSH_SECONDS`, as each write costs a system call).
A report that is not a regular file (a pipe, a device) is written to as the run goes, and
such a run cannot be resumed.

Resuming. A report alone cannot say which inputs were finished, because an input without
boilerplate has no records. So runs whose outputs are files keep a journal beside the
report (:mod:`cleaner.batch.journal`): one line per finished input, with its output's SHA-256,
written after the input's records. A resumed run reads the stopped run's records and journal
and writes the report afresh: for an input the old run finished and whose output is complete,
it copies the old records; for any other input it writes the new ones. Old and new reports
are both in input order, so this is a merge by key that streams; the result equals the
report of an uninterrupted run.

A resumed run writes its report and journal beside the stopped run's (``.next``) until it has
finished every input the stopped run had finished; only then do its files take their place.
So stopping a resumed run early, even with SIGKILL, never loses what the stopped run had
recorded: that matters for ``--in-place`` runs, whose inputs already hold the clean text.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from cleaner.batch.journal import (
    Companions,
    JournalReader,
    Key,
    OldReport,
    RecordKey,
    ResumeError,
    journal_line,
)
from cleaner.io.output import write_target

__all__ = ["FLUSH_SECONDS", "Key", "Ledger", "RecordKey", "ReportError", "ResumeError"]

FLUSH_SECONDS = 0.2
FLUSH_BYTES = 1 << 20


class ReportError(Exception):
    """The report (or its journal) could not be written; the message says which and why."""


class Ledger:
    """Writes a run's report in input order and remembers which inputs are finished.

    ``report=None`` keeps nothing (every input counts as finished before, so ``--resume``
    simply skips complete outputs). ``journal`` is on for runs whose outputs are files.
    ``key_of`` maps a report ``source`` back to its :data:`RecordKey`. ``in_place``: the
    inputs themselves are the outputs, so a stopped run's records are the only copy of the text
    it removed: a new run refuses to start over them, and ``--resume`` needs them.
    """

    def __init__(
        self,
        report: Path | None,
        *,
        journal: bool,
        resume: bool,
        key_of: Callable[[str], RecordKey],
        in_place: bool = False,
    ) -> None:
        self.report = report
        self.warning: str | None = None
        self._key_of = key_of
        self._old: OldReport | None = None
        self._finished: JournalReader | None = None
        self._last: Key | None = None  # the last input the resumed run had finished
        self._all_finished = report is None
        self._files: Companions | None = None  # None: no report, or one written through
        self._writing: tuple[Path, Path] | None = None  # this run's report and journal so far
        self._catching_up = False  # writing the .next files of a resumed run
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
        target = write_target(report)
        if target is None:
            if resume:
                raise ResumeError(f"--resume needs --report to be a regular file, not {report}")
            self._out = open(report, "wb")  # noqa: SIM115 - closed in finish()
            return
        self._files = files = Companions(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in (files.partial_next, files.journal_next):  # a resumed run stopped early
            stale.unlink(missing_ok=True)
        if resume:
            self._take_over(files, in_place)
        elif in_place and _holds_records(files.partial):
            raise ResumeError(
                f"a stopped --in-place run left the records of the files it cleaned in "
                f"{files.partial}; run the same command with --resume to keep them"
            )
        if self._catching_up:
            partial, journal_path = files.partial_next, files.journal_next
        else:
            partial, journal_path = files.partial, files.journal
        # The journal is truncated before the report: a kill in between leaves an empty journal,
        # which makes the next resume redo everything instead of trusting records it replaced.
        if journal:
            self._journal = open(journal_path, "wb")  # noqa: SIM115 - closed in finish()
        self._out = open(partial, "wb")  # noqa: SIM115 - closed in finish()
        self._writing = (partial, journal_path)

    @property
    def resumable(self) -> bool:
        """Whether ``--resume`` can continue this run if it stops."""
        return self.report is None or self._files is not None

    def _take_over(self, files: Companions, in_place: bool) -> None:
        """Open what the run being resumed left: its records and journal."""
        if files.partial.exists():  # a stopped run: its records so far
            old = files.partial
        elif files.report.exists():  # a completed run's report (or, of an earlier version, a stopped one's)
            old = files.report
            if not files.journal.exists():
                if in_place:
                    raise ResumeError(f"the run that wrote {self.report} completed: nothing to resume")
                self._all_finished = True
        else:
            self.warning = f"{self.report} does not exist, so every input is cleaned again to rebuild it"
            return
        if files.journal.exists():
            self._finished = JournalReader(files.journal, self._key_of)
            self._last = self._finished.last
        self._old = OldReport(old, self._key_of)
        self._catching_up = True

    def finished_before(self, key: Key) -> bool:
        """Whether the interrupted run finished this input (so its records are in the old report)."""
        return self._all_finished or (self._last is not None and key <= self._last)

    def output_digest(self, key: Key) -> str | None:
        """The SHA-256 of the output the interrupted run wrote for a finished input, if it recorded one.

        Asked in input order (the journal is read as a stream)."""
        return self._finished.digest(key) if self._finished is not None else None

    def commit(
        self, source: str, key: Key, records: bytes | IO[bytes] | None, digest: str | None = None
    ) -> None:
        """Account for one finished input: its new records, or ``None`` to keep its old ones;
        ``digest`` is the SHA-256 of its output file (the journal keeps it for ``--resume``)."""
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
                    self._write(self._out, lambda out: shutil.copyfileobj(records, out))
        if self._journal is not None:
            self._pending_journal.append(journal_line(source, digest))
        if self._catching_up and (self._last is None or key >= self._last):
            self._take_place()
        elif time.monotonic() - self._flushed >= FLUSH_SECONDS:
            self._flush()

    def flush(self) -> None:
        """Write what is pending now (before an input is overwritten with its clean text)."""
        self._flush()

    def _take_place(self) -> None:
        """The resumed run has caught up: its report and journal replace the stopped run's."""
        assert self._files is not None and self._writing is not None
        self._flush()
        files = self._files
        try:
            os.replace(files.partial_next, files.partial)
            if self._journal is not None:
                os.replace(files.journal_next, files.journal)
        except OSError as exc:
            raise ReportError(f"--report {self.report}: cannot write: {exc.strerror or exc}") from None
        self._writing = (files.partial, files.journal)
        self._catching_up = False

    def _add(self, records: bytes) -> None:
        if records and self._out is not None:
            self._pending.append(records)
            self._pending_bytes += len(records)
            if self._pending_bytes >= FLUSH_BYTES:
                self._flush()  # whole lines, but maybe part of an input: its journal line waits

    def _flush(self) -> None:
        for handle, pending in ((self._out, self._pending), (self._journal, self._pending_journal)):
            if handle is not None:
                data = b"".join(pending)
                self._write(handle, functools.partial(_write_flushed, data))
            pending.clear()
        self._pending_bytes = 0
        self._flushed = time.monotonic()

    def _write(self, handle: IO[bytes], write: Callable[[IO[bytes]], object]) -> None:
        try:
            write(handle)
        except OSError as exc:
            raise ReportError(f"--report {self.report}: cannot write: {exc.strerror or exc}") from None

    def finish(self, *, complete: bool, discard: bool = False) -> ReportError | None:
        """Write what is pending and close the files; a completed run's report takes the place of
        ``report``, and the journal goes. A run that did not complete leaves ``report`` as it was,
        and its own report so far and journal for ``--resume``, unless ``discard`` (there is
        nothing to resume). Returns the error that kept the report from being written (the run
        then counts as stopped), or None."""
        error = None
        try:
            self._flush()
            if complete and self._out is not None and self._files is not None:
                self._write(self._out, lambda out: os.fsync(out.fileno()))
        except ReportError as exc:
            error, complete = exc, False
        for handle in (self._out, self._journal):
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
        for reader in (self._old, self._finished):
            if reader is not None:
                reader.close()
        if self._files is None or self._writing is None:
            return error
        files, (partial, journal_path) = self._files, self._writing
        if complete:
            try:
                os.replace(partial, files.report)
            except OSError as exc:
                return ReportError(f"--report {self.report}: cannot write: {exc.strerror or exc}")
            doomed = [journal_path, files.partial, files.journal]
        elif self._catching_up:  # a resumed run that had not caught up leaves the stopped run's files
            doomed = [files.partial_next, files.journal_next]
        else:
            doomed = [partial, journal_path] if discard else []
        for path in doomed:
            path.unlink(missing_ok=True)
        return error


def _holds_records(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _write_flushed(data: bytes, out: IO[bytes]) -> None:
    out.write(data)
    out.flush()
