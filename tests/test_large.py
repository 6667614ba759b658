"""A single large input is cleaned in windows, with exactly the output and report of cleaning it whole."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from texts import APPEAL, COUNCIL, HARBOUR, MARKET, PNG, TRAP, guarded_chain

import cleaner
from cleaner.batch import large
from cleaner.batch.large import StreamTask, run_stream
from cleaner.batch.runner import BatchOptions, run
from cleaner.batch.settings import Settings
from cleaner.batch.tasks import STREAM_ABOVE, DocResult, DocTask, run_doc
from cleaner.commands.pipe import clean_pipe
from cleaner.core.guard import DEFAULT_MAX_REMOVED
from cleaner.core.result import GUARD_RULE
from cleaner.io import stream as stream_io
from cleaner.report.records import record_span

REPO = Path(__file__).resolve().parents[1]
CHAIN = cleaner.load_chain()
FIXTURES = sorted(REPO.glob("fixtures/*/input.txt")) + sorted(REPO.glob("fixtures/html/*/input.html"))
# Twice the longest block a rule may remove: no match in these texts is longer, which is all a
# window's margin needs (cleaner.core.windows); far below the real margin, so short texts get windows.
MARGIN = 2 * max(matcher.reach_back for matcher in CHAIN.matchers)
GUARDED = Settings(CHAIN, max_removed=DEFAULT_MAX_REMOVED)  # as the command line runs

PIECES = [
    HARBOUR,
    COUNCIL,
    MARKET + "\n\n",
    TRAP,
    f"{APPEAL}\n\n",
    "open image in gallery Fishing boats at dawn ( PA )\n\n",
    "Support Now\n\n",
    "“We will keep listening,” said Zoë Müller, the mayor, at the café on the quay.\n\n",
    "The ferry fare rises to €4.50 in June.\r\n\r\n",
    "\n\n\n",
    "   \t \n",
]
MOSTLY_CAPTIONS = "open image in gallery Crowds on the harbour wall at dusk ( AP )\n\nCafés shut.\n\n"


def materialized(result: DocResult) -> DocResult:
    """The result with its temporary files read into bytes (and deleted), to compare with run_doc's."""
    files = {}
    for name in ("clean", "records"):
        data = getattr(result, name)
        if not isinstance(data, bytes):
            data.seek(0)
            files[name] = data.read()
    result.close()
    return result._replace(**files)


def streamed(data: bytes, settings: Settings, window: int, source: str = "<stdin>") -> DocResult:
    task = StreamTask(source, None, [data[:5], data[5:]])
    return materialized(run_stream(task, settings, window=window, margin=MARGIN))


def assert_same(stream: DocResult, whole: DocResult) -> None:
    if whole.problem:
        assert stream.problem == whole.problem
    else:
        assert stream._replace(input_sha256=None) == whole._replace(diff=b"", input_sha256=None)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.parent.name)
@pytest.mark.parametrize("copies", [1, 30])
def test_fixtures_streamed_give_the_whole_document_result(path: Path, copies: int, tmp_path: Path) -> None:
    big = tmp_path / path.name
    big.write_bytes(path.read_bytes() * copies)
    source = str(big)
    whole = run_doc(DocTask(source, source), GUARDED)
    stream = materialized(run_stream(StreamTask(source, source), GUARDED, window=500, margin=MARGIN))
    assert_same(stream, whole)
    assert whole.problem is None


