"""What each line of an HTML page's extracted text was on the page: heading, list item, table
cell, quote, and how much of it was link text.

trafilatura's plain text says nothing of structure, but it is rendered from a structured tree
(``document.body``: ``head``, ``p``, ``list``/``item``, ``table``/``row``/``cell``, ``quote``)
and the page itself says which text sat inside ``<a>`` links. Both are aligned with the text
afterwards, so the text stays exactly trafilatura's:

- the tree's text is taken piece by piece (an element's text, a tail), each piece with the
  structure it sits in; the page's ``<body>`` text likewise, with link text marked;
- whitespace is dropped from both and from each line of the text (the rendering changes only
  whitespace, list markers ``-`` and table bars ``|``), and each line is looked up in the
  tree's text after the previous line's place, then, if not found there, from its start.

A line that is not found (rare: text the rendering rewrote) gets :data:`UNKNOWN`.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from cleaner.core.signals import HtmlLine, HtmlLines
from cleaner.core.view import line_as_seen

# The kinds of text a line may be, and the tags that make them: trafilatura's tree's own, and
# the raw tags its fallback extractors leave. Links are read from the page itself.
_KIND_TAGS = {
    "heading": ("head", "h1", "h2", "h3", "h4", "h5", "h6"),
    "item": ("item", "li"),
    "cell": ("cell", "td", "th"),
    "quote": ("quote", "blockquote"),
}
# Each kind's text is put between two marker characters (Unicode noncharacters: valid in XML
# text, never in a page's own), by XSLT, so that libxml2 reads a tree's text in one pass.
_MARKS = {kind: (chr(0xFDD0 + 2 * n), chr(0xFDD1 + 2 * n)) for n, kind in enumerate(["link", *_KIND_TAGS])}
_MARK = re.compile("([\ufdd0-\ufddf])")
_LINK = 0  # the place of links in _MARKS
# Characters trafilatura's text drops (format and control characters) or adds (table bars and
# the backslashes escaping bars in cells), left out on both sides of the comparison.
_DROPPED = re.compile(r"[\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff|\\]+")
_PAGE_SKIP = ("script", "style", "noscript", "template", "svg", "select", "textarea")


@dataclass(frozen=True, slots=True)
class LineInfo:
    """What one line of the extracted text was on the page.

    - ``heading``: a heading (``<h1>``…``<h6>``, or what trafilatura took for one);
    - ``item``: a list item (``<li>``);
    - ``cell``: a table row's cells (trafilatura writes a row as one line, ``| a | b |``);
    - ``quote``: inside a block quotation (``<blockquote>``);
    - ``link_share``: the share (0 to 1) of the line's characters, spaces aside, that were the
      text of ``<a>`` links on the page; ``None`` when the line was not found on the page;
    - ``found``: whether the line was found in trafilatura's tree (when not, the four flags
      are false for want of knowing).

    A flag is set when most of the line's characters carry it.
    """

    heading: bool = False
    item: bool = False
    cell: bool = False
    quote: bool = False
    link_share: float | None = None
    found: bool = False


#: What a line nothing is known about gets.
UNKNOWN = LineInfo()
_EMPTY_ROW = LineInfo(cell=True, link_share=0.0, found=True)
_EMPTY_LIST_ITEM = LineInfo(item=True, link_share=0.0, found=True)
_EMPTY_ITEM = re.compile(r"\s*-\s*")
_TABLE_RULE = re.compile(r"\s*\|(?:[\s-]*\|)+\s*")


def line_infos(text: str, body: Any, page: MarkedText) -> tuple[LineInfo, ...]:
    """One :class:`LineInfo` per line of ``text`` (``text.split("\\n")``, the last line only when
    it is not empty): ``body`` is trafilatura's tree for ``text``, ``page`` the parsed page's
    text (:func:`page_text`).

    >>> from lxml import etree, html
    >>> body = etree.fromstring(
    ...     "<body><head>Floods</head><p>The river rose.</p><list><item>Read more</item></list></body>"
    ... )
    >>> page = html.fromstring(
    ...     "<html><body><h1>Floods</h1><p>The river rose.</p><ul><li><a href='/m'>Read more</a></li></ul>"
    ...     "</body></html>"
    ... )
    >>> infos = line_infos("Floods\\nThe river rose.\\n- Read more\\n", body, page_text(page))
    >>> [(i.heading, i.item, i.link_share) for i in infos]
    [(True, False, 0.0), (False, False, 0.0), (False, True, 1.0)]
    """
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    keys = [_key(line) for line in lines]
    structure = MarkedText(str(_marked("structure")(body)))
    infos = []
    for line, key in zip(lines, keys, strict=True):
        if not key or key.startswith("-"):  # a list item without text, or a table's rule
            if _TABLE_RULE.fullmatch(line) or _EMPTY_ITEM.fullmatch(line):
                infos.append(_EMPTY_ROW if "|" in line else _EMPTY_LIST_ITEM)
                continue
            if not key:
                infos.append(UNKNOWN)
                continue
        share = None
        if (where := page.find(key)) is not None:
            share = page.shares(where, len(key))[_LINK]
        where = structure.find(key)
        if where is None:
            infos.append(LineInfo(link_share=share))
            continue
        heading, item, cell, quote = (part > 0.5 for part in structure.shares(where, len(key))[1:])
        infos.append(LineInfo(heading, item, cell, quote, share, found=True))
    return tuple(infos)


def page_text(page: Any) -> MarkedText:
    """A parsed page's text (in ``<body>``, scripts and styles left out) with its links marked.

    >>> from lxml import html
    >>> page_text(html.fromstring("<html><body><p>Floods <a href='/m'>Read more</a></p></body></html>")).text
    'FloodsReadmore'
    """
    return MarkedText(str(_marked("links")(page)))


def _key(text: str) -> str:
    """What is compared: the text without whitespace, bars, format characters or list marker."""
    stripped = text.lstrip()
    return squeeze(stripped[2:] if stripped.startswith("- ") else text)


def squeeze(text: str) -> str:
    """``text`` in NFC without whitespace and the characters of :data:`_DROPPED`."""
    return _DROPPED.sub("", "".join(unicodedata.normalize("NFC", text).split()))


class MarkedText:
    """Marked text (see :data:`_MARKS`) as one string without whitespace, and the kinds each
    piece of it carries (a bit per kind); found lines advance a cursor, so repeated text is
    matched in order."""

    def __init__(self, marked: str) -> None:
        parts: list[str] = []
        self._starts: list[int] = []
        self._kinds: list[int] = []
        depth = [0] * len(_MARKS)
        kinds = size = 0
        for piece in _MARK.split(squeeze(marked)):
            if piece in _MARK_STEP:
                bit, step = _MARK_STEP[piece]
                depth[bit] = max(0, depth[bit] + step)
                kinds = kinds | (1 << bit) if depth[bit] else kinds & ~(1 << bit)
            elif piece:
                parts.append(piece)
                self._starts.append(size)
                self._kinds.append(kinds)
                size += len(piece)
        self._text = "".join(parts)
        self._cursor = 0

    @property
    def text(self) -> str:
        """The text, without whitespace or marks."""
        return self._text

    def find(self, key: str) -> int | None:
        at = self._text.find(key, self._cursor)
        if at < 0:
            at = self._text.find(key)
        if at < 0:
            return None
        self._cursor = at + len(key)
        return at

    def shares(self, start: int, size: int) -> list[float]:
        """The share of ``size`` characters from ``start`` that carry each kind, in the order
        of :data:`_MARKS`."""
        end, carried = start + size, [0] * len(_MARKS)
        index = bisect.bisect_right(self._starts, start) - 1
        while index < len(self._starts) and self._starts[index] < end:
            if kinds := self._kinds[index]:
                piece_end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self._text)
                overlap = min(piece_end, end) - max(self._starts[index], start)
                for bit in range(len(_MARKS)):
                    if kinds >> bit & 1:
                        carried[bit] += overlap
            index += 1
        return [chars / size for chars in carried]


# Each mark: the bit of its kind, and whether it opens (1) or closes (-1) it.
_MARK_STEP = {
    mark: (bit, step)
    for bit, pair in enumerate(_MARKS.values())
    for mark, step in zip(pair, (1, -1), strict=True)
}


@functools.cache
def _marked(what: str) -> Any:
    """An XSLT that writes a tree's text with marks around each kind's text: ``links`` for the
    parsed page (``<a>``, in ``<body>``, scripts and styles left out), ``structure`` for
    trafilatura's tree (headings, list items, cells, quotations)."""
    from lxml import etree

    tags = {"link": ("a",)} if what == "links" else _KIND_TAGS
    templates = "".join(
        f'<xsl:template match="{"|".join(names)}"><xsl:text>{_MARKS[kind][0]}</xsl:text>'
        f"<xsl:apply-templates/><xsl:text>{_MARKS[kind][1]}</xsl:text></xsl:template>"
        for kind, names in tags.items()
    )
    start = '<xsl:apply-templates select="//body[1]"/>' if what == "links" else "<xsl:apply-templates/>"
    skip = f'<xsl:template match="{"|".join(_PAGE_SKIP)}"/>' if what == "links" else ""
    return etree.XSLT(
        etree.XML(
            '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
            '<xsl:output method="text" encoding="UTF-8"/>'
            f'<xsl:template match="/">{start}</xsl:template>{templates}{skip}</xsl:stylesheet>'
        )
    )


def html_facts(text: str, infos: tuple[LineInfo, ...]) -> HtmlLines:
    """What the page made of each line, as line-signal rules read it: by the line's text.

    >>> infos = (LineInfo(heading=True, found=True), LineInfo(item=True, link_share=1.0, found=True))
    >>> facts = html_facts("Floods\\n- Read more\\n", infos)
    >>> facts["Floods"], facts["Read more"]  # as rules see the line (see cleaner.core.view)
    (HtmlLine(role='heading', link_share=None), HtmlLine(role='list-item', link_share=1.0))
    """
    facts: dict[str, HtmlLine] = {}
    for line, info in zip(text.split("\n"), infos, strict=False):
        key = line_as_seen(line)
        if key and key not in facts:
            facts[key] = HtmlLine(_role(info), info.link_share)
    return facts


def _role(info: LineInfo) -> str:
    flags = (
        ("heading", info.heading),
        ("list-item", info.item),
        ("table-cell", info.cell),
        ("quote", info.quote),
    )
    return next((role for role, flag in flags if flag), "paragraph" if info.found else "other")
