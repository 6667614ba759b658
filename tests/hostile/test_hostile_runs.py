"""Runs that went wrong late or loudly: a --summary path that cannot be written (known only
at the end), a full disk under a tree of outputs (one line per file), a JSONL record whose text
is not text (an "internal error")."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_cli import SEED, SEED_CLEAN, as_a_user, assert_refused, assert_sound, cleaner, write


@pytest.mark.parametrize(
    ("summary", "why"),
    [("raw/a.txt/s.json", "Not a directory"), ("locked/s.json", "Permission denied")],
)
def test_a_summary_that_cannot_be_written_is_refused_before_the_run(
    tmp_path: Path, summary: str, why: str
) -> None:
    write(tmp_path, {"raw/a.txt": SEED, "raw/b.txt": SEED})
    (tmp_path / "locked").mkdir(mode=0o555)

    run = cleaner(tmp_path, "clean", "raw", "-o", "out", "--summary", summary, prefix=as_a_user())

    assert_refused(run, f"--summary {summary}: cannot write in ")
    assert run.error_lines[0].endswith(f": {why}")


def test_a_summary_in_a_folder_yet_to_be_made_is_written(tmp_path: Path) -> None:
    write(tmp_path, {"raw/a.txt": SEED})
    run = cleaner(tmp_path, "clean", "raw", "-o", "out", "--summary", "new/s.json", "-q")
    assert run.status == 0, run.stderr
    assert json.loads((tmp_path / "new/s.json").read_bytes())["files"] == 1


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB file system (tmpfs), full after a few outputs."""
    mount = shutil.which("mount")
    disk = tmp_path / "disk"
    disk.mkdir()
    if mount is None or subprocess.run([mount, "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk]).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", disk], check=True)


def test_a_full_disk_stops_a_tree_run_at_the_first_output_with_one_line(
    tmp_path: Path, small_disk: Path
) -> None:
    write(tmp_path, {f"raw/{n:03d}.txt": SEED * 4 for n in range(200)})

    run = cleaner(tmp_path, "clean", "raw", "-o", small_disk / "out", "--report", "r.jsonl", "-q")

    assert_sound(run)
    assert run.status == 1
    [error] = run.error_lines
    assert error.endswith(": No space left on device; the run stops here"), run.stderr
    assert run.stderr.endswith("cleaner: stopped; run the same command with --resume to continue\n")
    assert run.stderr.count("\n") == 2
    assert not (tmp_path / "r.jsonl").exists()  # the report of a stopped run is not put in place


def test_a_lone_surrogate_in_a_record_is_named_and_the_corpus_goes_on(tmp_path: Path) -> None:
    records = [b'{"text": "Broken \\udc80 text"}\n', json.dumps({"text": SEED.decode()}).encode() + b"\n"]
    write(tmp_path, {"c.jsonl": b"".join(records)})

    run = cleaner(tmp_path, "clean", "c.jsonl", "-o", "out.jsonl", "-q")

    assert_sound(run)
    assert run.status == 1
    assert run.error_lines == [
        "cleaner: error: c.jsonl:1: field 'text' holds a lone surrogate (\\udc80 at character 7), "
        "not text; kept unchanged"
    ]
    first, second = (tmp_path / "out.jsonl").read_bytes().splitlines(keepends=True)
    assert first == records[0]
    assert json.loads(second)["text"] == SEED_CLEAN.decode()
