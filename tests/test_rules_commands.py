"""cleaner rules list / show / check / test, through Typer's runner and a real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cleaner.commands.app import app
from cleaner.core.rule import Rule, split_marked
from cleaner.rulefiles.chain import load_pack
from cleaner.rulefiles.examples import check_cases, check_examples, mark, run_tests
from cleaner.rulefiles.files import builtin_rule_files
from cleaner.rulefiles.schema import parse_pack

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "docs" / "examples"
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder (its own repository root, so no outer config applies)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


OVERRIDE = """pack: captions
description: A stricter gallery caption for one site
rules:
  - id: gallery-caption
    kind: line
    pattern: '^open image in gallery .*\\( ?AP ?\\)$'
    examples:
      remove: ["open image in gallery Crowds at the gate ( AP )"]
      keep: ["open image in gallery Crowds at the gate ( Reuters )"]
"""


def builtin_rules() -> list[Rule]:
    """The built-in rules in chain order (the packs grow; tests count them rather than assume)."""
    return [rule for path in builtin_rule_files() for rule in load_pack(path).rules]


def table(output: str) -> dict[str, list[str]]:
    """``rules list`` rows by pack/id: [on, kind, scope, source, description...]."""
    rows = {}
    for line in output.splitlines()[1:]:
        if not line.strip() or line.startswith(("ON ", " ")) or " rules on," in line or " rule on," in line:
            continue
        state, pack, rule_id, *rest = line.split()
        rows[f"{pack}/{rule_id}"] = [state, *rest]
    return rows


# --- rules list ----------------------------------------------------------------------------


def test_list_shows_the_builtin_chain_in_order(project: Path) -> None:
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ON", "PACK", "ID", "KIND", "SCOPE", "SOURCE", "DESCRIPTION"]
    rows = table(result.stdout)
    assert list(rows) == [rule.qualified_id for rule in builtin_rules()]  # packs sorted by file name
    assert rows["captions/gallery-caption"][:3] == ["on", "line", "anywhere"]
    assert rows["captions/gallery-caption"][3].startswith("<built-in>/captions.yaml:")
    assert rows["dates/date-header"][:2] == ["on", "regex"]
    assert rows["dates/date-header"][2].startswith("head:")
    assert all(row[0] == "on" for row in rows.values())
    assert lines[-1] == f"{len(rows)} rules on, 0 off; config file: none found"


def test_list_shows_disabled_unselected_and_overriding_rules(project: Path) -> None:
    write(project / "site.yaml", OVERRIDE)
    result = runner.invoke(
        app,
        [
            "rules",
            "list",
            "--pack",
            "captions",
            "--rules",
            "site.yaml",
            "--disable",
            "captions/gallery-caption-inline",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = table(result.stdout)
    assert rows["captions/gallery-caption"][:3] == ["on", "line", "anywhere"]
    assert rows["captions/gallery-caption"][3] == "site.yaml:4"
    assert "(overrides" in " ".join(rows["captions/gallery-caption"])
    assert rows["captions/gallery-caption-inline"][0] == "off"
    assert "(disabled)" in " ".join(rows["captions/gallery-caption-inline"])
    assert rows["dates/date-header"][0] == "off"
    assert "(pack not selected)" in " ".join(rows["dates/date-header"])
    captions = [rule.qualified_id for rule in builtin_rules() if rule.pack == "captions"]
    assert [key for key, row in rows.items() if row[0] == "on"] == [
        key for key in captions if key != "captions/gallery-caption-inline"
    ]
    on = len(captions) - 1
    off = len(builtin_rules()) - on
    assert (
        result.stdout.splitlines()[-1] == f"{on} rule{'s' * (on != 1)} on, {off} off; config file: none found"
    )


def test_list_of_a_bad_rule_file_exits_2(project: Path) -> None:
    write(project / "bad.yaml", "pack: bad\nrules:\n  - id: x\n    kind: regex\n    pattern: '(?=x)'\n")
    result = runner.invoke(app, ["rules", "list", "--rules", "bad.yaml"])
    assert result.exit_code == 2
    assert result.stderr.startswith("bad.yaml:5:14: bad pattern for RE2: invalid perl operator: (?=")


# --- rules show ----------------------------------------------------------------------------


def test_show_by_qualified_or_unique_id(project: Path) -> None:
    by_id = runner.invoke(app, ["rules", "show", "gallery-caption"])
    by_qualified = runner.invoke(app, ["rules", "show", "captions/gallery-caption"])
    assert by_id.exit_code == by_qualified.exit_code == 0
    assert by_id.stdout == by_qualified.stdout
    out = by_id.stdout
    assert out.startswith("captions/gallery-caption: on\n")
    assert "  kind:        line\n" in out
    assert "    - 'open image in gallery The harbour at dawn (Reuters)'\n" in out
    assert "  - id: gallery-caption\n" in out  # the rule's own text from its file
    assert "gallery-caption-inline" not in out.split("  - id: gallery-caption\n")[1]


def test_show_an_ambiguous_or_unknown_id_exits_2(project: Path) -> None:
    write(project / "site.yaml", OVERRIDE.replace("pack: captions", "pack: site"))
    ambiguous = runner.invoke(app, ["rules", "show", "gallery-caption", "--rules", "site.yaml"])
    assert ambiguous.exit_code == 2
    assert "names several rules (captions/gallery-caption, site/gallery-caption)" in ambiguous.stderr
    unknown = runner.invoke(app, ["rules", "show", "galery-caption"])
    assert unknown.exit_code == 2
    assert unknown.stderr.strip().endswith("did you mean 'gallery-caption'?")


def test_show_a_disabled_rule(project: Path) -> None:
    result = runner.invoke(app, ["rules", "show", "dates/date-header", "--disable", "dates"])
    assert result.exit_code == 0
    assert result.stdout.startswith("dates/date-header: off (disabled)\n")


# --- rules check ---------------------------------------------------------------------------


def test_check_a_good_file_and_the_default_chain(project: Path) -> None:
    write(project / "site.yaml", OVERRIDE)
    result = runner.invoke(app, ["rules", "check", "site.yaml"])
    assert (result.exit_code, result.stdout) == (0, "")
    assert "1 file checked: 0 errors, 0 warnings" in result.stderr
    default = runner.invoke(app, ["rules", "check"])
    assert default.exit_code == 0
    assert f"{len(builtin_rule_files())} files checked: 0 errors, 0 warnings" in default.stderr


def test_check_reports_warnings_without_failing(project: Path) -> None:
    write(
        project / "site.yaml", "pack: site\nrules:\n  - id: more\n    kind: phrase\n    pattern: Read more\n"
    )
    result = runner.invoke(app, ["rules", "check", "."])
    assert result.exit_code == 0
    assert result.stdout.startswith("site.yaml:3:5: warning: rule 'more' has no examples;")


# --- rules test ----------------------------------------------------------------------------


def test_builtin_packs_pass_their_own_tests(project: Path) -> None:
    result = runner.invoke(app, ["rules", "test"])
    assert result.exit_code == 0, result.output
    files, rules = len(builtin_rule_files()), len(builtin_rules())
    assert result.stdout.splitlines()[-1].startswith(f"rules test: {files} files, {rules} rules: ")
    assert result.stdout.splitlines()[-1].endswith(" passed, 0 failed")


def test_rules_test_in_a_real_process(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "rules", "test", str(EXAMPLES / "harbour-gazette.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=project,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "rules test: 1 file, 5 rules: 11 passed, 0 failed\n"


FAILING = """pack: site
rules:
  - id: inline-caption
    kind: regex
    pattern: 'open image in gallery [^()\\n]*\\([^()\\n]*\\)[^.]*'
    examples:
      remove:
        - "The crowd cheered. [[open image in gallery Fans ( PA )]] Police closed the road."
        - "Nothing to see here."
      keep:
        - "open image in gallery (x) is fine."
  - id: promo
    kind: block
    start: 'PROMO START'
    end: 'PROMO END'
    max_chars: 20
    examples:
      remove: ["Text. [[PROMO START lots of words in here PROMO END]] More."]
      keep: ["No promo."]
  - id: retired
    kind: phrase
    enabled: false
    pattern: Read more
    examples:
      remove: ["Nothing"]
      keep: ["Read more"]
