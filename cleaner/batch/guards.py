"""What a run may write: refuse one that would write over its own inputs, and lock what it writes.

Before a run writes anything, :func:`check_paths` refuses it when it would write over one of
its own inputs, and :func:`lock_targets` names the locks it takes so that no two runs write
the same outputs or report at once (:mod:`cleaner.io.lock`).

Only ``--in-place`` overwrites inputs. Every other file a run writes (the ``-o`` file or the
outputs under an ``-o`` folder, ``--report``, ``--summary``) must be neither an input nor
another of the files it writes. Paths are compared as the files they name: through symbolic
links (real paths) and hard links (device and inode).

1. ``--report``, ``--summary`` and a single ``-o`` file are three different files, and none of
   them is an input: not a file named as an input, not a file the walk of an input folder
   would clean (a report or summary an earlier run left there is recognised by its first
   line and may be replaced), not the ``-o`` folder, and not where an input's output goes
   under it.
2. No input lies inside the ``-o`` folder, where outputs could land on it.
3. An ``-o`` folder inside an input folder is walked around, not cleaned. So that no file kept
   there is taken for an output and overwritten, it must be new, hold nothing the walk
   would clean, or carry the marker (:data:`~cleaner.io.output.OUTPUT_MARKER`) a run leaves in such a folder.

A link or a hard link inside an input folder to a file the run writes is met during the walk
(:class:`~cleaner.batch.walk.InputCollision`), before that file is written: the report and the
summary are written at the end of the run.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cleaner.batch.plan import BatchOptions, Layout, Root, UsageError
from cleaner.batch.walk import Walker
from cleaner.io.lock import file_lock_path, folder_lock_path
from cleaner.io.output import OUTPUT_MARKER, write_target

_SNIFF_BYTES = 1 << 20


def check_paths(options: BatchOptions, layout: Layout, walker: Walker) -> None:
    """Raise :class:`~cleaner.batch.plan.UsageError` when the run would write over an input or
    write two things to one file (see the module docstring)."""
    if layout.remote:
        _check_urls(options, layout)
        if any(isinstance(root.path, str) for root in layout.roots) or isinstance(layout.output, str):
            layout = _local_part(layout)
    written: list[tuple[str, Path | None]] = [("--report", options.report), ("--summary", options.summary)]
    if not layout.tree and not layout.in_place and isinstance(layout.output, Path):
        written.append(("--output", layout.output))
    named = [(flag, path) for flag, path in written if path is not None]
    _check_summary(options.summary)
    for index, (flag, path) in enumerate(named):
        for other_flag, other in named[index + 1 :]:
            if _same(path, other):
                raise UsageError(f"{flag} {path} and {other_flag} {other} are the same file")
        _refuse_input(flag, path, layout, walker)
    if layout.tree and isinstance(layout.output, Path) and not layout.in_place:
        _check_output_folder(layout.output, layout, walker)


def _check_summary(path: Path | None) -> None:
    """Refuse a ``--summary`` file that cannot be written now, not after the whole run: the
    nearest existing folder on its way (the rest is made at the end) must take a new file."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"--summary {path}: Is a directory")
    existing = next(folder for folder in path.absolute().parents if os.path.lexists(folder))
    try:
        if not existing.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        tempfile.TemporaryFile(dir=existing).close()
    except OSError as exc:
        raise UsageError(f"--summary {path}: cannot write in {existing}: {exc.strerror or exc}") from None


def _check_urls(options: BatchOptions, layout: Layout) -> None:
    """Refuse an output at a URL that is an input's or lies inside an input folder, and an input
    inside the output folder (compared as URLs: an object store has no links)."""
    output = layout.output
    if not isinstance(output, str):
        return
    top = output.rstrip("/")
    for root in layout.roots:
        if not isinstance(root.path, str):
            continue
        here = root.path.rstrip("/")
        if top == here or top.startswith(here + "/") or here.startswith(top + "/"):
            raise UsageError(
                f"--output {output} overlaps the input {root.path}; choose an output outside the inputs"
            )


def _local_part(layout: Layout) -> Layout:
    """The layout less its URLs, for the checks that compare files of this machine."""
    import dataclasses

    roots = tuple(root for root in layout.roots if not isinstance(root.path, str))
    output = layout.output if isinstance(layout.output, Path) else None
    return dataclasses.replace(layout, roots=roots or layout.roots[:0], output=output)


def lock_targets(options: BatchOptions, layout: Layout) -> list[tuple[Path, str]]:
    """The lock files a run takes, each with what it guards: the report, and the outputs (the
    ``-o`` folder, the ``-o`` file, or the inputs of an ``--in-place`` run). Files written through
    (devices, pipes) and runs that write nothing take none."""
    if options.preview:
        return []
    locks = []
    if options.report is not None and (report := write_target(options.report)) is not None:
        locks.append((file_lock_path(report), f"--report {options.report}"))
    if layout.in_place:
        for root in layout.roots:
            if isinstance(root.path, Path):
                lock = folder_lock_path(root.path) if root.is_dir else file_lock_path(_real(root.path))
                locks.append((lock, str(root.path)))
    elif not isinstance(layout.output, Path):
        pass  # standard output, or a URL: object stores have no locks (see cleaner.io.remote)
    elif layout.tree:
        locks.append((folder_lock_path(layout.output), f"--output {layout.output}"))
    elif (output := write_target(layout.output)) is not None:
        locks.append((file_lock_path(output), f"--output {layout.output}"))
    return locks


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def mark_output_folder(layout: Layout, walker: Walker) -> None:
    """Leave :data:`~cleaner.io.output.OUTPUT_MARKER` in an ``-o`` folder that lies inside an input folder."""
    output = layout.output
    if layout.tree and isinstance(output, Path) and not layout.in_place and _enclosing_input(layout, walker):
        (output / OUTPUT_MARKER).touch()


