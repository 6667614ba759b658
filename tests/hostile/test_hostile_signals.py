"""Runs that could wait for ever: a document that never ends, a pipe no one writes to, a rule
file that is a pipe. One SIGTERM stops a run at once (and ``--resume`` finishes it), a second
signal ends the process with 128+N, and a pipe where a rule file belongs is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_cli import SEED, SEED_CLEAN, assert_refused, assert_sound, cleaner, write

CLEANER = [sys.executable, "-m", "cleaner"]


def _started(command: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _settled(root: Path, wanted: list[str], timeout: float = 60) -> None:
    """Wait until the run has made ``wanted`` (then it is waiting on the pipe)."""
    deadline = time.monotonic() + timeout
    while not all((root / name).exists() for name in wanted):
        if time.monotonic() > deadline:
            pytest.fail(f"the run never made {wanted}")
        time.sleep(0.02)
    time.sleep(0.5)  # the pipe's reader has had time to block on it


def _stopped_within(run: subprocess.Popen[bytes], seconds: float) -> tuple[int, str]:
    started = time.monotonic()
    try:
        _, stderr = run.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        run.kill()
        run.communicate()
        pytest.fail(f"still running {seconds} s after SIGTERM")
    assert time.monotonic() - started < seconds
    return run.returncode, stderr.decode()


def test_one_sigterm_stops_a_run_waiting_on_a_document_and_resume_finishes_it(tmp_path: Path) -> None:
    """The document in progress (a pipe no one writes to: a document that never ends) is
    abandoned, not waited for; the journal is kept, and --resume gives the report an
    uninterrupted run gives."""
    write(tmp_path, {"raw/a.txt": SEED, "raw/b.txt": SEED})
    os.mkfifo(tmp_path / "slow.txt")
    command = [*CLEANER, "clean", "raw", "slow.txt", "-o", "out", "--report", "r.jsonl", "-j", "2", "-q"]

    run = _started(command, tmp_path)
    _settled(tmp_path, ["out/raw/a.txt", "out/raw/b.txt"])
    run.send_signal(signal.SIGTERM)
    status, stderr = _stopped_within(run, 20)

    assert status == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert stderr.endswith("cleaner: stopped; run the same command with --resume to continue\n"), stderr
    assert not (tmp_path / "r.jsonl").exists() and not list(tmp_path.rglob("*.part"))
    (tmp_path / "slow.txt").unlink()
    write(tmp_path, {"slow.txt": SEED})
    inputs = ("clean", "raw", "slow.txt", "-q")
    resumed = cleaner(tmp_path, *inputs, "-o", "out", "--report", "r.jsonl", "--resume")
    whole = cleaner(tmp_path, *inputs, "-o", "out2", "--report", "r2.jsonl")

    assert_sound(resumed)
    assert resumed.status == 0 and whole.status == 0, resumed.stderr
    assert (tmp_path / "out/slow.txt").read_bytes() == SEED_CLEAN
    assert (tmp_path / "r.jsonl").read_bytes() == (tmp_path / "r2.jsonl").read_bytes()


def test_a_pipe_as_the_one_input_is_read_as_a_stream_and_sigterm_stops_the_wait(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "in.txt")
    run = _started([*CLEANER, "clean", "in.txt", "-o", "out.txt"], tmp_path)
    with open(tmp_path / "in.txt", "wb") as writer:  # a writer comes: the pipe is cleaned
        writer.write(SEED)
    assert run.wait(timeout=60) == 0, run.stderr.read() if run.stderr else ""
    assert (tmp_path / "out.txt").read_bytes() == SEED_CLEAN

    waiting = _started([*CLEANER, "clean", "in.txt", "-o", "out2.txt"], tmp_path)  # none comes
    time.sleep(2)
    waiting.send_signal(signal.SIGTERM)
    status, stderr = _stopped_within(waiting, 10)
    assert status == 128 + signal.SIGTERM and "Traceback" not in stderr, stderr
    assert not (tmp_path / "out2.txt").exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_second_signal_ends_the_process_at_once_with_its_status(signum: int) -> None:
    """The first signal asks for a stop at the next safe point (here: never reached); the
    second one ends the process with 128+N, as a shell reports a process that signal killed."""
    script = (
        "import os, time\n"
        "from cleaner.batch.stopping import StopRequest\n"
        "with StopRequest():\n"
        f"    os.kill(os.getpid(), {int(signum)})\n"
        f"    os.kill(os.getpid(), {int(signum)})\n"
        "    time.sleep(30)\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 20
    assert done.returncode == 128 + signum
    assert done.stderr == "cleaner: stopped at once\n"


@pytest.mark.parametrize(
    ("command", "status"),
    [("clean a.txt --rules rules.yaml", 2), ("rules check rules.yaml", 1), ("rules test rules.yaml", 2)],
)
def test_a_rule_file_that_is_a_pipe_is_refused_at_once(tmp_path: Path, command: str, status: int) -> None:
    write(tmp_path, {"a.txt": SEED})
    os.mkfifo(tmp_path / "rules.yaml")

    run = cleaner(tmp_path, *command.split(), timeout=30)

    assert_sound(run)
    assert run.status == status, run.stderr
    assert "rules.yaml:1:1: not a regular file (a pipe or device)" in run.stderr + run.stdout.decode()
    assert run.changed() == []


def test_a_rule_folder_holding_a_pipe_is_refused_with_one_line(tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": SEED})
    (tmp_path / "rules").mkdir()
    os.mkfifo(tmp_path / "rules" / "site.yaml")

    run = cleaner(tmp_path, "clean", "a.txt", "--rules", "rules", timeout=30)

    assert_refused(run, "rules/site.yaml:1:1: not a regular file (a pipe or device)")


def test_resume_redoes_an_input_changed_since_whatever_its_modification_time(tmp_path: Path) -> None:
    """The journal keeps each document's size and SHA-256: an input edited after the stopped
    run, its modification time put back (cp -p, rsync -t, touch -r do so), is cleaned again."""
    write(tmp_path, {"raw/a.txt": SEED, "raw/b.txt": SEED})
    os.mkfifo(tmp_path / "slow.txt")
    command = [*CLEANER, "clean", "raw", "slow.txt", "-o", "out", "--report", "r.jsonl", "-q"]
    run = _started(command, tmp_path)
    _settled(tmp_path, ["out/raw/a.txt", "out/raw/b.txt"])
    run.send_signal(signal.SIGTERM)
    assert _stopped_within(run, 20)[0] == 128 + signal.SIGTERM
    (tmp_path / "slow.txt").unlink()
    write(tmp_path, {"slow.txt": SEED})
    edited = tmp_path / "raw/a.txt"
    before = edited.stat()
    edited.write_bytes(SEED.replace(b"Monday", b"Friday"))  # the same size
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))

    inputs = ("clean", "raw", "slow.txt", "-q")
    resumed = cleaner(tmp_path, *inputs, "-o", "out", "--report", "r.jsonl", "--resume")
    whole = cleaner(tmp_path, *inputs, "-o", "out2", "--report", "r2.jsonl")

    assert resumed.status == 0 and whole.status == 0, resumed.stderr
    assert (tmp_path / "out/raw/a.txt").read_bytes() == SEED_CLEAN.replace(b"Monday", b"Friday")
    assert (tmp_path / "out/raw/b.txt").read_bytes() == SEED_CLEAN
    assert (tmp_path / "r.jsonl").read_bytes() == (tmp_path / "r2.jsonl").read_bytes()
