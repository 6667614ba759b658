"""Atomic file output: write beside the target, then rename, so no file is half-written."""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_TEMP_NAME = re.compile(r"\.(?P<target>.+)\.[0-9a-f]{8}\.part")


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w", *, fsync: bool = True) -> Iterator[IO]:
    """Open a temporary file next to ``path``; rename it over ``path`` only on success.

    The rename alone guarantees that a killed process never leaves a half-written ``path``.
    ``fsync=False`` skips flushing the data to disk before the rename (durability across a
    power cut), which costs milliseconds per file: batch runs writing thousands of files
    turn it off.

    The file gets the permissions ``path`` already has, or the usual ones for a new file
    (0o666 less the umask) -- not the owner-only mode of :func:`tempfile.mkstemp`. Symbolic
    links, devices and pipes are written through instead.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_writer(target) as out:
    ...     _ = out.write("done")
    >>> target.read_text()
    'done'
    """
    encoding = None if "b" in mode else "utf-8"
    newline = "" if encoding else None
    keep = _existing_mode(path)
    if keep == _WRITE_THROUGH:
        with open(path, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        return
    fd, tmp = _create_temp(path, keep)
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_atomically(path: str | os.PathLike[str], data: bytes, *, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` as :func:`atomic_writer` would, in as few system calls as it
    takes (a batch run calls this once per output file).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "new" / "out.txt"
    >>> write_atomically(target, b"done", fsync=False)
    >>> target.read_bytes()
    b'done'
    """
    keep = _existing_mode(path)
    if keep == _WRITE_THROUGH:
        with open(path, "wb") as handle:
            handle.write(data)
        return
    fd, tmp = _create_temp(path, keep)
    try:
        with memoryview(data) as rest:
            while rest:
                rest = rest[os.write(fd, rest) :]
        if fsync:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


_WRITE_THROUGH = -1


def _existing_mode(path: str | os.PathLike[str]) -> int | None:
    """The permission bits of the regular file at ``path``; None when there is none yet;
    ``_WRITE_THROUGH`` for a link, device or pipe (renaming over it would replace the link or
    device node itself, e.g. /dev/stdout -> /proc/self/fd/1, so it is written through)."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return _WRITE_THROUGH
    return stat.S_IMODE(info.st_mode)


def _create_temp(path: str | os.PathLike[str], keep: int | None) -> tuple[int, str]:
    """Create ``.NAME.<8 hex digits>.part`` beside ``path`` (the name batch runs sweep after a kill),
    creating missing folders; it gets the mode ``keep`` when given."""
    folder, name = os.path.split(os.fspath(path))
    while True:
        tmp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        except FileNotFoundError:  # the folder is missing: create it (only then, it costs a call)
            Path(folder).mkdir(parents=True, exist_ok=True)
            continue
        if keep is not None:
            os.fchmod(fd, keep)
        return fd, tmp


def temp_target(name: str) -> str | None:
    """The name of the file a temporary file of :func:`atomic_writer` stands for, if it is one.

    >>> temp_target(".a.txt.0f3e9a1c.part"), temp_target("a.txt")
    ('a.txt', None)
    """
    match = _TEMP_NAME.fullmatch(name)
    return match["target"] if match else None
