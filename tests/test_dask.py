"""Batch runs on a Dask cluster (``--scheduler``): the same bytes as ``--jobs 1``, inputs shipped
by the client, bounded batches in flight, and one-line errors when Dask is missing or the
cluster cannot be reached.

The cluster tests run on a small in-process cluster (two worker threads, TCP between client,
scheduler and workers, so settings, tasks and results are serialised as on a real cluster),
and one test starts ``--scheduler local`` (worker processes) through a real subprocess.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from texts import COUNCIL, HARBOUR, PNG, article_tree, big_corpus_bytes, corpus_bytes, news_tree, write_files
from typer.testing import CliRunner

import cleaner
from cleaner.batch import executors
from cleaner.batch.cluster import DaskExecutor
from cleaner.batch.executors import ExecutorError
from cleaner.batch.ledger import Ledger
from cleaner.batch.plan import BatchOptions, Planner, layout_for
from cleaner.batch.settings import Settings
from cleaner.batch.tasks import DocResult, DocTask
from cleaner.batch.walk import Walker
from cleaner.commands.app import app
from cleaner.core.engine import Chain
from cleaner.core.rule import Rule
from cleaner.version import install_hint

REPO = Path(__file__).resolve().parents[1]
CHAIN = cleaner.load_chain()
runner = CliRunner()


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a two-thread Dask cluster running in this process."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def clean(*args: object, input: bytes | None = None):
    return runner.invoke(app, ["clean", *map(str, args)], input=input)


def files_below(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_both(tmp_path: Path, inputs: list[Path], scheduler: str) -> dict[str, tuple]:
    """Clean ``inputs`` with ``--jobs 1`` and on the cluster: outputs, report, summary, stderr."""
    runs = {}
    for name, how in (("serial", ["--jobs", 1]), ("dask", ["--scheduler", scheduler])):
        out, report, summary = tmp_path / f"out-{name}", tmp_path / f"{name}.jsonl", tmp_path / f"{name}.json"
        result = clean(*inputs, "-o", out, "--report", report, "--summary", summary, "-q", *how)
        facts = json.loads(summary.read_text())
        jobs = facts.pop("jobs")
        del facts["elapsed_seconds"], facts["mb_per_second"]
        runs[name] = (result.exit_code, files_below(out), report.read_bytes(), facts, result.stderr, jobs)
    return runs


def test_a_tree_on_a_cluster_gives_the_bytes_of_jobs_1(tmp_path: Path, scheduler: str) -> None:
    raw = tmp_path / "raw"
    article_tree(raw / "articles", 30)
    news_tree(raw / "news")
    write_files(raw, {"bad/photo.txt": PNG})
    (raw / "bad/dangling.txt").symlink_to("gone.txt")

    runs = run_both(tmp_path, [raw], scheduler)

    exit_code, outputs, report, facts, stderr, jobs = runs["dask"]
    assert runs["dask"][:5] == runs["serial"][:5]
    assert exit_code == 1
    assert stderr == (
        "cleaner: error: bad/dangling.txt: cannot read: No such file or directory\n"
        "cleaner: error: bad/photo.txt: binary file (PNG image)\n"
    )
    assert len(outputs) == 34 and facts["documents_changed"] == 17
    assert report.count(b'"rule": "dates/date-header"') == 16
    assert jobs == 2  # the cluster's threads


def test_jsonl_corpora_on_a_cluster_give_the_bytes_of_jobs_1(tmp_path: Path, scheduler: str) -> None:
    raw = tmp_path / "raw"
    big = big_corpus_bytes(6000)  # about 2.4 MB: several chunks, so several batches
    write_files(raw, {"big.jsonl": big, "small.jsonl.gz": gzip.compress(corpus_bytes()), "a.txt": HARBOUR})

    runs = run_both(tmp_path, [raw], scheduler)

    assert runs["dask"][:5] == runs["serial"][:5]
    exit_code, outputs, _, facts, stderr, _ = runs["dask"]
    assert exit_code == 1  # the invalid JSON line of small.jsonl.gz
    assert stderr.startswith("cleaner: error: small.jsonl.gz:6: not valid JSON") and stderr.count("\n") == 1
    assert facts["documents"] == 6000 + 4 + 1 and len(outputs["big.jsonl"]) < len(big)


def test_standard_input_corpus_on_a_cluster(scheduler: str) -> None:
    corpus = big_corpus_bytes(40)
    serial = clean("--field", "text", "--jobs", 1, "-q", input=corpus)
    dask = clean("--field", "text", "--scheduler", scheduler, "-q", input=corpus)
    assert (
        (dask.exit_code, dask.stdout_bytes)
        == (serial.exit_code, serial.stdout_bytes)
        == (0, serial.stdout_bytes)
    )
    assert b"Your support helps" not in dask.stdout_bytes


def test_batches_in_flight_stay_within_the_byte_budget(
    scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executors, "BATCH_BYTES", 2000)  # a batch is one or two articles
    executor = DaskExecutor(Settings(CHAIN), scheduler)
    try:
        budget = executor.jobs * executors.TASKS_IN_FLIGHT_PER_JOB * 2000
        texts = [(HARBOUR if i % 2 else COUNCIL).replace("Thursday", f"day {i}") for i in range(60)]
        futures, windows = [], []
        for i, text in enumerate(texts):
            # The path does not exist: the worker cleans the bytes the task carries.
            futures.append(executor.submit(DocTask(f"a{i}.txt", f"/nowhere/a{i}.txt", text.encode())))
            windows.append(executor.window)
            while len(futures) > executor.window:
                done = futures.pop(0)
                assert done.result().problem is None
        assert 0 in windows  # the budget was reached: results were collected before sending more
        assert executor._in_flight <= budget + len(HARBOUR)
        results = [future.result() for future in futures]
        assert [r.clean.decode() for r in results] == [CHAIN.clean(t).clean for t in texts[-len(results) :]]
        assert executor._in_flight == 0
    finally:
        executor.shutdown(cancel=False)


def test_settings_reach_each_worker_once_not_with_every_task(
    scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rule only this test's chain has, so that only its chains are counted. A worker builds
    # the chain when it unpickles the settings; the plugin's setup does that on every worker
    # before registering it returns, so the counts below are exact, not a race.
    probe = Rule(pack="probe", id="settings-once", kind="phrase", pattern="never in the text")
    settings = Settings(Chain([*CHAIN.rules, probe]))
    built = []
    build = Chain.__init__

    def counting(chain: Chain, rules: list, **options: bool) -> None:  # a worker unpickling the settings
        if probe in rules:
            built.append(chain)
        build(chain, rules, **options)

    monkeypatch.setattr(executors, "BATCH_BYTES", 1000)  # every article a batch of its own
    monkeypatch.setattr(Chain, "__init__", counting)
    executor = DaskExecutor(settings, scheduler)
    try:
        workers = len(executor._client.scheduler_info(n_workers=-1)["workers"])
        installed = len(built)
        futures = [executor.submit(DocTask(f"a{i}.txt", None, HARBOUR.encode())) for i in range(30)]
        assert all(future.result().changed for future in futures)
    finally:
        executor.shutdown(cancel=False)
    assert installed == workers == executor.jobs == 2  # once per worker, when the plugin arrived
    assert len(built) == installed  # and not with any of the 30 tasks


class ChainUsed(NamedTuple):
    """A task that answers which chain object its worker ran it with (in-process workers)."""

    carried_bytes: int = 0

    def run(self, settings: Settings) -> int:
        return id(settings.chain)


def test_a_worker_keeps_the_last_runs_chain_for_a_run_with_the_same_rules(scheduler: str) -> None:
    """Its patterns compiled and its automata grown by the last run's documents, the chain is
    what makes a run's first documents dear; a run with the same rules takes it over."""

    def chains_used(settings: Settings) -> set[int]:
        executor = DaskExecutor(settings, scheduler)
        try:
            return {future.result() for future in [executor.submit(ChainUsed()) for _ in range(4)]}
        finally:
            executor.shutdown(cancel=False)

    probe = Rule(pack="probe", id="last-chain", kind="phrase", pattern="never in the text")
    first = chains_used(Settings(Chain(CHAIN.rules)))
    again = chains_used(Settings(Chain(list(CHAIN.rules)), max_removed=0.5))
    other = chains_used(Settings(Chain([*CHAIN.rules, probe])))
    assert len(first) == 1  # one chain for the run
    assert again == first
    assert other.isdisjoint(first)


