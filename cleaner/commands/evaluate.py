"""``cleaner eval``: measure a chain on labelled documents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cleaner.commands.options import MaxRemovedOption, chain_options, fail, load_chain_or_exit
from cleaner.core.guard import DEFAULT_MAX_REMOVED
from cleaner.messages import EXIT_PROBLEMS, error_line

if TYPE_CHECKING:
    from cleaner.rulefiles.config import ChainSettings


@chain_options()
def evaluate_command(
    docs_dir: Annotated[Path, typer.Argument(help="Folder of documents to clean, <id>.txt each.")],
    gold_dir: Annotated[
        Path,
        typer.Argument(
            help="Folder of gold article texts, <id>.txt each: labels the documents the labels "
            "file does not cover, and is cleaned itself to check that no article line is lost."
        ),
    ],
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="Line labels (JSONL: doc_id, line_no, label KEEP|REMOVE, is_title). "
            "Default: lines.jsonl beside or inside DOCS_DIR, if present.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    worst: Annotated[int, typer.Option("--worst", min=0, help="How many worst documents to list.")] = 10,
    missed: Annotated[
        bool, typer.Option("--missed", help="Also list the REMOVE lines that were not removed.")
    ] = False,
    *,
    chain_settings: ChainSettings,
    max_removed: MaxRemovedOption = DEFAULT_MAX_REMOVED,
) -> None:
    """Clean labelled documents and report KEEP lines kept and REMOVE lines removed, per pack and rule.

    A line is kept intact when no character of it was removed, removed when all of it was;
    a partly cut KEEP line counts as lost, a partly cut REMOVE line as not removed. Title
    lines are left out. Prints Markdown tables, or JSON with --json.

    Examples:

      cleaner eval eval/dev/docs eval/dev/gold

      cleaner eval docs/ gold/ --labels lines.jsonl --json > scores.json
    """
    import json

    from cleaner.evaluation.lines import EvalError, default_labels_path, evaluate, to_json, to_markdown

    chain = load_chain_or_exit(chain_settings)
    try:
        labels_path = labels or default_labels_path(docs_dir)
        result = evaluate(docs_dir, gold_dir, chain, labels_path, max_removed=max_removed)
    except EvalError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(to_json(result, worst), ensure_ascii=False, indent=2))
    else:
        typer.echo(to_markdown(result, worst, show_missed=missed), nl=False)
    for reason in result.skipped:
        typer.echo(error_line(reason), err=True)
    if result.skipped:
        raise typer.Exit(EXIT_PROBLEMS)
