"""`cleaner explain`: the marked-up text view, the HTML page, and the per-rule tally."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from texts import MOSTLY_CAPTION, guarded_chain
from typer.testing import CliRunner

import cleaner
from cleaner.commands.app import app
from cleaner.core.result import Result, Span
from cleaner.core.rule import Rule
from cleaner.views.explain import render_html, render_plain, render_terminal, tally

MARKER = re.compile(r"\[-(.*?)-\]\{([a-z0-9_-]+/[a-z0-9_-]+)(?: [^{}]*)?\}", re.DOTALL)
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def chain() -> cleaner.Chain:
    return cleaner.load_chain()


def body_of(view: str) -> str:
    """The marked-up text of a plain view, without the tally that follows it."""
    return view[: view.rindex("\n\n== ")]


def test_plain_view_of_the_seed_marks_every_removed_span_with_its_rule(seed_path: Path, chain) -> None:
    text = seed_path.read_text(encoding="utf-8")
    result = chain.clean(text)
    view = render_plain(text, result)
    marked = MARKER.findall(body_of(view))
    assert [rule for _, rule in marked] == [span.rule for span in result.spans]
    shown = [(piece, rule) for piece, rule in marked if rule != "tidy/whitespace"]
    assert shown[0] == (" date 2025-06-26", "dates/date-header")
    assert shown[1][1] == "appeals/donation-appeal"
    assert shown[1][0].startswith("Your support helps us to tell the story")
    captions = [piece for piece, rule in shown if rule == "captions/gallery-caption"]
    assert len(captions) == 3
    assert all(c.startswith("open image in gallery") and c.endswith(")") for c in captions)
    # Kept text is printed as it is: dropping the markers leaves exactly the clean text.
    assert MARKER.sub("", body_of(view)) == result.clean


def test_plain_view_ends_with_a_tally_per_rule(seed_path: Path, chain) -> None:
    text = seed_path.read_text(encoding="utf-8")
    result = chain.clean(text)
    tail = render_plain(text, result).rsplit("\n\n== ", 1)[1].splitlines()
    assert tail[0].startswith("removed 1359 of 5892 characters (23.1%) in 10 spans")
    rows = {line.split()[-1]: line.split() for line in tail[1:]}
    assert rows["captions/gallery-caption"][:4] == ["369", "chars", "3", "spans"]
    assert rows["appeals/donation-appeal"][:4] == ["965", "chars", "1", "span"]
    assert sum(int(row[0]) for row in rows.values()) == len(text) - len(result.clean)


def test_whitespace_spans_are_shown_escaped() -> None:
    text = "Story.\r\n\r\nRead more\r\n\r\nEnd.\n"
    chain = cleaner.Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    view = render_plain(text, chain.clean(text))
    assert "[-Read more-]{demo/more}[-\\r\\n\\r\\n-]{tidy/whitespace}End." in view


def test_tally_counts_spans_and_characters_and_skips_the_guard_flag() -> None:
    spans = [
        Span("guard/max-removed", 0, 0, "", 1, {"would_remove": "0.9", "max_removed": "0.5"}),
        Span("a/x", 0, 3, "abc"),
        Span("a/y", 5, 6, "f"),
        Span("a/x", 7, 9, "hi"),
    ]
    assert [(t.rule, t.spans, t.chars) for t in tally(spans)] == [("a/x", 2, 5), ("a/y", 1, 1)]


def test_a_held_back_document_is_shown_unmarked_with_the_reason() -> None:
    text = MOSTLY_CAPTION
    result = guarded_chain().clean(text, max_removed=0.5)
    view = render_plain(text, result)
    assert "[-" not in view
    assert view.startswith(text)
    reason = "left unchanged: guarded rules would remove 83.5% of it, more than --max-removed 0.5 allows"
    assert reason in view


def test_terminal_view_colours_and_strikes_removed_text(chain) -> None:
    text = "open image in gallery Fans at the gate ( PA )\n\nThe match went on.\n"
    out = io.StringIO()
    render_terminal(text, chain.clean(text, max_removed=None), out, colour=True)
    ansi = out.getvalue()
    assert "\x1b[9;" in ansi  # strike-through
    assert "{captions/gallery-caption credit=PA}" in ansi
    assert re.sub(r"\x1b\[[0-9;]*m", "", ansi).startswith("open image in gallery Fans at the gate ( PA )")


def test_terminal_view_is_plain_when_not_a_terminal(chain) -> None:
    text = "open image in gallery Fans at the gate ( PA )\n\nThe match went on.\n"
    result = chain.clean(text, max_removed=None)
    out = io.StringIO()
    render_terminal(text, result, out)
    assert out.getvalue() == render_plain(text, result)


class PageParser(HTMLParser):
    """Collects the parts of an explain page that a reader relies on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.dels: list[tuple[str, str, str]] = []  # (class, title, text)
        self.legend_rows: list[list[str]] = []
        self.text_parts: list[tuple[str, str]] = []  # ("kept" | "del" | "tag", text) inside .text
        self.styles: list[str] = []
        self.external: list[str] = []
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag in ("link", "script", "img") or "src" in attributes:
            self.external.append(tag)
        if tag == "tr" and self.inside("tbody"):
            self.legend_rows.append([])
        if tag == "del":
            self.dels.append((attributes.get("class", ""), attributes.get("title", ""), ""))
        if tag not in ("meta", "input", "br"):
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.inside("style"):
            self.styles.append(data)
        elif self.inside("title"):
            self.title += data
        elif self.inside("td"):
            self.legend_rows[-1].append(data)
        if self.inside("del"):
            cls, title, text = self.dels[-1]
            self.dels[-1] = (cls, title, text + data)
        if any(t == "div" and a.get("class") == "text" for t, a in self.stack):
            kind = "del" if self.inside("del") else "tag" if self.inside("span") else "kept"
            self.text_parts.append((kind, data))

    def inside(self, tag: str) -> bool:
        return any(t == tag for t, _ in self.stack)


