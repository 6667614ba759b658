"""Property tests for the engine's invariants (DESIGN.md, invariants 1-4).

Documents are built from boilerplate fragments the built-in packs target, article words that
look like them, symbols and list marks that decorate a line, and every kind of whitespace
(``\\n``, ``\\r\\n``, blank lines, tabs, unicode spaces). Each property runs over the built-in
chain and over small random chains of every rule kind and scope, whose patterns are drawn
from a tiny alphabet so that they match often.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.core.engine import Chain, clean_text
from cleaner.core.result import Result
from cleaner.core.rule import Rule
from cleaner.core.scope import blank

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BUILTIN = cleaner.load_chain()

BOILERPLATE = [
    " date 2021-04-19 ",
    "date 2025-06-26",
    "Your support helps us to tell the story",
    " Read more Support Now ",
    "Your support makes all the difference.",
    "Your support makes all the difference. Read more",
    "Support Now",
    "Donate today!",
    "Support independent journalism",
    "open image in gallery Crowds on the quay ( AFP/Getty )",
    "open image in gallery A pier at dawn (Reuters)",
    "open image in gallery The mayor ( Jane Doe/Harbour Photos )",
    "Read more",
    "📩 Read more →",
    "- Support Now",
]
ARTICLE = [
    "The",
    "council",
    "said",
    "support",
    "gallery",
    "open",
    "image",
    "date",
    "2021-04-19",
    "makes all the difference",
    "Sir:",
    "(see below)",
    "“quoted”",
    "café",
    "東京",
    "🚢",
    "► ",
    "- ",
    "→",
    "[",
    "]",
    "**",
    "【",
    "】",
    "| ",
    " |",
    ".",
]
WHITESPACE = [" ", "  ", "\t", "\n", "\r\n", "\n\n", "\r\n\r\n", "\n \n"]
WHITESPACE += ["\u00a0", "\u202f", "\u200b", "\u2028"]


def documents(fragments: list[str]) -> st.SearchStrategy[str]:
    """Texts glued together from ``fragments``, whitespace, and a little arbitrary unicode."""
    piece = st.one_of(
        st.sampled_from(fragments),
        st.sampled_from(WHITESPACE),
        st.text(max_size=3),
    )
    return st.lists(piece, max_size=40).map("".join)


builtin_documents = documents(BOILERPLATE + ARTICLE)

# Random chains: patterns over a tiny alphabet, so that matches, overlaps and cuts that bring
# new matches together are common.
TINY = ["a", "b", "ab", "ba", "x", "a b", "b\na", "\r\n"]


@st.composite
def nested(draw: st.DrawFn, inner: st.SearchStrategy[str]) -> str:
    """``inner`` wrapped in repeated fragments, e.g. ``aaaa…b…bbbb``: each cut joins text that
    matches again, so the fixpoint needs one pass per level."""
    left, right = draw(st.sampled_from(TINY)), draw(st.sampled_from(TINY))
    depth = draw(st.integers(1, 12))
    return left * depth + draw(inner) + right * depth


tiny_documents = st.one_of(documents(TINY), nested(documents(TINY)))
REGEXES = [
    r"a+",
    r"ab",
    r"b\s+a",
    r"\n\n",
    r"[ \t]+",
    r"^a",
    r"b$",
    r"(?P<cap>a)b",
    r"x(?P<cap>a|b)?",
    r"\bab\b",
    r"a\r?$",
]


@st.composite
def random_rules(draw: st.DrawFn, index: int) -> Rule:
    kind = draw(st.sampled_from(["phrase", "regex", "line", "block"]))
    scope = draw(st.sampled_from(["anywhere", "anywhere", "head", "tail"]))
    common = {
        "pack": "rand",
        "id": f"r{index}",
        "kind": kind,
        "ignore_case": draw(st.booleans()),
        "scope": scope,
        "scope_lines": draw(st.integers(1, 3)) if scope != "anywhere" else 3,
    }
    if kind == "phrase":
        phrase = draw(st.sampled_from(["a", "ab", "b a", "x", "A B", "a\nb"]))
        return Rule(pattern=phrase, word_boundary=draw(st.booleans()), **common)
    if kind == "block":
        return Rule(
            start=draw(st.sampled_from(["a", "x", "^b"])),
            end=draw(st.sampled_from(["b", "x", "a$", r"(?:\n[ab ]+$)+"])),
            max_chars=draw(st.integers(1, 12)),
            contiguous=draw(st.booleans()),
            **common,
        )
    return Rule(pattern=draw(st.sampled_from(REGEXES)), **common)


@st.composite
def random_chains(draw: st.DrawFn) -> list[Rule]:
    # Rules, not a Chain, so that a failing example prints them.
    count = draw(st.integers(1, 4))
    return [draw(random_rules(index)) for index in range(count)]


def check_invariants(text: str, result: Result, chain: Chain) -> None:
    spans = result.spans
    # 1. Every span's text is exactly the original's slice.
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.text == text[span.start : span.end]
        assert span.line == text.count("\n", 0, span.start) + 1
    # Spans are sorted and never overlap, and the clean text is the input without them.
    for before, after in itertools.pairwise(spans):
        assert before.end <= after.start
    kept, pos = [], 0
    for span in spans:
        kept.append(text[pos : span.start])
        pos = span.end
    kept.append(text[pos:])
    # 4. Kept text is never altered: the clean text is the input with the spans cut out.
    assert result.clean == "".join(kept)
    # 2. Lossless.
    assert cleaner.restore(result.clean, spans) == text
    # 3. Idempotent.
    again = clean_text(result.clean, chain)
    assert again.spans == []
    assert again.clean == result.clean


@SETTINGS
@given(builtin_documents)
def test_builtin_chain_invariants(text: str) -> None:
    check_invariants(text, clean_text(text, BUILTIN, max_removed=None), BUILTIN)


@SETTINGS
@given(builtin_documents)
def test_the_guard_keeps_the_rules_result_or_the_whole_text(text: str) -> None:
    # clean_text's default guard: what the rules did, or nothing at all and one zero-width flag.
    guarded, free = clean_text(text, BUILTIN), clean_text(text, BUILTIN, max_removed=None)
    if guarded.held_back is None:
        assert guarded == free
    else:
        assert guarded.clean == text and guarded.spans == [guarded.held_back]
        assert guarded.held_back.start == guarded.held_back.end == 0
        assert free.clean != text


@SETTINGS
@given(random_chains(), tiny_documents)
def test_random_chain_invariants(rules: list[Rule], text: str) -> None:
    chain = Chain(rules)
    check_invariants(text, clean_text(text, chain), chain)


# Every character str.isspace() accepts (0x1C to 0x1F, U+0085 and U+3000 among them).
SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(SPACES + "a\x7f\u00e9\u200b"), max_size=8), st.integers(0, 3))
def test_a_blank_line_in_utf8_is_what_str_strip_says(line: str, skip: int) -> None:
    data = ("x" * skip + line).encode()
    assert blank(data, skip, len(data)) == (not line.strip())
