"""Loading rule files: the schema, and errors located at path:line:col."""

from __future__ import annotations

import copy
import pickle
import textwrap
from pathlib import Path

import pytest

from cleaner.core.rule import Rule, RuleFileError
from cleaner.rulefiles.chain import load_pack, load_rules
from cleaner.rulefiles.files import builtin_rule_files
from cleaner.rulefiles.schema import parse_pack

GOOD = """\
pack: site
description: Boilerplate on site.example
rules:
  - id: newsletter
    kind: line
    pattern: '^Sign up to our newsletter'
    ignore_case: true
    examples:
      remove: ["Sign up to our newsletter today"]
      keep: ["She did not sign up to anything."]
  - id: appeal
    kind: block
    start: 'Before you go'
    end: 'Thank you\\.'
    max_chars: 500
    scope: tail
    scope_lines: 5
"""


def error(text: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as caught:
        parse_pack(textwrap.dedent(text), "my.yaml")
    return caught.value


def test_a_valid_pack_loads_with_defaults_filled_in() -> None:
    pack = parse_pack(GOOD, "my.yaml")
    assert pack.name == "site"
    assert pack.description == "Boilerplate on site.example"
    newsletter, appeal = pack.rules
    assert newsletter.qualified_id == "site/newsletter"
    assert (newsletter.kind, newsletter.ignore_case, newsletter.scope) == ("line", True, "anywhere")
    assert newsletter.examples_remove == ("Sign up to our newsletter today",)
    assert newsletter.examples_keep == ("She did not sign up to anything.",)
    assert (newsletter.source, newsletter.source_line) == ("my.yaml", 4)
    fields = [appeal.option(key) for key in ("start", "end", "max_chars")]
    assert fields == ["Before you go", "Thank you\\.", 500]
    assert (appeal.scope, appeal.scope_lines, appeal.option("word_boundary")) == ("tail", 5, None)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("pack: site\nrules: [\n", "my.yaml:3:1", "invalid YAML"),
        ("rules:\n  - id: a\n    kind: phrase\n    pattern: x\n", "my.yaml:1:1", "missing 'pack'"),
        ("pack: site\n", "my.yaml:1:1", "missing 'rules'"),
        ("pack: site\nrules: []\n", "my.yaml:2:8", "'rules' must be a non-empty list"),
        ("pack: Site Pack\nrules: [x]\n", "my.yaml:1:7", "pack name 'Site Pack'"),
        ("pack: site\nrule: []\n", "my.yaml:2:1", "unknown key 'rule' in rule file; did you mean 'rules'?"),
        ("- a\n- b\n", "my.yaml:1:1", "rule file must be a mapping, got a list"),
        ("", "my.yaml:1:1", "rule file is empty"),
    ],
)
def test_pack_errors_are_located(text: str, where: str, message: str) -> None:
    exc = error(text)
    assert str(exc).startswith(where + ": ")
    assert message in str(exc)


RULE_ERRORS = [
    # (rule lines, path:line:col, message); the rule starts on line 3, its keys at column 5.
    ("- id: a\n  kind: phrase\n", "my.yaml:3:5", "phrase rule 'a' is missing 'pattern'"),
    ("- kind: phrase\n  pattern: x\n", "my.yaml:3:5", "rule is missing 'id'"),
    ("- id: a\n  kind: phrse\n  pattern: x\n", "my.yaml:4:11", "unknown kind 'phrse'"),
    ("- id: a\n  kind: phrase\n  patern: x\n", "my.yaml:5:5", "did you mean 'pattern'?"),
    ("- id: A!\n  kind: phrase\n  pattern: x\n", "my.yaml:3:9", "id 'A!' must use"),
    ("- id: a\n  kind: regex\n  pattern: 'a(?=b)'\n", "my.yaml:5:14", "bad pattern for RE2"),
    ("- id: a\n  kind: regex\n  pattern: 'x*'\n", "my.yaml:5:14", "matches the empty string"),
    ("- id: a\n  kind: block\n  start: x\n  max_chars: 9\n", "my.yaml:3:5", "missing 'end'"),
    ("- id: a\n  kind: block\n  start: x\n  end: '('\n  max_chars: 9\n", "my.yaml:6:10", "bad end"),
    ("- id: a\n  kind: block\n  start: x\n  end: y\n  max_chars: 0\n", "my.yaml:7:16", "between 2 and"),
    ("- id: a\n  kind: block\n  start: x\n  end: y\n  max_chars: '9'\n", "my.yaml:7:16", "integer"),
    ("- id: a\n  kind: regex\n  pattern: x\n  max_chars: 9\n", "my.yaml:6:16", "only used by block"),
    ("- id: a\n  kind: regex\n  pattern: x\n  word_boundary: true\n", "my.yaml:6:20", "only used by phrase"),
    ("- id: a\n  kind: phrase\n  pattern: x\n  ignore_case: maybe\n", "my.yaml:6:18", "true or false"),
    ("- id: a\n  kind: phrase\n  pattern: x\n  scope: top\n", "my.yaml:6:12", "unknown scope 'top'"),
    ("- id: a\n  kind: phrase\n  pattern: x\n  scope_lines: 2\n", "my.yaml:6:18", "needs scope: head"),
    ("- id: a\n  kind: phrase\n  pattern: ''\n", "my.yaml:5:14", "'pattern' must not be empty"),
    ("- id: a\n  kind: phrase\n  pattern: 5\n", "my.yaml:5:14", "'pattern' must be a string"),
    ("- id: a\n  kind: phrase\n  pattern: x\n  examples: {remove: x}\n", "my.yaml:6:24", "list of strings"),
    (
        "- id: a\n  kind: phrase\n  pattern: x\n  examples: {drop: [x]}\n",
        "my.yaml:6:16",
        "unknown key 'drop'",
    ),
    (
        "- id: a\n  kind: phrase\n  pattern: x\n- id: a\n  kind: phrase\n  pattern: y\n",
        "my.yaml:6:9",
        "duplicate id 'a' (first defined on line 3)",
    ),
    ("- id: a\n  kind: phrase\n  kind: regex\n  pattern: x\n", "my.yaml:5:5", "duplicate key 'kind'"),
]


