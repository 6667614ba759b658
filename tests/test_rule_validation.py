"""Rule-file validation: one path:line:col line per mistake, exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cleaner.commands.app import app
from cleaner.core.patterns import compile_pattern
from cleaner.core.rule import Rule, RuleFileError
from cleaner.rulefiles import located, schema
from cleaner.rulefiles.chain import load_pack
from cleaner.rulefiles.files import MAX_RULE_FILE_BYTES, builtin_rule_files
from cleaner.rulefiles.lint import breadth_problem
from cleaner.rulefiles.schema import check_pack, parse_pack

BAD_RULES = Path(__file__).parent / "data" / "bad_rules"
BAD_FILES = sorted(BAD_RULES.glob("*.yaml"))
runner = CliRunner()


def expected_line(path: Path) -> str:
    """The message a bad rule file must give, from its '# Expect: L:C: message' header."""
    header = path.read_text(encoding="utf-8").splitlines()[1]
    assert header.startswith("# Expect: "), path
    return f"{path.name}:{header.removeprefix('# Expect: ')}"


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line and ": warning: " not in line]


def test_there_are_twenty_distinct_mistakes() -> None:
    messages = {expected_line(path).split(": ", 1)[1] for path in BAD_FILES}
    assert len(BAD_FILES) >= 20
    assert len(messages) == len(BAD_FILES)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_rules_check_names_the_mistake(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)
    result = runner.invoke(app, ["rules", "check", path.name])
    assert result.exit_code == 1  # findings, as ruff reports them
    assert error_lines(result.stdout) == [expected_line(path)]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_clean_refuses_the_file_with_the_same_message(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)
    result = runner.invoke(app, ["clean", "--no-config", "--rules", path.name], input="Some text.\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert error_lines(result.stderr) == [f"cleaner: error: {expected_line(path)}"]


@pytest.mark.parametrize("loader", [yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)])
def test_both_yaml_loaders_give_the_same_messages(loader: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(located, "_FAST_LOADER", loader)
    for path in BAD_FILES:
        _, problems = schema.check_file(path)
        errors = [
            f"{Path(p.path).name}:{p.line}:{p.col}: {p.message}" for p in problems if p.severity == "error"
        ]
        assert errors == [expected_line(path)]


def test_bad_files_through_a_real_process() -> None:
    names = [path.name for path in BAD_FILES]
    check = subprocess.run(
        [sys.executable, "-m", "cleaner", "rules", "check", *names],
        cwd=BAD_RULES,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 1
    assert error_lines(check.stdout) == [expected_line(path) for path in BAD_FILES]
    assert f"{len(names)} files checked: {len(names)} errors" in check.stderr
    assert "Traceback" not in check.stderr

    clean = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", "--no-config", "--rules", "look-ahead.yaml"],
        cwd=BAD_RULES,
        input="Some text.\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert clean.returncode == 2
    assert clean.stdout == ""
    assert clean.stderr.strip() == f"cleaner: error: {expected_line(BAD_RULES / 'look-ahead.yaml')}"


def test_clean_reports_the_errors_of_every_rule_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD_RULES)
    names = ["duplicate-id.yaml", "yaml-alias.yaml"]
    args = ["clean", "--no-config", "--rules", names[0], "--rules", names[1]]
    result = runner.invoke(app, args, input="Some text.\n")
    assert result.exit_code == 2
    assert error_lines(result.stderr) == [f"cleaner: error: {expected_line(BAD_RULES / n)}" for n in names]


def test_every_problem_in_a_file_is_reported_in_line_order() -> None:
    text = """pack: demo
rules:
  - id: teaser
    kind: phrase
    patern: Read more
  - id: advert
    kind: regex
    pattern: 'Advertisement(?=\\n)'
  - id: teaser
    kind: block
    start: 'Related:'
    max_chars: 1
