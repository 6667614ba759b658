"""The built-in teaser rules on a closing list of links."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner

REPO = Path(__file__).resolve().parents[1]
FIXTURES = sorted(p for p in (REPO / "fixtures").iterdir() if (p / "input.txt").is_file())


@pytest.fixture(scope="module")
def chain() -> cleaner.Chain:
    return cleaner.load_chain()


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
