"""What the evaluations share: their error, percentages and Markdown tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class EvalError(ValueError):
    """Evaluation input that cannot be used; the message names the file."""


def pct(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole`` (100 for nothing out of nothing).

    >>> pct(1, 4), pct(0, 0)
    (25.0, 100.0)
    """
    return 100.0 * part / whole if whole else 100.0


def table(header: list[str], rows: Iterable[list[Any]]) -> list[str]:
    """A Markdown table, as lines.

    >>> table(["a", "b"], [[1, 2]])
    ['| a | b |', '|---|---|', '| 1 | 2 |']
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def excerpt(text: str, width: int = 100) -> str:
    """``text`` fit for a Markdown table cell: bars escaped, line breaks shown, at most ``width``.

    >>> excerpt("a | b"), excerpt("x" * 8, 5)
    ('a \\\\| b', 'xxxx…')
    """
    text = text.replace("|", "\\|").replace("\n", "⏎")
    return text if len(text) <= width else text[: width - 1] + "…"
