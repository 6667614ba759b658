"""Decoding: byte-order marks, UTF-16/32, chardet on a bounded window, binary files, --encoding."""

# Typographic quotes and dashes are the point of these texts.
# ruff: noqa: RUF001

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cleaner
from cleaner.io.decode import (
    CONFIDENCE_FLOOR,
    SAMPLE_BYTES,
    DecodeError,
    decode_bytes,
    looks_like_html,
    normalize_encoding,
)

# Written for these tests: English news prose with curly quotes and a dash, as cp1252 carries it.
PARAGRAPH = (
    "The harbour authority said on Friday that the ferry’s new timetable would start in May, "
    "after a winter of “unacceptable” cancellations – nine in January alone. Passengers on "
    "the early crossing said they’d believe it when they saw it.\n\n"
)
SHORT_CP1252 = "He said “no” and left.\n".encode("cp1252")


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def zip_bytes() -> bytes:
    """A real ZIP archive holding a text file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", PARAGRAPH * 20)
    return buffer.getvalue()


def seed_text(seed_path: Path) -> str:
    return seed_path.read_bytes().decode("utf-8")


def latin1_variant(text: str) -> str:
    """The seed with the curly quotes latin-1 lacks replaced by ones it has (' and « »)."""
    return text.replace("’", "'").replace("“", "«").replace("”", "»")


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("cp1252", "cp1252"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8-sig"), ("latin-1", "cp1252")],
)
def test_seed_in_other_encodings_cleans_to_the_same_utf8_article(
    seed_path, run_cleaner, tmp_path, encoding, reported
):
    text = seed_text(seed_path)
    if encoding == "latin-1":
        text = latin1_variant(text)
    expected = cleaner.clean_text(text, cleaner.load_chain()).clean.encode("utf-8")
    source = tmp_path / f"seed-{encoding}.txt"
    source.write_bytes(text.encode(encoding))
    report = tmp_path / "report.jsonl"

    done = run_cleaner("clean", source, "--report", report)

    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert records and all(record["encoding"] == reported for record in records)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32"])
def test_wide_unicode_with_or_without_byte_order_mark(seed_path, encoding):
    text = seed_text(seed_path)
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding == encoding


def test_utf8_without_a_bom_is_reported_as_plain_utf8(seed_path):
    assert decode_bytes(seed_path.read_bytes()).encoding == "utf-8"


def test_newline_style_is_kept():
    text = PARAGRAPH.replace("\n", "\r\n") * 3
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.text == text
    assert decoded.encoding == "cp1252"


def test_a_short_ambiguous_text_is_refused_unless_the_encoding_is_named():
    with pytest.raises(DecodeError, match=r"--encoding") as refused:
        decode_bytes(SHORT_CP1252)
    assert f"< {CONFIDENCE_FLOOR}" in str(refused.value)
    assert decode_bytes(SHORT_CP1252, encoding="windows-1252").text == "He said “no” and left.\n"


def test_a_named_unicode_encoding_still_drops_its_byte_order_mark():
    decoded = decode_bytes("café\n".encode("utf-8-sig"), encoding="utf-8")
    assert decoded.text == "café\n"
    assert decoded.encoding == "utf-8-sig"


def test_a_named_encoding_that_does_not_fit_names_the_byte():
    with pytest.raises(DecodeError, match=r"not valid utf-8 at byte 7"):
        decode_bytes(b"The caf\xe9s closed.\n", encoding="utf-8")


def test_unknown_encoding_names_are_refused():
    assert normalize_encoding("Latin-1") == "iso8859-1"
    for name in ("klingon", "base64", "rot13"):
        with pytest.raises(ValueError, match="unknown text encoding"):
            normalize_encoding(name)


def test_detection_looks_at_a_bounded_window_where_the_evidence_is(monkeypatch):
    import chardet

    windows: list[bytes] = []
    real_detect = chardet.detect

    def spy(window, **options):
        windows.append(window)
        return real_detect(window, **options)

    monkeypatch.setattr(chardet, "detect", spy)
    ascii_prefix = "Plain ASCII paragraph about the harbour and its ferries.\n" * 6000  # ~340 kB
    text = ascii_prefix + PARAGRAPH * 3000  # the first non-UTF-8 byte is far past the first window
    decoded = decode_bytes(text.encode("cp1252"))
    assert decoded.text == text
    assert decoded.encoding == "cp1252"
    [window] = windows
    assert len(window) <= SAMPLE_BYTES
    assert window.startswith(PARAGRAPH[:20].encode()) and window.endswith(b"\n")  # whole lines


def test_a_window_boundary_inside_a_multibyte_character_does_no_harm():
    sentence = "市議会は木曜日、学校給食の値上げを可決した。保護者からは反対の声が上がっている。"
    text = "x" + sentence * 2000  # one line; two-byte characters start at odd offsets
    data = text.encode("shift_jis")
    assert data[SAMPLE_BYTES - 1] >= 0x81  # the window ends after a lead byte
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert decoded.encoding == "shift_jis"


def test_a_byte_the_detected_encoding_lacks_is_replaced_and_kept_even_far_past_the_window():
    good = (PARAGRAPH * 1000).encode("cp1252")
    data = good + b"\x81" + PARAGRAPH.encode("cp1252")  # 0x81 is undefined in cp1252
    assert len(good) > SAMPLE_BYTES
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp1252"
    assert decoded.text == PARAGRAPH * 1000 + "\ufffd" + PARAGRAPH
    [run] = decoded.replaced
    assert (run.offset, run.data) == (len(PARAGRAPH) * 1000, b"\x81")


def test_more_than_one_percent_of_bytes_the_encoding_lacks_is_refused():
    good = (PARAGRAPH * 300).encode("cp1252")  # what detection sees: cp1252
    assert len(good) > SAMPLE_BYTES
    data = good + b"\x81and" * 1000  # then 1000 bytes cp1252 lacks
    assert 0.01 * len(data) < 1000
    with pytest.raises(DecodeError, match=r"^more than 1 % of the bytes are neither UTF-8 nor cp1252; name"):
        decode_bytes(data)
    few = decode_bytes(data[: len(good) + 4 * 500])  # 500 are few enough
    assert few.text.count("\ufffd") == 500
    assert len(few.replaced) == 500


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (png_bytes(), "PNG image"),
        (zip_bytes(), "ZIP archive"),
        (gzip.compress(PARAGRAPH.encode()), "gzip archive"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image"),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "GIF image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (PARAGRAPH.encode() + b"\x00\x00\x01\x02" + PARAGRAPH.encode(), "contains NUL bytes"),
        (bytes(range(1, 9)) * 500 + PARAGRAPH.encode(), "control characters"),
    ],
    ids=["png", "zip", "gzip", "jpeg", "gif", "pdf", "nul", "controls"],
)
def test_binary_inputs_are_refused_with_what_they_are(data, kind):
    with pytest.raises(DecodeError, match=rf"^binary file \((\d+% )?{kind}\)$"):
        decode_bytes(data)
    with pytest.raises(DecodeError, match=r"^binary file"):
        decode_bytes(data, encoding="latin-1")  # a named encoding does not let binary through


