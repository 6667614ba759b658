"""Find the input files below a directory, lazily and in a fixed order.

Order: depth first, names sorted within each folder (files and folders interleaved), which
is the order of the files' relative paths compared part by part. The batch runner relies on
it: outputs, report records and resume all follow this order.

Skipped without a word: names starting with ``.`` (including the runner's own temporary
files), folders reached through a symbolic link (so a link loop cannot trap the walk), other
special files (fifos, sockets), and the folders or files in ``avoid`` (the output folder or
report when they sit inside the input). Symbolic links to files are followed; a dangling or
looping one is still returned, so that reading it reports the reason. A file to clean that is
one of the files in ``guard`` (files the run writes, met through a link or a hard link) stops
the walk with :class:`InputCollision`.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path


class InputCollision(ValueError):
    """A file the run writes turned out to be one of its inputs; the message names both."""


@dataclass(frozen=True, slots=True)
class Found:
    """A file to clean (or, with ``error``, a folder that could not be listed)."""

    parts: tuple[str, ...]  # path below the walked directory
    path: Path
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Folder:
    parts: tuple[str, ...]
    path: Path


class Walker:
    """Walks directories with ``include``/``exclude`` globs.

    A glob without ``/`` matches a name; one with ``/`` matches the path relative to the
    walked directory. ``include`` selects files; ``exclude`` drops files and whole folders.

    >>> import tempfile
    >>> top = Path(tempfile.mkdtemp())
    >>> for name in ("b.txt", "a/z.txt", "a/photo.png", ".hidden/x.txt", "drafts/y.txt"):
    ...     (top / name).parent.mkdir(parents=True, exist_ok=True)
    ...     _ = (top / name).write_text("text")
    >>> [f.parts for f in Walker(["*.txt"], ["drafts"]).files(top)]
    [('a', 'z.txt'), ('b.txt',)]
    """

    def __init__(
        self,
        include: Iterable[str],
        exclude: Iterable[str] = (),
        avoid: Iterable[Path | None] = (),
        guard: Mapping[str, Path | None] | None = None,
    ) -> None:
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self._avoid = _identities(avoid)
        self._avoid_inodes = {ino for _, ino in self._avoid}
        self._guard = {
            identity: f"{label} {path}"
            for label, path in (guard or {}).items()
            for identity in _identities([path])
        }
        self._guard_inodes = {ino for _, ino in self._guard}

    def selects(self, parts: tuple[str, ...], *, folder: bool = False) -> bool:
        """Whether a walk would take the file (or, with ``folder``, enter the folder) at ``parts``
        below the walked directory, judging by names and globs alone.

        >>> walker = Walker(["*.txt"], ["drafts"])
        >>> walker.selects(("a", "b.txt")), walker.selects(("drafts", "b.txt"))
        (True, False)
        >>> walker.selects((".x", "b.txt"))
        False
        >>> walker.selects(("a", "b.png")), walker.selects(("a",), folder=True)
        (False, True)
        """
        for depth, name in enumerate(parts, 1):
            if name.startswith(".") or self._matches(self.exclude, name, parts[:depth]):
                return False
        return folder or (bool(parts) and self._matches(self.include, parts[-1], parts))

    def files(
        self, top: Path, on_folder: Callable[[tuple[str, ...], list[str]], None] | None = None
    ) -> Iterator[Found]:
        """The files to clean below ``top``; ``on_folder(parts, names)`` hears each folder's picks."""
        stack: list[Iterator[Found | _Folder]] = [iter(self._list(top, (), on_folder))]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
            elif isinstance(item, _Folder):
                stack.append(iter(self._list(item.path, item.parts, on_folder)))
            else:
                yield item

    def _list(
        self,
        folder: Path,
        parts: tuple[str, ...],
        on_folder: Callable[[tuple[str, ...], list[str]], None] | None,
    ) -> list[Found | _Folder]:
        try:
            with os.scandir(folder) as entries:
                listing = sorted(entries, key=lambda entry: entry.name)
        except OSError as exc:
            return [Found(parts, folder, f"cannot list folder: {exc.strerror or exc}")]
        picked: list[Found | _Folder] = []
        names: list[str] = []
        for entry in listing:
            name = entry.name
            if name.startswith("."):
                continue
            rel = (*parts, name)
            if self._matches(self.exclude, name, rel) or self._avoided(entry):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    picked.append(_Folder(rel, folder / name))
                    continue
                if entry.is_symlink() and entry.is_dir():
                    continue  # folders behind links are not followed
                wanted = entry.is_file() or entry.is_symlink()
            except OSError:  # e.g. a link loop: keep it, reading it will say why
                wanted = True
            if wanted and self._matches(self.include, name, rel):
                self._check_guard(entry)
                picked.append(Found(rel, folder / name))  # parses the name alone, not the folder again
                names.append(name)
        if on_folder is not None:
            on_folder(parts, names)
        return picked

    @staticmethod
    def _matches(globs: tuple[str, ...], name: str, rel: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatch("/".join(rel) if "/" in glob else name, glob) for glob in globs)

    def _check_guard(self, entry: os.DirEntry) -> None:
        if not self._guard:
            return
        try:
            if not entry.is_symlink() and entry.inode() not in self._guard_inodes:
                return  # the inode is known without a system call; a link needs one
            info = entry.stat()  # through a link: the file that would be read
        except OSError:
            return
        written = self._guard.get((info.st_dev, info.st_ino))
        if written is not None:
            raise InputCollision(f"{written} is the input {entry.path} (the same file): it would replace it")

    def _avoided(self, entry: os.DirEntry) -> bool:
        if not self._avoid:
            return False
        try:
            if entry.inode() not in self._avoid_inodes:
                return False
            info = entry.stat(follow_symlinks=False)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) in self._avoid


def _identities(paths: Iterable[Path | None]) -> set[tuple[int, int]]:
    """(device, inode) of each existing path (through links)."""
    found = set()
    for path in paths:
        if path is None:
            continue
        try:
            info = path.stat()
        except OSError:
            continue
        found.add((info.st_dev, info.st_ino))
    return found
