"""HTML pages to text: the page's main text via trafilatura, one paragraph per line, and its date.

trafilatura drops navigation, footers, reader comments and images (with their captions), but
keeps boilerplate that sits in ordinary paragraphs (donation appeals, teasers), so the result
still goes through the rule chain. trafilatura is imported here, and this module only when an
input is HTML, so plain-text runs never pay for it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Page:
    """The main text of an HTML page and its date (``YYYY-MM-DD``), if the page gives one."""

    text: str
    date: str | None = None


def extract_page(markup: str) -> Page:
    """Extract a page's main text, one paragraph per line and ending with a line break.

    The text is empty when trafilatura finds no main text.

    >>> page = extract_page(
    ...     '<html><head><meta property="article:published_time" content="2024-03-11"></head>'
    ...     "<body><nav><a href='/'>Home</a></nav><article>"
    ...     "<p>The river rose two metres overnight and the old bridge was closed to traffic.</p>"
    ...     "<p>Engineers will inspect its piers once the water falls, the council said.</p>"
    ...     "</article><footer>All rights reserved</footer></body></html>"
    ... )
    >>> print(page.text, end="")
    The river rose two metres overnight and the old bridge was closed to traffic.
    Engineers will inspect its piers once the water falls, the council said.
    >>> page.date
    '2024-03-11'
    """
    import trafilatura

    _silence_library_logs()
    found = trafilatura.extract(
        markup,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_tables=True,
        include_links=False,
    )
    if found is None:
        return Page("")
    document = json.loads(found)
    text = (document.get("text") or "").strip("\n")
    return Page(f"{text}\n" if text else "", document.get("date") or None)


def _silence_library_logs() -> None:
    # trafilatura and htmldate log extraction misses ("empty HTML tree") at ERROR level; without
    # a handler Python prints them on stderr. A null handler keeps them quiet unless the
    # application configures logging itself.
    for name in ("trafilatura", "htmldate", "courlan"):
        logger = logging.getLogger(name)
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())
