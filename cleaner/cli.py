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
        reader = sys.stdin.buffer if from_stdin else path.open("rb")  # type: ignore[union-attr]
        with reader:
            data = reader.read(STREAM_BYTES + 1)
            if len(data) > STREAM_BYTES:
                _clean_long_input(data, reader, chain, source, output, report)
                return
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


STREAM_BYTES = 8 << 20  # inputs larger than this are cleaned in windows (cleaner.stream)


def _clean_long_input(
    first: bytes, reader, chain, source: str, output: Path | None, report: Path | None
) -> None:
    """Clean a large input in bounded memory, writing each settled part as it comes."""
    from contextlib import ExitStack

    from cleaner.decode import DecodeError
    from cleaner.output import atomic_writer
    from cleaner.report import write_records
    from cleaner.stream import clean_parts, decode_chunks

    with ExitStack() as stack:
        out = stack.enter_context(atomic_writer(output)) if output is not None else None
        spans_out = stack.enter_context(atomic_writer(report)) if report is not None else None
        try:
            for part in clean_parts(decode_chunks(first, reader), chain):
                if out is None:
                    sys.stdout.buffer.write(part.clean.encode("utf-8"))
                else:
                    out.write(part.clean)
                if spans_out is not None:
                    write_records(spans_out, source, part.spans)
        except DecodeError as exc:
            fail(f"{source}: {exc}")
    sys.stdout.buffer.flush()


def main() -> None:
    """Entry point of the ``cleaner`` console script.

    The bare pipe form, ``cleaner clean`` with no other argument, calls the command with its
    defaults directly: building the Typer command costs more than cleaning a short article
    (Typer validates parameters through pydantic, which it imports on first use).
    """
    if sys.argv[1:] == ["clean"]:
        try:
            clean()
        except typer.Exit as done:
            sys.exit(done.exit_code)
        return
    app()