@settings(max_examples=60, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=30),
    windows=st.integers(0, 4),
    window=st.integers(1_000, 10_000),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]),
    named=st.booleans(),
    max_removed=st.sampled_from([None, 0.5, 0.1]),
    block=st.sampled_from([7, 4096, stream_io.READ_BYTES]),
)
def test_generated_texts_streamed_give_the_whole_document_result(
    pieces: list[str],
    windows: int,
    window: int,
    codec: str,
    named: bool,
    max_removed: float | None,
    block: int,
) -> None:
    text = "".join(pieces)
    text *= windows * (window + MARGIN) // len(text) + 1  # about that many windows
    data = text.encode(codec)
    options = Settings(CHAIN, encoding=codec if named else None, max_removed=max_removed)
    with mock.patch.object(stream_io, "READ_BYTES", block):  # blocks that cut characters and lines
        stream = streamed(data, options, window)
    event(f"guard: {bool(stream.held_back)}, problem: {bool(stream.problem)}")
    assert_same(stream, run_doc(DocTask("<stdin>", None, data), options))


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
    junk=st.binary(min_size=1, max_size=3),
    at=st.floats(0, 1),
    codec=st.sampled_from(["utf-8", "utf-16", "shift_jis", "cp1251", None]),
    block=st.sampled_from([1, 3, 64]),
)
def test_undecodable_bytes_are_refused_at_the_same_offset(
    text: str, junk: bytes, at: float, codec: str | None, block: int
) -> None:
    data = text.encode(codec or "utf-8", "replace")
    cut = int(at * len(data))
    data = data[:cut] + junk + data[cut:]
    options = Settings(CHAIN, encoding=codec)
    with mock.patch.object(stream_io, "READ_BYTES", block):
        stream = streamed(data, options, 1_000)
    assert_same(stream, run_doc(DocTask("<stdin>", None, data), options))


@pytest.mark.parametrize(
    "data",
    [
        PNG * 100,
        b"Clean prose first. " * 100 + b"\x01\x02\x03 data" * 2000,
        ("Новости нашего города. " * 50 + "Дождь.\n").encode("cp1251"),  # chardet, on a window
        b'<meta charset="iso-8859-1"><p>Caf\xe9 au lait, 4 \x80.</p>\n' * 20,  # a declared charset
        b"Plain text, and far on, a NUL byte.\n" * 3000 + b"\x00",  # after the first 64 KiB
        b"<!DOCTYPE html><html><body><article><p>" + HARBOUR.encode() + b"</p></article></body></html>",
    ],
    ids=["png", "control-characters", "cp1251", "declared", "late-nul", "html"],
)
@pytest.mark.parametrize("block", [7, stream_io.READ_BYTES])
def test_decoding_makes_the_whole_document_choices(data: bytes, block: int) -> None:
    with mock.patch.object(stream_io, "READ_BYTES", block):
        stream = streamed(data, GUARDED, 1_000)
    assert_same(stream, run_doc(DocTask("<stdin>", None, data), GUARDED))


