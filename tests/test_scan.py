# ruff: noqa: RUF001 - Greek and Cyrillic letters test case folding
"""The optimised matching path finds exactly what the straightforward reference finds."""

from __future__ import annotations

from pathlib import Path

import pytest
import re2
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner import Chain, clean_text, load_chain
from cleaner.core import scan
from cleaner.core.casing import FOLDS_TO_ASCII, lower_text
from cleaner.core.patterns import compile_pattern
from cleaner.core.prefilter import line_local, relax, set_entry
from cleaner.core.rule import Rule
from tests.reference import ReferenceChain, reference_candidates

# Pieces of text that the rules below care about, and the characters around them that matter:
# line breaks, CR, tabs, non-ASCII letters, brackets, no-break spaces.
FRAGMENTS = [
    "Read more",
    "read MORE:",
    "open image in gallery",
    "( AFP/Getty )",
    "(PA)",
    "(",
    ")",
    "date 2024-05-06",
    " date 2021-04-19 ",
    "Support Now",
    "Donate today!",
    "Your support helps us to tell the story",
    "Your support makes all the difference.",
    " Read more",
    "Sign up to our Morning newsletter",
    "Support independent journalism",
    "The council met.",
    "Élan vital",
    "café",
    "\u2019",
    "“quoted”",
    "\n",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "\t",
    "\u00a0",
    "x",
    "é",
    "END",
    "Ωmega",
    "by",
    "Sponsored",
    "-",
    # Case: upper-case letters, non-ASCII capitals, the characters that fold to ASCII letters
    # (Kelvin sign, long s), letters with more than two case forms (sigma, the old rounded
    # Cyrillic ve), and the capital dotted I, whose lower case is two characters.
    "SUPPORT NOW",
    "ÉLAN",
    "Ärger",
    "\u212a",
    "\u017f",
    "ΟΔΟΣ",
    "ς",
    "\u1c80",
    "ВСЕ",
    "\u0130",
    "\u1e9e",
    "Ready",
    "\u017fupport",
    # Whole lines, so that boilerplate lines often follow each other directly.
    "Read more\n",
    "Support Now\n",
    "open image in gallery A crowd ( PA )\n",
    "date 2020-01-01\n",
]
texts = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)

# Pattern pieces for generated rules: literals, classes that do and do not cross lines,
# anchors, alternations, repeats.
PIECES = [
    "Read",
    "more",
    "read more",
    "gallery",
    "open image",
    r"\(",
    r"\)",
    "date",
    "Support",
    "é",
    "Ω",
    r"[ \t]*",
    r"\s*",
    r"\s+",
    r"[^\n]{0,12}",
    r"[^()]*",
    r"[^()\n]*?",
    r".*",
    r".{0,5}",
    r"\d{4}",
    r"\b",
    "^",
    "$",
    r"\A",
    r"\z",
    "(?:Now|today)",
    "(?:more|gallery)",
    # Optional groups as long as an entry's budget (a label before a date), and shorter.
    "(?:Published on|Last updated on)?",
    "(?:Now|today)?",
    r"\w+",
    r"[A-Z]",
    "(?s:.)",
    r"\r?",
    "[[:alpha:]]",
    r"\pL",
    "x?",
    "(?P<cap>[a-z]+)",
    "[^a-z]",
    "[A-Za-z]+",
    "[éÉ]",
    r"\QRead\E",
    "(?i:more)",
    "SUPPORT",
    "Élan",
    "k",
    "s",
    r"\p{Lu}",
    "σ",
    "все",
    "[вс]",
    "[^в]",
    "ß",
    "\u0130",
    "[0-`]",
    "(?:related articles|see also|more on this story)",
    "(?P<label>updated|published) (?:on )?",
    # A hyphen escaped in a class is a member, not a range.
    "[a\\-c]",
    "[•\\-]?",
]
patterns = st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map("".join)


