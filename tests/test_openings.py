"""Line openings of prefilter entries, and the gate that answers for them instead of a set."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner import load_chain
from cleaner.core import scan
from cleaner.core.gate import OpeningGate
from cleaner.core.openings import Opening, line_opening_of


@pytest.mark.parametrize(
    ("entry", "lowered", "skip", "prefixes", "rest"),
    [
        ("(?m)^read more", True, "", ("read mor",), None),
        # Marks a line may open with, in a class or an optional group of classes.
        ("(?m)^[ \\t]*(?:[-•]+[ \\t]*)?(?:see also|related)", True, "\t -•", ("related", "see also"), None),
        # An optional word and a class of few characters are spelled out; a longer one is cut.
        ("(?m)^(?:please )?donate[ \\t]+now", True, "", ("donate\t", "donate ", "please d"), None),
        (
            "(?m)^[0-3]\\d\\.[01]\\d",
            False,
            "",
            tuple(f"{a}{b}.{c}{d}" for a in "0123" for b in "0123456789" for c in "01" for d in "0123456789"),
            None,
        ),
        # A hyphen escaped in a class is one of its characters, not a range.
        ("(?m)^[a\\-c]bcdef", False, "", ("-bcdef", "abcdef", "cbcdef"), None),
        # An ignore-case group of ASCII letters, in an entry that reads lowered text.
        ("(?m)^(?i:[Gg])allery", True, "", ("gallery",), None),
        # Alternatives that may open with any word stay with the set.
        ("(?m)^[ \\t]*(?:updated|[a-z]+ ago)", True, "\t ", ("updated",), "(?m)^[ \\t]*(?:[a-z]+ ago)"),
        ("(?m)^(?:about the author|by)", True, "", ("about th",), "(?m)^(?:by)"),
        # Several top-level alternatives, the flags of the first reading for all.
        ("(?m)^follow us|^[^\\n]*\\bletters", True, "", ("follow u",), "(?m)^[^\\n]*\\bletters"),
    ],
)
def test_openings_of_typical_entries(
    entry: str, lowered: bool, skip: str, prefixes: tuple[str, ...], rest: str | None
) -> None:
    assert line_opening_of(entry, lowered=lowered) == Opening(skip, tuple(sorted(prefixes)), rest)


@pytest.mark.parametrize(
    "entry",
    [
        "(?m)read more",  # not at a line's start
        "(?m)^[^\\n]*newsletter",  # any text first
        "^read more",  # the start of the text only
        "(?m-m)^read more",
        "(?mi)^Read more",  # case folded by RE2, not lowered
        "(?m)^(?:the|by) ",  # openings too short to tell an article's lines apart
        "(?m)^[a-z]{3} [0-9]+",  # a counted repeat of a large class
        "(?m)^\\pL+:",
    ],
)
def test_entries_without_an_opening(entry: str) -> None:
    assert line_opening_of(entry, lowered=True) is None


def test_the_gate_confirms_an_opening_with_the_entry() -> None:
    """A line that opens with an opening but does not match the entry is not a hit."""
    entry = "(?m)^[ \\t]*read more:"
    gate = OpeningGate({3: (line_opening_of(entry, lowered=True), entry, True)})  # type: ignore[dict-item]
    assert gate.hits(b"Read more about it", b"read more about it") == []
    assert gate.hits(b"\tRead more: x", b"\tread more: x") == [3]
    # A character that folds to an ASCII letter: the lowered entry cannot tell, so it may match.
    assert gate.hits("Read \u212a".encode(), "read \u212a".encode()) == [3]


def test_an_opening_of_marks_alone_is_left_to_the_sets() -> None:
    """One rule's marks are every rule's: an opening made of them would let every line through."""
    bullets = line_opening_of("(?m)^[ \\t>]*read also", lowered=True)
    starts = line_opening_of("(?m)^(?:>>>>>|see also)", lowered=True)
    gate = OpeningGate({1: (bullets, "", True), 2: (starts, "", True)})  # type: ignore[dict-item]
    assert gate.rules == {1}


DEFAULT = load_chain()
# Lines of the default packs' examples, both kinds: what the gate must let through, and lines
# that open like furniture but are not.
EXAMPLE_LINES = sorted(
    {
        line
        for rule in DEFAULT.rules
        for text in (*rule.examples_remove, *rule.examples_keep)
        for line in text.splitlines()
    }
)
MARKS = ["", " ", "\t", "• ", "► ", "- ", "> ", "(", "[", "❤ ", "1. ", "\u00a0"]


@st.composite
def furniture(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        line = draw(st.sampled_from(EXAMPLE_LINES)).replace("[[", "").replace("]]", "")
        case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
        lines.append(draw(st.sampled_from(MARKS)) + case(line))
    return "\n".join(lines)


UNGATED = scan._EntrySets(DEFAULT.matchers, DEFAULT._scanner.by_block)
GATED = scan._EntrySets(DEFAULT.matchers, DEFAULT._scanner.by_block, gated=True)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=furniture())
@example(text="Updated: 3 May 2024, 10:02\n• Read more: The harbour reopens")
@example(text="\u212aommentare\nStory.")
def test_the_gate_with_the_default_chain_answers_as_the_sets_do(text: str) -> None:
    """Exactly: each entry the gate took is confirmed by itself, and its other alternatives
    stay in a set."""
    piece = text.encode()
    assert sorted(set(GATED.hits(piece))) == sorted(set(UNGATED.hits(piece)))


def test_the_gate_takes_most_of_the_default_chains_entries() -> None:
    """What the sets compile for short texts shrinks: the point of the gate."""
    assert GATED._gate is not None
    assert len(GATED._gate.rules) > len(UNGATED.lowered + UNGATED.plain) // 2
