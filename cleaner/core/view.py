"""What rules see of a text: odd spaces as spaces, and a line's decorations as spaces.

Two things change how a line looks without changing what it is, and a rule would otherwise
have to spell out every variant of each:

- **Spaces.** Pages put no-break, thin and zero-width spaces where a space goes ("Read\\u00a0more",
  "Partager\\u202f:"). Rules see each of them as one space.
- **Decorations.** Sites open or close a label with a symbol of their choice: "📩 Sign up for our
  newsletter", "► Read more", "Related stories →", "- Share this:". A run of pictographs,
  arrows, geometric shapes or bullets at either end of a line that holds other text, and
  the list and quote marks that open one ("- ", "* ", "» ", "— "), are for the rules that
  many spaces (byte for byte, so offsets stay those of the text). A line made only of
  marks, marks inside a line, and a symbol before a figure ("⏱ 7 min", "💬 12": it says
  what the figure is) are left as they are.

The clean text and the report are always cut from the text itself: a removed line keeps its
symbols in the report, and kept text is never changed.

>>> folded_spaces("Read\\u00a0more")
'Read more'
>>> decorations_folded("📩 Sign up\\nOK ★\\n★★★\\n".encode(), ends_document=True).decode()
'     Sign up\\nOK    \\n★★★\\n'
"""

from __future__ import annotations

import re

import re2

# No-break, en/em/thin/hair, narrow no-break, medium mathematical and ideographic spaces, the
# Ogham space mark, and the zero-width space, word joiner and byte-order mark.
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200b\u202f\u205f\u2060\u3000\ufeff]")

_BYTES = re2.Options()
_BYTES.encoding = re2.Options.Encoding.LATIN1  # the patterns below spell UTF-8 byte by byte

# Symbols a site decorates a line with, in UTF-8: bullets (U+2022, 2023, 2043, 2219), arrows
# (U+2191-21FF, 2900-297F; not the left arrow U+2190, which says "back"), miscellaneous
# technical (U+2300-23FF), geometric shapes, miscellaneous symbols and dingbats (U+25A0-27BF),
# more arrows and stars (U+2B00-2BFF) and the emoji planes (U+1F000-1FAFF); each with what
# joins or modifies it (variation selectors, zero-width joiner, the keycap mark).
_SYMBOL = (
    rb"(?:\xe2\x80[\xa2\xa3]|\xe2\x81\x83|\xe2\x88\x99|\xe2\x86[\x91-\xbf]"
    rb"|\xe2[\x87\xa4\xa5\x8c-\x8f\x97-\x9e\xac-\xaf][\x80-\xbf]|\xe2\x96[\xa0-\xbf]|\xf0\x9f[\x80-\xab][\x80-\xbf])"
    rb"(?:\xef\xb8[\x8e\x8f]|\xe2\x80\x8d|\xe2\x83\xa3)*"
)
# List and quote marks open a line only with a space after them ("- Read more", "> Lesen Sie
# auch"; en and em dashes, closing guillemets): "-5 degrees" and "*Required" start with text.
_MARK = rb"(?:" + _SYMBOL + rb"|(?:[-*>]|\xe2\x80[\x93\x94\xba]|\xc2\xbb)+[ \t])"
_OPENING = rb"[ \t]*" + _MARK + rb"(?:[ \t]*" + _MARK + rb")*"
# Python's engine finds a literal quickly, so openings are searched from the line break before them.
_OPENING_AT_START = re.compile(_OPENING)
_OPENING_AFTER_BREAK = re.compile(rb"\n" + _OPENING)
# Closings: symbols, or closing guillemets and ">" after a space ("Read more >"). RE2 runs this in one
# pass; Python's engine would try it at every byte. Without a non-ASCII byte only ">" can close.
_CLOSING = re2.compile(
    rb"(?m)(?:"
    + _SYMBOL
    + rb"|[ \t](?:>|\xc2\xbb|\xe2\x80\xba)+)(?:[ \t]*(?:"
    + _SYMBOL
    + rb"|>|\xc2\xbb|\xe2\x80\xba))*[ \t\r]*$",
    _BYTES,
)
_ASCII_CLOSING = re.compile(rb">+[ \t\r]*(?=\n|\Z)")


