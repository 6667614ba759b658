"""What rules see of a text: odd spaces as spaces, and a line's decorations as spaces.

Three things change how a line looks without changing what it is, and a rule would otherwise
have to spell out every variant of each:

- **Spaces.** Pages put no-break, thin and zero-width spaces where a space goes ("Read\\u00a0more",
  "Partager\\u202f:"). Rules see each of them as one space.
- **Decorations.** Sites open or close a label with a symbol of their choice: "📩 Sign up for our
  newsletter", "► Read more", "Related stories →", "- Share this:". A run of pictographs,
  arrows, geometric shapes or bullets at either end of a line that holds other text, and
  the list and quote marks that open one ("- ", "* ", "» ", "— ") and a table cell's bars
  ("| Share this |", as trafilatura writes a row), are for the rules that many spaces (byte
  for byte, so offsets stay those of the text). A line made only of
  marks, marks inside a line, and a pictograph before a figure ("⏱ 7 min", "💬 12": it says
  what the figure is) are left as they are; a bullet or an arrow before a figure ("• 2 hours
  ago", "► 24 comments") is folded like any other.
- **Wrappings.** A whole line between square brackets or emphasis marks ("[Advertisement]",
  "**Read more:**", "*Share this*", "【Related】") is the line inside them; a figure in
  brackets ("[1]", a note's mark) is left as it is. Parentheses and quotation marks say
  something (an aside, a credit, a quote), and stay.

The clean text and the report are always cut from the text itself: a removed line keeps its
symbols in the report, and kept text is never changed.

>>> folded_spaces("Read\\u00a0more", "Read\\u00a0more".encode())
'Read more'
>>> decorations_folded("📩 Sign up\\nOK ★\\n★★★\\n".encode(), ends_document=True).decode()
'     Sign up\\nOK    \\n★★★\\n'
"""

from __future__ import annotations

import functools
import re

import re2

# No-break, en/em/thin/hair, narrow no-break, medium mathematical and ideographic spaces, the
# Ogham space mark, and the zero-width space, word joiner and byte-order mark.
_ODD_SPACES = "[\u00a0\u1680\u2000-\u200b\u202f\u205f\u2060\u3000\ufeff]"

_BYTES = re2.Options()
_BYTES.encoding = re2.Options.Encoding.LATIN1  # the patterns below spell UTF-8 byte by byte

# Each kind of byte sequence below is looked for on its own, by its first byte: RE2 then skips
# to that byte with memchr, several times faster than one alternation of every kind.
# The same spaces in UTF-8: those after the byte E2 (U+2000-200B, 202F, 205F, 2060) and the others.
_E2_SPACES = rb"\x80[\x80-\x8b\xaf]|\x81[\x9f\xa0]"
_OTHER_SPACES = (rb"\xc2\xa0", rb"\xe1\x9a\x80", rb"\xe3\x80\x80", rb"\xef\xbb\xbf")

