"""The ``cleaner`` Typer application: the root command and where each command group is registered."""

from __future__ import annotations

from typing import Annotated

import typer

from cleaner.commands import clean, evaluate, explain, learn, restore, rules
from cleaner.version import __version__

app = typer.Typer(
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
    add_completion=False,
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


app.command("clean")(clean.clean)
app.command("explain")(explain.explain)
app.command("restore")(restore.restore)
app.add_typer(rules.rules_app)
app.command("eval")(evaluate.evaluate_command)
app.command("learn")(learn.learn)
