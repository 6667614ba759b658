"""Time to clean one single line of 4, 8 and 16 MB: cleaning must be linear in line length.

A line without line breaks is the worst case for a line-oriented engine: every cut lands in
the same line, and each later pass of the fixpoint looks at the lines a cut touched. The
input repeats a sentence with a caption glued into it (``open image in gallery … ( AP )``),
which the built-in packs cut, so a 16 MB line has about 400,000 cuts.

Run from the repository root with the project's venv::

    .venv/bin/python bench/long_line.py

It prints a Markdown table: for each size, the wall and CPU seconds of ``cleaner clean FILE
-o OUT --report R`` (best of ``--repeat``), the CPU seconds per MB, and the CPU time relative
to the 4 MB line divided by the size relative to it (1.0 is exactly linear; quadratic time
would give 2 at 8 MB and 4 at 16 MB). CPU time is the measure because on a shared machine
wall time also counts the waits for a core.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import cleaner_command, run

UNIT = "The council met again today. open image in gallery A crowd at the pier ( AP ) "
SIZES_MB = (4, 8, 16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per size; the best is kept")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for size in SIZES_MB:
            source = work / f"line-{size}.txt"
            source.write_text(UNIT * (size * 1_000_000 // len(UNIT)), encoding="utf-8")
            command = [*cleaner_command(), "clean", str(source), "-o", str(work / "out.txt")]
            command += ["--report", str(work / "report.jsonl"), "--max-removed", "1"]
            runs = [run(command) for _ in range(args.repeat)]
            rows.append((size, min(r.seconds for r in runs), min(r.cpu for r in runs)))
    base_size, _, base_cpu = rows[0]
    print("| line | wall seconds | CPU seconds | CPU seconds per MB | CPU ratio / size ratio (1 = linear) |")
    print("|---|---:|---:|---:|---:|")
    for size, seconds, cpu in rows:
        linearity = (cpu / base_cpu) / (size / base_size)
        print(f"| {size} MB | {seconds:.2f} | {cpu:.2f} | {cpu / size:.3f} | {linearity:.2f} |")


if __name__ == "__main__":
    main()
