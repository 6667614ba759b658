"""Lines as ``learn`` compares them: keys, templates, hashes, and the pattern that matches them.

A line's **key** is its text with whitespace normalised (runs of whitespace become one space,
none at either end), so that lines differing only in spacing count as one. Its **template**
masks what varies between otherwise equal boilerplate lines: runs of ASCII digits become
:data:`NUMBER`, and in such a line, month and weekday names (wide and abbreviated, from the
CLDR data in Babel, for the languages of :data:`DATE_LOCALES`) become :data:`NAME`. A line
without digits has no template.

Both are hashed to 8 bytes (BLAKE2b), the exact key and the template apart (a kind byte
differs), so that counting needs no texts.
"""

from __future__ import annotations

import functools
import hashlib
import re

NUMBER = "\ue000"  # a run of ASCII digits, in a template
NAME = "\ue001"  # a month or weekday name, in a template
# Languages whose month and weekday names are masked: those of the built-in packs and the
# development data, and their neighbours.
DATE_LOCALES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "ru", "uk", "pl", "cs", "sv", "da", "nb", "fi",
    "tr", "id", "ro", "hu", "ca",
)  # fmt: skip
#: Lines longer than this are never boilerplate worth a rule (and are not hashed).
MAX_LINE_CHARS = 1000
#: Lines longer than this get no template: boilerplate that varies is short, article
#: paragraphs with dates and figures are long, and masking is the costly step.
MAX_TEMPLATE_CHARS = 240
#: A rule's text must keep at least this many letters outside its masks.
MIN_LETTERS = 2

_DIGITS = re.compile(r"[0-9]+")
_DIGIT = re.compile(r"[0-9]")
_WORDS = re.compile(r"\w+")
_PLACEHOLDER = re.compile(f"([{NUMBER}{NAME}])")
_RE2_SPECIAL = frozenset("\\.+*?()|[]{}^$")
#: What a placeholder matches in a rule's pattern.
SLOT_PATTERNS = {NUMBER: r"\d+", NAME: r"\p{L}{2,12}"}
SLOT_LABELS = {NUMBER: "<N>", NAME: "<MONTH>"}
SPACE_PATTERN = r"[\t\pZ]+"  # any run of spaces, tabs, no-break or other Unicode spaces
EXACT, TEMPLATE = b"e", b"t"


def line_key(line: str) -> str:
    """The line with whitespace normalised: what two lines must share to count as one.

    >>> line_key("  Share\\u00a0this   article \\r")
    'Share this article'
    """
    return " ".join(line.split())


@functools.cache
def date_words() -> frozenset[str]:
    """Month and weekday names (lower case, wide and abbreviated, as written in dates and on
    their own) in the languages of :data:`DATE_LOCALES`, from Babel's CLDR data.

    >>> {"june", "juni", "junho", "mai", "января", "mittwoch"} <= date_words()
    True
    """
    from babel.dates import get_day_names, get_month_names

    words: set[str] = set()
    for locale in DATE_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for names in (get_month_names(width, context, locale), get_day_names(width, context, locale)):
                    words.update(name.lower() for name in names.values())
    # Some abbreviations carry their dot ("Jan.", "févr."): the dot stays outside the mask. Two
    # letters are too few to tell a date ("do", "so" are German weekdays and English words).
    return frozenset(bare for word in words if len(bare := word.rstrip(".")) >= 3)


def template(key: str) -> str | None:
    """``key`` with digit runs and month or weekday names masked; None for a line without
    digits (a date has some; a name alone is more often a word, "May", "set", "Sun"), or
    longer than :data:`MAX_TEMPLATE_CHARS`.

    >>> template("Updated 5 June 2024, 14:32") == f"Updated {NUMBER} {NAME} {NUMBER}, {NUMBER}:{NUMBER}"
    True
    >>> template("Share this article") is None, template("Monday briefing") is None
    (True, True)
    """
    if len(key) > MAX_TEMPLATE_CHARS or _DIGIT.search(key) is None:
        return None
    masked = _DIGITS.sub(NUMBER, key)
    # Few lines name a month or day, and those name one or two: find them with a set operation
    # in C, then mask each with a pattern of its own.
    for word in date_words().intersection(_WORDS.findall(key.lower())):
        masked = _date_word(word).sub(NAME, masked)
    return masked


