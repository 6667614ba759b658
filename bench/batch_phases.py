"""Where the time of a ``--jobs 1`` directory run goes, phase by phase.

    python bench/batch_phases.py                  # 10,000 generated articles
    python bench/batch_phases.py --files 2000

Builds the tree of ``bench/batch_bench.py`` in a temporary folder, then runs
``cleaner clean TREE -o OUT --report R.jsonl --jobs 1`` in this process with a wall-clock
timer around each phase of a document's task (read, decode, clean, report records, write)
and around the batch run as a whole (what is left of it is walking, planning and collecting:
report, journal and tally). Timers rather than cProfile, which inflates the many small calls
of the file handling several times over. Prints a Markdown table. Not part of the test run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from batch_bench import build_tree, create_cost

PHASES = ("decode", "clean (engine)", "report records", "write output")


def timed(spent: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cleaner-batch-phases-"))
    try:
        create = create_cost(work / "probe")
        build_tree(work / "raw", args.files)
        spent = measure(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = spent.pop("total")
    print(f"{args.files:,} articles, `cleaner clean TREE -o OUT --report R.jsonl --jobs 1`; creating an")
    print(f"empty file before the run: {create * 1e6:,.0f} µs (see batch_bench.py)\n")
    print("| phase | seconds | share |\n|---|---:|---:|")
    for name, seconds in spent.items():
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    print(f"| total | {total:.2f} | |")


def measure(work: Path) -> dict[str, float]:
    started = time.perf_counter()
    from cleaner.batch import runner as batch
    from cleaner.batch import tasks
    from cleaner.commands.app import app
    from cleaner.core import engine
    from cleaner.report import records as report

    spent: dict[str, float] = {}
    tasks.DocTask.run = timed(spent, "task", tasks.DocTask.run)  # type: ignore[method-assign]
    tasks.decode_document = timed(spent, "decode", tasks.decode_document)
    engine.Chain.clean = timed(spent, "clean (engine)", engine.Chain.clean)  # type: ignore[method-assign]
    # run_doc imports write_records when it runs, so the report module's own name is the one to time
    report.write_records = timed(spent, "report records", report.write_records)
    tasks.write_location = timed(spent, "write output", tasks.write_location)
    batch.run = timed(spent, "batch run", batch.run)
    command = ["clean", str(work / "raw"), "-o", str(work / "out"), "--report", str(work / "r.jsonl")]
    try:
        app([*command, "--jobs", "1", "--quiet"])
    except SystemExit as exc:
        if exc.code not in (0, 1):  # 1: the tree has a binary file
            sys.exit(exc.code)
    total = time.perf_counter() - started
    task = spent["task"] - sum(spent.get(name, 0.0) for name in PHASES)
    return {
        "start-up: imports, rule files, compiling the chain": total - spent["batch run"],
        "walk, plan, collect (report, journal, tally)": spent["batch run"] - spent["task"],
        "read input, build the task's result": task,
        **{name: spent.get(name, 0.0) for name in PHASES},
        "total": total,
    }


if __name__ == "__main__":
    main()