def test_the_guard_holds_back_a_streamed_document_whole() -> None:
    text = MOSTLY_CAPTIONS * 200
    data = text.encode("cp1252")
    options = Settings(guarded_chain(), encoding="cp1252", max_removed=DEFAULT_MAX_REMOVED)
    stream = streamed(data, options, 500)
    assert stream.clean == text.encode("utf-8")  # the input's own text, as UTF-8 like every output
    (record,) = map(json.loads, stream.records.splitlines())
    assert (record["rule"], record["start"], record["end"], record["text"]) == (GUARD_RULE, 0, 0, "")
    assert record["encoding"] == "cp1252"
    assert record["clean_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert not stream.changed and stream.held_back
    assert_same(stream, run_doc(DocTask("<stdin>", None, data), options))


def test_a_file_that_changes_between_passes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "growing.txt"
    path.write_text(HARBOUR * 50, encoding="utf-8")
    first_error = stream_io._first_error

    def then_grow(source: stream_io._Input, codec: str) -> int | None:
        found = first_error(source, codec)
        with path.open("a", encoding="utf-8") as more:
            more.write(COUNCIL)
        return found

    with mock.patch.object(stream_io, "_first_error", then_grow):
        result = run_stream(StreamTask(str(path), str(path)), GUARDED, window=500, margin=MARGIN)
    assert result.problem == "the file changed while it was being cleaned"


# --- through the batch run, as `cleaner clean` calls it -------------------------------------------


def big_article(copies: int, paragraphs: int = 9) -> tuple[str, str]:
    """A long document of repeated paragraphs and captions (one after every ``paragraphs``
    paragraphs), and its clean text."""
    paragraph = "The harbour board met again on Thursday to hear the engineers' report.\n\n"
    caption = "open image in gallery The lock gates at high water ( Harbour Board )\n\n"
    return (paragraph * paragraphs + caption) * copies, paragraph * paragraphs * copies


def streamed_in_small_windows(calls: list[StreamTask]) -> contextlib.AbstractContextManager[object]:
    """Patch the command's streaming to use small windows, recording each task it is given."""

    def spy(task: StreamTask, settings: Settings) -> DocResult:
        calls.append(task)
        return run_stream(task, settings, window=2_000, margin=MARGIN)

    return mock.patch.object(large, "run_stream", spy)


def clean_file(path: Path, out: Path, report: Path, stream_above: int | None, **options: object) -> int:
    chosen = BatchOptions((str(path),), output=out, report=report, max_removed=DEFAULT_MAX_REMOVED, **options)
    return run(chosen, CHAIN, stream_above=stream_above)


def test_a_single_file_over_the_limit_is_streamed_with_the_same_output_and_report(tmp_path: Path) -> None:
    text, clean = big_article(300)
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    calls: list[StreamTask] = []
    with streamed_in_small_windows(calls):
        assert clean_file(path, tmp_path / "s.txt", tmp_path / "s.jsonl", stream_above=10_000) == 0
    assert clean_file(path, tmp_path / "w.txt", tmp_path / "w.jsonl", stream_above=None) == 0

    assert [task.spool_dir for task in calls] == [str(tmp_path)]  # temporary files beside the output
    assert (tmp_path / "s.txt").read_text(encoding="utf-8") == clean
    assert (tmp_path / "s.txt").read_bytes() == (tmp_path / "w.txt").read_bytes()
    assert (tmp_path / "s.jsonl").read_bytes() == (tmp_path / "w.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt", "s.jsonl", "s.txt", "w.jsonl", "w.txt"]


def test_standard_input_over_the_limit_is_streamed_to_standard_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    text, clean = big_article(300)
    calls: list[StreamTask] = []
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    with streamed_in_small_windows(calls):
        assert run(BatchOptions(max_removed=DEFAULT_MAX_REMOVED), CHAIN, stream_above=10_000) == 0
    assert len(calls) == 1
    assert capfdbinary.readouterr().out == clean.encode()


def test_a_bad_large_file_is_named_and_no_output_is_written(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(PNG * 200)
    status = clean_file(path, tmp_path / "out.txt", tmp_path / "r.jsonl", stream_above=1_000)
    assert status == 1
    assert capfd.readouterr().err == f"cleaner: error: {path}: binary file (PNG image)\n"
    assert not (tmp_path / "out.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photo.txt"]  # no report: the run failed


def test_check_streams_and_diff_reads_whole(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    text, _ = big_article(100)
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    calls: list[StreamTask] = []
    with streamed_in_small_windows(calls):
        assert run(BatchOptions((str(path),), check=True), CHAIN, stream_above=1_000) == 1
        assert len(calls) == 1
        assert capfd.readouterr().err == f"would clean {path}\n"
        assert run(BatchOptions((str(path),), diff=True), CHAIN, stream_above=1_000) == 0
        assert len(calls) == 1
    assert "-open image in gallery" in capfd.readouterr().out


@pytest.mark.parametrize(
    "data",
    [big_article(300)[0].encode(), MOSTLY_CAPTIONS.encode() * 200, PNG * 200],
    ids=["article", "held-back", "binary"],
)
def test_the_bare_pipe_streams_standard_input_over_the_limit(data: bytes) -> None:
    outcomes = []
    for stream_above in (1_000, len(data)):
        out, err = io.BytesIO(), io.StringIO()
        with mock.patch.object(large, "run_stream", wraps=run_stream) as spy:
            status = clean_pipe(io.BytesIO(data), out, err, stream_above=stream_above)
        outcomes.append((spy.call_count, status, out.getvalue(), err.getvalue()))
    (streams, *streamed), (wholes, *whole) = outcomes
    assert (streams, wholes) == (1, 0)
    assert streamed == whole


@pytest.mark.slow
def test_the_command_streams_input_over_the_real_limit(tmp_path: Path) -> None:
    # A caption every hundred paragraphs: still tens of thousands of cuts over the windows, and
    # a report the test can read back in seconds (one every ten made it the suite's slowest).
    copies = STREAM_ABOVE // len(big_article(1, paragraphs=100)[0]) + 1
    text, clean = big_article(copies, paragraphs=100)
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > STREAM_ABOVE
    out, report = tmp_path / "out.txt", tmp_path / "removed.jsonl"

    with path.open("rb") as stdin:
        piped = subprocess.run(
            [sys.executable, "-m", "cleaner", "clean"], stdin=stdin, capture_output=True, timeout=120
        )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == clean.encode()
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", str(path), "-o", str(out), "--report", str(report)],
        capture_output=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == done.stderr == b""
    assert out.read_text(encoding="utf-8") == clean
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 * copies  # each caption, and the blank line it leaves
    assert {record["clean_sha256"] for record in records} == {hashlib.sha256(clean.encode()).hexdigest()}
    assert cleaner.restore(clean, map(record_span, records)) == text
    caption_lines = [number for number, line in enumerate(text.split("\n"), 1) if line.startswith("open")]
    assert [r["line"] for r in records if r["rule"] != "tidy/whitespace"] == caption_lines


def test_a_large_file_in_a_tree_is_sized_and_streamed_by_its_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, clean = big_article(300)
    raw = tmp_path / "raw"
    (raw / "deep").mkdir(parents=True)
    (raw / "deep" / "big.txt").write_text(text, encoding="utf-8")
    (raw / "small.txt").write_text(HARBOUR, encoding="utf-8")

    def tree_run(name: str, stream_above: int | None, jobs: int) -> tuple[dict[str, bytes], bytes]:
        out, report = tmp_path / name, tmp_path / f"{name}.jsonl"
        options = BatchOptions((str(raw),), output=out, report=report, jobs=jobs, quiet=True)
        assert run(options, CHAIN, stream_above=stream_above) == 0
        return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*.txt")}, report.read_bytes()

    def planner_looks(path: object) -> int:
        raise AssertionError(f"the planner looked at {path}")

    monkeypatch.setattr("cleaner.batch.plan.regular_size", planner_looks)  # the workers do
    calls: list[StreamTask] = []
    with streamed_in_small_windows(calls):
        streamed = tree_run("streamed", 10_000, jobs=1)
    assert [(task.path, task.spool_dir) for task in calls] == [
        (str(raw / "deep" / "big.txt"), str(tmp_path / "streamed" / "deep"))
    ]
    whole = tree_run("whole", None, jobs=1)
    in_pool = tree_run("pool", 10_000, jobs=2)  # worker processes stream with the real windows
    assert streamed == whole == in_pool
    assert streamed[0]["deep/big.txt"] == clean.encode()


def test_a_large_object_at_a_url_is_sized_and_streamed_by_its_worker(tmp_path: Path) -> None:
    """The same for a tree at a URL written to a URL (fsspec's in-memory file system): the worker
    reads the object in ranges, and its temporary files go to the system's temporary folder,
    not beside a URL."""
    import fsspec

    text, clean = big_article(300)
    memory = fsspec.filesystem("memory")
    memory.pipe({"/large/raw/deep/big.txt": text.encode(), "/large/raw/small.txt": HARBOUR.encode()})

    def url_run(name: str, stream_above: int | None) -> tuple[dict[str, bytes], bytes]:
        report = tmp_path / f"{name}.jsonl"
        options = BatchOptions(
            ("memory://large/raw",), output=f"memory://large/{name}", report=report, jobs=1, quiet=True
        )
        assert run(options, CHAIN, stream_above=stream_above) == 0
        outputs = {
            path.split(f"/{name}/", 1)[1]: memory.cat_file(path) for path in memory.find(f"/large/{name}")
        }
        return outputs, report.read_bytes()

    calls: list[StreamTask] = []
    try:
        with streamed_in_small_windows(calls):
            streamed = url_run("streamed", 10_000)
        whole = url_run("whole", None)
    finally:
        memory.rm("/large", recursive=True)
    assert [(task.path, task.spool_dir) for task in calls] == [("memory://large/raw/deep/big.txt", None)]
    assert streamed == whole
    assert streamed[0]["deep/big.txt"] == clean.encode()
