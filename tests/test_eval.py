"""The ``cleaner eval`` command and the scoring in cleaner.evaluation.lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import cleaner
from cleaner.commands.app import app
from cleaner.core.engine import Chain
from cleaner.evaluation.lines import (
    INTACT,
    KEEP,
    PARTLY_CUT,
    REMOVE,
    REMOVED,
    LineLabel,
    LineTally,
    evaluate,
    gold_labels,
    line_fates,
)
from cleaner.evaluation.lines_report import to_json, to_markdown
from cleaner.rulefiles.schema import parse_pack

REPO = Path(__file__).resolve().parents[1]

# A small pack whose effect on the documents below is known line by line.
RULES = """\
pack: demo
description: Rules for the evaluation tests
rules:
  - id: read-more
    description: teaser lines
    kind: line
    guard: true
    pattern: '^Read more: '
  - id: comments
    description: a comments heading
    kind: line
    guard: true
    pattern: '^Comments$'
  - id: vote-word
    description: a deliberately bad rule that cuts into article text
    kind: phrase
    guard: true
    pattern: 'voted on Monday'
  - id: promo-tail
    description: cuts only the tail of a promotion line
    kind: regex
    guard: true
    pattern: 'Subscribe today\\.$'
  - id: never
    description: a rule that matches nothing in the documents
    kind: phrase
    guard: true
    pattern: 'zebra crossing'
