"""Cleaning past one machine, with real parts: a ``dask scheduler`` and ``dask worker`` processes
on 127.0.0.1 that read and write shared storage (a folder both see, and an S3-compatible server,
moto, for ``s3://``), workers and a scheduler killed mid-run. Every mode must give the outputs
and report of ``--jobs 1``, byte for byte.

Workers that must be slow enough to be killed mid-run are started with a preload that delays
each task and notes which worker ran it; their cleaning is untouched.
"""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cluster import Cluster, S3Server
from texts import HARBOUR, PNG, article_tree, big_corpus_bytes, corpus_bytes, news_tree, write_files

pytest.importorskip("distributed")
# Real scheduler and worker processes: the full suite runs them, the quick one (-m "not slow") does not.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SLOW = """
import os, time
import cleaner.batch.shards as shards
import cleaner.batch.tasks as tasks

marks = os.environ["CLEANER_TEST_MARKS"]
run_shard, run_doc = shards.run_shard, tasks.run_doc

def noted(run):
    def slow(task, settings):
        open(os.path.join(marks, str(os.getpid())), "a").write(task.source + "\\n")
        time.sleep(float(os.environ.get("CLEANER_TEST_DELAY", "0.25")))
        return run(task, settings)
    return slow

shards.run_shard, tasks.run_doc = noted(run_shard), noted(run_doc)
"""
UNFIT = "import cleaner.batch.plugin as plugin\nplugin.fingerprint = lambda: '0.0.9+0000'\n"


def cleaner(
    *args: object, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
        env=dict(os.environ, **(env or {})),
    )


def files_below(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def baseline(tmp_path: Path, *inputs: object, options: tuple = ()) -> tuple[dict[str, bytes], bytes, str]:
    """Outputs, report and stderr of ``--jobs 1``."""
    out, report = tmp_path / "out-serial", tmp_path / "serial.jsonl"
    done = cleaner(*inputs, "-o", out, "--report", report, "-q", "--jobs", 1, *options)
    return files_below(out), report.read_bytes(), done.stderr


def mixed_tree(root: Path) -> None:
    """Text files, a binary file, JSONL corpora (one compressed) and a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    article_tree(root / "articles", 40)
    news_tree(root / "news")
    write_files(root, {"bad/photo.txt": PNG, "c/big.jsonl": big_corpus_bytes(3000)})
    write_files(root, {"c/small.jsonl.gz": gzip.compress(corpus_bytes())})
    texts = [HARBOUR, "Calm.", None] * 30
    pq.write_table(
        pa.table({"id": list(range(90)), "text": texts}), root / "c/rows.parquet", row_group_size=40
    )


def test_workers_on_shared_storage_read_and_write_and_give_the_bytes_of_jobs_1(
    tmp_path: Path, cluster: Cluster
) -> None:
    raw = tmp_path / "raw"
    mixed_tree(raw)
    include = [
        arg
        for pattern in ("*.txt", "*.md", "*.jsonl", "*.jsonl.gz", "*.parquet")
        for arg in ("--include", pattern)
    ]
    outputs, report, stderr = baseline(tmp_path, raw, options=tuple(include))
    assert "c/rows.parquet" in outputs

    out, got = tmp_path / "out", tmp_path / "dask.jsonl"
    done = cleaner(
        raw, "-o", out, "--report", got, "-q", "--scheduler", cluster.address, "--shared", *include
    )

    assert (files_below(out), got.read_bytes(), done.stderr) == (outputs, report, stderr)
    assert done.returncode == 1 and "bad/photo.txt: binary file (PNG image)" in done.stderr
    assert "Traceback" not in done.stderr and "distributed" not in done.stderr


def test_an_s3_tree_and_corpus_on_the_cluster_give_the_bytes_of_jobs_1(
    tmp_path: Path, cluster: Cluster, s3: S3Server
) -> None:
    raw = tmp_path / "raw"
    mixed_tree(raw)
    outputs, report, stderr = baseline(tmp_path, raw)
    fs = s3.filesystem()
    fs.mkdir("tree")
    fs.put(str(raw), "tree/raw", recursive=True)

    got = tmp_path / "s3.jsonl"
    done = cleaner(
        "s3://tree/raw",
        "-o",
        "s3://tree/clean",
        "--report",
        got,
        "-q",
        "--scheduler",
        cluster.address,
        env=s3.env,
    )

    assert done.stderr == stderr and got.read_bytes() == report
    cleaned = {path.split("tree/clean/", 1)[1]: fs.cat_file(path) for path in fs.find("tree/clean")}
    assert cleaned == outputs


