"""Lowered text and lowered entries agree with RE2's case folding on every cased character."""

from __future__ import annotations

import sys

import re2
from hypothesis import given
from hypothesis import strategies as st

from cleaner.core import casing
from cleaner.core.casing import lower_text, lowered_letter, lowering_changes_any
from cleaner.core.prefilter import fold_case


def _changes_case(char: str) -> bool:
    return char.lower() != char or char.upper() != char or char.casefold() != char


CASED = "".join(char for char in map(chr, range(sys.maxunicode + 1)) if _changes_case(char))


def test_no_character_above_the_scanned_range_has_case() -> None:
    assert max(map(ord, CASED)) <= casing._LAST_CASED


def test_every_character_an_ignore_case_letter_matches_lowers_to_its_entry_letter() -> None:
    """RE2's own folding is the reference: for every cased character, whatever ``(?i)`` that
    character matches among all cased characters lowers to what its entry says, or the
    entry keeps a fold of its own."""
    wrong = []
    for char in CASED:
        written = lowered_letter(char)
        if written is None:
            continue
        for matched in re2.findall("(?i)" + re2.escape(char), CASED):
            if lower_text(matched.encode()).decode() != written:
                wrong.append((char, matched, written))
    assert wrong == []


def test_the_letters_folded_after_lowering_are_lower_case_letters_with_a_single_fold() -> None:
    for char in casing._FOLDED_LOWER:
        assert char.lower() == char
        assert len(char.casefold()) == 1
        assert char.casefold() != char
        assert not char.casefold().isascii()


def test_letters_of_the_nine_languages_are_written_lowered() -> None:
    """Most of a multilingual chain's letters: no fold of their own, so the set compiles quickly."""
    letters = "ÄÖÜẞÉÈÊÀÂÇÑÁÍÓÚÃÕĄĆĘŁŃŚŹŻĲАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯΣΑΒΓ"
    assert [char for char in letters if lowered_letter(char) is None] == []
    assert fold_case("(?i)Datum: ÄNDERUNG, Дата, ΟΔΟΣ") == "datum: änderung, дата, οδοσ"


def test_lowering_keeps_ascii_characters_apart_from_the_others() -> None:
    """RE2's word boundaries read ASCII letters: lowering must not make one of another character."""
    for char in CASED:
        assert lower_text(char.encode()).isascii() == char.isascii(), char
    assert lower_text("İZMİR \u017f \u212a".encode()).decode() == "İzmİr \u017f \u212a"


@given(st.characters(max_codepoint=0x2FFF), st.integers(min_value=0, max_value=300))
def test_lowering_changes_any_agrees_with_each_character(first: str, width: int) -> None:
    last = chr(min(ord(first) + width, 0x2FFF))
    expected = any(
        lower_text(chr(code).encode("utf-8", "surrogatepass")) != chr(code).encode("utf-8", "surrogatepass")
        for code in range(ord(first), ord(last) + 1)
    )
    assert lowering_changes_any(first, last) is expected


@given(st.text(alphabet="AaÄäΣσςİıKk\u212a\u017fßẞДдᲀ ", max_size=12))  # noqa: RUF001
def test_a_case_sensitive_entry_reads_lowered_text_as_its_pattern_reads_the_text(text: str) -> None:
    """fold_case on a pattern without the ignore-case flag: a literal still finds itself."""
    entry = fold_case(re2.escape(text))
    assert re2.search(entry, lower_text(text.encode()).decode()) is not None


def test_the_quick_test_for_folded_letters_sees_every_one_of_them() -> None:
    """lower_text looks for the folded letters only where their first bytes occur."""
    for char in casing._FOLDED_LOWER:
        encoded = char.encode()
        assert encoded in casing._FOLDED_LOWER_PAIRS or encoded[:1] in casing._FOLDED_LOWER_LEADS, char


_CASE_ALPHABET = "AaÄäΣσςİıKk\u212a\u017fßẞДдᲀµ\u0345ϐΩȺꭰ \n\u2019"  # noqa: RUF001


@given(st.text(alphabet=_CASE_ALPHABET, max_size=40))
def test_lowered_text_is_each_letter_lowered_and_folded(text: str) -> None:
    """lower_text gives each character lowered (but those it keeps) and then folded, as a
    character table says: whatever path it takes through the UTF-8."""
    expected = "".join(char if char in casing._KEPT else char.lower() for char in text)
    assert lower_text(text.encode()).decode() == expected.translate(casing._TO_FOLD)


@given(st.text(alphabet=_CASE_ALPHABET, max_size=40), st.data())
def test_a_text_lowered_in_place_serves_every_piece_of_it(text: str, data: st.DataObject) -> None:
    """A slice of the text lowered in place, between character boundaries, is the slice lowered;
    a text whose characters change length under lowering is not lowered in place."""
    encoded = text.encode()
    lowered = casing.lower_in_place(encoded)
    if lowered is None:
        assert len(lower_text(encoded)) != len(encoded) or any(
            len(lower_text(char.encode())) != len(char.encode()) for char in text
        )
        return
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=2)))
    start, end = (len(text[:cut].encode()) for cut in cuts)
    assert lowered[start:end] == lower_text(encoded[start:end])
