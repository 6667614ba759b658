"""``cleaner eval`` on web pages with keep and drop snippets, next to plain trafilatura; the halves."""

# A dash and curly quotes are what make the cp1252 page cp1252.
# ruff: noqa: RUF001

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner
from cleaner.commands.app import app
from cleaner.evaluation.common import EvalError
from cleaner.evaluation.split import half_of
from cleaner.evaluation.web import evaluate_web, score
from cleaner.evaluation.web_report import to_json, to_markdown
from cleaner.rulefiles.schema import parse_pack

REPO = Path(__file__).resolve().parents[1]
RULES = """\
pack: demo
description: Rules for the web evaluation tests
rules:
  - id: sponsored
    kind: line
    pattern: '^Sponsored:'
  - id: read-more
    kind: line
    pattern: '^Read more:'
"""
PARAGRAPHS = [
    "The ferry company confirmed on Tuesday that the winter timetable will end a week early this year.",
    "Crews have been recruited for the extra sailings, and the harbour office will open at six.",
    "Passengers who booked the late crossing in March will be moved to the new early boat at no cost.",
]


def page(host: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{host}</title></head>'
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>{body}</article>"
        "<footer><p>All rights reserved.</p></footer></body></html>"
    )


def write_set(folder: Path) -> Path:
    """Four pages: one the rules clean, one whose keep snippet the rules cut, one in cp1252
    declared as ISO-8859-1, one with no main text."""
    (folder / "pages").mkdir(parents=True)
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    pages = [
        (
            "p1",
            "https://news.example.com/a",
            page("news", paras + "<p>Read more: Fares rise in June</p>"),
            PARAGRAPHS[:2],
            ["Read more: Fares rise in June", "All rights reserved."],
        ),
        (
            "p2",
            "https://example.com/b",
            page("ex", paras + "<p>Sponsored: the harbour cafe reopens</p>"),
            ["Sponsored: the harbour cafe reopens"],
            ["Home News"],
        ),
        (
            "p3",
            "https://example.com/c",
            page("ex", paras.replace("cost", "cost – “free”"), "iso-8859-1"),
            ["at no cost – “free”."],
            [],
        ),
        (
            "p4",
            "https://news.example.com/d",
            "<!DOCTYPE html><html><body></body></html>",
            ["Nothing here"],
            [],
        ),
    ]
    with (folder / "snippets.jsonl").open("w", encoding="utf-8") as out:
        for pid, url, html, keep, drop in pages:
            encoding = "cp1252" if "iso-8859-1" in html else "utf-8"
            (folder / "pages" / f"{pid}.html.gz").write_bytes(gzip.compress(html.encode(encoding)))
            out.write(json.dumps({"id": pid, "url": url, "keep": keep, "drop": drop}) + "\n")
    return folder


@pytest.fixture
def web_set(tmp_path: Path) -> Path:
    return write_set(tmp_path / "web")


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(RULES)
    return path


def test_the_halves_of_the_set_are_the_sites_halves() -> None:
    assert (half_of("news.example.com"), half_of("example.com")) == ("tune", "check")


def test_each_page_is_scored_for_cleaner_and_plain_trafilatura(web_set: Path) -> None:
    chain = cleaner.Chain(parse_pack(RULES, "demo.yaml").rules)
    result = evaluate_web(web_set, chain)
    by_id = {p.id: p for p in result.pages}
    p1, p2, p3, p4 = (by_id[k] for k in ("p1", "p2", "p3", "p4"))
    assert (p1.baseline.fp, p1.cleaner.fp, p1.cleaner.tn) == (1, 0, 2)  # the teaser removed
    assert p1.dropped == ["Read more: Fares rise in June"]
    assert p2.lost == ["Sponsored: the harbour cafe reopens"]  # a keep snippet the rules cut
    assert (p2.baseline.tp, p2.cleaner.fn) == (1, 1)
    assert p3.cleaner.tp == 1  # windows-1252 read as the page declares it
    assert p4.problem and p4.cleaner.fn == 1 and p4.baseline.fn == 1
    assert (p1.half, p2.half) == ("tune", "check")
    total = result.total("cleaner")
    assert (total.tp, total.fn, total.fp, total.tn) == (3, 2, 0, 3)
    assert result.total("baseline", "tune").fp == 1


def test_half_keeps_only_that_halfs_pages(web_set: Path) -> None:
    chain = cleaner.Chain(parse_pack(RULES, "demo.yaml").rules)
    assert [p.id for p in evaluate_web(web_set, chain, half="check").pages] == ["p2", "p3"]


def test_scoring_collapses_whitespace_and_counts_no_output_as_all_missed() -> None:
    counts, missing, found = score("A  river\n rose.", ["A river rose."], ["rose."])
    assert (counts.tp, counts.fp, missing, found) == (1, 1, [], ["rose."])
    counts, missing, _ = score(None, ["A river rose."], ["x"])
    assert (counts.fn, counts.tn, counts.recall) == (1, 1, 0.0)


def test_markdown_and_json_reports(web_set: Path) -> None:
    chain = cleaner.Chain(parse_pack(RULES, "demo.yaml").rules)
    result = evaluate_web(web_set, chain)
    text = to_markdown(result, show_missed=True)
    assert "| check: cleaner | 2 |" in text
    assert "| p2 | Sponsored: the harbour cafe reopens |" in text
    assert "no output: no main text found" in text
    data = to_json(result)
    assert set(data["totals"]) == {"tune", "check", "all"}
    assert data["totals"]["all"]["cleaner"]["fp"] == 0
    assert [p["id"] for p in data["per_page"]] == ["p1", "p2", "p3", "p4"]


def test_cli_tells_the_formats_apart_in_a_subprocess(web_set: Path, rules_file: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cleaner",
            "eval",
            str(web_set),
            "--half",
            "tune",
            "--json",
            "--no-default-rules",
            "--rules",
            str(rules_file),
        ],
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["half"] == "tune" and data["pages"] == 2
    assert set(data["totals"]) == {"tune"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["GOLD"], "takes no GOLD_DIR or --labels"),
        ([], None),
    ],
)
def test_cli_usage_errors(web_set: Path, tmp_path: Path, args: list[str], message: str | None) -> None:
    runner = CliRunner()
    if message:
        done = runner.invoke(app, ["eval", str(web_set), str(tmp_path)])
    else:
        (tmp_path / "docs").mkdir()
        done = runner.invoke(app, ["eval", str(tmp_path / "docs")])
        message = "no snippets.jsonl in it; for labelled documents give GOLD_DIR too"
    assert done.exit_code == 2
    assert message in done.output


def test_a_bad_snippets_line_names_the_file_and_line(web_set: Path) -> None:
    with (web_set / "snippets.jsonl").open("a") as out:
        out.write('{"id": 7}\n')
    with pytest.raises(EvalError, match=r"snippets.jsonl:5: expected a JSON object"):
        evaluate_web(web_set, cleaner.Chain([]))


@pytest.mark.slow
def test_on_the_web_check_half_cleaner_keeps_plain_trafilaturas_recall(shared_dir: Path) -> None:
    result = evaluate_web(shared_dir / "eval" / "web", cleaner.load_chain(), max_removed=0.5, half="check")
    assert len(result.pages) == 166
    ours, baseline = result.total("cleaner"), result.total("baseline")
    assert ours.recall >= baseline.recall
    assert ours.f1 >= baseline.f1
    assert not [p.id for p in result.pages if p.problem]
