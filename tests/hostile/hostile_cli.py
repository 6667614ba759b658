"""Running the real command line against a temporary tree, and what every hostile probe asserts.

Every probe runs ``python -m cleaner`` in a subprocess, in the tree's folder, and compares the
tree before and after: the SHA-256 of every file (dot files included), the target of every
symbolic link.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = (REPO / "fixtures/seed-shape/input.txt").read_bytes()  # a date header, an appeal, captions
SEED_CLEAN = (REPO / "fixtures/seed-shape/expected.txt").read_bytes()
PLAIN = b"The council will publish its budget next week.\n\nNo branch will close.\n"  # nothing to remove


def snapshot(root: Path) -> dict[str, str]:
    """``{relative path: SHA-256, or "-> target" for a link}`` of everything below ``root``
    except lock files, which come and go with the runs (a killed run's stays until the next)."""
    found = {}
    folders = [("", os.fspath(root))]  # a stack, not os.walk: some trees are deeper than its recursion
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".lock"):
                    continue
                rel = prefix + entry.name
                if entry.is_symlink():
                    found[rel] = f"-> {os.readlink(entry.path)}"
                elif entry.is_dir():
                    folders.append((rel + "/", entry.path))
                elif entry.is_file():
                    with open(entry.path, "rb") as handle:
                        found[rel] = hashlib.sha256(handle.read()).hexdigest()
    return found


@dataclass
class Run:
    """A finished run of the command: its status, output and the tree before and after."""

    args: Sequence[str]
    status: int
    stdout: bytes
    stderr: str
    before: dict[str, str] = field(repr=False)
    after: dict[str, str] = field(repr=False)

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("cleaner: error:")]

    def changed(self, paths: Sequence[str] | None = None) -> list[str]:
        """Files of ``paths`` (default: all that existed) whose content changed or that went."""
        names = self.before if paths is None else paths
        return sorted(rel for rel in names if self.after.get(rel) != self.before.get(rel))

    def created(self) -> list[str]:
        return sorted(set(self.after) - set(self.before))


def cleaner(
    root: Path, *args: object, stdin: bytes = b"", timeout: float = 60, prefix: Sequence[str] = (), **popen
) -> Run:
    """Run ``python -m cleaner ARGS`` in ``root`` (after ``prefix``, a command that runs it);
    returns the :class:`Run`."""
    before = snapshot(root)
    command = [sys.executable, "-m", "cleaner", *map(os.fsdecode, map(_arg, args))]
    done = subprocess.run(
        [*prefix, *command], cwd=root, input=stdin, capture_output=True, timeout=timeout, **popen
    )
    stderr = done.stderr.decode("utf-8", "backslashreplace")
    return Run(command[3:], done.returncode, done.stdout, stderr, before, snapshot(root))


def as_a_user() -> list[str]:
    """A command prefix under which file permissions hold: nothing for a user; for root,
    ``setpriv`` without the capabilities that override them (skips the test without it)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions do not hold")
    drop = "-dac_override,-dac_read_search"
    return [setpriv, "--bounding-set", drop, "--inh-caps", drop]


def _arg(value: object) -> str | bytes:
    return value if isinstance(value, (str, bytes)) else str(value)


def assert_sound(run: Run) -> None:
    """What holds for every run: no traceback, no temporary file left."""
    assert "Traceback" not in run.stderr and "Error:" not in run.stderr, run.stderr
    assert not [rel for rel in run.after if rel.endswith(".part")], run.after


def assert_refused(run: Run, mention: str, status: int = 2) -> None:
    """A clean refusal: one error line naming the problem, the status, and nothing written."""
    assert_sound(run)
    assert run.status == status, (run.args, run.stderr)
    assert run.stderr.count("\n") == 1 and len(run.error_lines) == 1, run.stderr
    assert mention in run.error_lines[0], run.stderr
    assert run.changed() == [] and run.created() == [], (run.changed(), run.created())


def write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
