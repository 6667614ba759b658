"""A page's standfirst, shown in its header where trafilatura does not look, is put back."""

from __future__ import annotations

import json

import pytest

import cleaner
from cleaner.io.html import EXTRACT_SETTINGS, extract_page
from cleaner.io.htmllines import squeeze
from cleaner.io.standfirst import MAX_GAP, with_standfirst
from cleaner.report.records import read_records, record_span

STANDFIRST = (
    "Three months after the January storms breached it, the harbour wall is being rebuilt stone by stone."
)
TITLE = "Harbour wall repairs begin"
PARAGRAPHS = (
    "Work on the harbour wall began on Monday, three months after the January storms breached it "
    "in two places and flooded the fish market on the quay.",
    "The council published the costs of each part of the work, which it expects to finish in May, "
    "and said the quay would reopen in stages.",
    "Fishermen said the closure of the north slipway had cost them most of the spring season, and "
    "asked the council for help.",
    "Share this article",
)


def news_page(
    *,
    title: str = TITLE,
    description: str = STANDFIRST,
    header: str = f"<div class='teaser-text'>{STANDFIRST}</div>",
    nav: str = "<a href='/'>Home</a> <a href='/local'>Local</a>",
    body_start: str = "",
    middle: str = "",
) -> str:
    """A news page whose header (kicker, headline, ``header``, byline) sits apart from its
    body; ``middle`` goes after the body's first paragraph."""
    first, *rest = (f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Coast Courier</title>
<meta name="description" content="{description}"></head>
<body><nav>{nav}</nav>
<div class="article-header"><span class="kicker">Local</span><h1>{title}</h1>{header}
<div class="byline">By Ann Lee</div></div>
<div class="article-body">{body_start}{first}{middle}{"".join(rest)}</div>
<footer><a href="/about">About us</a></footer></body></html>
"""


def plain_trafilatura(page: str) -> str:
    import trafilatura

    return trafilatura.extract(page.encode("utf-8"), **EXTRACT_SETTINGS) + "\n"


def test_the_standfirst_in_the_header_is_put_back_before_the_first_paragraph():
    page = news_page()
    assert STANDFIRST not in plain_trafilatura(page)  # what this module is for

    extracted = extract_page(page)

    assert extracted.text == "\n".join([STANDFIRST, *PARAGRAPHS]) + "\n"
    assert len(extracted.lines) == 1 + len(PARAGRAPHS)
    assert extracted.lines[0].link_share == 0.0 and not extracted.lines[0].heading
    assert extracted.lines[1].found  # the lines after it are still aligned with the tree


LONG_TITLE = "Harbour wall repairs begin three months after the January storms"
SUBHEADING = "What the council will close while the wall is rebuilt this spring"
SECTION_LINKS = "<a href='/s'>Section</a> "
CARD = f"<aside><p>Read next: <a href='/a'>{STANDFIRST}</a></p></aside>"


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(news_page(header=""), id="description-not-shown-on-the-page"),
        pytest.param(news_page(header="", middle=CARD), id="shown-inside-the-article"),
        pytest.param(
            news_page(
                nav=f"<p>{STANDFIRST}</p>" + "<a href='/s'>Section</a> " * (2 * MAX_GAP // len("Section"))
            ),
            id="shown-far-above-the-article",
        ),
        pytest.param(
            news_page(title=LONG_TITLE, description=LONG_TITLE, header=""), id="the-description-is-the-title"
        ),
        pytest.param(
            news_page(description="Harbour works, in pictures", header="<p>Harbour works, in pictures</p>"),
            id="too-short-to-be-a-standfirst",
        ),
        pytest.param(
            news_page(description=SUBHEADING, header="", body_start=f"<h2>{SUBHEADING}</h2>"),
            id="already-in-the-text",
        ),
    ],
)
def test_a_description_that_is_not_a_missing_standfirst_leaves_trafilaturas_text(page):
    assert extract_page(page).text == plain_trafilatura(page)


@pytest.mark.parametrize(
    "shown",
    [
        pytest.param(f"Home Local {TITLE} By Ann Lee " * 5 + " ".join(PARAGRAPHS), id="not-shown"),
        pytest.param(f"{TITLE} Storms breached the wall. {' '.join(PARAGRAPHS)}", id="a-line-is-part-of-it"),
    ],
)
def test_a_standfirst_the_page_does_not_show_before_the_body_is_not_put_back(shown):
    text = "\n".join(PARAGRAPHS) + "\n"
    standfirst = f"Storms breached the wall. {PARAGRAPHS[0]}"
    assert with_standfirst(text, standfirst, squeeze(shown)) == text


def test_the_report_and_restore_refer_to_the_text_with_its_standfirst(run_cleaner, tmp_path):
    source = tmp_path / "page.html"
    source.write_text(news_page(), encoding="utf-8")
    report = tmp_path / "removed.jsonl"

    done = run_cleaner("clean", source, "--report", report)

    assert done.returncode == 0, done.stderr
    clean = done.stdout.decode("utf-8")
    assert clean.startswith(STANDFIRST + "\n")
    records = [json.loads(line) for line in report.open(encoding="utf-8")]
    assert [record["text"] for record in records] == ["\n", "Share this article"]
    spans = [record_span(record) for record in read_records(report.read_text(encoding="utf-8").splitlines())]
    assert cleaner.restore(clean, spans) == extract_page(news_page()).text
