"""Generated news sites: articles of varied prose inside each site's own furniture.

Every site has templated lines of its own at the head of its pages (mastheads, "Updated …"
stamps with varying dates, reading times), between paragraphs (advertisement markers,
newsletter prompts) and at the tail (copyright lines with the year, comment counts, share
prompts), each present on a share of its pages. Article text is built from sentence forms
and word lists with a seeded generator, so it varies from page to page, and some quotations
are repeated word for word in two or three articles of a site, as syndicated quotes are.
One site writes German, one ends its lines with CRLF, one separates paragraphs by a single
line break. Every line is labelled, so tests and benchmarks can count what cleaning removed.

>>> pages = list(pages_of(SITES[0], 3, seed=1))
>>> [page.url.split("/")[2] for page in pages] == ["www.harbourgazette.example"] * 3
True
>>> any(template for _, template in pages[0].lines), all(line.strip() for line, _ in pages[0].lines)
(True, True)
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import article_text

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember")  # fmt: skip

Line = Callable[[random.Random, "Stamp"], str]


@dataclass(frozen=True)
class Stamp:
    """The date and figures a page's furniture shows."""

    year: int
    month: int
    day: int
    hour: int
    minute: int
    weekday: int


@dataclass(frozen=True)
class Furniture:
    """One templated line of a site and the share of its pages that carry it."""

    share: float
    make: Line


@dataclass(frozen=True)
class Site:
    name: str
    slug: str
    host: str
    language: str  # "en" or "de": which prose the articles are written in
    head: tuple[Furniture, ...]
    middle: tuple[Furniture, ...]
    tail: tuple[Furniture, ...]
    paragraph_break: str = "\n\n"
    newline: str = "\n"


@dataclass(frozen=True)
class Page:
    url: str
    lines: tuple[tuple[str, bool], ...]  # (line, is it the site's furniture)
    site: Site

    @property
    def text(self) -> str:
        site = self.site
        body = site.paragraph_break.join(line for line, _ in self.lines) + "\n"
        return body.replace("\n", site.newline)


def _fixed(text: str) -> Line:
    return lambda rng, stamp: text


SITES: tuple[Site, ...] = (
    Site(
        "Harbour Gazette",
        "harbour-gazette",
        "www.harbourgazette.example",
        "en",
        head=(
            Furniture(1.0, _fixed("THE HARBOUR GAZETTE")),
            Furniture(0.7, lambda rng, s: f"Listen to this article · {rng.randrange(2, 15)} min"),
            Furniture(
                0.9,
                lambda rng, s: (
                    f"Updated {s.day} {MONTHS_EN[s.month - 1]} {s.year}, {s.hour:02d}:{s.minute:02d}"
                ),
            ),
        ),
        middle=(
            Furniture(0.4, _fixed("Story continues below the tide chart")),
            Furniture(0.5, _fixed("Advertisement")),
        ),
        tail=(
            Furniture(0.6, _fixed("Get the Morning Tide newsletter: harbour news before breakfast. Join in")),
            Furniture(1.0, lambda rng, s: f"© {s.year} Harbour Gazette Ltd. All rights reserved."),
            Furniture(0.5, lambda rng, s: f"{rng.randrange(0, 300)} comments"),
        ),
    ),
    Site(
        "Valley Courier",
        "valley-courier",
        "valleycourier.example",
        "en",
        head=(
            Furniture(1.0, _fixed("Valley Courier | News | Sport | Weather | Jobs")),
            Furniture(
                0.8,
                lambda rng, s: (
                    f"Posted {DAYS_EN[s.weekday][:3]} {MONTHS_EN[s.month - 1][:3]} "
                    f"{s.day}, {s.year} at {s.hour % 12 + 1}:{s.minute:02d} {('am', 'pm')[s.hour >= 12]}"
                ),
            ),
        ),
        middle=(Furniture(0.3, _fixed("Click here to download the Valley Courier app")),),
        tail=(
            Furniture(
                0.9,
                _fixed(
                    "Have a news tip for the newsroom? Email the newsdesk or call us on "
                    "555-0142, and we will get back to you within a day."
                ),
            ),
            Furniture(1.0, lambda rng, s: f"Copyright {s.year} Valley Courier Media. All rights reserved."),
            Furniture(0.45, _fixed("Follow the Valley Courier on Facebook and Instagram")),
        ),
        paragraph_break="\n",
        newline="\r\n",
    ),
    Site(
        "Metro Daily Post",
        "metro-daily-post",
        "www.metrodailypost.example",
        "en",
        head=(
            Furniture(
                0.95,
                lambda rng, s: (
                    f"Metro Daily Post — {DAYS_EN[s.weekday]}, {MONTHS_EN[s.month - 1]} {s.day}, {s.year}"
                ),
            ),
            Furniture(0.5, lambda rng, s: f"{rng.randrange(2, 12)} min read"),
        ),
        middle=(
            Furniture(0.6, _fixed("ADVERTISEMENT")),
            Furniture(0.35, _fixed("Sign up for our Politics Weekly newsletter")),
        ),
        tail=(
            Furniture(0.6, lambda rng, s: f"Viewed {rng.randrange(100, 999)} times"),
            Furniture(
                1.0,
                _fixed(
                    "The Metro Daily Post is an independent newspaper, funded by its readers "
                    "and owned by a trust that has no shareholders."
                ),
            ),
        ),
    ),
    Site(
        "Rheinische Abendzeitung",
        "abendzeitung",
        "www.abendzeitung.example",
        "de",
        head=(
            Furniture(1.0, _fixed("Rheinische Abendzeitung")),
            Furniture(
                0.85,
                lambda rng, s: (
                    f"Aktualisiert am {s.day}. {MONTHS_DE[s.month - 1]} {s.year} "
                    f"um {s.hour:02d}:{s.minute:02d} Uhr"
                ),
            ),
            Furniture(0.6, lambda rng, s: f"Lesezeit: {rng.randrange(2, 12)} Minuten"),
        ),
        middle=(Furniture(0.5, _fixed("Anzeige")),),
        tail=(
            Furniture(1.0, lambda rng, s: f"© Rheinische Abendzeitung {s.year}"),
            Furniture(0.5, lambda rng, s: f"Kommentare ({rng.randrange(0, 80)})"),
        ),
    ),
)


