"""A long input cleaned in windows gives exactly the whole-document result."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from cleaner import clean_text, load_chain
from cleaner.cli import STREAM_BYTES
from cleaner.decode import DecodeError
from cleaner.stream import clean_parts, decode_chunks

CHAIN = load_chain()
# Longer than any match in texts made of PARAGRAPHS (each appeal's end is in its paragraph),
# which is what the stream's margin must be; small, so that texts cut into many windows.
MARGIN = 600

PARAGRAPHS = [
    "The council approved the harbour plan on Monday after a long debate.\n\n",
    "“We will keep listening,” said Zoë Müller, the mayor.\n\n",
    "open image in gallery Boats in the harbour at dawn ( PA )\n\n",
    "Your support helps us to tell the story Read more Support Now "
    "Our reporters are on the ground. Your support makes all the difference. Read more\n\n",
    "Your support helps us to tell the story\n\nSupport Now\n\nIt is free to read.\n\n"
    "Your support makes all the difference.Sir: the council met again.\n\n",
    "Support Now\n\n",
    "date 2024-05-06 The first line of a story glued to its date.\n",
    "Support independent journalism\n",
    "\n\n\n",
    "   \t \n",
    "A line without an ending",
]


def _whole_and_streamed(text: str, window: int):
    whole = clean_text(text, CHAIN)
    parts = list(clean_parts(iter([text[i : i + 997] for i in range(0, len(text), 997)]), CHAIN,
                             window=window, margin=MARGIN))
    streamed_spans = [span for part in parts for span in part.spans]
    return whole, "".join(part.clean for part in parts), streamed_spans, len(parts)


@settings(max_examples=150, deadline=None)
@given(
    paragraphs=st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=40),
    repeat=st.integers(1, 60),
    window=st.integers(300, 3000),
)
def test_windows_give_the_whole_document_result(paragraphs: list[str], repeat: int, window: int) -> None:
    text = "".join(paragraphs) * repeat
    whole, clean, spans, count = _whole_and_streamed(text, window)
    event(f"windows: {min(count, 3)}")
    assert clean == whole.clean
    assert spans == whole.spans


def test_a_long_document_is_really_cut_into_windows() -> None:
    text = "date 2024-05-06\n\n" + "".join(PARAGRAPHS[i % 8] for i in range(3000))
    whole, clean, spans, count = _whole_and_streamed(text, 20_000)
    assert count > 5
    assert clean == whole.clean and spans == whole.spans
    assert spans[0].rule == "dates/date-header"


def test_decoding_chunks_reports_the_offset_of_a_bad_byte() -> None:
    data = "é".encode() * 10 + b"\xff" + b"x" * 10
    with pytest.raises(DecodeError, match=r"byte 20\b"):
        list(decode_chunks(data[:7], io.BytesIO(data[7:])))


def test_decoding_chunks_follows_a_byte_order_mark() -> None:
    data = "café au lait".encode("utf-16")  # with its byte-order mark
    assert "".join(decode_chunks(data[:5], io.BytesIO(data[5:]))) == "café au lait"


def _big_article_file(path: Path) -> str:
    text = "".join(PARAGRAPHS[i % 9] for i in range(STREAM_BYTES // 60))
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > STREAM_BYTES
    return text


def test_cli_streams_a_large_file_with_the_whole_document_result(tmp_path: Path) -> None:
    text = _big_article_file(tmp_path / "big.txt")
    out, report = tmp_path / "out.txt", tmp_path / "report.jsonl"
    command = [sys.executable, "-m", "cleaner", "clean", str(tmp_path / "big.txt"), "-o", str(out)]
    subprocess.run([*command, "--report", str(report)], check=True)
    whole = clean_text(text, CHAIN)
    assert out.read_text(encoding="utf-8") == whole.clean
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [(r["rule"], r["start"], r["end"], r["line"]) for r in records] == [
        (s.rule, s.start, s.end, s.line) for s in whole.spans
    ]


def test_cli_bad_byte_late_in_a_large_input_leaves_no_output(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    _big_article_file(big)
    with big.open("ab") as handle:
        handle.write(b"\nlate \xff byte\n")
    out = tmp_path / "out.txt"
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", str(big), "-o", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"cleaner: error: {big}: not valid UTF-8 (byte ")
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == [big]
