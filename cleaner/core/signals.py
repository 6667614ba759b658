"""Line signals: what a line *is* (its length, its share of stopwords, capitals and digits,
whether it ends a sentence or reports speech, whether it repeats an earlier line, what an
HTML page made of it), computed on demand for the lines a rule asks about, once per line and
pass.

A :class:`Document` is one cleaning pass's view of the text. Rules of the ``signals`` kind
(:mod:`cleaner.core.kinds.signals`) ask it about lines by their byte range.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from cleaner.core import stopwords
from cleaner.core.speech import reports_speech

# Sentence punctuation a line may end with, then closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*\s*\Z")
# Scripts written without spaces between words: two characters count as a word.
_UNSPACED = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_UNSPACED_FROM = "\u3040"  # the first character of the class above
#: A line is prose (an article sentence or paragraph) when it has this many words and ends a sentence.
PROSE_WORDS = 8


class HtmlLine(NamedTuple):
    """What an HTML page said about one line of its extracted text.

    ``role``: ``paragraph``, ``heading``, ``list-item``, ``table-cell``, ``quote`` or ``other``
    (not found in the page's structure); ``link_share``: the share of the line's characters
    that were link text, None when unknown.
    """

    role: str
    link_share: float | None


#: Per-line HTML facts, by the line's text (stripped): a cut elsewhere leaves a line's text, and
#: so its facts, as they were.
HtmlLines = Mapping[str, HtmlLine]
HTML_ROLES = ("paragraph", "heading", "list-item", "table-cell", "quote", "other")


@functools.lru_cache(maxsize=1)
def _unspaced_char() -> re.Pattern[str]:
    """Compiled on first use: the class's wide ranges cost Python's ``re`` about 3 ms, a tenth
    of what the pipe form spends starting up, and a line of Latin, Greek or Cyrillic text never
    needs it."""
    return re.compile(_UNSPACED)


def word_count(text: str) -> int:
    """Words in a line: runs of non-space characters, plus one per two characters of scripts
    written without spaces.

    >>> word_count("Most read this week"), word_count("图书馆周一闭馆")
    (4, 4)
    """
    if text.isascii() or max(text) < _UNSPACED_FROM:  # a quick "no such character" for most text
        return len(text.split())
    unspaced_char = _unspaced_char()
    unspaced = len(unspaced_char.findall(text))
    if not unspaced:
        return len(text.split())
    spaced = sum(1 for token in text.split() if not unspaced_char.search(token))
    return spaced + (unspaced + 1) // 2


def ends_sentence(text: str) -> bool:
    """Whether a line ends with sentence punctuation (before closing quotes or brackets).

    >>> ends_sentence('He said: "We will." '), ends_sentence("Most read"), ends_sentence("Wait…")
    (True, False, True)
    """
    return _SENTENCE_END.search(text) is not None


def share(text: str, test: Callable[[str], bool], among: Callable[[str], bool]) -> float | None:
    """The share of the characters of ``text`` passing ``among`` that also pass ``test``.

    >>> share("News: 24/7", str.isupper, str.isalpha)
    0.25
    """
    pool = [char for char in text if among(char)]
    if not pool:
        return None
    return sum(1 for char in pool if test(char)) / len(pool)


def _not_space(char: str) -> bool:
    return not char.isspace()


class Document:
    """One pass's text, answering questions about its lines (byte ranges of UTF-8 ``data``).

    >>> doc = Document("Top stories\\nThe council met on Tuesday and voted to keep the library.\\n".encode())
    >>> doc.signal("words", 0, 11), doc.signal("sentence_end", 0, 11), doc.prose(12, 71)
    (2, False, True)
    """

    def __init__(self, data: bytes, html_lines: HtmlLines | None = None) -> None:
        self.data = data
        self.html_lines = html_lines
        self._cache: dict[tuple[str, int], Any] = {}
        self._language: str | bool | None = False  # False: not looked for yet
        self._first_seen: dict[bytes, int] | None = None
        self._first_prose: int | None = None
        self._last_prose: int | None = None

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "replace")

    @property
    def language(self) -> str | None:
        if self._language is False:
            sample = self.data[: 4 * stopwords.SAMPLE_CHARS].decode("utf-8", "ignore")
            self._language = stopwords.language_of(sample)
        return self._language  # type: ignore[return-value]

    def signal(self, name: str, start: int, end: int) -> Any:
        """The value of signal ``name`` (a key of :data:`SIGNALS`) for the line ``[start, end)``."""
        key = (name, start)
        if key not in self._cache:
            self._cache[key] = SIGNALS[name](self, start, end)
        return self._cache[key]

    def repeated(self, start: int, end: int) -> bool:
        """Whether the same line (spaces at its ends aside) occurs earlier in the text."""
        if self._first_seen is None:
            self._first_seen = {}
            pos = 0
            for line in self.data.split(b"\n"):
                self._first_seen.setdefault(line.strip(), pos)
                pos += len(line) + 1
        line = self.data[start:end].strip()
        first = self._first_seen.get(line)
        return bool(line) and first is not None and first < start

    def html(self, start: int, end: int) -> HtmlLine | None:
        if self.html_lines is None:
            return None
        return self.html_lines.get(self.text(start, end).strip())

    def prose(self, start: int, end: int) -> bool:
        """Whether the line reads as article prose: :data:`PROSE_WORDS` words or more, ending a sentence."""
        return self.signal("words", start, end) >= PROSE_WORDS and self.signal("sentence_end", start, end)

    def first_prose(self) -> int:
        """Where the first prose line (see :meth:`prose`) starts; the text's length when there is none.

        Found by reading lines from the start until one is prose, once per document.
        """
        if self._first_prose is None:
            line = self._edge_line(0, 1)
            while line is not None and not self.prose(*line):
                line = self.neighbour(*line, 1)
            self._first_prose = len(self.data) if line is None else line[0]
        return self._first_prose

    def last_prose(self) -> int:
        """Where the last prose line starts; -1 when there is none (read from the end, once)."""
        if self._last_prose is None:
            line = self._edge_line(len(self.data) - 1, -1)
            while line is not None and not self.prose(*line):
                line = self.neighbour(*line, -1)
            self._last_prose = -1 if line is None else line[0]
        return self._last_prose

    def _edge_line(self, pos: int, step: int) -> tuple[int, int] | None:
        """The first (``step`` 1, ``pos`` 0) or last (-1, the last byte) non-blank line."""
        if pos < 0 or not self.data:
            return None
        line = self.line_at(pos)
        return line if self.data[line[0] : line[1]].strip() else self.neighbour(*line, step)

    def line_at(self, pos: int) -> tuple[int, int]:
        """The line holding byte ``pos`` (without its line break, nor a ``\\r`` before it)."""
        start = self.data.rfind(b"\n", 0, pos) + 1
        end = self.data.find(b"\n", pos)
        end = len(self.data) if end < 0 else end
        return start, end - 1 if end > start and self.data[end - 1] == 0x0D else end

    def neighbour(self, start: int, end: int, step: int) -> tuple[int, int] | None:
        """The nearest non-blank line before (``step`` -1) or after (+1) the line ``[start, end)``."""
        data = self.data
        while True:
            if step < 0:
                if start == 0:
                    return None
                start, end = self.line_at(start - 1)
            else:
                after = data.find(b"\n", end)
                if after < 0 or after + 1 >= len(data):
                    return None
                start, end = self.line_at(after + 1)
            if data[start:end].strip():
                return start, end


def _html_role(doc: Document, start: int, end: int) -> str | None:
    found = doc.html(start, end)
    return None if found is None else found.role


def _link_share(doc: Document, start: int, end: int) -> float | None:
    found = doc.html(start, end)
    return None if found is None else found.link_share


#: Every signal a rule may test, computed from a line's bytes in its document.
SIGNALS: dict[str, Callable[[Document, int, int], Any]] = {
    "words": lambda doc, s, e: word_count(doc.text(s, e)),
    "length": lambda doc, s, e: len(doc.text(s, e).strip()),
    "sentence_end": lambda doc, s, e: ends_sentence(doc.text(s, e)),
    "reported_speech": lambda doc, s, e: reports_speech(doc.text(s, e)),
    "capitals": lambda doc, s, e: share(doc.text(s, e), str.isupper, str.isalpha),
    "digits": lambda doc, s, e: share(doc.text(s, e), str.isdigit, _not_space),
    "stopwords": lambda doc, s, e: stopwords.stopword_share(doc.text(s, e), doc.language),
    "repeated": lambda doc, s, e: doc.repeated(s, e),
    "html": lambda doc, s, e: doc.html_lines is not None,
    "html_role": _html_role,
    "link_share": _link_share,
}
