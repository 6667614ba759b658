"""Stopping a batch run (Ctrl-C, SIGTERM, SIGKILL) and resuming it: no partial outputs, a valid
report, and a resumed run that ends exactly like an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from texts import COUNCIL, HARBOUR, PNG, article_tree, corpus_bytes, write_files
from typer.testing import CliRunner

from cleaner.batch.corpus import split_record_source
from cleaner.batch.journal import journal_line, parse_journal_line
from cleaner.batch.plan import DEFAULT_INCLUDE
from cleaner.batch.walk import Walker
from cleaner.commands.app import app

runner = CliRunner()


def files_below(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def clean(*args: object):
    return runner.invoke(app, ["clean", *map(str, args)])


def journal(report: Path) -> Path:
    return report.with_name(f".{report.name}.journal")


def partial(report: Path) -> Path:
    return report.with_name(f".{report.name}.partial")


def make_tree(raw: Path, articles: int) -> None:
    article_tree(raw, articles)
    write_files(raw, {"d3/photo.txt": PNG, "d5/corpus.jsonl": corpus_bytes()})


def reference(tmp_path: Path, raw: Path) -> tuple[dict[str, bytes], bytes]:
    out, report = tmp_path / "reference", tmp_path / "reference.jsonl"
    assert clean(raw, "-o", out, "--report", report, "--jobs", 1, "--quiet").exit_code == 1  # photo.txt
    return files_below(out), report.read_bytes()


def live_members(group: int) -> list[int]:
    """Processes of a process group that have not exited (zombies excluded)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("target", "signum", "status"),
    [
        ("group", signal.SIGKILL, -signal.SIGKILL),  # e.g. the OOM killer or a cluster pre-empting the job
        ("parent", signal.SIGKILL, -signal.SIGKILL),  # the workers must notice and exit
        ("parent", signal.SIGTERM, 128 + signal.SIGTERM),
        ("group", signal.SIGINT, 128 + signal.SIGINT),  # Ctrl-C in a terminal
    ],
)
def test_a_stopped_run_resumes_to_the_uninterrupted_result(
    tmp_path: Path, target: str, signum: int, status: int
) -> None:
    raw, out, report = tmp_path / "raw", tmp_path / "out", tmp_path / "removed.jsonl"
    make_tree(raw, 600)
    expected_files, expected_report = reference(tmp_path, raw)
    command = [sys.executable, "-m", "cleaner", "clean", raw, "-o", out, "--report", report, "--jobs", "2"]

    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    wait_until(lambda: journal(report).exists() and journal(report).read_bytes().count(b"\n") >= 100)
    (os.killpg if target == "group" else os.kill)(run.pid, signum)
    assert run.wait(timeout=60) == status, run.stderr.read().decode(errors="replace")[-2000:]
    wait_until(lambda: not live_members(run.pid), timeout=10)  # no worker outlives the run

    left = {rel: data for rel, data in files_below(out).items() if not Path(rel).name.startswith(".")}
    assert 0 < len(left) < len(expected_files)  # stopped midway
    assert all(data == expected_files[rel] for rel, data in left.items())  # no partial output
    temporary = [rel for rel in files_below(out) if rel.endswith(".part")]
    if signum == signal.SIGKILL:
        assert len(temporary) <= 2  # the file each worker was writing; the resumed run sweeps them
    else:
        assert temporary == []
    assert not report.exists()  # a report appears only when a run completes
    for line in partial(report).read_bytes().splitlines():
        json.loads(line)  # the records so far, kept for --resume, are valid JSONL
    if signum != signal.SIGKILL:
        assert b"run the same command with --resume" in run.stderr.read()

    summary = tmp_path / "summary.json"
    resumed = subprocess.run([*command, "--resume", "--summary", summary], capture_output=True)

    assert resumed.returncode == 1, resumed.stderr  # photo.txt, again
    assert files_below(out) == expected_files
    assert report.read_bytes() == expected_report
    assert 0 < json.loads(summary.read_text())["files_resumed"] <= len(left)
    leftovers = sorted(p.name for p in tmp_path.iterdir())  # no journal, no old report kept aside
    assert leftovers == ["out", "raw", "reference", "reference.jsonl", "removed.jsonl", "summary.json"]