def _rule(draw, index: int) -> Rule:
    kind = draw(st.sampled_from(["phrase", "regex", "line", "block", "signals"]))
    scope = draw(st.sampled_from(["anywhere", "anywhere", "head", "tail"]))
    common = {
        "pack": "gen",
        "id": f"r{index}",
        "kind": kind,
        "ignore_case": draw(st.booleans()),
        "scope": scope,
        "scope_lines": draw(st.integers(1, 3)),
    }
    if kind == "phrase":
        return Rule(
            pattern=draw(st.sampled_from([*FRAGMENTS[:20], "é", "x", "(PA)"])).strip() or "x",
            word_boundary=draw(st.booleans()),
            **common,
        )
    if kind == "signals":  # without a pattern: it may match in any text, and is in no set
        return Rule(max_words=draw(st.integers(1, 4)), **common)
    if kind == "block":
        return Rule(start=draw(patterns), end=draw(patterns), max_chars=draw(st.integers(1, 60)), **common)
    return Rule(pattern=draw(patterns), **common)


@st.composite
def chains(draw) -> Chain:
    rules = []
    for index in range(draw(st.integers(1, 5))):
        rule = _rule(draw, index)
        try:
            Chain([rule])
        except ValueError:  # RE2 refuses it, or it matches the empty string
            continue
        rules.append(rule)
    return Chain(rules)


def _key(found):
    return sorted((s, e, i, tuple(sorted(c.items()))) for s, e, i, c in found)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain=chains(), text=texts)