def test_a_few_control_characters_do_not_make_text_binary():
    text = "\x1b[1mBold\x1b[0m headline\f\n" + PARAGRAPH + "\x07\n"
    assert decode_bytes(text.encode()).text == text


@pytest.mark.parametrize(
    ("data", "kind"), [(png_bytes(), "PNG image"), (zip_bytes(), "ZIP archive")], ids=["png", "zip"]
)
def test_binary_files_named_txt_are_skipped_with_a_message(run_cleaner, tmp_path, data, kind):
    source = tmp_path / "article.txt"
    source.write_bytes(data)
    out = tmp_path / "clean.txt"

    done = run_cleaner("clean", source, "-o", out)

    assert done.returncode == 1
    assert done.stderr.decode() == f"cleaner: error: {source}: binary file ({kind})\n"
    assert not out.exists()


def test_unknown_encoding_on_the_command_line_is_a_usage_error(run_cleaner):
    done = run_cleaner("clean", "--encoding", "klingon", stdin=b"text\n")
    assert done.returncode == 2
    assert b"unknown text encoding 'klingon'" in done.stderr
    assert b"Traceback" not in done.stderr


def test_encoding_option_decodes_what_detection_refuses(run_cleaner):
    refused = run_cleaner("clean", stdin=SHORT_CP1252)
    assert refused.returncode == 1
    assert refused.stderr.startswith(b"cleaner: error: <stdin>: unknown encoding")
    named = run_cleaner("clean", "--encoding", "cp1252", stdin=SHORT_CP1252)
    assert named.returncode == 0
    assert named.stdout == "He said “no” and left.\n".encode()


