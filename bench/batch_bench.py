"""Batch benchmark: a generated tree cleaned with ``--jobs 1``, ``--jobs 2`` and Dask, against ``grep -r``.

    python bench/batch_bench.py                 # 10,000 files, about 45 MB
    python bench/batch_bench.py --files 2000    # quicker
    python bench/batch_bench.py --no-dask       # local runs only

It builds its own tree in a temporary folder: files nested three folders deep, half of them
articles with boilerplate (a date header and a donation appeal on the first line, photo
captions between paragraphs), half clean articles, plus one binary file named ``.txt``. The
article text is generated here from a small vocabulary. Then, in one run:

1. ``cat`` of the same files (page cache warm), the baseline; ``grep -r -F -f LITERALS TREE``
   with the boilerplate literals of ``bench/corpus.py`` (as ``bench/run.py`` uses), writing the
   lines it finds to a file; and ``cp -r`` of the tree (which, like cleaner, also creates a
   file per input);
2. ``cleaner clean TREE -o OUT --report ... -j 1`` and ``-j 2`` alternately, ``--repeat``
   times each (best time kept, as the machine may be shared); then, when Dask is installed
   (``pip install -e '.[dask]'``), ``--scheduler local`` (a cluster started by the run, one
   worker per core) and ``--scheduler tcp://...`` (a scheduler and two single-threaded
   workers started beforehand, as a cluster would be) the same way, the local runs having
   the machine to themselves: files/s, MB/s and their ratios to ``cat`` and ``grep -r``;
   all must give identical output trees and reports, name the binary file and exit with
   status 1. The CPU time is that of the command and the processes it waited for: for
   ``--scheduler tcp://...`` the client's alone (reading inputs, writing outputs, talking to
   the cluster), which bounds how many workers one client can keep busy;
3. the same articles as one JSONL corpus, one record per article, cleaned the same ways
   (cleaning, not creating files, is then what takes the time);
4. a ``-j 2`` run killed with SIGKILL (whole process group) about halfway, then resumed
   with ``--resume``: the kill must leave no report and its records so far (kept beside it
   for ``--resume``) must be valid JSONL, and the resumed
   tree and report must equal those of the uninterrupted run.

Every run writes into a folder of its own, and nothing is deleted until the end: on an ext4
file system without a journal (as on the machine of bench/README.md), creating a file after
many files were deleted in the last minutes can cost up to a millisecond, as the kernel skips
recently freed inodes one by one. For the same reason, wait some minutes after deleting a
large tree (such as a previous run's folder) before running the benchmark; the output starts
with the time it took to create an empty file, which is a few tens of microseconds otherwise.

Prints a Markdown table for bench/README.md. Not part of the test run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from corpus import boilerplate_literals

WORDS = {
    "subject": [
        "The council",
        "The harbour board",
        "Residents",
        "The minister",
        "Engineers",
        "The school",
        "Local traders",
        "The committee",
        "Volunteers",
        "The mayor",
    ],
    "verb": [
        "agreed to review",
        "voted to delay",
        "raised concerns about",
        "published a report on",
        "asked for more money for",
        "welcomed plans for",
        "rejected a proposal for",
        "began work on",
    ],
    "object": [
        "the new ferry timetable",
        "repairs to the sea wall",
        "the closure of the library",
        "a cycle lane on the high street",
        "the summer festival",
        "flood defences along the river",
        "the old railway bridge",
        "a new health centre",
    ],
    "tail": [
        "after months of debate.",
        "despite objections from neighbours.",
        "before the end of the year.",
        "at a meeting on Tuesday evening.",
        "following a public consultation.",
        "while costs continue to rise.",
    ],
    "caption": [
        "Workers on the pier at low tide",
        "Crowds gather outside the town hall",
        "The river after last week's storm",
        "A ferry leaves the harbour",
        "Stalls on the market square",
    ],
    "credit": ["AFP/Getty", "PA", "Reuters", "Harbour Board", "Jane Doe/Coastal Photos"],
}


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS[part]) for part in ("subject", "verb", "object", "tail"))


def article(rng: random.Random, boilerplate: bool) -> str:
    paragraphs = [
        " ".join(sentence(rng) for _ in range(rng.randint(3, 6))) for _ in range(rng.randint(6, 12))
    ]
    if boilerplate:
        for _ in range(rng.randint(1, 3)):
            caption = (
                f"open image in gallery {rng.choice(WORDS['caption'])} ( {rng.choice(WORDS['credit'])} )"
            )
            paragraphs.insert(rng.randint(1, len(paragraphs) - 1), caption)
        appeal = (
            f" date 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} Your support helps us to tell "
            "the story Read more Support Now Reporting from the places where decisions are made "
            "costs money. Readers keep this work free for everyone. Your support makes all the "
            "difference. Read more"
        )
        paragraphs.insert(0, appeal)
    return "\n\n".join(paragraphs) + "\n"


def build_tree(root: Path, files: int, seed: int = 7) -> tuple[list[Path], Path]:
    """``files`` articles in folders three deep, plus a binary .txt; returns (all files, binary)."""
    rng = random.Random(seed)
    paths = []
    for i in range(files):
        folder = root / f"d{i % 10}" / f"d{i // 10 % 10}" / f"d{i // 100 % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"article-{i:05d}.txt"
        path.write_text(article(rng, boilerplate=i % 2 == 0), encoding="utf-8")
        paths.append(path)
    binary = root / "d3" / "d1" / "d4" / "photo.txt"
    binary.parent.mkdir(parents=True, exist_ok=True)  # fewer than 415 files leave it out
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    paths.append(binary)
    return paths, binary


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    start = time.perf_counter()
    done = subprocess.run(command, stderr=subprocess.PIPE, **kwargs)
    return time.perf_counter() - start, done


def children_cpu() -> float:
    """CPU seconds of the child processes waited for so far (and of the ones they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build_corpus(paths: list[Path], binary: Path, corpus: Path) -> None:
    with corpus.open("wb") as out:
        for path in paths:
            if path != binary:
                record = {"id": path.stem, "text": path.read_text(encoding="utf-8")}
                out.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")


def clean_command(tree: Path, out: Path, report: Path, *how: str) -> list[str]:
    return [
        *(sys.executable, "-m", "cleaner", "clean", str(tree), "-o", str(out)),
        *("--report", str(report), "--quiet", *how),
    ]


@contextlib.contextmanager
def dask_cluster(work: Path, workers: int) -> Iterator[str | None]:
    """A Dask scheduler and ``workers`` single-threaded worker processes; yields its address
    (None when Dask is not installed)."""
    try:
        from distributed import Client
    except ImportError:
        yield None
        return
    info = work / "scheduler.json"
    common = ("--scheduler-file", str(info), "--no-dashboard")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = (sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0")
    processes = [subprocess.Popen([*scheduler, *common], **quiet)]
    try:
        while not info.exists():
            time.sleep(0.1)
        worker = (sys.executable, "-m", "distributed.cli.dask_worker", "--nworkers", str(workers))
        worker += ("--nthreads", "1")
        processes.append(subprocess.Popen([*worker, *common], **quiet))
        with Client(scheduler_file=str(info)) as client:
            client.wait_for_workers(workers, timeout=60)
            address = client.scheduler.address
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait()


def create_cost(folder: Path, files: int = 2000) -> float:
    """Seconds to create one empty file in a new folder: the state of the file system (see above)."""
    folder.mkdir()
    start = time.perf_counter()
    for i in range(files):
        os.close(os.open(folder / f"f{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return (time.perf_counter() - start) / files


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the best counts")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask runs")
    args = parser.parse_args()
    # Bytecode on for every command, as a normal install has it: without it each run compiles cleaner.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    work = Path(tempfile.mkdtemp(prefix="cleaner-batch-bench-"))
    try:
        run(work, args.files, args.repeat, dask=not args.no_dask)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, files: int, repeat: int, *, dask: bool = True) -> None:
    load = os.getloadavg()[0]
    create = create_cost(work / "probe")
    tree = work / "raw"
    paths, binary = build_tree(tree, files)
    total = sum(p.stat().st_size for p in paths)
    listing = b"\0".join(str(p).encode() for p in paths)
    cat = ["xargs", "-0", "cat"]
    subprocess.run(cat, input=listing, stdout=subprocess.DEVNULL, check=True)  # warm the page cache
    cat_time = min(timed(cat, input=listing)[0] for _ in range(3))
    literals = work / "literals.txt"
    literals.write_text("\n".join(boilerplate_literals()) + "\n", encoding="utf-8")
    grep_times = []
    for _ in range(3):
        with open(work / "grep.out", "wb") as found:  # a file, not /dev/null, which grep treats as -q
            elapsed, done = timed(["grep", "-r", "-F", "-f", str(literals), str(tree)], stdout=found)
        assert done.returncode == 0, done.stderr.decode()
        grep_times.append(elapsed)
    grep_time = min(grep_times)

    copy_times = [timed(["cp", "-r", str(tree), str(work / f"copy-{i}")])[0] for i in range(repeat)]

    corpus = work / "articles.jsonl"
    build_corpus(paths, binary, corpus)
    best: dict[str, tuple[float, float]] = {}  # seconds and CPU seconds of the fastest run
    best_corpus: dict[str, tuple[float, float]] = {}
    outputs: dict[str, tuple[dict[str, bytes], bytes]] = {}
    corpus_outputs: dict[str, tuple[bytes, bytes]] = {}

    def measure(variants: dict[str, list[str]]) -> None:
        """Run the variants alternately, ``repeat`` times each, keeping the fastest run of each."""
        for round_ in range(repeat):
            for name, how in variants.items():
                slug = "-".join(how).strip("-").replace("/", "").replace(":", "")
                out, report = work / f"clean{slug}-{round_}", work / f"removed{slug}.jsonl"
                cpu = children_cpu()
                elapsed, done = timed(clean_command(tree, out, report, *how))
                cpu = children_cpu() - cpu
                assert done.returncode == 1, (done.returncode, done.stderr.decode())
                stderr = done.stderr.decode()
                assert f"{binary.relative_to(tree)}: binary file" in stderr, stderr
                outputs[name] = (tree_bytes(out), report.read_bytes())
                best[name] = min(best.get(name, (elapsed, cpu)), (elapsed, cpu))

                out = work / f"clean{slug}.jsonl"
                cpu = children_cpu()
                elapsed, done = timed(clean_command(corpus, out, report, *how))
                cpu = children_cpu() - cpu
                assert done.returncode == 0, (done.returncode, done.stderr.decode())
                corpus_outputs[name] = (out.read_bytes(), report.read_bytes())
                best_corpus[name] = min(best_corpus.get(name, (elapsed, cpu)), (elapsed, cpu))
            for name in variants:
                assert outputs[name] == outputs["-j 1"], f"{name} and -j 1 differ"
                assert corpus_outputs[name] == corpus_outputs["-j 1"], f"{name} and -j 1 differ on the corpus"

    # The local runs first, alone: an idle Dask cluster's heartbeats take a few per cent of a
    # core, which a -j 2 run, using both, would lose.
    measure({"-j 1": ["--jobs", "1"], "-j 2": ["--jobs", "2"]})
    with dask_cluster(work, workers=2) if dask else contextlib.nullcontext() as address:
        if address is not None:
            measure(
                {
                    "--scheduler local": ["--scheduler", "local"],
                    "--scheduler tcp://… (2 workers)": ["--scheduler", address],
                }
            )
    rows = [(f"cleaner clean {name}", *measured) for name, measured in best.items()]
    clean_files = len(outputs["-j 1"][0])
    report_lines = outputs["-j 1"][1].count(b"\n")

    # Kill a -j 2 run (the whole process group, with SIGKILL) halfway, then resume it.
    # (Its output folder is new; the resumed run replaces some outputs, freeing a few inodes.)
    j2_time = best["-j 2"][0]
    out, report = work / "clean-killed", work / "removed-killed.jsonl"
    process = subprocess.Popen(
        clean_command(tree, out, report, "--jobs", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(j2_time / 2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not report.exists(), "a killed run left a report"  # it appears when a run completes
    partial = report.with_name(f".{report.name}.partial")  # the records so far, for --resume
    killed_lines = partial.read_bytes().splitlines() if partial.exists() else []  # killed while starting
    for line in killed_lines:
        json.loads(line)  # they are valid JSONL
    killed_outputs = sum(1 for p in out.rglob("*.txt"))
    resume_time, done = timed(
        clean_command(tree, out, report, "--jobs", "2", "--resume", "--summary", str(work / "s.json"))
    )
    resumed = json.loads((work / "s.json").read_text())["files_resumed"]
    assert done.returncode == 1, done.stderr.decode()
    resumed_outputs = (tree_bytes(out), report.read_bytes())
    assert resumed_outputs == outputs["-j 2"], "resumed run differs from uninterrupted run"

    mb = total / 1e6
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Machine: {machine}; load average {load:.1f} before the run, {os.getloadavg()[0]:.1f} after")
    print(f"Creating an empty file before the run: {create * 1e6:,.0f} µs")
    print(
        f"Tree: {len(paths):,} files ({files:,} articles, half with boilerplate, 1 binary .txt), {mb:.1f} MB"
    )
    print()
    rows[:0] = [
        ("cat (xargs -0 cat, warm cache)", cat_time, None),
        (f"grep -r -F -f LITERALS ({len(boilerplate_literals())} literals)", grep_time, None),
        ("cp -r", min(copy_times), None),
    ]
    print("| command | seconds | CPU seconds | files/s | MB/s | speed vs cat | speed vs grep -r |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, elapsed, cpu in rows:
        speed = f"{len(paths) / elapsed:,.0f} | {mb / elapsed:,.1f} | {cat_time / elapsed:.3f}"
        print(
            f"| `{name}` | {elapsed:.2f} | {'' if cpu is None else f'{cpu:.2f}'} | {speed} "
            f"| {grep_time / elapsed:.3f} |"
        )
    print()
    print(
        f"`-j 2` vs `-j 1`: {best['-j 1'][0] / best['-j 2'][0]:.2f} times as fast (target 1.7); `-j 1` vs "
        f"`grep -r`: {grep_time / best['-j 1'][0]:.3f} times its speed (target 0.15). Outputs and reports "
        f"identical across all runs ({clean_files:,} files written, {report_lines:,} report records; binary "
        "file named, exit status 1)."
    )
    print()
    corpus_mb = corpus.stat().st_size / 1e6
    print(f"Corpus: the same {files:,} articles as one JSONL file, {corpus_mb:.1f} MB")
    print()
    print("| command | seconds | CPU seconds | records/s | MB/s |")
    print("|---|---:|---:|---:|---:|")
    for name, (elapsed, cpu) in best_corpus.items():
        speed = f"{files / elapsed:,.0f} | {corpus_mb / elapsed:,.1f}"
        print(f"| `cleaner clean {name}` | {elapsed:.2f} | {cpu:.2f} | {speed} |")
    print()
    print("Outputs and reports identical across all runs.")
    print(
        f"Killed `-j 2` run with SIGKILL at {j2_time / 2:.1f} s: {killed_outputs:,} outputs and "
        f"{len(killed_lines):,} report records (valid JSONL); `--resume` reused {resumed:,} files in "
        f"{resume_time:.2f} s and gave a tree and report identical to the uninterrupted run."
    )


if __name__ == "__main__":
    main()
