"""The ``cleaner`` command line: parses options and delegates to the library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from cleaner import __version__

app = typer.Typer(
    name="cleaner",
    help=(
        "Strip boilerplate (donation appeals, photo captions, date headers, teasers) from "
        "extracted text with declarative rules, and report every removed span.\n\n"
        "Examples:\n\n"
        "  cat article.txt | cleaner clean > article.clean.txt\n\n"
        "  cleaner clean article.txt -o article.clean.txt --report removed.jsonl\n\n"
        "  cleaner clean article.txt --rules my-site.yaml"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

EXIT_INPUT_ERROR = 1
EXIT_RULE_ERROR = 2


def fail(message: str, code: int = EXIT_INPUT_ERROR) -> NoReturn:
    """Print a one-line error on stderr and exit with ``code``."""
    typer.echo(f"cleaner: error: {message}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Strip boilerplate from extracted text."""


RulesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        "-r",
        help="A rule file, or a folder of *.yaml rule files, added after the built-in packs. "
        "Repeatable. A rule with the same pack/id as a built-in one replaces it.",
    ),
]
NoDefaultRulesOption = Annotated[
    bool, typer.Option("--no-default-rules", help="Do not load the built-in rule packs.")
]


def load_chain_or_exit(rules: list[Path] | None, no_default_rules: bool):
    """The compiled chain, or a one-line ``path:line:col`` error and exit status 2."""
    from cleaner import load_chain
    from cleaner.ruleset import RuleFileError

    try:
        return load_chain(rules or (), builtin=not no_default_rules)
    except RuleFileError as exc:
        fail(str(exc), EXIT_RULE_ERROR)


@app.command()
def clean(
    path: Annotated[
        Path | None,
        typer.Argument(help="Input file; '-' or nothing reads standard input.", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the clean text here instead of stdout."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write one JSON line per removed span to this file."),
    ] = None,
    rules: RulesOption = None,
    no_default_rules: NoDefaultRulesOption = False,
) -> None:
    """Clean text and write the result; optionally report every removed span.

    Examples:

      cat article.txt | cleaner clean > article.clean.txt

      cleaner clean article.txt -o article.clean.txt --report removed.jsonl

      cleaner clean article.txt --no-default-rules --rules my-site.yaml
    """
    from cleaner.decode import DecodeError, decode_bytes
    from cleaner.output import atomic_writer
    from cleaner.report import write_records

    chain = load_chain_or_exit(rules, no_default_rules)
    from_stdin = path is None or str(path) == "-"
    source = "<stdin>" if from_stdin else str(path)
    try:
        data = sys.stdin.buffer.read() if from_stdin else path.read_bytes()  # type: ignore[union-attr]
    except OSError as exc:
        fail(f"{source}: cannot read: {exc.strerror}")
    try:
        text = decode_bytes(data).text
    except DecodeError as exc:
        fail(f"{source}: {exc}")
    result = chain.clean(text)
    if output is None:
        sys.stdout.buffer.write(result.clean.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        with atomic_writer(output) as out:
            out.write(result.clean)
    if report is not None:
        with atomic_writer(report) as out:
            write_records(out, source, result.spans)


@app.command("eval")
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
    rules: RulesOption = None,
    no_default_rules: NoDefaultRulesOption = False,
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

    from cleaner.evaluate import EvalError, default_labels_path, evaluate, to_json, to_markdown

    chain = load_chain_or_exit(rules, no_default_rules)
    try:
        result = evaluate(docs_dir, gold_dir, chain, labels or default_labels_path(docs_dir))
    except EvalError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(to_json(result, worst), ensure_ascii=False, indent=2))
    else:
        typer.echo(to_markdown(result, worst, show_missed=missed), nl=False)
    for reason in result.skipped:
        typer.echo(f"cleaner: error: {reason}", err=True)
    if result.skipped:
        raise typer.Exit(EXIT_INPUT_ERROR)


def main() -> None:
    """Entry point of the ``cleaner`` console script."""
    app()
