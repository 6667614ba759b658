"""One test group per rule kind, and the scopes, through the matchers and a one-rule chain."""

from __future__ import annotations

import pytest

from cleaner.core.engine import Chain, clean_text
from cleaner.core.kinds import compile_rule
from cleaner.core.patterns import PatternError, compile_pattern
from cleaner.core.rule import Rule


def rule(kind: str, **fields: object) -> Rule:
    return Rule(pack="t", id="r", kind=kind, **fields)  # type: ignore[arg-type]


def found(r: Rule, text: str) -> list[tuple[str, dict[str, str]]]:
    """What the rule's matcher proposes over the whole text: (matched text, captures)."""
    return [(text[c.start : c.end], c.captures) for c in compile_rule(r).find(text, 0, len(text))]


def in_scope(r: Rule, text: str) -> list[str]:
    """What the rule proposes in one pass of a chain, which applies its scope."""
    return [text[start:end] for start, end, _, _ in Chain([r]).candidates(text)]


def removed(r: Rule, text: str) -> list[str]:
    """What a chain of just this rule removes (without the tidied whitespace)."""
    return [s.text for s in clean_text(text, Chain([r])).spans if s.rule == r.qualified_id]


# --- phrase ----------------------------------------------------------------------------------


def test_phrase_is_literal_not_a_pattern() -> None:
    r = rule("phrase", pattern="(AP) a.m.")
    assert found(r, "At 9 (AP) a.m. and at 9 AP axm") == [("(AP) a.m.", {})]


def test_phrase_is_case_sensitive_unless_ignore_case() -> None:
    text = "READ MORE. Read more. read More"
    assert found(rule("phrase", pattern="Read more"), text) == [("Read more", {})]
    assert [t for t, _ in found(rule("phrase", pattern="Read more", ignore_case=True), text)] == [
        "READ MORE",
        "Read more",
        "read More",
    ]


def test_phrase_word_boundary_on_by_default() -> None:
    text = "Readers: Read moreover, Read more."
    assert found(rule("phrase", pattern="Read more"), text) == [("Read more", {})]
    assert [t for t, _ in found(rule("phrase", pattern="Read more", word_boundary=False), text)] == [
        "Read more",
        "Read more",
    ]


def test_phrase_word_boundary_only_where_the_phrase_has_word_characters() -> None:
    # "(Reuters)" starts and ends with punctuation: \b there would never match after a space.
    r = rule("phrase", pattern="(Reuters)")
    assert found(r, "The pier (Reuters) at dawn") == [("(Reuters)", {})]
    assert found(rule("phrase", pattern="#ad"), "x #ad y #adverts") == [("#ad", {})]


def test_phrase_handles_non_ascii_text_and_offsets() -> None:
    text = "Café — Lire la suite — fin"
    r = rule("phrase", pattern="Lire la suite")
    [candidate] = compile_rule(r).find(text, 0, len(text))
    assert (candidate.start, candidate.end) == (7, 20)
    assert text[candidate.start : candidate.end] == "Lire la suite"


# --- regex -----------------------------------------------------------------------------------


def test_regex_removes_exactly_the_match_with_named_captures() -> None:
    r = rule("regex", pattern=r"Updated (?P<time>\d{1,2}:\d{2}) (?P<zone>[A-Z]{3,4})")
    assert found(r, "Story. Updated 09:15 BST. More.") == [
        ("Updated 09:15 BST", {"time": "09:15", "zone": "BST"}),
    ]


def test_regex_unnamed_and_unmatched_groups_are_not_captures() -> None:
    r = rule("regex", pattern=r"(By) (?P<author>\w+)(?P<role>, staff)?")
    assert found(r, "By Ana wrote") == [("By Ana", {"author": "Ana"})]


def test_regex_is_multiline_and_honours_ignore_case() -> None:
    r = rule("regex", pattern=r"^advertisement$", ignore_case=True)
    text = "One.\nADVERTISEMENT\nAn advertisement here.\nAdvertisement"
    assert [t for t, _ in found(r, text)] == ["ADVERTISEMENT", "Advertisement"]


def test_regex_refuses_patterns_re2_cannot_run_or_that_match_nothing() -> None:
    with pytest.raises(PatternError, match="bad pattern for RE2"):
        compile_pattern(r"Read(?= more)")
    with pytest.raises(PatternError, match="matches the empty string"):
        compile_pattern(r"(Read more)?")
    with pytest.raises(PatternError, match="bad start"):
        compile_pattern(r"(\1)", field="start")


