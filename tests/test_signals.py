"""The ``signals`` rule kind: lines removed by what they are, with the context pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.core.engine import Chain, clean_text
from cleaner.core.kinds.signals import SignalsMatcher
from cleaner.core.rule import Rule
from cleaner.core.signals import Document, HtmlLine
from cleaner.rulefiles.schema import check_pack

ARTICLE = (
    "The council voted on Tuesday to keep the library open for another five years.\n"
    "Residents had gathered outside the town hall since early morning, some with signs.\n"
)
TEASERS = "More from the city desk\nHarbour board names new chief\nFerry fares to rise in spring\n"


def _signals(**fields: object) -> Chain:
    return Chain([Rule("demo", "lines", "signals", **fields)])


def test_a_run_of_headlines_after_the_last_paragraph_goes() -> None:
    chain = _signals(scope="tail", scope_lines=6, max_words=8, sentence_end=False, min_run=2)
    result = clean_text(ARTICLE + TEASERS, chain)
    assert result.clean == ARTICLE
    assert all(span.captures["words"] for span in result.spans if span.rule == "demo/lines")


def test_a_subheading_between_paragraphs_stays_with_keep_between_prose() -> None:
    text = ARTICLE + "What happens next\n" + ARTICLE + TEASERS
    chain = _signals(max_words=8, sentence_end=False, keep_between_prose=True, pattern=r"\S")
    assert clean_text(text, chain).clean == ARTICLE + "What happens next\n" + ARTICLE


def test_a_single_short_line_is_not_a_run() -> None:
    chain = _signals(scope="tail", scope_lines=3, max_words=8, sentence_end=False, min_run=2)
    text = ARTICLE + "Weather\n"
    assert clean_text(text, chain).clean == text


def test_the_later_copy_of_a_repeated_line_goes_and_the_first_stays() -> None:
    caption = "Firefighters at the scene of the blaze on Mill Lane (Photo: City Fire Service)\n"
    text = caption + ARTICLE + caption
    result = clean_text(text, _signals(repeated=True, min_words=4))
    assert result.clean == caption + ARTICLE
    assert [span.captures for span in result.spans if span.rule == "demo/lines"] == [
        {"repeated": "true", "words": "14"}
    ]


def test_cleaning_twice_removes_nothing_more_after_a_repeat_goes() -> None:
    chain = _signals(repeated=True, min_words=2)
    text = "Two words\nA story line here.\nTwo words\nTwo words\n"
    once = clean_text(text, chain)
    assert once.clean == "Two words\nA story line here.\n"
    assert clean_text(once.clean, chain).spans == []


def test_stopword_share_uses_the_documents_language() -> None:
    german = (
        "Der Rat hat am Dienstag beschlossen, dass die Bibliothek für weitere fünf Jahre offen bleibt.\n"
        "Bürgermeisterin Meyer Stadtwerke Hafenfest Programm\n"
    )
    chain = _signals(scope="tail", scope_lines=1, max_stopwords=0.1)
    result = clean_text(german, chain)
    assert result.clean.endswith("bleibt.\n")
    assert result.spans[-1].captures == {"stopwords": "0.00"}


def test_unknown_signals_keep_the_line() -> None:
    # No stoplist fits, and plain text has no HTML facts: the conditions cannot hold.
    assert clean_text("図書館\n", _signals(scope="tail", max_stopwords=0.5)).spans == []
    assert clean_text("Related\n", _signals(scope="tail", html_role="list-item")).spans == []


def test_html_facts_select_link_lines() -> None:
    text = ARTICLE + "Harbour board names new chief\n"
    facts = {"Harbour board names new chief": HtmlLine("paragraph", 1.0)}
    chain = _signals(scope="tail", scope_lines=2, min_link_share=0.8, sentence_end=False)
    assert clean_text(text, chain, html_lines=facts).clean == ARTICLE
    assert clean_text(text, chain).clean == text


def test_a_document_reads_lines_and_neighbours() -> None:
    doc = Document(b"one\r\n\r\ntwo\n")
    assert doc.line_at(1) == (0, 3)
    assert doc.neighbour(0, 3, 1) == (7, 10)
    assert doc.neighbour(7, 10, -1) == (0, 3)
    assert doc.neighbour(7, 10, 1) is None


def test_signals_rules_load_from_a_rule_file_and_list_their_fields(tmp_path: Path) -> None:
    text = """