# Symbols a site decorates a line with, in UTF-8: bullets (U+2022, 2023, 2043, 2219), arrows
# (U+2191-21FF, 2900-297F; not the left arrow U+2190, which says "back"), miscellaneous
# technical (U+2300-23FF), geometric shapes, miscellaneous symbols and dingbats (U+25A0-27BF),
# more arrows and stars (U+2B00-2BFF) and the emoji planes (U+1F000-1FAFF); each with what
# joins or modifies it (variation selectors, zero-width joiner, the keycap mark).
_E2_SYMBOLS = (
    rb"\x80[\xa2\xa3]|\x81\x83|\x88\x99|\x86[\x91-\xbf]"
    rb"|[\x87\xa4\xa5\x8c-\x8f\x97-\x9e\xac-\xaf][\x80-\xbf]|\x96[\xa0-\xbf]"
)
_EMOJI = rb"\xf0\x9f[\x80-\xab][\x80-\xbf]"
_SYMBOL = (
    rb"(?:\xe2(?:" + _E2_SYMBOLS + rb")|" + _EMOJI + rb")(?:\xef\xb8[\x8e\x8f]|\xe2\x80\x8d|\xe2\x83\xa3)*"
)
# List and quote marks open a line only with a space after them ("- Read more", "> Lesen Sie
# auch"; en and em dashes, closing guillemets, a table cell's bar): "-5 degrees" and "*Required"
# start with text.
_LIST_MARK = rb"(?:[-*>|]|\xe2\x80[\x93\x94\xba]|\xc2\xbb)+[ \t]"
_MARK = rb"(?:" + _SYMBOL + rb"|" + _LIST_MARK + rb")"
# Marks that point at a line rather than say what it is: list marks, bullets (U+2022, 2023,
# 2043, 2219), arrows (U+2191-21FF, 2900-297F, the dingbat arrows U+2794-27BF), geometric
# shapes (U+25A0-25FF) and pointing hands (U+261B, 261E, 1F446-1F449). Before a figure they are
# folded too ("• 2 hours ago", "► 24 comments"); a pictograph before one ("⏱ 7 min", "💬 12")
# says what the figure is, and stays.
_POINTERS = re.compile(
    rb"(?:[ \t]|" + _LIST_MARK + rb"|\xe2(?:\x80[\xa2\xa3]|\x81\x83|\x88\x99|\x86[\x91-\xbf]|\x87[\x80-\xbf]"
    rb"|\xa4[\x80-\xbf]|\xa5[\x80-\xbf]|\x96[\xa0-\xbf]|\x97[\x80-\xbf]|\x9e[\x94-\xbf]|\x98[\x9b\x9e])"
    rb"|\xf0\x9f\x91[\x86-\x89]|\xef\xb8[\x8e\x8f])+"
)
_OPENING = rb"[ \t]*" + _MARK + rb"(?:[ \t]*" + _MARK + rb")*"
# Closings: symbols, or closing guillemets, ">" and a cell's "|" after a space ("Read more >"). RE2
# runs this in one pass; Python's engine would try it at every byte. Without a non-ASCII byte only
# ">" and "|" can close.
_CLOSING = re2.compile(
    rb"(?m)(?:"
    + _SYMBOL
    + rb"|[ \t](?:[>|]|\xc2\xbb|\xe2\x80\xba)+)(?:[ \t]*(?:"
    + _SYMBOL
    + rb"|[>|]|\xc2\xbb|\xe2\x80\xba))*[ \t\r]*$",
    _BYTES,
)
# A letter or figure (any byte of a non-ASCII character counts): what makes a line more than marks.
_WORDY = re.compile(rb"[A-Za-z0-9\x80-\xff]")
_ASCII_CLOSING = re.compile(rb"[>|]+[ \t\r]*(?=\n|\Z)")
# Wrappings: what closes a line, and what must then open it (after any folded marks).
_WRAPS = {b"]": b"[", b"**": b"**", b"__": b"__", b"*": b"*", "\u3011".encode(): "\u3010".encode()}
# Brackets around a figure mark a note ("[1]", "【2】"); emphasis around one does not.
_NOTE_MARKS = (b"[", "\u3010".encode())
# Longer closers first: "**" is one closer, not "*" after a "*".
_CLOSERS = b"|".join(re.escape(closer) for closer in sorted(_WRAPS, key=len, reverse=True))
_WRAP_END = re2.compile(b"(?m)(?:" + _CLOSERS + rb")[ \t\r]*$", _BYTES)
_ODD_SPACE_KINDS = tuple(re2.compile(p, _BYTES) for p in (rb"\xe2(?:" + _E2_SPACES + rb")", *_OTHER_SPACES))
# Any mark a line could be decorated with (a symbol anywhere, a list mark after a line break,
# a closing before one): most text has none, and is then its own view.
_MARK_KIND_PATTERNS = (
    rb"\xe2(?:" + _E2_SYMBOLS + rb")",
    _EMOJI,
    rb"\A[ \t]*" + _LIST_MARK,
    rb"\n[ \t]*" + _LIST_MARK,
    # Closings and wrappings, each kind by its one first byte: a class of several first bytes
    # ("[>|]") costs RE2 its memchr, thirty times slower over text without any.
    rb"(?m)>[ \t\r]*$",
    rb"(?m)\|[ \t\r]*$",
    rb"(?m)\xc2\xbb[ \t\r]*$",
    rb"(?m)\xe2\x80\xba[ \t\r]*$",
    # A closer that ends with another ("**", "*") is found by the shorter one.
    *(
        b"(?m)" + re.escape(closer) + rb"[ \t\r]*$"
        for closer in _WRAPS
        if not any(other != closer and closer.endswith(other) for other in _WRAPS)
    ),
)
_MARK_KINDS = tuple(re2.compile(p, _BYTES) for p in _MARK_KIND_PATTERNS)
# A short text (an article) is searched once for all kinds: a call per kind costs more than its bytes.
_ANY_MARK = (re2.compile(b"|".join(b"(?:" + p + b")" for p in _MARK_KIND_PATTERNS), _BYTES),)
_SHORT = 8192


@functools.cache
def _python_patterns() -> tuple[re.Pattern[str], re.Pattern[bytes], re.Pattern[bytes]]:
    """The odd spaces, and a line's opening marks at the start and after a line break, for
    Python's engine (which finds a literal quickly, so openings are searched from the line break
    before them). Compiled on first use: most texts have neither, and the compile costs a
    start-up some 3 ms."""
    return re.compile(_ODD_SPACES), re.compile(_OPENING), re.compile(rb"\n" + _OPENING)