def test_generated_rules_find_what_the_reference_finds(chain: Chain, text: str) -> None:
    assert _key(chain.candidates(text)) == _key(reference_candidates(chain, text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain=chains(), text=texts, starts=st.booleans(), ends=st.booleans())
def test_cleaning_with_generated_rules_matches_the_reference(
    chain: Chain, text: str, starts: bool, ends: bool
) -> None:
    """The whole fixpoint, where later passes look only at the lines a cut touched."""
    reference = ReferenceChain(chain.rules)
    got = clean_text(text, chain, starts_document=starts, ends_document=ends)
    assert got == clean_text(text, reference, starts_document=starts, ends_document=ends)


DEFAULT = load_chain()


@settings(max_examples=60, deadline=None)  # the full default chain is slow to run by reference
@given(text=texts)
# Cutting a caption out of the middle of a line makes "Support Now" lines, found in pass two.
@example(text="Support open image in gallery A ( PA )Now\n\nx\n\nDonate open image in gallery B ( AP )today")
def test_cleaning_with_the_default_chain_matches_the_reference(text: str) -> None:
    assert clean_text(text, DEFAULT) == clean_text(text, ReferenceChain(DEFAULT.rules))


@settings(max_examples=300, deadline=None)
@given(text=texts)
@example(text="open image in gallery A (\nB )\n")
@example(text="x\r\nRead more\r\n")
@example(text="Support Now\nSupport Now\nopen image in gallery A ( PA )\nopen image in gallery B ( AP )")
def test_default_chain_finds_what_the_reference_finds(text: str) -> None:
    assert _key(DEFAULT.candidates(text)) == _key(reference_candidates(DEFAULT, text))


def test_candidates_on_a_long_document_match_the_reference() -> None:
    paragraph = "The council met on Monday. “Nobody wants this,” said Zoë Müller.\n\n"
    boiler = [
        "open image in gallery Crowds outside ( AFP/Getty )\n\n",
        "Your support helps us to tell the story Read more Support Now é "
        "Your support makes all the difference. Read more\n\n",
        "Support Now\n\n",
    ]
    text = "date 2024-05-06\n" + "".join(paragraph * (i % 7) + boiler[i % 3] for i in range(300))
    assert _key(DEFAULT.candidates(text)) == _key(reference_candidates(DEFAULT, text))
    assert clean_text(text, DEFAULT).clean.count("open image") == 0


@settings(max_examples=400, deadline=None)
@given(pattern=patterns, text=texts, ignore_case=st.booleans())
def test_analysis_is_sound_on_samples(pattern: str, text: str, ignore_case: bool) -> None:
    """Where the analysis says "line-local", no match crosses a line; the relaxed pattern
    matches wherever the pattern does."""
    try:
        regex = compile_pattern(pattern, ignore_case=ignore_case)
    except ValueError:
        return
    local = line_local(regex.pattern)
    relaxed = re2.compile(relax(regex.pattern))
    for match in regex.finditer(text):
        if local:
            assert "\n" not in match.group()
        assert relaxed.search(text, match.start(), match.end()) is not None


@settings(max_examples=400, deadline=None)
@given(pattern=patterns, text=texts, ignore_case=st.booleans())
def test_set_entries_match_wherever_the_pattern_does(pattern: str, text: str, ignore_case: bool) -> None:
    """A rule's entry in the prefilter set matches, in its text (lowered when the set reads
    lowered text), wherever the rule's pattern matches the text as it is."""
    try:
        regex = compile_pattern(pattern, ignore_case=ignore_case)
    except ValueError:
        return
    entry, lowered = set_entry(regex.pattern)
    seen = lower_text(text.encode()).decode() if lowered else text  # as long as the text
    found = re2.compile(entry)
    folds = re2.compile(f"[{FOLDS_TO_ASCII}]")
    for match in regex.finditer(text):
        span = (match.start(), match.end())
        assert found.search(seen, *span) is not None or (lowered and folds.search(seen, *span) is not None)


@pytest.mark.parametrize(
    ("pattern", "local"),
    [
        (r"^[ \t]*Read more[ \t]*$", True),
        (r"^\s*Read more", False),
        (r"open image in gallery\b.*\((?P<credit>[^()\n]*)\)", True),
        (r"open image in gallery\b.*\((?P<credit>[^()]*)\)", False),
        (r"(?s)open image in gallery\b.*\(", False),
        (r"[[:space:]]Read", False),
        (r"[[:alpha:]]Read", False),  # POSIX classes are not read: the safe answer
        (r"\pL+ more", True),
        (r"[\p{Lu}][^\n.!?]{0,60}", True),
        (r"[^\p{Lu}]+", False),
        (r"\P{Lu}", False),
        (r"\p{^Lu}", False),
        (r"\p{Cc}", False),
        (r"[^\p{Cc}]+", True),
        (r"\p{Greek}+", True),
        (r"\p{Common}", False),
        (r"\QRead more\E", False),
        (r"(?s:.)x", False),
        (r"\d+ min read", True),
        (r"a{,3}x", True),
    ],
)
def test_line_locality_of_typical_patterns(pattern: str, local: bool) -> None:
    assert line_local(pattern) is local


@pytest.mark.parametrize(
    ("pattern", "relaxed"),
    [
        (r"[^\n]{0,300}$", r"[^\n]*$"),
        (r"\d{4}-\d{1,2}", r"\d+-\d+"),
        (r"x{2,}?", r"x+?"),
        (r"a{,3}", r"a{,3}"),  # literal text to RE2
        (r"[{]{2}[x{2}]", r"[{]+[x{2}]"),
        (r"[]{2}]x", r"[]{2}]x"),
        # A Unicode or POSIX class becomes any character: but the line break, when it cannot
        # match one, so the entry stays within its line.
        (r"[[:alpha:]{2}]", r"[^\n]"),
        (r"\{2}\p{Lu}{3}", r"\{2}[^\n]+"),
        (r"[^\p{Lu}\n]x", r"[^\n]x"),
        (r"[^\p{Lu}]x", r"(?s:.)x"),
        (r"\P{Lu}x", r"(?s:.)x"),
        (r"[[:space:]]x", r"(?s:.)x"),
        (r"[^[:alpha:]]x", r"(?s:.)x"),
        (r"[^\pL\pN\n]x", r"[^\n]x"),
        (r"\Qa{2}\Eb{2}", r"\Qa{2}\Eb+"),
    ],
)
def test_relaxing_widens_repeats_and_unicode_classes_only(pattern: str, relaxed: str) -> None:
    assert relax(pattern) == relaxed
    re2.compile(relaxed)


def test_every_builtin_rule_is_line_local_or_scoped() -> None:
    """Line-local rules are found block by block, head and tail rules look at a few lines; any
    other rule costs a pass over the whole document."""
    spread = [m for m in DEFAULT.matchers if not m.line_local and m.rule.scope == "anywhere"]
    assert [m.rule.qualified_id for m in spread] == []


@pytest.mark.parametrize(
    "forced",
    [
        # Long texts are searched with one set of case-keeping entries instead of two.
        "ONE_SET_FROM",
        # Once a process has searched enough text, short texts are searched with the sets alone,
        # without the table of line openings.
        "GATED_UNTIL",
    ],
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain=chains(), text=texts)
def test_the_sets_of_each_kind_of_text_find_what_the_reference_finds(
    forced: str, chain: Chain, text: str
) -> None:
    """Each way of searching, forced from the first short text, must find the same."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan, forced, 0)
        assert _key(Chain(chain.rules).candidates(text)) == _key(reference_candidates(chain, text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain=chains(), text=texts)
def test_the_table_of_openings_answers_as_the_sets_do(chain: Chain, text: str) -> None:
    """Exactly, piece by piece: each entry the table takes is confirmed by itself, and its other
    alternatives stay in a set (the default chain's case: tests/test_openings.py)."""
    scanner = Chain(chain.rules)._scanner
    gated = scan._EntrySets(scanner.matchers, scanner.by_block, gated=True)
    sets = scan._EntrySets(scanner.matchers, scanner.by_block)
    for piece in (text.encode(), *text.encode().split(b"\n\n")):
        assert sorted(set(gated.hits(piece))) == sorted(set(sets.hits(piece)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain=chains(), text=texts)
def test_a_long_text_is_cleaned_as_a_short_one(chain: Chain, text: str) -> None:
    """A long text uses its one set in every pass, also to find what a later pass may find."""
    short = Chain(chain.rules).clean(text, max_removed=None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan, "ONE_SET_FROM", 0)
        long = Chain(chain.rules).clean(text, max_removed=None)
    assert (long.clean, long.spans) == (short.clean, short.spans)


@pytest.mark.parametrize("name", ["news-furniture", "news-furniture-de", "news-furniture-ru", "seed-shape"])
def test_the_fixtures_cleaned_as_long_texts_are_exact(name: str) -> None:
    folder = Path(__file__).resolve().parents[1] / "fixtures" / name
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan, "ONE_SET_FROM", 0)
        cleaned = load_chain().clean((folder / "input.txt").read_text(encoding="utf-8"))
    assert cleaned.clean == (folder / "expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "READ MORE: The harbour reopens\nStory.\n",
        "Story.\nLesen Sie auch: Die Brücke bleibt zu\n",
        "\u212aommentare\nStory.\n",  # a Kelvin sign, which folds to "k"
        "open image in gallery Boats at dawn ( PA )\nÉ\n",
    ],
)
def test_the_one_set_with_the_default_chain_finds_what_the_two_sets_find(text: str) -> None:
    two = _key(load_chain().candidates(text))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan, "ONE_SET_FROM", 0)
        assert _key(load_chain().candidates(text)) == two
    assert two


def test_a_document_is_lowered_only_for_a_chain_whose_sets_read_lowered_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lowered: list[bytes] = []
    monkeypatch.setattr(scan, "lower_in_place", lambda data: lowered.append(data) or data.lower())
    text = "Story.\nRead more\nÉté.\n"
    for ignore_case in (False, True):
        chain = Chain([Rule(pack="p", id="x", kind="line", pattern="^Read more$", ignore_case=ignore_case)])
        assert [span.text for span in chain.clean(text, max_removed=None).spans][:1] == ["Read more"]
    assert lowered == [text.encode()]
