"""The command line, through Typer's CliRunner and through a real ``python -m cleaner`` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner import __version__
from cleaner.commands.app import app

REPO = Path(__file__).resolve().parents[1]
SEED_SHAPE = REPO / "fixtures" / "seed-shape"
CRLF = REPO / "fixtures" / "crlf-line-endings"

USER_RULES = """\
pack: parish
description: The parish newsletter's footer
rules:
  - id: footer
    kind: line
    pattern: '^Printed by the parish office'
"""
BAD_RULES = """\
pack: parish
rules:
  - id: footer
    kind: regex
    pattern: 'Printed(?= by)'
"""
# Mostly boilerplate, so tests that expect cuts switch off the --max-removed guard (tested on its own).
ARTICLE = (
    "open image in gallery The hall after the storm ( PA )\n\n"
    "The roof of the village hall was repaired on Friday.\n\n"
    "Printed by the parish office, 12 Church Lane\n"
)

runner = CliRunner()


def run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m cleaner`` as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def assert_one_line_error(stderr: str, *needles: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("cleaner: error: ")
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in stderr


# --- CliRunner -------------------------------------------------------------------------------


def test_clean_reads_stdin_and_writes_stdout() -> None:
    data = (SEED_SHAPE / "input.txt").read_bytes()
    expected = (SEED_SHAPE / "expected.txt").read_bytes()
    for args in (["clean"], ["clean", "-"]):
        result = runner.invoke(app, args, input=data)
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == expected


def test_clean_file_to_output_and_report(tmp_path: Path) -> None:
    out, report = tmp_path / "out" / "clean.txt", tmp_path / "removed.jsonl"
    source = str(SEED_SHAPE / "input.txt")
    result = runner.invoke(app, ["clean", source, "-o", str(out), "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b""
    assert out.read_bytes() == (SEED_SHAPE / "expected.txt").read_bytes()
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    text = (SEED_SHAPE / "input.txt").read_text(encoding="utf-8")
    assert records, "the seed-shape fixture has boilerplate"
    assert {r["source"] for r in records} == {source}
    assert all(text[r["start"] : r["end"]] == r["text"] for r in records)


def test_stdin_report_names_stdin(tmp_path: Path) -> None:
    report = tmp_path / "removed.jsonl"
    result = runner.invoke(app, ["clean", "--report", str(report)], input=ARTICLE)
    assert result.exit_code == 0
    assert {json.loads(line)["source"] for line in report.read_text().splitlines()} == {"<stdin>"}


def test_user_rules_run_after_the_builtin_packs(tmp_path: Path) -> None:
    rules = tmp_path / "parish.yaml"
    rules.write_text(USER_RULES)
    result = runner.invoke(app, ["clean", "--max-removed", "1", "--rules", str(rules)], input=ARTICLE)
    assert result.exit_code == 0, result.output
    assert result.stdout == "The roof of the village hall was repaired on Friday.\n"


def test_no_default_rules_runs_only_the_given_rules(tmp_path: Path) -> None:
    (tmp_path / "parish.yaml").write_text(USER_RULES)
    result = runner.invoke(app, ["clean", "--no-default-rules", "-r", str(tmp_path)], input=ARTICLE)
    assert result.exit_code == 0, result.output
    assert result.stdout == ARTICLE.replace("\n\nPrinted by the parish office, 12 Church Lane", "")
    bare = runner.invoke(app, ["clean", "--no-default-rules"], input=ARTICLE)
    assert bare.stdout == ARTICLE


def test_rules_option_is_repeatable(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(USER_RULES)
    second.write_text("pack: hall\nrules:\n  - id: roof\n    kind: line\n    pattern: '^The roof of'\n")
    result = runner.invoke(
        app,
        ["clean", "--max-removed", "1", "--no-default-rules", "-r", str(first), "-r", str(second)],
        input=ARTICLE,
    )
    assert result.stdout == "open image in gallery The hall after the storm ( PA )\n"


def test_help_explains_every_option_with_examples() -> None:
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    assert "clean" in top.stdout
    assert "cat article.txt | cleaner clean" in top.stdout
    sub = runner.invoke(app, ["clean", "--help"])
    assert sub.exit_code == 0
    for option in ("--output", "-o", "--report", "--rules", "-r", "--no-default-rules"):
        assert option in sub.stdout
    assert "Examples:" in sub.stdout
    assert "standard input" in sub.stdout
    assert "Repeatable" in sub.stdout


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.stdout.strip() == f"cleaner {__version__}"


def test_missing_input_is_a_one_line_error(tmp_path: Path) -> None:
    missing, out = tmp_path / "missing.txt", tmp_path / "out.txt"
    result = runner.invoke(app, ["clean", str(missing), "-o", str(out)])
    assert result.exit_code == 2  # a mistake in the command, as for black and ripgrep
    assert_one_line_error(result.stderr, str(missing), "no such file or directory")
    assert not out.exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"caf\xe9 au lait\n", "not UTF-8"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file")],
)
def test_undecodable_input_is_a_one_line_error_and_writes_nothing(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path, out, report = tmp_path / "in.txt", tmp_path / "out.txt", tmp_path / "r.jsonl"
    path.write_bytes(data)
    result = runner.invoke(app, ["clean", str(path), "-o", str(out), "--report", str(report)])
    assert result.exit_code == 1
    assert_one_line_error(result.stderr, str(path), reason)
    assert not out.exists()
    # The report holds the spans removed: none (an empty report, not a half-written one).
    assert not report.exists() or report.read_bytes() == b""
    assert set(tmp_path.iterdir()) <= {path, report}  # no temporary or journal file left


def test_bad_rule_file_is_located_and_exits_2(tmp_path: Path) -> None:
    rules = tmp_path / "bad.yaml"
    rules.write_text(BAD_RULES)
    result = runner.invoke(app, ["clean", "--max-removed", "1", "--rules", str(rules)], input=ARTICLE)
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, f"{rules}:5:14: bad pattern for RE2")
    assert result.stdout == ""


def test_missing_rule_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["clean", "--rules", str(tmp_path / "none.yaml")], input=ARTICLE)
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "none.yaml:1:1: cannot read rule file")


# --- a real process --------------------------------------------------------------------------


def test_process_pipes_stdin_to_stdout(tmp_path: Path) -> None:
    done = run("clean", stdin=(SEED_SHAPE / "input.txt").read_bytes(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (SEED_SHAPE / "expected.txt").read_bytes()
    assert done.stderr == b""


def test_process_keeps_crlf_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "removed.jsonl"
    done = run("clean", str(CRLF / "input.txt"), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (CRLF / "expected.txt").read_bytes()
    assert b"\r\n" in done.stdout
    text = (CRLF / "input.txt").read_bytes().decode("utf-8")
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert records
    assert all(text[r["start"] : r["end"]] == r["text"] for r in records)


def test_process_help() -> None:
    done = run("clean", "--help")
    assert done.returncode == 0
    assert b"--no-default-rules" in done.stdout
    assert b"Examples:" in done.stdout


def test_process_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    done = run("clean", str(tmp_path / "missing.txt"))
    assert done.returncode == 2
    assert_one_line_error(done.stderr.decode(), "missing.txt", "no such file or directory")
    rules = tmp_path / "bad.yaml"
    rules.write_text(BAD_RULES)
    done = run("clean", "--rules", str(rules), stdin=ARTICLE.encode())
    assert done.returncode == 2
    assert_one_line_error(done.stderr.decode(), f"{rules}:5:14:")
    assert done.stdout == b""


def test_unwritable_output_is_a_one_line_error(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    output = runner.invoke(app, ["clean", "-o", str(folder)], input=ARTICLE)
    assert output.exit_code == 1
    assert_one_line_error(output.stderr, f"cannot write {folder}: Is a directory")
    report = runner.invoke(app, ["clean", "--report", str(folder)], input=ARTICLE)
    assert report.exit_code == 2  # a report path that can never be written is a usage error
    assert_one_line_error(report.stderr, f"{folder}: Is a directory")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["clean", "--max-removed", "2"], "invalid value for '--max-removed'"),
        (["explain", "--format", "pdf"], "'pdf' is not one of 'text', 'html'"),
        (["clean", "--frob"], "no such option: --frob"),
        (["rules", "shw"], "no such command 'shw'"),
        (["restore", "clean.txt"], "missing option '--report'"),
    ],
)
def test_usage_errors_are_one_line_with_status_2(args: list[str], needle: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, needle)
    done = run(*args)
    assert done.returncode == 2
    assert_one_line_error(done.stderr.decode(), needle)


def test_h_is_help_for_every_command() -> None:
    for args in (["-h"], ["clean", "-h"], ["rules", "check", "-h"], ["learn", "-h"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and result.stdout.startswith("Usage: cleaner"), args


def test_a_folder_given_to_explain_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["explain", str(tmp_path)])
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "is a directory; give one file")


@pytest.mark.parametrize("args", [["clean"], ["clean", "-"]])
def test_on_a_terminal_it_says_it_is_reading_standard_input(args: list[str]) -> None:
    import pty

    controller, terminal = pty.openpty()
    done = subprocess.Popen(
        [sys.executable, "-m", "cleaner", *args],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    os.write(controller, b"The ferry runs again.\n\x04")  # a line, then Ctrl-D on its own
    out, err = done.communicate(timeout=60)
    os.close(controller)
    assert done.returncode == 0
    assert out == b"The ferry runs again.\n"
    assert err.decode().startswith("cleaner: reading standard input; end it with Ctrl-D")


def test_options_that_would_do_nothing_are_refused(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["clean", str(article), "--include", "*.md"])
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "--include and --exclude choose files inside directories")
    result = runner.invoke(app, ["clean", str(article), "--field", "body"])
    assert result.exit_code == 2
    assert_one_line_error(result.stderr, "--field body: no input is a corpus")
