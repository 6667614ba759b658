"""Inputs built to exhaust memory: a gzip bomb of one line, a record or a line above the
documented maximum, an HTML page too large to parse. Each is refused with one line naming the
file (and the record or line), in bounded memory, while the run goes on with the other inputs."""

from __future__ import annotations

import gzip
import json
import resource
from pathlib import Path

import pytest
from hostile_cli import PLAIN, SEED, SEED_CLEAN, assert_sound, cleaner, write
from typer.testing import CliRunner

from cleaner.commands.app import app
from cleaner.io.limits import DEFAULT_MAX_RECORD_BYTES, MAX_HTML_BYTES

ADDRESS_SPACE = 1 << 30  # far below what holding the bomb's one line (and its copies) would take


def _bounded_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _bomb(path: Path, size: int) -> None:
    """A JSONL corpus of one record that never ends: ``size`` bytes without a line break."""
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'{"text": "')
        block = b"x" * (1 << 20)
        for _ in range(size >> 20):
            out.write(block)


def test_a_gzip_bomb_of_one_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    _bomb(tmp_path / "bomb.jsonl.gz", 4 * DEFAULT_MAX_RECORD_BYTES)  # 1 MB on disk, 256 MiB inside

    run = cleaner(tmp_path, "clean", "bomb.jsonl.gz", "-o", "out.jsonl.gz", preexec_fn=_bounded_memory)

    assert_sound(run)
    assert run.status == 1, run.stderr
    assert run.error_lines == [
        "cleaner: error: bomb.jsonl.gz: record 1 is larger than 64 MiB (--max-record-bytes); "
        "the file is not cleaned"
    ]
    assert run.created() == []


def test_a_long_record_is_named_by_its_line_and_the_other_inputs_are_cleaned(tmp_path: Path) -> None:
    records = [{"id": n, "text": SEED.decode()} for n in range(2)] + [{"id": 2, "text": "x" * 5000}]
    write(
        tmp_path,
        {
            "raw/a.jsonl": "".join(json.dumps(record) + "\n" for record in records).encode(),
            "raw/b.txt": SEED,
        },
    )

    run = cleaner(tmp_path, "clean", "raw", "-o", "out", "--max-record-bytes", "4KiB", "-q")

    assert_sound(run)
    assert run.status == 1, run.stderr
    assert run.error_lines == [
        "cleaner: error: a.jsonl: record 3 is larger than 4 KiB (--max-record-bytes); the file is not cleaned"
    ]
    assert run.created() == ["out/b.txt"]
    assert (tmp_path / "out/b.txt").read_bytes() == SEED_CLEAN


@pytest.mark.parametrize("how", ["file", "pipe"])
def test_a_line_longer_than_the_maximum_is_named(tmp_path: Path, how: str) -> None:
    """A text is cleaned in windows that end at line breaks, so its lines are bounded too:
    read whole (a file) or streamed (a pipe holding more than is held in memory)."""
    text = PLAIN + b"y" * (12 << 20) + b"\n" + PLAIN
    if how == "file":
        write(tmp_path, {"long.txt": text})
        run = cleaner(tmp_path, "clean", "long.txt", "--max-record-bytes", "1MiB")
        name = "long.txt"
    else:
        run = cleaner(tmp_path, "clean", "--max-record-bytes", "1MiB", stdin=text)
        name = "<stdin>"

    assert_sound(run)
    assert run.status == 1, run.stderr
    assert run.error_lines == [
        f"cleaner: error: {name}: line 4 is longer than 1 MiB (--max-record-bytes); the file is not cleaned"
    ]
    assert run.stdout == b""


def test_the_maximum_is_raised_through_the_environment(tmp_path: Path) -> None:
    write(tmp_path, {"a.jsonl": json.dumps({"text": "x" * 5000}).encode() + b"\n"})
    refused = cleaner(tmp_path, "clean", "a.jsonl", env={"CLEANER_MAX_RECORD_BYTES": "4KiB"})
    cleaned = cleaner(tmp_path, "clean", "a.jsonl", env={"CLEANER_MAX_RECORD_BYTES": "8KiB"})

    assert refused.status == 1 and "record 1 is larger than 4 KiB" in refused.stderr
    assert cleaned.status == 0, cleaned.stderr
    assert json.loads(cleaned.stdout) == {"text": "x" * 5000}


@pytest.mark.parametrize("value", ["a lot", "12", "-1"])
def test_a_maximum_that_is_not_a_size_is_a_usage_error(value: str) -> None:
    done = CliRunner().invoke(app, ["clean", "--max-record-bytes", value], input="text\n")
    assert done.exit_code == 2
    assert "--max-record-bytes" in done.stderr and "Traceback" not in done.stderr


def test_an_html_page_above_the_maximum_is_refused_with_the_way_on(tmp_path: Path) -> None:
    paragraph = b"<p>The council will publish its budget next week.</p>\n"
    page = b"<!doctype html><html><body>\n" + paragraph * (MAX_HTML_BYTES // len(paragraph) + 1)
    write(tmp_path, {"big.html": page + b"</body></html>\n"})

    refused = cleaner(tmp_path, "clean", "big.html", "-o", "big.txt")
    plain = cleaner(tmp_path, "clean", "big.html", "-o", "big.txt", "--no-html")

    assert_sound(refused)
    assert refused.status == 1
    assert refused.error_lines == [
        "cleaner: error: big.html: an HTML page of 16.0 MiB, larger than 16 MiB, the most extracted "
        "(--no-html reads it as plain text)"
    ]
    assert refused.created() == []
    assert plain.status == 0 and plain.created() == ["big.txt"]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_a_shard_a_worker_reads_itself_is_bounded_too(tmp_path: Path, suffix: str) -> None:
    """Corpora that workers read and write themselves (--shard-mb, --shared, URLs)."""
    import cleaner
    from cleaner.batch.settings import Settings
    from cleaner.batch.shards import ShardTask, run_shard

    data = json.dumps({"text": PLAIN.decode()}).encode() + b"\n" + b'{"text": "' + b"x" * 5000 + b'"}\n'
    corpus = tmp_path / f"c{suffix}"
    corpus.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    settings = Settings(cleaner.load_chain(), max_record_bytes=4096)

    result = run_shard(ShardTask("c", str(corpus), str(tmp_path / f"out{suffix}")), settings)

    assert result.problem == "record 2 is larger than 4 KiB (--max-record-bytes); the file is not cleaned"
    assert not (tmp_path / f"out{suffix}").exists()
