"""The ``cleaner`` command line: parses options and delegates to the library."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from cleaner import __version__
from cleaner.batch.runner import DEFAULT_FIELD, DEFAULT_INCLUDE
from cleaner.core.engine import DEFAULT_MAX_REMOVED

if TYPE_CHECKING:
    from cleaner.core.engine import Chain
    from cleaner.io.decode import Decoded
    from cleaner.rulefiles.config import ChainSettings

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
MaxRemovedOption = Annotated[
    float,
    typer.Option(
        "--max-removed",
        min=0.0,
        max=1.0,
        help="Leave a document unchanged, and flag it in the report and on stderr, when the rules "
        "would remove more than this fraction of its characters (1 switches the guard off).",
    ),
]


def _encoding_name(value: str | None) -> str | None:
    from cleaner.io.decode import normalize_encoding

    try:
        return None if value is None else normalize_encoding(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="NAME",
        callback=_encoding_name,
        help="Read input in this encoding (e.g. cp1252, latin-1, utf-16) instead of detecting it. "
        "Output is always UTF-8.",
        show_default=False,
    ),
]
HtmlOption = Annotated[
    bool | None,
    typer.Option(
        "--html/--no-html",
        help="Treat input as an HTML page (extract its main text first) or as plain text. "
        "Default: HTML for .html/.htm/.xhtml files and pages starting with <!doctype html> or <html>.",
        show_default=False,
    ),
]


@contextlib.contextmanager
def rule_errors_exit(prefix: str = "cleaner: error: ") -> Iterator[None]:
    """Turn rule-file and config errors into one line each on stderr, and exit status 2."""
    from cleaner.rulefiles.config import chain_error_lines

    try:
        yield
    except ValueError as exc:
        lines = chain_error_lines(exc)
        if lines is None:
            raise
        for line in lines:
            typer.echo(f"{prefix}{line}", err=True)
        raise typer.Exit(EXIT_RULE_ERROR) from None


def chain_settings_or_exit(
    rules: list[Path] | None,
    packs: list[str] | None,
    disable: list[str] | None,
    no_default_rules: bool,
    no_config: bool,
    prefix: str = "cleaner: error: ",
) -> ChainSettings:
    """The chain options of the command line merged over the config file (cleaner.rulefiles.config)."""
    from cleaner.rulefiles.config import resolve_settings

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
    from cleaner.rulefiles.config import load_chain_from_settings

    with rule_errors_exit():
        return load_chain_from_settings(settings)


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
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Clean directories and JSONL on a Dask cluster instead of local processes: the "
            "scheduler's address (e.g. tcp://10.0.0.5:8786), or 'local' to start one on this "
            "machine. Inputs are read and outputs written here. Needs pip install 'cleaner[dask]'.",
            show_default=False,
        ),
    ] = None,
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
    pack: PackOption = None,
    disable: DisableOption = None,
    no_config: NoConfigOption = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            help="Print a unified diff of each input against its clean text; write no files "
            "(JSONL corpora are only counted).",
        ),
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; name each input cleaning would change and exit 1, or exit 0 when "
            "none would (like black --check).",
        ),
    ] = False,
    max_removed: MaxRemovedOption = DEFAULT_MAX_REMOVED,
    encoding: EncodingOption = None,
    html: HtmlOption = None,
) -> None:
    """Clean text and write the result; optionally report every removed span.

    One input (a file, or standard input) is written to standard output or -o FILE; over
    128 MiB (8 MiB from a pipe), it is cleaned in windows, in bounded memory, with the same
    result.
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

      cleaner clean raw/ -o clean/ --report removed.jsonl --scheduler tcp://10.0.0.5:8786

      cleaner clean notes/ --in-place --include '*.md' --exclude drafts

      cleaner clean raw/ --check

      cleaner clean article.txt --diff

      cleaner clean page.html --encoding cp1252 --report removed.jsonl
    """
    from cleaner.batch.runner import BatchOptions, UsageError, run

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
        scheduler=scheduler,
        resume=resume,
        quiet=quiet,
        diff=diff,
        check=check,
        max_removed=max_removed,
        encoding=encoding,
        html=html,
    )
    chain = load_chain_or_exit(chain_settings_or_exit(rules, pack, disable, no_default_rules, no_config))
    try:
        status = run(options, chain)
    except UsageError as exc:
        fail(str(exc), EXIT_USAGE_ERROR)
    if status:
        raise typer.Exit(status)


def read_input_or_exit(
    path: Path | None, *, encoding: str | None = None, html: bool | None = None
) -> tuple[str, Decoded]:
    """``(source, decoded)`` of a file, or of stdin for ``None`` or ``-``; a one-line error otherwise."""
    from cleaner.io.decode import DecodeError, decode_bytes

    from_stdin = path is None or str(path) == "-"
    source = "<stdin>" if from_stdin else str(path)
    try:
        data = sys.stdin.buffer.read() if from_stdin else path.read_bytes()  # type: ignore[union-attr]
        return source, decode_bytes(data, encoding=encoding, html=html, name=None if from_stdin else path)
    except OSError as exc:
        fail(f"{source}: cannot read: {exc.strerror}")
    except DecodeError as exc:
        fail(f"{source}: {exc}")


def write_output(output: Path | None, text: str) -> None:
    """``text`` to ``output`` (atomically) or, without one, to stdout as UTF-8."""
    from cleaner.io.output import atomic_writer

    if output is None:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    try:
        with atomic_writer(output) as out:
            out.write(text)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")


class ExplainFormat(str, Enum):
    text = "text"
    html = "html"


@app.command()
def explain(
    path: Annotated[
        Path | None,
        typer.Argument(help="Input file; '-' or nothing reads standard input.", show_default=False),
    ] = None,
    output_format: Annotated[
        ExplainFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: the input with removed spans marked (coloured in a terminal, "
            "[-removed-]{rule} otherwise). html: one self-contained page.",
        ),
    ] = ExplainFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the view here instead of stdout.")
    ] = None,
    colour: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Colour the text view (default: only on a terminal)."),
    ] = None,
    rules: RulesOption = None,
    no_default_rules: NoDefaultRulesOption = False,
    pack: PackOption = None,
    disable: DisableOption = None,
    no_config: NoConfigOption = False,
    max_removed: MaxRemovedOption = DEFAULT_MAX_REMOVED,
    encoding: EncodingOption = None,
    html: HtmlOption = None,
) -> None:
    """Show what cleaning would remove: every removed span marked with its rule, then a tally.

    The rules and the --max-removed guard are those of clean; --max-removed 1 also shows the
    cuts the guard would hold back.

    Examples:

      cleaner explain article.txt

      cleaner explain article.txt --format html -o article.html

      cleaner explain article.txt --max-removed 1
    """
    from cleaner.views.explain import render_html, render_plain, render_terminal

    chain = load_chain_or_exit(chain_settings_or_exit(rules, pack, disable, no_default_rules, no_config))
    source, decoded = read_input_or_exit(path, encoding=encoding, html=html)
    text = decoded.text
    result = chain.clean(text, max_removed=max_removed)
    if output_format is ExplainFormat.html:
        write_output(output, render_html(text, result, source))
    elif output is not None or colour is False:
        write_output(output, render_plain(text, result))
    else:
        render_terminal(text, result, sys.stdout, colour=colour)


@app.command()
def restore(
    clean_path: Annotated[
        Path,
        typer.Argument(
            metavar="CLEAN",
            help="A clean file ('-' reads standard input) or the output directory of a run.",
            show_default=False,
        ),
    ],
    report: Annotated[
        Path,
        typer.Option("--report", help="The JSONL report written when CLEAN was made.", show_default=False),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the original here (a directory, for a directory CLEAN)."),
    ] = None,
) -> None:
    """Rebuild the original text from clean text and its report, refusing clean text edited since.

    For a directory, each record's source is matched to the clean file at the same place in
    the output tree (raw/world/a.txt -> CLEAN/world/a.txt); files no record names are copied.

    Examples:

      cleaner restore article.clean.txt --report removed.jsonl -o article.txt

      cleaner restore clean/ --report removed.jsonl -o restored/
    """
    from cleaner.report.records import RestoreError, read_records
    from cleaner.report.restore import group_by_source, restore_document, restore_tree, select_records

    try:
        with report.open(encoding="utf-8") as handle:
            groups = group_by_source(read_records(handle))
    except OSError as exc:
        fail(f"{report}: cannot read: {exc.strerror}")
    except (RestoreError, UnicodeDecodeError) as exc:
        fail(f"{report}: {exc}")
    if clean_path.is_dir():
        if output is None:
            fail(f"{clean_path}: restoring a directory needs -o OUT_DIR", EXIT_USAGE_ERROR)
        if output.resolve() == clean_path.resolve() or clean_path.resolve() in output.resolve().parents:
            fail(f"{output}: must not be inside {clean_path}", EXIT_USAGE_ERROR)
        outcome = restore_tree(clean_path, groups, output, skip=[report])
        for error in outcome.errors:
            typer.echo(f"cleaner: error: {error}", err=True)
        typer.echo(
            f"{outcome.restored} files restored, {outcome.copied} copied unchanged, "
            f"{len(outcome.errors)} errors",
            err=True,
        )
        raise typer.Exit(EXIT_INPUT_ERROR if outcome.errors else 0)
    source, decoded = read_input_or_exit(clean_path, html=False)
    try:
        original = restore_document(decoded.text, select_records(groups, decoded.text))
    except RestoreError as exc:
        fail(f"{source}: {exc}")
    write_output(output, original)


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

    from cleaner.rulefiles.config import plan_chain
    from cleaner.rulefiles.listing import list_lines

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
    from cleaner.rulefiles.config import plan_chain
    from cleaner.rulefiles.listing import UnknownRuleError, find_rule, show_lines

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
    from cleaner.rulefiles.config import plan_chain

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
    from cleaner.rulefiles.listing import check_paths, plural
    from cleaner.rulefiles.schema import ERROR, expand_rule_paths

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
    from cleaner.rulefiles.examples import run_tests
    from cleaner.rulefiles.schema import expand_rule_paths

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
    pack: PackOption = None,
    disable: DisableOption = None,
    no_config: NoConfigOption = False,
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

    chain = load_chain_or_exit(chain_settings_or_exit(rules, pack, disable, no_default_rules, no_config))
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
        typer.echo(f"cleaner: error: {reason}", err=True)
    if result.skipped:
        raise typer.Exit(EXIT_INPUT_ERROR)
