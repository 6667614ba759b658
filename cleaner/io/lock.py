"""Exclusive locks on the files and folders a run writes, so that two runs never interleave.

A lock is ``flock`` on a lock file: the kernel releases it when the process ends, however it
ends (SIGKILL included), so a lock is never left behind by a dead run. The lock file holds
the owner's process id and command line, for the message a refused run prints. It is
deleted when the lock is released; a lock file left by a killed run is simply taken over.

Deleting a lock file is safe because a lock counts only when it is held on the file that is
at the lock's path *after* it was taken: a run that opened a lock file just before its owner
deleted it finds, once it holds the lock, that the path now names another file (or none),
and tries again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on a POSIX system: runs are not locked
    fcntl = None  # type: ignore[assignment]

#: The lock file a run keeps in a folder it writes a tree of outputs into.
FOLDER_LOCK = ".cleaner.lock"


class LockedError(Exception):
    """Another run holds the lock; the message names the lock file and its owner."""


class Lock:
    """An exclusive lock held on one lock file until :meth:`release`.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / ".report.jsonl.lock"
    >>> lock = Lock.take(path, "report.jsonl")
    >>> Lock.take(path, "report.jsonl")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cleaner.io.lock.LockedError: report.jsonl is in use by another cleaner run ...
    >>> lock.release(); path.exists()
    False
    """

    def __init__(self, path: Path, fd: int) -> None:
        self.path, self._fd = path, fd

    @classmethod
    def take(cls, path: Path, what: str) -> Lock:
        """Lock ``path`` (creating it) or raise :class:`LockedError` naming ``what`` at once."""
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
                owner = _read_owner(fd)
                os.close(fd)
                raise LockedError(
                    f"{what} is in use by another cleaner run ({owner}; lock file {path}); "
                    "wait for it to finish"
                ) from None
            if _still_at(fd, path):
                _write_owner(fd)
                return cls(path, fd)
            os.close(fd)  # its owner deleted it as we opened it: take the new one

    def release(self) -> None:
        """Delete the lock file and let the lock go (in that order: see the module docstring)."""
        if self._fd < 0:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self._fd)
        self._fd = -1


def folder_lock_path(folder: Path) -> Path:
    """The lock file of a folder of outputs (kept inside it; the walk skips dot names).

    >>> folder_lock_path(Path("clean")).as_posix()
    'clean/.cleaner.lock'
    """
    return folder / FOLDER_LOCK


def file_lock_path(path: Path) -> Path:
    """The lock file of one output or report file: a dot file beside it.

    >>> file_lock_path(Path("out/removed.jsonl")).as_posix()
    'out/.removed.jsonl.lock'
    """
    return path.with_name(f".{path.name}.lock")


def _still_at(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _write_owner(fd: int) -> None:
    owner = f"pid {os.getpid()}: {' '.join(sys.argv)}"
    data = owner.encode("utf-8", "backslashreplace")[:1000]
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)


def _read_owner(fd: int) -> str:
    try:
        data = os.pread(fd, 1000, 0)
    except OSError:
        data = b""
    owner = " ".join(data.decode("utf-8", "replace").split())
    return owner or "pid unknown"
