"""The collector of a batch run: handles each step's result in input order.

For every input, in the order the run visits them, it writes what no task wrote (the outputs
of a cluster's tasks, standard output, JSONL corpora, a single input's output, the inputs of
an ``--in-place`` run with a report), hands the report records to the
:class:`~cleaner.batch.ledger.Ledger`, keeps the tally and prints the messages.

An output written here is staged first (written in full beside its target), then its records
are committed, then it is renamed into place. With ``flush_before_output`` the records reach
the report file before the rename: an ``--in-place`` input is never replaced by its clean
text before the text removed from it is on record, and a single input's output is not
committed when its report cannot be written.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from cleaner.batch.corpus import ChunkResult
from cleaner.batch.journal import Finished
from cleaner.batch.ledger import Ledger
from cleaner.batch.plan import Event, Step, Unit
from cleaner.batch.shards import ShardResult
from cleaner.batch.summary import ProgressBar, Tally
from cleaner.batch.tasks import NO_ROOM, DocResult
from cleaner.io.output import Staged, atomic_writer, stage
from cleaner.messages import cannot_write


class _Discard:
    """Where a ``--check`` run sends a corpus's clean records: nowhere."""

    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass


class _CorpusOutput:
    """A corpus being written: its staged output file (or stdout) and its report records."""

    def __init__(
        self, output: Path | None, fsync: bool, *, discard: bool = False, replace_links: bool = False
    ) -> None:
        self._stack = contextlib.ExitStack()
        self.out: IO[bytes] | _Discard
        if discard:
            self.out = _Discard()
        elif output is None:
            self.out = sys.stdout.buffer
        else:
            writer = atomic_writer(output, "wb", fsync=fsync, replace_links=replace_links)
            self.out = self._stack.enter_context(writer)
        import tempfile

        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - closed by the stack
        self.records = self._stack.enter_context(spool)
        self.to_stdout = output is None and not discard
        self.changed = 0
        self.digest = hashlib.sha256()  # of the output file's bytes

    def add(self, result: ChunkResult) -> None:
        self.out.write(result.data)
        if self.to_stdout:
            self.out.flush()
        self.digest.update(result.data)
        self.records.write(result.records)
        self.changed += result.changed

    def commit(self, write_records: Callable[[IO[bytes]], None]) -> None:
        """Hand the records over, then put the output in place (not if the records fail)."""
        try:
            write_records(self.records)
        except BaseException:
            self.abandon()
            raise
        self._stack.close()

    def abandon(self) -> None:
        self._stack.__exit__(_Abandoned, _Abandoned(), None)


class _Abandoned(Exception):
    pass


