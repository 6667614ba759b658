"""HTML pages to text: the page's main text via trafilatura, one paragraph per line, with what
each line was on the page and the page's date.

The text is what ``trafilatura.extract(page, fast=False, include_comments=False,
include_tables=True, include_formatting=False)`` returns (plus a final line break), so that
cleaning starts from all the article text trafilatura finds, and the page's standfirst when
trafilatura left it out (:mod:`cleaner.io.standfirst`). trafilatura drops navigation,
footers, reader comments and images (with their captions), but keeps boilerplate that sits in
ordinary paragraphs (donation appeals, teasers), so the result still goes through the rule
chain.

The same extraction is run through trafilatura's own steps (parse, extract, render) so that
two things come with the text at little cost: the structure of each line
(:mod:`cleaner.io.htmllines`) from the tree the text is rendered from, and the date the page
declares (:mod:`cleaner.io.pagedate`) from the parsed page, instead of trafilatura's full
metadata extraction, which costs more than the text itself. trafilatura is imported here, and
this module only when an input is HTML, so plain-text runs never pay for it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any, TypedDict

from cleaner.io.htmllines import LineInfo, line_infos, page_text
from cleaner.io.pagedate import page_date
from cleaner.io.standfirst import missing_standfirst, with_standfirst


#: The extraction settings of plain trafilatura that cleaning starts from (``trafilatura.extract``).
class ExtractSettings(TypedDict):
    """Keyword arguments of ``trafilatura.extract``."""

    fast: bool
    include_comments: bool
    include_tables: bool
    include_formatting: bool


EXTRACT_SETTINGS: ExtractSettings = {
    "fast": False,
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
}


@dataclass(frozen=True, slots=True)
class Page:
    """The main text of an HTML page, its date (``YYYY-MM-DD``) if the page declares one, and
    one :class:`~cleaner.io.htmllines.LineInfo` per line of the text."""

    text: str
    date: str | None = None
    lines: tuple[LineInfo, ...] = ()


def extract_page(markup: str | bytes, *, line_facts: bool = True) -> Page:
    """Extract a page's main text, one paragraph per line and ending with a line break.

    The text is empty when trafilatura finds no main text. ``line_facts``: also work out what
    each line was on the page (``lines``; left empty otherwise, which saves about a tenth of
    the extraction's time when no rule reads them).

    >>> page = extract_page(
    ...     '<html><head><meta property="article:published_time" content="2024-03-11"></head>'
    ...     "<body><nav><a href='/'>Home</a></nav><article><h2>Flood warning</h2>"
    ...     "<p>The river rose two metres overnight and the old bridge was closed to traffic.</p>"
    ...     "<p>Engineers will inspect its piers once the water falls, the council said.</p>"
    ...     "</article><footer>All rights reserved</footer></body></html>"
    ... )
    >>> print(page.text, end="")
    Flood warning
    The river rose two metres overnight and the old bridge was closed to traffic.
    Engineers will inspect its piers once the water falls, the council said.
    >>> page.date, [line.heading for line in page.lines]
    ('2024-03-11', [True, False, False])
    """
    from trafilatura.core import bare_extraction, determine_returnstring
    from trafilatura.settings import Document
    from trafilatura.utils import load_html

    silence_library_logs()
    tree = load_html(markup)
    if tree is None:
        return Page("")
    options = _options()
    document = bare_extraction(tree, options=options)  # works on a copy of the tree
    if not isinstance(document, Document):  # None: no main text (a dict only with as_dict=True)
        return Page("")
    text = determine_returnstring(document, options).strip("\n")
    if not text:
        return Page("")
    text += "\n"
    shown = None
    if (standfirst := missing_standfirst(tree, text)) is not None:
        shown = page_text(tree)
        text = with_standfirst(text, standfirst, shown.text)
    date = page_date(tree)
    if not line_facts:
        return Page(text, date)
    return Page(text, date, line_infos(text, document.body, page_text(tree) if shown is None else shown))


@functools.cache
def _options() -> Any:
    """trafilatura's settings for :data:`EXTRACT_SETTINGS`, as ``extract`` builds them."""
    from trafilatura.settings import Extractor

    return Extractor(
        output_format="txt",
        fast=EXTRACT_SETTINGS["fast"],
        comments=EXTRACT_SETTINGS["include_comments"],
        tables=EXTRACT_SETTINGS["include_tables"],
        formatting=EXTRACT_SETTINGS["include_formatting"],
    )


def silence_library_logs() -> None:
    """Keep trafilatura's and htmldate's log lines off stderr unless the application configures logging.

    They log extraction misses ("empty HTML tree") at ERROR level, and without a handler Python
    prints them; a null handler keeps them quiet.
    """
    for name in ("trafilatura", "htmldate", "courlan"):
        logger = logging.getLogger(name)
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())