def test_resume_mends_a_report_cut_mid_line(tmp_path: Path) -> None:
    """The state a kill leaves, built by hand: the journal names the inputs finished, the report
    ends in half a record, later outputs are missing and a temporary file lies about."""
    raw, out, report = tmp_path / "raw", tmp_path / "out", tmp_path / "removed.jsonl"
    make_tree(raw, 30)
    expected_files, expected_report = reference(tmp_path, raw)
    assert clean(raw, "-o", out, "--report", report, "--quiet").exit_code == 1
    sources = ["/".join(found.parts) for found in Walker(DEFAULT_INCLUDE).files(raw)]
    finished = sources[:12]
    journal(report).write_text("".join(json.dumps(source) + "\n" for source in finished))
    lines = expected_report.splitlines(keepends=True)
    kept = [line for line in lines if split_record_source(json.loads(line)["source"])[0] in finished]
    following = lines[len(kept)]
    assert split_record_source(json.loads(following)["source"])[0] not in finished
    report.write_bytes(b"".join(kept) + following[: len(following) // 2])
    for source in sources[12:]:
        (out / source).unlink(missing_ok=True)
    (out / sources[20]).with_name(f".{Path(sources[20]).name}.0123abcd.part").write_text("half")

    result = clean(raw, "-o", out, "--report", report, "--resume", "--summary", tmp_path / "s.json")

    assert result.exit_code == 1
    assert files_below(out) == expected_files
    assert report.read_bytes() == expected_report
    resumable = [source for source in finished if source in expected_files]  # not photo.txt
    assert json.loads((tmp_path / "s.json").read_text())["files_resumed"] == len(resumable)
    assert not journal(report).exists()


def test_resume_redoes_outputs_written_after_the_last_input_in_the_journal(tmp_path: Path) -> None:
    """Workers write outputs as they finish, ahead of the journal: after a kill, outputs of
    inputs the journal does not name may exist, and only the journal says they are whole and
    have their records in the report. Here they hold stale text; resuming must redo them."""
    raw, out, report = tmp_path / "raw", tmp_path / "out", tmp_path / "removed.jsonl"
    make_tree(raw, 30)
    expected_files, expected_report = reference(tmp_path, raw)
    assert clean(raw, "-o", out, "--report", report, "--jobs", 2, "--quiet").exit_code == 1
    sources = ["/".join(found.parts) for found in Walker(DEFAULT_INCLUDE).files(raw)]
    finished = sources[:10]
    journal(report).write_text("".join(json.dumps(source) + "\n" for source in finished))
    lines = expected_report.splitlines(keepends=True)
    report.write_bytes(
        b"".join(line for line in lines if split_record_source(json.loads(line)["source"])[0] in finished)
    )
    stale = [source for source in sources[10:] if source in expected_files]
    for source in stale:
        (out / source).write_text("text of another version\n")  # newer than its input, but unjournaled

    summary = tmp_path / "s.json"
    result = clean(raw, "-o", out, "--report", report, "--resume", "--jobs", 2, "--summary", summary)

    assert result.exit_code == 1
    assert files_below(out) == expected_files
    assert report.read_bytes() == expected_report
    resumed = json.loads(summary.read_text())["files_resumed"]
    assert resumed == len([source for source in finished if source in expected_files])


def test_resume_takes_in_new_changed_repaired_and_removed_inputs(tmp_path: Path) -> None:
    raw, out, report = tmp_path / "raw", tmp_path / "out", tmp_path / "removed.jsonl"
    make_tree(raw, 20)
    assert clean(raw, "-o", out, "--report", report).exit_code == 1
    write_files(raw, {"d0/d0/article-0000-new.txt": HARBOUR, "d3/photo.txt": HARBOUR})  # new; repaired
    changed = raw / "d1/d1/article-0001.txt"
    changed.write_text(HARBOUR)
    os.utime(changed, ns=(time.time_ns() + 10**9,) * 2)  # surely newer than its output
    (raw / "d2/d2/article-0002.txt").unlink()

    resumed = clean(raw, "-o", out, "--report", report, "--resume", "--summary", tmp_path / "s.json")
    fresh = clean(raw, "-o", tmp_path / "fresh", "--report", tmp_path / "fresh.jsonl")

    assert fresh.exit_code == 1  # the corpus's invalid line...
    assert resumed.exit_code == 0  # ...was reported by the run that cleaned the corpus, not again
    assert report.read_bytes() == (tmp_path / "fresh.jsonl").read_bytes()
    expected = files_below(tmp_path / "fresh")
    assert {rel: data for rel, data in files_below(out).items() if rel in expected} == expected
    assert json.loads((tmp_path / "s.json").read_text())["files_resumed"] == 19  # 21 inputs, 2 redone


def test_resume_refuses_a_report_damaged_in_the_middle(tmp_path: Path) -> None:
    raw, out, report = tmp_path / "raw", tmp_path / "out", tmp_path / "removed.jsonl"
    write_files(raw, {"a.txt": HARBOUR, "b.txt": COUNCIL, "c.txt": HARBOUR})
    assert clean(raw, "-o", out, "--report", report).exit_code == 0
    lines = report.read_bytes().splitlines(keepends=True)
    report.write_bytes(lines[0] + b"garbage\n" + b"".join(lines[1:]))

    result = clean(raw, "-o", out, "--report", report, "--resume")

    assert result.exit_code == 1
    assert f"{report}:2: not a report record, so the report cannot be resumed" in result.stderr
    assert "--resume to continue" not in result.stderr  # resuming again would not help
    assert report.read_bytes() == lines[0] + b"garbage\n" + b"".join(lines[1:])  # left as it was


def test_resume_without_the_report_cleans_everything_again(tmp_path: Path) -> None:
    raw, out, report = tmp_path / "raw", tmp_path / "out", tmp_path / "removed.jsonl"
    write_files(raw, {"a.txt": HARBOUR, "b.txt": COUNCIL})
    assert clean(raw, "-o", out).exit_code == 0

    result = clean(raw, "-o", out, "--report", report, "--resume")

    assert result.exit_code == 0
    assert f"cleaner: warning: {report} does not exist, so every input is cleaned again" in result.stderr
    assert report.read_text().count('"source": "a.txt"') > 0


@given(
    st.text(st.characters(exclude_categories=["Cs"]) | st.sampled_from(["\udcff", '"', "\\"])),
    st.none() | st.text(),
)
@settings(max_examples=300, deadline=None)
def test_a_journal_line_is_the_json_of_its_source_and_digest_and_reads_back(
    source: str, digest: str | None
) -> None:
    line = journal_line(source, digest)
    entry = source if digest is None else [source, digest]
    encoded = json.dumps(entry, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n"
    assert line == encoded and line.count(b"\n") == 1
    assert parse_journal_line(line) == (source, digest)