def folded_spaces(text: str, utf8: bytes) -> str | None:
    """``text`` with every odd space (see the module docstring) a plain space, or None when
    it has none (``utf8``: ``text`` in UTF-8, where they are looked for). The result has the
    same length: offsets into it are offsets into ``text``.

    >>> folded_spaces("5\\u202fmin", "5\\u202fmin".encode()), folded_spaces("plain", b"plain")
    ('5 min', None)
    """
    if utf8.isascii() or not any(kind.search(utf8) for kind in _ODD_SPACE_KINDS):
        return None
    return _python_patterns()[0].sub(" ", text)


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
    kinds = _ANY_MARK if len(data) < _SHORT else _MARK_KINDS
    if not any(kind.search(data) for kind in kinds):
        return data
    _, opening_at_start, opening_after_break = _python_patterns()
    first = opening_at_start.match(data)
    runs = [(m.start() + 1, m.end()) for m in opening_after_break.finditer(data)]
    if first is not None:
        runs.insert(0, first.span())
    if data.isascii():
        after_space = (m for m in _ASCII_CLOSING.finditer(data) if data[m.start() - 1 : m.start()] in b" \t")
        closing = [m.span() for m in after_space]
    else:
        closing = [m.span() for m in _CLOSING.finditer(data)]
    marks: list[tuple[int, int]] = []
    for start, end in runs:
        line_end = data.find(b"\n", end)
        rest = data[end : len(data) if line_end < 0 else line_end].strip()
        if not _WORDY.search(rest):
            continue  # nothing but marks on the line
        if rest[:1].isdigit() and not _POINTERS.fullmatch(data, start, end):
            continue  # a pictograph that labels a figure ("⏱ 7 min")
        marks.append((start, end))
    for start, end in closing:
        if end == len(data) and not ends_document:
            continue  # the line may go on in the text that follows
        if not _WORDY.search(data, data.rfind(b"\n", 0, start) + 1, start):
            continue  # nothing but marks before it: "| --- | --- |" is a table's rule, not a label
        marks.append((start, end))
    return _unwrapped(_blanked(data, marks), ends_document=ends_document)


def _blanked(data: bytes, spans: list[tuple[int, int]]) -> bytes:
    """``data`` with each ``(start, end)`` byte range as that many spaces; ``data`` itself for none.

    >>> _blanked(b"- Read more >", [(0, 2), (11, 13)])
    b'  Read more  '
    """
    if not spans:
        return data
    out = bytearray(data)
    for start, end in spans:
        out[start:end] = b" " * (end - start)
    return bytes(out)


def _unwrapped(view: bytes, *, ends_document: bool) -> bytes:
    """``view`` with the brackets or emphasis marks that wrap a whole line as spaces.

    >>> decorations_folded(b"[Advertisement]\\n- **Read more:**\\n[1]\\n[a] and [b]", ends_document=True)
    b' Advertisement \\n    Read more:  \\n[1]\\n[a] and [b]'
    """
    marks: list[tuple[int, int]] = []
    for match in _WRAP_END.finditer(view):
        if match.end() == len(view) and not ends_document:
            continue  # the line may go on in the text that follows
        closer = view[match.start() : match.end()].rstrip()
        start = view.rfind(b"\n", 0, match.start()) + 1
        while start < match.start() and view[start] in b" \t":
            start += 1
        opener = _WRAPS[closer]
        if not view.startswith(opener, start):
            continue
        inside = view[start + len(opener) : match.start()]
        if not inside.strip() or (opener in _NOTE_MARKS and inside.strip()[:1].isdigit()):
            continue  # "[1]" marks a note; "**24 comments**" is a label in bold
        if opener in inside or closer in inside:
            continue  # "[a] and [b]": two wrappings, not one
        marks += [(start, start + len(opener)), (match.start(), match.start() + len(closer))]
    return _blanked(view, marks)


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


def refolded(view: bytes, data: bytes, lines: list[tuple[int, int]], *, ends_document: bool) -> bytes:
    """``view`` (the view of ``data`` before a cut, cut the same way) with ``lines`` folded
    again from ``data``: the lines a cut changed, whose marks may now open or close them.
    ``lines`` are ``(start, end)`` ranges of whole lines, ``end`` at a line break or the end.

    >>> data = "x ► Read more\\nEnd".encode()[2:]  # "x " was cut: the pointer opens the line now
    >>> refolded(data, data, [(0, 13)], ends_document=True)
    b'    Read more\\nEnd'
    """
    out: bytearray | None = None
    for start, end in lines:
        fresh = decorations_folded(data[start:end], ends_document=ends_document or end < len(data))
        if fresh != view[start:end]:
            out = bytearray(view) if out is None else out
            out[start:end] = fresh
    return view if out is None else bytes(out)


def line_as_seen(line: str) -> str:
    """How rules see one line, without the spaces around it: the key under which what an
    HTML page made of that line is looked up.

    >>> line_as_seen("  ► Read\\u00a0more ")
    'Read more'
    """
    data = line.encode("utf-8")
    spaced = folded_spaces(line, data)
    if spaced is not None:
        data = spaced.encode("utf-8")
    return decorations_folded(data, ends_document=True).decode("utf-8").strip()