def test_s3_without_a_cluster_and_its_resume(tmp_path: Path, s3: S3Server) -> None:
    raw = tmp_path / "raw"
    write_files(raw, {"a.txt": HARBOUR, "b/c.jsonl": big_corpus_bytes(50)})
    outputs, report, _ = baseline(tmp_path, raw)
    fs = s3.filesystem()
    fs.mkdir("solo")
    fs.put(str(raw), "solo/raw", recursive=True)

    got = tmp_path / "s3.jsonl"
    first = cleaner("s3://solo/raw", "-o", "s3://solo/clean", "--report", got, "-j", 2, "-q", env=s3.env)
    again = cleaner(
        "s3://solo/raw",
        "-o",
        "s3://solo/clean",
        "--report",
        got,
        "--resume",
        "--summary",
        tmp_path / "s.json",
        env=s3.env,
    )

    assert first.returncode == again.returncode == 0 and got.read_bytes() == report
    assert json.loads((tmp_path / "s.json").read_text())["files_resumed"] == 2
    assert {p.split("solo/clean/", 1)[1]: fs.cat_file(p) for p in fs.find("solo/clean")} == outputs


def test_a_missing_s3_object_and_a_missing_protocol_are_one_line(tmp_path: Path, s3: S3Server) -> None:
    done = cleaner("s3://nowhere-bucket/raw", "-o", tmp_path / "out", env=s3.env)
    assert done.returncode in (1, 2) and done.stderr.count("\n") == 1
    assert done.stderr.startswith("cleaner: error: ")
    done = cleaner("nosuchproto://x/raw", "-o", tmp_path / "out")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "nosuchproto" in done.stderr


