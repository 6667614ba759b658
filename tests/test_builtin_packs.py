"""The built-in rule packs: the seed and every fixture come out exactly as expected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleaner
from cleaner.report import span_record
from cleaner.ruleset import builtin_rule_files, load_pack

REPO = Path(__file__).resolve().parents[1]
FIXTURES = sorted(p for p in (REPO / "fixtures").iterdir() if (p / "input.txt").is_file())


@pytest.fixture(scope="module")
def chain() -> cleaner.Chain:
    return cleaner.load_chain()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_comes_out_exactly(chain: cleaner.Chain, fixture: Path) -> None:
    text = (fixture / "input.txt").read_text(encoding="utf-8")
    result = chain.clean(text)
    assert result.clean == (fixture / "expected.txt").read_text(encoding="utf-8")
    source = f"fixtures/{fixture.name}/input.txt"
    records = [span_record(source, span) for span in result.spans]
    report = (fixture / "report.jsonl").read_text(encoding="utf-8")
    expected = [json.loads(line) for line in report.splitlines()]
    assert records == expected


def test_seed_keeps_every_article_line(chain: cleaner.Chain, seed_path: Path) -> None:
    source = seed_path.read_text(encoding="utf-8")
    clean = chain.clean(source).clean
    boilerplate = (1, 9, 19, 29)
    wanted = [line for n, line in enumerate(source.split("\n"), 1) if n not in boilerplate and line.strip()]
    assert [line for line in clean.split("\n") if line.strip()] == wanted


@pytest.mark.parametrize("path", builtin_rule_files(), ids=lambda p: p.name)
def test_every_builtin_rule_says_what_it_targets_and_shows_it(path: Path) -> None:
    pack = load_pack(path)
    assert pack.name == path.stem
    assert pack.description
    for rule in pack.rules:
        assert rule.description, rule.qualified_id
        assert rule.examples_remove and rule.examples_keep, rule.qualified_id


def test_a_closing_list_of_links_goes_and_the_final_newline_stays(chain: cleaner.Chain) -> None:
    text = (
        "The band plays the arena on July 22, its first show in the city for ten years.\n"
        "You may also like...\n"
        "Who will headline the festival in 2020?\n"
        "Local choir wins national title\n"
    )
    result = chain.clean(text)
    assert result.clean == "The band plays the arena on July 22, its first show in the city for ten years.\n"
    assert [s.rule for s in result.spans] == ["tidy/whitespace", "teasers/teaser-list-at-end"]
    assert cleaner.restore(result.clean, result.spans) == text
