"""Cluster benchmark: what the client, the scheduler and the workers spend when the workers do the I/O.

    python bench/cluster_bench.py                      # 10,000 files, a 100 MB corpus, 2 workers
    python bench/cluster_bench.py --files 2000 --corpus-mb 20

It builds, in a temporary folder, the tree of ``bench/batch_bench.py`` (articles of about 4 KB
nested three folders deep) and a JSONL corpus of the same articles repeated to ``--corpus-mb``.
It starts a real local cluster: a ``dask scheduler`` and ``--workers`` single-threaded
``dask worker`` processes (no nanny), so that each process's CPU time can be read (psutil).
Then, in one run:

1. the tree and the corpus (``--shard-mb 16``, shards written by the workers) cleaned with
   ``--jobs 1`` and on the cluster with ``--shared`` (the workers read and write the files):
   the client's CPU time and peak RSS (``wait4``), the scheduler's and each worker's CPU time
   (before and after), and the outputs and report compared byte for byte;
2. the client's fixed cost (imports, connecting, installing the plugin) from a run over 10
   files, so that its CPU per MB is given with and without it;
3. the corpus on clusters of 1, 2 and 4 workers: the client's peak RSS each time;
4. the tree with ``--jobs 1`` and ``--jobs 2`` (best of ``--repeat``), and the Python I/O floor
   (``bench/io_floor.py``: read, decode and atomically write every file) on the same tree.

Prints Markdown tables for bench/README.md. Not part of the test run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
from batch_bench import build_corpus, build_tree, tree_bytes

HERE = Path(__file__).resolve().parent
DASK = Path(sys.executable).parent / "dask"


class LocalCluster:
    """A scheduler and single-threaded worker processes, each a process whose CPU we can read."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.processes: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        info = work / "scheduler.json"
        self.scheduler = self._spawn(
            "scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(info)
        )
        while not info.exists() or not info.read_text().strip():
            time.sleep(0.05)
        self.address = json.loads(info.read_text())["address"]

    def scale(self, count: int) -> None:
        while len(self.workers) > count:
            worker = self.workers.pop()
            worker.kill()
            worker.wait()
        while len(self.workers) < count:
            self.workers.append(self._spawn("worker", self.address, "--nthreads", "1", "--no-nanny"))
        from distributed import Client

        with Client(self.address) as client:
            client.wait_for_workers(count, timeout=60)
            while len(client.scheduler_info(n_workers=-1)["workers"]) != count:
                time.sleep(0.1)
        time.sleep(1)  # let the new processes settle (imports, first heartbeats)

    def cpu(self) -> tuple[float, float]:
        """CPU seconds so far of the scheduler and of all workers."""
        return _cpu(self.scheduler.pid), sum(_cpu(w.pid) for w in self.workers)

    def _spawn(self, *args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [str(DASK), args[0], *args[1:], "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait()


def _cpu(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def run_client(args: list[str]) -> tuple[float, float, int, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds (the command and what it waited for) and peak RSS (KiB) of a run."""
    command = [sys.executable, "-m", "cleaner", "clean", *args, "--quiet"]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else b""
    process.returncode = os.waitstatus_to_exitcode(status)
    done = subprocess.CompletedProcess(command, process.returncode, b"", stderr)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, done


def files(root: Path) -> dict[str, bytes]:
    return tree_bytes(root) if root.is_dir() else {}


def corpus_of(tree_files: list[Path], binary: Path, path: Path, megabytes: int) -> None:
    one = path.with_suffix(".one")
    build_corpus(tree_files, binary, one)
    data = one.read_bytes()
    with path.open("wb") as out:
        for _ in range(max(1, megabytes * (1 << 20) // len(data))):
            out.write(data)
    one.unlink()


@contextlib.contextmanager
def cluster_of(work: Path) -> Iterator[LocalCluster]:
    running = LocalCluster(work)
    try:
        yield running
    finally:
        running.close()


def compare(work: Path, name: str, inputs: Path, options: list[str], cluster: LocalCluster) -> dict:
    """``--jobs 1`` against the cluster on one input: the figures of section 1."""
    size = (
        sum(p.stat().st_size for p in inputs.rglob("*") if p.is_file())
        if inputs.is_dir()
        else inputs.stat().st_size
    )
    mb = size / 1e6
    out1, rep1 = work / f"{name}-j1", work / f"{name}-j1.jsonl"
    wall1, cpu1, _, done1 = run_client(
        [str(inputs), "-o", str(out1), "--report", str(rep1), "-j", "1", *options]
    )
    scheduler0, workers0 = cluster.cpu()
    outc, repc = work / f"{name}-dask", work / f"{name}-dask.jsonl"
    wallc, cpuc, rssc, donec = run_client(
        [
            str(inputs),
            "-o",
            str(outc),
            "--report",
            str(repc),
            "--scheduler",
            cluster.address,
            "--shared",
            *options,
        ]
    )
    scheduler1, workers1 = cluster.cpu()
    same = files(out1) == files(outc) and rep1.read_bytes() == repc.read_bytes()
    return {
        "name": name,
        "mb": mb,
        "j1": (wall1, cpu1, done1.returncode),
        "dask": (wallc, cpuc, rssc, donec.returncode, donec.stderr.decode()[-300:]),
        "scheduler": scheduler1 - scheduler0,
        "workers": workers1 - workers0,
        "identical": same,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--corpus-mb", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cleaner-cluster-bench-"))
    try:
        run(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, args: argparse.Namespace) -> None:
    tree = work / "tree"
    tree_files, binary = build_tree(tree, args.files)
    corpus = work / "corpus.jsonl"
    corpus_of(tree_files, binary, corpus, args.corpus_mb)
    small = work / "small"
    build_tree(small, 10)
    print(f"tree: {len(tree_files):,} files; corpus: {corpus.stat().st_size / 1e6:.1f} MB", flush=True)

    rows = []
    with cluster_of(work) as cluster:
        cluster.scale(args.workers)
        _, fixed, _, _ = run_client(
            [str(small), "-o", str(work / "small-out"), "--scheduler", cluster.address, "--shared"]
        )
        rows.append(compare(work, "tree", tree, [], cluster))
        rows.append(compare(work, "corpus", corpus, ["--shard-mb", "16"], cluster))
        memory = {}
        for count in (1, 2, 4):
            cluster.scale(count)
            out = work / f"mem-{count}"
            _, _, rss, _ = run_client(
                [str(corpus), "-o", str(out), "--shard-mb", "16", "--scheduler", cluster.address, "--shared"]
            )
            memory[count] = rss
    print_cluster(rows, fixed, memory)
    print_local(work, tree, args.repeat)


def print_cluster(rows: list[dict], fixed: float, memory: dict[int, int]) -> None:
    print(f"\nclient fixed cost (10 files on the cluster): {fixed:.2f} CPU s\n")
    print(
        "| input | MB | `-j 1` s / CPU s | cluster s | client CPU s | scheduler CPU s | workers CPU s "
        "| client ms/MB (without fixed) | workers ms/MB | client / workers "
        "| cluster CPU / `-j 1` CPU | identical |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        wall1, cpu1, _ = row["j1"]
        wallc, cpuc, _, code, stderr = row["dask"]
        mb = row["mb"]
        client, marginal, workers = cpuc / mb * 1e3, (cpuc - fixed) / mb * 1e3, row["workers"] / mb * 1e3
        total = cpuc + row["scheduler"] + row["workers"]
        print(
            f"| {row['name']} | {mb:.1f} | {wall1:.2f} / {cpu1:.2f} | {wallc:.2f} | {cpuc:.2f} | "
            f"{row['scheduler']:.2f} | {row['workers']:.2f} | {client:.1f} ({marginal:.1f}) | "
            f"{workers:.1f} | {client / workers:.3f} ({marginal / workers:.3f}) | {total / cpu1:.3f} | "
            f"{row['identical']} (exit {code}) |"
        )
        if stderr.strip() and code not in (0, 1):
            print(f"    stderr: {stderr!r}")
    print("\n| workers | client peak RSS (MB) |\n|---:|---:|")
    for count, rss in memory.items():
        print(f"| {count} | {rss / 1024:.1f} |")


def print_local(work: Path, tree: Path, repeat: int) -> None:
    best: dict[str, float] = {}
    for round_ in range(repeat):
        for name, command in (
            (
                "-j 1",
                [
                    "-m",
                    "cleaner",
                    "clean",
                    str(tree),
                    "-o",
                    "{out}",
                    "--report",
                    "{out}.jsonl",
                    "-q",
                    "-j",
                    "1",
                ],
            ),
            (
                "-j 2",
                [
                    "-m",
                    "cleaner",
                    "clean",
                    str(tree),
                    "-o",
                    "{out}",
                    "--report",
                    "{out}.jsonl",
                    "-q",
                    "-j",
                    "2",
                ],
            ),
            ("floor", [str(HERE / "io_floor.py"), str(tree), "{out}"]),
        ):
            out = work / f"local-{name.replace(' ', '')}-{round_}"
            argv = [sys.executable, *(part.replace("{out}", str(out)) for part in command)]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            del before
            best[name] = min(best.get(name, wall), wall)
    print("\n| tree run | best seconds |\n|---|---:|")
    for name, wall in best.items():
        print(f"| {name} | {wall:.2f} |")
    print(
        f"\n`-j 2` / `-j 1` speed: {best['-j 1'] / best['-j 2']:.2f}; "
        f"`-j 1` speed / I/O floor speed: {best['floor'] / best['-j 1']:.2f}"
    )


if __name__ == "__main__":
    main()
