"""`cleaner clean < small.txt` starts fast: only what plain UTF-8 text needs is imported."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_SHAPE = REPO / "fixtures" / "seed-shape"
HEAVY = ("trafilatura", "chardet", "rich", "pydantic")


def _run(*args: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, *args], input=data, capture_output=True, cwd=REPO)


def test_the_pipe_imports_no_heavy_module() -> None:
    data = (SEED_SHAPE / "input.txt").read_bytes()
    _run("-m", "cleaner", "clean", data=data)  # the first run may fill the rule cache
    done = _run("-X", "importtime", "-m", "cleaner", "clean", data=data)
    assert done.returncode == 0
    assert done.stdout == (SEED_SHAPE / "expected.txt").read_bytes()
    imported = set(re.findall(r"\|\s+([\w.]+)\s*$", done.stderr.decode(), re.MULTILINE))
    assert "cleaner.core.engine" in imported  # the measurement itself works
    assert not {name.split(".")[0] for name in imported} & {*HEAVY, "typer", "click", "yaml"}
    # Nor what only a rule cache miss needs: finding the cache folder the long way, checking
    # rule files, analysing patterns the cache holds the answers for. Nor dataclasses (with
    # inspect, 8 ms; and each class made costs half a millisecond more than a NamedTuple).
    missed = {"platformdirs", "cleaner.rulefiles.schema", "cleaner.core.syntax", "cleaner.core.shorten"}
    assert not imported & {*missed, "dataclasses"}


CP1252 = "The mayor\u2019s \u201cplan\u201d \u2013 approved.\n\nopen image in gallery Crowds ( AP )\n\n" * 3
BROKEN_RULES = "pack: site\nrules:\n  - id: more\n    kind: line\n    pattern: 'Read (?=more)'\n"


@pytest.mark.parametrize(
    ("data", "config"),
    [
        ((SEED_SHAPE / "input.txt").read_bytes(), None),
        ((REPO / "fixtures" / "crlf-line-endings" / "input.txt").read_bytes(), None),
        (b"", None),
        (CP1252.encode("cp1252"), None),
        ("\ufeff".encode() + CP1252.encode("utf-16-le"), None),
        (b"binary\x00data", None),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), None),
        (b"open image in gallery A pier ( AP )\n\nThe pier.\n", None),  # mostly boilerplate: held back
        (
            b"<!doctype html><html><body><article><p>The pier reopened on Monday after two years of "
            b"repairs, the council said.</p></article></body></html>",
            None,
        ),
        (b"Read more\n\nThe pier.\n", 'packs = ["teasers"]\n'),
        (b"Read more\n\nThe pier.\n", 'disable = ["captons"]\n'),
        (b"Read more\n\nThe pier.\n", 'rules = ["broken.yaml"]\n'),
        (b"Read more\n\nThe pier.\n", "packs = [\n"),
    ],
    ids=[
        "seed-shape",
        "crlf",
        "empty",
        "cp1252",
        "utf-16",
        "nul",
        "png",
        "held-back",
        "html",
        "config-packs",
        "config-typo",
        "broken-rules",
        "bad-toml",
    ],
)
def test_the_bare_pipe_and_the_full_command_line_agree(
    tmp_path: Path, data: bytes, config: str | None
) -> None:
    """The pipe form runs its own short path: it must say and do exactly what the full command does."""
    (tmp_path / ".git").mkdir()  # the config search stops here
    if config is not None:
        (tmp_path / "cleaner.toml").write_text(config, encoding="utf-8")
        (tmp_path / "broken.yaml").write_text(BROKEN_RULES, encoding="utf-8")
    bare, full = (
        subprocess.run(
            [sys.executable, "-m", "cleaner", *args], input=data, capture_output=True, cwd=tmp_path
        )
        for args in (["clean"], ["clean", "-"])
    )
    assert (bare.returncode, bare.stdout, bare.stderr) == (full.returncode, full.stdout, full.stderr)
    assert b"Traceback" not in bare.stderr


@pytest.mark.parametrize("args", [["clean"], ["clean", "-"]], ids=["bare", "full"])
def test_a_closed_standard_input_is_one_line_of_error(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / ".git").mkdir()  # the config search stops here
    shell = f'exec "$0" -m cleaner {" ".join(args)} <&-'
    done = subprocess.run(["sh", "-c", shell, sys.executable], capture_output=True, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr == b"cleaner: error: <stdin>: cannot read: standard input is closed\n"
