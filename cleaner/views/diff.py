"""A unified diff of a document against its clean text, as ``diff -u`` writes it."""

from __future__ import annotations

import difflib


def unified_diff(original: str, clean: str, source: str) -> str:
    """A unified diff from ``original`` to ``clean`` (empty when they are equal), as ``diff -u``
    writes it, including its "No newline at end of file" markers.

    >>> print(unified_diff("date 2024-01-02\\nStory.\\n", "Story.\\n", "a.txt"), end="")
    ... # doctest: +NORMALIZE_WHITESPACE
    --- a.txt (original)
    +++ a.txt (clean)
    @@ -1,2 +1 @@
    -date 2024-01-02
     Story.
    """
    out = []
    lines = difflib.unified_diff(
        _lines(original), _lines(clean), source, source, "(original)", "(clean)", lineterm="\n"
    )
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines split at ``\\n`` only (``str.splitlines`` also splits at form feeds, U+2028, ...)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]