def folded_spaces(text: str) -> str | None:
    """``text`` with every odd space (see the module docstring) a plain space, or None when
    it has none. The result has the same length: offsets into it are offsets into ``text``.

    >>> folded_spaces("5\\u202fmin"), folded_spaces("plain text")
    ('5 min', None)
    """
    if text.isascii() or _ODD_SPACES.search(text) is None:
        return None
    return _ODD_SPACES.sub(" ", text)


def decorations_folded(data: bytes, *, ends_document: bool) -> bytes:
    """UTF-8 ``data`` with each run of marks that opens, and each run of symbols that closes,
    a line holding other text replaced by as many spaces as it has bytes; ``data`` itself
    when there is none.

    ``ends_document=False``: text follows ``data``, so its last line may go on and a run at
    its very end does not close a line.

    >>> decorations_folded("- Read more →".encode(), ends_document=True)
    b'  Read more    '
    >>> decorations_folded("Read more →".encode(), ends_document=False) == "Read more →".encode()
    True
    """
    runs = [(m.start() + 1, m.end()) for m in _OPENING_AFTER_BREAK.finditer(data)]
    first = _OPENING_AT_START.match(data)
    if first is not None and first.end() > 0:
        runs.insert(0, first.span())
    if data.isascii():
        after_space = (m for m in _ASCII_CLOSING.finditer(data) if data[m.start() - 1 : m.start()] in b" \t")
        closing = [m.span() for m in after_space]
    else:
        closing = [m.span() for m in _CLOSING.finditer(data)]
    folded: bytearray | None = None
    for start, end in runs:
        line_end = data.find(b"\n", end)
        rest = data[end : len(data) if line_end < 0 else line_end].strip()
        if not rest or rest[:1].isdigit():
            continue  # nothing but marks on the line, or a symbol that labels a figure ("⏱ 7 min")
        folded = bytearray(data) if folded is None else folded
        folded[start:end] = b" " * (end - start)
    for start, end in closing:
        if end == len(data) and not ends_document:
            continue  # the line may go on in the text that follows
        if not data[data.rfind(b"\n", 0, start) + 1 : start].strip():
            continue
        folded = bytearray(data) if folded is None else folded
        folded[start:end] = b" " * (end - start)
    return data if folded is None else bytes(folded)


def widened(cuts: list[tuple[int, int]], view: bytes, data: bytes) -> list[tuple[int, int]]:
    """``cuts`` (sorted byte ranges of ``view``, the folded ``data``), each taking along the
    decorations between it and the start or end of its line: a removed line goes with its
    symbols, and leaves no lone arrow behind.

    >>> data = "Intro\\nRead more →\\n".encode()
    >>> view = decorations_folded(data, ends_document=True)
    >>> [data[s:e].decode() for s, e in widened([(6, 15)], view, data)]
    ['Read more →']
    """
    if view is data:
        return cuts
    result: list[tuple[int, int]] = []
    # Each search stops at the neighbouring cut: a cut with another on its line has no marks
    # between them to take, and a long line with many cuts is read once, not once a cut.
    for k, (start, end) in enumerate(cuts):
        # A line break that the cut before took (at floor - 1) still starts this line.
        floor = result[-1][1] if result else 0
        line_start = view.rfind(b"\n", max(floor - 1, 0), start) + 1 or (0 if floor == 0 else -1)
        if line_start >= 0:
            before = data[line_start:start]
            if before != view[line_start:start] and not view[line_start:start].strip():
                start -= len(before.lstrip())
        ceiling = cuts[k + 1][0] if k + 1 < len(cuts) else len(view)
        line_end = view.find(b"\n", end, ceiling + 1)  # the next cut may start at the break
        line_end = (len(view) if ceiling == len(view) else -1) if line_end < 0 else line_end
        if line_end >= 0:
            after = data[end:line_end]
            if after != view[end:line_end] and not view[end:line_end].strip():
                end += len(after.rstrip())
        result.append((start, end))
    return result


def line_key(line: str) -> str:
    """How rules see one line, without the spaces around it: the key under which what an
    HTML page made of that line is looked up.

    >>> line_key("  ► Read\\u00a0more ")
    'Read more'
    """
    spaced = folded_spaces(line)
    data = (line if spaced is None else spaced).encode("utf-8")
    return decorations_folded(data, ends_document=True).decode("utf-8").strip()
