"""``cleaner explain``: show what cleaning would remove, and why."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cleaner.commands.options import (
    EncodingOption,
    HtmlOption,
    MaxRemovedOption,
    chain_options,
    load_chain_or_exit,
    read_input_or_exit,
    write_output,
)
from cleaner.core.guard import DEFAULT_MAX_REMOVED

if TYPE_CHECKING:
    from cleaner.rulefiles.config import ChainSettings


class ExplainFormat(str, Enum):
    text = "text"
    html = "html"


@chain_options()
def explain(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Input file; '-' or nothing reads standard input.",
            metavar="FILE",
            show_default=False,
            readable=False,
        ),
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
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the view here instead of stdout.", metavar="PATH", readable=False
        ),
    ] = None,
    colour: Annotated[
        bool | None,
        typer.Option("--color/--no-color", help="Colour the text view (default: only on a terminal)."),
    ] = None,
    *,
    chain_settings: ChainSettings,
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
    from cleaner.batch.tasks import clean_decoded
    from cleaner.views.explain import render_html, render_plain, render_terminal

    chain = load_chain_or_exit(chain_settings)
    source, decoded = read_input_or_exit(path, encoding=encoding, html=html)
    text = decoded.text
    result = clean_decoded(decoded, chain, max_removed)
    if output_format is ExplainFormat.html:
        write_output(output, render_html(text, result, source))
    elif output is not None or colour is False:
        write_output(output, render_plain(text, result))
    else:
        render_terminal(text, result, sys.stdout, colour=colour)
