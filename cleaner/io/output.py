"""Atomic file output: write beside the target, then rename, so no file is half-written."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

#: Left in an ``-o`` folder that lies inside an input folder: its files are outputs, not inputs.
OUTPUT_MARKER = ".cleaner-output"
_TEMP_NAME = re.compile(r"\.(?P<target>.+)\.[0-9a-f]{8}\.part")


@contextlib.contextmanager
def atomic_writer(
    path: Path, mode: str = "w", *, fsync: bool = True, replace_links: bool = False
) -> Iterator[IO]:
    """Open a temporary file next to ``path``; rename it over ``path`` only on success.

    The rename alone guarantees that a killed process never leaves a half-written ``path``.
    ``fsync=False`` skips flushing the data to disk before the rename (durability across a
    power cut), which costs milliseconds per file: batch runs writing thousands of files
    turn it off.

    The file gets the permissions ``path`` already has, or the usual ones for a new file
    (0o666 less the umask) -- not the owner-only mode of :func:`tempfile.mkstemp`. Symbolic
    links, devices and pipes are written through instead; with ``replace_links`` a link is
    replaced by the file, as in a tree of outputs, where a link could lead to an input.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_writer(target) as out:
    ...     _ = out.write("done")
    >>> target.read_text()
    'done'
    """
    encoding = None if "b" in mode else "utf-8"
    newline = "" if encoding else None
    keep = _existing_mode(path, replace_links)
    if keep == _WRITE_THROUGH:
        with open(path, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        return
    made: list[str] = []
    try:
        fd = _create_temp(path, keep, made)
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(made[-1], path)
    except BaseException:
        _remove(made)
        raise


def write_atomically(
    path: str | os.PathLike[str], data: bytes | Writer, *, fsync: bool = True, replace_links: bool = False
) -> None:
    """Write ``data`` (bytes, or a function that writes to a binary file) to ``path`` as
    :func:`atomic_writer` would, in as few system calls as it takes (a batch run calls this once
    per output file).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "new" / "out.txt"
    >>> write_atomically(target, b"done", fsync=False)
    >>> target.read_bytes()
    b'done'
    """
    made: list[str] = []  # the temporary file, named before it exists (see stage)
    try:
        stage(path, data, fsync=fsync, replace_links=replace_links, made=made).commit()
    except BaseException:
        _remove(made)
        raise


Writer = Callable[[IO[bytes]], object]


class Staged:
    """An output written in full to a temporary file beside its target, not yet in place:
    :meth:`commit` renames it over the target, :meth:`discard` removes it.

    A link, device or pipe is written through instead, at :meth:`commit` (see :func:`atomic_writer`).
    """

    def __init__(self, path: str | os.PathLike[str], tmp: str | None, through: bytes | Writer | None) -> None:
        self.path, self._tmp, self._through = path, tmp, through

    def commit(self) -> None:
        """Put the output in place."""
        if self._tmp is not None:
            os.replace(self._tmp, self.path)
            self._tmp = None
        elif self._through is not None:
            with open(self.path, "wb") as handle:
                _write_to(handle, self._through)
            self._through = None

    def discard(self) -> None:
        """Drop the output: the target stays as it was."""
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)
            self._tmp = None
        self._through = None


def stage(
    path: str | os.PathLike[str],
    data: bytes | Writer,
    *,
    fsync: bool = True,
    replace_links: bool = False,
    made: list[str] | None = None,
) -> Staged:
    """Write ``data`` (bytes, or a function that writes to a binary file) to a temporary file
    beside ``path``, to be put in place by :meth:`Staged.commit` (``replace_links``: as for
    :func:`atomic_writer`).

    The temporary file's name goes into ``made`` before the file is created: a caller that may
    be stopped by a signal at any point (a worker on SIGTERM) removes what it names, so that
    no stop leaves the file behind, not even one between its creation and this function's return.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> staged = stage(target, b"done", fsync=False)
    >>> target.exists()
    False
    >>> staged.commit(); target.read_bytes()
    b'done'
    """
    keep = _existing_mode(path, replace_links)
    if keep == _WRITE_THROUGH:
        return Staged(path, None, data)
    made = [] if made is None else made
    fd = -1
    try:
        fd = _create_temp(path, keep, made)
        if isinstance(data, bytes):
            with memoryview(data) as rest:
                while rest:
                    rest = rest[os.write(fd, rest) :]
            if fsync:
                os.fsync(fd)
            os.close(fd)
        else:
            handle, fd = os.fdopen(fd, "wb"), -1  # the file object closes it from here on
            with handle:
                data(handle)
                handle.flush()
                if fsync:
                    os.fsync(handle.fileno())
        fd = -1
    except BaseException:
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        _remove(made)
        raise
    return Staged(path, made[-1], None)


def _remove(temporary: list[str]) -> None:
    for path in temporary:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _write_to(handle: IO[bytes], data: bytes | Writer) -> None:
    if isinstance(data, bytes):
        handle.write(data)
    else:
        data(handle)


_WRITE_THROUGH = -1


def write_target(path: str | os.PathLike[str]) -> Path | None:
    """The regular file that writing ``path`` atomically replaces: the path itself or, for a
    link, the file it names (new or not); None for a device or pipe, which is written through.

    >>> write_target("/dev/null") is None, write_target("/nonexistent/new.txt")
    (True, PosixPath('/nonexistent/new.txt'))
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return Path(os.path.realpath(path))
    except OSError:
        return Path(path)  # opening it will say why
    return Path(os.path.realpath(path)) if stat.S_ISREG(info.st_mode) else None


