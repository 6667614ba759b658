"""``cleaner eval``: measure a chain on labelled documents, or on web pages with snippets."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cleaner.commands.options import MaxRemovedOption, chain_options, fail, load_chain_or_exit
from cleaner.core.guard import DEFAULT_MAX_REMOVED
from cleaner.messages import EXIT_PROBLEMS, EXIT_USAGE, error_line

if TYPE_CHECKING:
    from cleaner.evaluation.split import Half
    from cleaner.rulefiles.config import ChainSettings


class HalfChoice(str, Enum):
    """The halves of an evaluation set (cleaner.evaluation.split)."""

    tune = "tune"
    check = "check"


_HALVES: dict[HalfChoice, Half] = {HalfChoice.tune: "tune", HalfChoice.check: "check"}


@chain_options()
def evaluate_command(
    docs_dir: Annotated[
        Path,
        typer.Argument(
            metavar="SET",
            help="A folder of documents to clean, <id>.txt each (give GOLD_DIR too); or a folder of "
            "web pages holding snippets.jsonl and pages/<id>.html.gz (alone).",
            readable=False,
        ),
    ],
    gold_dir: Annotated[
        Path | None,
        typer.Argument(
            help="Folder of gold article texts, <id>.txt each: labels the documents the labels "
            "file does not cover, and is cleaned itself to check that no article line is lost.",
            metavar="GOLD_DIR",
            show_default=False,
            readable=False,
        ),
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="Line labels (JSONL: doc_id, line_no, label KEEP|REMOVE, is_title). "
            "Default: lines.jsonl beside or inside SET, if present.",
            metavar="FILE",
            readable=False,
        ),
    ] = None,
    half: Annotated[
        HalfChoice | None,
        typer.Option(
            "--half",
            help="Only the documents of this half of the set (split by site, see docs/eval.md).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    worst: Annotated[
        int, typer.Option("--worst", min=0, help="How many worst documents to list.", metavar="N")
    ] = 10,
    missed: Annotated[
        bool,
        typer.Option(
            "--missed", help="Also list the boilerplate left: REMOVE lines not removed, drop snippets kept."
        ),
    ] = False,
    *,
    chain_settings: ChainSettings,
    max_removed: MaxRemovedOption = DEFAULT_MAX_REMOVED,
) -> None:
    """Measure the chain on an evaluation set: article text kept, boilerplate removed.

    Labelled documents (SET and GOLD_DIR): KEEP lines kept intact and REMOVE lines removed, per
    pack and rule. A line is kept intact when no character of it was removed, removed when all
    of it was; a partly cut KEEP line counts as lost, a partly cut REMOVE line as not removed.
    Title lines are left out.

    Web pages (SET holding snippets.jsonl and pages/): each page is cleaned as `cleaner clean`
    cleans it and read by plain trafilatura (the baseline); precision, recall and F1 of the
    keep and drop snippets for both, per half and in total, the pages where they differ, and
    the keep snippets cleaner loses.

    Prints Markdown tables, or JSON with --json.

    Examples:

      cleaner eval eval/dev/docs eval/dev/gold

      cleaner eval eval/web --half check

      cleaner eval docs/ gold/ --labels lines.jsonl --json > scores.json
    """
    import json

    from cleaner.evaluation.common import EvalError
    from cleaner.evaluation.web import SNIPPETS

    chain = load_chain_or_exit(chain_settings)
    chosen = _HALVES[half] if half is not None else None
    web = (docs_dir / SNIPPETS).is_file()
    if web and (gold_dir is not None or labels is not None):
        fail(f"{docs_dir}: a folder of web pages with snippets takes no GOLD_DIR or --labels", EXIT_USAGE)
    if not web and gold_dir is None:
        fail(f"{docs_dir}: no {SNIPPETS} in it; for labelled documents give GOLD_DIR too", EXIT_USAGE)
    try:
        if web:
            from cleaner.evaluation import web_report
            from cleaner.evaluation.web import evaluate_web

            pages = evaluate_web(docs_dir, chain, max_removed=max_removed, half=chosen)
            output = json.dumps(web_report.to_json(pages), ensure_ascii=False, indent=2) + "\n"
            typer.echo(output if as_json else web_report.to_markdown(pages, show_missed=missed), nl=False)
            return
        from cleaner.evaluation import lines_report
        from cleaner.evaluation.lines import default_labels_path, evaluate

        labels_path = labels or default_labels_path(docs_dir)
        assert gold_dir is not None  # refused above for labelled documents
        result = evaluate(docs_dir, gold_dir, chain, labels_path, max_removed=max_removed, half=chosen)
    except EvalError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(lines_report.to_json(result, worst), ensure_ascii=False, indent=2))
    else:
        typer.echo(lines_report.to_markdown(result, worst, show_missed=missed), nl=False)
    for reason in result.skipped:
        typer.echo(error_line(reason), err=True)
    if result.skipped:
        raise typer.Exit(EXIT_PROBLEMS)
