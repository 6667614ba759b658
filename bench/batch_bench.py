"""Batch benchmark: clean a generated tree with ``--jobs 1`` and ``--jobs 2``, measured against ``cat``.

    python bench/batch_bench.py                 # 10,000 files, about 45 MB
    python bench/batch_bench.py --files 2000    # quicker

It builds its own tree in a temporary folder: files nested three folders deep, half of them
articles with boilerplate (a date header and a donation appeal on the first line, photo
captions between paragraphs), half clean articles, plus one binary file named ``.txt``. The
article text is generated here from a small vocabulary. Then, in one run:

1. ``cat`` of the same files (page cache warm), the baseline, and ``cp -r`` of the tree (which,
   like cleaner, also creates a file per input);
2. ``cleaner clean TREE -o OUT --report ... -j 1`` and ``-j 2``, alternately, ``--repeat``
   times each (best time kept, as the machine may be shared): files/s, MB/s and their ratios
   to ``cat``; both must give identical output trees and reports, name the binary file and
   exit with status 1;
3. a ``-j 2`` run killed with SIGKILL (whole process group) about halfway, then resumed
   with ``--resume``: the report left by the kill must be valid JSONL, and the resumed
   tree and report must equal those of the uninterrupted run.

Prints a Markdown table for bench/README.md. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    paths.append(binary)
    return paths, binary


def timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, **kwargs)
    return time.perf_counter() - start, done


def clean_command(tree: Path, out: Path, report: Path, jobs: int, *extra: str) -> list[str]:
    return [
        *(sys.executable, "-m", "cleaner", "clean", str(tree), "-o", str(out)),
        *("--report", str(report), "--jobs", str(jobs), "--quiet", *extra),
    ]


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the best counts")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cleaner-batch-bench-"))
    try:
        run(work, args.files, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, files: int, repeat: int) -> None:
    tree = work / "raw"
    paths, binary = build_tree(tree, files)
    total = sum(p.stat().st_size for p in paths)
    listing = b"\0".join(str(p).encode() for p in paths)
    cat = ["xargs", "-0", "cat"]
    subprocess.run(cat, input=listing, stdout=subprocess.DEVNULL, check=True)  # warm the page cache
    cat_time = min(timed(cat, input=listing)[0] for _ in range(3))

    copy_times = []
    for _ in range(repeat):
        shutil.rmtree(work / "copy", ignore_errors=True)
        copy_times.append(timed(["cp", "-r", str(tree), str(work / "copy")])[0])

    best: dict[int, float] = {}
    outputs = {}
    for _ in range(repeat):
        for jobs in (1, 2):
            out, report = work / f"clean-j{jobs}", work / f"removed-j{jobs}.jsonl"
            shutil.rmtree(out, ignore_errors=True)
            elapsed, done = timed(clean_command(tree, out, report, jobs))
            assert done.returncode == 1, (done.returncode, done.stderr.decode())
            assert f"{binary.relative_to(tree)}: binary file" in done.stderr.decode(), done.stderr.decode()
            outputs[jobs] = (tree_bytes(out), report.read_bytes())
            best[jobs] = min(best.get(jobs, elapsed), elapsed)
        assert outputs[1] == outputs[2], "--jobs 1 and --jobs 2 differ"
    rows = [("cleaner clean -j 1", best[1]), ("cleaner clean -j 2", best[2])]
    clean_files = len(outputs[1][0])
    report_lines = outputs[1][1].count(b"\n")

    # Kill a -j 2 run (the whole process group, with SIGKILL) halfway, then resume it.
    j2_time = best[2]
    out, report = work / "clean-killed", work / "removed-killed.jsonl"
    process = subprocess.Popen(
        clean_command(tree, out, report, 2),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(j2_time / 2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    killed_lines = report.read_bytes().splitlines()
    for line in killed_lines:
        json.loads(line)  # the report of a killed run is valid JSONL
    killed_outputs = sum(1 for p in out.rglob("*.txt"))
    resume_time, done = timed(
        clean_command(tree, out, report, 2, "--resume", "--summary", str(work / "s.json"))
    )
    resumed = json.loads((work / "s.json").read_text())["files_resumed"]
    assert done.returncode == 1, done.stderr.decode()
    assert (tree_bytes(out), report.read_bytes()) == outputs[2], "resumed run differs from uninterrupted run"

    mb = total / 1e6
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Machine: {machine}")
    print(
        f"Tree: {len(paths):,} files ({files:,} articles, half with boilerplate, 1 binary .txt), {mb:.1f} MB"
    )
    print()
    print("| command | seconds | files/s | MB/s | speed vs cat |")
    print("|---|---:|---:|---:|---:|")
    rows[:0] = [("cat (xargs -0 cat, warm cache)", cat_time), ("cp -r", min(copy_times))]
    for name, elapsed in rows:
        speed = f"{len(paths) / elapsed:,.0f} | {mb / elapsed:,.1f} | {cat_time / elapsed:.3f}"
        print(f"| `{name}` | {elapsed:.2f} | {speed} |")
    print()
    print(
        f"`-j 2` vs `-j 1`: {rows[2][1] / rows[3][1]:.2f} times as fast; outputs and reports identical "
        f"({clean_files:,} files written, {report_lines:,} report records; binary file named, exit status 1)."
    )
    print(
        f"Killed `-j 2` run with SIGKILL at {j2_time / 2:.1f} s: {killed_outputs:,} outputs and "
        f"{len(killed_lines):,} report records (valid JSONL); `--resume` reused {resumed:,} files in "
        f"{resume_time:.2f} s and gave a tree and report identical to the uninterrupted run."
    )


if __name__ == "__main__":
    main()
