"""JSONL corpora: one field cleaned per record, everything else kept, gzip in and out."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from texts import APPEAL, CORPUS_RECORDS, COUNCIL, HARBOUR, MARKET, TRAP, corpus_bytes, write_files
from typer.testing import CliRunner

import cleaner
from cleaner.batch.corpus import Chunk, clean_chunk, read_chunks
from cleaner.commands.app import app
from cleaner.report.records import read_records, record_span

CHAIN = cleaner.load_chain()
runner = CliRunner()


def clean(*args: object, input: bytes | None = None):
    return runner.invoke(app, ["clean", *map(str, args)], input=input)


def records(path: Path) -> list[dict]:
    return list(read_records(path.read_text(encoding="utf-8").split("\n")))


def test_the_field_is_cleaned_and_everything_else_kept(tmp_path: Path) -> None:
    source = corpus_bytes()
    write_files(tmp_path, {"corpus.jsonl": source})
    out, report = tmp_path / "clean.jsonl", tmp_path / "r.jsonl"

    result = clean(tmp_path / "corpus.jsonl", "-o", out, "--report", report, "--field", "text")

    assert result.exit_code == 1  # line 6 is not valid JSON
    assert f"cleaner: error: {tmp_path}/corpus.jsonl:6: not valid JSON" in result.stderr
    before, after = source.splitlines(keepends=True), out.read_bytes().splitlines(keepends=True)
    assert len(after) == len(before) == 8
    for number in (2, 4, 5, 6, 7, 8):  # clean text, blank, trap, invalid, no field, field not text
        assert after[number - 1] == before[number - 1]  # byte for byte (CRLF and no final newline too)
    for number, original in ((1, CORPUS_RECORDS[0]), (3, CORPUS_RECORDS[2])):
        record = json.loads(after[number - 1])
        assert record == {**original, "text": CHAIN.clean(original["text"]).clean}
        assert list(record) == list(original)  # field order kept
    got = records(report)
    assert {(r["source"], r.get("id")) for r in got} == {
        (f"{tmp_path}/corpus.jsonl:1", "doc-1"),
        (f"{tmp_path}/corpus.jsonl:3", None),  # no id field: none in the report
    }
    for number, original in ((1, HARBOUR), (3, MARKET)):
        spans = [record_span(r) for r in got if r["source"].endswith(f":{number}")]
        assert cleaner.restore(json.loads(after[number - 1])["text"], spans) == original
    assert "1 file cleaned (4 documents, 2 changed)" in result.stderr  # records with a text field
    assert "2 records had no string field 'text'" in result.stderr


def test_gzip_corpus_round_trip_in_a_tree(tmp_path: Path) -> None:
    source = corpus_bytes()
    write_files(tmp_path / "raw", {"plain.jsonl": source, "packed.jsonl.gz": gzip.compress(source)})

    result = clean(tmp_path / "raw", "-o", tmp_path / "out", "--report", tmp_path / "r.jsonl")

    assert result.exit_code == 1
    plain = (tmp_path / "out/plain.jsonl").read_bytes()
    packed = (tmp_path / "out/packed.jsonl.gz").read_bytes()
    assert packed[:2] == b"\x1f\x8b" and gzip.decompress(packed) == plain
    unzipped = subprocess.run(["gzip", "-dc"], input=packed, capture_output=True, check=True).stdout
    assert unzipped == plain
    sources = [r["source"] for r in records(tmp_path / "r.jsonl")]
    assert sources[0] == "packed.jsonl.gz:1" and sources[-1] == "plain.jsonl:3"  # walk order


def test_gzip_corpus_to_a_plain_file_and_to_stdout(tmp_path: Path) -> None:
    write_files(tmp_path, {"c.jsonl.gz": gzip.compress(corpus_bytes()), "c.jsonl": corpus_bytes()})
    assert clean(tmp_path / "c.jsonl", "-o", tmp_path / "expected.jsonl").exit_code == 1

    to_file = clean(tmp_path / "c.jsonl.gz", "-o", tmp_path / "got.jsonl")
    to_stdout = clean(tmp_path / "c.jsonl.gz")

    assert to_file.exit_code == to_stdout.exit_code == 1  # the invalid line

    assert (tmp_path / "got.jsonl").read_bytes() == (tmp_path / "expected.jsonl").read_bytes()
    assert to_stdout.stdout_bytes == (tmp_path / "expected.jsonl").read_bytes()


def test_stdin_is_read_as_jsonl_when_the_field_is_given() -> None:
    line = json.dumps({"id": 9, "body": HARBOUR, "text": "untouched"}).encode() + b"\n"
    result = clean("--field", "body", "--quiet", input=line)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout_bytes) == {
        "id": 9,
        "body": CHAIN.clean(HARBOUR).clean,
        "text": "untouched",
    }


def test_a_truncated_gzip_corpus_is_skipped_whole(tmp_path: Path) -> None:
    packed = gzip.compress(corpus_bytes() * 50)
    write_files(tmp_path / "raw", {"cut.jsonl.gz": packed[: len(packed) // 2], "ok.txt": HARBOUR})
    report = tmp_path / "r.jsonl"

    result = clean(tmp_path / "raw", "-o", tmp_path / "out", "--report", report)

    assert result.exit_code == 1
    assert "cleaner: error: cut.jsonl.gz: cannot read: " in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ok.txt"]  # no partial corpus
    assert {r["source"] for r in records(report)} == {"ok.txt"}  # and no records for it


PIECES = [HARBOUR, COUNCIL, MARKET, TRAP, APPEAL, "open image in gallery A quiet street ( PA )", "\n\n", " "]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=40), max_size=6).map("".join)
corpus_records = st.lists(
    st.fixed_dictionaries(
        {"text": texts},
        optional={
            "id": st.integers() | st.text(max_size=8),
            "n": st.floats(allow_nan=False),
            "tags": st.lists(st.text()),
        },
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(corpus_records, st.integers(min_value=1, max_value=3000))
def test_corpus_cleaning_is_lossless_and_independent_of_chunking(
    records_in: list[dict], chunk_bytes: int
) -> None:
    lines = [json.dumps(record, ensure_ascii=False).encode() + b"\n" for record in records_in]
    whole = clean_chunk(Chunk("c.jsonl", 1, tuple(lines), False), CHAIN, "text")
    chunks = list(read_chunks(lines, "c.jsonl", compress=False, chunk_bytes=chunk_bytes))
    pieces = [clean_chunk(chunk, CHAIN, "text") for chunk in chunks]
    assert b"".join(p.data for p in pieces) == whole.data  # chunking never changes the output
    assert b"".join(p.records for p in pieces) == whole.records
    report = list(read_records(whole.records.decode().split("\n")))  # JSONL lines end at \n only
    for number, (line, record) in enumerate(
        zip(whole.data.splitlines(keepends=True), records_in, strict=True), 1
    ):
        got = json.loads(line)
        assert {k: v for k, v in got.items() if k != "text"} == {
            k: v for k, v in record.items() if k != "text"
        }
        spans = [record_span(r) for r in report if r["source"] == f"c.jsonl:{number}"]
        assert cleaner.restore(got["text"], spans) == record["text"]  # every removed character is reported
        if not spans:
            assert line == lines[number - 1]  # unchanged records are copied byte for byte
        for r in report:
            if r["source"] == f"c.jsonl:{number}":
                assert r.get("id") == record.get("id")


def test_large_corpus_streams_through_a_subprocess(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "text": HARBOUR if i % 3 == 0 else COUNCIL}) + "\n" for i in range(3000)]
    write_files(tmp_path, {"c.jsonl": "".join(lines)})
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", "c.jsonl", "-o", "out.jsonl", "--jobs", "2", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    out = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in out] == list(range(3000))
    assert {json.loads(line)["text"] for line in out} == {CHAIN.clean(HARBOUR).clean, COUNCIL}


def test_a_mistyped_field_is_an_error_not_a_silent_copy(tmp_path: Path) -> None:
    source = tmp_path / "news.jsonl"
    source.write_bytes(corpus_bytes())
    result = CliRunner().invoke(
        app, ["clean", str(source), "-o", str(tmp_path / "out.jsonl"), "--field", "txt"]
    )
    assert result.exit_code == 1
    assert "cleaner: error: no record has a string field 'txt': nothing was cleaned" in result.stderr


def test_the_summary_is_one_line_unless_stats_are_asked_for(tmp_path: Path) -> None:
    source = tmp_path / "news.jsonl"
    source.write_bytes(corpus_bytes())
    plain = CliRunner().invoke(app, ["clean", str(source), "-o", str(tmp_path / "a.jsonl")])
    stats = CliRunner().invoke(app, ["clean", str(source), "-o", str(tmp_path / "b.jsonl"), "--stats"])
    summary = [line for line in plain.stderr.splitlines() if not line.startswith("cleaner: error:")]
    # One line of counts, then only the warnings a run must not hide.
    assert summary[0].startswith("cleaner: 1 file cleaned")
    assert all(line.startswith("cleaner: warning:") for line in summary[1:])
    assert "spans removed:" in stats.stderr and "  tidy/whitespace" in stats.stderr
