"""Line openings of prefilter entries."""

from __future__ import annotations

import pytest

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
