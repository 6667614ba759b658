"""Does a line read like article prose? Then repeating it is not enough to call it boilerplate.

Following jusText, prose is told by its stopword share: the function words of a language
("the", "of", "und", "que") make up a good part of running text and little of menus, prompts
and labels. A line reads like prose when it is a sentence (it ends in sentence punctuation,
perhaps inside closing quotes) of at least :data:`PROSE_MIN_WORDS` words whose stopword share,
in the language whose stoplist fits it best, is at least :data:`PROSE_STOPWORD_SHARE`; or when
it opens with a quotation mark (a quotation, which other articles may repeat word for word).
Stoplists and sentence ends are the line signals' own (:mod:`cleaner.core.stopwords`,
:mod:`cleaner.core.signals`).
"""

from __future__ import annotations

from cleaner.core.signals import ends_sentence
from cleaner.core.stopwords import best_stopword_share, words

PROSE_MIN_WORDS = 8
PROSE_STOPWORD_SHARE = 0.3
QUOTE_MIN_WORDS = 4
# Typographic quotes are what this is for.
_OPENING_QUOTES = "\"'“‘„«»‹›「『"  # noqa: RUF001


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
    found = words(text)
    if text[:1] in _OPENING_QUOTES and len(found) >= QUOTE_MIN_WORDS:
        return True
    if len(found) < PROSE_MIN_WORDS or not ends_sentence(text):
        return False
    return best_stopword_share(text) >= PROSE_STOPWORD_SHARE
