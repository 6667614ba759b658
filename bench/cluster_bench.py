"""Cluster benchmark: what the client, the scheduler and the workers spend when the workers do the I/O.

    python bench/cluster_bench.py                      # 10,000 files, a 100 MB corpus, 2 workers
    python bench/cluster_bench.py --files 2000 --corpus-mb 20

It builds, in a temporary folder, the tree of ``bench/batch_bench.py`` (articles of about 4 KB
nested three folders deep) and a JSONL corpus of the same articles repeated to ``--corpus-mb``.
It starts a real local cluster: a ``dask scheduler`` and ``--workers`` single-threaded
``dask worker`` processes (no nanny), so that each process's CPU time can be read (psutil).
Then, in one run:

1. the client's fixed cost (imports, connecting, installing the plugin): the same runs over a
   tree and a corpus of 10 documents, so that its CPU per MB is given with and without it;
   and what the idle cluster spends (heartbeats, monitoring) over 10 s;
2. the tree and the corpus (``--shard-mb 16``, shards written by the workers) cleaned with
   ``--jobs 1`` and on the cluster with ``--shared`` (the workers read and write the files),
   alternately, ``--repeat`` times, the best of each figure: the client's CPU time, the
   scheduler's and the workers' CPU time (before and after), and the outputs and report
   compared byte for byte in every round;
3. the corpus on clusters of 1, 2 and 4 workers: the client's peak RSS each time (measured
   by a small launcher process, see ``LAUNCHER``);
4. the tree with ``--jobs 1`` and ``--jobs 2`` and the Python I/O floor (``bench/io_floor.py``:
   read, decode and atomically write every file) on the same tree, alternately, best of
   ``--repeat``.

Every run writes into a folder of its own; nothing is deleted before the end. Set ``TMPDIR`` to
put the work folder on another file system. Prints Markdown tables for bench/README.md. Not part
of the test run.
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
# Bytecode on, as a normal install has it: without it every process compiles cleaner again.
IDLE_SECONDS = 10
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


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
            env=ENV,
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


# Runs a command and writes its CPU seconds and peak RSS. A child forked from this process
# starts with a copy of its memory, which Linux counts in the child's peak RSS (kept across
# exec): the trees this bench compares would count as the client's. A small process forking
# the command keeps them out.
LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_client(args: list[str]) -> tuple[float, float, int, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds (the command and what it waited for) and peak RSS (KiB) of a run."""
    command = [sys.executable, "-m", "cleaner", "clean", *args, "--quiet"]
    with tempfile.NamedTemporaryFile("r") as figures:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", LAUNCHER, figures.name, *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=ENV,
        )
        wall = time.perf_counter() - start
        cpu, rss = figures.read().split()
    return wall, float(cpu), int(rss), done


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


def compare(
    work: Path, name: str, inputs: Path, options: list[str], cluster: LocalCluster, rounds: int
) -> dict:
    """``--jobs 1`` and the cluster on one input, alternately, ``rounds`` times (section 1): the
    best of each figure, and whether every run gave the same outputs and report."""
    size = (
        sum(p.stat().st_size for p in inputs.rglob("*") if p.is_file())
        if inputs.is_dir()
        else inputs.stat().st_size
    )
    best: dict[str, float] = {}
    identical, codes, stderr = True, set(), ""
    for round_ in range(rounds):
        out1, rep1 = work / f"{name}-j1-{round_}", work / f"{name}-j1-{round_}.jsonl"
        wall1, cpu1, _, done1 = run_client(
            [str(inputs), "-o", str(out1), "--report", str(rep1), "-j", "1", *options]
        )
        scheduler0, workers0 = cluster.cpu()
        outc, repc = work / f"{name}-dask-{round_}", work / f"{name}-dask-{round_}.jsonl"
        on_cluster = ["--scheduler", cluster.address, "--shared", *options]
        wallc, cpuc, _, donec = run_client([str(inputs), "-o", str(outc), "--report", str(repc), *on_cluster])
        scheduler1, workers1 = cluster.cpu()
        figures = {
            "j1 wall": wall1,
            "j1 cpu": cpu1,
            "wall": wallc,
            "client": cpuc,
            "scheduler": scheduler1 - scheduler0,
            "workers": workers1 - workers0,
            "total": cpuc + scheduler1 - scheduler0 + workers1 - workers0,
        }
        for key, value in figures.items():
            best[key] = min(best.get(key, value), value)
        identical = identical and files(out1) == files(outc) and rep1.read_bytes() == repc.read_bytes()
        codes |= {done1.returncode, donec.returncode}
        stderr = stderr or (donec.stderr.decode()[-300:] if donec.returncode not in (0, 1) else "")
    return {"name": name, "mb": size / 1e6, **best, "identical": identical, "codes": codes, "stderr": stderr}


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
    small_files, small_binary = build_tree(small, 10)
    small_corpus = work / "small.jsonl"
    build_corpus(small_files, small_binary, small_corpus)
    print(f"tree: {len(tree_files):,} files; corpus: {corpus.stat().st_size / 1e6:.1f} MB", flush=True)
    # One run first, alone, so that every later one finds cleaner's bytecode written.
    run_client([str(small), "-o", str(work / "warm"), "-j", "1"])

    rows, fixed = [], {"tree": float("inf"), "corpus": float("inf")}
    with cluster_of(work) as cluster:
        cluster.scale(args.workers)
        for round_ in range(args.repeat):  # the client's fixed cost: the same run over 10 documents
            for name, inputs, options in (
                ("tree", small, []),
                ("corpus", small_corpus, ["--shard-mb", "16"]),
            ):
                out = work / f"small-{name}-{round_}"
                on_cluster = ["--scheduler", cluster.address, "--shared", *options]
                _, cpu, _, _ = run_client(
                    [str(inputs), "-o", str(out), "--report", f"{out}.jsonl", *on_cluster]
                )
                fixed[name] = min(fixed[name], cpu)
        scheduler0, workers0 = cluster.cpu()
        time.sleep(IDLE_SECONDS)  # what the cluster spends doing nothing: heartbeats, monitoring
        scheduler1, workers1 = cluster.cpu()
        idle = (scheduler1 - scheduler0) / IDLE_SECONDS, (workers1 - workers0) / IDLE_SECONDS
        rows.append(compare(work, "tree", tree, [], cluster, args.repeat))
        rows.append(compare(work, "corpus", corpus, ["--shard-mb", "16"], cluster, args.repeat))
        memory = {}
        for count in (1, 2, 4):
            cluster.scale(count)
            out = work / f"mem-{count}"
            _, _, rss, _ = run_client(
                [str(corpus), "-o", str(out), "--shard-mb", "16", "--scheduler", cluster.address, "--shared"]
            )
            memory[count] = rss
    print_cluster(rows, fixed, memory)
    print(f"\nidle cluster: scheduler {idle[0]:.1%} of a core, {args.workers} workers {idle[1]:.1%}")
    print_local(work, tree, args.repeat)


