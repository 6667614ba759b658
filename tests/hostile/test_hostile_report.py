"""The report is written like an output (whole, or not at all), a run that fails leaves the
previous one as it was, a stopped ``--in-place`` run keeps its records and resumes, and two
runs never write the same outputs or report at once."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_cli import PLAIN, SEED, assert_sound, cleaner, snapshot, write

from cleaner.batch.journal import Companions
from cleaner.batch.ledger import Ledger
from cleaner.report.records import text_sha256

CLEANER = [sys.executable, "-m", "cleaner", "clean"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def tree_of(root: Path, count: int) -> dict[str, bytes]:
    """``count`` documents, every other one with boilerplate, in a few folders."""
    files = {
        f"f{i % 5}/doc-{i:04d}.txt": SEED.replace(b"Monday", f"day {i}".encode()) if i % 2 else PLAIN
        for i in range(count)
    }
    write(root, files)
    return files


def partial(report: Path) -> Path:
    return Companions(report).partial


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.01)


def records_in(path: Path) -> list[dict]:
    """The records of a report a kill may have cut short in its last line."""
    lines = path.read_bytes().split(b"\n")
    return [json.loads(line) for line in lines[:-1]]


def lines_of(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


# --- 4. a failed run leaves the previous report ------------------------------------------------


def test_a_failed_rerun_of_one_file_leaves_the_previous_output_and_report(tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": SEED})
    first = cleaner(tmp_path, "clean", "a.txt", "-o", "a.clean.txt", "--report", "r.jsonl")
    assert first.status == 0, first.stderr
    (tmp_path / "a.txt").write_bytes(PNG)  # the input went bad

    again = cleaner(tmp_path, "clean", "a.txt", "-o", "a.clean.txt", "--report", "r.jsonl")

    assert_sound(again)
    assert again.status == 1 and again.error_lines == ["cleaner: error: a.txt: binary file (PNG image)"]
    assert again.after == again.before  # the old output and its report, side by side, as they were
    restored = cleaner(tmp_path, "restore", "a.clean.txt", "--report", "r.jsonl")
    assert (restored.status, restored.stdout) == (0, SEED)


def limited_to(size: int):
    """Run a process whose files cannot grow past ``size`` bytes (writes fail with EFBIG)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@pytest.mark.slow