cases:
  - name: two lines
    input: "Hello.\\nPROMO START x PROMO END\\nBye.\\n"
    expected: "Hello.\\nBye.\\n"
"""


def test_failures_are_located_and_shown_as_diffs(project: Path) -> None:
    write(project / "site.yaml", FAILING)
    result = runner.invoke(app, ["rules", "test", "site.yaml"])
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out[:6] == [
        "site.yaml:8:11: FAIL site/inline-caption: remove example: "
        "the rule removed other text than the marked part",
        "    --- marked in the example",
        "    +++ removed by the rule",
        "    @@ -1 +1 @@",
        "    -The crowd cheered. [[open image in gallery Fans ( PA )]] Police closed the road.",
        "    +The crowd cheered. [[open image in gallery Fans ( PA ) Police closed the road]].",
    ]
    assert "site.yaml:9:11: FAIL site/inline-caption: remove example: the rule removed nothing" in out
    assert "site.yaml:11:11: FAIL site/inline-caption: keep example was changed" in out
    assert "    +[[open image in gallery (x) is fine]]." in out
    assert (
        "site.yaml:18:16: FAIL site/promo: remove example: the rule removed nothing; "
        "the block here is 43 characters, longer than max_chars 20"
    ) in out
    assert "site.yaml:28:5: FAIL pack site, case 'two lines': the clean text differs from 'expected'" in out
    assert "    +PROMO START x PROMO END" in out
    assert out[-1] == "rules test: 1 file, 2 rules, 1 skipped (enabled: false): 1 passed, 5 failed"


def test_bad_rule_file_in_rules_test_exits_2(project: Path) -> None:
    write(project / "bad.yaml", "pack: bad\nrules:\n  - id: x\n    kind: lines\n    pattern: x\n")
    result = runner.invoke(app, ["rules", "test", "bad.yaml"])
    assert result.exit_code == 2
    kinds = "phrase, regex, line, block, signals"
    assert result.stderr == f"bad.yaml:4:11: unknown kind 'lines' (one of {kinds}); did you mean 'line'?\n"


def test_default_rules_test_covers_config_rules(project: Path) -> None:
    write(project / "site.yaml", FAILING)
    write(project / "cleaner.toml", 'rules = ["site.yaml"]\n')
    result = runner.invoke(app, ["rules", "test"])
    assert result.exit_code == 1
    files, rules = len(builtin_rule_files()) + 1, len(builtin_rules()) + 2
    assert result.stdout.splitlines()[-1].startswith(f"rules test: {files} files, {rules} rules, 1 skipped")
    assert runner.invoke(app, ["rules", "test", "--no-config"]).exit_code == 0


# --- the example checks themselves ---------------------------------------------------------


def rule(pattern: str, remove: tuple[str, ...] = (), keep: tuple[str, ...] = (), kind: str = "regex") -> Rule:
    return Rule(pack="t", id="r", kind=kind, pattern=pattern, examples_remove=remove, examples_keep=keep)


def test_marked_part_is_compared_without_the_whitespace_at_its_edges() -> None:
    # The rule takes the space after the credit; the marker does not: whitespace is tidy's business.
    assert check_examples(rule(r"\(PA\) ?", remove=("Cheers. [[(PA)]] Then quiet.",)))[1] == []
    assert check_examples(rule(r"\(PA\)", remove=("Cheers. [[(PA) ]]Then quiet.",)))[1] == []


def test_several_marked_parts_must_all_be_removed() -> None:
    two = ("[[(PA)]] Crowds cheered. [[(AP)]]",)
    assert check_examples(rule(r"\((?:PA|AP)\)", remove=two))[1] == []
    count, failures = check_examples(rule(r"\(PA\)", remove=two))
    assert count == 1 and failures[0].message.endswith("removed other text than the marked part")


def test_unmarked_remove_example_only_needs_a_removal() -> None:
    assert check_examples(rule(r"Read more", remove=("Story. Read more",)))[1] == []


def test_keep_example_must_come_back_untouched() -> None:
    failures = check_examples(rule(r"Read more", keep=("Read more about it.",)))[1]
    assert [f.message for f in failures] == ["keep example was changed"]
    assert failures[0].diff[-1] == "+[[Read more]] about it."


def test_cases_run_through_the_pack_not_the_whole_chain() -> None:
    pack = parse_pack(
        """pack: t
