"""HTML input: main text via trafilatura, then the rule chain; page date and offsets in the report."""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path

import pytest

import cleaner
from cleaner.io.decode import DecodeError, decode_bytes
from cleaner.io.html import EXTRACT_SETTINGS, extract_page
from cleaner.io.standfirst import missing_standfirst
from cleaner.report.records import PAGE_DATE_RULE, read_records, record_span

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures" / "html"
SEED_CAPTION_LINES = (9, 19, 29)


def seed_page(seed_path: Path) -> tuple[str, list[str]]:
    """An article page around the seed, and the seed's 20 article paragraphs it must yield.

    Paragraphs in <p>, gallery captions in <figure><figcaption>, the donation appeal split
    over a <div> of <p>, plus navigation, a most-read list and a footer.
    """
    lines = seed_path.read_bytes().decode("utf-8").split("\n")
    appeal = lines[0].strip().removeprefix("date 2025-06-26").strip()
    middle = appeal.index(" From ")
    body, article = [], []
    for number, line in enumerate(lines, 1):
        if number == 1 or not line.strip():
            continue
        if number in SEED_CAPTION_LINES:
            caption = f"<figcaption>{html.escape(line)}</figcaption>"
            body.append(f'<figure><img src="/p{number}.jpg" alt="">{caption}</figure>')
        else:
            body.append(f"<p>{html.escape(line)}</p>")
            article.append(line)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Patriot missiles for Ukraine</title>
