"""``cleaner rules``: list, show, check and test rule files."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cleaner.commands.options import chain_options, fail, rule_errors_exit
from cleaner.messages import EXIT_PROBLEMS, EXIT_USAGE

if TYPE_CHECKING:
    from cleaner.rulefiles.config import ChainSettings


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="text: for people and editors; json: for programs."),
]

rules_app = typer.Typer(
    name="rules",
    help=(
        "List, show, check and test rule files. See docs/writing-rules.md.\n\n"
        "Examples:\n\n"
        "  cleaner rules list\n\n"
        "  cleaner rules show captions/gallery-caption\n\n"
        "  cleaner rules check my-site.yaml\n\n"
        "  cleaner rules test my-site.yaml"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)


@rules_app.command("list", short_help="List the chain in order: each rule on or off, its kind and source.")
@chain_options(plain_errors=True)
def rules_list(
    output_format: FormatOption = OutputFormat.text,
    *,
    chain_settings: ChainSettings,
) -> None:
    """List the effective chain in order: each rule on or off, its kind, scope and source.

    Takes the same chain options as 'cleaner clean', so it shows what a clean would run.

    Examples:

      cleaner rules list

      cleaner rules list --rules my-site.yaml --disable captions
    """
    import shutil

    from cleaner.rulefiles.config import plan_chain
    from cleaner.rulefiles.listing import list_lines, list_records

    with rule_errors_exit(plain=True):
        plan = plan_chain(chain_settings, include_unused=True)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(list_records(plan), ensure_ascii=False, indent=2))
        return
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 100_000
    typer.echo("\n".join(list_lines(plan, width)))


@rules_app.command("show", short_help="Show one rule: its settings, examples and text.")
@chain_options(plain_errors=True)
def rules_show(
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help="pack/id, or an id only one pack uses.")],
    *,
    chain_settings: ChainSettings,
) -> None:
    """Show one rule: its settings, examples, and its text in the file that defines it.

    Examples:

      cleaner rules show captions/gallery-caption

      cleaner rules show newsletter-prompt --rules my-site.yaml
    """
    from cleaner.rulefiles.config import plan_chain
    from cleaner.rulefiles.listing import UnknownRuleError, find_rule, show_lines

    with rule_errors_exit(plain=True):
        plan = plan_chain(chain_settings, include_unused=True)
    try:
        entry = find_rule(plan, rule_id)
    except UnknownRuleError as exc:
        fail(str(exc), EXIT_USAGE)
    typer.echo("\n".join(show_lines(entry)))


FilesArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="FILES",
        help="Rule files or folders. Default: the files of the effective chain.",
        show_default=False,
        readable=False,
    ),
]


def _files_or_chain(files: list[Path] | None, settings: ChainSettings) -> list[Path]:
    if files:
        return files
    from cleaner.rulefiles.config import plan_chain

    with rule_errors_exit(plain=True):
        return list(plan_chain(settings).files)


@rules_app.command("check", short_help="Check rule files: one path:line:col line per problem.")
@chain_options(plain_errors=True)
def rules_check(
    files: FilesArgument = None,
    output_format: FormatOption = OutputFormat.text,
    *,
    chain_settings: ChainSettings,
) -> None:
    """Validate rule files: one 'path:line:col: message' line per problem.

    Checks the schema (unknown keys, with a did-you-mean; types; duplicate ids), compiles
    every pattern with RE2 and refuses patterns that match the empty string or any text.
    Warns about rules without examples. Exit status 1 when there are errors. With --format
    json, the problems are one JSON list on standard output.

    Examples:

      cleaner rules check my-site.yaml

      cleaner rules check rules/
    """
    from cleaner.core.rule import ERROR
    from cleaner.messages import plural
    from cleaner.rulefiles.files import expand_rule_paths
    from cleaner.rulefiles.listing import check_paths

    paths = _files_or_chain(files, chain_settings)
    problems = check_paths(paths)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps([problem._asdict() for problem in problems], ensure_ascii=False, indent=2))
    for problem in problems if output_format is OutputFormat.text else ():
        typer.echo(str(problem))
    errors = sum(problem.severity == ERROR for problem in problems)
    counts = f"{plural(errors, 'error')}, {plural(len(problems) - errors, 'warning')}"
    checked = plural(len(list(expand_rule_paths(paths))), "file")
    typer.echo(f"rules check: {checked} checked: {counts}", err=True)
    if errors:
        raise typer.Exit(EXIT_PROBLEMS)  # findings, as ruff and rules test report them


@rules_app.command("test", short_help="Run every rule's examples and every pack's cases.")
@chain_options(plain_errors=True)
def rules_test(
    files: FilesArgument = None,
    *,
    chain_settings: ChainSettings,
) -> None:
    """Run every rule's examples and every pack's cases; show a diff for each failure.

    Each examples.remove entry must be removed by its rule (exactly the part marked with
    [[ and ]], if it marks one); each examples.keep entry must come back untouched; each
    case in a pack's 'cases' must clean to its 'expected' text. Exit status 1 on failures,
    2 on rule-file errors.

    Examples:

      cleaner rules test

      cleaner rules test my-site.yaml
    """
    from cleaner.rulefiles.examples import run_tests
    from cleaner.rulefiles.files import expand_rule_paths

    paths = _files_or_chain(files, chain_settings)
    with rule_errors_exit(plain=True):
        results = run_tests(expand_rule_paths(paths))
    for problem in results.warnings:
        typer.echo(str(problem))
    for failure in results.failures:
        typer.echo("\n".join(failure.lines()))
    typer.echo(f"rules test: {results.summary()}")
    if results.failures:
        raise typer.Exit(EXIT_PROBLEMS)
