"""HTML benchmark: CPU time of cleaning web pages against plain trafilatura.extract on the same pages.

Run from the repository root:  python bench/html_bench.py [--pages DIR] [--rounds N]  (prints Markdown)

The pages are the web evaluation set's (``../shared/eval/web/pages/*.html.gz``, decompressed
in memory before timing), or any folder of ``*.html`` / ``*.html.gz`` files. In the same
process and in rounds, each starting with another step (so that machine noise falls on all
alike), it takes the
CPU time (``time.process_time``) of:

- ``trafilatura.extract(page_bytes, fast=False, include_comments=False, include_tables=True,
  include_formatting=False)``: the baseline, plain trafilatura;
- ``trafilatura.extract(..., output_format="json", with_metadata=True)``: what cleaner ran
  before, full metadata extraction for the page's date;
- ``decode_bytes(page, html=True)``: cleaner's HTML reading (decode, extract, each line's
  structure, the page's date);
- ``clean_document``: all of HTML mode, reading and the built-in chain with the guard, as
  ``cleaner clean page.html`` runs it.

Each figure is the best of the rounds; the ratios divide it by the baseline's best.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = REPO.parent / "shared" / "eval" / "web" / "pages"


def load_pages(folder: Path) -> list[bytes]:
    pages = []
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".html.gz"):
            pages.append(gzip.decompress(path.read_bytes()))
        elif path.suffix in (".html", ".htm"):
            pages.append(path.read_bytes())
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.pages.is_dir():
        sys.exit(f"no pages at {args.pages} (give --pages DIR)")

    import trafilatura

    import cleaner
    from cleaner.batch.settings import Settings
    from cleaner.batch.tasks import clean_document
    from cleaner.core.guard import DEFAULT_MAX_REMOVED
    from cleaner.io.decode import DecodeError, decode_bytes
    from cleaner.io.html import EXTRACT_SETTINGS, silence_library_logs

    silence_library_logs()
    logging.disable(logging.CRITICAL)
    pages = load_pages(args.pages)
    settings = Settings(cleaner.load_chain(), html=True, max_removed=DEFAULT_MAX_REMOVED)

    def guarded(step: Callable[[bytes], object]) -> Callable[[bytes], object]:
        def run(page: bytes) -> object:
            try:
                return step(page)
            except DecodeError:
                return None

        return run

    variants: dict[str, Callable[[bytes], object]] = {
        "`trafilatura.extract` (baseline settings)": lambda page: trafilatura.extract(
            page, **EXTRACT_SETTINGS
        ),
        "`trafilatura.extract`, JSON with metadata (before)": lambda page: trafilatura.extract(
            page, output_format="json", with_metadata=True, include_comments=False, include_tables=True
        ),
        "`decode_bytes(page, html=True)`": guarded(lambda page: decode_bytes(page, html=True)),
        "`clean_document` (HTML mode: reading + chain)": guarded(lambda page: clean_document(page, settings)),
    }
    # Warm up: imports and caches, and the chain, whose patterns compile and whose automata
    # grow as the pages first need them (about 3 s over these pages, once per process).
    for step in variants.values():
        for page in pages:
            step(page)
    best = dict.fromkeys(variants, float("inf"))
    names = list(variants)
    for round_ in range(args.rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:  # each goes first once
            step = variants[name]
            start = time.process_time()
            for page in pages:
                step(page)
            best[name] = min(best[name], time.process_time() - start)

    base = best[next(iter(variants))]
    size = sum(map(len, pages)) / 1e6
    print(
        f"{len(pages)} pages, {size:.1f} MB; {platform.machine()}, Python {platform.python_version()}, "
        f"best of {args.rounds} rounds\n"
    )
    print("| step | CPU seconds | ms per page | ratio to baseline |")
    print("|---|---:|---:|---:|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds:.2f} | {1000 * seconds / len(pages):.1f} | {seconds / base:.3f} |")


if __name__ == "__main__":
    main()