"""
    pack, problems = check_pack(text, "demo.yaml")
    assert pack is None
    assert [str(problem) for problem in problems] == [
        # The misspelt key is one mistake: no second message that 'pattern' is missing.
        "demo.yaml:5:5: unknown key 'patern' in rule; did you mean 'pattern'?",
        "demo.yaml:8:14: bad pattern for RE2: invalid perl operator: (?=; RE2 has no look-arounds (it "
        "matches in linear time and never backtracks): match the surrounding text as part of the "
        "pattern, or use a line or block rule",
        "demo.yaml:9:5: block rule 'teaser' is missing 'end'",
        "demo.yaml:9:9: duplicate id 'teaser' (first defined on line 3)",
        "demo.yaml:12:16: 'max_chars' must be between 2 and 100000, got 1",
    ]
    with pytest.raises(RuleFileError) as raised:
        parse_pack(text, "demo.yaml")
    assert str(raised.value) == "demo.yaml:5:5: unknown key 'patern' in rule; did you mean 'pattern'?"
    assert len(raised.value.problems) == 5


def test_rules_without_examples_warn_but_load() -> None:
    text = "pack: demo\nrules:\n  - id: more\n    kind: phrase\n    pattern: Read more\n"
    pack, problems = check_pack(text, "demo.yaml")
    assert pack is not None and [rule.id for rule in pack.rules] == ["more"]
    assert [str(problem) for problem in problems] == [
        "demo.yaml:3:5: warning: rule 'more' has no examples; add examples.remove and examples.keep "
        "so 'cleaner rules test' can check it"
    ]
    half = text + "    examples:\n      remove: [Read more]\n"
    assert [p.message for p in check_pack(half, "demo.yaml")[1]] == [
        "rule 'more' has no examples.keep (text it must leave alone)"
    ]


def test_a_line_rule_that_can_cross_a_line_break_warns_and_names_the_field() -> None:
    # "\\s" also matches a line break: the rule would be searched over the whole text and every
    # rule would run again after each cut, which made a 5 % boilerplate stream a quarter slower.
    text = (
        "pack: demo\nrules:\n  - id: footer\n    kind: line\n    pattern: '^About\\s?us$'\n"
        "    examples:\n      remove: [About us]\n      keep: [About the town]\n"
    )
    pack, problems = check_pack(text, "demo.yaml")
    assert pack is not None
    assert [str(problem) for problem in problems] == [
        "demo.yaml:5:14: warning: pattern may match across a line break (\\s, (?s), or a negated "
        "class without \\n), so the rule is searched over the whole text and every later pass "
        "runs all rules again; write [ \\t] where no line break is meant"
    ]
    fixed = text.replace("\\s?", "[ \\t]?")
    assert check_pack(fixed, "demo.yaml")[1] == []


def test_a_signals_rule_whose_pattern_can_cross_a_line_break_warns_too() -> None:
    # A class such as [^\\pL] takes a line break as well; in a signals rule it made every
    # later pass run the whole chain again, and a 6 kB article compile 25 more patterns.
    text = (
        "pack: demo\nrules:\n  - id: app\n    kind: signals\n    max_words: 8\n"
        "    pattern: '^Get our app(?:$|[^\\pL])'\n"
        "    examples:\n      remove: [Get our app now]\n      keep: [The app is new.]\n"
    )
    pack, problems = check_pack(text, "demo.yaml")
    assert pack is not None
    assert [(problem.line, problem.message.split(" (")[0]) for problem in problems] == [
        (6, "pattern may match across a line break")
    ]
    fixed = text.replace("[^\\pL]", "[^\\pL\\n]")
    assert check_pack(fixed, "demo.yaml")[1] == []
    # Without a pattern, the rule's own conditions say where it looks: nothing to warn about.
    bare = (
        "pack: demo\nrules:\n  - id: twice\n    kind: signals\n    repeated: true\n"
        '    examples:\n      remove: ["Same line\\nSame line"]\n      keep: [Same line]\n'
    )
    assert check_pack(bare, "demo.yaml")[1] == []


def test_builtin_packs_are_valid_and_carry_examples() -> None:
    for path in builtin_rule_files():
        pack, problems = check_pack(path.read_text(encoding="utf-8"), str(path))
        assert problems == [], problems
        assert pack is not None and pack.name == path.stem  # --pack NAME finds a pack by file name
        for rule in pack.rules:
            assert rule.examples_remove and rule.examples_keep, rule.qualified_id


# --- YAML safety ---------------------------------------------------------------------------


def check_file_via_cli(path: Path) -> tuple[int, list[str], str]:
    result = runner.invoke(app, ["rules", "check", str(path)])
    return result.exit_code, error_lines(result.stdout), result.output


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("pack: huge\nrules: []\n" + "#" * MAX_RULE_FILE_BYTES, encoding="utf-8")
    code, lines, output = check_file_via_cli(path)
    assert code == 1
    assert lines == [f"{path}:1:1: rule file is larger than {MAX_RULE_FILE_BYTES} bytes"]
    assert "Traceback" not in output


def test_alias_bomb_is_refused_at_the_first_alias(tmp_path: Path) -> None:
    # "Billion laughs": each level repeats the previous one ten times; 9 levels = 10**9 strings.
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 10):
        levels.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(levels) + "\npack: bomb\nrules: *a9\n", encoding="utf-8")
    code, lines, output = check_file_via_cli(path)
    assert code == 1
    assert lines == [f"{path}:2:10: YAML aliases (*name) are not allowed in rule files"]
    assert "Traceback" not in output


def test_deep_nesting_is_refused_without_recursing(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    depth = 200_000  # far deeper than Python's recursion limit
    path.write_text("pack: deep\nrules: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    code, lines, output = check_file_via_cli(path)
    assert code == 1
    # The top-level mapping is level 1, so the 20th bracket (column 8 + 19) is level 21.
    assert lines == [f"{path}:2:27: document nested deeper than 20 levels"]
    assert "Traceback" not in output and "RecursionError" not in output


def test_file_that_is_not_utf8_is_named_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("pack: demo\nrules:\n  - id: caf\xe9\n".encode("latin-1"))
    code, lines, _ = check_file_via_cli(path)
    assert code == 1
    assert lines == [f"{path}:3:12: rule file is not valid UTF-8"]


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    code, lines, _ = check_file_via_cli(tmp_path / "nope.yaml")
    assert code == 1
    assert lines == [f"{tmp_path / 'nope.yaml'}:1:1: cannot read rule file: No such file or directory"]
    code, lines, _ = check_file_via_cli(tmp_path)
    assert code == 1
    assert lines == [f"{tmp_path}:1:1: folder has no rule files (*.yaml, *.yml)"]


def test_dates_that_are_not_dates_stay_text() -> None:
    text = "pack: demo\nrules:\n  - id: x\n    kind: phrase\n    pattern: 2024-13-45\n"
    assert [p.message for p in check_pack(text)[1] if p.severity == "error"] == []


def test_empty_file_and_non_mapping_file() -> None:
    assert [str(p) for p in check_pack("", "e.yaml")[1]] == ["e.yaml:1:1: rule file is empty"]
    assert [str(p) for p in check_pack("- a\n", "l.yaml")[1]] == [
        "l.yaml:1:1: rule file must be a mapping, got a list"
    ]


# --- what RE2 cannot express ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "hint"),
    [
        (r"Read more(?= below)", "RE2 has no look-arounds"),
        (r"Read more(?! below)", "RE2 has no look-arounds"),
        (r"(?<=\n)Advertisement", "RE2 has no look-arounds"),
        (r"(?<!The )Newsletter", "RE2 has no look-arounds"),
        (r"(Share) \1", "RE2 has no back-references"),
        (r"(?P<word>Share) (?P=word)", "RE2 has no back-references"),
        (r"(?>Sponsored)", "RE2 needs no atomic groups"),
        (r"Sponsored\s*+:", "RE2 needs no possessive quantifiers"),
        (r"Read more\Z", r"use \z for the end of the text"),
        (r"x{5000}", "RE2 allows repetition counts up to 1000"),
    ],
)
def test_patterns_re2_cannot_express_are_refused_with_a_reason(pattern: str, hint: str) -> None:
    text = f"pack: demo\nrules:\n  - id: x\n    kind: regex\n    pattern: '{pattern}'\n"
    pack, problems = check_pack(text, "demo.yaml")
    assert pack is None
    assert len(problems) == 1
    assert problems[0].line == 5 and problems[0].col == 14
    assert problems[0].message.startswith("bad pattern for RE2: ")
    assert hint in problems[0].message


# --- patterns that match the empty string or any text --------------------------------------


@pytest.mark.parametrize("pattern", [".*", r"\w*", r"(Read more)?", r"\s*", "^", "$"])
def test_patterns_matching_the_empty_string_are_refused(pattern: str) -> None:
    rule = f"pack: demo\nrules:\n  - id: x\n    kind: regex\n    pattern: '{pattern}'\n"
    messages = [p.message for p in check_pack(rule)[1]]
    assert messages == ["pattern matches the empty string, so it would match everywhere"]


@pytest.mark.parametrize("pattern", [r"\b", r"Read more|\b", r"\bx?"])
def test_patterns_with_an_empty_alternative_are_refused(pattern: str) -> None:
    for kind in ("regex", "line"):
        rule = f"pack: demo\nrules:\n  - id: x\n    kind: {kind}\n    pattern: '{pattern}'\n"
        messages = [p.message for p in check_pack(rule)[1]]
        assert len(messages) == 1
        assert messages[0].startswith("pattern can match an empty string")


@pytest.mark.parametrize("pattern", [".+", "(?s).+", r"[\s\S]+", r"[^\n]+", r"(.|\n)+", r"\C+"])
def test_universal_patterns_are_refused(pattern: str) -> None:
    problem = breadth_problem(Rule(pack="p", id="x", kind="regex", pattern=pattern))
    assert problem is not None
    assert problem[1].startswith("pattern matches any text")
    # Scoping to the head of a document does not help: each cut makes a new first line.
    head = Rule(pack="p", id="x", kind="line", pattern=pattern, scope="head", scope_lines=1)
    assert breadth_problem(head) is not None


@pytest.mark.parametrize(
    ("kind", "pattern", "ignore_case"),
    [
        ("regex", r"\w+", False),
        ("regex", r"\S+", False),
        ("regex", r"[a-z]+", True),
        ("regex", r"\w", False),
        ("line", r"\.", False),
        ("line", r"^[A-Z]", False),
        ("line", r"\w", False),
        ("block", r"\w", False),
    ],
)
def test_rules_that_remove_most_ordinary_text_are_refused(kind: str, pattern: str, ignore_case: bool) -> None:
    fields = {"start": pattern, "end": r"\.", "max_chars": 500} if kind == "block" else {"pattern": pattern}
    rule = Rule(pack="p", id="x", kind=kind, ignore_case=ignore_case, **fields)
    problem = breadth_problem(rule)
    assert problem is not None
    assert problem[0] == ("start" if kind == "block" else "pattern")
    assert problem[1].startswith("rule would remove ") and "% of ordinary article text" in problem[1]


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        ("line", r"^ADVERTISEMENT$"),
        ("regex", r"\(Photo: [^()\n]{1,80}\)"),
        ("line", r"^\d{4}$"),  # a short line rule can still be legitimate
        ("regex", r"e"),  # silly, but it does not wipe an article
        ("regex", r"(a+)+$"),
    ],
)
def test_narrow_rules_pass_the_breadth_check(kind: str, pattern: str) -> None:
    assert breadth_problem(Rule(pack="p", id="x", kind=kind, pattern=pattern)) is None


@given(st.text(min_size=1, max_size=40).filter(str.strip), st.booleans(), st.booleans())
def test_no_phrase_rule_is_ever_refused_as_too_broad(
    phrase: str, ignore_case: bool, word_boundary: bool
) -> None:
    rule = Rule(
        pack="p", id="x", kind="phrase", pattern=phrase, ignore_case=ignore_case, word_boundary=word_boundary
    )
    assert breadth_problem(rule) is None


# --- linear time ---------------------------------------------------------------------------


def test_catastrophic_backtracking_pattern_finishes(tmp_path: Path) -> None:
    """(a+)+$ against 50,000 a's and a b takes exponential time in a backtracking engine."""
    text = "a" * 50_000 + "b"
    assert compile_pattern(r"(a+)+$").search(text) is None
    rules = tmp_path / "redos.yaml"
    rules.write_text(
        "pack: redos\nrules:\n  - id: as\n    kind: regex\n    pattern: '(a+)+$'\n", encoding="utf-8"
    )
    # A generous timeout only shows that the run cannot hang; it is not a speed measurement.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cleaner",
            "clean",
            "--no-config",
            "--no-default-rules",
            "--rules",
            str(rules),
        ],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == text


def test_builtin_pack_loads_from_its_file() -> None:
    assert load_pack(builtin_rule_files()[0]).rules