pack: site
rules:
  - id: teaser-run
    kind: signals
    scope: tail
    scope_lines: 8
    max_words: 10
    sentence_end: false
    min_run: 2
    examples:
      remove: ["The story ends here, as every story must end at some point.\\n[[Next story\\nOther story]]"]
      keep: ["The story ends here, as every story must end at some point.\\nThanks"]
"""
    pack, problems = check_pack(text, "site.yaml")
    assert pack is not None, problems
    assert pack.rules[0].option("min_run") == 2
    rule_file = tmp_path / "site.yaml"
    rule_file.write_text(text, encoding="utf-8")
    chain = cleaner.load_chain([rule_file], builtin=False)
    assert chain.clean("A line.\nMore\nEven more\n", max_removed=None).clean == "A line.\n"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_words", "-1", "'max_words' must be between 0 and 100000, got -1"),
        ("max_stopwords", "1.5", "'max_stopwords' must be between 0 and 1, got 1.5"),
        ("html_role", "headline", "unknown html_role 'headline'"),
        ("min_run", "0", "'min_run' must be between 1 and 1000, got 0"),
        ("start", "'x'", "'start' is only used by block rules"),
        ("max_words", "100", "rule would remove 100% of ordinary article text"),
    ],
)
def test_bad_signal_fields_are_named(field: str, value: str, message: str) -> None:
    text = f"pack: site\nrules:\n  - id: a\n    kind: signals\n    {field}: {value}\n"
    pack, problems = check_pack(text, "site.yaml")
    assert pack is None
    assert any(message in problem.message for problem in problems), problems


lines = st.sampled_from(
    [
        "Read more",
        "The council met on Tuesday and voted to keep the library open.",
        "Harbour board names new chief",
        "",
        "Photo: City Fire Service",
        "It was, she said, the best day of the year for everyone there.",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(lines, max_size=12), st.booleans(), st.integers(1, 3))
def test_signals_rules_are_idempotent_and_lossless(parts: list[str], between: bool, run: int) -> None:
    chain = Chain(
        [
            Rule("p", "a", "signals", scope="tail", scope_lines=4, max_words=6, min_run=run),
            Rule("p", "b", "signals", repeated=True, min_words=1),
            Rule("p", "c", "signals", pattern="^[A-Z]", max_words=5, keep_between_prose=between),
        ]
    )
    text = "\n".join(parts)
    once = clean_text(text, chain, max_removed=None)
    assert cleaner.restore(once.clean, once.spans) == text
    assert clean_text(once.clean, chain, max_removed=None).spans == []


def test_rules_see_what_an_html_page_made_of_its_lines() -> None:
    from cleaner.batch.tasks import clean_decoded
    from cleaner.io.decode import decode_bytes

    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines() * 3)
    page = (
        "<html><head><title>Floods</title></head><body><main><article>"
        f"<h1>Floods close the coast road</h1>{paragraphs}"
        "<ul><li>Harbour board names new chief after a search of months</li>"
        "<li>Ferry fares to rise in spring for the first time in years</li></ul>"
        f"{paragraphs}</article></main></body></html>"
    ).encode()
    decoded = decode_bytes(page, html=True)
    assert "- Harbour board names new chief after a search of months" in decoded.text.splitlines()
    chain = _signals(html_role="list-item")
    result = clean_decoded(decoded, chain, None)
    assert "Harbour board" not in result.clean and "Residents had gathered" in result.clean
    assert {span.captures["html_role"] for span in result.spans if span.rule == "demo/lines"} == {"list-item"}


def test_a_run_is_counted_whole_beyond_the_scope() -> None:
    # Seven short lines close the text; the tail scope sees four, but the run is seven long.
    steps = [f"Step {n} of the list\n" for n in range(7)]
    chain = _signals(scope="tail", scope_lines=4, max_words=6, sentence_end=False, min_run=3, max_run=5)
    assert clean_text(ARTICLE + "".join(steps), chain).spans == []
    assert clean_text(ARTICLE + "".join(steps[:4]), chain).clean == ARTICLE


def test_after_last_prose_keeps_a_run_that_prose_follows() -> None:
    chain = _signals(max_words=6, sentence_end=False, min_run=2, after_last_prose=True, pattern=r"\S")
    middle = ARTICLE + TEASERS + ARTICLE
    assert clean_text(middle, chain).clean == middle
    # A short line after the run is no paragraph: the run still closes the article.
    result = clean_text(ARTICLE + TEASERS + "Thanks\n", chain)
    assert result.clean == ARTICLE
    assert {span.captures["words"] for span in result.spans if span.rule == "demo/lines"} == {"1", "5", "6"}


def test_before_first_prose_takes_only_lines_above_the_article() -> None:
    chain = _signals(max_words=6, sentence_end=False, before_first_prose=True, pattern=r"\S")
    text = "Home\nNews\n" + ARTICLE + "What next\n" + ARTICLE
    assert clean_text(text, chain).clean == ARTICLE + "What next\n" + ARTICLE


def test_html_condition_tells_pages_from_plain_text() -> None:
    text = ARTICLE + "Harbour board names new chief\n"
    facts = {"Harbour board names new chief": HtmlLine("heading", 0.0)}
    text_only = _signals(scope="tail", scope_lines=1, html=False, sentence_end=False)
    assert clean_text(text, text_only).clean == ARTICLE
    assert clean_text(text, text_only, html_lines=facts).clean == text
    pages_only = _signals(scope="tail", scope_lines=1, html=True, sentence_end=False)
    assert clean_text(text, pages_only, html_lines=facts).clean == ARTICLE


def test_a_pattern_that_ends_at_the_line_end_matches_crlf_lines() -> None:
    chain = _signals(pattern=r"\(Photo[^()\n]*\)[ \t]*\r?$", max_length=100)
    for sep in ("\n", "\r\n"):
        article = ARTICLE.replace("\n", sep)
        assert clean_text(f"Crews at the scene (Photo: Jane Doe){sep}{article}", chain).clean == article


def test_before_first_prose_false_leaves_the_title_alone() -> None:
    chain = _signals(max_words=6, sentence_end=False, before_first_prose=False, pattern=r"\S")
    text = "Harbour news\n" + ARTICLE + "What next\n" + ARTICLE
    assert clean_text(text, chain).clean == "Harbour news\n" + ARTICLE + ARTICLE


class _EveryLine(SignalsMatcher):
    """The same rule, looking at every line in reach however the text's prose lies."""

    def _beside_prose(self, doc: Document) -> tuple[int, int]:
        return 0, len(doc.data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(lines, max_size=12), st.sampled_from(["after_last_prose", "before_first_prose"]), st.booleans()
)
def test_runs_beside_prose_are_found_without_reading_every_line(
    parts: list[str], side: str, prose_may_qualify: bool
) -> None:
    """Only the lines past the last (before the first) prose line are looked at, unless that
    line meets the conditions itself: what is found is what looking at every line finds."""
    conditions = {"max_words": 20} if prose_may_qualify else {"max_words": 6, "sentence_end": False}
    rule = Rule("p", "x", "signals", min_run=2, **{side: True}, **conditions)
    text = "\n".join(parts)
    found = list(SignalsMatcher(rule).find(text, 0, len(text)))
    assert found == list(_EveryLine(rule).find(text, 0, len(text)))


@pytest.mark.parametrize(
    ("line", "reports"),
    [
        ("Support independent journalism, the minister told the conference.", True),
        ("Unterstützen Sie unsere Arbeit, so der Verleger.", True),
        ("Apoya el periodismo independiente, dijo el editor.", True),
        ("Soutenez notre travail — a déclaré la directrice.", True),
        ("Поддержите редакцию, сказал главный редактор.", True),
        ("Support independent journalism: become a member today.", False),
        ("By continuing to browse, you agree to our use of cookies.", False),
        ("Sign up for our newsletter, delivered every morning.", False),
    ],
)
def test_reported_speech_keeps_a_call_that_someone_is_reported_to_have_made(line: str, reports: bool) -> None:
    chain = _signals(
        pattern="^(?:Support|Unterstützen|Apoya|Soutenez|Поддержите|By continuing|Sign up)",
        reported_speech=False,
    )
    result = clean_text(f"{ARTICLE}{line}\n", chain, max_removed=None)
    assert (line in result.clean) == reports
    if not reports:
        assert [span.captures for span in result.spans if span.rule == "demo/lines"] == [
            {"reported_speech": "false"}
        ]
