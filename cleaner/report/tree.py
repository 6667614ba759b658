"""Restore a directory run: every clean file from its records, found by mirroring the input tree.

The output tree repeats the input tree, so the clean file of a record's ``source`` is
``CLEAN/<the longest trailing part of source that exists under CLEAN>`` (``raw/world/a.txt`` ->
``clean/world/a.txt``, whatever the input root was called). The records of a JSONL corpus
(``CORPUS:LINE``) all belong to the corpus's clean file, which is restored record by record
(:mod:`cleaner.report.corpus`). Clean files that no record names had nothing removed and are
copied as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from cleaner.io.decode import DecodeError, decode_bytes
from cleaner.io.output import OUTPUT_MARKER, atomic_writer
from cleaner.report.corpus import restore_corpus_file
from cleaner.report.records import RestoreError
from cleaner.report.restore import original_bytes, restore_document
from cleaner.report.sources import is_corpus, split_record_source


def locate_clean_file(clean_root: Path, source: str) -> Path | None:
    """The file under ``clean_root`` holding ``source``'s clean text (see the module docstring).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "world").mkdir(); (root / "world" / "a.txt").write_text("x")
    1
    >>> locate_clean_file(root, "raw/world/a.txt").relative_to(root).as_posix()
    'world/a.txt'
    >>> locate_clean_file(root, "raw/b.txt") is None
    True
    """
    path = PurePath(source)
    parts = path.parts[1:] if path.anchor else path.parts
    for first in range(len(parts)):
        tail = parts[first:]
        if ".." in tail:
            continue
        candidate = clean_root.joinpath(*tail)
        if candidate.is_file():
            return candidate
    return None


@dataclass
class TreeOutcome:
    """What :func:`restore_tree` did: files restored from spans, files copied, one-line errors."""

    restored: int = 0
    copied: int = 0
    errors: list[str] = field(default_factory=list)


def restore_tree(
    clean_root: Path,
    groups: dict[str, list[dict[str, Any]]],
    out_root: Path,
    skip: Iterable[Path] = (),
    *,
    field: str = "text",
) -> TreeOutcome:
    """Rebuild a whole directory run under ``out_root``; a file that fails does not stop the rest.

    ``skip`` lists files under ``clean_root`` that are not clean text (e.g. the report itself);
    ``field`` is the text field of the JSONL corpora in the run.
    """
    outcome = TreeOutcome()
    documents: dict[str, list[dict[str, Any]]] = {}  # a corpus's records all go to its file
    for source, records in groups.items():
        documents.setdefault(split_record_source(source)[0], []).extend(records)
    skipped = {path.resolve() for path in skip}
    owners: dict[Path, str] = {}
    for source in documents:
        located = locate_clean_file(clean_root, source)
        if located is None:
            outcome.errors.append(f"{source}: no clean file for it under {clean_root}")
        elif located in owners:
            outcome.errors.append(f"{source}: maps to {located}, which already holds {owners[located]}")
        else:
            owners[located] = source
    for path in files_below(clean_root):
        if _left_by_a_run(path.name) or path.resolve() in skipped:
            continue
        target = out_root / path.relative_to(clean_root)
        try:
            if path not in owners:
                with atomic_writer(target, "wb") as out:
                    out.write(path.read_bytes())
                outcome.copied += 1
            elif is_corpus(path.name):
                records = sorted(documents[owners[path]], key=lambda record: _line(record["source"]))
                restore_corpus_file(path, records, field, target)
                outcome.restored += 1
            else:
                records = documents[owners[path]]
                original = restore_document(decode_bytes(path.read_bytes()).text, records)
                with atomic_writer(target, "wb") as out:
                    out.write(original_bytes(original, records))
                outcome.restored += 1
        except OSError as exc:
            outcome.errors.append(f"{path}: cannot read or write: {exc.strerror or exc}")
        except (DecodeError, RestoreError) as exc:
            outcome.errors.append(f"{path}: {exc}")
    return outcome


def _line(source: str) -> int:
    return split_record_source(source)[1]


def files_below(root: Path) -> Iterator[Path]:
    """The regular files below ``root`` (through links to files, not into linked folders), in
    sorted order, found level by level with a stack: a tree 1,500 folders deep is deeper
    than Python's recursion limit.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("b.txt", "a/z.txt", "a/b/c.txt"):
    ...     (root / name).parent.mkdir(parents=True, exist_ok=True)
    ...     _ = (root / name).write_text("x")
    >>> [path.relative_to(root).as_posix() for path in files_below(root)]
    ['a/b/c.txt', 'a/z.txt', 'b.txt']
    """
    stack = [iter([root])]
    while stack:
        path = next(stack[-1], None)
        if path is None:
            stack.pop()
        elif path.is_dir() and (path is root or not path.is_symlink()):
            try:
                stack.append(iter(sorted(path.iterdir())))
            except OSError:
                continue
        elif path.is_file():
            yield path


def _left_by_a_run(name: str) -> bool:
    """Files a clean run leaves among its outputs that are not clean text: a temporary file of an
    interrupted write, a lock file of a killed run, the marker of an output folder."""
    return name.startswith(".") and (name.endswith((".part", ".lock")) or name == OUTPUT_MARKER)
