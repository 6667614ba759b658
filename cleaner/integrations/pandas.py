"""Clean a pandas Series of texts, or a text column of a DataFrame, with report columns.

>>> import pandas as pd
>>> from cleaner.integrations.pandas import clean_series
>>> texts = pd.Series(["open image in gallery A pier ( AP )\\n\\nThe pier.", "Nothing to cut.", None])
>>> out = clean_series(texts)
>>> out["clean"].tolist()[:2], out["clean"].isna().tolist()  # a missing text stays missing
(['The pier.', 'Nothing to cut.'], [False, False, True])
>>> out["removed"].tolist(), [span["rule"] for span in out["spans"][0]]
([37, 0, 0], ['captions/gallery-caption', 'tidy/whitespace'])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cleaner.core.engine import Chain
from cleaner.core.result import Span
from cleaner.version import install_hint

if TYPE_CHECKING:
    import pandas

#: The columns :func:`clean_series` gives, and :func:`clean_column` adds after the column's name.
REPORT_COLUMNS = ("clean", "removed", "spans")


def import_pandas() -> Any:
    """``pandas``, or an ImportError whose message says how to install it."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(f"this needs pandas ({exc}): {install_hint('pandas')}") from None
    return pandas


def chain_for(chain: Chain | None = None, rules: Iterable[str] = ()) -> Chain:
    """``chain``, or the built-in packs plus the rule files ``rules`` (compiled once)."""
    if chain is not None:
        return chain
    from pathlib import Path

    from cleaner.rulefiles.chain import load_rules

    return Chain(load_rules([Path(p) for p in rules], builtin=True), checked=True)


def span_record(span: Span) -> dict[str, Any]:
    """A removed span as a report record's fields (offsets in code points of the text).

    >>> span_record(Span("dates/date-header", 0, 16, "date 2024-05-02 ", 1, {"date": "2024-05-02"}))["rule"]
    'dates/date-header'
    """
    return {
        "rule": span.rule,
        "start": span.start,
        "end": span.end,
        "line": span.line,
        "text": span.text,
        "captures": dict(span.captures),
    }


def clean_values(
    values: Iterable[Any], chain: Chain, max_removed: float | None = None
) -> tuple[list[Any], list[int], list[list[dict[str, Any]]]]:
    """Clean every string of ``values`` (anything else, such as None, is kept as it is): the clean
    texts, the characters removed from each, and each one's spans as records."""
    clean: list[Any] = []
    removed: list[int] = []
    spans: list[list[dict[str, Any]]] = []
    for value in values:
        if not isinstance(value, str):
            clean.append(value)
            removed.append(0)
            spans.append([])
            continue
        result = chain.clean(value, max_removed=max_removed)
        clean.append(result.clean)
        removed.append(len(value) - len(result.clean))
        spans.append([span_record(span) for span in result.spans])
    return clean, removed, spans


def clean_series(
    series: pandas.Series,
    chain: Chain | None = None,
    *,
    rules: Iterable[str] = (),
    max_removed: float | None = None,
) -> pandas.DataFrame:
    """Clean each text of ``series``: a DataFrame with its index and the columns ``clean`` (the
    clean text), ``removed`` (characters removed) and ``spans`` (a list of the removed spans,
    each a dict as a report record has it: rule, start, end, line, text, captures). ``chain``
    defaults to the built-in packs plus the rule files ``rules``; ``max_removed`` is the guard
    (see ``cleaner.clean_text``)."""
    pd = import_pandas()
    clean, removed, spans = clean_values(series, chain_for(chain, rules), max_removed)
    index = series.index
    columns = (
        pd.Series(clean, index=index, dtype=series.dtype),
        pd.Series(removed, index=index, dtype="int64"),
        pd.Series(spans, index=index, dtype=object),
    )
    frame: pandas.DataFrame = pd.DataFrame(dict(zip(REPORT_COLUMNS, columns, strict=True)), index=index)
    return frame


def clean_column(
    frame: pandas.DataFrame,
    column: str = "text",
    chain: Chain | None = None,
    *,
    rules: Iterable[str] = (),
    max_removed: float | None = None,
) -> pandas.DataFrame:
    """A copy of ``frame`` with ``column`` cleaned and two report columns after the others:
    ``COLUMN_removed`` and ``COLUMN_spans`` (see :func:`clean_series`).

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": [7], "text": ["date 2024-05-02 The story."]})
    >>> row = clean_column(frame).iloc[0]
    >>> row["text"], int(row["text_removed"]), list(row.index)
    ('The story.', 16, ['id', 'text', 'text_removed', 'text_spans'])
    """
    cleaned = clean_series(frame[column], chain, rules=rules, max_removed=max_removed)
    out: pandas.DataFrame = frame.copy()
    out[column] = cleaned["clean"]
    out[f"{column}_removed"] = cleaned["removed"]
    out[f"{column}_spans"] = cleaned["spans"]
    return out
