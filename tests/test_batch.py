"""Batch runs of ``cleaner clean``: trees, mixed arguments, globs, in place, bad files, summary,
and the single-file / stdin paths that share the same per-document function."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from texts import (
    COUNCIL,
    GUARDED_CAPTIONS,
    HARBOUR,
    MARKET,
    PNG,
    TRAP,
    article_tree,
    big_corpus_bytes,
    news_tree,
    write_files,
)
from typer.testing import CliRunner

import cleaner
from cleaner.commands.app import app
from cleaner.report.records import read_records, record_span

REPO = Path(__file__).resolve().parents[1]
CHAIN = cleaner.load_chain()
runner = CliRunner()


def clean(*args: object, input: bytes | str | None = None):
    return runner.invoke(app, ["clean", *map(str, args)], input=input)


def cleaned(text: str) -> str:
    return CHAIN.clean(text).clean


def records(path: Path) -> list[dict]:
    return list(read_records(path.read_text(encoding="utf-8").split("\n")))


def files_below(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_directory_is_mirrored_with_one_report_in_input_order(tmp_path: Path) -> None:
    texts = news_tree(tmp_path / "raw")
    out, report = tmp_path / "clean", tmp_path / "removed.jsonl"

    result = clean(tmp_path / "raw", "-o", out, "--report", report, "--jobs", 1)

    assert result.exit_code == 0, result.stderr
    assert sorted(files_below(out)) == sorted(texts)  # .png, .docx and hidden folders left alone
    for rel, text in texts.items():
        assert (out / rel).read_text(encoding="utf-8") == cleaned(text)
    assert (out / "2024/05/council.txt").read_bytes() == COUNCIL.encode()  # no boilerplate: identical
    assert (out / "letters/trap.text").read_bytes() == TRAP.encode()
    got = records(report)
    sources = list(dict.fromkeys(record["source"] for record in got))
    assert sources == ["2024/05/harbour.txt", "2024/06/market.md"]  # relative, in walk order
    for source in sources:
        spans = [record_span(r) for r in got if r["source"] == source]
        original = texts[source]
        assert all(original[s.start : s.end] == s.text for s in spans)
        assert cleaner.restore((out / source).read_text(encoding="utf-8"), spans) == original
    assert "dates/date-header" in {r["rule"] for r in got}
    assert "cleaner: 4 files cleaned (2 changed)" in result.stderr  # the end-of-run summary


def test_mixed_arguments_each_get_a_folder_in_argument_order(tmp_path: Path) -> None:
    write_files(tmp_path, {"notes/market.md": MARKET, "extra.txt": HARBOUR, "news/a/council.txt": COUNCIL})
    out, report = tmp_path / "out", tmp_path / "r.jsonl"

    result = clean(
        tmp_path / "notes", tmp_path / "extra.txt", tmp_path / "news", "-o", out, "--report", report
    )

    assert result.exit_code == 0, result.stderr
    assert files_below(out) == {
        "notes/market.md": cleaned(MARKET).encode(),
        "extra.txt": cleaned(HARBOUR).encode(),
        "news/a/council.txt": COUNCIL.encode(),
    }
    assert list(dict.fromkeys(r["source"] for r in records(report))) == ["notes/market.md", "extra.txt"]


def test_one_file_into_an_existing_directory_keeps_its_name(tmp_path: Path) -> None:
    write_files(tmp_path, {"raw/harbour.txt": HARBOUR})
    (tmp_path / "out").mkdir()

    result = clean(tmp_path / "raw/harbour.txt", "-o", tmp_path / "out")

    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out/harbour.txt").read_text(encoding="utf-8") == cleaned(HARBOUR)
    assert result.stderr == ""  # one document: no summary, as a filter should be


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--include", "*.md"], ["2024/06/market.md"]),
        (["--exclude", "2024"], ["letters/trap.text"]),
        (["--exclude", "2024/05/*"], ["2024/06/market.md", "letters/trap.text"]),
        (["--include", "*.txt", "--include", "*.png", "--exclude", "council*"], ["2024/05/harbour.txt"]),
    ],
)
def test_include_and_exclude_globs(tmp_path: Path, options: list[str], expected: list[str]) -> None:
    news_tree(tmp_path / "raw")
    result = clean(tmp_path / "raw", "-o", tmp_path / "out", *options)
    # photo.png is included by the last case, and skipped as binary (exit 1)
    assert result.exit_code == (1 if "*.png" in options else 0), result.stderr
    assert sorted(files_below(tmp_path / "out")) == expected


def test_in_place_overwrites_inputs_keeping_their_permissions(tmp_path: Path) -> None:
    texts = news_tree(tmp_path / "raw")
    harbour = tmp_path / "raw/2024/05/harbour.txt"
    harbour.chmod(0o640)

    first = clean(tmp_path / "raw", "--in-place", "--report", tmp_path / "r1.jsonl")
    second = clean(tmp_path / "raw", "--in-place", "--report", tmp_path / "r2.jsonl")

    assert first.exit_code == second.exit_code == 0
    for rel, text in texts.items():
        assert (tmp_path / "raw" / rel).read_text(encoding="utf-8") == cleaned(text)
    assert harbour.stat().st_mode & 0o777 == 0o640
    assert len(records(tmp_path / "r1.jsonl")) > 0
    assert records(tmp_path / "r2.jsonl") == []  # idempotent: clean text loses nothing more
    assert not [p for p in (tmp_path / "raw").rglob("*.part")]


def test_bad_files_are_named_skipped_and_make_exit_status_1(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_files(
        raw, {"a/harbour.txt": HARBOUR, "a/photo.txt": PNG, "b/empty.txt": "", "b/market.txt": MARKET}
    )
    (raw / "b/dangling.txt").symlink_to("gone.txt")
    (raw / "b/loop1.txt").symlink_to("loop2.txt")
    (raw / "b/loop2.txt").symlink_to("loop1.txt")
    (raw / "b/up").symlink_to("..")  # a folder loop: links to folders are not followed
    out, summary = tmp_path / "out", tmp_path / "summary.json"

    result = clean(raw, "-o", out, "--summary", summary, "--jobs", 2)

    assert result.exit_code == 1
    assert "cleaner: error: a/photo.txt: binary file (PNG image)" in result.stderr
    assert "cleaner: error: b/dangling.txt: cannot read: No such file or directory" in result.stderr
    assert "b/loop1.txt: cannot read: Too many levels of symbolic links" in result.stderr
    assert files_below(out) == {
        "a/harbour.txt": cleaned(HARBOUR).encode(),
        "b/empty.txt": b"",
        "b/market.txt": cleaned(MARKET).encode(),  # no final newline, none added
    }
    report = json.loads(summary.read_text())
    assert report["files"] == 3 and report["files_skipped"] == 4
    assert [s["source"] for s in report["skipped"]] == [
        "a/photo.txt",
        "b/dangling.txt",
        "b/loop1.txt",
        "b/loop2.txt",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_named_and_skipped(tmp_path: Path) -> None:
    write_files(tmp_path / "raw", {"locked.txt": HARBOUR, "open.txt": COUNCIL})
    (tmp_path / "raw/locked.txt").chmod(0)
    result = clean(tmp_path / "raw", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "locked.txt: cannot read: Permission denied" in result.stderr
    assert sorted(files_below(tmp_path / "out")) == ["open.txt"]


def test_vanished_file_is_reported_by_its_task() -> None:
    from cleaner.batch.settings import Settings
    from cleaner.batch.tasks import DocTask, run_doc

    result = run_doc(DocTask("gone.txt", "/nonexistent/gone.txt", None), Settings(CHAIN))
    assert result.problem == "cannot read: No such file or directory"


def test_a_local_task_writes_its_output_and_returns_only_records(tmp_path: Path) -> None:
    from cleaner.batch.settings import Settings
    from cleaner.batch.tasks import DocTask, run_doc

    source = tmp_path / "raw/harbour.txt"
    write_files(tmp_path / "raw", {"harbour.txt": HARBOUR})
    output = tmp_path / "out/new-folder/harbour.txt"

    result = run_doc(DocTask("harbour.txt", str(source), output=str(output)), Settings(CHAIN, fsync=False))

    assert result.problem is None and result.written
    assert result.clean == b""  # nothing to hand back: the file is written
    assert output.read_text(encoding="utf-8") == cleaned(HARBOUR)
    assert [r["source"] for r in read_records(result.records.decode().splitlines())] == ["harbour.txt"] * len(
        CHAIN.clean(HARBOUR).spans
    )
    assert [p.name for p in output.parent.iterdir()] == ["harbour.txt"]  # no temporary file left


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_output_that_cannot_be_written_is_named_and_the_others_are_written(
    tmp_path: Path, jobs: int
) -> None:
    raw, out, report = tmp_path / "raw", tmp_path / "out", tmp_path / "removed.jsonl"
    article_tree(raw, 6)
    blocked = sorted(files_below(raw))[2]
    (out / blocked).mkdir(parents=True)  # a folder where the output file should go
    reference = tmp_path / "reference"
    assert clean(raw, "-o", reference, "--report", tmp_path / "all.jsonl", "--jobs", 1).exit_code == 0

    result = clean(raw, "-o", out, "--report", report, "--jobs", jobs)

    assert result.exit_code == 1
    assert f"cleaner: error: {blocked}: cannot write {out / blocked}: Is a directory" in result.stderr
    expected = {rel: data for rel, data in files_below(reference).items() if rel != blocked}
    assert files_below(out) == expected
    assert [r for r in records(tmp_path / "all.jsonl") if r["source"] != blocked] == records(report)


def test_summary_counts_match_the_report(tmp_path: Path) -> None:
    article_tree(tmp_path / "raw", 12)
    write_files(tmp_path / "raw", {"photo.txt": PNG})
    summary, report = tmp_path / "s.json", tmp_path / "r.jsonl"

    result = clean(tmp_path / "raw", "-o", tmp_path / "out", "--report", report, "--summary", summary, "-q")

    assert result.exit_code == 1
    assert result.stderr == "cleaner: error: photo.txt: binary file (PNG image)\n"  # --quiet
    got = json.loads(summary.read_text())
    rules = Counter(r["rule"] for r in records(report))
    assert got["spans_per_rule"] == dict(sorted(rules.items()))
    assert got["spans"] == sum(rules.values())
    assert (got["files"], got["documents"], got["documents_changed"], got["files_skipped"]) == (12, 12, 6, 1)
    assert got["bytes"] == sum(p.stat().st_size for p in (tmp_path / "raw").rglob("article-*"))
    assert got["encodings"] == {"utf-8": 12} and got["interrupted"] is False


@pytest.mark.slow
def test_a_fifty_megabyte_single_line(tmp_path: Path) -> None:
    line = ("The tide came in over the old pier while the crowd watched. " * 840_000)[:50_000_000]
    text = f" date 2024-01-02 {line} open image in gallery The pier at dusk ( AP )"
    write_files(tmp_path / "raw", {"long.txt": text})

    result = clean(tmp_path / "raw", "-o", tmp_path / "out", "--report", tmp_path / "r.jsonl", "-j", 1)

    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out/long.txt").read_text(encoding="utf-8") == line
    assert [r["rule"] for r in records(tmp_path / "r.jsonl")] == [
        "dates/date-header",
        "tidy/whitespace",
        "tidy/whitespace",
        "captions/gallery-caption-inline",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{raw}"], "a directory or several inputs need --output DIR"),
        (["{raw}/a.txt", "{raw}/b.txt"], "a directory or several inputs need --output DIR"),
        (["-", "{raw}/a.txt", "-o", "{tmp}/o"], "'-' (standard input) cannot be combined"),
        (["{raw}", "-o", "{raw}"], "is the input directory; use --in-place"),
        (["{raw}/a.txt", "-o", "{raw}/a.txt"], "is the input; use --in-place"),
        (["{raw}", "-o", "{tmp}/o", "--in-place"], "use either --output or --in-place"),
        (["{raw}", "--in-place", "--resume"], "--resume needs --output"),
        (["{raw}/a.txt", "--resume"], "--resume needs --output"),
        (["{raw}/a.txt", "{raw}/../raw/a.txt", "-o", "{tmp}/o"], "two inputs are named 'a.txt'"),
    ],
)
def test_options_that_do_not_fit_are_refused(tmp_path: Path, args: list[str], message: str) -> None:
    write_files(tmp_path / "raw", {"a.txt": HARBOUR, "b.txt": COUNCIL})
    before = files_below(tmp_path)

    result = clean(*(a.format(raw=tmp_path / "raw", tmp=tmp_path) for a in args))

    assert result.exit_code == 2
    assert result.stderr.startswith("cleaner: error: ") and message in result.stderr
    assert files_below(tmp_path) == before  # nothing written


def test_stdin_to_stdout_is_a_quiet_filter() -> None:
    source = (REPO / "fixtures/seed-shape/input.txt").read_bytes()
    result = clean(input=source)
    assert result.exit_code == 0
    assert result.stdout_bytes == (REPO / "fixtures/seed-shape/expected.txt").read_bytes()
    assert result.stderr == ""
    dash = clean("-", input=source)
    assert dash.stdout_bytes == result.stdout_bytes


def test_binary_stdin_fails_with_one_line() -> None:
    result = clean(input=PNG)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "cleaner: error: <stdin>: binary file (PNG image)\n",
    )


def test_single_file_report_names_the_path_as_given(tmp_path: Path) -> None:
    fixture = REPO / "fixtures/seed-shape"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cleaner",
            "clean",
            "fixtures/seed-shape/input.txt",
            "--report",
            tmp_path / "r.jsonl",
        ],
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    assert done.stdout == (fixture / "expected.txt").read_bytes()
    assert (tmp_path / "r.jsonl").read_bytes() == (fixture / "report.jsonl").read_bytes()
    assert done.stderr == b""


@pytest.mark.slow
def test_jobs_1_and_jobs_2_give_identical_bytes(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    article_tree(raw, 40)
    big = big_corpus_bytes(6000)  # about 2.4 MB: several chunks
    assert len(big) > 2_200_000
    write_files(raw, {"corpus/big.jsonl": big, "corpus/photo.txt": PNG})
    runs = {}
    for jobs in (1, 2):
        out, report, summary = (
            tmp_path / f"out{jobs}",
            tmp_path / f"r{jobs}.jsonl",
            tmp_path / f"s{jobs}.json",
        )
        command = [sys.executable, "-m", "cleaner", "clean", raw, "-o", out, "--report", report]
        done = subprocess.run([*command, "--summary", summary, "--jobs", str(jobs)], capture_output=True)
        assert done.returncode == 1, done.stderr  # the binary file
        assert b"corpus/photo.txt: binary file" in done.stderr
        counts = json.loads(summary.read_text())
        for varying in ("elapsed_seconds", "mb_per_second", "jobs"):
            del counts[varying]
        runs[jobs] = (files_below(out), report.read_bytes(), counts)
    assert runs[1] == runs[2]
    assert runs[1][2]["documents"] == 6040 and runs[1][2]["documents_changed"] == 3020


def test_decoding_options_and_the_guard_apply_to_every_file(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    write_files(
        raw,
        {
            "a/harbour.txt": HARBOUR.replace("board's", "board\u2019s").encode("cp1252"),
            "b/council.txt": COUNCIL,
            # Mostly boilerplate: the --max-removed guard leaves it as it is and says so.
            "b/caption.txt": "open image in gallery A crowd in the square at dusk ( AP )\n\nIt rained.\n",
        },
    )
    summary, report = tmp_path / "summary.json", tmp_path / "removed.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cleaner",
            "clean",
            str(raw),
            "-o",
            str(out),
            "--report",
            str(report),
            "--summary",
            str(summary),
            "--encoding",
            "cp1252",
            "--jobs",
            "2",
            "--rules",
            str(GUARDED_CAPTIONS),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "cleaner: warning: b/caption.txt: left unchanged" in done.stderr
    harbour = HARBOUR.replace("board's", "board\u2019s")
    assert (out / "a/harbour.txt").read_text(encoding="utf-8") == cleaner.clean_text(harbour, CHAIN).clean
    assert (out / "b/caption.txt").read_bytes() == (raw / "b/caption.txt").read_bytes()
    records = list(read_records(report.read_text(encoding="utf-8").splitlines()))
    assert {r["encoding"] for r in records if r["source"] == "a/harbour.txt"} == {"cp1252"}
    assert [r["rule"] for r in records if r["source"] == "b/caption.txt"] == ["guard/max-removed"]
    facts = json.loads(summary.read_text())
    assert (facts["held_back"], facts["held_back_sources"]) == (1, ["b/caption.txt"])
    assert facts["encodings"] == {"cp1252": 3}
