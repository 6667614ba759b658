"""The ``cleaner`` command line: parses options and delegates to the library."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from cleaner import __version__

if TYPE_CHECKING:
    from cleaner.config import ChainSettings
    from cleaner.engine import Chain

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
        metavar="PATH",
        help="A rule file, or a folder of *.yaml rule files, added after the built-in packs and "
        "the config file's rules. Repeatable. A rule with the same pack/id as an earlier one "
        "replaces it.",
    ),
]
NoDefaultRulesOption = Annotated[
    bool, typer.Option("--no-default-rules", help="Do not load the built-in rule packs.")
]
PackOption = Annotated[
    list[str] | None,
    typer.Option(
        "--pack",
        "-p",
        metavar="NAME",
        help="Use only this built-in pack (repeatable); replaces the config file's 'packs'.",
    ),
]
DisableOption = Annotated[
    list[str] | None,
    typer.Option(
        "--disable",
        "-d",
        metavar="RULE",
        help="Switch off a rule (pack/id) or a whole pack. Repeatable; adds to the config file's 'disable'.",
    ),
]
NoConfigOption = Annotated[
    bool,
    typer.Option("--no-config", help="Ignore cleaner.toml and [tool.cleaner] in pyproject.toml."),
]


@contextlib.contextmanager
def rule_errors_exit(prefix: str = "cleaner: error: ") -> Iterator[None]:
    """Turn rule-file and config errors into one line each on stderr, and exit status 2."""
    from cleaner.config import ConfigError
    from cleaner.ruleset import RuleFileError

    try:
        yield
    except RuleFileError as exc:
        for problem in exc.problems:
            typer.echo(f"{prefix}{problem}", err=True)
        raise typer.Exit(EXIT_RULE_ERROR) from None
    except ConfigError as exc:
        typer.echo(f"{prefix}{exc}", err=True)
        raise typer.Exit(EXIT_RULE_ERROR) from None


def chain_settings_or_exit(
    rules: list[Path] | None,
    packs: list[str] | None,
    disable: list[str] | None,
    no_default_rules: bool,
    no_config: bool,
    prefix: str = "cleaner: error: ",
) -> ChainSettings:
    """The chain options of the command line merged over the config file (cleaner.config)."""
    from cleaner.config import resolve_settings

    with rule_errors_exit(prefix):
        return resolve_settings(
            rules=tuple(rules or ()),
            packs=tuple(packs or ()),
            disable=tuple(disable or ()),
            no_default_rules=no_default_rules,
            no_config=no_config,
        )


def load_chain_or_exit(settings: ChainSettings) -> Chain:
    """The compiled chain, or one ``path:line:col`` line per problem and exit status 2."""
    from cleaner.config import load_chain_from_settings

    with rule_errors_exit():
        return load_chain_from_settings(settings)


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
    pack: PackOption = None,
    disable: DisableOption = None,
    no_config: NoConfigOption = False,
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

    chain = load_chain_or_exit(chain_settings_or_exit(rules, pack, disable, no_default_rules, no_config))
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
app.add_typer(rules_app)
_PLAIN = ""  # rules commands print problems as bare path:line:col lines, like a compiler


@rules_app.command("list")
def rules_list(
    rules: RulesOption = None,
    no_default_rules: NoDefaultRulesOption = False,
    pack: PackOption = None,
    disable: DisableOption = None,
    no_config: NoConfigOption = False,
) -> None:
    """List the effective chain in order: each rule on or off, its kind, scope and source.

    Takes the same chain options as 'cleaner clean', so it shows what a clean would run.

    Examples:

      cleaner rules list

      cleaner rules list --rules my-site.yaml --disable captions
    """
    import shutil

    from cleaner.config import plan_chain
    from cleaner.rulecheck import list_lines

    settings = chain_settings_or_exit(rules, pack, disable, no_default_rules, no_config, _PLAIN)
    with rule_errors_exit(_PLAIN):
        plan = plan_chain(settings, include_unused=True)
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 100_000
    typer.echo("\n".join(list_lines(plan, width)))


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help="pack/id, or an id only one pack uses.")],
    rules: RulesOption = None,
    no_default_rules: NoDefaultRulesOption = False,
    pack: PackOption = None,
    disable: DisableOption = None,
    no_config: NoConfigOption = False,
) -> None:
    """Show one rule: its settings, examples, and its text in the file that defines it.

    Examples:

      cleaner rules show captions/gallery-caption

      cleaner rules show newsletter-prompt --rules my-site.yaml
    """
    from cleaner.config import plan_chain
    from cleaner.rulecheck import UnknownRuleError, find_rule, show_lines

    settings = chain_settings_or_exit(rules, pack, disable, no_default_rules, no_config, _PLAIN)
    with rule_errors_exit(_PLAIN):
        plan = plan_chain(settings, include_unused=True)
    try:
        entry = find_rule(plan, rule_id)
    except UnknownRuleError as exc:
        fail(str(exc), EXIT_RULE_ERROR)
    typer.echo("\n".join(show_lines(entry)))


FilesArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="FILES",
        help="Rule files or folders. Default: the files of the effective chain.",
        show_default=False,
    ),
]


def _files_or_chain(
    files: list[Path] | None,
    rules: list[Path] | None,
    pack: list[str] | None,
    disable: list[str] | None,
    no_default_rules: bool,
    no_config: bool,
) -> list[Path]:
    if files:
        return files
    from cleaner.config import plan_chain

    settings = chain_settings_or_exit(rules, pack, disable, no_default_rules, no_config, _PLAIN)
    with rule_errors_exit(_PLAIN):
        return list(plan_chain(settings).files)


@rules_app.command("check")
def rules_check(
    files: FilesArgument = None,
    rules: RulesOption = None,
    no_default_rules: NoDefaultRulesOption = False,
    pack: PackOption = None,
    disable: DisableOption = None,
    no_config: NoConfigOption = False,
) -> None:
    """Validate rule files: one 'path:line:col: message' line per problem.

    Checks the schema (unknown keys, with a did-you-mean; types; duplicate ids), compiles
    every pattern with RE2 and refuses patterns that match the empty string or any text.
    Warns about rules without examples. Exit status 2 when there are errors.

    Examples:

      cleaner rules check my-site.yaml

      cleaner rules check rules/
    """
    from cleaner.rulecheck import check_paths, plural
    from cleaner.ruleset import ERROR, expand_rule_paths

    paths = _files_or_chain(files, rules, pack, disable, no_default_rules, no_config)
    problems = check_paths(paths)
    for problem in problems:
        typer.echo(str(problem))
    errors = sum(problem.severity == ERROR for problem in problems)
    counts = f"{plural(errors, 'error')}, {plural(len(problems) - errors, 'warning')}"
    checked = plural(len(list(expand_rule_paths(paths))), "file")
    typer.echo(f"rules check: {checked} checked: {counts}", err=True)
    if errors:
        raise typer.Exit(EXIT_RULE_ERROR)


@rules_app.command("test")
def rules_test(
    files: FilesArgument = None,
    rules: RulesOption = None,
    no_default_rules: NoDefaultRulesOption = False,
    pack: PackOption = None,
    disable: DisableOption = None,
    no_config: NoConfigOption = False,
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
    from cleaner.ruleset import expand_rule_paths
    from cleaner.ruletest import run_tests

    paths = _files_or_chain(files, rules, pack, disable, no_default_rules, no_config)
    with rule_errors_exit(_PLAIN):
        results = run_tests(expand_rule_paths(paths))
    for problem in results.warnings:
        typer.echo(str(problem))
    for failure in results.failures:
        typer.echo("\n".join(failure.lines()))
    typer.echo(f"rules test: {results.summary()}")
    if results.failures:
        raise typer.Exit(EXIT_INPUT_ERROR)


def main() -> None:
    """Entry point of the ``cleaner`` console script."""
    app()
