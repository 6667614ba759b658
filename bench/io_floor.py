"""The Python I/O floor of a tree run: read, decode and atomically write every file of a tree.

    python bench/io_floor.py TREE OUT

For each file below TREE (names sorted, depth first, as cleaner walks): read its bytes, decode
them as UTF-8, encode the text again and write it to the same relative path under OUT through a
temporary file and a rename, as cleaner writes its outputs. Nothing is cleaned and no report is
written: this is what any Python tool that rewrites a tree of files safely pays at least.
"""

from __future__ import annotations

import os
import sys


def main(tree: str, out: str) -> None:
    for folder, dirs, files in os.walk(tree):
        dirs.sort()
        target = os.path.join(out, os.path.relpath(folder, tree))
        os.makedirs(target, exist_ok=True)
        for name in sorted(files):
            with open(os.path.join(folder, name), "rb") as handle:
                data = handle.read()
            text = data.decode("utf-8", "replace")
            temp = os.path.join(target, f".{name}.part")
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            os.write(fd, text.encode("utf-8"))
            os.close(fd)
            os.replace(temp, os.path.join(target, name))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
