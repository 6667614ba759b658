"""Does a line read like article prose? Then repeating it is not enough to call it boilerplate.

Following jusText, prose is told by its stopword share: the function words of a language
("the", "of", "und", "que") make up a good part of running text and little of menus, prompts
and labels. A line reads like prose when it is a sentence (it ends in sentence punctuation,
perhaps inside closing quotes) of at least :data:`PROSE_MIN_WORDS` words whose stopword share,
in the language whose stoplist fits it best, is at least :data:`PROSE_STOPWORD_SHARE`; or when
it opens with a quotation mark (a quotation, which other articles may repeat word for word).
Stoplists come from the ``stop-words`` package.
"""

from __future__ import annotations

import functools
import re

PROSE_MIN_WORDS = 8
PROSE_STOPWORD_SHARE = 0.3
QUOTE_MIN_WORDS = 4
# Typographic quotes and full-width punctuation are what these patterns are for.
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")  # noqa: RUF001
_SENTENCE_END = re.compile(r"[.!?…。！？]['\"’”»«)\]]*$")  # noqa: RUF001
_OPENING_QUOTES = "\"'“‘„«»‹›「『"  # noqa: RUF001


@functools.cache
def stoplists() -> tuple[frozenset[str], ...]:
    """One stoplist per language of the ``stop-words`` package, lower case.

    >>> any({"the", "of", "and"} <= words for words in stoplists())
    True
    """
    from stop_words import AVAILABLE_LANGUAGES, get_stop_words

    languages = sorted(AVAILABLE_LANGUAGES)
    return tuple(frozenset(word.lower() for word in get_stop_words(name)) for name in languages)


def stopword_share(text: str) -> float:
    """The largest share of ``text``'s words that one language's stoplist holds.

    >>> stopword_share("The council said that it would not close the library") > 0.5
    True
    >>> stopword_share("Listen to this article · 4 min") < 0.6
    True
    """
    words = [word.lower() for word in _WORDS.findall(text)]
    if not words:
        return 0.0
    return max(sum(word in stoplist for word in words) for stoplist in stoplists()) / len(words)


def looks_like_prose(text: str) -> bool:
    """Whether a line reads like article text: a sentence heavy in stopwords, or a quotation.

    >>> looks_like_prose("The council said on Monday that it would not close the library after all.")
    True
    >>> looks_like_prose("“We will keep listening to people,” the mayor said.")
    True
    >>> looks_like_prose("Get the Morning Tide newsletter: harbour news before breakfast. Sign up")
    False
    >>> looks_like_prose("© 2024 Harbour Gazette Ltd. All rights reserved.")
    False
    """
    text = text.strip()
    words = _WORDS.findall(text)
    if text[:1] in _OPENING_QUOTES and len(words) >= QUOTE_MIN_WORDS:
        return True
    if len(words) < PROSE_MIN_WORDS or not _SENTENCE_END.search(text):
        return False
    return stopword_share(text) >= PROSE_STOPWORD_SHARE