def test_shards_on_the_cluster_a_killed_worker_and_a_late_one(tmp_path: Path, s3: S3Server) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(big_corpus_bytes(12000))  # about 6 MB: 6 shards of 1 MiB
    outputs, report, _ = baseline(tmp_path, corpus, options=("--shard-mb", 1))
    assert len(outputs) == -(-corpus.stat().st_size // (1 << 20)) == 6
    marks = tmp_path / "marks"
    marks.mkdir()
    slow = _preload(tmp_path, SLOW)
    env = {**s3.env, "CLEANER_TEST_MARKS": str(marks), "CLEANER_TEST_DELAY": "1.0"}
    cluster = Cluster(tmp_path / "cluster", env)
    try:
        cluster.start(0)
        first = cluster.add_worker("--preload", str(slow))
        cluster.add_worker("--preload", str(slow))
        cluster.wait_for(2)
        out, got = tmp_path / "out", tmp_path / "dask.jsonl"
        run = _start(
            corpus,
            "-o",
            out,
            "--report",
            got,
            "--shard-mb",
            1,
            "--scheduler",
            cluster.address,
            "--shared",
            "-q",
        )
        _wait_for_marks(marks, 2)
        cluster.kill_worker(first)  # its task goes to another worker
        late = cluster.add_worker("--preload", str(slow))  # a worker that joins mid-run gets the settings
        _stdout, stderr = run.communicate(timeout=120)
    finally:
        cluster.stop()
    assert (run.returncode, stderr) == (0, "")
    assert files_below(out) == outputs and got.read_bytes() == report
    assert (marks / str(late.pid)).exists()  # the late worker ran tasks


def test_a_killed_scheduler_stops_the_run_in_one_line_and_resume_finishes_it(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    article_tree(raw, 60)
    outputs, report, _ = baseline(tmp_path, raw)
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {"CLEANER_TEST_MARKS": str(marks), "CLEANER_TEST_DELAY": "0.1", "CLEANER_CONNECT_TIMEOUT": "3"}
    slow = _preload(tmp_path, SLOW)
    out, got = tmp_path / "out", tmp_path / "dask.jsonl"
    cluster = Cluster(tmp_path / "cluster", env)
    try:
        cluster.start(0)
        cluster.add_worker("--preload", str(slow))
        cluster.wait_for(1)
        run = _start(
            raw, "-o", out, "--report", got, "--scheduler", cluster.address, "--shared", "-q", env=env
        )
        _wait_for_marks(marks, 1)
        cluster.kill_scheduler()
        _, stderr = run.communicate(timeout=120)
    finally:
        cluster.stop()
    assert run.returncode == 1
    assert stderr.startswith("cleaner: error: the Dask cluster failed") and stderr.count("\n") == 2
    assert stderr.endswith("cleaner: stopped; run the same command with --resume to continue\n")
    assert not got.exists()

    again = Cluster(tmp_path / "cluster2").start(2)
    try:
        summary = tmp_path / "s.json"
        done = cleaner(
            raw,
            "-o",
            out,
            "--report",
            got,
            "--scheduler",
            again.address,
            "--shared",
            "-q",
            "--resume",
            "--summary",
            summary,
        )
    finally:
        again.stop()
    assert (done.returncode, done.stderr) == (0, "")
    assert files_below(out) == outputs and got.read_bytes() == report


# Notes each time the scheduler is asked to fetch results for a client (its "gather" handler).
GATHERS = """
import os

def dask_setup(scheduler):
    handler = scheduler.handlers["gather"]

    async def noted(*args, **kwargs):
        with open(os.environ["CLEANER_TEST_GATHERS"], "a") as notes:
            notes.write("gather\\n")
        return await handler(*args, **kwargs)

    scheduler.handlers["gather"] = noted
"""


def test_results_come_from_the_workers_not_through_the_scheduler(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    article_tree(raw, 30)
    outputs, report, _ = baseline(tmp_path, raw)
    gathers = tmp_path / "gathers.txt"
    cluster = Cluster(tmp_path / "cluster", {"CLEANER_TEST_GATHERS": str(gathers)})
    try:
        cluster.start(2, "--preload", str(_preload(tmp_path, GATHERS)))
        runs = {}
        for direct in ("", "False"):  # Dask's default, then a configuration that says no
            out, got = tmp_path / f"out{direct}", tmp_path / f"dask{direct}.jsonl"
            env = {"DASK_DISTRIBUTED__CLIENT__DIRECT_TO_WORKERS": direct} if direct else {}
            done = cleaner(
                raw, "-o", out, "--report", got, "-q", "--scheduler", cluster.address, "--shared", env=env
            )
            assert (done.returncode, files_below(out), got.read_bytes()) == (0, outputs, report)
            runs[direct] = gathers.read_text().count("gather") if gathers.exists() else 0
    finally:
        cluster.stop()
    assert runs[""] == 0 and runs["False"] > 0


def test_an_unfit_worker_gets_no_tasks_and_is_named(tmp_path: Path, cluster: Cluster) -> None:
    raw = tmp_path / "raw"
    article_tree(raw, 20)
    outputs, report, _ = baseline(tmp_path, raw)
    unfit = cluster.add_worker("--preload", str(_preload(tmp_path, UNFIT)))
    try:
        cluster.wait_for(3)
        out, got = tmp_path / "out", tmp_path / "dask.jsonl"
        done = cleaner(raw, "-o", out, "--report", got, "--scheduler", cluster.address, "--shared")
    finally:
        cluster.kill_worker(unfit)
        cluster.workers.remove(unfit)
    assert done.returncode == 0 and files_below(out) == outputs and got.read_bytes() == report
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "has cleaner 0.0.9+0000, the run needs" in warnings[0] and "it gets no tasks" in warnings[0]


def test_a_cluster_of_unfit_workers_is_refused_in_one_line(tmp_path: Path) -> None:
    write_files(tmp_path / "raw", {"a.txt": HARBOUR, "b.txt": HARBOUR})
    cluster = Cluster(tmp_path / "cluster")
    try:
        cluster.start(0)
        cluster.add_worker("--preload", str(_preload(tmp_path, UNFIT)))
        cluster.wait_for(1)
        done = cleaner(
            tmp_path / "raw",
            "-o",
            tmp_path / "out",
            "--scheduler",
            cluster.address,
            "-q",
            env={"CLEANER_WORKERS_TIMEOUT": "1"},
        )
    finally:
        cluster.stop()
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"cleaner: error: --scheduler {cluster.address}: no worker fit to clean")


def test_a_scheduler_address_that_is_not_dask_fails_in_bounded_time(tmp_path: Path) -> None:
    write_files(tmp_path / "raw", {"a.txt": HARBOUR})
    with socket.socket() as listener:  # accepts connections and never says a word
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        threading.Thread(target=lambda: [listener.accept() for _ in range(4)], daemon=True).start()
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        started = time.monotonic()
        done = cleaner(
            tmp_path / "raw",
            "-o",
            tmp_path / "out",
            "--scheduler",
            address,
            env={"CLEANER_CONNECT_TIMEOUT": "2"},
            timeout=60,
        )
    assert time.monotonic() - started < 30
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"cleaner: error: --scheduler {address}: no Dask scheduler answered in 2 s")


def test_scheduler_with_one_document_says_it_runs_here(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(HARBOUR)
    done = cleaner(tmp_path / "a.txt", "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 0
    assert (
        done.stderr
        == "cleaner: warning: --scheduler tcp://127.0.0.1:9: one document is cleaned on this machine\n"
    )


def _preload(folder: Path, code: str) -> Path:
    path = folder / f"preload_{abs(hash(code))}.py"
    path.write_text(code)
    return path


def _start(*args: object, env: dict[str, str] | None = None) -> subprocess.Popen:
    import os

    return subprocess.Popen(
        [sys.executable, "-m", "cleaner", "clean", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=dict(os.environ, **(env or {})),
    )


def _wait_for_marks(marks: Path, count: int) -> None:
    deadline = time.monotonic() + 60
    while sum(len(p.read_text().splitlines()) for p in marks.iterdir()) < count:
        assert time.monotonic() < deadline, "no worker ran a task"
        time.sleep(0.02)
