"""What every task of a run needs besides its input, and what a task is.

The settings are sent to each worker once (a process pool's initializer, a Dask worker), not
with every task; a task carries only where its input is (or the input itself) and runs with
them.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

from cleaner.core.engine import Chain
from cleaner.io.limits import DEFAULT_MAX_RECORD_BYTES

DEFAULT_FIELD = "text"


class Settings(NamedTuple):
    """What every task needs besides its input; shipped to each worker once."""

    chain: Chain
    field: str = DEFAULT_FIELD  # the text field of JSONL records
    encoding: str | None = None  # --encoding: decode with this codec instead of detecting
    html: bool | None = None  # --html/--no-html; None: by name or content
    max_removed: float | None = None  # --max-removed guard
    diff: bool = False  # --diff: return a unified diff of each document
    report: bool = True  # build each document's report records and span counts (the bare pipe needs neither)
    fsync: bool = True  # flush each output to disk before renaming it into place (off for trees)
    replace_links: bool = False  # a link at an output path is replaced, not written through (trees)
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES  # the longest JSONL record or line of text cleaned


class Task(Protocol):
    """Work a run hands to an executor: it runs where the executor puts it, with the settings."""

    @property
    def carried_bytes(self) -> int:
        """How many input bytes the task carries to its worker (an input read by path carries none)."""
        ...

    def run(self, settings: Settings) -> Any:
        """Do the work; the result goes back to the run's collector."""
        ...
