"""What ``learn`` must not propose, and the line-level pieces it is built on (keys, templates,
patterns, names), with properties over generated text."""

from __future__ import annotations

import random
from pathlib import Path

import article_text
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.core.patterns import compile_pattern
from cleaner.learn.lines import display, fill, line_key, line_pattern, slot_values, template
from cleaner.learn.run import LearnOptions, learn
from cleaner.learn.select import Thresholds, group_slugs, slug

PROSE = (
    "The council has said it will publish the full report on the flooding before the end of "
    "the year, and that residents will be able to comment on it."
)


def write_site(folder: Path, count: int, extra: dict[int, list[str]], seed: int = 1) -> None:
    """``count`` articles of varied prose, each closing with a masthead line; ``extra[n]`` adds
    lines to article ``n``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        lines = [article_text.headline(rng, "en")]
        lines += [article_text.paragraph(rng, "en") for _ in range(6)]
        lines[3:3] = extra.get(n, [])
        lines.append("The Lantern Weekly")
        (folder / f"{n:03d}.txt").write_text("\n\n".join(lines) + "\n")


def proposals(folder: Path, **limits: float) -> tuple[list[str], list[tuple[str, str]]]:
    outcome = learn(LearnOptions((str(folder),), jobs=1, limits=Thresholds(**limits)))
    group = outcome.groups[0]
    return [p.example for p in group.proposed], [(p.example, p.reason or "") for p in group.held_back]


def test_a_prose_line_below_the_prose_share_is_held_back(tmp_path: Path) -> None:
    write_site(tmp_path / "site", 20, {n: [PROSE] for n in range(6)})  # 30 %
    proposed, held = proposals(tmp_path / "site")
    assert proposed == ["The Lantern Weekly"]
    why = "reads like article text, and is in 30 % of the documents, under --prose-share 50 %"
    assert held == [(PROSE, why)]


def test_a_prose_line_in_most_documents_is_proposed_for_review(tmp_path: Path) -> None:
    write_site(tmp_path / "site", 20, {n: [PROSE] for n in range(12)})  # 60 %
    outcome = learn(LearnOptions((str(tmp_path / "site"),), jobs=1))
    by_text = {p.example: p for p in outcome.groups[0].proposed}
    assert by_text[PROSE].review and not by_text["The Lantern Weekly"].review


def test_quotations_two_articles_share_are_not_boilerplate(tmp_path: Path) -> None:
    quotes = [
        "“We were told one thing and then another,” said Niamh Varga, a resident of the estate.",
        "“Nobody here asked for this.”",
        "„Das ist noch nicht das letzte Wort“, sagte Omar Haddad in Köln.",
    ]
    extra = {0: quotes[:1], 5: quotes[:1], 1: quotes[1:2], 7: quotes[1:2], 2: quotes[2:], 9: quotes[2:]}
    write_site(tmp_path / "site", 12, extra)
    # Even with the lowest thresholds (two documents, any share), a quotation is held back.
    proposed, held = proposals(tmp_path / "site", min_docs=2, min_share=0.0)
    assert proposed == ["The Lantern Weekly"]
    assert sorted(text for text, _ in held) == sorted(quotes)


def test_lines_in_fewer_documents_than_the_thresholds_are_not_candidates(tmp_path: Path) -> None:
    extra = {0: ["Subscribe"], 1: ["Subscribe"], 2: ["Donate"], 3: ["Donate"], 4: ["Donate"]}
    write_site(tmp_path / "site", 10, extra)
    assert proposals(tmp_path / "site")[0] == ["The Lantern Weekly", "Donate"]  # --min-docs 3
    assert proposals(tmp_path / "site", min_share=0.5)[0] == ["The Lantern Weekly"]


def test_lines_without_letters_are_left_alone(tmp_path: Path) -> None:
    extra = {n: ["* * *", f"{n + 1} June 2024"] for n in range(10)}
    write_site(tmp_path / "site", 10, extra)
    assert proposals(tmp_path / "site")[0] == ["The Lantern Weekly"]


def test_max_rules_keeps_the_most_useful(tmp_path: Path) -> None:
    extra = {n: ["Advertisement", "Share this story with a friend today"] for n in range(10)}
    write_site(tmp_path / "site", 10, extra)
    proposed, held = proposals(tmp_path / "site", max_rules=1)
    assert proposed == ["Share this story with a friend today"]
    assert ("Advertisement", "beyond --max-rules 1") in held


# --- Keys, templates, patterns, names ----------------------------------------------------

LINE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\n\r\ue000\ue001"), max_size=60
)


@given(LINE_TEXT)
@settings(max_examples=300, deadline=None)
def test_a_key_is_matched_whole_by_its_own_pattern(text: str) -> None:
    key = line_key(text)
    if not key:
        return
    compiled = compile_pattern(line_pattern(key))
    assert compiled.search(f"\ue000\n{key}\r\n\ue000") is not None
    assert compiled.search(f"\ue000\n{key} and more\n\ue000") is None


@given(LINE_TEXT)
@settings(max_examples=300, deadline=None)
def test_a_template_and_its_slot_values_give_back_the_line(text: str) -> None:
    key = line_key(text)
    masked = template(key)
    if masked is None:
        return
    values = slot_values(key, masked)
    assert fill(masked, values) == key
    compiled = compile_pattern(line_pattern(masked))
    assert compiled.search(key) is not None


def test_templates_mask_digits_and_month_and_day_names_in_several_languages() -> None:
    shown = [
        display(template(line))  # type: ignore[arg-type]
        for line in (
            "Updated 5 June 2024, 14:32",
            "Aktualisiert am 3. März 2021",
            "Publicado el 7 de septiembre de 2023",
            "Mis à jour le mardi 4 févr. 2020",
            "Опубликовано 12 января 2022",
        )
    ]
    assert shown == [
        "Updated <N> <MONTH> <N>, <N>:<N>",
        "Aktualisiert am <N>. <MONTH> <N>",
        "Publicado el <N> de <MONTH> de <N>",
        "Mis à jour le <MONTH> <N> <MONTH>. <N>",
        "Опубликовано <N> <MONTH> <N>",
    ]


def test_patterns_escape_what_re2_would_read() -> None:
    for line, near in (
        ("Price: $5.99 (was $7) [sale] {now} ^up* | a?b", "Price: $5x99 (was $7) [sale] {now} ^up* | a?b"),
        ("Back\\slash", "Back\\\\slash"),
        ("C++ & C# news", "CC & C# news"),
    ):
        compiled = compile_pattern(line_pattern(line))
        assert compiled.search(line) is not None and compiled.search(near) is None


def test_spacing_variants_widen_the_pattern_only_when_seen() -> None:
    assert line_pattern("Share this") == "^Share this\\r?$"
    wide = compile_pattern(line_pattern("Share this", any_space=True, padded=True))
    assert wide.search("  Share\u00a0\t this \r\n") is not None


def test_names_are_valid_ids_and_distinct() -> None:
    assert slug("Listen to this article · \ue000 min") == "listen-to-this-article-min"
    assert slug("日本語のみ") == ""
    slugs = group_slugs(["raw/a/news", "raw/b/news", "example.org", "raw/site"])
    assert slugs == {
        "raw/a/news": "raw-a-news",
        "raw/b/news": "raw-b-news",
        "example.org": "example-org",
        "raw/site": "site",
    }


def test_a_keep_example_the_rule_would_cut_is_left_out() -> None:
    from cleaner.learn.collect import Stats
    from cleaner.learn.pack import build_packs
    from cleaner.learn.select import select_group

    stats = Stats("raw", "Page \ue000 of \ue000", True, docs=9, chars=90, head=9, tail=9)
    stats.variants = ["Page 1 of 2", "Page 2 of 2"]
    group = select_group("raw", 10, {b"1": stats}, "Page 10 of 12", Thresholds())
    [pack] = build_packs([group], None, None, "raw/")
    assert group.proposed[0].keep is None and "keep:" not in pack.text
