"""An HTML page's publication date, read cheaply from what the page declares about itself.

Full metadata extraction (trafilatura's, with htmldate's extensive search) costs more than
extracting the text; the date it finds is usually one the page declares in a handful of
places, which a bounded look at the parsed tree finds for a few per cent of that:

1. ``<meta>`` tags whose ``property``, ``name`` or ``itemprop`` is a publication-date key
   (``article:published_time``, ``datePublished``, ``date``, ``dc.date``, ``pubdate``, …);
   modification dates are ignored;
2. a ``<time>`` element marked ``itemprop="datePublished"`` or ``pubdate``, or with a
   ``published`` class (its ``datetime``);
3. JSON-LD (``<script type="application/ld+json">``): the first ``"datePublished"`` (or
   ``"dateCreated"``) of the first 64 KiB of each block (last, as it often dates the site
   or the web page rather than the article).

A value counts when it starts with a calendar date written year first (``2024-03-11``,
``2024/03/11``, ``20240311``, with any time after it) from 1995 (as htmldate) to 2100.
Dates in the running text or the URL are not guessed at.
"""

from __future__ import annotations

import re
from typing import Any

#: ``<meta>`` keys (property, name or itemprop, lower case) that name a publication date.
META_KEYS = frozenset(
    {
        "article:published_time",
        "article:published",
        "article:published_date",
        "article:post_date",
        "article.published",
        "article.created",
        "og:published_time",
        "og:article:published_time",
        "datepublished",
        "datecreated",
        "date",
        "date_published",
        "dc.date",
        "dc.date.issued",
        "dc.date.created",
        "dc.created",
        "dcterms.date",
        "dcterms.issued",
        "dcterms.created",
        "citation_publication_date",
        "citation_date",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "published_time",
        "published-date",
        "parsely-pub-date",
        "sailthru.date",
        "originalpublicationdate",
        "created",
    }
)
JSON_LD_BYTES = 64 * 1024
_DATE = re.compile(r"\s*(199[5-9]|20\d\d|2100)([-/.]?)(\d\d)\2(\d\d)(?!\d)")
_JSON_DATE = re.compile(r'"date(?:Published|Created)"\s*:\s*"([^"]{8,40})"')


def page_date(tree: Any) -> str | None:
    """The page's publication date as ``YYYY-MM-DD``, or ``None`` (see the module docstring).

    >>> from lxml import html
    >>> page_date(html.fromstring(
    ...     '<html><head><meta property="article:modified_time" content="2024-05-02">'
    ...     '<meta property="article:published_time" content="2024-03-11T09:30:00Z"></head>'
    ...     '<body><p>Text.</p></body></html>'
    ... ))
    '2024-03-11'
    >>> page_date(html.fromstring("<html><body><p>Published 11 March 2024.</p></body></html>")) is None
    True
    """
    found = list(tree.iter("meta", "time", "script"))  # one walk of the tree, in C
    for meta in found:
        if meta.tag == "meta":
            key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
            if key.lower() in META_KEYS and (date := as_date(meta.get("content") or "")):
                return date
    for time in found:
        if time.tag == "time" and _marked_published(time) and (date := as_date(time.get("datetime") or "")):
            return date
    for script in found:
        if script.tag == "script" and "ld+json" in (script.get("type") or "") and script.text:
            match = _JSON_DATE.search(script.text, 0, JSON_LD_BYTES)
            if match and (date := as_date(match.group(1))):
                return date
    return None


def _marked_published(time: Any) -> bool:
    """Whether a ``<time>`` element says it is the publication date."""
    marks = (time.get("itemprop") == "datePublished", time.get("pubdate") is not None)
    return any(marks) or "published" in (time.get("class") or "")


def as_date(value: str) -> str | None:
    """``YYYY-MM-DD`` when ``value`` starts with a valid year-first date, else ``None``.

    >>> as_date("2024-03-11T09:30:00+01:00"), as_date("20240311"), as_date("2024/02/30")
    ('2024-03-11', '2024-03-11', None)
    """
    found = _DATE.match(value)
    if not found:
        return None
    year, month, day = int(found.group(1)), int(found.group(3)), int(found.group(4))
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(year, month):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31