def _stamp(rng: random.Random) -> Stamp:
    import datetime

    day = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(6 * 365))
    return Stamp(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), day.weekday())


def _shared_quotes(rng: random.Random, site: Site, count: int) -> list[str]:
    """Quotation paragraphs that two or three articles of the site print word for word."""
    quotes = []
    for _ in range(count):
        if site.language == "de":
            quotes.append(article_text.sentence_de(rng) + " " + article_text.sentence_de(rng))
        else:
            said = f"said {article_text.name(rng)}, {article_text.pick(rng, 'role')}"
            quotes.append(f"“{article_text.pick(rng, 'quote')}. {article_text.sentence_en(rng)}” {said}.")
    return quotes


def pages_of(site: Site, count: int, seed: int = 0) -> Iterator[Page]:
    """``count`` pages of ``site``, the same for the same seed."""
    rng = random.Random(f"{site.slug}:{seed}")
    quotes = _shared_quotes(rng, site, max(1, count // 20))
    uses = {quote: 0 for quote in quotes}
    for number in range(count):
        stamp = _stamp(rng)
        body = [(article_text.headline(rng, site.language), False)]
        body += [(article_text.paragraph(rng, site.language), False) for _ in range(rng.randrange(6, 14))]
        if rng.random() < 0.15:  # a quotation printed in two or three articles
            quote = next((q for q in quotes if uses[q] < rng.choice((2, 3))), None)
            if quote is not None:
                uses[quote] += 1
                body.insert(rng.randrange(2, len(body)), (quote, False))
        for item in site.middle:
            if rng.random() < item.share:
                body.insert(rng.randrange(2, len(body)), (item.make(rng, stamp), True))
        head = [(item.make(rng, stamp), True) for item in site.head if rng.random() < item.share]
        tail = [(item.make(rng, stamp), True) for item in site.tail if rng.random() < item.share]
        slug = "-".join(body[0][0].lower().split()[:5])
        url = f"https://{site.host}/{stamp.year}/{stamp.month:02d}/{slug}-{number}"
        yield Page(url, tuple(head + body + tail), site)


def mixed_pages(per_site: int, seed: int = 0, sites: tuple[Site, ...] = SITES) -> Iterator[Page]:
    """The pages of every site, interleaved as a crawl would find them."""
    streams = [pages_of(site, per_site, seed) for site in sites]
    for _ in range(per_site):
        for stream in streams:
            yield next(stream)


def write_tree(root: Path, per_site: int, seed: int = 0, sites: tuple[Site, ...] = SITES) -> list[Page]:
    """``root/SITE/NNNN.txt`` for each page; returns the pages."""
    pages = []
    for site in sites:
        folder = root / site.slug
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages_of(site, per_site, seed)):
            (folder / f"{number:04d}.txt").write_bytes(page.text.encode("utf-8"))
            pages.append(page)
    return pages


def jsonl_record(page: Page, number: int) -> str:
    """A corpus record for a page: id, url, domain and text."""
    record = {"id": number, "url": page.url, "domain": page.site.host, "text": page.text}
    return json.dumps(record, ensure_ascii=False) + "\n"


def write_jsonl(path: Path, per_site: int, seed: int = 0, sites: tuple[Site, ...] = SITES) -> list[Page]:
    """The pages of every site, interleaved, as one JSONL corpus; returns the pages in order."""
    pages = list(mixed_pages(per_site, seed, sites))
    with path.open("w", encoding="utf-8") as out:
        for number, page in enumerate(pages):
            out.write(jsonl_record(page, number))
    return pages


def tally(pages: list[Page], cleaned: list[str]) -> tuple[int, int, int, int]:
    """``(furniture lines, furniture lines removed, article lines, article lines lost)`` for the
    clean texts of ``pages``, in order. A line counts as kept when the clean text still has it."""
    furniture = removed = article = lost = 0
    for page, clean in zip(pages, cleaned, strict=True):
        left: dict[str, int] = {}
        for line in clean.replace("\r\n", "\n").split("\n"):
            if line.strip():
                left[line] = left.get(line, 0) + 1
        for line, is_furniture in page.lines:
            kept = left.get(line, 0) > 0
            if kept:
                left[line] -= 1
            if is_furniture:
                furniture += 1
                removed += not kept
            else:
                article += 1
                lost += not kept
    return furniture, removed, article, lost