# --- line ------------------------------------------------------------------------------------


def test_line_removes_the_whole_line_but_not_its_line_break() -> None:
    r = rule("line", pattern=r"newsletter")
    text = "One.\nSign up to our newsletter for free\nTwo."
    assert found(r, text) == [("Sign up to our newsletter for free", {})]
    assert clean_text(text, Chain([r])).clean == "One.\nTwo."


def test_line_with_several_matches_is_one_candidate() -> None:
    r = rule("line", pattern=r"share")
    assert found(r, "share on X, share by email\nkept") == [("share on X, share by email", {})]


def test_line_at_the_end_without_a_line_break() -> None:
    r = rule("line", pattern=r"^Comments are closed")
    assert found(r, "Story.\nComments are closed.") == [("Comments are closed.", {})]


def test_line_with_crlf_leaves_the_carriage_return_with_the_line_break() -> None:
    r = rule("line", pattern=r"^Share this article")
    text = "One.\r\nShare this article\r\nTwo.\r\n"
    assert found(r, text) == [("Share this article", {})]
    assert clean_text(text, Chain([r])).clean == "One.\r\nTwo.\r\n"


def test_line_pattern_anchored_at_the_end_needs_to_allow_cr_under_crlf() -> None:
    # RE2's $ matches before "\n" only, so a CRLF line ends in "\r" before it.
    text = "One.\r\nSupport Now\r\nTwo."
    assert found(rule("line", pattern=r"^Support Now$"), text) == []
    assert found(rule("line", pattern=r"^Support Now\r?$"), text) == [("Support Now", {})]


def test_line_captures_come_from_the_match() -> None:
    r = rule("line", pattern=r"\((?P<credit>[^()]+)\)\s*$")
    assert found(r, "A pier (Reuters)\nkept") == [("A pier (Reuters)", {"credit": "Reuters"})]


# --- block -----------------------------------------------------------------------------------


APPEAL = rule("block", start=r"Before you go", end=r"Thank you\.", max_chars=60)


def test_block_removes_from_start_to_the_first_end() -> None:
    text = "Story.\n\nBefore you go\n\nWe rely on readers.\n\nThank you. Thank you.\n\nMore story."
    assert found(APPEAL, text) == [("Before you go\n\nWe rely on readers.\n\nThank you.", {})]


def test_block_max_chars_bounds_the_whole_block() -> None:
    opening, closing = "Before you go", "Thank you."
    fits = opening + "x" * (60 - len(opening) - len(closing)) + closing
    assert len(fits) == 60
    assert found(APPEAL, fits) == [(fits, {})]
    too_long = opening + "x" * (61 - len(opening) - len(closing)) + closing
    assert found(APPEAL, too_long) == []


def test_block_without_an_end_removes_nothing() -> None:
    text = "Before you go, she said, look at the sea."
    assert found(APPEAL, text) == []
    assert clean_text(text, Chain([APPEAL])).clean == text


def test_block_after_an_unfinished_start_still_finds_the_next_block() -> None:
    text = "Before you go home. " + "x" * 80 + " Before you go. Thank you. End."
    assert found(APPEAL, text) == [("Before you go. Thank you.", {})]


def test_block_finds_several_blocks_and_merges_captures_of_both_ends() -> None:
    r = rule("block", start=r"\[ad (?P<id>\d+)\]", end=r"\[/ad (?P<slot>\w+)\]", max_chars=100)
    text = "a [ad 1] buy [/ad top] b [ad 2] sell [/ad foot] c"
    assert found(r, text) == [
        ("[ad 1] buy [/ad top]", {"id": "1", "slot": "top"}),
        ("[ad 2] sell [/ad foot]", {"id": "2", "slot": "foot"}),
    ]


def test_block_ignore_case_applies_to_both_ends() -> None:
    r = rule("block", start="before you go", end="thank you", max_chars=40, ignore_case=True)
    assert [t for t, _ in found(r, "BEFORE YOU GO now. THANK YOU")] == ["BEFORE YOU GO now. THANK YOU"]


LIST = rule("block", start=r"^Related$", end=r"(?:\n[A-Z][a-z ]{3,30}$)+", max_chars=200, contiguous=True)