def test_cluster_tasks_carry_their_input_and_unreadable_inputs_fail_in_the_plan(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_files(raw, {"a.txt": HARBOUR, "b/c.txt": COUNCIL})
    (raw / "b/gone.txt").symlink_to("nowhere.txt")
    options = BatchOptions((str(raw),), output=tmp_path / "out")
    layout = layout_for(options)
    ledger = Ledger(None, journal=False, resume=False, key_of=layout.source_key)

    steps = list(Planner(layout, Walker(options.include, (), []), ledger, False, local=False).steps())

    assert [(s.unit.source, s.event.value) for s in steps] == [
        ("a.txt", "doc"),
        ("b/c.txt", "doc"),
        ("b/gone.txt", "failed"),
    ]
    assert steps[0].task.data == HARBOUR.encode() and steps[1].task.data == COUNCIL.encode()
    assert steps[0].task.output is None  # a cluster's worker cannot write here: the clean text comes back
    assert steps[2].reason == "cannot read: No such file or directory"


def test_scheduler_local_runs_worker_processes_with_the_bytes_of_jobs_1(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    raw = tmp_path / "raw"
    news_tree(raw)
    write_files(raw, {"corpus.jsonl": corpus_bytes()})
    runs = {}
    for name, how in (("serial", ["--jobs", "1"]), ("local", ["--scheduler", "local"])):
        out, report = tmp_path / f"out-{name}", tmp_path / f"{name}.jsonl"
        done = subprocess.run(
            [sys.executable, "-m", "cleaner", "clean", raw, "-o", out, "--report", report, "-q", *how],
            capture_output=True,
            cwd=REPO,
            timeout=120,
        )
        runs[name] = (done.returncode, done.stderr, files_below(out), report.read_bytes())
    assert runs["local"] == runs["serial"]
    assert (
        runs["local"][0] == 1 and runs["local"][1].count(b"\n") == 1
    )  # the invalid JSON line, and nothing else


def test_without_dask_the_error_says_how_to_install_it(tmp_path: Path) -> None:
    write_files(tmp_path / "raw", {"a.txt": HARBOUR})
    code = (
        "import sys; sys.modules['distributed'] = None; from cleaner.__main__ import main; "
        f"sys.argv = ['cleaner', 'clean', {str(tmp_path / 'raw')!r}, '-o', {str(tmp_path / 'out')!r}, "
        "'--scheduler', 'tcp://10.0.0.5:8786']; main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("cleaner: error: --scheduler needs Dask (")
    assert done.stderr.endswith(install_hint("dask") + "\n") and done.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_without_dask_through_the_cli_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    write_files(tmp_path / "raw", {"a.txt": HARBOUR})
    result = clean(tmp_path / "raw", "-o", tmp_path / "out", "--scheduler", "local")
    assert result.exit_code == 2
    assert install_hint("dask") in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_one_document_does_not_need_a_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # never imported: one document runs here
    result = clean("--scheduler", "tcp://10.0.0.5:8786", input=HARBOUR.encode())
    assert result.exit_code == 0 and result.stdout == CHAIN.clean(HARBOUR).clean


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jobs", "2", "--scheduler", "local"], "use either --jobs or --scheduler, not both"),
        (["--jobs", "1", "--scheduler", "local"], "use either --jobs or --scheduler, not both"),
        (["--scheduler", "no-port-here"], "--scheduler no-port-here: missing port number in address"),
        (
            ["--scheduler", "udp://10.0.0.5:8786"],
            "--scheduler udp://10.0.0.5:8786: unknown address scheme 'udp'",
        ),
    ],
)
def test_scheduler_options_that_cannot_work_are_refused(
    tmp_path: Path, args: list[str], message: str
) -> None:
    if "--jobs" not in args:
        pytest.importorskip("distributed")
    write_files(tmp_path / "raw", {"a.txt": HARBOUR})
    result = clean(tmp_path / "raw", "-o", tmp_path / "out", "--report", tmp_path / "r.jsonl", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cleaner: error: {message}") and result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]  # nothing written


def test_a_task_that_fails_on_the_cluster_stops_the_run_with_one_line(tmp_path: Path, scheduler: str) -> None:
    executor = DaskExecutor(Settings(CHAIN), scheduler)
    try:
        future = executor.submit(_Failing("a.txt", None, b"text"))
        with pytest.raises(ExecutorError, match=r"^the Dask cluster failed: ValueError: no such luck$"):
            future.result()
    finally:
        executor.shutdown(cancel=True)


class _Failing(DocTask):
    """A task whose run fails on the worker."""

    def run(self, settings: Settings) -> DocResult:
        raise ValueError("no such luck")


def test_the_readme_test_command_installs_what_ci_installs() -> None:
    # Both install the dask extra, so the cluster tests above run in CI and for a contributor.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    readme_extras = re.findall(r"pip install -e '(\.\[[a-z,]+\])' && \.venv/bin/python -m pytest", readme)
    ci_extras = re.findall(r"install \.venv -e '(\.\[[a-z,]+\])'", ci)
    assert readme_extras == ci_extras == [".[dev,dask]"]