@functools.cache
def _date_word(word: str) -> re.Pattern[str]:
    """A month or day name as a whole word, in any case."""
    return re.compile(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", re.IGNORECASE)


def slot_values(key: str, masked: str) -> tuple[str, ...]:
    """What :func:`template` masked in ``key`` (its template ``masked``), in order.

    >>> key = "Updated 5 June 2024"
    >>> slot_values(key, template(key))
    ('5', 'June', '2024')
    """
    match = _slot_reader(masked).fullmatch(key)
    assert match is not None, (key, masked)
    return match.groups()


@functools.lru_cache(maxsize=4096)
def _slot_reader(masked: str) -> re.Pattern[str]:
    """A pattern that reads a template's masked parts back out of its lines. Masks replace
    whole digit runs and whole words, so each group can only match one way."""
    slots = {NUMBER: "([0-9]+)", NAME: r"([^\W\d_]+)"}
    return re.compile("".join(slots.get(piece) or re.escape(piece) for piece in _PLACEHOLDER.split(masked)))


def fill(text: str, slots: tuple[str | None, ...]) -> str:
    """A template with the slots that never varied (not None in ``slots``) written back.

    >>> display(fill(f"Listen {NUMBER} {NAME}", (None, "min")))
    'Listen <N> min'
    """
    values = iter(slots)

    def put(match: re.Match[str]) -> str:
        value = next(values, None)
        return match.group() if value is None else value

    return _PLACEHOLDER.sub(put, text)


def letters(text: str) -> int:
    """How many letters ``text`` has outside its masks.

    >>> letters(f"{NUMBER} {NAME} {NUMBER}"), letters("Page 2 of 9")
    (0, 6)
    """
    return sum(char.isalpha() for char in text)


def key_hash(text: str, kind: bytes = EXACT) -> bytes:
    """8 bytes standing for a key (``EXACT``) or a template (``TEMPLATE``).

    >>> len(key_hash("Share this article")), key_hash("x") != key_hash("x", TEMPLATE)
    (8, True)
    """
    return hashlib.blake2b(kind + text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def re2_escape(text: str) -> str:
    """``text`` as an RE2 literal: only RE2's metacharacters get a backslash, so it stays readable.

    >>> re2_escape("Page 2 (of 9) · $5.99?")
    'Page 2 \\\\(of 9\\\\) · \\\\$5\\\\.99\\\\?'
    """
    return "".join("\\" + char if char in _RE2_SPECIAL else char for char in text)


def line_pattern(text: str, *, any_space: bool = False, padded: bool = False) -> str:
    """The anchored pattern of a ``line`` rule for a key or template: the whole line, with
    ``\\r?`` before its end for CRLF text.

    ``any_space``: the lines it stands for were spaced in more than one way, so every space
    matches any run of spaces. ``padded``: some had spaces at either end.

    >>> line_pattern(f"Listen to this article · {NUMBER} min")
    '^Listen to this article · \\\\d+ min\\\\r?$'
    >>> line_pattern("Share this", any_space=True, padded=True)
    '^[\\\\t\\\\pZ]*Share[\\\\t\\\\pZ]+this[\\\\t\\\\pZ]*\\\\r?$'
    """
    space = SPACE_PATTERN if any_space else " "
    pieces = []
    for piece in _PLACEHOLDER.split(text):
        if piece in SLOT_PATTERNS:
            pieces.append(SLOT_PATTERNS[piece])
        elif piece:
            pieces.append(space.join(re2_escape(word) for word in piece.split(" ")))
    body = "".join(pieces)
    edge = SPACE_PATTERN.replace("+", "*") if padded else ""
    return f"^{edge}{body}{edge}\\r?$"


def display(text: str) -> str:
    """A template as people read it: ``<N>`` for digits, ``<MONTH>`` for month or day names.

    >>> display(f"Updated {NUMBER} {NAME}")
    'Updated <N> <MONTH>'
    """
    return _PLACEHOLDER.sub(lambda match: SLOT_LABELS[match.group()], text)
