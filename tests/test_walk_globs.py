"""Which files a directory run takes: --include and --exclude read with git's rules, .gitignore
files in the walked tree respected, and --no-ignore to take what they ignore."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pathspec import GitIgnoreSpec
from texts import COUNCIL, HARBOUR, write_files
from typer.testing import CliRunner

from cleaner.batch.walk import Walker
from cleaner.commands.app import app

runner = CliRunner()

TREE = {
    "top.txt": HARBOUR,
    "a/x.txt": HARBOUR,
    "a/b/y.txt": COUNCIL,
    "a/b/c/z.txt": COUNCIL,
    "notes.md": COUNCIL,
}


def taken(root: Path, *options: str) -> list[str]:
    """The relative paths of the outputs a ``cleaner clean DIR -o OUT`` run writes."""
    out = root.parent / "out"
    result = runner.invoke(app, ["clean", str(root), "-o", str(out), "-q", *options])
    assert result.exit_code == 0, result.stderr
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("globs", "expected"),
    [
        (["a/*.txt"], ["a/x.txt"]),  # anchored, and * does not cross a folder
        (["**/*.txt"], ["a/b/c/z.txt", "a/b/y.txt", "a/x.txt", "top.txt"]),  # top level included
        (["*.txt"], ["a/b/c/z.txt", "a/b/y.txt", "a/x.txt", "top.txt"]),  # a name at any depth
        (["a/**/*.txt"], ["a/b/c/z.txt", "a/b/y.txt", "a/x.txt"]),
        (["/*.txt"], ["top.txt"]),  # a leading / anchors to the input directory
        (["*.txt", "!a/b/**"], ["a/x.txt", "top.txt"]),  # negation
    ],
)
def test_include_globs_follow_gitignore_rules(tmp_path: Path, globs: list[str], expected: list[str]) -> None:
    write_files(tmp_path / "raw", TREE)
    options = [arg for glob in globs for arg in ("--include", glob)]
    assert taken(tmp_path / "raw", *options) == expected


@pytest.mark.parametrize(
    ("globs", "expected"),
    [
        (["b"], ["a/x.txt", "notes.md", "top.txt"]),  # a folder name at any depth, all below it
        (["a/b/*"], ["a/x.txt", "notes.md", "top.txt"]),
        (["a/*.txt"], ["a/b/c/z.txt", "a/b/y.txt", "notes.md", "top.txt"]),  # not a/b/y.txt
        (["c/"], ["a/b/y.txt", "a/x.txt", "notes.md", "top.txt"]),  # a trailing / means folders only
    ],
)
def test_exclude_globs_follow_gitignore_rules(tmp_path: Path, globs: list[str], expected: list[str]) -> None:
    write_files(tmp_path / "raw", TREE)
    options = [arg for glob in globs for arg in ("--exclude", glob)]
    assert taken(tmp_path / "raw", *options) == expected


def test_gitignore_files_in_the_tree_are_respected_and_no_ignore_takes_all(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_files(raw, TREE)
    write_files(raw, {"drafts/d.txt": HARBOUR, "a/b/keep.tmp.txt": HARBOUR, "a/x.tmp.txt": HARBOUR})
    # the top file ignores a folder and a name pattern; a deeper one re-includes one of its files
    (raw / ".gitignore").write_text("# comment\ndrafts/\n*.tmp.txt\n/notes.md\n", encoding="utf-8")
    (raw / "a/b/.gitignore").write_text("!keep.tmp.txt\nc\n", encoding="utf-8")

    assert taken(raw) == ["a/b/keep.tmp.txt", "a/b/y.txt", "a/x.txt", "top.txt"]
    everything = ["a/b/c/z.txt", "a/b/keep.tmp.txt", "a/b/y.txt", "a/x.tmp.txt", "a/x.txt", "drafts/d.txt"]
    assert taken(raw, "--no-ignore") == sorted([*everything, "notes.md", "top.txt"])


def test_gitignore_patterns_are_relative_to_their_own_folder(tmp_path: Path) -> None:
    write_files(tmp_path, TREE)
    (tmp_path / "a/.gitignore").write_text("/x.txt\nb/c/\n", encoding="utf-8")
    assert [f.parts for f in Walker(["*.txt"]).files(tmp_path)] == [("a", "b", "y.txt"), ("top.txt",)]
    assert len(list(Walker(["*.txt"], gitignore=False).files(tmp_path))) == 4


def test_process_respects_gitignore_and_no_ignore(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_files(raw, {"keep/a.txt": HARBOUR, "skip/b.txt": HARBOUR})
    (raw / ".gitignore").write_text("skip/\n", encoding="utf-8")

    def check(*options: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "cleaner", "clean", str(raw), "--check", *options]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)

    respected, ignored = check(), check("--no-ignore")
    assert respected.returncode == ignored.returncode == 1  # --check: files would change
    assert "keep/a.txt" in respected.stdout + respected.stderr
    assert "skip/b.txt" not in respected.stdout + respected.stderr
    assert "skip/b.txt" in ignored.stdout + ignored.stderr


def test_learn_respects_gitignore(tmp_path: Path) -> None:
    site = {f"site/{n}.txt": f"Share this story\nStory {n} is here.\n" for n in range(4)}
    write_files(tmp_path / "raw", site)
    write_files(tmp_path / "raw", {f"site/old/{n}.txt": "Old banner line\nOld text.\n" for n in range(4)})
    (tmp_path / "raw/.gitignore").write_text("old/\n", encoding="utf-8")

    respected = runner.invoke(app, ["learn", str(tmp_path / "raw"), "-q"])
    ignored = runner.invoke(app, ["learn", str(tmp_path / "raw"), "-q", "--no-ignore"])

    assert respected.exit_code == ignored.exit_code == 0, respected.stderr
    assert "Share this story" in respected.stdout and "Old banner line" not in respected.stdout
    assert "Old banner line" in ignored.stdout


def test_no_ignore_without_a_directory_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.txt": HARBOUR})
    result = runner.invoke(app, ["clean", str(tmp_path / "a.txt"), "--no-ignore"])
    assert result.exit_code == 2
    assert result.stderr == (
        "cleaner: error: --no-ignore reads .gitignore files inside directories, and no input is one\n"
    )


SUFFIX_GLOBS = ["*.txt", "*.md", "*.jsonl.gz", "*.gz", "*.x-y", "*.TXT"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(SUFFIX_GLOBS), min_size=1, max_size=4),
    st.lists(st.sampled_from(["a", "b.d", "x"]), max_size=2),
    st.text(st.sampled_from("ab.-"), max_size=3),
    st.sampled_from([".txt", ".TXT", ".md", ".gz", ".jsonl.gz", ".jsonl", ".x-y", ".txt.bak", "txt", ""]),
)
def test_suffix_globs_take_the_files_pathspec_takes(
    globs: list[str], folders: list[str], stem: str, ending: str
) -> None:
    """``*.EXT`` globs are decided by the name's ending, exactly as gitignore matching decides them."""
    name = stem + ending or "x"
    spec = GitIgnoreSpec.from_lines(globs)
    expected = spec.match_file("/".join([*folders, name]))
    assert Walker(globs).selects((*folders, name)) == (expected and not name.startswith("."))
