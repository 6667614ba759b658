"""`cleaner clean < small.txt` starts fast: only what plain UTF-8 text needs is imported."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

from cleaner import cli

REPO = Path(__file__).resolve().parents[1]
SEED_SHAPE = REPO / "fixtures" / "seed-shape"
HEAVY = ("trafilatura", "chardet", "rich", "pydantic")


def _run(*args: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, *args], input=data, capture_output=True, cwd=REPO)


def test_the_pipe_imports_no_heavy_module() -> None:
    done = _run("-X", "importtime", "-m", "cleaner", "clean", data=(SEED_SHAPE / "input.txt").read_bytes())
    assert done.returncode == 0
    assert done.stdout == (SEED_SHAPE / "expected.txt").read_bytes()
    imported = set(re.findall(r"\|\s+([\w.]+)\s*$", done.stderr.decode(), re.MULTILINE))
    assert "cleaner.engine" in imported  # the measurement itself works
    assert not {name.split(".")[0] for name in imported} & set(HEAVY)


def test_the_bare_pipe_and_the_full_command_line_agree() -> None:
    data = (SEED_SHAPE / "input.txt").read_bytes()
    bare = _run("-m", "cleaner", "clean", data=data)
    full = _run("-m", "cleaner", "clean", "-", data=data)
    assert bare.returncode == full.returncode == 0
    assert bare.stdout == full.stdout == (SEED_SHAPE / "expected.txt").read_bytes()


def test_the_bare_pipe_reports_bad_input_like_the_full_command_line() -> None:
    bare = _run("-m", "cleaner", "clean", data=b"binary\x00data")
    full = _run("-m", "cleaner", "clean", "-", data=b"binary\x00data")
    assert bare.returncode == full.returncode == 1
    assert bare.stderr == full.stderr == b"cleaner: error: <stdin>: binary file (contains NUL bytes)\n"


def test_every_clean_option_has_a_default_so_the_bare_call_works() -> None:
    for parameter in inspect.signature(cli.clean).parameters.values():
        assert parameter.default is not inspect.Parameter.empty, parameter.name
