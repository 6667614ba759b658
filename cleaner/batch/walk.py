"""Find the input files below a directory, lazily and in a fixed order.

Order: depth first, names sorted within each folder (files and folders interleaved), which
is the order of the files' relative paths compared part by part. The batch runner relies on
it: outputs, report records and resume all follow this order.

Globs and ``.gitignore`` files follow git's rules (through :mod:`pathspec`, as black and
ripgrep do): a glob without ``/`` matches a name at any depth; one with ``/`` is anchored to
the walked directory and its ``*`` does not cross ``/`` (``a/*.txt`` takes ``a/x.txt``, not
``a/b/y.txt``); ``**/`` matches any number of folders, none included; ``!`` negates. A
``.gitignore`` in the walked directory or any folder below it applies to the paths below its
folder, a deeper one overriding (``gitignore=False`` reads none).

Skipped without a word: names starting with ``.`` (including the runner's own temporary
files), files and folders a ``.gitignore`` ignores, folders reached through a symbolic link
(so a link loop cannot trap the walk), other special files (fifos, sockets), and the folders
or files in ``avoid`` (the output folder or report when they sit inside the input). Symbolic
links to files are followed; a dangling or looping one is still returned, so that reading it
reports the reason. A file to clean that is one of the files in ``guard`` (files the run
writes, met through a link or a hard link) stops the walk with :class:`InputCollision`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pathspec import GitIgnoreSpec

GITIGNORE = ".gitignore"
# A glob that takes the files whose name ends with a plain suffix, at any depth.
_SUFFIX_GLOB = re.compile(r"\*((?:\.[\w-]+)+)")
#: The ``.gitignore`` files that apply in a folder, outermost first: (folder's parts, spec).
Ignores = tuple[tuple[tuple[str, ...], GitIgnoreSpec], ...]


class InputCollision(ValueError):
    """A file the run writes turned out to be one of its inputs; the message names both."""


class Found(NamedTuple):
    """A file to clean (or, with ``error``, a folder that could not be listed)."""

    parts: tuple[str, ...]  # path below the walked directory
    path: Path
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Folder:
    parts: tuple[str, ...]
    path: Path
    ignores: Ignores = ()


class Walker:
    """Walks directories with ``include``/``exclude`` globs (gitignore patterns) and ``.gitignore`` files.

    ``include`` selects files; ``exclude`` drops files and whole folders.

    >>> import tempfile
    >>> top = Path(tempfile.mkdtemp())
    >>> for name in ("b.txt", "a/z.txt", "a/b/y.txt", "a/photo.png", ".hidden/x.txt", "drafts/y.txt"):
    ...     (top / name).parent.mkdir(parents=True, exist_ok=True)
    ...     _ = (top / name).write_text("text")
    >>> [f.parts for f in Walker(["*.txt"], ["drafts"]).files(top)]
    [('a', 'b', 'y.txt'), ('a', 'z.txt'), ('b.txt',)]
    >>> [f.parts for f in Walker(["a/*.txt"]).files(top)]
    [('a', 'z.txt')]
    >>> _ = (top / "a" / ".gitignore").write_text("b/\\n")
    >>> [f.parts for f in Walker(["*.txt"], ["drafts"]).files(top)]
    [('a', 'z.txt'), ('b.txt',)]
    """

    def __init__(
        self,
        include: Iterable[str],
        exclude: Iterable[str] = (),
        avoid: Iterable[Path | None] = (),
        guard: Mapping[str, Path | None] | None = None,
        *,
        gitignore: bool = True,
    ) -> None:
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.gitignore = gitignore
        self._include = _spec(self.include)
        self._include_endings = _name_endings(self.include)
        self._exclude = _spec(self.exclude)
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
        below the walked directory, judging by names and globs alone (not ``.gitignore`` files).

        >>> walker = Walker(["*.txt"], ["drafts"])
        >>> walker.selects(("a", "b.txt")), walker.selects(("drafts", "b.txt"))
        (True, False)
        >>> walker.selects((".x", "b.txt"))
        False
        >>> walker.selects(("a", "b.png")), walker.selects(("a",), folder=True)
        (False, True)
        """
        for depth, name in enumerate(parts, 1):
            is_folder = folder or depth < len(parts)
            if name.startswith(".") or _matches(self._exclude, parts[:depth], is_folder):
                return False
        return folder or (bool(parts) and self._included(parts))

    def files(
        self, top: Path, on_folder: Callable[[tuple[str, ...], list[str]], None] | None = None
    ) -> Iterator[Found]:
        """The files to clean below ``top``; ``on_folder(parts, names)`` hears each folder's picks."""
        stack: list[Iterator[Found | _Folder]] = [iter(self._list(_Folder((), top), on_folder))]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
            elif isinstance(item, _Folder):
                stack.append(iter(self._list(item, on_folder)))
            else:
                yield item

    def _list(
        self, folder: _Folder, on_folder: Callable[[tuple[str, ...], list[str]], None] | None
    ) -> list[Found | _Folder]:
        parts = folder.parts
        try:
            with os.scandir(folder.path) as entries:
                listing = sorted(entries, key=lambda entry: entry.name)
        except OSError as exc:
            return [Found(parts, folder.path, f"cannot list folder: {exc.strerror or exc}")]
        ignores = folder.ignores + _read_gitignore(folder.path, parts) if self.gitignore else ()
        picked: list[Found | _Folder] = []
        names: list[str] = []
        for entry in listing:
            name = entry.name
            if name.startswith(".") or self._avoided(entry):
                continue
            rel = (*parts, name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                if not is_dir and entry.is_symlink() and entry.is_dir():
                    continue  # folders behind links are not followed
                wanted = is_dir or entry.is_file() or entry.is_symlink()
            except OSError:  # e.g. a link loop: keep it, reading it will say why
                is_dir, wanted = False, True
            if not wanted or _matches(self._exclude, rel, is_dir) or _ignored(ignores, rel, is_dir):
                continue
            if is_dir:
                picked.append(_Folder(rel, folder.path / name, ignores))
            elif self._included(rel):
                self._check_guard(entry)
                picked.append(Found(rel, folder.path / name))  # parses the name alone, not the folder again
                names.append(name)
        if on_folder is not None:
            on_folder(parts, names)
        return picked

    def _included(self, rel: tuple[str, ...]) -> bool:
        endings = self._include_endings
        return rel[-1].endswith(endings) if endings is not None else _matches(self._include, rel, False)

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


def _spec(lines: Iterable[str]) -> GitIgnoreSpec:
    """Patterns matched with Python's ``re``: names that are not valid UTF-8 reach here with
    ``surrogateescape`` characters, which the RE2 backend cannot encode."""
    return GitIgnoreSpec.from_lines(lines, backend="simple")


def _name_endings(patterns: Iterable[str]) -> tuple[str, ...] | None:
    """The endings a file's name must have, when every pattern is ``*.EXT`` (the default
    includes): what pathspec would decide for each file of a tree, without its path handling.

    >>> _name_endings(["*.txt", "*.jsonl.gz"]), _name_endings(["*.txt", "a/*.md"]), _name_endings([])
    (('.txt', '.jsonl.gz'), None, None)
    """
    endings = []
    for pattern in patterns:
        match = _SUFFIX_GLOB.fullmatch(pattern)
        if match is None:
            return None
        endings.append(match[1])
    return tuple(endings) or None


def _matches(spec: GitIgnoreSpec, rel: tuple[str, ...], folder: bool) -> bool:
    """Whether the patterns take the path ``rel`` (a folder is matched with its trailing ``/``)."""
    # No patterns (no --exclude, the usual case) take nothing: asked for every file of a tree.
    return bool(spec.patterns) and spec.match_file("/".join(rel) + ("/" if folder else ""))


def _ignored(ignores: Ignores, rel: tuple[str, ...], folder: bool) -> bool:
    """Whether the ``.gitignore`` files that apply ignore ``rel``: the deepest one that has a say decides."""
    for base, spec in reversed(ignores):
        below = "/".join(rel[len(base) :]) + ("/" if folder else "")
        verdict = spec.check_file(below).include
        if verdict is not None:
            return verdict
    return False


def _read_gitignore(folder: Path, parts: tuple[str, ...]) -> Ignores:
    """The folder's own ``.gitignore``, if it has one that can be read."""
    try:
        text = (folder / GITIGNORE).read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:  # none (the usual case), or unreadable: nothing is ignored by it
        return ()
    return ((parts, _spec(text.splitlines())),)


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
