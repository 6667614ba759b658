"""A document that its worker sizes: cleaned whole, or in windows when it is large.

In a tree whose outputs the workers write, the planner hands out each file by path or URL and
never looks at it: on network storage every look is a round trip, and one client plans for
many workers. The worker looks at the file's size, cleans it whole (:func:`cleaner.batch.tasks.run_doc`)
or, above ``stream_above`` bytes, in windows in bounded memory
(:func:`cleaner.batch.large.run_stream`), writes the output itself, and sends back report
lines and counts, never a file.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from cleaner.batch.settings import Settings
from cleaner.batch.tasks import NO_ROOM, DocResult, DocTask, run_doc
from cleaner.io.output import make_folders
from cleaner.io.remote import is_url, read_location, write_location
from cleaner.io.stream import regular_size
from cleaner.messages import cannot_read, cannot_write


class SizedDocTask(NamedTuple):
    """Clean the file ``path`` (a local path or a URL) into ``output``, whole or in windows by
    its size.

    >>> import pathlib, tempfile
    >>> from cleaner.core.engine import Chain
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Story.")
    >>> task = SizedDocTask("a.txt", str(folder / "a.txt"), str(folder / "a.clean.txt"), 1 << 20)
    >>> task.run(Settings(Chain([]))).written, (folder / "a.clean.txt").read_text()
    (True, 'Story.')
    """

    source: str
    path: str
    output: str
    stream_above: int | None  # None: always whole (``--diff`` needs the whole text)

    @property
    def carried_bytes(self) -> int:
        return 0  # the worker reads the file

    def run(self, settings: Settings) -> DocResult:
        if self.stream_above is None:
            return run_doc(DocTask(self.source, self.path, output=self.output), settings)
        if is_url(self.path):
            # An object is read as it is sized: one request for the many small ones, where
            # asking its size first would be a second round trip each (a large one has then
            # had its first stream_above bytes read once before it is streamed).
            try:
                data = read_location(self.path, self.stream_above + 1)
            except OSError as exc:
                return DocResult.skipped(cannot_read(exc))
            if len(data) > self.stream_above:
                return self._in_windows(settings)
            return run_doc(DocTask(self.source, self.path, data, output=self.output), settings)
        if regular_size(self.path) > self.stream_above:
            return self._in_windows(settings)
        return run_doc(DocTask(self.source, self.path, output=self.output), settings)

    def _in_windows(self, settings: Settings) -> DocResult:
        from cleaner.batch.large import StreamTask, run_stream  # imported only for large inputs

        spool_dir = None if is_url(self.output) else _made_folder(self.output)
        result = run_stream(StreamTask(self.source, self.path, spool_dir=spool_dir), settings)
        try:
            if result.problem is not None:
                return result
            try:
                write_location(
                    self.output,
                    result.write_clean,
                    fsync=settings.fsync,
                    replace_links=settings.replace_links,
                )
            except OSError as exc:
                why = cannot_write(self.output, exc)
                return DocResult.skipped(why, result.bytes_in, no_room=exc.errno in NO_ROOM)
            records = result.records
            if not isinstance(records, bytes):
                records.seek(0)
                records = records.read()
            return result._replace(records=records, clean=b"", written=True)
        finally:
            result.close()


def _made_folder(output: str) -> str | None:
    """The output's folder, made if need be, for the temporary files (the same disk as the
    output, not the system's temporary folder); None when it cannot be made.

    >>> import tempfile, os
    >>> top = tempfile.mkdtemp()
    >>> _made_folder(os.path.join(top, "deep", "a.txt")) == os.path.join(top, "deep")
    True
    """
    folder = os.path.dirname(output)
    try:
        make_folders(folder)  # not os.makedirs: it recurses once per level of a deep tree
    except OSError:
        return None  # the output's own write says why
    return folder
