"""The --max-removed guard: a document the rules would mostly wipe is left alone and flagged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from texts import GUARDED_CAPTIONS, MOSTLY_CAPTION, guarded_chain
from typer.testing import CliRunner

import cleaner
from cleaner.commands.app import app
from cleaner.core.engine import clean_text
from cleaner.core.guard import DEFAULT_MAX_REMOVED
from cleaner.core.result import GUARD_RULE
from cleaner.core.rule import Rule

REPO = Path(__file__).resolve().parents[1]
CHAIN = guarded_chain()


def test_a_document_over_the_limit_is_left_unchanged_and_flagged() -> None:
    result = clean_text(MOSTLY_CAPTION, CHAIN, max_removed=0.5)
    assert result.clean == MOSTLY_CAPTION
    assert not result.changed
    (flag,) = result.spans
    assert (flag.rule, flag.start, flag.end, flag.text, flag.line) == (GUARD_RULE, 0, 0, "", 1)
    assert flag.captures == {"would_remove": "0.8354", "max_removed": "0.5"}
    assert result.held_back == flag


def test_the_limit_is_inclusive_and_none_switches_the_guard_off() -> None:
    assert clean_text(MOSTLY_CAPTION, CHAIN).held_back is not None  # the default is the command's
    unguarded = clean_text(MOSTLY_CAPTION, CHAIN, max_removed=None)
    assert unguarded.clean == "It rained.\n"
    assert unguarded.held_back is None
    assert clean_text(MOSTLY_CAPTION, CHAIN, max_removed=66 / 79) == unguarded
    assert clean_text(MOSTLY_CAPTION, CHAIN, max_removed=1.0) == unguarded
    assert clean_text(MOSTLY_CAPTION, CHAIN, max_removed=0.83).held_back is not None


def test_the_default_keeps_the_seed_and_the_fixtures_cleaned(seed_path: Path) -> None:
    for path in [seed_path, *sorted((REPO / "fixtures").glob("*/input.txt"))]:
        text = path.read_text(encoding="utf-8")
        result = clean_text(text, CHAIN, max_removed=DEFAULT_MAX_REMOVED)
        if result.held_back is None:
            assert result == clean_text(text, CHAIN), path
        else:
            # A fixture that is mostly boilerplate on purpose: the guard must be why.
            assert 1 - len(clean_text(text, CHAIN).clean) / len(text) > DEFAULT_MAX_REMOVED, path
    assert clean_text(seed_path.read_text(encoding="utf-8"), CHAIN, max_removed=DEFAULT_MAX_REMOVED).changed


@settings(max_examples=100, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["Read more", "Story.", " ", "\n\n", "Read more\n", "café"]), max_size=10
    ).map("".join),
    limit=st.floats(0, 1),
)
def test_the_guard_either_returns_the_full_clean_or_the_untouched_text(text: str, limit: float) -> None:
    chain = cleaner.Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more", guard=True)])
    full = clean_text(text, chain, max_removed=None)
    guarded = clean_text(text, chain, max_removed=limit)
    # The guard weighs what the guarded rule removes, not the whitespace tidied after it.
    removed = sum(s.end - s.start for s in full.spans if s.rule == "demo/more") / len(text) if text else 0.0
    if removed > limit:
        assert guarded.clean == text and [s.rule for s in guarded.spans] == [GUARD_RULE]
        assert cleaner.restore(guarded.clean, guarded.spans) == text
    else:
        assert guarded == full
    # Cleaning the result again removes nothing more.
    assert not clean_text(guarded.clean, chain, max_removed=limit).changed


def test_cli_warns_and_reports_the_held_back_document(tmp_path: Path) -> None:
    source = tmp_path / "short.txt"
    source.write_text(MOSTLY_CAPTION, encoding="utf-8")
    report, out = tmp_path / "removed.jsonl", tmp_path / "out.txt"
    command = ["clean", str(source), "-o", str(out), "--report", str(report)]
    command += ["--rules", str(GUARDED_CAPTIONS)]
    run = subprocess.run(
        [sys.executable, "-m", "cleaner", *command],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0
    assert run.stderr == (
        f"cleaner: warning: {source}: left unchanged: guarded rules would remove 83.5% of it, "
        "more than --max-removed 0.5 allows\n"
    )
    assert out.read_text(encoding="utf-8") == MOSTLY_CAPTION
    (record,) = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert record["rule"] == GUARD_RULE
    assert MOSTLY_CAPTION[record["start"] : record["end"]] == record["text"] == ""


def test_cli_max_removed_one_cleans_it_and_out_of_range_is_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    run = runner.invoke(app, ["clean", "--max-removed", "1"], input=MOSTLY_CAPTION)
    assert (run.exit_code, run.stdout, run.stderr) == (0, "It rained.\n", "")
    assert runner.invoke(app, ["clean", "--max-removed", "1.5"], input=MOSTLY_CAPTION).exit_code == 2


def test_a_short_article_under_a_long_appeal_is_cleaned() -> None:
    # The appeal rule names what it removes, so the guard does not weigh it: the article
    # comes out clean although the appeal is most of the text.
    appeal = (
        "Your support helps us to tell the story\n\nSupport Now\n\n"
        + "Our reporters cover the council, the courts and the coast, and readers keep it free.\n\n" * 4
        + "Your support makes all the difference.\n\n"
    )
    article = "The ferry resumed on Monday after a week of storms.\n"
    result = clean_text(appeal + article, cleaner.load_chain(), max_removed=DEFAULT_MAX_REMOVED)
    assert result.clean == article
    assert result.held_back is None
