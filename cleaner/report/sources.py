"""How a report's ``source`` names a document: a file's path, or ``FILE:LINE`` for a record of a
JSONL corpus (1-based line)."""

from __future__ import annotations

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
#: Files whose report sources name a record: ``FILE:LINE`` (JSONL), ``FILE:ROW`` (Parquet).
RECORD_SUFFIXES = (*JSONL_SUFFIXES, ".parquet")


def is_corpus(name: str) -> bool:
    """Whether a file name says JSON Lines.

    >>> is_corpus("news.jsonl"), is_corpus("news.jsonl.gz"), is_corpus("news.txt")
    (True, True, False)
    """
    return name.endswith(JSONL_SUFFIXES)


def is_gzip(name: str) -> bool:
    """Whether a file name says gzip-compressed."""
    return name.endswith(".gz")


def record_source(corpus: str, line: int) -> str:
    """The report ``source`` of the record on ``line`` of a corpus.

    >>> record_source("raw/news.jsonl", 17)
    'raw/news.jsonl:17'
    """
    return f"{corpus}:{line}"


def split_record_source(source: str) -> tuple[str, int]:
    """The corpus and line a report ``source`` names; line 0 for a plain document.

    >>> split_record_source("raw/news.jsonl.gz:17"), split_record_source("raw/a.txt")
    (('raw/news.jsonl.gz', 17), ('raw/a.txt', 0))
    >>> split_record_source("raw/news.parquet:3")
    ('raw/news.parquet', 3)
    """
    corpus, sep, line = source.rpartition(":")
    if sep and line.isdigit() and corpus.endswith(RECORD_SUFFIXES):
        return corpus, int(line)
    return source, 0