@pytest.mark.parametrize(("rules", "where", "message"), RULE_ERRORS)
def test_rule_errors_are_located(rules: str, where: str, message: str) -> None:
    text = "pack: site\nrules:\n" + textwrap.indent(rules, "  ")
    exc = error(text)
    assert str(exc).startswith(where + ": "), str(exc)
    assert message in exc.message


def test_yaml_aliases_are_refused() -> None:
    exc = error(
        """\
        pack: site
        rules:
          - &base
            id: a
            kind: phrase
            pattern: x
          - *base
        """
    )
    assert "aliases" in str(exc)
    assert str(exc).startswith("my.yaml:")


def test_load_pack_names_unreadable_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match=r"^.*missing\.yaml:1:1: cannot read rule file"):
        load_pack(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"pack: site\nrules:\n  - id: a\n    kind: phrase\n    pattern: caf\xe9\n")
    with pytest.raises(RuleFileError, match=r"latin\.yaml:5:17: rule file is not valid UTF-8"):
        load_pack(latin)


def test_load_pack_accepts_a_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_pack(path).name == "site"


def test_user_rules_follow_builtins_and_override_by_pack_and_id(tmp_path: Path) -> None:
    builtin = load_rules()
    assert builtin, "the built-in packs define rules"
    target = builtin[0]
    override = tmp_path / "override.yaml"
    override.write_text(
        f"pack: {target.pack}\nrules:\n  - id: {target.id}\n    kind: phrase\n    pattern: Replaced\n"
    )
    extra = tmp_path / "extra.yaml"
    extra.write_text(GOOD)
    rules = load_rules([override, extra])
    ids = [r.qualified_id for r in rules]
    assert ids == [r.qualified_id for r in builtin] + ["site/newsletter", "site/appeal"]
    assert rules[0].option("pattern") == "Replaced"
    assert rules[0].source == str(override)


def test_disabled_rules_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "off.yaml"
    path.write_text(GOOD.replace("    ignore_case: true\n", "    enabled: false\n"))
    assert [r.qualified_id for r in load_rules([path], builtin=False)] == ["site/appeal"]


def test_a_folder_loads_its_yaml_files_in_name_order(tmp_path: Path) -> None:
    for name, pack in (("b.yaml", "second"), ("a.yml", "first"), ("notes.txt", "ignored")):
        (tmp_path / name).write_text(
            f"pack: {pack}\nrules:\n  - id: x\n    kind: phrase\n    pattern: {pack}\n"
        )
    assert [r.qualified_id for r in load_rules([tmp_path], builtin=False)] == ["first/x", "second/x"]


def test_builtin_packs_load_in_file_name_order() -> None:
    files = builtin_rule_files()
    assert files == sorted(files)
    packs = [load_pack(path).name for path in files]
    first_seen = list(dict.fromkeys(r.pack for r in load_rules()))
    assert first_seen == packs


def test_rules_compare_without_where_their_examples_are_written_and_survive_pickling() -> None:
    written = Rule(
        "demo", "more", "line", "^Read more$", examples_remove=["Read more"], examples_remove_at=[(7, 11)]
    )
    elsewhere = written._replace(examples_remove_at=((40, 11),))
    # != too: a tuple's own != would compare every field.
    assert written == elsewhere and (written != elsewhere) is False and hash(written) == hash(elsewhere)
    assert written != written._replace(enabled=False)
    for copied in (pickle.loads(pickle.dumps(written)), copy.deepcopy(written)):
        assert type(copied) is Rule and tuple(copied) == tuple(written)
    assert written.option("pattern") == "^Read more$" and written.examples_remove_at == ((7, 11),)
