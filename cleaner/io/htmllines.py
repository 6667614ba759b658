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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# What trafilatura's tree tags (and the raw tags its fallback extractors leave) stand for.
_KINDS = {
    "head": "heading",
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "item": "item",
    "li": "item",
    "cell": "cell",
    "td": "cell",
    "th": "cell",
    "quote": "quote",
    "blockquote": "quote",
}
# Characters trafilatura's text drops (format and control characters) or adds (table bars and
# the backslashes escaping bars in cells), left out on both sides of the comparison.
_DROPPED = re.compile(r"[\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff|\\]+")
# Noncharacters: valid in XML text, and never in a page's own text.
_LINK_START, _LINK_END = "\ufdd0", "\ufdd1"
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


def line_infos(text: str, body: Any, page: Any) -> tuple[LineInfo, ...]:
    """One :class:`LineInfo` per line of ``text`` (``text.split("\\n")``, the last line only when
    it is not empty): ``body`` is trafilatura's tree for ``text``, ``page`` the parsed page
    (left as it is).

    >>> from lxml import etree, html
    >>> body = etree.fromstring(
    ...     "<body><head>Floods</head><p>The river rose.</p><list><item>Read more</item></list></body>"
    ... )
    >>> page = html.fromstring(
    ...     "<html><body><h1>Floods</h1><p>The river rose.</p><ul><li><a href='/m'>Read more</a></li></ul>"
    ...     "</body></html>"
    ... )
    >>> infos = line_infos("Floods\\nThe river rose.\\n- Read more\\n", body, page)
    >>> [(i.heading, i.item, i.link_share) for i in infos]
    [(True, False, 0.0), (False, False, 0.0), (False, True, 1.0)]
    """
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    keys = [_key(line) for line in lines]
    structure = _Stream(_body_pieces(body))
    links = _link_stream(page)
    infos = []
    for line, key in zip(lines, keys, strict=True):
        if _TABLE_RULE.fullmatch(line):  # a row of empty cells, or the rule under a header row
            infos.append(_EMPTY_ROW)
            continue
        if _EMPTY_ITEM.fullmatch(line):
            infos.append(_EMPTY_LIST_ITEM)
            continue
        if not key:
            infos.append(UNKNOWN)
            continue
        share = None
        if links is not None and (where := links.find(key)) is not None:
            share = links.share(where, len(key), "link")
        where = structure.find(key)
        if where is None:
            infos.append(LineInfo(link_share=share))
            continue
        infos.append(
            LineInfo(
                heading=structure.share(where, len(key), "heading") > 0.5,
                item=structure.share(where, len(key), "item") > 0.5,
                cell=structure.share(where, len(key), "cell") > 0.5,
                quote=structure.share(where, len(key), "quote") > 0.5,
                link_share=share,
                found=True,
            )
        )
    return tuple(infos)


def _key(text: str) -> str:
    """What is compared: the text without whitespace, bars, format characters or list marker."""
    stripped = text.lstrip()
    return _squeeze(stripped[2:] if stripped.startswith("- ") else text)


def _squeeze(text: str) -> str:
    """``text`` in NFC without whitespace and the characters of :data:`_DROPPED`."""
    return _DROPPED.sub("", "".join(unicodedata.normalize("NFC", text).split()))


class _Stream:
    """Text pieces, whitespace dropped and joined, each with the kinds it carries; found lines
    advance a cursor, so repeated text is matched in order."""

    def __init__(self, pieces: Iterator[tuple[str, frozenset[str]]]) -> None:
        """``pieces``: text already reduced to its key (see :func:`_key`), with its kinds."""
        parts: list[str] = []
        self._starts: list[int] = []
        self._kinds: list[frozenset[str]] = []
        size = 0
        for key, kinds in pieces:
            if key:
                parts.append(key)
                self._starts.append(size)
                self._kinds.append(kinds)
                size += len(key)
        self._text = "".join(parts)
        self._cursor = 0

    def find(self, key: str) -> int | None:
        at = self._text.find(key, self._cursor)
        if at < 0:
            at = self._text.find(key)
        if at < 0:
            return None
        self._cursor = at + len(key)
        return at

    def share(self, start: int, size: int, kind: str) -> float:
        """The share of ``size`` characters from ``start`` whose piece carries ``kind``."""
        end, carried = start + size, 0
        index = bisect.bisect_right(self._starts, start) - 1
        while index < len(self._starts) and self._starts[index] < end:
            piece_end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self._text)
            if kind in self._kinds[index]:
                carried += min(piece_end, end) - max(self._starts[index], start)
            index += 1
        return carried / size if size else 0.0


def _body_pieces(element: Any, kinds: frozenset[str] = frozenset()) -> Iterator[tuple[str, frozenset[str]]]:
    """The text of trafilatura's tree in document order, each piece with the kinds around it."""
    kind = _KINDS.get(element.tag) if isinstance(element.tag, str) else None
    inner = kinds | {kind} if kind else kinds
    if element.text:
        yield _squeeze(element.text), inner
    for child in element:
        yield from _body_pieces(child, inner)
        if child.tail:
            yield _squeeze(child.tail), inner


def _link_stream(page: Any) -> _Stream | None:
    """The page's body text with link text marked, read in one pass of libxml2 (XSLT): the
    text of every ``<a>`` between two marker characters, scripts and styles left out."""
    if page is None:
        return None
    text = str(_marked_text()(page))
    return _Stream(_link_pieces(_squeeze(text))) if text else None


@functools.cache
def _marked_text() -> Any:
    from lxml import etree

    return etree.XSLT(
        etree.XML(
            f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/"><xsl:apply-templates select="//body[1]"/></xsl:template>
<xsl:template match="a">
<xsl:text>{_LINK_START}</xsl:text><xsl:apply-templates/><xsl:text>{_LINK_END}</xsl:text>
</xsl:template>
<xsl:template match="{"|".join(_PAGE_SKIP)}"/>
</xsl:stylesheet>"""
        )
    )


def _link_pieces(text: str) -> Iterator[tuple[str, frozenset[str]]]:
    """Split marked text into pieces inside and outside links (nested links count once)."""
    depth = 0
    for piece in re.split(f"([{_LINK_START}{_LINK_END}])", text):
        if piece == _LINK_START:
            depth += 1
        elif piece == _LINK_END:
            depth = max(0, depth - 1)
        elif piece:
            yield piece, _IN_LINK if depth else _OUTSIDE


_IN_LINK, _OUTSIDE = frozenset({"link"}), frozenset()
