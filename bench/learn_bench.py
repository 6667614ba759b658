"""Learn benchmark: what ``cleaner learn`` finds on generated sites, and what it costs on a
large corpus, against ``cleaner clean`` on the same corpus in the same run.

    python bench/learn_bench.py                    # quality, then a 1 GB JSONL corpus
    python bench/learn_bench.py --size-mb 100      # quicker
    python bench/learn_bench.py --skip-scale       # quality only

The corpora come from ``tests/sites.py``: four invented news sites (one in German, one with
CRLF line endings), each with its own templated header, prompt and footer lines (dates,
reading times and counts varying) around varied generated article prose, every line labelled
as furniture or article.

1. **Quality.** ``--per-site`` pages of each site, as a tree (one folder per site) and as a
   JSONL corpus with a ``url`` field. ``cleaner learn`` (by folder; by ``--group-by host``),
   then ``cleaner clean --no-default-rules --rules`` the learned pack, then the labels say
   how many furniture lines went and how many article lines were lost. Learning with
   ``--jobs 1`` and ``--jobs 2`` must give byte-identical packs.
2. **Scale.** A JSONL corpus of ``--size-mb`` (the sites' pages interleaved, as a crawl has
   them), then, alternately, ``--repeat`` times each: ``cleaner clean CORPUS -o OUT`` (the
   default chain) and ``cleaner learn CORPUS --group-by host -o PACK``, both with ``--jobs``.
   Wall time (best run), and peak memory: the largest sum of the resident sets of the
   command and all its worker processes, sampled every 50 ms (psutil), and the largest
   single process (``wait4``). The ratio is learn's speed over clean's.

Prints Markdown rows for bench/README.md. Not part of the test run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import sites  # noqa: E402 - the generator lives with the tests that use it too


def cleaner(*args: object) -> list[str]:
    return [sys.executable, "-m", "cleaner", *map(str, args)]


def measured(command: list[str]) -> tuple[float, float, float, float]:
    """``(seconds, CPU seconds, peak tree RSS MB, peak single-process RSS MB)`` of a command; the
    CPU time counts the workers the command waited for."""
    import psutil

    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]
    finished = threading.Event()

    def sample() -> None:  # never reaps the child: wait4 below does, for its rusage
        parent = psutil.Process(process.pid)
        while not finished.wait(0.05):
            try:
                tree = [parent, *parent.children(recursive=True)]
            except psutil.Error:
                continue
            total = 0
            for member in tree:
                with contextlib.suppress(psutil.Error):  # a worker that just ended
                    total += member.memory_info().rss
            peak[0] = max(peak[0], total / 1e6)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    finished.set()
    process.returncode = os.waitstatus_to_exitcode(status)
    watcher.join()
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, peak[0], usage.ru_maxrss / 1e3


def quality(folder: Path, per_site: int) -> list[str]:
    tree, corpus = folder / "raw", folder / "crawl.jsonl"
    pages = sites.write_tree(tree, per_site)
    mixed = sites.write_jsonl(corpus, per_site)
    rows = []
    for name, source, group_by, ordered in (
        ("tree, by folder", tree, "folder", pages),
        ("JSONL, by host", corpus, "host", mixed),
    ):
        packs = []
        for jobs in (1, 2):
            pack = folder / f"{group_by}-j{jobs}" / "site.yaml"
            command = cleaner("learn", source, "--group-by", group_by, "-o", pack, "-j", jobs, "-q")
            subprocess.run(command, check=True)
            packs.append(pack.read_bytes())
        assert packs[0] == packs[1], f"{name}: -j 1 and -j 2 learned different packs"
        clean_out = folder / ("clean" if group_by == "folder" else "clean.jsonl")
        pack = folder / f"{group_by}-j1" / "site.yaml"
        command = cleaner("clean", source, "-o", clean_out, "--no-default-rules", "--rules", pack, "-q")
        subprocess.run(command, check=True)
        if group_by == "folder":
            texts = [
                (clean_out / page.site.slug / f"{n % per_site:04d}.txt").read_text(encoding="utf-8")
                for n, page in enumerate(ordered)
            ]
        else:
            texts = [json.loads(line)["text"] for line in clean_out.read_text(encoding="utf-8").splitlines()]
        furniture, removed, article, lost = sites.tally(ordered, texts)
        rules = pack.read_text(encoding="utf-8").count("\n  - id: ")
        rows.append(
            f"| {name} | {len(ordered):,} | {rules} | {removed:,} / {furniture:,} = "
            f"**{removed / furniture:.2%}** | **{lost}** of {article:,} |"
        )
    return rows


def write_big_corpus(path: Path, size: int) -> int:
    """Pages of every site, interleaved, until the corpus holds ``size`` bytes."""
    written, number, seed = 0, 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < size:
            for page in sites.mixed_pages(2000, seed=seed):
                line = sites.jsonl_record(page, number)
                out.write(line)
                written += len(line.encode("utf-8"))
                number += 1
                if written >= size:
                    break
            seed += 1
    return number


def scale(folder: Path, size_mb: int, jobs: int, repeat: int) -> list[str]:
    corpus = folder / "big.jsonl"
    started = time.perf_counter()
    records = write_big_corpus(corpus, size_mb * 10**6)
    size = corpus.stat().st_size
    took = time.perf_counter() - started
    print(f"corpus: {records:,} records, {size / 1e6:,.0f} MB, built in {took:.0f} s")
    commands = {
        "clean": cleaner("clean", corpus, "-o", folder / "clean.jsonl", "-j", jobs, "-q"),
        "learn": cleaner("learn", corpus, "--group-by", "host", "-o", folder / "site.yaml", "-j", jobs, "-q"),
    }
    best: dict[str, list[float]] = {}
    for _ in range(repeat):
        for name, command in commands.items():
            seconds, cpu, tree_mb, single_mb = measured(command)
            memory = f"peak {tree_mb:.0f} MB, one process {single_mb:.0f} MB"
            print(f"{name}: {seconds:.1f} s ({cpu:.1f} s CPU), {memory}")
            old = best.setdefault(name, [seconds, cpu, tree_mb, single_mb])
            # The fastest run, the least CPU time, the largest memory: the machine may be shared.
            best[name] = [min(old[0], seconds), min(old[1], cpu), *map(max, old[2:], (tree_mb, single_mb))]
    rules = (folder / "site.yaml").read_text(encoding="utf-8").count("\n  - id: ")
    clean_s, clean_cpu = best["clean"][:2]
    rows = []
    for name, (seconds, cpu, tree_mb, single_mb) in best.items():
        ratio, peak = f"{clean_s / seconds:.2f} ({clean_cpu / cpu:.2f} on CPU time)", f"{tree_mb:.0f}"
        if name == "learn":
            ratio, peak = f"**{ratio}**", f"**{peak}**"
        speed = f"{seconds:.1f} | {cpu:.1f} | {size / 1e6 / seconds:.1f}"
        rows.append(f"| `cleaner {name} -j {jobs}` | {speed} | {ratio} | {peak} | {single_mb:.0f} |")
    rows.append(f"\n{records:,} records, {size / 1e6:,.0f} MB; learn proposed {rules} rules.")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-site", type=int, default=400, help="pages per site for the quality runs")
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the scale corpus")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="learn-bench-") as folder:
        rows = quality(Path(folder), args.per_site)
        print("\n| corpus | pages | rules | furniture lines removed | article lines lost |")
        print("|---|---:|---:|---:|---:|")
        print("\n".join(rows))
        if not args.skip_scale:
            rows = scale(Path(folder), args.size_mb, args.jobs, args.repeat)
            head = "| command | seconds | CPU seconds | MB/s | speed vs clean | peak RSS, all processes (MB) "
            print(f"\n{head}| one process |")
            print("|---|---:|---:|---:|---:|---:|---:|")
            print("\n".join(rows))


if __name__ == "__main__":
    main()
