"""Shortened prefilter entries: the start of every match, read from the pattern's own syntax."""

from __future__ import annotations

import pytest
import re2

from cleaner import load_chain
from cleaner.core.prefilter import relax
from cleaner.core.shorten import shorten
from cleaner.core.syntax import parse, render


def test_every_builtin_trigger_is_read_back_exactly() -> None:
    """A pattern the reader does not read back is left whole: none of the packs' should be."""
    unread = [m.rule.qualified_id for m in load_chain().matchers if parse(relax(m.trigger)) is None]
    assert unread == []


@pytest.mark.parametrize(
    ("entry", "short"),
    [
        # A vocabulary is cut in each alternative after 7 certain characters (a space counts
        # half); what follows it goes.
        ("(?m)^(?:newsletter sign-up|subscribe now)[ \t]*:?$", "(?m)^(?:newslet|subscri)"),
        # An optional group gives no certain characters: kept whole, the cut comes later.
        ("(?:photo: )?open image in gallery", "(?:photo: )?open ima"),
        # A group's flags and a named group's grouping stay when the cut falls inside them.
        ("(?i:related articles)", "(?i:related)"),
        ("(?P<label>updated on|published on) [0-9]+", "(?:updated|publish)"),
        # A group repeated once or more starts with one of its alternatives.
        ("(?:abcdefghijk|lmnopqrstuv)+x", "(?:abcdefg|lmnopqr)"),
        # Long alternatives are cut; short ones keep what follows them, cut in turn.
        ("(?m)^(?:print|listen to this article)[ \t]*$", "(?m)^(?:(?:listen t)|(?:print)[ \t]*$)"),
        ("(?:ab|abcdefghijk)xyz0123", "(?:(?:abcdefg)|(?:ab)xyz01)"),
        # Short patterns stay as they are.
        ("(?m)^more$", "(?m)^more$"),
    ],
)
def test_shorten_keeps_the_start_of_each_alternative(entry: str, short: str) -> None:
    assert shorten(entry) == short
    re2.compile(short)


@pytest.mark.parametrize("pattern", ["(?<name>x)", "a)b", "(ab", "*a"])
def test_text_the_reader_does_not_read_back_is_left_whole(pattern: str) -> None:
    assert parse(pattern) is None
    assert shorten(pattern) == pattern


def test_render_writes_back_what_parse_read() -> None:
    pattern = r"(?m)^[ \t]*(?:[-•]+[ \t]*)?(?P<x>read|see)\s+\Q(more)\E(?s:.){2,}?[^\n]*$"
    tree = parse(pattern)
    assert tree is not None and render(tree) == pattern
