"""Inputs that are not all in one encoding: read line by line, stray bytes kept, never mojibake."""

# Typographic quotes are the point of these texts.
# ruff: noqa: RUF001

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.batch.large import StreamTask, run_stream
from cleaner.batch.settings import Settings
from cleaner.batch.tasks import DocResult, DocTask, run_doc
from cleaner.core.guard import DEFAULT_MAX_REMOVED
from cleaner.io import stream as stream_io
from cleaner.io.decode import DecodeError, decode_bytes
from cleaner.io.segments import REPLACED_RULE, LineDecoder
from cleaner.report.records import read_records
from cleaner.report.restore import original_bytes, restore_document

CHAIN = cleaner.load_chain()
GUARDED = Settings(CHAIN, max_removed=DEFAULT_MAX_REMOVED)

# Written for these tests: French and German news lines with accents, quotes and dashes.
FRENCH = [
    "Le conseil municipal a déclaré jeudi que la rénovation du théâtre serait achevée en été.",
    "« Nous avons fait le nécessaire », a précisé l’adjointe chargée de la culture.",
    "Les travaux ont coûté 4,2 millions d’euros – deux fois plus que prévu.",
]
GERMAN = "Die Straße am Fluss bleibt bis Mittwoch gesperrt, teilte die Stadtverwaltung mit."
READ_MORE = "open image in gallery The theatre’s new façade at dusk ( AFP/Getty )"


def utf8_then_cp1252(utf8_lines: int = 20, cp1252_lines: int = 20) -> tuple[bytes, str]:
    """UTF-8 lines followed by cp1252 lines, as text pasted from two editors gives; and its text."""
    first = [FRENCH[i % 3] for i in range(utf8_lines)]
    second = [FRENCH[(i + 1) % 3] for i in range(cp1252_lines)]
    data = "".join(f"{line}\n" for line in first).encode() + "".join(f"{line}\n" for line in second).encode(
        "cp1252"
    )
    return data, "".join(f"{line}\n" for line in first + second)


def test_utf8_lines_then_cp1252_lines_each_decode_in_their_own_encoding() -> None:
    data, text = utf8_then_cp1252()
    decoded = decode_bytes(data)
    assert decoded.text == text
    assert "Ã" not in decoded.text
    assert decoded.encoding in ("utf-8+cp1252", "utf-8+iso8859-15", "utf-8+iso8859-1")
    assert decoded.replaced == ()


def test_a_page_declaring_latin1_with_a_utf8_body_and_one_stray_byte_reads_as_utf8() -> None:
    body = "".join(f"<p>{line}</p>\n" for line in FRENCH * 5)
    page = (
        '<!DOCTYPE html><html><head><meta charset="iso-8859-1"><title>Théâtre</title></head>\n'
        f"<body><article>\n{body}<p>Mis à jour\xa0: jeudi</p>\n</article></body></html>\n"
    )
    data = page.encode().replace("Mis à jour\xa0".encode(), b"Mis \xe0 jour\xa0")  # one cp1252 byte
    decoded = decode_bytes(data)
    assert decoded.html
    assert decoded.encoding == "utf-8+cp1252"
    assert decoded.text.splitlines()[:3] == FRENCH
    assert "Mis à jour" in decoded.text


def test_a_utf8_text_with_stray_bytes_is_cleaned_with_a_warning_and_restored_byte_for_byte(
    run_cleaner, tmp_path: Path
) -> None:
    lines = [READ_MORE, *FRENCH, GERMAN] * 3
    data = "".join(f"{line}\n\n" for line in lines).encode()
    data = data.replace(b"travaux", b"trav\xffaux", 1).replace(b"Fluss", b"Flu\xfe\xfess", 1)
    source, clean, report = tmp_path / "a.txt", tmp_path / "a.clean.txt", tmp_path / "a.jsonl"
    source.write_bytes(data)

    done = run_cleaner("clean", source, "-o", clean, "--report", report)

    assert done.returncode == 0, done.stderr
    assert done.stderr.decode() == (
        f"cleaner: warning: {source}: 3 undecodable bytes replaced by U+FFFD "
        "(--report keeps the bytes, rule decode/replaced)\n"
    )
    assert "trav\ufffdaux" in clean.read_text(encoding="utf-8")
    records = list(read_records(report.read_text(encoding="utf-8").splitlines()))
    replaced = [r for r in records if r["rule"] == REPLACED_RULE]
    assert [r["captures"]["bytes"] for r in replaced] == ["ff", "fefe"]
    assert records[-2:] == replaced  # after the removed spans
    restored = tmp_path / "restored.txt"
    assert run_cleaner("restore", clean, "--report", report, "-o", restored).returncode == 0
    assert restored.read_bytes() == data


