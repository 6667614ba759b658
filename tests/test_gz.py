"""gzip corpora are written through python-isal when it is installed, else the standard library:
standard gzip either way, the same text, the same bytes for any number of jobs."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import pytest
from texts import big_corpus_bytes, write_files
from typer.testing import CliRunner

from cleaner.commands.app import app
from cleaner.io import gz

runner = CliRunner()
CORPUS = big_corpus_bytes(400)


def clean_corpus(tmp_path: Path, name: str, *options: str) -> bytes:
    out = tmp_path / name
    result = runner.invoke(app, ["clean", str(tmp_path / "c.jsonl"), "-o", str(out), "-q", *options])
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


def test_isal_is_the_backend_where_a_wheel_exists() -> None:
    pytest.importorskip("isal", reason="no isal wheel on this machine: the standard library writes gzip")
    assert gz.backend() == "isal"


def test_both_backends_write_standard_gzip_of_the_same_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(tmp_path, {"c.jsonl": CORPUS})
    plain = clean_corpus(tmp_path, "clean.jsonl", "-j", "1")

    fast = clean_corpus(tmp_path, "fast.jsonl.gz", "-j", "1")
    monkeypatch.setattr(gz, "_fast", None)
    assert gz.backend() == "zlib"
    standard = clean_corpus(tmp_path, "standard.jsonl.gz", "-j", "1")

    for packed in (fast, standard):
        assert packed[:2] == b"\x1f\x8b"
        assert gzip.decompress(packed) == plain
        unzipped = subprocess.run(["gzip", "-dc"], input=packed, capture_output=True, check=True).stdout
        assert unzipped == plain


def test_gzip_output_is_the_same_bytes_for_any_jobs(tmp_path: Path) -> None:
    write_files(tmp_path, {"c.jsonl": CORPUS})
    one = clean_corpus(tmp_path, "one.jsonl.gz", "-j", "1")
    assert clean_corpus(tmp_path, "two.jsonl.gz", "-j", "2") == one


def test_a_member_has_no_time_stamp() -> None:
    member = gz.compress(b"text\n")
    assert member[4:8] == b"\x00\x00\x00\x00"  # MTIME: the same input gives the same bytes
    assert gzip.decompress(member) == b"text\n"
