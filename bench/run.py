"""Throughput, start-up and memory benchmark for ``cleaner`` (stdlib only + the installed cleaner).

Builds its own corpus in a temporary folder, then reports absolute numbers and ratios measured
in the same run, so that a busy machine skews both sides alike:

- cleaner MB/s on one large stream (5 % boilerplate, and none) vs ``cat`` and ``grep -F -f``
  over the boilerplate literals, for the default chain and for the default chain plus the
  bench pack ``bench/rules/anticipated.yaml`` (about 50 rules, the size packs are growing to);
  the ratio to grep also on CPU time (user + system), which a busy machine skews less;
- start-up of ``cleaner clean < seed`` vs ``python -c pass`` and ``import typer`` (the seed
  article of ``../shared`` beside the repository, else a generated 6 kB article);
- peak RSS of ``cleaner clean < FILE > out`` and ``cleaner clean FILE -o out --report
  r.jsonl`` for a 10 MB, a 100 MB (both cleaned whole) and a 1 GB input (``--huge``; 200 MB
  otherwise), which is cleaned in windows (``cleaner.batch.large``).

Run from the repository root with the project's venv::

    .venv/bin/python bench/run.py            # about two minutes
    .venv/bin/python bench/run.py --huge     # adds the 1 GB memory case (several minutes)

Each timing is the best of ``--repeat`` runs (default 3).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import article, boilerplate_literals, write_corpus

BENCH = Path(__file__).resolve().parent
MB = 1_000_000
SEED = BENCH.parents[1] / "shared" / "seeds" / "000_1a0085ccc8c9eb6a.txt"
# Commands run as after a normal install, where Python writes and reuses bytecode; a shell that
# turns that off would make every run compile the package again.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def cleaner_command() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m cleaner``."""
    script = Path(sys.executable).with_name("cleaner")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cleaner"]


class Run(NamedTuple):
    seconds: float  # wall time
    cpu: float  # user + system time of the child
    rss: int  # peak resident set of the child, KiB


def run(
    argv: Sequence[str], stdin: Path | None = None, stdout: Path | None = None, cwd: Path | None = None
) -> Run:
    """Run a command; return its wall and CPU seconds and peak RSS."""
    fin = stdin.open("rb") if stdin else subprocess.DEVNULL
    fout = stdout.open("wb") if stdout else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=fin, stdout=fout, stderr=subprocess.PIPE, cwd=cwd, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
    finally:
        if stdin:
            fin.close()  # type: ignore[union-attr]
        if stdout:
            fout.close()  # type: ignore[union-attr]
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and argv[0] != "grep"):
        raise SystemExit(f"bench: {' '.join(argv)} failed ({proc.returncode}): {err.strip()}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def best(
    repeat: int,
    argv: Sequence[str],
    stdin: Path | None = None,
    stdout: Path | None = None,
    cwd: Path | None = None,
) -> Run:
    """The best of ``repeat`` runs: the least wall time and the least CPU time, each on its own."""
    runs = [run(argv, stdin, stdout, cwd) for _ in range(repeat)]
    return Run(min(r.seconds for r in runs), min(r.cpu for r in runs), max(r.rss for r in runs))


def throughput(args: argparse.Namespace, work: Path) -> list[tuple[str, str, str]]:
    rows = []
    literals = work / "literals.txt"
    literals.write_text("\n".join(boilerplate_literals()) + "\n", encoding="utf-8")
    out = work / "out.txt"
    size = args.size_mb * MB
    corpora = {}
    for name, share in (("5 % boilerplate", 0.05), ("no boilerplate", 0.0)):
        path = work / f"stream-{int(share * 100)}.txt"
        corpora[name] = (path, write_corpus(path, size, boilerplate=share))
    chains = {
        "default chain": [],
        "default + bench pack": ["--rules", str(BENCH / "rules" / "anticipated.yaml")],
    }
    for name, (path, nbytes) in corpora.items():
        mb = nbytes / MB
        cat = best(args.repeat, ["cat", str(path)], stdout=out)
        grep = best(args.repeat, ["grep", "-v", "-F", "-f", str(literals), str(path)], stdout=out)
        rows.append((f"`cat`, {name}", f"{mb / cat.seconds:,.0f} MB/s", ""))
        rows.append((f"`grep -v -F -f` (30 literals), {name}", f"{mb / grep.seconds:,.0f} MB/s", ""))
        for chain, extra in chains.items():
            clean = best(args.repeat, [*cleaner_command(), "clean", *extra], stdin=path, stdout=out)
            rows.append(
                (
                    f"cleaner, {chain}, {name} ({mb:.0f} MB)",
                    f"{mb / clean.seconds:,.1f} MB/s",
                    f"{grep.seconds / clean.seconds:.2f} x grep ({grep.cpu / clean.cpu:.2f} x on CPU time), "
                    f"{cat.seconds / clean.seconds:.3f} x cat",
                )
            )
        print(*rows[-4:], sep="\n", flush=True)
    return rows


