"""Rules see odd spaces and a line's decorations as spaces; the cuts are made in the text itself."""

from __future__ import annotations

import pytest

import cleaner
from cleaner.core.engine import Chain
from cleaner.core.rule import Rule
from cleaner.core.view import decorations_folded, widened

CHAIN = cleaner.load_chain()
ARTICLE = "The council voted on Tuesday to keep the library open for five more years.\n\n"
CLOSING = "\n\nThe mayor said the money would come from the harbour fund, as it did in 2015.\n"


@pytest.mark.parametrize(
    "furniture",
    [
        "📩 Sign up for our newsletter",
        "► Read more",
        "- Share this:",
        "— Lesen Sie auch",
        "» Leia também",
        "Related stories →",
        "🔔 Suivez-nous sur Facebook 👉",
        "Read\u00a0more",
        "Partager\u202f:",
        "\u200b Comments are closed.",
        "• Teilen mit:",
        "Read more >>",
        "[Advertisement]",
        "**Read more:**",
        "__Share this__",
        "- [Newsletter abonnieren] →",
        "【相关阅读】",
        "*Share this*",
        "| Newsletter abonnieren |",  # a table row of one cell
        "► 24 comments",  # a bullet, an arrow or a pointing hand before a figure points at it
        "• 2 hours ago",
        "👉 3 of 12",
        "**24 comments**",  # a figure in bold is a label; in brackets it marks a note
    ],
)
def test_decorated_and_oddly_spaced_furniture_goes_with_its_symbols(furniture: str) -> None:
    text = ARTICLE + furniture + CLOSING
    result = CHAIN.clean(text)
    assert result.clean == ARTICLE + CLOSING.lstrip("\n")
    line = next(span for span in result.spans if not span.rule.startswith("tidy/"))
    assert line.text == furniture  # the report holds the symbols and odd spaces, not plain spaces
    assert text[line.start : line.end] == line.text


@pytest.mark.parametrize(
    "kept",
    [
        "★★★★☆",  # a line made only of symbols is its own text
        "• • •",
        "- 5 things to know before the vote",  # a list item that opens with a figure
        "→ The minister said the plan would be ready by May, and the council agreed.",
        "Der Stadtrat tagt\u00a0am\u00a0Dienstag, sagte die Bürgermeisterin, und alle kamen.",
        "[1]",  # a wrapped figure is a note mark
        "[Advertisement] and [Share this]",  # two wrappings: the line is not one label
        "**The council will vote again in May, the mayor said.**",
        "| 6 | Wednesday, 9 February | 9 am | Normal hill |",  # a table's row of figures and text
    ],
)
def test_article_lines_with_symbols_and_odd_spaces_are_kept_byte_for_byte(kept: str) -> None:
    text = ARTICLE + kept + CLOSING
    result = CHAIN.clean(text)
    assert result.clean == text
    assert result.spans == []


def test_a_symbol_that_labels_a_figure_is_still_seen_by_the_rule_that_wants_it() -> None:
    result = CHAIN.clean(ARTICLE + "⏱ 7 min" + CLOSING)
    assert [span.text for span in result.spans if span.rule == "dates/reading-time"] == ["⏱ 7 min"]


def test_a_phrase_rule_takes_its_lines_decorations_along() -> None:
    chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    result = chain.clean("Story.\n► Read more →\nEnd.\n")
    assert result.clean == "Story.\nEnd.\n"
    assert (result.spans[0].rule, result.spans[0].text) == ("demo/more", "► Read more →")


def test_cleaning_cleaned_text_removes_nothing_when_a_cut_brings_a_symbol_to_a_line_start() -> None:
    chain = Chain(
        [
            Rule(pack="demo", id="tag", kind="regex", pattern=r"^\[ad\] "),
            Rule(pack="demo", id="more", kind="line", pattern=r"^[ \t]*Read more[ \t]*$"),
        ]
    )
    once = chain.clean("Story.\n[ad] ► Read more\nEnd.\n")
    assert once.clean == "Story.\nEnd.\n"
    assert chain.clean(once.clean).spans == []


def test_the_last_line_of_a_window_may_go_on_so_its_end_is_not_folded() -> None:
    part = "Intro\nRead more →".encode()
    assert decorations_folded(part, ends_document=False) == part
    assert decorations_folded(part, ends_document=True) == b"Intro\nRead more    "


def test_the_report_restores_the_original_bytes() -> None:
    text = ARTICLE + "📩\u00a0Sign up for our newsletter →" + CLOSING
    result = CHAIN.clean(text)
    restored = result.clean
    for span in result.spans:  # in offset order: each goes back where it was
        restored = restored[: span.start] + span.text + restored[span.start :]
    assert restored == text
    assert "📩\u00a0Sign up" in result.spans[0].text


@pytest.mark.parametrize("line", ["- →", "► ★", "• • •", "★★★"])
def test_a_line_of_marks_alone_is_not_blank_to_the_rules(line: str) -> None:
    view = decorations_folded(f"Story.\n{line}\nEnd.\n".encode(), ends_document=True)
    assert view.split(b"\n")[1].strip()


def test_marks_go_with_a_cut_next_to_a_cut_that_took_a_line_break() -> None:
    data = "Intro.\n► Read more →\nEnd.\n".encode()
    view = decorations_folded(data, ends_document=True)
    start, end = data.index(b"Read"), data.index(b" \xe2\x86\x92")  # "Read more", the arrow's space after
    line_break = data.index(b"\n", end)
    # the cut before ends after the line break; the cut after starts at the next one
    cuts = widened([(0, 7), (start, end), (line_break, line_break + 1)], view, data)
    assert [data[s:e].decode() for s, e in cuts] == ["Intro.\n", "► Read more →", "\n"]


@pytest.mark.parametrize(
    "line", ["(Read more)", "“Read more”", "«Read more»", "[1]", "[a] and [b]", "*Read more"]
)
def test_parentheses_quotes_figures_and_half_wrappings_are_not_folded(line: str) -> None:
    # Parentheses and quotes say something (a credit, an aside, a quote): a rule needs them.
    data = line.encode()
    assert decorations_folded(data, ends_document=True) == data


def test_a_wrapped_line_is_the_line_inside_to_the_rules_and_keeps_its_length() -> None:
    data = b"- **Read more:**\n[Advertisement]\n| Teilen |"
    view = decorations_folded(data, ends_document=True)
    assert len(view) == len(data)
    assert view.decode().split("\n") == ["    Read more:  ", " Advertisement ", "  Teilen  "]