def test_a_stray_byte_inside_a_removed_line_still_restores_byte_for_byte(tmp_path: Path) -> None:
    data = (READ_MORE.replace("dusk", "d\xfcsk") + "\n\n" + FRENCH[0] + " Caf\u00e9.\n").encode()
    data = data.replace("d\xfcsk".encode(), b"d\xfcsk")
    result = run_doc(DocTask(str(tmp_path / "a.txt"), None, data), GUARDED)
    assert result.problem is None
    assert b"open image" not in result.clean
    records = list(read_records(result.records.decode().splitlines()))
    original = restore_document(result.clean.decode(), records)
    assert original_bytes(original, records) == data


def test_restore_refuses_a_report_whose_replaced_bytes_do_not_fit() -> None:
    data = "Café on the quay, déjà vu, and a stray byte here.\n".encode().replace(b"stray", b"\xff")
    decoded = decode_bytes(data)
    [run] = decoded.replaced
    record = {
        "source": "a",
        "rule": REPLACED_RULE,
        "start": run.offset + 1,
        "end": run.offset + 1,
        "line": 1,
        "text": "",
        "captures": {"bytes": "ff"},
    }
    with pytest.raises(cleaner.report.records.RestoreError, match="no U\\+FFFD at offset"):
        restore_document(decoded.text, [record])


def test_mostly_undecodable_input_is_still_refused() -> None:
    data = "Café.\n".encode() + bytes(range(0x80, 0x100)) * 40  # UTF-8 first, then no encoding at all
    with pytest.raises(DecodeError, match="--encoding"):
        decode_bytes(data)


def test_a_pure_legacy_input_is_reported_with_its_codec_alone() -> None:
    text = "".join(f"{line}\n" for line in FRENCH * 30)
    decoded = decode_bytes(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


def test_a_mixed_input_is_counted_under_its_mixed_encoding_in_the_summary(
    tmp_path: Path, run_cleaner
) -> None:
    tree = tmp_path / "in"
    tree.mkdir()
    (tree / "mixed.txt").write_bytes(utf8_then_cp1252()[0])
    (tree / "plain.txt").write_text("A plain line.\n", encoding="utf-8")
    summary = tmp_path / "summary.json"
    done = run_cleaner("clean", tree, "-o", tmp_path / "out", "--summary", summary, "--jobs", "1")
    assert done.returncode == 0, done.stderr
    encodings = json.loads(summary.read_text())["encodings"]
    assert set(encodings) in (
        {"utf-8", "utf-8+cp1252"},
        {"utf-8", "utf-8+iso8859-15"},
        {"utf-8", "utf-8+iso8859-1"},
    )
    assert b"mixed encodings: lines that are valid UTF-8 read as UTF-8" in done.stderr


def streamed(data: bytes, settings_: Settings, block: int) -> DocResult:
    with mock.patch.object(stream_io, "READ_BYTES", block):
        result = run_stream(
            StreamTask("<stdin>", None, [data[:5], data[5:]]), settings_, window=300, margin=200
        )
    files = {}
    for name in ("clean", "records"):
        handle = getattr(result, name)
        if not isinstance(handle, bytes):
            handle.seek(0)
            files[name] = handle.read()
    result.close()
    return result._replace(**files)


@pytest.mark.parametrize("block", [3, 64, 4096])
@pytest.mark.parametrize(
    "data",
    [
        utf8_then_cp1252()[0],
        utf8_then_cp1252(2, 50)[0],
        b"".join(f"{line}\n\n".encode() for line in [READ_MORE, *FRENCH] * 20).replace(b"Le ", b"L\xff ", 3),
        (READ_MORE + "\n\n" + GERMAN + "\n").encode() * 30 + b"\x81 " + GERMAN.encode("cp1252"),
    ],
    ids=["utf8-then-cp1252", "mostly-cp1252", "stray-bytes", "stray-at-the-end"],
)
def test_the_large_input_path_decodes_exactly_as_the_whole_document_path(data: bytes, block: int) -> None:
    whole = run_doc(DocTask("<stdin>", None, data), GUARDED)
    assert whole.problem is None
    stream = streamed(data, GUARDED, block)
    assert stream._replace(input_sha256=None) == whole._replace(diff=b"", input_sha256=None)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_bytes_decode_or_raise_decode_error_only(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except DecodeError:
        return
    assert decoded.text.count("\ufffd") >= len(decoded.replaced)


LINES = st.sampled_from(
    [f"{line}\n".encode() for line in [READ_MORE, *FRENCH]]
    + [f"{line}\n".encode("cp1252") for line in FRENCH]
    + [GERMAN.encode() + b"\n", b"\xff\xfe stray\n", b"ASCII only.\n", b"\r\n", b"\xe2\x82", b"\x81"]
)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(LINES, max_size=40))
def test_what_is_cleaned_restores_from_the_report_to_the_original(lines: list[bytes]) -> None:
    data = b"".join(lines)
    result = run_doc(DocTask("a.txt", None, data), Settings(CHAIN))
    if result.problem:
        assert not result.problem.startswith("internal error"), result.problem
        return
    records = list(read_records(result.records.decode().splitlines()))
    original = restore_document(result.clean.decode(), records)
    assert original == decode_bytes(data).text
    if result.encoding == "utf-8":  # UTF-8 apart from the replaced bytes: byte for byte
        assert original_bytes(original, records) == data


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(LINES, min_size=1, max_size=40), block=st.sampled_from([1, 7, 4096]))
def test_streamed_mixed_inputs_give_the_whole_document_result(lines: list[bytes], block: int) -> None:
    data = b"".join(lines)
    whole = run_doc(DocTask("<stdin>", None, data), GUARDED)
    stream = streamed(data, GUARDED, block)
    if whole.problem:
        assert stream.problem == whole.problem
    else:
        assert stream._replace(input_sha256=None) == whole._replace(diff=b"", input_sha256=None)


