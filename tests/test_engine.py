"""The engine: overlap resolution, whitespace tidying, the fixpoint, and kept text."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner.core.engine import TIDY_RULE, Chain, clean_text
from cleaner.core.rule import Rule
from tests.reference import ReferenceChain


def phrase(rule_id: str, text: str, **options: object) -> Rule:
    return Rule(pack="t", id=rule_id, kind="phrase", pattern=text, **options)  # type: ignore[arg-type]


def regex(rule_id: str, pattern: str, **options: object) -> Rule:
    return Rule(pack="t", id=rule_id, kind="regex", pattern=pattern, **options)  # type: ignore[arg-type]


def cuts(text: str, *rules: Rule) -> list[tuple[str, str]]:
    """(rule, removed text) for every span, in offset order."""
    return [(span.rule, span.text) for span in clean_text(text, Chain(rules)).spans]


# --- overlaps --------------------------------------------------------------------------------


def test_overlapping_matches_remove_their_union_credited_to_the_first_start() -> None:
    text = "Keep. alpha beta gamma. Keep."
    chain = Chain([regex("ab", "alpha beta"), regex("bg", "beta gamma")])
    result = clean_text(text, chain)
    assert result.clean == "Keep. . Keep."
    assert [(s.rule, s.text) for s in result.spans] == [
        ("t/ab", "alpha beta"),
        ("t/bg", " gamma"),
    ]


def test_same_start_the_longest_match_wins_whole() -> None:
    text = "x Read more now y"
    assert cuts(text, phrase("short", "Read more"), phrase("long", "Read more now")) == [
        ("t/long", "Read more now"),
        (TIDY_RULE, " "),
    ]


def test_same_span_goes_to_the_rule_earlier_in_the_chain() -> None:
    text = "x Read more y"
    first, second = phrase("first", "Read more"), regex("second", "Read more")
    assert cuts(text, first, second)[0] == ("t/first", "Read more")
    assert cuts(text, second, first)[0] == ("t/second", "Read more")


def test_a_match_inside_another_is_dropped() -> None:
    text = "x Sign up to our newsletter today y"
    assert cuts(text, phrase("inner", "newsletter"), phrase("outer", "Sign up to our newsletter today")) == [
        ("t/outer", "Sign up to our newsletter today"),
        (TIDY_RULE, " "),
    ]


# --- whitespace ------------------------------------------------------------------------------


def test_tidy_at_start_removes_all_whitespace_before_the_text() -> None:
    result = clean_text("  Read more\n\n\nThe story.\n", Chain([phrase("more", "Read more")]))
    assert result.clean == "The story.\n"
    assert [(s.rule, s.text) for s in result.spans] == [
        (TIDY_RULE, "  "),
        ("t/more", "Read more"),
        (TIDY_RULE, "\n\n\n"),
    ]


def test_tidy_in_the_middle_keeps_the_run_with_most_line_breaks() -> None:
    chain = Chain([phrase("more", "Read more")])
    assert clean_text("One.\n\nRead more\n\nTwo.", chain).clean == "One.\n\nTwo."
    assert clean_text("One. Read more\n\nTwo.", chain).clean == "One.\n\nTwo."
    assert clean_text("One.\nRead more\n\n\nTwo.", chain).clean == "One.\n\n\nTwo."
    # Within a line, one space stays between the words around the cut.
    assert clean_text("One Read more two.", chain).clean == "One two."
    # A tie keeps the first run.
    assert clean_text("One.\r\n\r\nRead more\n\nTwo.", chain).clean == "One.\r\n\r\nTwo."


def test_tidy_treats_cuts_separated_only_by_whitespace_as_one_group() -> None:
    chain = Chain([phrase("more", "Read more")])
    result = clean_text("One.\n\nRead more\n\nRead more\n\nTwo.", chain)
    assert result.clean == "One.\n\nTwo."
    assert [s.text for s in result.spans if s.rule == TIDY_RULE] == ["\n\n", "\n\n"]


def test_tidy_at_end_keeps_the_documents_own_trailing_whitespace() -> None:
    chain = Chain([phrase("more", "Read more")])
    assert clean_text("The story.\n\nRead more\n", chain).clean == "The story.\n"
    assert clean_text("The story. Read more", chain).clean == "The story."
    assert clean_text("The story.\r\n\r\nRead more\r\n", chain).clean == "The story.\r\n"


def test_a_document_that_is_all_boilerplate_becomes_empty() -> None:
    result = clean_text("\n Read more \n", Chain([phrase("more", "Read more")]))
    assert result.clean == ""
    assert "".join(s.text for s in result.spans) == "\n Read more \n"


def test_tidy_never_touches_whitespace_away_from_cuts() -> None:
    text = "  Indented.\n\n\n\nFar apart.  \n\nRead more\n\nEnd.\t\n"
    result = clean_text(text, Chain([phrase("more", "Read more")]))
    assert result.clean == "  Indented.\n\n\n\nFar apart.  \n\nEnd.\t\n"


# --- fixpoint --------------------------------------------------------------------------------


def test_fixpoint_runs_a_head_rule_on_the_line_a_cut_brings_to_the_top() -> None:
    chain = cleaner.load_chain()
    text = "open image in gallery Crowds at the quay ( PA )\ndate 2023-05-02 The ferry left late.\n"
    result = clean_text(text, chain)
    assert result.clean == "The ferry left late.\n"
    assert [s.rule for s in result.spans if s.rule != TIDY_RULE] == [
        "captions/gallery-caption",
        "dates/date-header",
    ]
    assert clean_text(result.clean, chain).spans == []


def _passes(chain: Chain, text: str) -> list[set[int] | None]:
    """The rules each pass after the first ran (None: all of them), cleaning ``text``."""
    runs: list[set[int] | None] = []
    find = chain.find

    def counting(data: bytes, **kwargs):
        if kwargs.get("touched") is not None:
            runs.append(kwargs.get("only"))
        return find(data, **kwargs)

    chain.find = counting  # type: ignore[method-assign]
    clean_text(text, chain)
    return runs


def test_a_later_pass_runs_only_the_rules_that_may_find_more() -> None:
    rules = [
        Rule(pack="p", id="more", kind="line", pattern="^Read more$"),
        Rule(pack="p", id="promo", kind="line", pattern="^Promo$"),
        Rule(
            pack="p", id="end", kind="signals", scope="tail", scope_lines=2, max_words=3, min_run=2, max_run=4
        ),
    ]
    article = "\n".join(f"The council met on day {n} and talked about the plan at length." for n in range(30))
    # A cut far from the tail: the tail rule, which looks only a few lines past its scope, is not asked again.
    assert _passes(Chain(rules), "Read more\n" + article + "\n") == []
    # A cut that makes a line another rule's entry matches: only that rule runs again.
    brackets = Rule(pack="p", id="brackets", kind="regex", pattern=r"\[x\]")
    assert _passes(Chain([*rules, brackets]), "Pro[x]mo\n" + article + "\n") == [{1}]
    # A cut within the lines the tail rule looks at: it runs again, alone.
    assert _passes(Chain(rules), article + "\nRead more\nMore news\nWeather\n") == [{2}]


def test_fixpoint_joined_text_is_cut_again_and_mapped_to_original_offsets() -> None:
    text = "Keep [[ad]] this."
    result = clean_text(text, Chain([regex("ad", r"\[(?:ad)?\]")]))
    assert result.clean == "Keep this."
    # The second pass found "[]" in "Keep [] this."; in the input it is two separate pieces.
    assert [(s.rule, s.start, s.end, s.text) for s in result.spans] == [
        ("t/ad", 5, 6, "["),
        ("t/ad", 6, 10, "[ad]"),
        ("t/ad", 10, 11, "]"),
        (TIDY_RULE, 11, 12, " "),
    ]


@pytest.mark.parametrize(
    ("gap", "in_reach"),
    [
        ("", True),
        ("Sign up now.\nAnother line.\n", True),  # the start's line is not one a cut touched
        ("Sign up now.\nA line too long for the block to reach.\n", False),
    ],
)
def test_fixpoint_finds_a_block_whose_end_a_later_cut_brings_in_reach(gap: str, in_reach: bool) -> None:
    """Cutting the ads between a block's start and its end brings the end within max_chars,
    so the second pass must look back from the cut for starts that ended no block."""
    ads = "Sponsored: " + "x" * 40 + "\n"
    text = f"Intro.\nPOLL START\n{gap}{ads * 3}POLL END\nStory goes on here.\n"
    block = Rule(pack="t", id="poll", kind="block", start="^POLL START", end="^POLL END", max_chars=60)
    chain = Chain([block, regex("ads", r"^Sponsored: x+\n")])
    result = clean_text(text, chain)
    assert result == clean_text(text, ReferenceChain(chain.rules))
    if in_reach:
        assert result.clean == "Intro.\nStory goes on here.\n"
    else:
        assert result.clean == text.replace(ads, "")
    assert clean_text(result.clean, chain).spans == []


def test_fixpoint_finds_a_contiguous_block_once_a_cut_brings_its_lines_next_to_its_start() -> None:
    """A list heading followed by an advertisement and then the list: once the advertisement
    is cut, the list follows the heading, and the second pass must see it."""
    lines = ["Intro.", "Related", "Sponsored: buy now", "Bus lanes approved", "Heatwave warning", "The end."]
    text = "\n".join(lines) + "\n"
    block = Rule(
        pack="t",
        id="list",
        kind="block",
        start="^Related$",
        end=r"(?:\n[A-Z][a-z ]{3,30}$)+",
        max_chars=200,
        contiguous=True,
    )
    chain = Chain([block, regex("ads", r"^Sponsored: [a-z ]+\n")])
    result = clean_text(text, chain)
    assert result == clean_text(text, ReferenceChain(chain.rules))
    assert result.clean == "Intro.\nThe end.\n"
    assert clean_text(result.clean, chain).spans == []


def test_fixpoint_has_no_pass_limit() -> None:
    # Regression: the fixpoint used to stop after 8 passes, so cleaning the clean text of a
    # deeply nested match still removed something (found by tests/test_properties.py).
    chain = Chain([phrase("ab", "ab", word_boundary=False)])
    text = "a" * 20 + "b" * 20 + " kept"
    result = clean_text(text, chain)
    assert result.clean == "kept"
    assert clean_text(result.clean, chain).spans == []
    assert cleaner.restore(result.clean, result.spans) == text


# --- kept text -------------------------------------------------------------------------------


def test_kept_text_is_byte_for_byte_the_input_minus_spans() -> None:
    text = (
        "date 2022-02-02 Café “owners”\r\nsaid\u00a0no.\n\n"
        "open image in gallery Le café ( AFP )\r\n\r\nFin 🚢"
    )
    result = clean_text(text, cleaner.load_chain())
    assert result.clean == "Café “owners”\r\nsaid\u00a0no.\n\nFin 🚢"
    pieces, pos = [], 0
    for span in result.spans:
        pieces.append(text[pos : span.start])
        pos = span.end
    assert result.clean == "".join(pieces) + text[pos:]


def test_text_without_matches_is_returned_unchanged() -> None:
    text = "A quiet day at the council.\r\n\r\n  Nothing to remove.\n\n"
    result = clean_text(text, cleaner.load_chain())
    assert result.clean == text
    assert result.spans == []
    assert not result.changed


def test_an_empty_chain_and_empty_text_are_fine() -> None:
    assert clean_text("Story.", Chain([])).clean == "Story."
    assert clean_text("", cleaner.load_chain()).spans == []


def test_span_lines_are_one_based_lines_of_the_original() -> None:
    text = "One.\n\nopen image in gallery X ( AP )\n\nTwo.\n"
    spans = clean_text(text, cleaner.load_chain()).spans
    assert [(s.rule, s.line) for s in spans] == [("captions/gallery-caption", 3), (TIDY_RULE, 3)]


def test_chain_pickles_for_worker_processes() -> None:
    chain = cleaner.load_chain()
    copy = pickle.loads(pickle.dumps(chain))
    text = "date 2020-01-01 Story.\n\nopen image in gallery X ( AP )\n\nEnd."
    assert copy.clean(text) == chain.clean(text)


def test_a_worker_process_rebuilds_a_pickled_chain_without_analysing_its_patterns(tmp_path: Path) -> None:
    """The chain carries what was worked out about its patterns (cleaner.core.answers): a new
    process neither parses a pattern with Python's parser nor shortens one for the prefilter."""
    pickled = tmp_path / "chain.pickle"
    pickled.write_bytes(pickle.dumps(cleaner.load_chain()))
    probe = (
        "import pickle, sys; chain = pickle.loads(open(sys.argv[1], 'rb').read()); "
        "print(chain.clean('Story.\\n\\nopen image in gallery X ( AP )\\n').clean, end=''); "
        "print(sorted({'cleaner.core.syntax', 'cleaner.core.shorten'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(pickled)], capture_output=True, text=True, check=True
    )
    assert done.stdout == "Story.\n[]\n"
