"""Report records (JSONL) and restoring the original from clean text + spans."""

from __future__ import annotations

import io
import json

import pytest

import cleaner
from cleaner.core.result import Span
from cleaner.report.records import (
    RestoreError,
    read_records,
    record_span,
    restore,
    span_record,
    write_records,
)

TEXT = (
    "date 2022-11-30 Snow closed the mountain road on Tuesday.\n\n"
    "open image in gallery A plough on the pass ( Marta Rossi/Alpine Photo )\n\n"
    "Drivers waited for hours at the café below the pass.\n"
)


def test_records_carry_every_field_and_round_trip_through_json() -> None:
    result = cleaner.clean_text(TEXT, cleaner.load_chain())
    out = io.StringIO()
    assert write_records(out, "raw/snow.txt", result.spans) == len(result.spans)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(result.spans)
    records = [json.loads(line) for line in lines]
    assert list(records[0]) == ["source", "rule", "start", "end", "line", "text", "captures"]
    assert {r["source"] for r in records} == {"raw/snow.txt"}
    for record in records:
        assert TEXT[record["start"] : record["end"]] == record["text"]
    caption = next(r for r in records if r["rule"] == "captions/gallery-caption")
    assert caption["line"] == 3
    assert caption["captures"] == {"credit": "Marta Rossi/Alpine Photo"}
    assert [record_span(r) for r in read_records(lines)] == result.spans


def test_records_keep_non_ascii_text_readable() -> None:
    out = io.StringIO()
    write_records(out, "a.txt", [Span("demo/more", 0, 9, "Café “x”", 1)])
    assert "Café “x”" in out.getvalue()


def test_span_record_is_the_inverse_of_record_span() -> None:
    span = Span("demo/x", 3, 8, "hello", 2, {"k": "v"})
    assert record_span(span_record("s", span)) == span


def test_read_records_skips_blank_lines_and_names_a_bad_line() -> None:
    good = json.dumps(span_record("a", Span("demo/x", 0, 1, "x", 1)))
    assert len(list(read_records([good, "", "  \n", good]))) == 2
    with pytest.raises(RestoreError, match="report line 2 is not valid JSON"):
        list(read_records([good, "{not json"]))


def test_restore_rebuilds_the_original_from_clean_text_and_spans() -> None:
    result = cleaner.clean_text(TEXT, cleaner.load_chain())
    assert result.clean != TEXT
    assert restore(result.clean, result.spans) == TEXT
    # Order of the records does not matter.
    assert restore(result.clean, list(reversed(result.spans))) == TEXT


def test_restore_with_no_spans_is_the_clean_text() -> None:
    assert restore("Nothing removed.", []) == "Nothing removed."


def test_restore_refuses_overlapping_or_malformed_spans() -> None:
    with pytest.raises(RestoreError, match="overlaps another or is malformed"):
        restore("ab", [Span("r/x", 0, 3, "xyz"), Span("r/y", 2, 4, "zz")])
    with pytest.raises(RestoreError, match="malformed"):
        restore("ab", [Span("r/x", 0, 3, "xy")])


def test_restore_refuses_a_clean_text_shorter_than_the_report_expects() -> None:
    result = cleaner.clean_text(TEXT, cleaner.load_chain())
    with pytest.raises(RestoreError, match="shorter than the report expects"):
        restore(result.clean[:10], result.spans)