def parse_page(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def test_html_page_of_the_seed_has_every_span_a_legend_and_no_external_assets(seed_path: Path, chain) -> None:
    text = seed_path.read_text(encoding="utf-8")
    result = chain.clean(text)
    page = parse_page(render_html(text, result, "seed.txt"))
    assert page.title == "cleaner explain: seed.txt"
    assert page.external == []
    assert page.styles and "line-through" in "".join(page.styles)
    assert [(title.split()[0], t) for _, title, t in page.dels] == [(s.rule, s.text) for s in result.spans]
    dates = [title for _, title, _ in page.dels if title.startswith("dates/")]
    assert dates == ["dates/date-header date=2025-06-26"]
    assert {cls.split()[0] for cls, title, _ in page.dels if title == "tidy/whitespace"} == {"tidy"}
    legend = {row[0]: (int(row[1]), int(row[2])) for row in page.legend_rows}
    assert legend == {t.rule: (t.spans, t.chars) for t in tally(result.spans)}
    assert legend["captions/gallery-caption"] == (3, 369)
    # Inside the text, kept pieces and removed spans together are the input, in order.
    assert "".join(t for kind, t in page.text_parts if kind != "tag") == text
    assert "".join(t for kind, t in page.text_parts if kind == "kept") == result.clean


def test_html_page_escapes_the_text_and_the_rule_ids() -> None:
    text = 'Kept <b>bold</b> & "quoted".\n<script>alert("x")</script> AD\nEnd.\n'
    chain = cleaner.Chain([Rule(pack="demo", id="script", kind="regex", pattern=r"<script>.*</script> AD")])
    result = chain.clean(text)
    page = render_html(text, result, 'a<b>&".txt')
    assert "<script>" not in page and "<b>" not in page
    parsed = parse_page(page)
    assert parsed.external == []
    assert [t for _, _, t in parsed.dels] == ['<script>alert("x")</script> AD', "\n"]
    assert "".join(t for kind, t in parsed.text_parts if kind == "kept") == result.clean
    assert parsed.title == 'cleaner explain: a<b>&".txt'


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_a_browser_renders_the_seed_page_with_every_span(seed_path: Path, chain, tmp_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    result = chain.clean(text)
    page = tmp_path / "seed.html"
    page.write_text(render_html(text, result, seed_path.name), encoding="utf-8")
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    rendered = parse_page(dom)
    assert [title for _, title, _ in rendered.dels] == [span.rule for span in result.spans]
    assert len(rendered.legend_rows) == len(tally(result.spans))


def test_cli_explain_on_the_seed(seed_path: Path) -> None:
    run = CliRunner().invoke(app, ["explain", str(seed_path)])
    assert run.exit_code == 0, run.output
    rules = [rule for _, rule in MARKER.findall(run.stdout)]
    assert rules.count("captions/gallery-caption") == 3
    assert "dates/date-header" in rules and "appeals/donation-appeal" in rules
    assert "== removed 1359 of 5892 characters" in run.stdout


def test_cli_explain_writes_an_html_page(seed_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed.html"
    run = CliRunner().invoke(app, ["explain", str(seed_path), "--format", "html", "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert run.stdout == ""
    page = parse_page(out.read_text(encoding="utf-8"))
    assert sum(1 for _, title, _ in page.dels if title.startswith("captions/gallery-caption credit=")) == 3


def test_explain_through_a_pipe() -> None:
    text = (REPO / "fixtures" / "seed-shape" / "input.txt").read_bytes()
    run = subprocess.run(
        [sys.executable, "-m", "cleaner", "explain", "-"], input=text, capture_output=True, check=True
    )
    view = run.stdout.decode("utf-8")
    assert MARKER.sub("", body_of(view)) == (REPO / "fixtures" / "seed-shape" / "expected.txt").read_text(
        encoding="utf-8"
    )
    assert "{captions/gallery-caption credit=" in view


def test_explain_names_an_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    run = CliRunner().invoke(app, ["explain", str(missing)])
    assert run.exit_code == 1
    assert run.stderr == f"cleaner: error: {missing}: cannot read: No such file or directory\n"


def test_explain_of_nothing_removed(chain) -> None:
    text = "The council met on Tuesday.\n"
    result = chain.clean(text)
    assert render_plain(text, result) == text + "\n== nothing removed\n"
    assert parse_page(render_html(text, Result(text, []), "a.txt")).dels == []


PAGE = (
    "<!doctype html><html><body><article><h1>Ferry timetable to change after pier repairs</h1>"
    "<p>The island ferry will run an hour later on weekdays from next month while engineers "
    "rebuild the east pier, the port authority said on Monday.</p>"
    "<p>Crews found cracks in two of the pier's supporting columns during a routine inspection "
    "in March, and repairs are expected to take eleven weeks.</p><h2>More from the harbour</h2>"
    "<ul><li><a href='/a'>Fish market to open on Sundays</a> (Monday)</li>"
    "<li><a href='/b'>Lifeboat crew honoured for winter rescue</a> (Friday)</li></ul>"
    "</article></body></html>"
)
LINK_LINES = """pack: site
rules:
  - id: link-lines
    kind: signals
    html: true
    html_role: list-item
    min_link_share: 0.7
    after_last_prose: true
    pattern: '\\S'
"""


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_explain_on_a_page_shows_the_signals_behind_each_removed_line(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "site.yaml").write_text(LINK_LINES, encoding="utf-8")
    args = ["explain", "page.html", "--format", fmt, "--rules", "site.yaml", "--no-config"]
    args.append("--no-default-rules")
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", *args], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    # Each line's link share is its own: link text over the line's characters, spaces aside.
    shown = [f"site/link-lines html=true html_role=list-item link_share={s}" for s in ("0.76", "0.81")]
    if fmt == "text":
        marked = [(piece, rule) for piece, rule in re.findall(r"\[-(.*?)-\]\{([^{}]*)\}", done.stdout)]
        marked = [(piece, rule) for piece, rule in marked if rule.startswith("site/")]
        assert marked == [
            ("- Fish market to open on Sundays (Monday)", shown[0]),
            ("- Lifeboat crew honoured for winter rescue (Friday)", shown[1]),
        ]
    else:
        titles = [title for _, title, _ in parse_page(done.stdout).dels if title.startswith("site/")]
        assert titles == shown
    assert runner_output(args, tmp_path) == done.stdout


def runner_output(args: list[str], folder: Path) -> str:
    """The same command through Typer's runner, in ``folder``."""
    import os

    before = Path.cwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(app, args).stdout
    finally:
        os.chdir(before)
