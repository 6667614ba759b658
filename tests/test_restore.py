"""`cleaner restore`: clean text + report give back the original, and edits are refused."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from texts import guarded_chain
from typer.testing import CliRunner

from cleaner.commands.app import app
from cleaner.report.records import RestoreError, read_records, write_records
from cleaner.report.restore import group_by_source, restore_document, select_records
from cleaner.report.tree import locate_clean_file

REPO = Path(__file__).resolve().parents[1]
FIXTURE_INPUTS = sorted((REPO / "fixtures").glob("*/input.txt"))
CHAIN = guarded_chain()


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=cwd, capture_output=True)


def report_lines(text: str, source: str = "a.txt", max_removed: float | None = None) -> tuple[str, str]:
    """The clean text and the JSONL report the library writes for ``text``."""
    result = CHAIN.clean(text, max_removed=max_removed)
    out = io.StringIO()
    write_records(out, source, result.spans, clean=result.clean)
    return result.clean, out.getvalue()


def restore_from(clean: str, report: str) -> str:
    groups = group_by_source(read_records(report.split("\n")))  # as a file reads: \x85 is no break
    return restore_document(clean, select_records(groups, clean))


def test_the_seed_round_trips_byte_for_byte_through_real_processes(seed_path: Path, tmp_path: Path) -> None:
    clean = tmp_path / "seed.clean.txt"
    report = tmp_path / "removed.jsonl"
    restored = tmp_path / "seed.restored.txt"
    assert run_cli("clean", str(seed_path), "-o", str(clean), "--report", str(report)).returncode == 0
    assert len(clean.read_bytes()) < len(seed_path.read_bytes())
    run = run_cli("restore", str(clean), "--report", str(report), "-o", str(restored))
    assert run.returncode == 0, run.stderr
    assert restored.read_bytes() == seed_path.read_bytes()


@pytest.mark.parametrize("input_path", FIXTURE_INPUTS, ids=lambda p: p.parent.name)
def test_every_fixture_round_trips(input_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    clean, report = tmp_path / "clean.txt", tmp_path / "removed.jsonl"
    made = runner.invoke(app, ["clean", str(input_path), "-o", str(clean), "--report", str(report)])
    assert made.exit_code == 0, made.output
    back = runner.invoke(app, ["restore", str(clean), "--report", str(report)])
    assert back.exit_code == 0, back.output
    assert back.stdout_bytes == input_path.read_bytes()


@pytest.mark.parametrize("input_path", FIXTURE_INPUTS, ids=lambda p: p.parent.name)
def test_a_fixture_report_without_checksums_still_restores(input_path: Path) -> None:
    # Reports written before records carried clean_sha256 restore from span fit alone.
    expected, report = input_path.parent / "expected.txt", input_path.parent / "report.jsonl"
    if not (expected.is_file() and report.is_file()):
        pytest.skip(f"{input_path.parent.name} has no expected.txt + report.jsonl")
    back = CliRunner().invoke(app, ["restore", str(expected), "--report", str(report)])
    assert back.exit_code == 0, back.output
    assert back.stdout_bytes == input_path.read_bytes()


ARTICLE_WORDS = (
    "the council said support for gallery plans grew on Monday after date image open tell story "
    "ferry pier readers difference ( ) — café naïve 2024-01-02"
)
WORDS = st.sampled_from(ARTICLE_WORDS.split())
SENTENCE = st.lists(WORDS, min_size=1, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")
DATE = st.dates().map(lambda d: f"date {d.isoformat()}")
CAPTION = st.tuples(
    st.lists(WORDS, min_size=1, max_size=8), st.sampled_from(["AP", "AFP/Getty", " PA ", ""])
).map(lambda p: f"open image in gallery {' '.join(p[0])} ( {p[1]} )")
APPEAL = st.tuples(
    st.lists(SENTENCE, max_size=3), st.sampled_from(["", " Read more", "Sir: it rained."])
).map(
    lambda p: (
        "Your support helps us to tell the story Read more Support Now "
        + " ".join(p[0])
        + " Your support makes all the difference."
        + p[1]
    )
)
PIECE = st.one_of(SENTENCE, SENTENCE, DATE, CAPTION, APPEAL, st.just("Support Now"), st.text(max_size=20))
SEPARATOR = st.sampled_from([" ", "\n", "\n\n", "\r\n", "\r\n\r\n", "\t", "  \n \n", ""])
DOCUMENT = st.lists(st.tuples(SEPARATOR, PIECE), max_size=12).map(lambda ps: "".join(s + p for s, p in ps))


@settings(max_examples=150, deadline=None)
@given(text=DOCUMENT, max_removed=st.one_of(st.none(), st.floats(0, 1)))
def test_restoring_a_generated_corpus_gives_back_every_original(text: str, max_removed: float | None) -> None:
    clean, report = report_lines(text, max_removed=max_removed)
    assert restore_from(clean, report) == text


@settings(max_examples=100, deadline=None)
@given(text=DOCUMENT, where=st.integers(min_value=0), replacement=st.sampled_from(["x", "\n", ""]))
def test_an_edit_anywhere_in_the_clean_text_is_refused(text: str, where: int, replacement: str) -> None:
    clean, report = report_lines(text)
    if not report or not clean:
        return  # nothing removed, so no record to check the clean text against
    k = where % len(clean)
    edited = clean[:k] + (replacement if replacement != clean[k] else "y") + clean[k + 1 :]
    with pytest.raises(RestoreError):
        restore_from(edited, report)


def test_restore_refuses_an_edited_clean_file_and_writes_nothing(seed_path: Path, tmp_path: Path) -> None:
    clean, report, out = tmp_path / "clean.txt", tmp_path / "removed.jsonl", tmp_path / "restored.txt"
    assert run_cli("clean", str(seed_path), "-o", str(clean), "--report", str(report)).returncode == 0
    text = clean.read_text(encoding="utf-8")
    clean.write_text(text.replace("Patriot missile", "Patriot rocket"), encoding="utf-8")
    run = run_cli("restore", str(clean), "--report", str(report), "-o", str(out))
    assert run.returncode == 1
    assert run.stderr.decode() == (
        f"cleaner: error: {clean}: edited since the report was written (SHA-256 differs from the report's)\n"
    )
    assert not out.exists()


def test_without_checksums_an_edit_that_moves_spans_is_still_caught(tmp_path: Path) -> None:
    text = (
        "date 2024-01-02\n\nThe pier closed.\n\nopen image in gallery The pier ( AP )\n\nIt reopens soon.\n"
    )
    clean, report = report_lines(text)
    bare = "".join(
        json.dumps({k: v for k, v in json.loads(line).items() if k != "clean_sha256"}) + "\n"
        for line in report.splitlines()
    )
    assert restore_from(clean, bare) == text
    with pytest.raises(RestoreError, match="no longer starts on line"):
        restore_from(clean.replace("The pier closed.", "The pier\nclosed."), bare)
    with pytest.raises(RestoreError, match="shorter"):
        restore_from(clean[:10], bare)


def test_a_held_back_document_restores_and_its_edit_is_refused() -> None:
    text = "open image in gallery Crowds at the gate ( PA )\n\nIt rained.\n"
    clean, report = report_lines(text, max_removed=0.5)
    assert clean == text
    (record,) = [json.loads(line) for line in report.splitlines()]
    assert (record["rule"], record["start"], record["end"], record["text"]) == ("guard/max-removed", 0, 0, "")
    assert restore_from(clean, report) == text
    with pytest.raises(RestoreError):
        restore_from(text.replace("rained", "snowed"), report)


def test_one_file_is_picked_out_of_a_report_of_several_sources() -> None:
    first = "date 2024-01-02\n\nThe pier closed.\n"
    second = "The ferry ran late.\n\nopen image in gallery The ferry ( AP )\n"
    clean_1, report_1 = report_lines(first, "raw/first.txt")
    clean_2, report_2 = report_lines(second, "raw/second.txt")
    report = report_1 + report_2
    assert restore_from(clean_2, report) == second
    assert restore_from(clean_1, report) == first
    with pytest.raises(RestoreError, match="2 sources and none"):
        restore_from(clean_1 + "!", report)


def test_a_whole_directory_run_is_restored(tmp_path: Path) -> None:
    raw = {
        "raw/a.txt": "date 2024-03-11 The harbour board voted to close the pier.\n\nIt reopens in spring.\n",
        "raw/world/b.txt": "Fans met.\n\nopen image in gallery Fans at a gate ( PA )\n\nThe match ran.\n",
        "raw/world/c.txt": "Nothing here is boilerplate.\r\nNot a single line.\r\n",
    }
    reports = []
    for name, text in raw.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
        report = f"{Path(name).stem}.jsonl"
        clean = "clean/" + name.removeprefix("raw/")
        assert run_cli("clean", name, "-o", clean, "--report", report, cwd=tmp_path).returncode == 0
        reports.append((tmp_path / report).read_text(encoding="utf-8"))
    (tmp_path / "removed.jsonl").write_text("".join(reports), encoding="utf-8")
    sources = {json.loads(line)["source"] for line in "".join(reports).splitlines()}
    assert sources == {"raw/a.txt", "raw/world/b.txt"}

    run = run_cli("restore", "clean", "--report", "removed.jsonl", "-o", "restored", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stderr.decode() == "2 files restored, 1 copied unchanged, 0 errors\n"
    for name in raw:
        restored = tmp_path / "restored" / name.removeprefix("raw/")
        assert restored.read_bytes() == (tmp_path / name).read_bytes()

    # An edited file is refused, named, and the rest still restored.
    edited = tmp_path / "clean" / "world" / "b.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("match", "game"), encoding="utf-8")
    run = run_cli("restore", "clean", "--report", "removed.jsonl", "-o", "again", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.decode().splitlines() == [
        "cleaner: error: clean/world/b.txt: edited since the report was written "
        "(SHA-256 differs from the report's)",
        "1 files restored, 1 copied unchanged, 1 errors",
    ]
    assert (tmp_path / "again" / "a.txt").read_bytes() == (tmp_path / "raw/a.txt").read_bytes()
    assert not (tmp_path / "again" / "world" / "b.txt").exists()


def test_a_source_with_no_clean_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "clean").mkdir()
    (tmp_path / "removed.jsonl").write_text(
        json.dumps({"source": "raw/gone.txt", "rule": "a/b", "start": 0, "end": 1, "line": 1, "text": "x"})
        + "\n"
    )
    run = CliRunner().invoke(
        app,
        [
            "restore",
            str(tmp_path / "clean"),
            "--report",
            str(tmp_path / "removed.jsonl"),
            "-o",
            str(tmp_path / "o"),
        ],
    )
    assert run.exit_code == 1
    assert f"cleaner: error: raw/gone.txt: no clean file for it under {tmp_path / 'clean'}" in run.stderr


def test_locating_clean_files_mirrors_the_input_tree(tmp_path: Path) -> None:
    for name in ("world/a.txt", "a.txt", "uk/b.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert locate_clean_file(tmp_path, "raw/world/a.txt") == tmp_path / "world/a.txt"
    assert locate_clean_file(tmp_path, "/data/raw/uk/b.txt") == tmp_path / "uk/b.txt"
    assert locate_clean_file(tmp_path, "raw/a.txt") == tmp_path / "a.txt"
    assert locate_clean_file(tmp_path, "../uk/b.txt") == tmp_path / "uk/b.txt"
    assert locate_clean_file(tmp_path, "raw/../../c.txt") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["restore", "clean"], "cleaner: error: clean: restoring a directory needs -o OUT_DIR\n"),
        (
            ["restore", "clean", "-o", "clean/inner"],
            "cleaner: error: clean/inner: must not be inside clean\n",
        ),
        (["restore", "clean", "--report", "bad.jsonl"], None),
    ],
)
def test_restore_usage_errors_are_one_line(tmp_path: Path, args: list[str], message: str | None) -> None:
    (tmp_path / "clean").mkdir()
    (tmp_path / "removed.jsonl").write_text("")
    (tmp_path / "bad.jsonl").write_text('{"source": "a.txt"}\nnot json\n')
    if "--report" not in args:
        args = [*args, "--report", "removed.jsonl"]
    run = run_cli(*args, cwd=tmp_path)
    assert run.returncode != 0
    if message is None:
        message = "cleaner: error: bad.jsonl: report line 2 is not valid JSON: Expecting value\n"
    assert run.stderr.decode() == message