class Collector:
    """Handles each step's result in input order: output, report, journal, tally, messages."""

    def __init__(
        self,
        ledger: Ledger,
        tally: Tally,
        *,
        fsync: bool,
        replace_links: bool = False,
        preview: bool = False,
        check: bool = False,
        flush_before_output: bool = False,
    ) -> None:
        self.ledger, self.tally, self.fsync = ledger, tally, fsync
        self.replace_links = replace_links  # outputs in a tree: never written through a link
        self.preview = preview  # --diff/--check: write no file
        self.check = check  # --check: name each input that would change
        self.flush_before_output = flush_before_output  # see the module docstring
        self.failed_files = 0  # inputs that gave no output
        self.progress: ProgressBar | None = None
        self._corpus: _CorpusOutput | None = None
        # Built once: handle() runs for every input.
        self._handlers: dict[Event, Callable[[Unit, Step, Any], tuple[int, int]]] = {
            Event.DOC: self._on_doc,
            Event.STREAM: self._on_stream,
            Event.CORPUS_OPEN: self._on_corpus_open,
            Event.CHUNK: self._on_chunk,
            Event.CORPUS_CLOSE: self._on_corpus_close,
            Event.SHARD: self._on_shard,
            Event.RESUMED: self._on_resumed,
            Event.FAILED: self._on_failed,
        }

    def say(self, line: str) -> None:
        if self.progress is not None:
            self.progress.say(line)
        else:
            print(line, file=sys.stderr, flush=True)

    def skip(self, source: str, reason: str, *, file: bool) -> None:
        self.say(f"cleaner: error: {source}: {reason}")
        self.tally.skip(source, reason, file=file)
        self.failed_files += file

    def handle(self, step: Step, result: Any) -> None:
        files, nbytes = self._handlers[step.event](step.unit, step, result)
        if self.progress is not None:
            self.progress.advance(files, nbytes)

    def _on_resumed(self, unit: Unit, step: Step, result: None) -> tuple[int, int]:
        self.tally.files_resumed += 1
        self.ledger.commit(unit.source, unit.key, None, step.digest)
        return 1, step.progress

    def _on_failed(self, unit: Unit, step: Step, result: None) -> tuple[int, int]:
        self.skip(unit.source, step.reason or "cannot read", file=True)
        self.ledger.commit(unit.source, unit.key, b"")
        return 1, 0

    def _on_doc(self, unit: Unit, step: Step, result: DocResult) -> tuple[int, int]:
        if result.no_room:  # every output after it would fail alike: one line, not thousands
            raise _stop(errno.ENOSPC, unit.source, result.problem or "")
        if result.problem:
            self.skip(unit.source, result.problem, file=True)
            self.ledger.commit(unit.source, unit.key, b"")
            return 1, result.bytes_in
        if result.warning:
            self.say(f"cleaner: warning: {unit.source}: {result.warning}")
        if result.held_back:
            self.say(f"cleaner: warning: {unit.source}: {result.held_back}")
            self.tally.hold_back(unit.source)
        staged: Staged | None = None
        if self.preview:
            self._preview(unit, result.changed, result.diff)
        elif unit.output is None:
            result.write_clean(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        elif not result.written:
            # A streamed document's clean text waits in a temporary file: copied, not held.
            clean = result.clean if isinstance(result.clean, bytes) else result.write_clean
            try:
                staged = stage(unit.output, clean, fsync=self.fsync, replace_links=self.replace_links)
            except OSError as exc:
                if exc.errno in NO_ROOM:
                    raise _stop(exc.errno, unit.source, cannot_write(unit.output, exc)) from None
                self.skip(unit.source, cannot_write(unit.output, exc), file=True)
                self.ledger.commit(unit.source, unit.key, b"")
                return 1, result.bytes_in
        tally = self.tally
        tally.files += 1
        tally.documents += 1
        tally.documents_changed += result.changed
        tally.bytes += result.bytes_in
        tally.spans.update(result.spans)
        tally.encodings[result.encoding] += 1
        digest = None if unit.output is None or self.preview else result.output_sha256
        if digest is not None and result.input_sha256 is not None:
            digest = Finished(digest, result.bytes_in, result.input_sha256).entry()
        self._commit(unit, result.records, digest, staged)
        return 1, result.bytes_in

    def _commit(
        self, unit: Unit, records: bytes | IO[bytes], digest: str | None, staged: Staged | None
    ) -> None:
        """Commit an input's records, then put its staged output in place."""
        try:
            self.ledger.commit(unit.source, unit.key, records, digest)
            if staged is not None and self.flush_before_output:
                self.ledger.flush()
        except BaseException:
            if staged is not None:
                staged.discard()
            raise
        if staged is not None:
            try:
                staged.commit()
            except OSError as exc:  # a device or pipe, written only now
                self.skip(unit.source, cannot_write(staged.path, exc), file=True)

    def _on_stream(self, unit: Unit, step: Step, result: DocResult) -> tuple[int, int]:
        """A large document cleaned in windows: handled as any document, then its temporary files go."""
        try:
            return self._on_doc(unit, step, result)
        finally:
            result.close()

    def _on_corpus_open(self, unit: Unit, step: Step, result: None) -> tuple[int, int]:
        assert not isinstance(unit.output, str)  # a corpus at a URL is read and written by its task
        self._corpus = _CorpusOutput(
            unit.output, self.fsync, discard=self.preview, replace_links=self.replace_links
        )
        return 0, 0

    def _on_chunk(self, unit: Unit, step: Step, result: ChunkResult) -> tuple[int, int]:
        assert self._corpus is not None
        self._corpus.add(result)
        self._count_records(result)
        return 0, step.progress

    def _count_records(self, result: ChunkResult) -> None:
        """Add the records of a chunk (or a whole shard's totals) to the tally."""
        tally = self.tally
        tally.documents += result.documents
        tally.documents_changed += result.changed
        tally.held_back += result.held_back
        tally.records_without_field += result.without_field
        tally.bytes += result.bytes_in
        tally.spans.update(result.spans)
        for source, reason in result.problems:
            self.skip(source, reason, file=False)

    def _on_corpus_close(self, unit: Unit, step: Step, result: None) -> tuple[int, int]:
        assert self._corpus is not None
        corpus, self._corpus = self._corpus, None
        if step.reason:
            corpus.abandon()
            self.skip(unit.source, step.reason, file=True)
            self.ledger.commit(unit.source, unit.key, b"")
        else:
            digest = None if unit.output is None or self.preview else corpus.digest.hexdigest()
            corpus.commit(lambda records: self._commit_corpus(unit, records, digest))
            self.tally.files += 1
            if self.preview:
                self._preview(unit, corpus.changed > 0, b"")
        return 1, 0

    def _on_shard(self, unit: Unit, step: Step, result: ShardResult) -> tuple[int, int]:
        """A corpus (or a shard of one) that a worker cleaned: written by it, or here from ``data``."""
        totals = result.totals
        if result.problem:
            self.skip(unit.source, result.problem, file=True)
            self.ledger.commit(unit.source, unit.key, b"")
            return 1, totals.bytes_in
        staged: Staged | None = None
        digest = result.output_sha256
        if self.preview:
            self._preview(unit, totals.changed > 0, b"")
        elif unit.output is None:
            sys.stdout.buffer.write(result.data)
            sys.stdout.buffer.flush()
        elif digest is None:  # the worker could not write it: this process does
            assert isinstance(unit.output, Path)
            try:
                staged = stage(unit.output, result.data, fsync=self.fsync, replace_links=self.replace_links)
            except OSError as exc:
                self.skip(unit.source, cannot_write(unit.output, exc), file=True)
                self.ledger.commit(unit.source, unit.key, b"")
                return 1, totals.bytes_in
            digest = hashlib.sha256(result.data).hexdigest()
        self.tally.files += 1
        self._count_records(totals)
        self._commit(unit, totals.records, None if self.preview else digest, staged)
        return 1, step.progress or totals.bytes_in

    def _commit_corpus(self, unit: Unit, records: IO[bytes], digest: str | None) -> None:
        self.ledger.commit(unit.source, unit.key, records, digest)
        if unit.output is not None and self.flush_before_output:
            self.ledger.flush()

    def _preview(self, unit: Unit, changed: bool, diff: bytes) -> None:
        """``--diff``: print the diff. ``--check``: name the input. Either way, count it."""
        if diff:
            sys.stdout.buffer.write(diff)
            sys.stdout.buffer.flush()
        if changed:
            self.tally.would_change += 1
            if self.check:
                self.say(f"would clean {unit.path if unit.path is not None else unit.source}")

    def abandon(self) -> None:
        """Drop a corpus output in progress (the run is stopping)."""
        if self._corpus is not None:
            self._corpus.abandon()
            self._corpus = None


def _stop(code: int, source: str, reason: str) -> OSError:
    """The error that stops a run at an output no later output could be written beside either."""
    return OSError(code, f"{source}: {reason}; the run stops here")