def test_a_tree_with_stray_bytes_restores_byte_for_byte(run_cleaner, tmp_path: Path) -> None:
    raw, clean, report, back = (tmp_path / name for name in ("raw", "clean", "r.jsonl", "back"))
    (raw / "world").mkdir(parents=True)
    stray = "".join(f"{line}\n\n" for line in [READ_MORE, *FRENCH]).encode().replace(b"Le ", b"L\xfe ")
    (raw / "world" / "a.txt").write_bytes(stray)
    (raw / "b.txt").write_bytes(utf8_then_cp1252()[0])
    (raw / "c.txt").write_text("Nothing to remove here.\n", encoding="utf-8")
    done = run_cleaner("clean", raw, "-o", clean, "--report", report, "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert b"world/a.txt: 1 undecodable byte replaced by U+FFFD" in done.stderr
    assert run_cleaner("restore", clean, "--report", report, "-o", back).returncode == 0
    assert (back / "world" / "a.txt").read_bytes() == stray
    assert (back / "b.txt").read_text(encoding="utf-8") == utf8_then_cp1252()[1]  # the text, in UTF-8
    assert (back / "c.txt").read_bytes() == (raw / "c.txt").read_bytes()


def test_the_bare_pipe_warns_as_the_full_command_does(run_cleaner) -> None:
    data = "".join(f"{line}\n" for line in FRENCH).encode().replace(b"travaux", b"trav\xffaux")
    piped = run_cleaner("clean", stdin=data)
    full = run_cleaner("clean", "--max-removed", "0.5", stdin=data)
    assert piped.returncode == full.returncode == 0
    assert piped.stdout == full.stdout
    assert (
        piped.stderr
        == full.stderr
        == (
            b"cleaner: warning: <stdin>: 1 undecodable byte replaced by U+FFFD "
            b"(--report keeps the bytes, rule decode/replaced)\n"
        )
    )


def test_decoding_stops_as_soon_as_too_many_bytes_would_be_replaced() -> None:
    from cleaner.io.segments import TooManyReplaced

    decoder = LineDecoder(None, limit=10)
    with pytest.raises(TooManyReplaced):
        decoder.decode(b"ok\n" + b"\xff ok \xfe\n" * 6 + b"never read\n" * 1000, final=True)
    assert decoder.replaced_bytes == 11
    big = "Café.\n".encode() + bytes(range(0x80, 0x100)) * 80_000  # 10 MB that is no encoding at all
    with pytest.raises(DecodeError, match="--encoding"):
        decode_bytes(big)