def _existing_mode(path: str | os.PathLike[str], replace_links: bool = False) -> int | None:
    """The permission bits of the regular file at ``path``; None when there is none yet;
    ``_WRITE_THROUGH`` for a link, device or pipe (renaming over it would replace the link or
    device node itself, e.g. /dev/stdout -> /proc/self/fd/1, so it is written through).
    A folder raises IsADirectoryError."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
    if replace_links and stat.S_ISLNK(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        return _WRITE_THROUGH
    return stat.S_IMODE(info.st_mode)


def _create_temp(path: str | os.PathLike[str], keep: int | None, made: list[str]) -> int:
    """Create ``.NAME.<8 hex digits>.part`` beside ``path`` (the name batch runs sweep after a kill),
    creating missing folders; it gets the mode ``keep`` when given. Its name is appended to
    ``made`` before it is created (see :func:`stage`)."""
    folder, name = os.path.split(os.fspath(path))
    while True:
        tmp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.part")
        made.append(tmp)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:  # another's: not ours to remove
            made.pop()
            continue
        except FileNotFoundError:  # the folder is missing: create it (only then, it costs a call)
            made.pop()
            make_folders(folder)
            continue
        if keep is not None:
            os.fchmod(fd, keep)
        return fd


def make_folders(folder: str | os.PathLike[str]) -> None:
    """Create ``folder`` and the folders missing above it, level by level: ``os.makedirs`` and
    ``Path.mkdir(parents=True)`` recurse once per missing level, and a tree 1,500 folders deep
    exceeds Python's recursion limit.

    >>> import tempfile
    >>> top = tempfile.mkdtemp()
    >>> make_folders(os.path.join(top, *["d"] * 1500))
    >>> os.path.isdir(os.path.join(top, *["d"] * 1500))
    True
    """
    missing = []
    path = os.fspath(folder)
    while path and not os.path.isdir(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for path in reversed(missing):
        try:
            os.mkdir(path)
        except FileExistsError:
            if not os.path.isdir(path):
                raise


def temp_target(name: str) -> str | None:
    """The name of the file a temporary file of :func:`atomic_writer` stands for, if it is one.

    >>> temp_target(".a.txt.0f3e9a1c.part"), temp_target("a.txt")
    ('a.txt', None)
    """
    match = _TEMP_NAME.fullmatch(name)
    return match["target"] if match else None


def sweep_temporaries(folder: str | os.PathLike[str], names: list[str]) -> None:
    """Remove the temporary files of :func:`atomic_writer` that a killed run left in ``folder``
    for the outputs ``names``.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / ".a.txt.0f3e9a1c.part").write_bytes(b"half")
    >>> sweep_temporaries(folder, ["a.txt"])
    >>> list(folder.iterdir())
    []
    """
    if not names:
        return
    wanted = set(names)
    try:
        with os.scandir(folder) as entries:
            stale = [entry.path for entry in entries if temp_target(entry.name) in wanted]
    except OSError:
        return
    for path in stale:
        with contextlib.suppress(OSError):
            os.unlink(path)
