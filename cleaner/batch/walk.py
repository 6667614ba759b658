"""Find the input files below a directory, lazily and in a fixed order.

Order: depth first, names sorted within each folder (files and folders interleaved), which
is the order of the files' relative paths compared part by part. The batch runner relies on
it: outputs, report records and resume all follow this order.

Skipped without a word: names starting with ``.`` (including the runner's own temporary
files), folders reached through a symbolic link (so a link loop cannot trap the walk), other
special files (fifos, sockets), and the folders or files in ``avoid`` (the output folder or
report when they sit inside the input). Symbolic links to files are followed; a dangling or
looping one is still returned, so that reading it reports the reason.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


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
        self, include: Iterable[str], exclude: Iterable[str] = (), avoid: Iterable[Path | None] = ()
    ) -> None:
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self._avoid: set[tuple[int, int]] = set()
        for path in avoid:
            if path is None:
                continue
            try:
                info = path.stat()
            except OSError:
                continue
            self._avoid.add((info.st_dev, info.st_ino))
        self._avoid_inodes = {ino for _, ino in self._avoid}

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
                    picked.append(_Folder(rel, Path(entry.path)))
                    continue
                if entry.is_symlink() and entry.is_dir():
                    continue  # folders behind links are not followed
                wanted = entry.is_file() or entry.is_symlink()
            except OSError:  # e.g. a link loop: keep it, reading it will say why
                wanted = True
            if wanted and self._matches(self.include, name, rel):
                picked.append(Found(rel, Path(entry.path)))
                names.append(name)
        if on_folder is not None:
            on_folder(parts, names)
        return picked

    @staticmethod
    def _matches(globs: tuple[str, ...], name: str, rel: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatch("/".join(rel) if "/" in glob else name, glob) for glob in globs)

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
