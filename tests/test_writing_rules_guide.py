"""docs/writing-rules.md tells the truth: its files, commands and outputs are the real ones."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.commands.app import app
from cleaner.rulefiles.chain import load_pack
from cleaner.rulefiles.files import builtin_rule_files

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "writing-rules.md"
EXAMPLES = REPO / "docs" / "examples"
runner = CliRunner()


def blocks(language: str) -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(blocks("text")[0], encoding="utf-8")
    return tmp_path


def output(result) -> str:  # stdout, then the one-line summary that goes to stderr
    return result.stdout + result.stderr


def finished() -> str:
    """The finished rule file of the walk-through, as the guide shows it."""
    files = [block for block in blocks("yaml") if block.startswith("pack: harbour-gazette\n")]
    return next(block for block in files if "cases:" in block)


def test_guide_files_are_the_example_files() -> None:
    assert blocks("text")[0] == (EXAMPLES / "article.txt").read_text(encoding="utf-8")
    assert finished() == (EXAMPLES / "harbour-gazette.yaml").read_text(encoding="utf-8")


def test_guide_links_to_readme_sections_that_exist() -> None:
    anchors = re.findall(r"\]\(\.\./README\.md#([a-z0-9-]+)\)", GUIDE.read_text(encoding="utf-8"))
    headings = re.findall(r"^#+ (.+)$", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.MULTILINE)
    slugs = {re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-") for heading in headings}
    assert anchors and set(anchors) <= slugs


def test_following_the_guide_step_by_step(workdir: Path) -> None:
    texts = blocks("text")
    draft = blocks("yaml")[0]
    rules = workdir / "harbour-gazette.yaml"

    # 1. The built-in packs take off only the closing run of headlines, by its shape, and
    # explain shows the values that decided.
    closing = "Elsewhere in the Gazette\nFish market to open on Sundays\n"
    closing += "Lifeboat crew honoured for winter rescue\nBack to the front page\n"
    assert texts[0].endswith(closing)
    assert runner.invoke(app, ["clean", "article.txt"]).stdout == texts[0].removesuffix(closing)
    explained = runner.invoke(app, ["explain", "article.txt"]).stdout
    assert texts[1].startswith("...\n")
    assert explained.endswith(texts[1].removeprefix("...\n"))
    texts = texts[:1] + texts[2:]

    # 3. Check the draft.
    rules.write_text(draft, encoding="utf-8")
    checked = runner.invoke(app, ["rules", "check", "harbour-gazette.yaml"])
    assert checked.exit_code == 1
    assert output(checked) == texts[1]

    # The fixes the guide shows: scope head, examples, a pattern without a look-ahead.
    fixed = (
        draft.replace("scope: top", "scope: head")
        .replace(
            "    pattern: '^Tide Radio reads aloud · \\d+ min$'\n",
            "    pattern: '^Tide Radio reads aloud · \\d+ min$'\n"
            "    examples:\n"
            '      remove: ["Tide Radio reads aloud · 4 min"]\n'
            '      keep: ["Tide Radio reads aloud the letters of the pier\'s critics every Sunday."]\n',
        )
        .replace(
            "    pattern: '^Get the .+ newsletter(?=:)'\n",
            "    pattern: '^Get the [A-Z][\\w ]{0,40} newsletter: .{0,200}Join in$'\n"
            "    examples:\n"
            '      remove: ["Get the Morning Tide newsletter: harbour news before breakfast. Join in"]\n'
            '      keep: ["Get the newsletter out on time, the editor told us: nothing else mattered."]\n',
        )
    )
    rules.write_text(fixed, encoding="utf-8")
    assert output(runner.invoke(app, ["rules", "check", "harbour-gazette.yaml"])).endswith(
        "0 errors, 0 warnings\n"
    )

    # 4. Test it: the greedy photo credit fails, with the diff the guide shows.
    tested = runner.invoke(app, ["rules", "test", "harbour-gazette.yaml"])
    assert tested.exit_code == 1
    assert tested.stdout == texts[2]

    # The finished file passes.
    rules.write_text(finished(), encoding="utf-8")
    passed = runner.invoke(app, ["rules", "test", "harbour-gazette.yaml"])
    assert (passed.exit_code, passed.stdout) == (0, texts[3])

    # 5. Apply it.
    cleaned = runner.invoke(
        app, ["clean", "article.txt", "--rules", "harbour-gazette.yaml", "--report", "r.jsonl"]
    )
    assert cleaned.exit_code == 0
    assert cleaned.stdout == texts[4]
    records = [json.loads(line) for line in (workdir / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    shown = json.loads(blocks("json")[0])
    assert shown in records

    # 6. Keep it on with cleaner.toml.
    (workdir / "cleaner.toml").write_text(blocks("toml")[0], encoding="utf-8")
    assert runner.invoke(app, ["clean", "article.txt"]).stdout == texts[4]
    listed = runner.invoke(app, ["rules", "list"]).stdout.splitlines()
    on = sum(len(load_pack(path).rules) for path in builtin_rule_files()) + 5
    assert listed[-1] == f"{on} rules on, 0 off; config file: {workdir / 'cleaner.toml'}"
    guide_rows = [line for line in texts[5].splitlines() if line.startswith("on  harbour-gazette")]
    for row in guide_rows:
        real = next(line for line in listed if line.split()[:3] == row.split()[:3])
        assert real.split()[:6] == row.split()[:6]


def test_the_signals_example_tests_and_explains_as_shown(workdir: Path) -> None:
    texts = blocks("text")
    example = blocks("yaml")[-1]
    assert example.startswith("pack: harbour-gazette-shapes\n")
    (workdir / "harbour-gazette-shapes.yaml").write_text(example, encoding="utf-8")
    tested = runner.invoke(app, ["rules", "test", "harbour-gazette-shapes.yaml"])
    assert (tested.exit_code, tested.stdout) == (0, texts[-2])
    page = "HARBOUR NEWS\nFerry timetable to change after pier repairs\n"
    page += "The island ferry will run an hour later on weekdays from next month.\n"
    (workdir / "page.txt").write_text(page, encoding="utf-8")
    explained = runner.invoke(app, ["explain", "page.txt", "--rules", "harbour-gazette-shapes.yaml"]).stdout
    assert explained.startswith(texts[-1])


def test_the_html_examples_run_as_a_page(workdir: Path) -> None:
    """examples.html makes the rule's examples text from a page: its remove example is cut, and
    the same text as plain text is not."""
    example = next(block for block in blocks("yaml") if block.startswith("pack: harbour-gazette-links\n"))
    (workdir / "links.yaml").write_text(example, encoding="utf-8")
    tested = runner.invoke(app, ["rules", "test", "links.yaml"])
    assert (tested.exit_code, tested.stdout) == (0, "rules test: 1 file, 1 rule: 2 passed, 0 failed\n")
    plain = "The island ferry will run an hour later.\n- Ferry fares to rise in spring\n"
    (workdir / "page.txt").write_text(plain, encoding="utf-8")
    cleaned = runner.invoke(app, ["clean", "page.txt", "--rules", "links.yaml", "--no-default-rules"])
    assert (cleaned.exit_code, cleaned.stdout) == (0, plain)


def test_the_parts_example_checks_and_passes(workdir: Path) -> None:
    example = next(block for block in blocks("yaml") if block.startswith("pack: harbour-gazette-dates\n"))
    (workdir / "dates.yaml").write_text(example, encoding="utf-8")
    checked = runner.invoke(app, ["rules", "check", "dates.yaml"])
    assert (checked.exit_code, checked.stdout) == (0, "")
    tested = runner.invoke(app, ["rules", "test", "dates.yaml"])
    assert (tested.exit_code, tested.stdout) == (0, "rules test: 1 file, 2 rules: 5 passed, 0 failed\n")


def test_readme_rule_file_examples_check_and_pass(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    # Blocks inside list items are indented: take them out of their indent.
    found = re.findall(r"^( *)```yaml\n(.*?)^\1```$", readme, flags=re.MULTILINE | re.DOTALL)
    examples = [textwrap.dedent(block) for _, block in found]
    packs = [block for block in examples if block.startswith("pack: my-site")]
    assert len(packs) >= 2  # the rule-file example and the repeated-line one
    for number, example in enumerate(packs):
        path = tmp_path / f"my-site-{number}.yaml"
        path.write_text(example, encoding="utf-8")
        checked = runner.invoke(app, ["rules", "check", str(path)])
        assert (checked.exit_code, checked.stdout) == (0, ""), example
        assert runner.invoke(app, ["rules", "test", str(path)]).exit_code == 0, example