def test_a_report_that_cannot_be_written_leaves_the_previous_one_and_resumes(tmp_path: Path) -> None:
    tree_of(tmp_path / "raw", 20)
    args = ["clean", "raw", "-o", "out", "--report", "r.jsonl", "-j", "1", "-q"]
    assert cleaner(tmp_path, *args).status == 0
    previous = (tmp_path / "r.jsonl").read_bytes()
    (tmp_path / "raw/f1/doc-0001.txt").write_bytes(SEED.replace(b"Monday", b"Sunday"))  # changed since

    failed = cleaner(tmp_path, *args, preexec_fn=limited_to(len(previous) // 2))

    assert_sound(failed)
    assert failed.status == 1, failed.stderr
    assert failed.error_lines == ["cleaner: error: --report r.jsonl: cannot write: File too large"]
    assert "run the same command with --resume" in failed.stderr
    assert (tmp_path / "r.jsonl").read_bytes() == previous  # not truncated, not half-written

    resumed = cleaner(tmp_path, *args, "--resume")
    fresh = cleaner(tmp_path, "clean", "raw", "-o", "fresh", "--report", "fresh.jsonl", "-j", "1", "-q")
    assert resumed.status == fresh.status == 0, resumed.stderr
    assert (tmp_path / "r.jsonl").read_bytes() == (tmp_path / "fresh.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "fresh.jsonl", "out", "r.jsonl", "raw"]


# --- 5. a report write failure ------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_report_to_a_full_device_is_one_line_and_commits_no_output(tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": SEED, "kept.txt": b"the output of an earlier run\n"})

    one = cleaner(tmp_path, "clean", "a.txt", "-o", "kept.txt", "--report", "/dev/full")

    assert_sound(one)
    assert one.status == 1
    assert one.error_lines == ["cleaner: error: --report /dev/full: cannot write: No space left on device"]
    assert one.after == one.before  # the output waits for its report: neither was written
    assert not [name for name in os.listdir("/dev") if name.startswith(".full")]  # nothing beside it


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_tree_with_its_report_on_a_full_device_stops_with_one_line(tmp_path: Path) -> None:
    tree_of(tmp_path / "raw", 6)
    run = cleaner(tmp_path, "clean", "raw", "-o", "out", "--report", "/dev/full", "-j", "1")
    assert_sound(run)
    assert run.status == 1
    assert run.error_lines == ["cleaner: error: --report /dev/full: cannot write: No space left on device"]
    assert "not a regular file, so run the command again" in run.stderr  # not a --resume it would refuse


# --- 6. --in-place --report stopped, and resumed --------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "send"),
    [(signal.SIGTERM, os.kill), (signal.SIGKILL, os.killpg)],  # `kill PID`; the OOM killer
)
def test_a_stopped_in_place_run_keeps_its_records_and_resumes_to_the_uninterrupted_result(
    tmp_path: Path, signum: int, send
) -> None:
    files = tree_of(tmp_path / "raw", 300)
    shutil.copytree(tmp_path / "raw", tmp_path / "reference")
    reference = cleaner(tmp_path, "clean", "reference", "--in-place", "--report", "reference.jsonl", "-q")
    assert reference.status == 0, reference.stderr
    report, journal = tmp_path / "r.jsonl", Companions(tmp_path / "r.jsonl").journal
    command = [sys.executable, "-m", "cleaner", "clean", "raw", "--in-place", "--report", "r.jsonl", "-q"]

    run = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, start_new_session=True)
    wait_until(lambda: lines_of(journal) >= 50)
    send(run.pid, signum)
    run.wait(timeout=60)
    stderr = run.stderr.read().decode()

    assert "Traceback" not in stderr
    if signum == signal.SIGTERM:
        assert "run the same command with --resume to continue" in stderr
    cleaned = [rel for rel, data in files.items() if (tmp_path / "raw" / rel).read_bytes() != data]
    assert cleaned  # some inputs hold their clean text now...
    recorded = {record["source"] for record in records_in(partial(report))}
    assert set(cleaned) <= recorded  # ...and the text removed from every one of them is on record
    again = cleaner(tmp_path, *command[3:])  # a new run would lose those records: refused
    assert again.status == 2 and "run the same command with --resume" in again.error_lines[0]
    assert again.after == again.before

    resumed = cleaner(tmp_path, *command[3:], "--resume")

    assert_sound(resumed)
    assert resumed.status == 0, resumed.stderr
    assert report.read_bytes() == (tmp_path / "reference.jsonl").read_bytes()
    assert snapshot(tmp_path / "raw") == snapshot(tmp_path / "reference")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl", "raw", "reference", "reference.jsonl"]


def test_resume_needs_a_stopped_in_place_run_and_a_report(tmp_path: Path) -> None:
    tree_of(tmp_path / "raw", 4)
    assert cleaner(tmp_path, "clean", "raw", "--in-place", "--report", "r.jsonl").status == 0
    done = cleaner(tmp_path, "clean", "raw", "--in-place", "--report", "r.jsonl", "--resume")
    assert done.status == 2 and "completed: nothing to resume" in done.error_lines[0], done.stderr
    assert done.after == done.before
    bare = cleaner(tmp_path, "clean", "raw", "--in-place", "--resume")
    assert bare.status == 2 and "--report with --in-place" in bare.error_lines[0]


def test_a_resumed_run_killed_before_it_caught_up_loses_nothing(tmp_path: Path) -> None:
    """The state a SIGKILL leaves in a resumed run that had not yet passed the point where the
    run it resumes stopped: its own files are dropped and the stopped run's still hold."""
    report = tmp_path / "r.jsonl"
    files = Companions(report)

    def key_of(source: str):
        return (0, (source,), 0)

    stopped = Ledger(report, journal=True, resume=False, key_of=key_of, in_place=True)
    for name in "abcd":
        stopped.commit(name, (0, (name,)), f'{{"source": "{name}", "rule": "x"}}\n'.encode(), "0" * 64)
    stopped.flush()  # killed here: no finish
    before = files.partial.read_bytes(), files.journal.read_bytes()

    resumed = Ledger(report, journal=True, resume=True, key_of=key_of, in_place=True)
    assert resumed.finished_before((0, ("d",))) and not resumed.finished_before((0, ("e",)))
    resumed.commit("a", (0, ("a",)), None, "0" * 64)
    resumed.flush()  # killed again, before reaching "d"
    assert (files.partial.read_bytes(), files.journal.read_bytes()) == before

    last = Ledger(report, journal=True, resume=True, key_of=key_of, in_place=True)
    for name in "abcd":
        last.commit(name, (0, (name,)), None, "0" * 64)
    last.commit("e", (0, ("e",)), b'{"source": "e", "rule": "x"}\n', "0" * 64)
    assert last.finish(complete=True) is None
    assert report.read_bytes() == before[0] + b'{"source": "e", "rule": "x"}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]


# --- 7. two runs at once --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_second_run_on_the_same_outputs_or_report_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    tree_of(tmp_path / "raw", 10)
    write(tmp_path, {"other/a.txt": SEED})
    os.mkfifo(tmp_path / "slow.txt")  # the first run waits on it, holding its locks, until written
    command = [*CLEANER, "slow.txt", "raw", "-o", "out", "--report", "r.jsonl"]
    locks = [tmp_path / "out/.cleaner.lock", tmp_path / ".r.jsonl.lock"]

    first = subprocess.Popen([*command, "-j", "1", "-q"], cwd=tmp_path, stderr=subprocess.PIPE)
    wait_until(lambda: all(lock.exists() for lock in locks) and partial(tmp_path / "r.jsonl").exists())
    same_output = cleaner(tmp_path, "clean", "other", "-o", "out", "--report", "r2.jsonl")
    same_report = cleaner(tmp_path, "clean", "other", "-o", "out2", "--report", "r.jsonl")
    (tmp_path / "slow.txt").write_bytes(SEED)
    assert first.wait(timeout=60) == 0, first.stderr.read()

    for refused, what in ((same_output, "--output out"), (same_report, "--report r.jsonl")):
        assert refused.status == 2, refused.stderr
        assert len(refused.error_lines) == 1 and refused.stderr.count("\n") == 1
        assert f"{what} is in use by another cleaner run (pid {first.pid}: " in refused.error_lines[0]
        assert "; wait for it to finish" in refused.error_lines[0]
        assert refused.after == refused.before
    for record in (json.loads(line) for line in (tmp_path / "r.jsonl").read_bytes().splitlines()):
        assert text_sha256((tmp_path / "out" / record["source"]).read_bytes()) == record["clean_sha256"]
    assert not any(lock.exists() for lock in locks)  # released with the run


def test_the_lock_of_a_killed_run_goes_with_it(tmp_path: Path) -> None:
    tree_of(tmp_path / "raw", 4)
    os.mkfifo(tmp_path / "slow.txt")
    command = [*CLEANER, "slow.txt", "raw", "-o", "out", "--report", "r.jsonl"]
    first = subprocess.Popen([*command, "-j", "1"], cwd=tmp_path, stderr=subprocess.DEVNULL)
    wait_until(lambda: (tmp_path / "out/.cleaner.lock").exists() and partial(tmp_path / "r.jsonl").exists())
    first.kill()
    first.wait(timeout=60)
    (tmp_path / "slow.txt").unlink()

    after = cleaner(tmp_path, "clean", "raw", "-o", "out", "--report", "r.jsonl", "-j", "1", "-q")

    assert after.status == 0, after.stderr  # the lock file is still there, but no one holds it
    assert not (tmp_path / "out/.cleaner.lock").exists()
