"""Clean standard input as one document in windows (cleaner.stream), writing standard output.

What the memory rows of ``bench/run.py`` measure: the engine's streaming path, with the
default chain, as ``cleaner clean`` on one large input will use it.
"""

from __future__ import annotations

import sys

from cleaner import load_chain
from cleaner.stream import READ_BYTES, clean_parts, decode_chunks


def main() -> None:
    chain = load_chain()
    reader = sys.stdin.buffer
    for part in clean_parts(decode_chunks(reader.read(READ_BYTES), reader), chain):
        sys.stdout.buffer.write(part.clean.encode("utf-8"))


if __name__ == "__main__":
    main()
