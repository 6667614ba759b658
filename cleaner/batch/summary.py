"""What a batch run did: counts, the end-of-run summary (text for stderr, JSON for a file), and
a progress bar drawn with rich only when stderr is a terminal."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_LISTED = 1000  # skipped inputs kept for the summary; the count goes on beyond
SHOWN_ON_STDERR = 20


@dataclass
class Tally:
    """Counts for one run.

    >>> tally = Tally(jobs=1)
    >>> tally.skip("raw/photo.txt", "binary file (contains NUL bytes)", file=True)
    >>> tally.files_skipped, tally.to_json()["skipped"]
    (1, [{'source': 'raw/photo.txt', 'reason': 'binary file (contains NUL bytes)'}])
    """

    jobs: int
    preview: bool = False  # --check/--diff: inputs are read and cleaned, nothing is written
    files: int = 0  # inputs cleaned and written by this run
    files_resumed: int = 0  # inputs a previous run had finished
    files_skipped: int = 0
    documents: int = 0  # text files plus corpus records
    documents_changed: int = 0
    records_without_field: int = 0
    held_back: int = 0  # documents the --max-removed guard left unchanged
    held_back_sources: list[str] = field(default_factory=list)
    would_change: int = 0  # --check/--diff: inputs cleaning would change
    bytes: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: int = 0  # skipped inputs plus corpus lines kept unchanged because they were unreadable
    interrupted: bool = False
    started: float = field(default_factory=time.perf_counter)
    elapsed: float = 0.0

    def skip(self, source: str, reason: str, *, file: bool) -> None:
        """Note an input (``file``) or a corpus line that was left alone, and why."""
        self.problems += 1
        self.files_skipped += file
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append((source, reason))

    def hold_back(self, source: str) -> None:
        """Note a document the ``--max-removed`` guard left unchanged."""
        self.held_back += 1
        if len(self.held_back_sources) < MAX_LISTED:
            self.held_back_sources.append(source)

    def stop(self) -> None:
        self.elapsed = time.perf_counter() - self.started

    @property
    def mb_per_second(self) -> float:
        return self.bytes / 1e6 / self.elapsed if self.elapsed > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        """The ``--summary`` file's content."""
        return {
            "files": self.files,
            "files_resumed": self.files_resumed,
            "files_skipped": self.files_skipped,
            "documents": self.documents,
            "documents_changed": self.documents_changed,
            "records_without_field": self.records_without_field,
            "held_back": self.held_back,
            "held_back_sources": self.held_back_sources,
            "would_change": self.would_change,
            "bytes": self.bytes,
            "spans": sum(self.spans.values()),
            "spans_per_rule": dict(sorted(self.spans.items())),
            "encodings": dict(sorted(self.encodings.items())),
            "skipped": [{"source": source, "reason": reason} for source, reason in self.skipped],
            "problems": self.problems,
            "elapsed_seconds": round(self.elapsed, 3),
            "mb_per_second": round(self.mb_per_second, 2),
            "jobs": self.jobs,
            "interrupted": self.interrupted,
        }

    def to_text(self, field_name: str, *, stats: bool = False) -> list[str]:
        """The end-of-run summary, one string per stderr line: a line of counts, and the warnings
        a run must not hide; with ``stats``, the spans per rule and the inputs skipped too (each
        skipped input was already named on its own line as it happened)."""
        detail = f"{self.documents_changed:,} changed"
        if self.documents != self.files:
            detail = f"{self.documents:,} documents, {detail}"
        verb = "checked" if self.preview else "cleaned"
        done = f"cleaner: {self.files:,} file{'' if self.files == 1 else 's'} {verb} ({detail})"
        if self.files_resumed:
            done += f", {self.files_resumed:,} already done"
        if self.files_skipped:
            done += f", {self.files_skipped:,} skipped"
        done += (
            f"; {self.bytes / 1e6:,.1f} MB in {self.elapsed:,.1f} s ({self.mb_per_second:,.1f} MB/s, "
            f"{self.jobs} job{'s' if self.jobs != 1 else ''})"
        )
        lines = [done + (" - interrupted" if self.interrupted else "")]
        if self.preview:
            lines.append(f"cleaner: {self.would_change:,} would be cleaned")
        total = sum(self.spans.values())
        if total and stats:
            lines.append(f"cleaner: {total:,} spans removed:")
            width = max(len(rule) for rule in self.spans)
            lines += [f"  {rule:<{width}}  {count:>9,}" for rule, count in sorted(self.spans.items())]
        if self.held_back:
            lines.append(
                f"cleaner: warning: {self.held_back:,} documents left unchanged by the --max-removed guard"
            )
        if self.records_without_field and not self.documents:
            lines.append(
                f"cleaner: error: no record has a string field {field_name!r}: nothing was cleaned "
                "(name the text field with --field)"
            )
        elif self.records_without_field:
            lines.append(
                f"cleaner: warning: {self.records_without_field:,} records had no string field "
                f"{field_name!r} and were copied unchanged"
            )
        if self.skipped and stats:
            lines.append(
                f"cleaner: {self.problems:,} problems (skipped files, JSONL lines kept as they were):"
            )
            lines += [f"  {source}: {reason}" for source, reason in self.skipped[:SHOWN_ON_STDERR]]
            if self.problems > SHOWN_ON_STDERR:
                lines.append(f"  ... and {self.problems - SHOWN_ON_STDERR:,} more (see --summary)")
        return lines


class ProgressBar:
    """Files and megabytes done, with speed and ETA, on stderr (rich is imported only here)."""

    def __init__(self, total_files: int, total_bytes: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        # Without colour a bar's done and to-do parts look alike, so NO_COLOR gets a percentage.
        plain = bool(os.environ.get("NO_COLOR"))
        bar = TextColumn("{task.percentage:>3.0f}%") if plain else BarColumn()
        self._progress = Progress(
            TextColumn("{task.fields[files]:,}/{task.fields[total_files]:,} files"),
            bar,
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr, no_color=plain),
            transient=True,
        )
        self._task = self._progress.add_task("clean", total=total_bytes, files=0, total_files=total_files)
        self._files = 0
        self._progress.start()

    def advance(self, files: int, nbytes: int) -> None:
        self._files += files
        self._progress.update(self._task, advance=nbytes, files=self._files)

    def say(self, line: str) -> None:
        """Print a line above the bar."""
        self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def stop(self) -> None:
        self._progress.stop()
