"""The fixed split of an evaluation set into a *tune* half and a *check* half, by site.

Rules are written by looking at failures of the tune half only; the check half says whether
they describe a kind of boilerplate or only the examples they were fitted to. The split is
by site, so that no site's furniture is seen on both sides, and by a hash, so that it is the
same on every machine and never needs a list:

- a document's **site key** is the host of its URL (lower case, without ``www.``); a page
  archived by the Wayback Machine (``web.archive.org/web/<time>/<URL>``) counts as the
  archived URL's host; a ``hard::NAME.html`` page of trafilatura's set as the part of NAME
  before its first ``-``; a document known only by an id (the extracted-text set, one page
  per site) as that id;
- its **half** is *tune* when the first byte of the key's SHA-256 is even, else *check*.
"""

from __future__ import annotations

import hashlib
from typing import Literal
from urllib.parse import urlsplit

Half = Literal["tune", "check"]
HALVES: tuple[Half, ...] = ("tune", "check")
_ARCHIVE = "web.archive.org"


def site_key(url_or_id: str) -> str:
    """The site a document belongs to, from its URL (or its id, when it has no URL).

    >>> site_key("https://www.Example.com/news/a.html")
    'example.com'
    >>> site_key("http://web.archive.org/web/20160101000000/http://blog.example.org/post")
    'blog.example.org'
    >>> site_key("hard::news.example.net-storm.html"), site_key("042bb7b5fedab6ea")
    ('news.example.net', '042bb7b5fedab6ea')
    """
    if url_or_id.startswith("hard::"):
        return url_or_id[len("hard::") :].split("-", 1)[0].removesuffix(".html").lower()
    if "://" not in url_or_id:
        return url_or_id
    host = (urlsplit(url_or_id).hostname or "").lower()
    if host == _ARCHIVE:
        path = urlsplit(url_or_id).path
        parts = path.split("/", 3)  # "", "web", "<time>", "<archived URL>"
        if len(parts) == 4 and "://" in parts[3]:
            return site_key(parts[3])
    return host.removeprefix("www.")


def half_of(site: str) -> Half:
    """The half a site's documents belong to.

    >>> half_of("example.com"), half_of("news.example.com")
    ('check', 'tune')
    """
    return "tune" if hashlib.sha256(site.encode("utf-8")).digest()[0] % 2 == 0 else "check"
