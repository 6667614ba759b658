"""The ``cleaner`` Typer application: the root command and where each command group is registered."""

from __future__ import annotations

import sys
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from cleaner.commands import clean, evaluate, explain, learn, restore, rules
from cleaner.messages import EXIT_SIGNAL_BASE, EXIT_USAGE, error_line
from cleaner.version import __version__

# The exceptions of the click that Typer runs on (Typer may carry its own copy of click).
_errors = sys.modules[typer.BadParameter.__module__]
_UsageProblem = _errors.ClickException
_NoArgsIsHelp = getattr(_errors, "NoArgsIsHelpError", ())


class _OneLineErrors(TyperGroup):
    """The command group, with every usage error (a bad option value, an unknown option, a
    missing argument) printed as one ``cleaner: error:`` line, as cleaner's own errors are."""

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except _NoArgsIsHelp as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(EXIT_USAGE)
        except _UsageProblem as exc:
            typer.echo(error_line(usage_message(exc)), err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:  # Ctrl-C while click itself was waiting
            sys.exit(EXIT_SIGNAL_BASE + 2)
        sys.exit(code if isinstance(code, int) else 0)


def usage_message(exc: Exception) -> str:
    """A usage error's message on one line, starting in lower case.

    >>> usage_message(typer.BadParameter("Input should be at most 1", param_hint="'--max-removed'"))
    "invalid value for '--max-removed': Input should be at most 1"
    """
    text = " ".join(exc.format_message().split()).replace("Value error, ", "")  # type: ignore[attr-defined]
    return text[:1].lower() + text[1:]


app = typer.Typer(
    cls=_OneLineErrors,
    name="cleaner",
    help=(
        "Strip boilerplate (donation appeals, photo captions, date headers, teasers) from "
        "extracted text with declarative rules, and report every removed span.\n\n"
        "Examples:\n\n"
        "  cat article.txt | cleaner clean > article.clean.txt\n\n"
        "  cleaner clean article.txt -o article.clean.txt --report removed.jsonl\n\n"
        "  cleaner clean article.txt --rules my-site.yaml\n\n"
        "  cleaner clean raw/ -o clean/ --report removed.jsonl\n\n"
        "  cleaner learn raw/ -o site.yaml"
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


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


app.command("clean", short_help="Clean text, files, trees and corpora; report what was removed.")(clean.clean)
app.command("explain", short_help="Show what cleaning would remove, and which rule removes it.")(
    explain.explain
)
app.command("restore", short_help="Rebuild the original text from clean text and its report.")(
    restore.restore
)
app.add_typer(rules.rules_app)
app.command("eval", short_help="Measure the rules on labelled text or on web pages with snippets.")(
    evaluate.evaluate_command
)
app.command("learn", short_help="Learn the lines a site repeats into a rule pack to review.")(learn.learn)
