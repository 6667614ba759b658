"""Inputs that are not what they seem: unreadable files, pipes and devices where files were
expected, trees too deep for recursion, text that is not Unicode. Each gives one clear line and
the documented status, never a traceback or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_cli import SEED, as_a_user, assert_sound, cleaner, write


@pytest.mark.parametrize("command", ["clean u.txt", "clean u.txt -o out.txt --report r.jsonl", "explain u.txt"])
def test_an_unreadable_input_is_named_with_status_1(tmp_path: Path, command: str) -> None:
    """Status 1, as for any input that cannot be read (2 is for usage errors)."""
    write(tmp_path, {"u.txt": SEED})
    (tmp_path / "u.txt").chmod(0)

    run = cleaner(tmp_path, *command.split(), prefix=as_a_user())

    assert_sound(run)
    assert run.status == 1, run.stderr
    assert run.error_lines == ["cleaner: error: u.txt: cannot read: Permission denied"], run.stderr
    assert run.created() == []