"""

DOCS = {
    "a": (
        "Harbour pier to close for repairs\n"  # 0 title
        "The harbour board voted on Monday to close the old ferry pier.\n"  # 1 KEEP, partly cut
        "Engineers found deep cracks in the timber piles.\n"  # 2 KEEP, intact
        "Read more: Ferry fares to rise in spring\n"  # 3 REMOVE, removed
        "Comments\n"  # 4 REMOVE, removed
    ),
    "b": (
        "Shop owners asked for the promenade to stay open.\n"  # 0 KEEP, intact
        "\n"
        "Great offers every week for readers. Subscribe today.\n"  # 2 REMOVE, partly cut
        "Most read\n"  # 3 REMOVE, missed
    ),
}
GOLD = {
    "a": "The harbour board voted on Monday to close the old ferry pier.\n"
    "Engineers found deep cracks in the timber piles.\n",
    "b": "Shop owners asked for the promenade to stay open.\n",
}
LABELS = [
    ("a", 0, REMOVE, True),
    ("a", 1, KEEP, False),
    ("a", 2, KEEP, False),
    ("a", 3, REMOVE, False),
    ("a", 4, REMOVE, False),
    ("b", 0, KEEP, False),
    ("b", 2, REMOVE, False),
    ("b", 3, REMOVE, False),
]


@pytest.fixture
def evalset(tmp_path: Path) -> Path:
    """``tmp/set/{docs,gold,lines.jsonl}`` and ``tmp/demo.yaml``, in the dev set's layout."""
    root = tmp_path / "set"
    for folder, texts in (("docs", DOCS), ("gold", GOLD)):
        (root / folder).mkdir(parents=True)
        for doc_id, text in texts.items():
            (root / folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (root / "lines.jsonl").write_text(
        "".join(
            json.dumps({"doc_id": d, "line_no": n, "text": "", "label": lab, "is_title": title}) + "\n"
            for d, n, lab, title in LABELS
        ),
        encoding="utf-8",
    )
    (tmp_path / "demo.yaml").write_text(RULES, encoding="utf-8")
    return root


def demo_chain() -> Chain:
    return Chain(parse_pack(RULES).rules)


def test_scores_every_line_by_what_the_chain_did(evalset: Path) -> None:
    result = evaluate(evalset / "docs", evalset / "gold", demo_chain(), evalset / "lines.jsonl")
    assert (result.documents, result.titles_excluded) == (2, 1)
    assert (result.keep_lines, result.remove_lines) == (3, 4)
    assert result.total.keep_lines_lost == 1
    assert result.total.keep_chars_lost == len("voted on Monday")
    assert (result.total.remove_lines_removed, result.total.remove_lines_partly_cut) == (2, 1)
    assert result.keep_intact_pct == pytest.approx(200 / 3)
    assert result.remove_removed_pct == 50.0
    by_rule = {rule: tally.as_dict() for rule, tally in result.by_rule.items()}
    assert by_rule["demo/vote-word"]["keep_lines_lost"] == 1
    assert by_rule["demo/read-more"]["remove_lines_removed"] == 1
    assert by_rule["demo/comments"]["remove_lines_removed"] == 1
    assert by_rule["demo/promo-tail"]["remove_lines_partly_cut"] == 1
    assert by_rule["demo/promo-tail"]["remove_chars_removed"] == len("Subscribe today.")
    assert result.by_pack()["demo"].remove_lines_removed == 2
    assert by_rule["demo/never"] == LineTally().as_dict()  # listed, with zeros
    lost = result.lost_keep_lines()
    assert [(f.doc_id, f.line_no, f.status, f.rule) for f in lost] == [("a", 1, PARTLY_CUT, "demo/vote-word")]
    missed = [(f.doc_id, f.line_no, f.status) for f in result.missed_remove_lines()]
    assert missed == [("b", 2, PARTLY_CUT), ("b", 3, INTACT)]
    # The gold text is cleaned too: the bad rule cuts into one gold line.
    assert result.gold_lines == 3
    assert [(f.doc_id, f.line_no) for f in result.gold_fates] == [("a", 0)]


def test_worst_documents_lead_with_lost_article_text(evalset: Path) -> None:
    result = evaluate(evalset / "docs", evalset / "gold", demo_chain(), evalset / "lines.jsonl")
    data = to_json(result, worst=5)
    assert [d["doc_id"] for d in data["worst_documents"]] == ["a", "b"]
    assert data["worst_documents"][0]["keep_chars_lost"] == len("voted on Monday")
    assert to_json(result, worst=1)["worst_documents"][0]["doc_id"] == "a"


def test_gold_matching_labels_documents_without_a_labels_file(evalset: Path) -> None:
    result = evaluate(evalset / "docs", evalset / "gold", demo_chain(), None)
    assert {d.labels_from for d in result.docs} == {"gold"}
    # Without labels the title is not known: it is a REMOVE line that stays.
    assert (result.keep_lines, result.remove_lines, result.titles_excluded) == (3, 5, 0)
    assert result.total.remove_lines_removed == 2


def test_gold_labels_fold_case_quotes_and_punctuation() -> None:
    labels = gold_labels(
        "“THE MAYOR,” she said — spoke.\nShare this article\nBoard votes\n",
        "The mayor, she said, spoke.\nThe board votes on the plan tonight.",
    )
    # Short lines must equal a gold line; "Board votes" only occurs inside one.
    assert [labels[n].label for n in (0, 1, 2)] == [KEEP, REMOVE, REMOVE]


def test_line_fates_ignore_whitespace_at_line_edges_and_handle_crlf() -> None:
    chain = demo_chain()
    text = "  Comments  \r\nThe harbour board voted on Monday.\r\nRead more: Ferries\r\n"
    labels = {0: LineLabel(0, REMOVE), 1: LineLabel(1, KEEP), 2: LineLabel(2, REMOVE)}
    fates = list(line_fates("d", text, chain.clean(text).spans, labels))
    assert [(f.line_no, f.status) for f in fates] == [(0, INTACT), (1, PARTLY_CUT), (2, REMOVED)]
    assert fates[1].text == "The harbour board voted on Monday."


LINES = [
    "The harbour board voted on Monday to close the pier.",
    "Engineers found cracks in the piles.",
    "Read more: Ferry fares to rise",
    "Comments",
    "Great offers for readers. Subscribe today.",
    "Shop owners asked for the promenade to stay open.",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LINES), st.sampled_from([KEEP, REMOVE])), min_size=1, max_size=12))