def test_declared_html_charset_is_used_before_guessing():
    menu = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>\n' for n in range(60))
    page = (
        '<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; '
        f'charset=windows-1252"></head>\n<body><ul>\n{menu}</ul>\n'
        "<p>He said “no” and left.</p></body></html>\n"
    )
    data = page.encode("cp1252")
    assert data.index(b"\x93") > 1024  # the guessing window would not see the declaration
    assert decode_bytes(data, html=False).encoding == "cp1252"
    with pytest.raises(DecodeError, match="unknown encoding"):
        decode_bytes(data.replace(b"windows-1252", b"klingon"), html=False)


def test_html_is_recognised_by_extension_or_by_how_it_starts():
    assert looks_like_html("", "news/page.html") and looks_like_html("", Path("a.XHTML"))
    assert looks_like_html("\n<!-- saved page -->\n<!doctype HTML>\n<html>")
    assert looks_like_html('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">')
    assert not looks_like_html("<p>A fragment quoted in an article</p>", "notes.txt")
    assert not looks_like_html("The <html> element is the root of a page.")


def test_extracted_news_text_is_never_mistaken_for_binary_or_html(shared_path):
    docs = sorted(shared_path("eval/dev/docs", "the evaluation documents").glob("*.txt"))
    for path in docs:
        decoded = decode_bytes(path.read_bytes(), name=path)
        assert (decoded.encoding, decoded.html) == ("utf-8", False), path.name


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\n\r\t"))


@given(text=_TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_unicode_inputs_decode_to_exactly_their_text(text, encoding):
    decoded = decode_bytes(text.encode(encoding), html=False)
    assert decoded.text == text


def _imported_modules(stderr: bytes) -> set[str]:
    """Module names from ``python -X importtime`` output."""
    names = set()
    for line in stderr.decode().splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def _top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_plain_utf8_runs_import_neither_chardet_nor_trafilatura(run_cleaner, tmp_path):
    plain = run_cleaner("clean", stdin=PARAGRAPH.encode(), python_flags=("-X", "importtime"))
    assert plain.returncode == 0
    assert "cleaner.io.decode" in _imported_modules(plain.stderr)
    assert not _top_level(_imported_modules(plain.stderr)) & {"chardet", "trafilatura", "lxml"}

    legacy = run_cleaner("clean", stdin=PARAGRAPH.encode("cp1252"), python_flags=("-X", "importtime"))
    assert legacy.returncode == 0
    assert _top_level(_imported_modules(legacy.stderr)) >= {"chardet"}
    assert "trafilatura" not in _top_level(_imported_modules(legacy.stderr))


def test_encoding_option_through_the_typer_runner():
    from typer.testing import CliRunner

    from cleaner.commands.app import app

    named = CliRunner().invoke(app, ["clean", "--encoding", "cp1252"], input=SHORT_CP1252)
    assert (named.exit_code, named.stdout) == (0, "He said “no” and left.\n")
    unknown = CliRunner().invoke(app, ["clean", "--encoding", "klingon"], input=b"text\n")
    assert unknown.exit_code == 2
    assert "unknown text encoding 'klingon'" in unknown.output
