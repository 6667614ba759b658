"""Atomic output files: whole or absent, with ordinary permissions, links and pipes kept (both
the streaming writer and the one-call writer batch runs use)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from cleaner.io.output import atomic_writer, stage, write_atomically


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_default_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        target = tmp_path / "out.txt"
        with atomic_writer(target) as out:
            out.write("done")
        assert mode(target) == 0o644
    finally:
        os.umask(umask)


def test_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_writer(target) as out:
        out.write("new")
    assert target.read_text() == "new"
    assert mode(target) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_writer(target) as out:
        out.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_text_is_written_as_utf8_without_newline_translation(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with atomic_writer(target) as out:
        out.write("café\r\nfin\n")
    assert target.read_bytes() == "café\r\nfin\n".encode()


def test_a_symlink_is_written_through_not_replaced(tmp_path: Path) -> None:
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old")
    link.symlink_to(real)
    with atomic_writer(link) as out:
        out.write("new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    with atomic_writer(fifo) as out:
        out.write("through the pipe\n")
    reader.join(timeout=10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_write_atomically_replaces_a_file_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    write_atomically(target, "new café\r\n".encode(), fsync=False)
    assert target.read_bytes() == "new café\r\n".encode()
    assert mode(target) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomically_creates_missing_folders_with_the_umask_default_mode(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        target = tmp_path / "a" / "b" / "out.txt"
        write_atomically(str(target), b"done")
        assert target.read_bytes() == b"done"
        assert mode(target) == 0o640
    finally:
        os.umask(umask)


def test_write_atomically_writes_through_a_symlink(tmp_path: Path) -> None:
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old")
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_a_symlink_is_replaced_when_links_must_not_be_followed(tmp_path: Path) -> None:
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("an input")
    link.symlink_to(real)
    write_atomically(link, b"new", replace_links=True)
    assert not link.is_symlink() and link.read_text() == "new"
    assert real.read_text() == "an input"


def test_a_staged_output_is_in_place_only_once_committed(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    staged = stage(target, lambda out: out.write(b"new"), fsync=False)
    assert target.read_text() == "old"
    staged.commit()
    assert target.read_text() == "new"
    stage(target, b"newer", fsync=False).discard()
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomically_failing_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(TypeError):
        write_atomically(target, "text, not bytes")  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomically_over_a_folder_fails_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_atomically(tmp_path, b"text")
    assert list(tmp_path.iterdir()) == []
