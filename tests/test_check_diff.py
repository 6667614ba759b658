"""`cleaner clean --check` and `--diff`: preview what cleaning would do, writing nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from texts import GUARDED_CAPTIONS, MOSTLY_CAPTION
from typer.testing import CliRunner

import cleaner
from cleaner.commands.app import app
from cleaner.views.diff import unified_diff

REPO = Path(__file__).resolve().parents[1]


def run_cli(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=cwd, input=stdin, capture_output=True)


def test_check_exits_1_on_the_seed_and_0_on_its_clean_output(seed_path: Path, tmp_path: Path) -> None:
    run = run_cli("clean", "--check", str(seed_path), cwd=tmp_path)
    assert (run.returncode, run.stdout) == (1, b"")
    assert run.stderr.decode() == f"would clean {seed_path}\n"
    assert list(tmp_path.iterdir()) == []

    clean = tmp_path / "seed.clean.txt"
    assert run_cli("clean", str(seed_path), "-o", str(clean)).returncode == 0
    run = run_cli("clean", "--check", str(clean))
    assert (run.returncode, run.stdout, run.stderr) == (0, b"", b"")


def test_check_reads_stdin() -> None:
    runner = CliRunner()
    fixture = REPO / "fixtures" / "seed-shape"
    run = runner.invoke(app, ["clean", "--check", "-"], input=(fixture / "input.txt").read_bytes())
    assert (run.exit_code, run.stdout, run.stderr) == (1, "", "would clean <stdin>\n")
    run = runner.invoke(app, ["clean", "--check"], input=(fixture / "expected.txt").read_bytes())
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")


def test_a_held_back_document_passes_the_check_with_a_warning() -> None:
    args = ["clean", "--check", "--rules", str(GUARDED_CAPTIONS)]
    run = CliRunner().invoke(app, args, input=MOSTLY_CAPTION)
    assert run.exit_code == 0
    assert run.stderr.startswith("cleaner: warning: <stdin>: left unchanged")


@pytest.mark.parametrize("flag", ["--check", "--diff"])
@pytest.mark.parametrize("target", ["--output", "--report"])
def test_previews_refuse_to_write_files(flag: str, target: str, tmp_path: Path) -> None:
    run = CliRunner().invoke(app, ["clean", flag, target, str(tmp_path / "x")], input="Story.\n")
    assert run.exit_code == 2
    assert run.stderr == (
        "cleaner: error: --diff and --check write no files: drop --output, --in-place, --report, --resume\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_diff_of_the_seed_removes_exactly_the_boilerplate_lines(seed_path: Path) -> None:
    run = run_cli("clean", "--diff", str(seed_path))
    assert run.returncode == 0
    diff = run.stdout.decode("utf-8").splitlines()
    assert diff[:2] == [f"--- {seed_path}\t(original)", f"+++ {seed_path}\t(clean)"]
    body = [line for line in diff[2:] if not line.startswith("@@")]
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    removed = [line[1:] for line in body if line.startswith("-")]
    assert [line for line in removed if line] == [lines[0], lines[8], lines[18], lines[28]]
    assert not [line for line in body if line.startswith("+")]


def test_diff_with_check_prints_the_diff_and_fails() -> None:
    fixture = REPO / "fixtures" / "seed-shape"
    run = CliRunner().invoke(app, ["clean", "--diff", "--check"], input=(fixture / "input.txt").read_bytes())
    assert run.exit_code == 1
    assert run.stdout.startswith("--- <stdin>\t(original)\n+++ <stdin>\t(clean)\n@@ ")
    assert run.stderr == "would clean <stdin>\n"


def test_diff_of_clean_text_is_empty() -> None:
    fixture = REPO / "fixtures" / "seed-shape" / "expected.txt"
    run = CliRunner().invoke(app, ["clean", "--diff", str(fixture)])
    assert (run.exit_code, run.stdout) == (0, "")


@pytest.mark.parametrize(
    "original",
    [
        "date 2024-01-02 The pier closed.\n\nopen image in gallery The pier ( AP )\n\nIt reopens.",
        "date 2024-01-02\r\n\r\nThe pier closed.\r\n\r\nopen image in gallery The pier ( AP )\r\n",
        "Story one.\n\nopen image in gallery A pier \u2028 at dusk ( AP )\n\nStory\ftwo.\n",
    ],
)
@pytest.mark.skipif(shutil.which("patch") is None, reason="patch is not installed")
def test_the_diff_applies_with_patch(original: str, tmp_path: Path) -> None:
    clean = cleaner.load_chain().clean(original).clean
    assert clean != original
    target = tmp_path / "a.txt"
    target.write_bytes(original.encode("utf-8"))
    diff = unified_diff(original, clean, "a.txt").encode("utf-8")
    subprocess.run(["patch", "-s", "a.txt"], input=diff, cwd=tmp_path, check=True)
    assert target.read_bytes() == clean.encode("utf-8")


def test_unified_diff_marks_a_missing_final_newline() -> None:
    diff = unified_diff("Story.\nRead more", "Story.\n", "a.txt")
    assert diff.endswith("-Read more\n\\ No newline at end of file\n")
    assert unified_diff("same\n", "same\n", "a.txt") == ""


def test_check_and_diff_walk_directories_and_write_nothing(tmp_path: Path) -> None:
    fixtures = REPO / "fixtures"
    raw = tmp_path / "raw"
    for name in ("seed-shape", "no-boilerplate", "glued-date-header"):
        (raw / name).mkdir(parents=True)
        shutil.copy(fixtures / name / "input.txt", raw / name / "input.txt")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    check = run_cli("clean", "--check", "--quiet", str(raw))
    assert check.returncode == 1
    assert check.stderr.decode().splitlines() == [
        f"would clean {raw / 'glued-date-header' / 'input.txt'}",
        f"would clean {raw / 'seed-shape' / 'input.txt'}",
    ]
    diff = run_cli("clean", "--diff", "--quiet", "--jobs", "2", str(raw))
    assert diff.returncode == 0
    expected = "".join(
        unified_diff(
            (fixtures / name / "input.txt").read_text(encoding="utf-8"),
            (fixtures / name / "expected.txt").read_text(encoding="utf-8"),
            f"{name}/input.txt",
        )
        for name in ("glued-date-header", "seed-shape")
    )
    assert diff.stdout.decode() == expected
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before

    clean_only = run_cli("clean", "--check", "--quiet", str(raw / "no-boilerplate"))
    assert (clean_only.returncode, clean_only.stderr) == (0, b"")