<meta property="article:published_time" content="2025-06-26T11:05:00Z"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/news/world">World</a></li>
<li><a href="/news/us-politics">US politics</a></li></ul></nav>
<main><article>
<div class="appeal"><p>{html.escape(appeal[:middle])}</p><p>{html.escape(appeal[middle + 1 :])}</p></div>
{chr(10).join(body)}
</article>
<aside><h2>Most read</h2><ol><li><a href="/a">Heatwave warning for the weekend</a></li>
<li><a href="/b">Rail strike dates announced</a></li></ol></aside></main>
<footer><p>© 2025 A News Site. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>
"""
    return page, article


@pytest.mark.parametrize("name", ["page.html", "saved-page.txt"])
def test_a_page_around_the_seed_comes_out_as_its_20_article_paragraphs(
    seed_path, run_cleaner, tmp_path, name
):
    page, article = seed_page(seed_path)
    assert len(article) == 20
    source = tmp_path / name  # .html by extension, .txt by its <!DOCTYPE html> start
    source.write_text(page, encoding="utf-8")
    report = tmp_path / "report.jsonl"

    done = run_cleaner("clean", source, "--report", report)

    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8").splitlines() == article
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert records[0]["rule"] == PAGE_DATE_RULE
    assert records[0]["captures"] == {"date": "2025-06-26"}
    assert all(record["offsets"] == "extracted-text" for record in records)
    assert "encoding" not in records[0]  # plain UTF-8
    assert any(record["rule"] == "appeals/donation-appeal" for record in records)


def test_report_offsets_and_restore_refer_to_the_extracted_text(seed_path, tmp_path, run_cleaner):
    page, _ = seed_page(seed_path)
    source = tmp_path / "page.html"
    source.write_text(page, encoding="utf-8")
    report = tmp_path / "report.jsonl"
    clean = tmp_path / "clean.txt"
    assert run_cleaner("clean", source, "-o", clean, "--report", report).returncode == 0

    extracted = decode_bytes(source.read_bytes(), name=source).text
    spans = [record_span(r) for r in read_records(report.read_text(encoding="utf-8").splitlines())]
    assert all(extracted[span.start : span.end] == span.text for span in spans)
    assert cleaner.restore(clean.read_text(encoding="utf-8"), spans) == extracted


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_fixture_page_cleans_to_its_expected_text_and_report(run_cleaner, encoding, tmp_path):
    fixture = FIXTURES / "river-bridge"
    expected_records = [json.loads(line) for line in (fixture / "report.jsonl").open(encoding="utf-8")]
    source = fixture.relative_to(REPO) / "input.html"  # as the report fixture names it
    if encoding != "utf-8":  # the same page as a legacy site serves it, charset declared
        page = (REPO / source).read_text(encoding="utf-8").replace('charset="utf-8"', f'charset="{encoding}"')
        source = tmp_path / "input.html"
        source.write_bytes(page.encode(encoding))
        for record in expected_records:
            record.update(source=str(source), encoding=encoding)
    report = tmp_path / "report.jsonl"

    done = run_cleaner("clean", source, "--report", report)

    assert done.returncode == 0, done.stderr
    assert done.stdout == (fixture / "expected.txt").read_bytes()
    records = [json.loads(line) for line in report.open(encoding="utf-8")]
    assert records == expected_records


def test_no_html_reads_a_page_as_plain_text_and_html_forces_extraction(run_cleaner, tmp_path):
    page = (FIXTURES / "river-bridge" / "input.html").read_bytes()
    as_text = run_cleaner("clean", "--no-html", stdin=page)
    assert as_text.returncode == 0
    assert b"<nav>" in as_text.stdout

    fragment = tmp_path / "fragment.txt"  # no doctype, no .html: plain text unless forced
    fragment.write_bytes(page[page.index(b"<article>") : page.index(b"</article>") + 10])
    assert b"<p>" in run_cleaner("clean", fragment).stdout
    forced = run_cleaner("clean", "--html", fragment)
    assert forced.returncode == 0
    assert forced.stdout.startswith(b"The Old Mill Bridge was closed to all traffic early on Monday")
    assert b"<p>" not in forced.stdout


def test_a_page_without_main_text_is_refused_with_a_message(run_cleaner, tmp_path):
    source = tmp_path / "empty.html"
    source.write_text("<!DOCTYPE html><html><head><title>Gallery</title></head><body></body></html>")
    done = run_cleaner("clean", source)
    assert done.returncode == 1
    assert done.stderr.decode() == (
        f"cleaner: error: {source}: no main text found in the HTML page (--no-html reads it as plain text)\n"
    )
    assert done.stdout == b""


def test_extract_page_gives_one_paragraph_per_line_and_no_date_when_the_page_has_none():
    page = extract_page(
        "<html><body><article>"
        "<p>The ferry company said the new timetable would start in May after a winter of cancellations.</p>"
        "<p>Passengers on the early crossing said they would believe it when they saw it.</p>"
        "</article></body></html>"
    )
    assert page.text.splitlines() == [
        "The ferry company said the new timetable would start in May after a winter of cancellations.",
        "Passengers on the early crossing said they would believe it when they saw it.",
    ]
    assert page.text.endswith("\n")
    assert page.date is None


def test_decoded_html_carries_its_encoding_and_date():
    decoded = decode_bytes((FIXTURES / "river-bridge" / "input.html").read_bytes(), html=True)
    assert (decoded.html, decoded.date, decoded.encoding) == (True, "2024-11-18", "utf-8")
    with pytest.raises(DecodeError, match="no main text"):
        decode_bytes(b"<html><head><title>Photo gallery</title></head><body></body></html>", html=True)


def test_html_input_imports_trafilatura_only_then(run_cleaner):
    done = run_cleaner(
        "clean",
        FIXTURES / "river-bridge" / "input.html",
        python_flags=("-X", "importtime"),
    )
    assert done.returncode == 0
    assert re.search(rb"\| +trafilatura\n", done.stderr)


# A page written for these tests: a heading, paragraphs, a list, a table, a quotation, link text.
STRUCTURED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Harbour wall repairs</title>
<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-02-05T08:00:00Z"}</script>
</head><body><nav><a href="/">Home</a> <a href="/local">Local</a></nav>
<article><h1>Harbour wall repairs begin after the winter storms</h1>
<p>Work on the harbour wall began on Monday, three months after the January storms breached it
in two places and flooded the fish market on the quay.</p>
<h2>What will be closed</h2>
<ul><li>The north slipway, until the end of March.</li><li>The car park behind the fish market.</li></ul>
<p>The council published the costs of each part of the work, which it expects to finish in May:</p>
<table><tr><td>Breach repairs</td><td>1.2 million</td></tr>
<tr><td>New railings</td><td>0.3 million</td></tr></table>
<blockquote><p>We are rebuilding it stronger than it was before the storms, stone by stone.</p></blockquote>
<p>Read more about the storms in <a href="/storms">our coverage of the January floods</a>.</p>
<p>More: <a href="/a">Ferry fares rise in June after a winter of cancellations on the early crossing</a></p>
</article><footer><a href="/about">About us</a></footer></body></html>
"""


def test_each_line_of_the_text_says_what_it_was_on_the_page():
    page = extract_page(STRUCTURED_PAGE)
    lines = page.text.splitlines()
    assert len(page.lines) == len(lines)
    info = {line.strip(): line_info for line, line_info in zip(lines, page.lines, strict=True)}
    assert info["Harbour wall repairs begin after the winter storms"].heading
    assert info["What will be closed"].heading
    assert info["- The north slipway, until the end of March."].item
    assert info["| Breach repairs | 1.2 million |"].cell  # a table row is one line
    quote = next(line for line in lines if line.startswith("We are rebuilding"))
    assert info[quote].quote and not info[quote].heading
    body = next(line for line in lines if line.startswith("Work on the harbour wall"))
    assert (info[body].heading, info[body].item, info[body].cell, info[body].link_share) == (
        False,
        False,
        False,
        0.0,
    )
    teaser = next(line for line in lines if line.startswith("Read more about"))
    assert info[teaser].link_share == len("ourcoverageoftheJanuaryfloods") / len(
        "ReadmoreaboutthestormsinourcoverageoftheJanuaryfloods."
    )
    more = next(line for line in lines if line.startswith("More: "))
    assert info[more].link_share > 0.9
    assert all(line.found for line in page.lines)