def test_contiguous_block_takes_the_lines_right_after_its_start() -> None:
    text = "Story.\nRelated\nBus lanes approved\nHeatwave warning\nThe mayor spoke on Tuesday.\n"
    assert found(LIST, text) == [("Related\nBus lanes approved\nHeatwave warning", {})]


def test_contiguous_block_never_reaches_past_a_line_its_end_does_not_match() -> None:
    # Without contiguous, the first end within max_chars would take the sentence in between.
    text = "Related\nThe mayor spoke on Tuesday.\nBus lanes approved\n"
    assert found(LIST, text) == []
    loose = rule("block", start=r"^Related$", end=r"(?:\n[A-Z][a-z ]{3,30}$)+", max_chars=200)
    assert found(loose, text) == [(text.rstrip("\n"), {})]


def test_contiguous_block_longer_than_max_chars_is_not_cut_at_the_limit() -> None:
    # Matched only up to max_chars, [^\n]* and $ would end the block in the middle of the line.
    bio = rule(
        "block", start=r"^About the author$", end=r"\n[^\n]*reporter[^\n]*", max_chars=60, contiguous=True
    )
    short = "About the author\nJane Doe is a reporter.\nStory."
    assert found(bio, short) == [("About the author\nJane Doe is a reporter.", {})]
    long = "About the author\nJane Doe is a reporter, and this line goes on well past the block's bound.\n"
    assert found(bio, long) == []
    buttons = rule(
        "block", start=r"^Share$", end=r"(?:\n(?:Facebook|Email)$)+", max_chars=20, contiguous=True
    )
    assert found(buttons, "Share\nFacebook\nEmail\n") == [("Share\nFacebook\nEmail", {})]
    assert found(buttons, "Share\nFacebook\nEmail\nFacebook\n") == []  # the run is longer than max_chars


def test_contiguous_block_miss_hint_says_the_end_does_not_follow() -> None:
    hint = compile_rule(LIST).miss_hint(LIST, "Related\nThe mayor spoke.\nBus lanes approved")
    assert hint == "; its start matches here, its end does not right after it"


# --- scopes ----------------------------------------------------------------------------------


def test_head_scope_counts_non_blank_lines() -> None:
    r = rule("regex", pattern=r"^Published \d+ \w+", scope="head", scope_lines=2)
    text = "\n\nTitle\n\n   \nPublished 3 May\nPublished 4 May\nStory.\n"
    assert in_scope(r, text) == ["Published 3 May"]
    # Once that line is cut, the next one is within the head: the fixpoint removes it too,
    # so that cleaning the clean text removes nothing.
    assert removed(r, text) == ["Published 3 May", "Published 4 May"]


def test_head_scope_excludes_later_lines() -> None:
    r = rule("regex", pattern=r"^date \d{4}", scope="head", scope_lines=1)
    assert removed(r, "Story first.\ndate 2024 later") == []
    assert removed(r, "date 2024 first\nStory.") == ["date 2024"]


def test_tail_scope_counts_non_blank_lines_from_the_end() -> None:
    r = rule("line", pattern=r"^Comments are closed", scope="tail", scope_lines=2)
    text = "Comments are closed at the town hall, she said.\nStory.\nComments are closed.\nEnd.\n\n"
    assert in_scope(r, text) == ["Comments are closed."]


def test_tail_scope_covers_whole_short_documents() -> None:
    r = rule("phrase", pattern="Read more", scope="tail", scope_lines=3)
    assert removed(r, "Read more\nshort") == ["Read more"]


def test_anywhere_scope_is_the_default() -> None:
    r = rule("phrase", pattern="Read more")
    assert removed(r, "Read more\n" + "line\n" * 50 + "Read more") == ["Read more", "Read more"]


def test_block_whose_patterns_can_match_empty_ends_and_removes_nothing_empty() -> None:
    # Rules built in code skip the rule-file checks; \b finds an empty match at every word
    # boundary, and a block of two empty matches must neither loop nor be reported.
    rule = Rule(pack="p", id="b", kind="block", start=r"\b", end=r"\b", max_chars=5)
    assert list(compile_rule(rule).find("a b c", 0, 5)) == []
    widened = Rule(pack="p", id="b", kind="block", start=r"\b", end=r"b\b", max_chars=5)
    assert [(c.start, c.end) for c in compile_rule(widened).find("a b c", 0, 5)] == [(0, 3)]
