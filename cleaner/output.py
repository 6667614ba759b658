"""Atomic file output: write beside the target, then rename, so no file is half-written."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file next to ``path``; rename it over ``path`` only on success.

    Symbolic links, devices and pipes are written through instead.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_writer(target) as out:
    ...     _ = out.write("done")
    >>> target.read_text()
    'done'
    """
    encoding = None if "b" in mode else "utf-8"
    newline = "" if encoding else None
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # A link, device or pipe (/dev/stdout -> /proc/self/fd/1, a FIFO): renaming over it
        # would replace the link or device node itself, so write through it.
        with open(path, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            # mkstemp creates the file 0600; give it the mode a plain open() would have.
            os.chmod(tmp, _mode_for(path))
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _mode_for(path: Path) -> int:
    """The permission bits of an existing ``path``, else the umask's default for a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
