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
    deep = os.path.join("raw", *["d"] * (sys.getrecursionlimit() + 100))  # as 1,500 levels, in less time
    folder = tmp_path
    for name in deep.split(os.sep):  # level by level: os.makedirs itself recurses
        folder = folder / name
        folder.mkdir()
    (folder / "a.txt").write_bytes(SEED)

    cleaned = cleaner(tmp_path, "clean", "raw", "-o", "out", "--report", "r.jsonl", "-j", "2", "-q")
    restored = cleaner(tmp_path, "restore", "out", "--report", "r.jsonl", "-o", "back")

    for run in (cleaned, restored):
        assert_sound(run)
        assert run.status == 0, run.stderr[-2000:]
    assert "1 files restored" in restored.stderr
    back = os.path.relpath(folder / "a.txt", tmp_path / "raw")
    assert (tmp_path / "back" / back).read_bytes() == SEED
