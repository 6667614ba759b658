"""Partitioned corpora and Parquet: one JSONL file cleaned into shards (``--shard-mb``), each
written whole by the task that cleans it, a stopped run keeping every finished shard; a Parquet
file cleaned row group by row group with every other column kept. The same bytes for any
number of jobs."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from texts import HARBOUR, big_corpus_bytes, write_files

import cleaner
from cleaner.batch.ledger import Ledger
from cleaner.batch.plan import BatchOptions, Planner, layout_for
from cleaner.batch.shards import shard_ranges
from cleaner.batch.walk import Walker
from cleaner.version import install_hint

REPO = Path(__file__).resolve().parents[1]
CHAIN = cleaner.load_chain()


def cleaner_run(*args: object, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
    )


def files_below(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_shards_hold_every_record_once_and_match_for_any_jobs(tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(big_corpus_bytes(6000))  # about 3 MB: 3 shards of 1 MiB
    runs = {}
    for jobs in (1, 2):
        out, report = tmp_path / f"out{jobs}", tmp_path / f"r{jobs}.jsonl"
        done = cleaner_run("clean", corpus, "-o", out, "--shard-mb", 1, "--report", report, "-q", "-j", jobs)
        assert (done.returncode, done.stderr) == (0, "")
        runs[jobs] = (files_below(out), report.read_bytes())
    assert runs[1] == runs[2]
    shards, report = runs[1]
    assert list(shards) == ["news-00000.jsonl", "news-00001.jsonl", "news-00002.jsonl"]
    cleaned = b"".join(shards.values()).splitlines()
    whole = [CHAIN.clean(json.loads(line)["text"]).clean for line in corpus.read_bytes().splitlines()]
    assert [json.loads(line)["text"] for line in cleaned] == whole  # every record once, in order
    sources = [json.loads(line)["source"] for line in report.splitlines()]
    assert sources[0] == "news-00000.jsonl:1" and sources[-1].startswith("news-00002.jsonl:")
    # Each shard is a corpus of its own: restore rebuilds its records.
    restored = tmp_path / "restored"
    done = cleaner_run("restore", tmp_path / "out1", "--report", tmp_path / "r1.jsonl", "-o", restored)
    assert done.returncode == 0, done.stderr
    lines = b"".join(files_below(restored).values()).splitlines()
    assert [json.loads(line) for line in lines] == [
        json.loads(line) for line in corpus.read_bytes().splitlines()
    ]


def test_ranges_split_at_line_starts(tmp_path: Path) -> None:
    assert shard_ranges(10, 4) == [(0, 4), (4, 8), (8, 10)]
    corpus = tmp_path / "c.jsonl"
    lines = [json.dumps({"text": f"record {i} " + "x" * (i % 7)}).encode() + b"\n" for i in range(50)]
    corpus.write_bytes(b"".join(lines))
    out = tmp_path / "out"
    # Shards far smaller than the lines they hold would be empty: every line still lands once.
    done = cleaner_run("clean", corpus, "-o", out, "--shard-mb", 1, "-q", "-j", 1)
    assert done.returncode == 0 and b"".join(files_below(out).values()) == corpus.read_bytes()


@pytest.mark.slow
def test_a_stopped_shard_run_keeps_its_shards_and_resume_finishes_it(tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(big_corpus_bytes(12000))  # about 6 MB: 6 shards
    out, report, summary = tmp_path / "out", tmp_path / "r.jsonl", tmp_path / "s.json"
    whole_out, whole_report = tmp_path / "whole", tmp_path / "whole.jsonl"
    assert (
        cleaner_run(
            "clean", corpus, "-o", whole_out, "--shard-mb", 1, "--report", whole_report, "-q"
        ).returncode
        == 0
    )

    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cleaner",
            "clean",
            str(corpus),
            "-o",
            str(out),
            "--shard-mb",
            "1",
            "--report",
            str(report),
            "-q",
            "-j",
            "1",
        ],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (out / "news-00001.jsonl").exists():
        assert time.monotonic() < deadline and run.poll() is None
        time.sleep(0.01)
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 143 and "--resume" in stderr
    kept = len(files_below(out))
    assert 2 <= kept < 6 and not report.exists()

    done = cleaner_run(
        "clean", corpus, "-o", out, "--shard-mb", 1, "--report", report, "--resume", "--summary", summary
    )
    assert done.returncode == 0, done.stderr
    # The first shard was recorded before the second was written; the second may have been
    # written but not yet recorded when the signal came, and is then cleaned again.
    assert json.loads(summary.read_text())["files_resumed"] >= 1
    assert files_below(out) == files_below(whole_out) and report.read_bytes() == whole_report.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["c.jsonl.gz", "-o", "out", "--shard-mb", "1"], "--shard-mb cleans one uncompressed JSONL file"),
        (["raw", "-o", "out", "--shard-mb", "1"], "--shard-mb cleans one uncompressed JSONL file"),
        (["c.jsonl", "--shard-mb", "1"], "--shard-mb needs --output DIR"),
        (["c.jsonl", "-o", "a.txt", "--shard-mb", "1"], "a.txt: not a directory (the shards go there)"),
        (["raw", "-o", "out", "--shared"], "--shared goes with --scheduler"),
    ],
)
def test_shard_and_shared_options_that_cannot_work_are_refused(
    tmp_path: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_files(
        tmp_path, {"c.jsonl": big_corpus_bytes(3), "c.jsonl.gz": b"", "raw/a.txt": HARBOUR, "a.txt": "x"}
    )
    done = cleaner_run(
        "clean",
        *[str(tmp_path / a) if a in ("c.jsonl", "c.jsonl.gz", "raw", "out", "a.txt") else a for a in args],
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert message in done.stderr


def test_tasks_on_shared_storage_carry_paths_and_write_outputs(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_files(raw, {"a.txt": HARBOUR, "b/c.jsonl": big_corpus_bytes(10), "d.parquet": b"PAR1"})
    options = BatchOptions((str(raw),), output=tmp_path / "out")
    layout = layout_for(options)
    ledger = Ledger(None, journal=False, resume=False, key_of=layout.source_key)
    walker = Walker(("*.txt", "*.jsonl", "*.parquet"), (), [])

    steps = list(Planner(layout, walker, ledger, False, whole_corpora=True).steps())

    assert [(s.unit.source, s.event.value, type(s.task).__name__) for s in steps] == [
        ("a.txt", "doc", "SizedDocTask"),  # its worker sizes it: nothing here looks at the file
        ("b/c.jsonl", "shard", "ShardTask"),
        ("d.parquet", "shard", "ParquetTask"),
    ]
    for step in steps:
        assert step.task.carried_bytes == 0 and step.task.output == str(tmp_path / "out" / step.unit.source)


def parquet_file(path: Path, rows: int, group: int) -> None:
    texts = [(HARBOUR if i % 2 else "Calm.") if i % 5 else None for i in range(rows)]
    table = pa.table({"id": [f"p{i}" for i in range(rows)], "text": texts, "n": list(range(rows))})
    pq.write_table(table, path, row_group_size=group)


def test_parquet_by_row_groups_keeps_every_column_and_names_rows(tmp_path: Path) -> None:
    source = tmp_path / "news.parquet"
    parquet_file(source, 50, 20)
    runs = {}
    for jobs in (1, 2):
        out, report = tmp_path / f"clean{jobs}.parquet", tmp_path / f"r{jobs}.jsonl"
        done = cleaner_run(
            "clean", source, "-o", out, "--field", "text", "--report", report, "-q", "-j", jobs
        )
        assert (done.returncode, done.stderr) == (0, "")
        runs[jobs] = (out.read_bytes(), report.read_bytes())
    assert runs[1] == runs[2]
    before, after = pq.ParquetFile(source), pq.ParquetFile(tmp_path / "clean1.parquet")
    assert after.num_row_groups == before.num_row_groups == 3 and after.schema_arrow == before.schema_arrow
    old, new = before.read().to_pydict(), after.read().to_pydict()
    assert new["id"] == old["id"] and new["n"] == old["n"]
    assert new["text"] == [None if t is None else CHAIN.clean(t).clean for t in old["text"]]
    records = [json.loads(line) for line in runs[1][1].splitlines()]
    first = records[0]
    assert (first["source"], first["id"]) == (f"{source}:2", "p1")  # row 2 (from 1) is the first HARBOUR
    assert {r["source"] for r in records} == {f"{source}:{i + 1}" for i in range(50) if i % 5 and i % 2}


def test_parquet_problems_are_one_line(tmp_path: Path) -> None:
    source = tmp_path / "news.parquet"
    parquet_file(source, 5, 5)
    done = cleaner_run("clean", source, "-o", tmp_path / "out.parquet", "--field", "body", "-q")
    assert done.returncode == 1 and done.stderr == f"cleaner: error: {source}: no column 'body' to clean\n"
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    done = cleaner_run("clean", tmp_path / "bad.parquet", "-o", tmp_path / "out2.parquet", "-q")
    assert done.returncode == 1 and done.stderr.startswith(
        f"cleaner: error: {tmp_path / 'bad.parquet'}: cannot read as Parquet"
    )
    assert done.stderr.count("\n") == 1 and not (tmp_path / "out2.parquet").exists()


def test_parquet_without_pyarrow_says_what_to_install(tmp_path: Path) -> None:
    source = tmp_path / "news.parquet"
    parquet_file(source, 5, 5)
    code = (
        "import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None; "
        "from cleaner.__main__ import main; "
        f"sys.argv = ['cleaner', 'clean', {str(source)!r}, '-o', {str(tmp_path / 'out.parquet')!r}, '-q']; "
        "main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"cleaner: error: {source}: Parquet needs pyarrow (")
    assert done.stderr.endswith(install_hint("parquet") + "\n")