def _refuse_input(flag: str, path: Path, layout: Layout, walker: Walker) -> None:
    """Refuse ``path`` (written by ``flag``) when it is an input or the place of an output."""
    for root in layout.roots:
        if not isinstance(root.path, Path):  # standard input, or a URL (see _check_urls)
            continue
        if not root.is_dir and _same(path, root.path):
            which = "" if str(path) == str(root.path) else f" {root.path} (the same file)"
            raise UsageError(f"{flag} {path} is the input{which}; use --in-place to overwrite inputs")
        if root.is_dir and _same(path, root.path):
            raise UsageError(f"{flag} {path} is the input folder {root.path}")
    output = layout.output if layout.tree and not layout.in_place else None
    if isinstance(output, Path):
        if _same(path, output):
            raise UsageError(f"{flag} {path} is the output folder")
        below = _parts_below(path, output)
        if below is not None:
            source = _input_of_output(below, layout, walker)
            if source is not None:
                raise UsageError(f"{flag} {path} is where the output of {source} goes")
            return  # inside the output folder, which the walk of an input folder skips
    for root in layout.roots:
        if not isinstance(root.path, Path) or not root.is_dir:
            continue
        below = _parts_below(path, root.path)
        if below and walker.selects(below) and path.is_file() and not _written_by_cleaner(path):
            raise UsageError(
                f"{flag} {path} is an input (a file in {root.path}); use --in-place to overwrite inputs"
            )


def _check_output_folder(output: Path, layout: Layout, walker: Walker) -> None:
    for root in layout.roots:
        if not isinstance(root.path, Path):
            continue
        if root.is_dir and _same(root.path, output):
            raise UsageError(f"--output {output} is the input directory; use --in-place to overwrite inputs")
        if _parts_below(root.path, output) is not None:
            raise UsageError(
                f"--output {output} holds the input {root.path}, which outputs could overwrite; "
                "choose an output folder outside the inputs"
            )
    enclosing = _enclosing_input(layout, walker)
    if enclosing is None or (output / OUTPUT_MARKER).is_file() or not output.is_dir():
        return
    for found in Walker(walker.include, walker.exclude, gitignore=walker.gitignore).files(output):
        if found.error is None:
            raise UsageError(
                f"--output {output} is inside the input folder {enclosing} and already holds "
                f"{found.path}, which would be taken for an output; choose a new or empty output folder"
            )


def _enclosing_input(layout: Layout, walker: Walker) -> Path | None:
    """The input folder the ``-o`` folder lies in, at a place its walk would enter, if any."""
    assert isinstance(layout.output, Path)
    for root in layout.roots:
        if not isinstance(root.path, Path) or not root.is_dir:
            continue
        below = _parts_below(layout.output, root.path)
        if below and walker.selects(below, folder=True):
            return root.path
    return None


def _input_of_output(parts: tuple[str, ...], layout: Layout, walker: Walker) -> Path | None:
    """The input whose output goes to ``parts`` below the ``-o`` folder, if there is one."""
    for root, rest in _candidates(parts, layout):
        if not isinstance(root.path, Path):
            continue
        if not root.is_dir:
            if not rest:
                return root.path
        elif rest and walker.selects(rest) and root.path.joinpath(*rest).is_file():
            return root.path.joinpath(*rest)
    return None


def _candidates(parts: tuple[str, ...], layout: Layout) -> Iterator[tuple[Root, tuple[str, ...]]]:
    if not layout.several:
        yield layout.roots[0], parts
        return
    for root in layout.roots:
        if parts and parts[0] == root.name:
            yield root, parts[1:]


def _parts_below(path: Path, folder: Path) -> tuple[str, ...] | None:
    """``path``'s parts below ``folder`` (``()`` for the folder itself), comparing real paths;
    None when it is not inside."""
    real, top = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    if real == top:
        return ()
    try:
        return real.relative_to(top).parts
    except ValueError:
        return None


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same inode if both exist, else the same real path."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _written_by_cleaner(path: Path) -> bool:
    """Whether ``path`` is empty, or a report or summary that cleaner wrote (by its start)."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline(_SNIFF_BYTES)
            second = handle.readline(len(_SUMMARY_START))
    except OSError:
        return False
    if not first or (first + second).startswith(_SUMMARY_START):
        return True
    try:
        record = json.loads(first)
    except ValueError:  # maybe a record too long to read whole here: judge by its start
        return len(first) == _SNIFF_BYTES and first.startswith(b'{"source": ') and b'"rule": ' in first
    return isinstance(record, dict) and {"source", "rule", "start", "end"} <= record.keys()


_SUMMARY_START = b'{\n  "files": '  # how json.dump(indent=2) starts a run's summary
