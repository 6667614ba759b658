"""cleaner inside pandas and Dask pipelines: a Series, a DataFrame column, a dask.dataframe and a
dask.bag, cleaned as ``cleaner.clean_text`` cleans each text, on a real cluster (scheduler and
worker processes) with the chain sent once per worker."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from texts import COUNCIL, HARBOUR

import cleaner
from cleaner.integrations.dask import clean_bag, clean_dataframe
from cleaner.integrations.pandas import clean_column, clean_series

CHAIN = cleaner.load_chain()
TEXTS = [HARBOUR, COUNCIL, "Nothing to cut here.", HARBOUR.replace("Thursday", "Friday")]


def expected(text: str) -> tuple[str, int, list[str]]:
    result = CHAIN.clean(text)
    return result.clean, len(text) - len(result.clean), [span.rule for span in result.spans]


def test_a_series_gives_clean_text_and_report_columns() -> None:
    series = pd.Series(TEXTS, index=[10, 11, 12, 13])
    out = clean_series(series, CHAIN)
    assert list(out.columns) == ["clean", "removed", "spans"] and list(out.index) == [10, 11, 12, 13]
    for text, (_, row) in zip(TEXTS, out.iterrows(), strict=True):
        assert (row["clean"], row["removed"], [s["rule"] for s in row["spans"]]) == expected(text)
        assert all(text[s["start"] : s["end"]] == s["text"] for s in row["spans"])
        assert cleaner.restore(row["clean"], [cleaner.Span(**s) for s in row["spans"]]) == text


def test_a_frame_column_keeps_every_other_column_and_missing_values() -> None:
    frame = pd.DataFrame({"id": [1, 2, 3], "text": [HARBOUR, None, COUNCIL], "lang": ["en", "en", "en"]})
    out = clean_column(frame, "text", CHAIN)
    assert list(out.columns) == ["id", "text", "lang", "text_removed", "text_spans"]
    assert out["id"].tolist() == [1, 2, 3] and out["lang"].tolist() == ["en"] * 3
    assert out["text"].isna().tolist() == [False, True, False]
    assert out.loc[0, "text"] == expected(HARBOUR)[0] and out["text_removed"].tolist()[1] == 0


def test_rule_files_are_added_to_the_built_in_packs(tmp_path) -> None:
    pack = tmp_path / "site.yaml"
    pack.write_text(
        "pack: site\nrules:\n  - id: calm\n    kind: phrase\n    pattern: 'Nothing to cut here.'\n"
    )
    out = clean_series(pd.Series(["Nothing to cut here."]), rules=[pack])
    assert out.loc[0, "clean"] == "" and out.loc[0, "spans"][0]["rule"] == "site/calm"


def test_a_dask_dataframe_and_a_bag_on_a_real_cluster_send_the_chain_once(cluster) -> None:  # type: ignore[no-untyped-def]
    dd = pytest.importorskip("dask.dataframe")
    db = pytest.importorskip("dask.bag")
    from distributed import Client

    frame = pd.DataFrame({"id": range(40), "text": TEXTS * 10})
    records = [{"id": i, "text": text} for i, text in enumerate(TEXTS * 10)] + [{"id": 99}]
    with Client(cluster.address, set_as_default=False) as client:
        cleaned = clean_dataframe(dd.from_pandas(frame, npartitions=8), "text", CHAIN)
        graph = dict(cleaned.__dask_graph__())
        chains = [key for key in graph if "cleaner-chain" in str(key)]
        got = client.compute(cleaned).result()
        bag = clean_bag(db.from_sequence(records, npartitions=8), CHAIN, field="text")
        items = client.compute(bag).result()
        texts = client.compute(clean_bag(db.from_sequence(TEXTS, npartitions=2), CHAIN)).result()
    assert len(chains) == 1  # one value in the graph, which every partition's task depends on
    want = clean_column(frame, "text", CHAIN)
    assert got.sort_index().to_dict(orient="list") == want.to_dict(orient="list")
    assert [item["text"] for item in items[:-1]] == [expected(t)[0] for t in TEXTS * 10]
    assert items[-1] == {"id": 99, "text_removed": 0, "text_spans": []}
    assert [t["clean"] for t in texts] == [expected(t)[0] for t in TEXTS]
    json.dumps(items)  # records stay plain JSON
