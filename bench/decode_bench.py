"""Decoding benchmark: encoding detection time for 1 MB vs 100 MB of cp1252, and start-up cost.

Run from the repository root:  python bench/decode_bench.py  (prints a Markdown table)

Detection (chardet on a bounded window) should cost the same for both sizes; the full decode
(strict UTF-8 attempt + strict decode with the detected codec) is linear, as reading is.
A plain UTF-8 run through the CLI must import neither chardet nor trafilatura.
"""

# ruff: noqa: RUF001  (typographic quotes are what make the text cp1252)

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import chardet

from cleaner.io.decode import SAMPLE_BYTES, decode_bytes, guess_encoding

MB = 1_000_000
# Written for this benchmark: news-like prose with the typographic quotes and dashes that make
# a cp1252 file fail as UTF-8.
PARAGRAPHS = [
    "The harbour authority said on Friday that the ferry’s new timetable would start in May, "
    "after a winter of “unacceptable” cancellations – nine in January alone.",
    "Passengers on the early crossing said they’d believe it when they saw it; one commuter, "
    "who asked not to be named, called the service “a lottery with a car deck”.",
    "Councillors will meet the operator on Tuesday. The agenda, published online, lists fares, "
    "the winter reserve vessel and the café on the upper deck, closed since November.",
    "A spokesperson for the operator said crews had been recruited and that a second engineer "
    "would sail on every crossing from March – “a first for the route”, she said.",
]


def corpus(size: int, ascii_prefix: int = 0) -> bytes:
    """About ``size`` bytes of cp1252 text; the first ``ascii_prefix`` bytes are plain ASCII."""
    ascii_line = b"Plain ASCII notes about tides, timetables and the harbour wall.\n"
    head = ascii_line * (ascii_prefix // len(ascii_line))
    block = "\n\n".join(PARAGRAPHS).encode("cp1252") + b"\n\n"
    body = block * ((size - len(head)) // len(block) + 1)
    return (head + body)[:size].rsplit(b"\n", 1)[0] + b"\n"


def timed(func, repeat: int) -> float:
    """Median wall time of ``func()`` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_non_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return len(data)


def detection_rows() -> list[str]:
    rows = []
    cases = [
        ("1 MB cp1252", corpus(1 * MB)),
        ("100 MB cp1252", corpus(100 * MB)),
        ("100 MB, first 99 MB ASCII", corpus(100 * MB, ascii_prefix=99 * MB)),
    ]
    for label, data in cases:
        start = first_non_utf8(data)
        encoding, confidence = guess_encoding(data, start)
        detect = timed(lambda data=data, start=start: guess_encoding(data, start), repeat=7)
        unsampled = timed(lambda data=data: chardet.detect(data, max_bytes=len(data)), repeat=3)
        decode = timed(lambda data=data: decode_bytes(data), repeat=3)
        rows.append(
            f"| {label} | {encoding} ({confidence:.2f}) | {detect * 1000:.1f} ms "
            f"| {unsampled * 1000:.0f} ms | {decode * 1000:.0f} ms | {len(data) / MB / decode:.0f} MB/s |"
        )
        del data
    return rows


def startup_rows() -> list[str]:
    """Wall time and heavy imports of `cleaner clean < input` for three kinds of small input."""
    rows = []
    for label, code in [("`python -c pass`", "pass"), ('`python -c "import typer"`', "import typer")]:
        wall = timed(lambda code=code: subprocess.run([sys.executable, "-c", code], check=True), repeat=5)
        rows.append(f"| {label} (baseline) | {wall * 1000:.0f} ms | |")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {
            "UTF-8 text": "\n\n".join(PARAGRAPHS).encode("utf-8"),
            "cp1252 text": "\n\n".join(PARAGRAPHS).encode("cp1252"),
            "HTML page": (
                "<!DOCTYPE html><html><body><article>"
                + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
                + "</article></body></html>"
            ).encode("utf-8"),
        }
        for label, data in inputs.items():
            path = Path(tmp) / "input"
            path.write_bytes(data)
            command = [sys.executable, "-X", "importtime", "-m", "cleaner", "clean"]
            times, heavy = [], set()
            for _ in range(5):
                with path.open("rb") as stdin:
                    start = time.perf_counter()
                    done = subprocess.run(command, stdin=stdin, capture_output=True, check=True)
                    times.append(time.perf_counter() - start)
                for line in done.stderr.decode().splitlines():
                    module = line.rsplit("|", 1)[-1].strip()
                    if module in ("chardet", "trafilatura"):
                        heavy.add(module)
            imported = ", ".join(sorted(heavy)) or "neither"
            rows.append(f"| {label} | {statistics.median(times) * 1000:.0f} ms | {imported} |")
    return rows


def main() -> None:
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()}")
    print(f"Detection window: {SAMPLE_BYTES // 1024} KiB\n")
    print(
        "| input | detected (confidence) | detection (64 KiB window) | chardet on the whole input "
        "| whole decode_bytes | decode speed |"
    )
    print("|---|---|---|---|---|---|")
    for row in detection_rows():
        print(row)
    print("\n| `cleaner clean < input` (with -X importtime) | wall time | imports chardet / trafilatura |")
    print("|---|---|---|")
    for row in startup_rows():
        print(row)


if __name__ == "__main__":
    main()