def test_line_facts_are_worked_out_only_for_chains_that_read_them():
    """The built-in packs test no HTML role or link share: a page is read without them (a tenth
    of the extraction's time), and is still a page to the rules that ask whether it is one."""
    from cleaner.batch.settings import Settings
    from cleaner.batch.tasks import clean_document
    from cleaner.core.engine import Chain
    from cleaner.core.rule import Rule

    builtin = cleaner.load_chain()
    assert not builtin.reads_page_facts
    decoded, _ = clean_document(STRUCTURED_PAGE.encode(), Settings(builtin, html=True))
    assert decoded.html and decoded.lines == ()

    plain_only = Rule("t", "plain", "signals", scope="tail", scope_lines=2, html=False, sentence_end=False)
    links = Rule("t", "links", "signals", scope="tail", scope_lines=2, min_link_share=0.9)
    assert not Chain([plain_only]).reads_page_facts and Chain([links]).reads_page_facts
    ending = "More: Ferry fares rise in June"
    _, kept = clean_document(STRUCTURED_PAGE.encode(), Settings(Chain([plain_only]), html=True))
    assert ending in kept.clean  # a page, so a plain-text-only rule leaves it alone
    decoded, cut = clean_document(STRUCTURED_PAGE.encode(), Settings(Chain([links]), html=True))
    assert len(decoded.lines) == len(decoded.text.splitlines())
    assert ending not in cut.clean and ending in decoded.text


def test_the_page_date_is_read_from_what_the_page_declares():
    assert extract_page(STRUCTURED_PAGE).date == "2024-02-05"  # JSON-LD
    meta = STRUCTURED_PAGE.replace(
        "<title>",
        '<meta name="article:modified_time" content="2024-03-01">'
        '<meta name="date" content="2024/02/04"><title>',
    )
    assert extract_page(meta).date == "2024-02-04"  # a <meta> first; a modification date never
    undated = STRUCTURED_PAGE.replace('"datePublished": "2024-02-05T08:00:00Z"', '"name": "x"')
    assert extract_page(undated).date is None
    timed = undated.replace("<article>", '<article><time datetime="2023-12-24" pubdate>24 December</time>')
    assert extract_page(timed).date == "2023-12-24"


@pytest.mark.parametrize("page", ["structured", "river-bridge", "seed"])
def test_the_text_of_a_page_without_a_description_is_exactly_plain_trafilaturas(page, seed_path):
    import trafilatura

    markup = {
        "structured": STRUCTURED_PAGE,
        "river-bridge": (FIXTURES / "river-bridge" / "input.html").read_text(encoding="utf-8"),
        "seed": seed_page(seed_path)[0],
    }[page]
    expected = trafilatura.extract(markup.encode("utf-8"), **EXTRACT_SETTINGS)
    assert extract_page(markup).text == expected + "\n"


def test_on_the_web_set_the_text_is_plain_trafilaturas_but_where_decoding_differs(shared_dir):
    """Every fifth page of the evaluation set: the same text as trafilatura on the page's bytes,
    but for the standfirst put back (see cleaner.io.standfirst), except pages that are not
    UTF-8, where trafilatura reads ISO-8859-1 for windows-1252 or guesses another encoding than
    the page declares (see docs/eval.md)."""
    import trafilatura
    from trafilatura.utils import load_html

    records = [json.loads(line) for line in (shared_dir / "eval" / "web" / "snippets.jsonl").open()]
    differ, standfirsts = [], 0
    for record in records[::5]:
        data = gzip.decompress(
            (shared_dir / "eval" / "web" / "pages" / f"{record['id']}.html.gz").read_bytes()
        )
        plain = trafilatura.extract(data, **EXTRACT_SETTINGS) or ""
        lines = decode_bytes(data, html=True).text.splitlines()
        if (standfirst := missing_standfirst(load_html(data), plain)) in lines:
            lines.remove(standfirst)
            standfirsts += 1
        if " ".join(" ".join(lines).split()) != " ".join(plain.split()):
            differ.append(record["id"])
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
    assert len(differ) <= 1, differ  # of the 2 pages in the whole set
    assert standfirsts >= 5  # 37 pages of the 328


def test_a_page_with_a_few_undecodable_bytes_and_nul_bytes_is_cleaned_with_a_warning(run_cleaner, tmp_path):
    page = (FIXTURES / "river-bridge" / "input.html").read_bytes()
    broken = page.replace(b"<p>", b"<p>\x00", 2).replace(b"</article>", b"<!-- \xff\xfe --></article>", 1)
    source = tmp_path / "page.html"
    source.write_bytes(broken)
    done = run_cleaner("clean", source)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (FIXTURES / "river-bridge" / "expected.txt").read_bytes()
    assert done.stderr.decode() == f"cleaner: warning: {source}: 2 undecodable bytes replaced by U+FFFD\n"
