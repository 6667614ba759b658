"""Named parts of patterns: written once in a rule file, used by several rules and parts."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from cleaner.core.engine import Chain
from cleaner.core.rule import ERROR, WARNING
from cleaner.rulefiles.files import builtin_rule_files
from cleaner.rulefiles.parts import PART_CALL
from cleaner.rulefiles.schema import check_pack, parse_pack

SITE = """\
pack: site
parts:
  weekday: 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday'
  month: 'January|February|March|April|May|June|July|August|September|October|November|December'
  dated: '(?&weekday), \\d{1,2} (?&month)'
rules:
  - id: date-line
    kind: line
    pattern: '^(?&dated)$'
    examples:
      remove: ["Tuesday, 12 March"]
      keep: ["On Tuesday, 12 March, the council met."]
  - id: posted-on
    kind: regex
    pattern: '^Posted on (?&weekday)\\n'
    examples:
      remove: ["[[Posted on Friday\\n]]The council met."]
      keep: ["Posted on time."]
"""


def test_parts_are_used_by_rules_and_by_later_parts() -> None:
    pack = parse_pack(SITE, "site.yaml")
    date_line = pack.rules[0]
    assert "(?&" not in date_line.option("pattern")
    assert date_line.option("pattern").startswith("^(?:(?:Monday|")
    chain = Chain(pack.rules)
    text = "Tuesday, 12 March\nPosted on Friday\nThe council met on Tuesday, 12 March.\n"
    assert chain.clean(text, max_removed=None).clean == "The council met on Tuesday, 12 March.\n"


def test_a_part_no_rule_uses_is_a_warning_at_its_name() -> None:
    text = SITE.replace("  dated:", "  season: 'spring|summer'\n  dated:")
    pack, problems = check_pack(text, "site.yaml")
    assert pack is not None
    assert [(p.line, p.col, p.severity, p.message) for p in problems] == [
        (5, 3, WARNING, "part 'season' is not used by any rule")
    ]


def test_a_part_that_rule_cannot_compile_is_one_error_at_the_part() -> None:
    text = SITE.replace("'Monday|", "'(Monday|")
    pack, problems = check_pack(text, "site.yaml")
    assert pack is None
    assert [(p.line, p.severity) for p in problems] == [(3, ERROR)]
    assert problems[0].message.startswith("bad part 'weekday' for RE2: missing )")


def test_a_phrase_is_literal_text_even_where_it_looks_like_a_call() -> None:
    text = "pack: p\nparts:\n  x: 'ab'\nrules:\n  - id: r\n    kind: phrase\n    pattern: 'see (?&x)'\n"
    pack = parse_pack(text, "p.yaml")
    assert pack.rules[0].option("pattern") == "see (?&x)"
    assert Chain(pack.rules).clean("Go and see (?&x) now.").clean == "Go and now."


def test_a_bad_part_name_is_refused() -> None:
    pack, problems = check_pack(SITE.replace("  month:", "  Month:"), "site.yaml")
    assert pack is None
    assert problems[0].line == 4 and "part name 'Month'" in problems[0].message


def test_the_builtin_packs_load_with_every_call_replaced() -> None:
    for path in builtin_rule_files():
        for rule in parse_pack(path.read_text(encoding="utf-8"), str(path)).rules:
            for value in rule.options:
                assert not (isinstance(value[1], str) and PART_CALL.search(value[1])), rule.qualified_id


@given(
    st.lists(st.text(alphabet="abcdéß '.", min_size=1, max_size=6), min_size=1, max_size=5),
    st.text(max_size=30),
)
def test_a_part_matches_what_its_text_written_in_place_matches(words: list[str], text: str) -> None:
    vocabulary = "|".join(re.escape(word) for word in words)
    quoted = vocabulary.replace("'", "''")
    with_part = parse_pack(
        f"pack: p\nparts:\n  word: '{quoted}'\nrules:\n  - id: r\n    kind: regex\n    pattern: 'x(?&word)'\n"
    )
    in_place = parse_pack(f"pack: p\nrules:\n  - id: r\n    kind: regex\n    pattern: 'x(?:{quoted})'\n")
    assert Chain(with_part.rules).clean(text).spans == Chain(in_place.rules).clean(text).spans