def print_cluster(rows: list[dict], fixed: dict[str, float], memory: dict[int, int]) -> None:
    costs = ", ".join(f"{name} {cpu:.2f}" for name, cpu in fixed.items())
    print(f"\nclient fixed cost (the same run over 10 documents, best run): {costs} CPU s\n")
    print(
        "| input | MB | `-j 1` s / CPU s | cluster s | client CPU s | scheduler CPU s | workers CPU s "
        "| client ms/MB (without fixed) | workers ms/MB | client / workers "
        "| cluster CPU / `-j 1` CPU | identical |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        mb, cpuc = row["mb"], row["client"]
        marginal = (cpuc - fixed[row["name"]]) / mb * 1e3
        client, workers = cpuc / mb * 1e3, row["workers"] / mb * 1e3
        print(
            f"| {row['name']} | {mb:.1f} | {row['j1 wall']:.2f} / {row['j1 cpu']:.2f} | {row['wall']:.2f} | "
            f"{cpuc:.2f} | {row['scheduler']:.2f} | {row['workers']:.2f} | {client:.1f} ({marginal:.1f}) | "
            f"{workers:.1f} | {client / workers:.3f} ({marginal / workers:.3f}) | "
            f"{row['total'] / row['j1 cpu']:.3f} | {row['identical']} (exit {sorted(row['codes'])}) |"
        )
        if row["stderr"].strip():
            print(f"    stderr: {row['stderr']!r}")
    print("\n| workers | client peak RSS (MB) |\n|---:|---:|")
    for count, rss in memory.items():
        print(f"| {count} | {rss / 1024:.1f} |")


def print_local(work: Path, tree: Path, repeat: int) -> None:
    """Section 4: the tree with ``-j 1``, ``-j 2`` and the I/O floor, alternately, best of ``repeat``."""
    clean = [sys.executable, "-m", "cleaner", "clean", str(tree), "-o", "{out}", "--report", "{out}.jsonl"]
    clean.append("-q")
    commands = {
        "-j 1": [*clean, "-j", "1"],
        "-j 2": [*clean, "-j", "2"],
        "floor": [sys.executable, str(HERE / "io_floor.py"), str(tree), "{out}"],
    }
    best: dict[str, tuple[float, float]] = {}
    for round_ in range(repeat):
        for name, command in commands.items():
            out = work / f"local-{name.replace(' ', '')}-{round_}"
            argv = [part.replace("{out}", str(out)) for part in command]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            seen = best.get(name, (wall, cpu))
            best[name] = (min(seen[0], wall), min(seen[1], cpu))
    print("\n| tree run | best seconds | best CPU seconds |\n|---|---:|---:|")
    for name, (wall, cpu) in best.items():
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    print(
        f"\n`-j 2` / `-j 1` speed: {best['-j 1'][0] / best['-j 2'][0]:.2f}; "
        f"`-j 1` speed / I/O floor speed: {best['floor'][0] / best['-j 1'][0]:.2f}"
    )


if __name__ == "__main__":
    main()
