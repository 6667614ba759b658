"""Inputs that are not what they seem: unreadable files, pipes and devices where files were
expected, trees too deep for recursion, text that is not Unicode. Each gives one clear line and
the documented status, never a traceback or a hang."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hostile_cli import SEED, as_a_user, assert_sound, cleaner, write


@pytest.mark.parametrize(
    "command", ["clean u.txt", "clean u.txt -o out.txt --report r.jsonl", "explain u.txt"]
)
def test_an_unreadable_input_is_named_with_status_1(tmp_path: Path, command: str) -> None:
    """Status 1, as for any input that cannot be read (2 is for usage errors)."""
    write(tmp_path, {"u.txt": SEED})
    (tmp_path / "u.txt").chmod(0)

    run = cleaner(tmp_path, *command.split(), prefix=as_a_user())

    assert_sound(run)
    assert run.status == 1, run.stderr
    assert run.error_lines == ["cleaner: error: u.txt: cannot read: Permission denied"], run.stderr
    assert run.created() == []


# --- 15. a tree deeper than Python's recursion limit -------------------------------------------


def test_a_tree_deeper_than_the_recursion_limit_is_cleaned_and_restored(tmp_path: Path) -> None:
    depth = sys.getrecursionlimit() + 100  # as 1,500 levels, in less time
    folder = tmp_path / "raw"
    folder.mkdir()
    for _ in range(depth):  # level by level: os.makedirs itself recurses
        folder = folder / "d"
        folder.mkdir()
    (folder / "a.txt").write_bytes(SEED)
    try:
        cleaned = cleaner(tmp_path, "clean", "raw", "-o", "out", "--report", "r.jsonl", "-j", "2", "-q")
        restored = cleaner(tmp_path, "restore", "out", "--report", "r.jsonl", "-o", "back")

        for run in (cleaned, restored):
            assert_sound(run)
            assert run.status == 0, run.stderr[-2000:]
        assert "1 files restored" in restored.stderr
        assert (tmp_path / "back" / folder.relative_to(tmp_path / "raw") / "a.txt").read_bytes() == SEED
    finally:
        for top in ("raw", "out", "back"):
            remove_deep(tmp_path / top)


def remove_deep(top: Path) -> None:
    """Remove a tree from its deepest folder up (shutil.rmtree recurses, as pytest's cleanup does)."""
    folders: list[str] = []
    pending = [os.fspath(top)] if top.is_dir() else []
    while pending:
        folder = pending.pop()
        folders.append(folder)
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)
