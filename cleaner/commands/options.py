"""What several commands share: the rule-selection options (defined once), input and output
options, and turning errors into one line and an exit status."""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from cleaner.messages import EXIT_PROBLEMS, EXIT_USAGE, error_line

if TYPE_CHECKING:
    from cleaner.core.engine import Chain
    from cleaner.io.decode import Decoded
    from cleaner.rulefiles.config import ChainSettings

Command = TypeVar("Command", bound=Callable[..., Any])


def fail(message: str, code: int = EXIT_PROBLEMS) -> NoReturn:
    """Print a one-line error on stderr and exit with ``code``."""
    typer.echo(error_line(message), err=True)
    raise typer.Exit(code)


# The rule-selection options, as (parameter name, annotation, default). Every command that
# loads a chain takes them through :func:`chain_options`, so they are written only here.
_CHAIN_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    (
        "rules",
        Annotated[
            list[Path] | None,
            typer.Option(
                "--rules",
                "-r",
                metavar="PATH",
                help="A rule file, or a folder of *.yaml rule files, added after the built-in packs "
                "and the config file's rules. Repeatable. A rule with the same pack/id as an "
                "earlier one replaces it.",
                readable=False,
            ),
        ],
        None,
    ),
    (
        "no_default_rules",
        Annotated[bool, typer.Option("--no-default-rules", help="Do not load the built-in rule packs.")],
        False,
    ),
    (
        "pack",
        Annotated[
            list[str] | None,
            typer.Option(
                "--pack",
                "-p",
                metavar="NAME",
                help="Use only this built-in pack (repeatable); replaces the config file's 'packs'.",
            ),
        ],
        None,
    ),
    (
        "disable",
        Annotated[
            list[str] | None,
            typer.Option(
                "--disable",
                "-d",
                metavar="RULE",
                help="Switch off a rule (pack/id) or a whole pack. Repeatable; adds to the config "
                "file's 'disable'.",
            ),
        ],
        None,
    ),
    (
        "no_config",
        Annotated[
            bool,
            typer.Option("--no-config", help="Ignore cleaner.toml and [tool.cleaner] in pyproject.toml."),
        ],
        False,
    ),
    (
        "verbose",
        Annotated[
            bool,
            typer.Option("--verbose", "-v", help="Say on stderr which config file the rules come from."),
        ],
        False,
    ),
)


def chain_options(*, plain_errors: bool = False) -> Callable[[Command], Command]:
    """Give a command the rule-selection options; it receives them merged over the config file
    as one ``chain_settings`` argument (a :class:`~cleaner.rulefiles.config.ChainSettings`).

    ``plain_errors``: print rule-file problems as bare ``path:line:col`` lines, like a
    compiler (the ``rules`` commands), rather than as ``cleaner: error:`` lines.
    """

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command)
        # The command's own annotations, evaluated (Typer needs the objects); chain_settings'
        # type is only imported for type checkers, and Typer never sees that parameter.
        own = [
            param.replace(annotation=eval(param.annotation, command.__globals__))
            if isinstance(param.annotation, str)
            else param
            for name, param in signature.parameters.items()
            if name != "chain_settings"
        ]
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
            for name, annotation, default in _CHAIN_OPTIONS
        ]

        @functools.wraps(command)
        def with_chain(**kwargs: Any) -> Any:
            picked = {name: kwargs.pop(name) for name, _, _ in _CHAIN_OPTIONS}
            settings = _chain_settings(plain_errors=plain_errors, **picked)
            return command(chain_settings=settings, **kwargs)

        params = [*own, *added]
        with_chain.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        with_chain.__annotations__ = {param.name: param.annotation for param in params}
        return with_chain  # type: ignore[return-value]

    return decorate


@contextlib.contextmanager
def rule_errors_exit(*, plain: bool = False) -> Iterator[None]:
    """Turn rule-file and config errors into one line each on stderr, and exit status 2."""
    from cleaner.rulefiles.config import chain_error_lines

    try:
        yield
    except ValueError as exc:
        lines = chain_error_lines(exc)
        if lines is None:
            raise
        for line in lines:
            typer.echo(line if plain else error_line(line), err=True)
        raise typer.Exit(EXIT_USAGE) from None


def _chain_settings(
    *,
    rules: list[Path] | None,
    pack: list[str] | None,
    disable: list[str] | None,
    no_default_rules: bool,
    no_config: bool,
    verbose: bool,
    plain_errors: bool,
) -> ChainSettings:
    """The chain options of the command line merged over the config file (named on stderr
    with ``verbose``)."""
    from cleaner.rulefiles.config import resolve_settings

    with rule_errors_exit(plain=plain_errors):
        settings = resolve_settings(
            rules=tuple(rules or ()),
            packs=tuple(pack or ()),
            disable=tuple(disable or ()),
            no_default_rules=no_default_rules,
            no_config=no_config,
        )
    if verbose:
        used = "none (--no-config)" if no_config else settings.config or "none found"
        typer.echo(f"cleaner: config: {used}", err=True)
    return settings


def load_chain_or_exit(settings: ChainSettings) -> Chain:
    """The compiled chain, or one ``path:line:col`` line per problem and exit status 2."""
    from cleaner.rulefiles.config import load_chain_from_settings

    with rule_errors_exit():
        return load_chain_from_settings(settings)


MaxRemovedOption = Annotated[
    float,
    typer.Option(
        "--max-removed",
        min=0.0,
        max=1.0,
        help="Leave a document unchanged, and flag it in the report and on stderr, when the rules "
        "would remove more than this fraction of its characters (1 switches the guard off).",
        metavar="FRACTION",
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
NoIgnoreOption = Annotated[
    bool,
    typer.Option(
        "--no-ignore",
        help="Also take the files and folders that .gitignore files in the input directories ignore.",
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


def read_input_or_exit(
    path: Path | None, *, encoding: str | None = None, html: bool | None = None
) -> tuple[str, Decoded]:
    """``(source, decoded)`` of a file, or of stdin for ``None`` or ``-``; a one-line error otherwise."""
    from cleaner.io.decode import DecodeError, decode_bytes

    from_stdin = path is None or str(path) == "-"
    source = "<stdin>" if from_stdin else str(path)
    if path is not None and not from_stdin and path.is_dir():
        fail(f"{source}: is a directory; give one file (cleaner clean DIR -o OUT cleans a tree)", EXIT_USAGE)
    try:
        data = sys.stdin.buffer.read() if from_stdin else path.read_bytes()  # type: ignore[union-attr]
        return source, decode_bytes(data, encoding=encoding, html=html, name=None if from_stdin else path)
    except OSError as exc:
        fail(f"{source}: cannot read: {exc.strerror}")
    except DecodeError as exc:
        fail(f"{source}: {exc}")


def write_output(output: Path | None, text: str | bytes) -> None:
    """``text`` (or bytes) to ``output`` (atomically) or, without one, to stdout; text as UTF-8."""
    from cleaner.io.output import atomic_writer

    data = text.encode("utf-8") if isinstance(text, str) else text
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with atomic_writer(output, "wb") as out:
            out.write(data)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")
