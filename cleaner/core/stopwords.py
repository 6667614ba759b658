"""Stopwords: the function words of a document's language, to tell prose from headlines and labels.

Article sentences are full of function words ("the", "of", "que", "und", "и"); headlines,
buttons, labels and link lists have few. The stoplists are jusText's (about a hundred
languages, shipped with the justext package that trafilatura depends on). A document's
language is the one whose stoplist covers most words of a sample of its text; nothing is
detected when too few of its words are anyone's stopwords (Chinese, Japanese, or text too
short), and then no stopword share is known.

The lists are read once per process, on first use (about a tenth of a second), and only
when a rule asks for a stopword share.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

SAMPLE_CHARS = 4000  # text read to find a document's language
MIN_HITS = 5  # fewer stopwords than this in the sample: no language
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, without digits or punctuation.

    >>> words("Don't miss: 5 things about the New-York marathon!")
    ["don't", 'miss', 'things', 'about', 'the', 'new', 'york', 'marathon']
    """
    return [word.lower() for word in _WORD.findall(text)]


@functools.cache
def _index() -> dict[str, tuple[str, ...]]:
    """Every stopword of every list, with the languages whose list has it."""
    import justext

    languages: dict[str, list[str]] = {}
    for language in sorted(justext.get_stoplists()):
        for word in justext.get_stoplist(language):
            languages.setdefault(word.lower(), []).append(language)
    return {word: tuple(names) for word, names in languages.items()}


@functools.cache
def stoplist(language: str) -> frozenset[str]:
    """The stopwords of one language (a jusText name such as ``"English"``).

    >>> {"the", "of"} <= stoplist("English")
    True
    """
    import justext

    return frozenset(word.lower() for word in justext.get_stoplist(language))


def language_of(sample: str) -> str | None:
    """The language whose stoplist covers most words of ``sample``, or None when under
    :data:`MIN_HITS` of its words are stopwords of any language.

    >>> language_of("The council said that it would meet on Tuesday to vote on the plan.")
    'English'
    >>> language_of("Der Rat sagte, dass er am Dienstag über den Plan abstimmen werde.")
    'German'
    >>> language_of("42") is None
    True
    """
    index = _index()
    hits: Counter[str] = Counter()
    for word in words(sample[:SAMPLE_CHARS]):
        hits.update(index.get(word, ()))
    if not hits:
        return None
    language, count = max(hits.items(), key=lambda item: (item[1], item[0]))
    return language if count >= MIN_HITS else None


def stopword_share(text: str, language: str | None) -> float | None:
    """The share of the words of ``text`` that are stopwords of ``language``; None when the
    language is unknown or the text has no words.

    >>> stopword_share("Mayor to visit the harbour", "English")  # "to", "the"
    0.4
    >>> stopword_share("2024", "English") is None
    True
    """
    if language is None:
        return None
    found = words(text)
    if not found:
        return None
    stop = stoplist(language)
    return sum(word in stop for word in found) / len(found)


def best_stopword_share(text: str) -> float:
    """The largest share of the words of ``text`` that one language's stoplist holds: for a
    line on its own, whose language is not known.

    >>> best_stopword_share("The council said that it would not close the library") > 0.5
    True
    >>> best_stopword_share("Listen to this article, 4 min"), best_stopword_share("2024")
    (0.4, 0.0)
    """
    found = words(text)
    if not found:
        return 0.0
    hits: Counter[str] = Counter()
    index = _index()
    for word in found:
        hits.update(index.get(word, ()))
    return max(hits.values(), default=0) / len(found)