def test_fates_agree_with_the_clean_text_and_tallies_add_up(lines: list[tuple[str, str]]) -> None:
    text = "\n".join(line for line, _ in lines) + "\n"
    chain = demo_chain()
    result = chain.clean(text)
    labels = {n: LineLabel(n, label) for n, (_, label) in enumerate(lines)}
    fates = list(line_fates("d", text, result.spans, labels))
    assert len(fates) == len(lines)
    clean_lines = set(result.clean.split("\n"))
    for fate in fates:
        if fate.status == INTACT:
            assert fate.text in clean_lines
        if fate.status == REMOVED:
            assert fate.text not in result.clean
        assert (fate.rule is None) == (fate.status == INTACT)


def write_set_and_run(evalset: Path, *args: str) -> dict:
    """Run the real command in a subprocess and parse its JSON."""
    proc = subprocess.run(
        [sys.executable, "-m", "cleaner", "eval", str(evalset / "docs"), str(evalset / "gold"), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_cli_json_in_a_subprocess_finds_labels_beside_the_docs(evalset: Path) -> None:
    rules = str(evalset.parent / "demo.yaml")
    data = write_set_and_run(evalset, "--json", "--no-default-rules", "--rules", rules)
    assert data["keep_lines"] == 3 and data["remove_lines"] == 4
    assert data["total"]["remove_lines_removed"] == 2
    assert data["packs"]["demo"]["keep_lines_lost"] == 1
    assert data["rules"]["demo/promo-tail"]["remove_lines_partly_cut"] == 1
    assert [f["line_no"] for f in data["keep_lines_lost"]] == [1]


def test_cli_markdown_tables(evalset: Path) -> None:
    rules = str(evalset.parent / "demo.yaml")
    args = ["eval", str(evalset / "docs"), str(evalset / "gold"), "--no-default-rules", "--rules", rules]
    result = CliRunner().invoke(app, [*args, "--missed"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "| KEEP kept intact | 2 / 3 | 66.67 |" in out
    assert "| REMOVE removed | 2 / 4 | 50.00 |" in out
    assert "| `demo/vote-word` | 1 | 15 | 0 | 0 | 0 |" in out
    assert "REMOVE lines not removed:" in out and "Most read" in out
    assert out == to_markdown(
        evaluate(evalset / "docs", evalset / "gold", demo_chain(), evalset / "lines.jsonl"), show_missed=True
    )


def test_cli_explicit_labels_file(evalset: Path, tmp_path: Path) -> None:
    labels = tmp_path / "only-a.jsonl"
    labels.write_text('{"doc_id": "a", "line_no": 3, "label": "REMOVE"}\n', encoding="utf-8")
    data = write_set_and_run(
        evalset,
        "--json",
        "--labels",
        str(labels),
        "--no-default-rules",
        "--rules",
        str(evalset.parent / "demo.yaml"),
    )
    # a: the one labelled line; b: labelled from its gold text.
    assert data["remove_lines"] == 1 + 2 and data["keep_lines"] == 1


@pytest.mark.parametrize(
    ("labels_text", "message"),
    [
        ('{"doc_id": "a"}\n', "lines.jsonl:1: expected a JSON object"),
        ('{"doc_id": "a", "line_no": 0, "label": "KEEP"}\n[1]\n', "lines.jsonl:2: expected a JSON object"),
        ('{"doc_id": "a", "line_no": 0, "label": "MAYBE"}\n', "lines.jsonl:1: label must be KEEP or REMOVE"),
        ('{"doc_id": "a", "line_no": 99, "label": "KEEP"}\n', "a line_no 99 is past the end of"),
    ],
)
def test_cli_bad_labels_give_one_line_errors(evalset: Path, labels_text: str, message: str) -> None:
    (evalset / "lines.jsonl").write_text(labels_text, encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(evalset / "docs"), str(evalset / "gold")])
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_cli_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cleaner", "eval", str(tmp_path / "nope"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"cleaner: error: {tmp_path / 'nope'}: documents folder not found"


def test_undecodable_document_is_skipped_and_the_run_fails(evalset: Path) -> None:
    bad = evalset / "docs" / "c.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = evaluate(evalset / "docs", evalset / "gold", demo_chain(), evalset / "lines.jsonl")
    assert result.documents == 2
    assert result.skipped == [f"{bad}: binary file (PNG image)"]
    proc = subprocess.run(
        [sys.executable, "-m", "cleaner", "eval", str(evalset / "docs"), str(evalset / "gold"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr == f"cleaner: error: {bad}: binary file (PNG image)\n"
    assert json.loads(proc.stdout)["documents"] == 2


# --- the built-in packs on the real development set ----------------------------------------


def test_builtin_packs_meet_the_targets_on_the_dev_set(shared_path) -> None:
    dev = shared_path("eval/dev/lines.jsonl", "the evaluation set's line labels").parent
    result = evaluate(dev / "docs", dev / "gold", cleaner.load_chain(), dev / "lines.jsonl")
    assert result.documents == 88 and not result.skipped
    lost = [(f.doc_id, f.line_no, f.rule, f.text) for f in result.lost_keep_lines()]
    assert result.keep_intact_pct >= 99.5, lost
    assert result.remove_removed_pct >= 60.0
    assert result.gold_lines - len(result.gold_fates) >= 0.995 * result.gold_lines


def test_max_removed_guard_is_that_of_clean(evalset: Path) -> None:
    labels = evalset / "lines.jsonl"
    result = evaluate(evalset / "docs", evalset / "gold", demo_chain(), labels, max_removed=0.2)
    # a loses about a third of its characters, b about an eighth.
    assert result.held_back == ["a"]
    assert result.total.keep_lines_lost == 0
    assert (result.total.remove_lines_removed, result.total.remove_lines_partly_cut) == (0, 1)
    demo = ("--json", "--no-default-rules", "--rules", str(evalset.parent / "demo.yaml"))
    assert write_set_and_run(evalset, *demo, "--max-removed", "0.2")["held_back"] == ["a"]
    assert write_set_and_run(evalset, *demo)["held_back"] == []


def test_half_keeps_the_documents_of_one_half_by_their_id(evalset: Path) -> None:
    # The site of a document known only by its id is that id: "a" and "b" are in the tune half, "e" in check.
    for folder in ("docs", "gold"):
        (evalset / folder / "e.txt").write_text(GOLD["b"], encoding="utf-8")
    labels = evalset / "lines.jsonl"
    check = evaluate(evalset / "docs", evalset / "gold", demo_chain(), labels, half="check")
    tune = evaluate(evalset / "docs", evalset / "gold", demo_chain(), labels, half="tune")
    assert ([d.doc_id for d in check.docs], [d.doc_id for d in tune.docs]) == (["e"], ["a", "b"])
    assert to_markdown(check).startswith("Documents: 1, check half (labels: 1 from gold)")
    demo = ("--json", "--no-default-rules", "--rules", str(evalset.parent / "demo.yaml"))
    data = write_set_and_run(evalset, *demo, "--half", "tune")
    assert (data["half"], data["documents"]) == ("tune", 2)


def test_the_dev_set_halves_split_its_documents(shared_dir: Path) -> None:
    dev = shared_dir / "eval" / "dev"
    halves = {
        half: {d.doc_id for d in evaluate(dev / "docs", dev / "gold", Chain([]), half=half).docs}
        for half in ("tune", "check")
    }
    assert (len(halves["tune"]), len(halves["check"])) == (45, 43)
    assert not halves["tune"] & halves["check"]