def startup(args: argparse.Namespace, work: Path) -> list[tuple[str, str, str]]:
    import random

    seed = SEED if SEED.is_file() else work / "seed-sized.txt"
    if seed != SEED:
        seed.write_text(article(random.Random(3), boilerplate=0.2)[:6000], encoding="utf-8")
    repeat = max(args.repeat, 10)
    # From a folder of its own, as a pipe is mostly run: no config file to find on the way up.
    # The first run fills the rule cache (and writes bytecode), as any first run after installing.
    run([*cleaner_command(), "clean"], stdin=seed, stdout=work / "out.txt", cwd=work)
    bare = best(repeat, [sys.executable, "-c", "pass"], cwd=work).seconds
    typer = best(repeat, [sys.executable, "-c", "import typer"], cwd=work).seconds
    clean = best(repeat, [*cleaner_command(), "clean"], stdin=seed, stdout=work / "out.txt", cwd=work).seconds
    name = "the seed article" if seed == SEED else "a 6 kB article"
    rows = [
        ("`python -c pass`", f"{bare * 1000:.0f} ms", ""),
        ('`python -c "import typer"`', f"{typer * 1000:.0f} ms", ""),
        (
            f"`cleaner clean < {seed.name}` ({name}, {seed.stat().st_size / 1000:.0f} kB)",
            f"{clean * 1000:.0f} ms",
            f"{clean / typer:.2f} x import typer, {clean / bare:.1f} x python -c pass",
        ),
    ]
    print(*rows, sep="\n", flush=True)
    return rows


def memory(args: argparse.Namespace, work: Path) -> list[tuple[str, str, str]]:
    """Peak RSS of the command on one input, as a pipe and as a file with an output file and a
    report, for 10 MB, 100 MB (both cleaned whole) and 1 GB (200 MB without ``--huge``), which
    is over ``cleaner.batch.tasks.STREAM_ABOVE`` and so cleaned in windows (cleaner.batch.large)."""
    out, report = work / "out.txt", work / "removed.jsonl"
    command = cleaner_command()
    rows = []
    first: dict[str, int] = {}
    for size in [10 * MB, 100 * MB, (1000 if args.huge else 200) * MB]:
        path = work / f"memory-{size // MB}.txt"
        nbytes = write_corpus(path, size, boilerplate=0.05, seed=size)
        runs = {  # run in this order
            "`cleaner clean < FILE > out`": run([*command, "clean"], stdin=path, stdout=out),
            "`cleaner clean FILE -o out --report r.jsonl`": run(
                [*command, "clean", str(path), "-o", str(out), "--report", str(report)]
            ),
        }
        path.unlink()
        report.unlink()
        mb = nbytes / MB
        for form, (seconds, _, rss) in runs.items():
            note = f"{rss / first[form]:.2f} x the 10 MB input" if form in first else ""
            first.setdefault(form, rss)
            rows.append((f"peak RSS, {form}, {mb:,.0f} MB", f"{rss / 1024:,.0f} MiB", note))
            rows.append((f"throughput, {form}, {mb:,.0f} MB", f"{mb / seconds:,.1f} MB/s", ""))
        print(*rows[-4:], sep="\n", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=100, help="size of each throughput stream (MB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; the best is kept")
    parser.add_argument("--huge", action="store_true", help="measure peak RSS on a 1 GB input")
    parser.add_argument("--only", choices=("throughput", "startup", "memory"), action="append")
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    args = parser.parse_args()
    for tool in ("cat", "grep"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench: '{tool}' is needed")
    work = args.keep or Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sections = args.only or ["throughput", "startup", "memory"]
    try:
        rows = []
        for section in sections:
            rows += {"throughput": throughput, "startup": startup, "memory": memory}[section](args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    cpu = os.cpu_count()
    print(f"\nPython {sys.version.split()[0]}, {cpu} cores, load average {os.getloadavg()[0]:.1f}\n")
    print("| measure | result | ratio (same run) |\n|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")


if __name__ == "__main__":
    main()