rules:
  - id: more
    kind: line
    pattern: '^Read more$'
cases:
  - input: "open image in gallery A crowd ( AP )\\nRead more\\nStory.\\n"
    expected: "open image in gallery A crowd ( AP )\\nStory.\\n"
"""
    )
    assert check_cases(pack) == []  # the built-in caption rule is not part of this pack's test


def test_run_tests_on_the_guide_example() -> None:
    results = run_tests([EXAMPLES / "harbour-gazette.yaml"])
    assert (results.files, results.rules, results.checks, results.failures) == (1, 5, 11, [])


@st.composite
def marked_texts(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """A text without brackets and non-empty, non-overlapping spans in it."""
    text = draw(st.text(st.characters(blacklist_characters="[]"), min_size=1, max_size=60))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=6)))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
    return text, spans


@given(marked_texts())
def test_marking_and_splitting_are_inverse(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, spans = case
    assert split_marked(mark(text, spans)) == (text, spans)


def test_rules_list_and_check_speak_json_for_programs(tmp_path: Path) -> None:
    import json

    listed = CliRunner().invoke(app, ["rules", "list", "--format", "json", "--no-config"])
    records = json.loads(listed.stdout)
    assert listed.exit_code == 0 and records[0]["rule"] == f"{records[0]['pack']}/{records[0]['id']}"
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack: demo\nrules:\n  - id: a\n    kind: lines\n    pattern: x\n", encoding="utf-8")
    checked = CliRunner().invoke(app, ["rules", "check", str(bad), "--format", "json"])
    (problem,) = json.loads(checked.stdout)
    assert checked.exit_code == 1
    assert (problem["line"], problem["col"], problem["severity"]) == (4, 11, "error")
