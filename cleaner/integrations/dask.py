"""Clean a ``dask.bag`` of texts or records, or a text column of a ``dask.dataframe``, with the chain
sent once to each worker, not with every partition.

In three lines, in an existing pipeline::

    from cleaner.integrations.dask import clean_bag
    cleaned = clean_bag(records, field="text", rules=["my-site.yaml"])   # a dask.bag of dicts
    cleaned.map(json.dumps).to_textfiles("clean/*.jsonl")

The chain is compiled once, here, and enters the task graph once, as a value every partition's
task depends on: the scheduler sends it to each worker once (the usual
``bag.map(lambda t: cleaner.clean_text(t, cleaner.load_chain()))`` builds it in every task).

>>> import dask.bag as db
>>> texts = db.from_sequence(["open image in gallery A pier ( AP )\\n\\nThe pier.", "Calm."], npartitions=2)
>>> [item["clean"] for item in clean_bag(texts).compute(scheduler="sync")]
['The pier.', 'Calm.']
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from cleaner.core.engine import Chain
from cleaner.integrations.pandas import REPORT_COLUMNS, chain_for, clean_column, clean_values
from cleaner.version import install_hint


def shared_chain(chain: Chain | None = None, rules: Iterable[str] = ()) -> Any:
    """The chain as one value of the task graph (a ``dask.delayed``), for tasks to depend on."""
    try:
        import dask
    except ImportError as exc:
        raise ImportError(f"this needs Dask ({exc}): {install_hint('dask')}") from None
    return dask.delayed(chain_for(chain, rules), name=f"cleaner-chain-{uuid.uuid4().hex}")


def clean_bag(
    bag: Any,
    chain: Chain | None = None,
    *,
    rules: Iterable[str] = (),
    field: str | None = None,
    max_removed: float | None = None,
) -> Any:
    """Clean every item of a ``dask.bag``.

    Items that are texts become dicts ``{"clean": ..., "removed": ..., "spans": [...]}`` (see
    :func:`cleaner.integrations.pandas.clean_series`). With ``field``, items are records (dicts):
    each comes back with that field cleaned and ``FIELD_removed`` and ``FIELD_spans`` added;
    a record without the field (or not a string) gets 0 and ``[]``.
    """
    return bag.map_partitions(
        _clean_partition, chain=shared_chain(chain, rules), field=field, max_removed=max_removed
    )


def clean_dataframe(
    frame: Any,
    column: str = "text",
    chain: Chain | None = None,
    *,
    rules: Iterable[str] = (),
    max_removed: float | None = None,
) -> Any:
    """A ``dask.dataframe`` with ``column`` cleaned and the report columns ``COLUMN_removed`` and
    ``COLUMN_spans`` added (see :func:`cleaner.integrations.pandas.clean_column`)."""
    meta = clean_column(frame._meta, column, Chain([]))
    return frame.map_partitions(
        clean_column, column, shared_chain(chain, rules), max_removed=max_removed, meta=meta
    )


def _clean_partition(
    items: Iterable[Any], chain: Chain, field: str | None, max_removed: float | None
) -> list[Any]:
    items = list(items)
    if field is None:
        clean, removed, spans = clean_values(items, chain, max_removed)
        return [
            dict(zip(REPORT_COLUMNS, row, strict=True)) for row in zip(clean, removed, spans, strict=True)
        ]
    values = [item.get(field) if isinstance(item, dict) else None for item in items]
    clean, removed, spans = clean_values(values, chain, max_removed)
    out = []
    for item, text, count, cut in zip(items, clean, removed, spans, strict=True):
        record = dict(item) if isinstance(item, dict) else {"value": item}
        if isinstance(text, str):
            record[field] = text
        record[f"{field}_removed"], record[f"{field}_spans"] = count, cut
        out.append(record)
    return out
