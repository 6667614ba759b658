"""The fixtures in fixtures/, and the seed article from the shared data folder."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner.io.decode import decode_bytes
from cleaner.report.records import write_records

REPO = Path(__file__).resolve().parents[1]
FIXTURES = sorted(path for path in (REPO / "fixtures").iterdir() if (path / "input.txt").is_file())
# Fixtures whose whole point is that nothing is removed: a regenerated expected.txt that
# differs from the input is a regression, not a new expectation.
UNTOUCHED = {"no-boilerplate", "traps-kept"}
CHAIN = cleaner.load_chain()


def test_the_fixture_set_covers_the_shapes_we_promise() -> None:
    names = {path.name for path in FIXTURES}
    assert (
        UNTOUCHED | {"seed-shape", "glued-date-header", "glued-appeal-letter", "crlf-line-endings"} <= names
    )


@pytest.mark.parametrize("case", FIXTURES, ids=lambda path: path.name)
def test_fixture(case: Path) -> None:
    text = decode_bytes((case / "input.txt").read_bytes()).text
    result = cleaner.clean_text(text, CHAIN)
    assert result.clean.encode("utf-8") == (case / "expected.txt").read_bytes()
    report = io.StringIO()
    # As the command line writes it: with the checksums of the clean text and of the original,
    # which restore checks.
    source = (case / "input.txt").relative_to(REPO).as_posix()
    write_records(report, source, result.spans, clean=result.clean, original=text)
    assert report.getvalue() == (case / "report.jsonl").read_text(encoding="utf-8")
    assert cleaner.restore(result.clean, result.spans) == text
    assert cleaner.clean_text(result.clean, CHAIN).spans == []
    if case.name in UNTOUCHED:
        assert result.clean == text


# --- the seed article ------------------------------------------------------------------------

SEED_REMOVED_LINES = {1, 9, 19, 29}


def test_seed_through_the_command_line(seed_path: Path, tmp_path: Path) -> None:
    data = seed_path.read_bytes()
    report = tmp_path / "removed.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", "--report", str(report)],
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = data.decode("utf-8")
    lines = text.split("\n")
    # Paragraphs are single lines separated by one blank line; the clean text keeps exactly
    # the article's lines, unchanged, separated the same way.
    kept = [line for number, line in enumerate(lines, 1) if line and number not in SEED_REMOVED_LINES]
    assert done.stdout.decode("utf-8") == "\n\n".join(kept) + ("\n" if text.endswith("\n") else "")
    assert all(not lines[number] for number in range(1, len(lines), 2)), (
        "seed paragraphs alternate with blanks"
    )

    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert records
    for record in records:
        assert record["source"] == "<stdin>"
        assert text[record["start"] : record["end"]] == record["text"]
        assert record["line"] == text.count("\n", 0, record["start"]) + 1
    boilerplate = [r for r in records if r["rule"] != "tidy/whitespace"]
    assert {r["line"] for r in boilerplate} == SEED_REMOVED_LINES

    [date] = [r for r in boilerplate if r["rule"] == "dates/date-header"]
    assert date["captures"]["date"] == re.search(r"\d{4}-\d{2}-\d{2}", lines[0]).group()
    captions = [r for r in boilerplate if r["rule"] == "captions/gallery-caption"]
    assert [r["line"] for r in captions] == [9, 19, 29]
    for caption in captions:
        line = lines[caption["line"] - 1]
        assert caption["text"] == line
        assert caption["captures"]["credit"] == line[line.rindex("(") + 1 : line.rindex(")")].strip()
    spans = [cleaner.report.records.record_span(r) for r in records]
    assert cleaner.restore(done.stdout.decode("utf-8"), spans) == text
