"""Every exit status the README's table documents, from a real ``cleaner`` process: 0 done, 1
problems or findings, 2 usage errors, 128 + N stopped by signal N (cleaner.messages)."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from texts import HARBOUR, PNG, write_files

from cleaner.messages import EXIT_OK, EXIT_PROBLEMS, EXIT_SIGNAL_BASE, EXIT_USAGE

REPO = Path(__file__).resolve().parents[1]
CLEANER = [sys.executable, "-m", "cleaner"]

BAD_EXAMPLE = """pack: demo
description: a rule whose remove example it does not remove
rules:
  - id: more
    description: Read more teasers
    kind: phrase
    pattern: Read more
    examples:
      remove: ["Continue reading"]
"""
BAD_KIND = """pack: demo
description: a rule of a kind that does not exist
rules:
  - id: more
    kind: phrasse
    pattern: Read more
"""


def documented_statuses() -> set[int]:
    """The statuses in the README's exit status table."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("| exit status | meaning |", 1)[1].split("\n\n", 1)[0]
    return {int(n) for row in table.splitlines()[2:] for n in re.findall(r"\d+", row.split("|")[1])}


def run(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [*CLEANER, *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def ok_clean(tmp: Path) -> list[object]:
    write_files(tmp, {"a.txt": HARBOUR})
    return ["clean", "a.txt", "-o", "a.clean.txt"]


def binary_input(tmp: Path) -> list[object]:
    write_files(tmp, {"photo.txt": PNG})
    return ["clean", "photo.txt"]


def check_finds_a_change(tmp: Path) -> list[object]:
    write_files(tmp, {"raw/a.txt": HARBOUR})
    return ["clean", "raw", "--check"]


def rules_test_fails(tmp: Path) -> list[object]:
    write_files(tmp, {"demo.yaml": BAD_EXAMPLE})
    return ["rules", "test", "demo.yaml"]


def rules_check_finds(tmp: Path) -> list[object]:
    write_files(tmp, {"demo.yaml": BAD_KIND})
    return ["rules", "check", "demo.yaml"]


def restore_refuses_an_edited_file(tmp: Path) -> list[object]:
    write_files(tmp, {"a.txt": HARBOUR})
    assert run("clean", "a.txt", "-o", "a.clean.txt", "--report", "r.jsonl", cwd=tmp).returncode == 0
    with (tmp / "a.clean.txt").open("a", encoding="utf-8") as clean:
        clean.write("An edit.\n")
    return ["restore", "a.clean.txt", "--report", "r.jsonl", "-o", "back.txt"]


def unknown_option(tmp: Path) -> list[object]:
    return ["clean", "--no-such-option"]


def missing_input(tmp: Path) -> list[object]:
    return ["clean", "absent.txt"]


def bad_rule_file(tmp: Path) -> list[object]:
    write_files(tmp, {"a.txt": HARBOUR, "demo.yaml": BAD_KIND})
    return ["clean", "a.txt", "--rules", "demo.yaml"]


def output_onto_input(tmp: Path) -> list[object]:
    write_files(tmp, {"raw/a.txt": HARBOUR})
    return ["clean", "raw", "-o", "out", "--report", "raw/a.txt"]


@pytest.mark.parametrize(
    ("scenario", "status"),
    [
        (ok_clean, EXIT_OK),
        (binary_input, EXIT_PROBLEMS),
        (check_finds_a_change, EXIT_PROBLEMS),
        (rules_test_fails, EXIT_PROBLEMS),
        (rules_check_finds, EXIT_PROBLEMS),
        (restore_refuses_an_edited_file, EXIT_PROBLEMS),
        (unknown_option, EXIT_USAGE),
        (missing_input, EXIT_USAGE),
        (bad_rule_file, EXIT_USAGE),
        (output_onto_input, EXIT_USAGE),
    ],
)
def test_each_documented_status(
    tmp_path: Path, scenario: Callable[[Path], list[object]], status: int
) -> None:
    assert status in documented_statuses()
    done = run(*scenario(tmp_path), cwd=tmp_path)
    assert done.returncode == status, done.stderr
    if status != EXIT_OK:  # said why: findings on stdout (as ruff), errors on stderr, no traceback
        assert "Traceback" not in done.stderr and (done.stdout + done.stderr).strip()


def test_outputs_locked_by_another_run_are_a_usage_error(tmp_path: Path) -> None:
    write_files(tmp_path, {"raw/a.txt": HARBOUR})
    (tmp_path / "out").mkdir()
    with (tmp_path / "out/.cleaner.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a run writing to out/ holds it
        done = run("clean", "raw", "-o", "out", cwd=tmp_path)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert ".cleaner.lock" in done.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_run_with_128_plus_its_number(tmp_path: Path, signum: int) -> None:
    write_files(tmp_path, {"raw/a.txt": HARBOUR})
    os.mkfifo(tmp_path / "slow.txt")  # the run waits here until something writes to it
    command = [*CLEANER, "clean", "slow.txt", "raw", "-o", "out", "--report", "r.jsonl", "-j", "1"]
    started = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (tmp_path / ".r.jsonl.partial").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the run has begun: its report is open
    time.sleep(1)  # and now waits on the fifo, with its handlers for stopping in place
    started.send_signal(signum)
    time.sleep(0.5)
    try:  # a run still reading the fifo gets its document's end; one that stopped at once has no reader
        fifo = os.open(tmp_path / "slow.txt", os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        assert exc.errno == errno.ENXIO
    else:
        os.write(fifo, HARBOUR.encode())
        os.close(fifo)
    _, stderr = started.communicate(timeout=60)
    assert started.returncode == EXIT_SIGNAL_BASE + signum
    assert EXIT_SIGNAL_BASE + signum in documented_statuses()
    assert "--resume" in stderr


def test_the_table_documents_these_statuses_and_no_others() -> None:
    assert documented_statuses() == {
        EXIT_OK,
        EXIT_PROBLEMS,
        EXIT_USAGE,
        EXIT_SIGNAL_BASE + signal.SIGINT,
        EXIT_SIGNAL_BASE + signal.SIGTERM,
    }
