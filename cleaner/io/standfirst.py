"""The standfirst trafilatura leaves out of a page's text.

A news page's standfirst (the sentence or two under the headline that sum the article up)
often sits in the page's header, apart from the article's body, where trafilatura does not
look for main text; and the page's description (``<meta name="description">`` or its Open
Graph and Twitter twins) is usually that same text, word for word. So when the description

- is at least :data:`MIN_CHARS` characters (whitespace aside) and is not the page's title,
- is not in the extracted text,
- is shown on the page (in ``<body>``, outside scripts and styles), and shown before the
  article's first paragraph of :data:`BODY_CHARS` characters, at most :data:`MAX_GAP`
  characters before the extracted line that follows it,

it is put back as a line of its own, before that line. A description that is only a search
engine's summary (not shown), a teaser card's text further down the page, or the headline
again is left out. Whitespace is left out of every comparison, as trafilatura changes it.
"""

from __future__ import annotations

from typing import Any

from cleaner.io.htmllines import squeeze

#: The ``<meta>`` keys (``name`` or ``property``, lower case) that hold a page's description.
DESCRIPTION_KEYS = ("description", "og:description", "twitter:description")
#: The ``<meta>`` keys that hold a page's title, besides ``<title>``.
TITLE_KEYS = ("og:title", "twitter:title")
#: The shortest description put back (characters, whitespace aside): shorter ones are labels.
MIN_CHARS = 40
#: A line this long (characters, whitespace aside) is a paragraph of the article's body.
BODY_CHARS = 100
#: The most characters (whitespace aside) between the standfirst and the line it is put before.
MAX_GAP = 3000


def missing_standfirst(tree: Any, text: str) -> str | None:
    """The description a parsed page declares, whitespace collapsed, unless it is too short,
    is the page's title or is in ``text`` already (the page's extracted text).

    >>> from lxml import html
    >>> page = html.fromstring(
    ...     '<html><head><title>Flood warning</title><meta name="description" content="The river '
    ...     'rose two metres overnight and the old bridge is closed."></head><body></body></html>'
    ... )
    >>> missing_standfirst(page, "Engineers will inspect the bridge's piers once the water falls.\\n")
    'The river rose two metres overnight and the old bridge is closed.'
    """
    metas = {}
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key not in metas and (content := " ".join((meta.get("content") or "").split())):
            metas[key] = content
    description = next((metas[key] for key in DESCRIPTION_KEYS if key in metas), None)
    if description is None or len(key := squeeze(description)) < MIN_CHARS or key in squeeze(text):
        return None
    titles = [tree.findtext(".//title") or "", *(metas.get(name, "") for name in TITLE_KEYS)]
    squeezed = [squeeze(title) for title in titles if title.strip()]
    if any(key in title or title in key for title in squeezed):
        return None
    return description


def with_standfirst(text: str, standfirst: str, shown: str) -> str:
    """``text`` (lines ending with a line break) with ``standfirst`` (what
    :func:`missing_standfirst` found) put back as a line when the page shows it before the
    article's body (see the module docstring); ``shown`` is the page's text, squeezed
    (:func:`~cleaner.io.htmllines.squeeze`).

    >>> body = "The river rose two metres overnight, and engineers closed the old bridge to all traffic."
    >>> text = f"Flood warning\\n{body}\\n"
    >>> shown = squeeze(f"Home News Flood warning The old bridge is closed after the river rose. {body}")
    >>> print(with_standfirst(text, "The old bridge is closed after the river rose.", shown), end="")
    Flood warning
    The old bridge is closed after the river rose.
    The river rose two metres overnight, and engineers closed the old bridge to all traffic.
    """
    key = squeeze(standfirst)
    where = shown.find(key)
    if where < 0:
        return text
    lines = text.split("\n")
    cursor = 0
    for number, line in enumerate(lines):
        line_key = squeeze(line)
        if not line_key or (found := shown.find(line_key, cursor)) < 0:
            continue
        cursor = found + len(line_key)
        if found > where:
            if found < where + len(key) or found - (where + len(key)) > MAX_GAP:
                return text  # the line is part of the description, or far from it
            return "\n".join([*lines[:number], standfirst, *lines[number:]])
        if len(line_key) >= BODY_CHARS:
            return text  # the body had begun: the description is shown inside or after it
    return text
