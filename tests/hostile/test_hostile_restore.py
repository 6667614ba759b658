"""restore never trusts the report blindly: a report or a clean file edited since is refused with
one error line and nothing written, a JSONL corpus is restored record by record, and file names
that are not UTF-8 go through the report and back."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_cli import PLAIN, SEED, assert_sound, cleaner, write

from cleaner.batch.journal import Companions


def records_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def write_records(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), "utf-8")


def assert_restore_refused(run, mention: str) -> None:
    assert_sound(run)
    assert run.status == 1, run.stderr
    assert run.stderr.count("\n") == 1 and len(run.error_lines) == 1, run.stderr
    assert mention in run.error_lines[0], run.stderr
    assert run.created() == [] and run.changed() == []


# --- 8. an edited report ------------------------------------------------------------------------


def same_length_edit(records: list[dict]) -> None:
    """A removed text changed into another of the same length, on no new line."""
    appeal = next(record for record in records if record["rule"].startswith("appeals/"))
    assert "Read more" in appeal["text"]
    appeal["text"] = appeal["text"].replace("Read more", "Read mora", 1)


def shifted_pair(records: list[dict]) -> None:
    """A caption and the whitespace after it moved one character on, still on their line."""
    rules = [record["rule"] for record in records]
    caption = rules.index("captions/gallery-caption")
    for record in records[caption : caption + 2]:
        record["start"] += 1
        record["end"] += 1


@pytest.mark.parametrize("edit", [same_length_edit, shifted_pair], ids=["same-length-text", "shifted-pair"])
def test_restore_refuses_a_report_edited_since(tmp_path: Path, edit) -> None:
    write(tmp_path, {"a.txt": SEED})
    assert cleaner(tmp_path, "clean", "a.txt", "-o", "a.clean.txt", "--report", "r.jsonl").status == 0
    records = records_of(tmp_path / "r.jsonl")
    edit(records)
    write_records(tmp_path / "r.jsonl", records)

    run = cleaner(tmp_path, "restore", "a.clean.txt", "--report", "r.jsonl", "-o", "back.txt")

    assert_restore_refused(run, "a.clean.txt: the report's records do not rebuild the original")


def test_a_tree_restores_every_file_but_the_one_whose_records_were_edited(tmp_path: Path) -> None:
    write(tmp_path, {"raw/a.txt": SEED, "raw/b.txt": SEED.replace(b"Monday", b"Friday"), "raw/c.txt": PLAIN})
    assert cleaner(tmp_path, "clean", "raw", "-o", "out", "--report", "r.jsonl", "-j", "1", "-q").status == 0
    records = records_of(tmp_path / "r.jsonl")
    same_length_edit([record for record in records if record["source"] == "b.txt"])
    write_records(tmp_path / "r.jsonl", records)

    run = cleaner(tmp_path, "restore", "out", "--report", "r.jsonl", "-o", "back")

    assert_sound(run)
    assert run.status == 1 and len(run.error_lines) == 1, run.stderr
    assert "out/b.txt: the report's records do not rebuild the original" in run.error_lines[0]
    assert (tmp_path / "back/a.txt").read_bytes() == SEED
    assert (tmp_path / "back/c.txt").read_bytes() == PLAIN
    assert not (tmp_path / "back/b.txt").exists()


def test_restore_refuses_the_report_of_a_run_that_was_stopped(tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": SEED})
    assert cleaner(tmp_path, "clean", "a.txt", "-o", "a.clean.txt", "--report", "r.jsonl").status == 0
    Companions(tmp_path / "r.jsonl").journal.write_text('"a.txt"\n')  # as a stopped re-run leaves it

    run = cleaner(tmp_path, "restore", "a.clean.txt", "--report", "r.jsonl", "-o", "back.txt")

    assert_restore_refused(run, "r.jsonl: a run writing it was stopped")


# --- 9. a JSONL corpus --------------------------------------------------------------------------

CORPUS = [
    {"id": "one", "text": SEED.decode(), "lang": "en", "score": 0.75},
    {"id": "two", "text": PLAIN.decode()},
    {"text": SEED.decode().replace("Monday", "Friday"), "meta": {"tags": ["pier", "\u00e9t\u00e9"]}},
]


def corpus_bytes(records: list[dict]) -> bytes:
    lines = [json.dumps(record, ensure_ascii=False).encode() + b"\n" for record in records]
    return b"".join([*lines[:2], b"\n", b'{"broken": \n', *lines[2:]])  # a blank line, an invalid one


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
@pytest.mark.parametrize("records", [CORPUS, CORPUS[:2]], ids=["two-changed", "one-changed"])
def test_a_corpus_is_restored_record_by_record(tmp_path: Path, suffix: str, records: list[dict]) -> None:
    data = corpus_bytes(records)
    write(tmp_path, {f"c{suffix}": gzip.compress(data) if suffix.endswith(".gz") else data})
    cleaned = cleaner(tmp_path, "clean", f"c{suffix}", "-o", f"clean{suffix}", "--report", "r.jsonl", "-q")
    assert cleaned.status == 1, cleaned.stderr  # the invalid line, kept as it is

    run = cleaner(tmp_path, "restore", f"clean{suffix}", "--report", "r.jsonl", "-o", f"back{suffix}")

    assert_sound(run)
    assert run.status == 0, run.stderr
    back = (tmp_path / f"back{suffix}").read_bytes()
    back = gzip.decompress(back) if suffix.endswith(".gz") else back
    assert len(back.splitlines()) == len(data.splitlines())
    for got, expected in zip(back.splitlines(), data.splitlines(), strict=True):
        try:
            assert json.loads(got) == json.loads(expected)  # the same values, as JSON again
        except ValueError:
            assert got == expected  # a blank line, a line that is not JSON: as they were


def test_a_corpus_with_an_edited_record_or_report_is_refused_and_nothing_written(tmp_path: Path) -> None:
    write(tmp_path, {"c.jsonl": corpus_bytes(CORPUS)})
    assert cleaner(tmp_path, "clean", "c.jsonl", "-o", "clean.jsonl", "--report", "r.jsonl", "-q").status == 1
    clean_lines = (tmp_path / "clean.jsonl").read_bytes().splitlines(keepends=True)
    edited = json.loads(clean_lines[4])
    edited["text"] = edited["text"].replace("engineers", "Engineers")
    (tmp_path / "edited.jsonl").write_bytes(b"".join([*clean_lines[:4], json.dumps(edited).encode() + b"\n"]))
    records = records_of(tmp_path / "r.jsonl")
    same_length_edit(records)
    write_records(tmp_path / "edited-report.jsonl", records)

    text = cleaner(tmp_path, "restore", "edited.jsonl", "--report", "r.jsonl", "-o", "back.jsonl")
    report = cleaner(tmp_path, "restore", "clean.jsonl", "--report", "edited-report.jsonl", "-o", "b.jsonl")
    to_stdout = cleaner(tmp_path, "restore", "edited.jsonl", "--report", "r.jsonl")

    assert_restore_refused(text, "edited.jsonl:5: edited since the report was written")
    assert_restore_refused(report, "clean.jsonl:1: the report's records do not rebuild the original")
    assert_restore_refused(to_stdout, "edited.jsonl:5: edited since")
    assert to_stdout.stdout == b""  # not the records before the bad one either


def test_a_tree_with_a_corpus_in_it_is_restored(tmp_path: Path) -> None:
    write(tmp_path, {"raw/a.txt": SEED, "raw/news/c.jsonl.gz": gzip.compress(corpus_bytes(CORPUS))})
    assert cleaner(tmp_path, "clean", "raw", "-o", "out", "--report", "r.jsonl", "-j", "1", "-q").status == 1

    run = cleaner(tmp_path, "restore", "out", "--report", "r.jsonl", "-o", "back")

    assert_sound(run)
    assert run.status == 0, run.stderr
    assert (tmp_path / "back/a.txt").read_bytes() == SEED
    back = gzip.decompress((tmp_path / "back/news/c.jsonl.gz").read_bytes()).splitlines()
    assert [json.loads(back[i])["text"] for i in (0, 1, 4)] == [record["text"] for record in CORPUS]


# --- 14. file names that are not UTF-8 -----------------------------------------------------------

NAME = b"caf\xe9 \xff.txt"  # Latin-1 bytes: not UTF-8


@pytest.mark.skipif(os.uname().sysname == "Darwin", reason="macOS refuses file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_cleaned_reported_and_restored(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path / "raw")
    os.makedirs(raw)
    for name, data in ((b"a.txt", SEED), (NAME, SEED.replace(b"Monday", b"Friday")), (b"z.txt", SEED)):
        with open(os.path.join(raw, name), "wb") as handle:
            handle.write(data)
    with open(os.path.join(raw, b"photo \xff.txt"), "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    run = cleaner(tmp_path, "clean", "raw", "-o", "out", "--report", "r.jsonl", "--summary", "s.json", "-j1")

    assert_sound(run)
    assert run.status == 1, run.stderr  # the PNG, named on one line
    assert run.error_lines == ["cleaner: error: photo \\udcff.txt: binary file (PNG image)"]
    report = (tmp_path / "r.jsonl").read_bytes()
    report.decode("utf-8")  # valid UTF-8 ...
    sources = {json.loads(line)["source"] for line in report.splitlines()}  # ... and valid JSON
    assert sources == {"a.txt", os.fsdecode(NAME), "z.txt"}
    assert b'"source": "caf\\udce9 \\udcff.txt"' in report  # the bytes, as JSON escapes
    summary = json.loads((tmp_path / "s.json").read_bytes().decode("utf-8"))
    assert summary["skipped"] == [{"source": "photo \udcff.txt", "reason": "binary file (PNG image)"}]

    restored = cleaner(tmp_path, "restore", "out", "--report", "r.jsonl", "-o", "back")

    assert restored.status == 0, restored.stderr
    with open(os.path.join(os.fsencode(tmp_path / "back"), NAME), "rb") as handle:
        assert handle.read() == SEED.replace(b"Monday", b"Friday")


# --- 13. restore reads the report as a stream ----------------------------------------------------


def test_a_corpus_restore_holds_one_records_spans_not_the_report(tmp_path: Path) -> None:
    """Each restored line is written before the report's records of later lines are read."""
    from cleaner.report.corpus import restore_corpus

    lines = [json.dumps({"id": n, "text": SEED.decode()}).encode() + b"\n" for n in range(50)]
    write(tmp_path, {"raw.jsonl": b"".join(lines)})
    run = cleaner(tmp_path, "clean", "raw.jsonl", "-o", "clean.jsonl", "--report", "r.jsonl", "-q")
    assert run.status == 0, run.stderr
    report = records_of(tmp_path / "r.jsonl")
    read = 0

    def streamed() -> Iterator[dict]:
        nonlocal read
        for record in report:
            read += 1
            yield record

    class Out(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            line = self.getvalue().count(b"\n") + 1
            ahead = [r for r in report[:read] if int(r["source"].rsplit(":", 1)[1]) > line + 1]
            assert not ahead, f"line {line} written after reading records of line {ahead[0]['source']}"
            return super().write(data)

    out = Out()
    with open(tmp_path / "clean.jsonl", "rb") as clean:
        assert restore_corpus(clean, streamed(), "text", out, "clean.jsonl") == 50
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [json.loads(line) for line in lines]


def test_a_report_out_of_input_order_is_refused_with_one_line(tmp_path: Path) -> None:
    lines = [json.dumps({"id": n, "text": SEED.decode()}).encode() + b"\n" for n in range(3)]
    write(tmp_path, {"raw.jsonl": b"".join(lines)})
    cleaner(tmp_path, "clean", "raw.jsonl", "-o", "clean.jsonl", "--report", "r.jsonl", "-q")
    records = records_of(tmp_path / "r.jsonl")
    write_records(tmp_path / "r.jsonl", list(reversed(records)))

    run = cleaner(tmp_path, "restore", "clean.jsonl", "--report", "r.jsonl", "-o", "back.jsonl")

    assert_restore_refused(run, "clean.jsonl: the report names line 2 after line 3 (not input order)")
