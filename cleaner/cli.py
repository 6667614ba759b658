"""The ``cleaner`` command line: parses options and delegates to the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from cleaner import __version__
from cleaner.batch import DEFAULT_FIELD, DEFAULT_INCLUDE

app = typer.Typer(
    name="cleaner",
    help=(
        "Strip boilerplate (donation appeals, photo captions, date headers, teasers) from "
        "extracted text with declarative rules, and report every removed span.\n\n"
        "Examples:\n\n"
        "  cat article.txt | cleaner clean > article.clean.txt\n\n"
        "  cleaner clean article.txt -o article.clean.txt --report removed.jsonl\n\n"
        "  cleaner clean article.txt --rules my-site.yaml\n\n"
        "  cleaner clean raw/ -o clean/ --report removed.jsonl"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

EXIT_INPUT_ERROR = 1
EXIT_RULE_ERROR = 2
EXIT_USAGE_ERROR = 2


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
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files, directories, or '-' for standard input (the default). Directories are "
            "searched recursively for --include files.",
            metavar="PATH...",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="For one input, the file for its clean text (default: standard output). For a "
            "directory or several inputs, a directory: each output keeps its input's relative "
            "path (several inputs each get a folder named after them).",
        ),
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Overwrite each input file with its clean text.")
    ] = False,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include",
            help="Glob of files to clean inside directories; repeatable; replaces the default "
            f"({' '.join(DEFAULT_INCLUDE)}). A glob with '/' matches the path below the directory.",
            metavar="GLOB",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            help="Glob of files or folders to skip inside directories; repeatable. Names "
            "starting with '.' are always skipped.",
            metavar="GLOB",
        ),
    ] = None,
    field: Annotated[
        str | None,
        typer.Option(
            "--field",
            help=f"The text field cleaned in JSONL records (*.jsonl, *.jsonl.gz); other fields "
            f"are kept. Default: {DEFAULT_FIELD!r}. Given explicitly, standard input is read as JSONL.",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write one JSON line per removed span to this file, in input order; 'source' is "
            "the path below the input directory (for JSONL, 'FILE:LINE', plus the record's 'id').",
        ),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary", help="Write the run's summary (counts, spans per rule, skipped files) as JSON."
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            metavar="N",
            help="Worker processes for directories and JSONL; 0 means all cores.",
        ),
    ] = 0,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue a stopped run: skip inputs whose output exists and is not older than "
            "the input, and rebuild --report as an uninterrupted run would have written it.",
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No progress bar and no end-of-run summary (errors still show)."),
    ] = False,
    rules: RulesOption = None,
    no_default_rules: NoDefaultRulesOption = False,
) -> None:
    """Clean text and write the result; optionally report every removed span.

    One input (a file, or standard input) is written to standard output or -o FILE.
    Directories and several inputs are cleaned on all cores into a mirrored tree under -o DIR
    (or in place), with a progress bar on a terminal and a summary on stderr. Unreadable or
    binary files are named on stderr and skipped; the exit status is then 1.

    Examples:

      cat article.txt | cleaner clean > article.clean.txt

      cleaner clean article.txt -o article.clean.txt --report removed.jsonl

      cleaner clean article.txt --no-default-rules --rules my-site.yaml

      cleaner clean raw/ -o clean/ --report removed.jsonl --summary summary.json

      cleaner clean raw/ -o clean/ --report removed.jsonl --resume

      cleaner clean corpus.jsonl.gz -o clean.jsonl.gz --field text --jobs 2

      cleaner clean notes/ --in-place --include '*.md' --exclude drafts
    """
    from cleaner.batch import BatchOptions, UsageError, run

    options = BatchOptions(
        paths=tuple(str(path) for path in paths or ()),
        output=output,
        in_place=in_place,
        include=tuple(include) if include else DEFAULT_INCLUDE,
        exclude=tuple(exclude or ()),
        field=field,
        report=report,
        summary=summary,
        jobs=jobs,
        resume=resume,
        quiet=quiet,
    )
    chain = load_chain_or_exit(rules, no_default_rules)
    try:
        status = run(options, chain)
    except UsageError as exc:
        fail(str(exc), EXIT_USAGE_ERROR)
    if status:
        raise typer.Exit(status)


def main() -> None:
    """Entry point of the ``cleaner`` console script."""
    app()
