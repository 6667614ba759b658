"""Article texts written for the batch tests, in the shapes extracted news pages have, and
helpers that lay them out as trees and corpora.

Articles with boilerplate keep it under half their length, as real pages do, so that the
``--max-removed`` guard (default 0.5) lets the cuts through.
"""

from __future__ import annotations

import json
from pathlib import Path

import cleaner

APPEAL = (
    "Your support helps us to tell the story Read more Support Now Our reporters cover the "
    "council, the courts and the coast, and readers keep that work free for everyone. Your "
    "support makes all the difference. Read more"
)

HARBOUR = (
    f" date 2024-05-02 {APPEAL}\n\n"
    "The harbour board agreed on Thursday to spend two million pounds on new lock gates after "
    "the old ones failed twice this winter.\n\n"
    "open image in gallery The lock gates at high water ( Harbour Board )\n\n"
    "Boat owners said the repairs were overdue, and asked for the work to finish before the "
    "summer regatta.\n\n"
    "Engineers will drain the basin in March, and the fishing fleet will moor at the outer "
    "pier until the new gates are in.\n\n"
    "The board's chair said the cost would be met from reserves, with no rise in mooring fees "
    "this year or next.\n"
)

COUNCIL = (
    "The council will publish its budget next week, with shorter opening hours for libraries "
    "expected.\n\n"
    "A spokesperson said no branch would close, and that the mobile library would keep its "
    "Saturday route.\n"
)

MARKET = (
    "# Market day\n\n"
    "Stalls returned to the square on Saturday for the first time since the floods.\n\n"
    "open image in gallery Shoppers queue at the fish stall ( Jane Doe/Coastal Photos )\n\n"
    "Traders said more people came than last year, despite the rain."
)  # no final newline

TRAP = (
    "Readers said their support helps the story move on. The museum lets visitors open image "
    "in gallery view on its website, and the date 2024-05-02 was chosen for the vote.\n"
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def write_files(root: Path, files: dict[str, str | bytes]) -> dict[str, str | bytes]:
    """Write ``{relative path: text or bytes}`` below ``root``; returns the mapping."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return files


def news_tree(root: Path) -> dict[str, str]:
    """A small tree of text articles (plus files the default globs leave alone)."""
    texts = {
        "2024/05/harbour.txt": HARBOUR,
        "2024/05/council.txt": COUNCIL,
        "2024/06/market.md": MARKET,
        "letters/trap.text": TRAP,
    }
    write_files(root, {**texts, "2024/05/photo.png": PNG, ".drafts/secret.txt": HARBOUR, "notes.docx": "x"})
    return texts


def article_tree(root: Path, count: int) -> dict[str, str]:
    """``count`` articles, alternately with and without boilerplate, in nested folders."""
    texts = {}
    for i in range(count):
        body = HARBOUR if i % 2 == 0 else COUNCIL
        texts[f"d{i % 7}/d{i % 3}/article-{i:04d}.txt"] = body.replace("Thursday", f"day {i}")
    return write_files(root, texts)  # type: ignore[return-value]


CORPUS_RECORDS: list[dict] = [
    {"id": "doc-1", "text": HARBOUR, "url": "https://news.example/harbour", "lang": "en"},
    {"id": 2, "text": COUNCIL, "lang": "en"},
    {"text": MARKET, "meta": {"section": "local", "tags": ["market", "floods"]}, "score": 0.75},
    {"id": True, "text": TRAP},
    {"title": "A record without the text field"},
    {"id": "doc-6", "text": 42},
]


def corpus_bytes(records: list[dict] = CORPUS_RECORDS) -> bytes:
    """JSONL with compact separators, a blank line, a CRLF line, an invalid line and no final
    newline. Lines: 1 doc-1, 2 id 2 (CRLF), 3 no id, 4 blank, 5 id true, 6 invalid, 7 no text,
    8 text not a string."""
    lines = [json.dumps(record, separators=(",", ":")).encode() + b"\n" for record in records]
    lines.insert(3, b"\n")
    lines.insert(5, b'{"id": "broken", "text": "no closing quote}\n')
    lines[1] = lines[1][:-1] + b"\r\n"
    lines[-1] = lines[-1][:-1]
    return b"".join(lines)


def big_corpus_bytes(records: int) -> bytes:
    """A corpus of ``records`` records, alternately dirty and clean (about 0.4 KB each)."""
    out = []
    for i in range(records):
        text = (HARBOUR if i % 2 == 0 else COUNCIL).replace("Thursday", f"day {i}")
        out.append(json.dumps({"id": f"r{i}", "text": text}, ensure_ascii=False).encode() + b"\n")
    return b"".join(out)


#: A rule file that overrides the built-in gallery caption rule with one the guard counts.
GUARDED_CAPTIONS = Path(__file__).parent / "data" / "guarded-captions.yaml"
# 68 of 79 characters are a caption and the blank line after it: the guard holds it back.
MOSTLY_CAPTION = "open image in gallery A crowd gathers in the square at dusk ( AP )\n\nIt rained.\n"


def guarded_chain() -> cleaner.Chain:
    """The built-in chain with its gallery caption rule counted by the ``--max-removed`` guard."""
    return cleaner.load_chain([GUARDED_CAPTIONS])
