"""Show what cleaning removes: marked-up text for terminals and pipes, an HTML page, a diff.

Every view shows the whole input in order, kept text as it is and each removed span marked
with the rule that removed it, followed by a per-rule tally. A span that is only whitespace
(the ``tidy/whitespace`` cuts) is shown escaped (``\\n``, ``\\r``, ``\\t``) so it can be seen.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from cleaner.core.engine import TIDY_RULE
from cleaner.core.guard import held_back_message
from cleaner.core.result import Result, Span
from cleaner.messages import plural
from cleaner.version import __version__

# (text, background) per rule in order of first appearance; whitespace tidying is always grey.
HTML_COLOURS = (
    ("#a4221a", "#fde4e1"),
    ("#6d3596", "#f0e4f8"),
    ("#1c5a9f", "#e1ecfa"),
    ("#865600", "#fbefd6"),
    ("#17703f", "#dff3e7"),
    ("#a02a66", "#fbe4ef"),
    ("#2f6473", "#e0f0f4"),
    ("#5f5326", "#f1ecdc"),
)
HTML_TIDY_COLOURS = ("#6b6b6b", "#ececec")
TERMINAL_COLOURS = ("red", "magenta", "yellow", "cyan", "green", "blue", "bright_red", "bright_magenta")
TERMINAL_TIDY_COLOUR = "bright_black"
_ESCAPES = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


@dataclass(frozen=True, slots=True)
class RuleTally:
    """How many spans and characters one rule removed."""

    rule: str
    spans: int
    chars: int


def tally(spans: Sequence[Span]) -> list[RuleTally]:
    """Removed spans and characters per rule, in order of each rule's first cut.

    >>> tally([Span("a/x", 0, 4, "abcd"), Span("tidy/whitespace", 4, 5, " "), Span("a/x", 9, 11, "ij")])
    [RuleTally(rule='a/x', spans=2, chars=6), RuleTally(rule='tidy/whitespace', spans=1, chars=1)]
    """
    counts: dict[str, list[int]] = {}
    for span in spans:
        if span.end > span.start:
            entry = counts.setdefault(span.rule, [0, 0])
            entry[0] += 1
            entry[1] += span.end - span.start
    return [RuleTally(rule, n, chars) for rule, (n, chars) in counts.items()]


def summary(text: str, result: Result) -> str:
    """One line saying what cleaning did to ``text``.

    >>> summary("Story. Read more", Result("Story.", [Span("demo/more", 6, 16, " Read more")]))
    'removed 10 of 16 characters (62.5%) in 1 span'
    """
    flag = result.held_back
    if flag is not None:
        return held_back_message(flag)
    removed = sum(span.end - span.start for span in result.spans)
    if not removed:
        return "nothing removed"
    count = sum(1 for span in result.spans if span.end > span.start)
    share = 100 * removed / len(text)
    return f"removed {removed} of {len(text)} characters ({share:.1f}%) in {plural(count, 'span')}"


def label(span: Span) -> str:
    """The rule of a removed span and its captures, as the views show them: what matched (a
    credit, a date) and, for rules that judge a line by its signals, the values that decided.

    >>> label(Span("shapes/run", 0, 9, "More news", captures={"words": "2", "html": "false"}))
    'shapes/run words=2 html=false'
    >>> label(Span("captions/credit", 0, 9, "( AFP )", captures={"credit": "Jane Doe / AFP"}))
    'captions/credit credit="Jane Doe / AFP"'
    """
    shown = [span.rule]
    for name, value in span.captures.items():
        needs_quotes = not value or any(char.isspace() or char in '"{}' for char in value)
        shown.append(f"{name}={_quoted(value) if needs_quotes else value}")
    return " ".join(shown)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').translate(_ESCAPES) + '"'


def pieces(text: str, spans: Sequence[Span]) -> Iterator[tuple[str, Span | None]]:
    """``text`` cut into kept pieces (``None``) and removed spans, in order.

    >>> [(piece, span.rule if span else None) for piece, span in pieces("ab cd", [Span("x/y", 2, 3, " ")])]
    [('ab', None), (' ', 'x/y'), ('cd', None)]
    """
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.end <= span.start:
            continue
        if span.start > pos:
            yield text[pos : span.start], None
        yield span.text, span
        pos = span.end
    if pos < len(text):
        yield text[pos:], None


def render_plain(text: str, result: Result) -> str:
    """The text with every removed span written ``[-text-]{rule captures}``, then the tally.

    >>> result = Result("Story.", [Span("demo/more", 6, 16, " Read more")])
    >>> print(render_plain("Story. Read more", result), end="")
    Story.[- Read more-]{demo/more}
    <BLANKLINE>
    == removed 10 of 16 characters (62.5%) in 1 span
          10 chars   1 span   demo/more
    """
    body = "".join(
        f"[-{_visible(piece)}-]{{{label(span)}}}" if span else piece
        for piece, span in pieces(text, result.spans)
    )
    if body and not body.endswith("\n"):
        body += "\n"
    return body + "\n" + "".join(line + "\n" for line in _tally_lines(text, result))


def render_terminal(text: str, result: Result, file: IO[str], *, colour: bool | None = None) -> None:
    """The same view as :func:`render_plain`, with removed spans struck through and coloured.

    ``colour=None`` colours only when ``file`` is a terminal (and ``NO_COLOR`` is unset).
    """
    if colour is False or (colour is None and not file.isatty()):
        file.write(render_plain(text, result))
        return
    from rich.console import Console
    from rich.text import Text

    colours = _assign(result.spans, TERMINAL_COLOURS, TERMINAL_TIDY_COLOUR)
    view = Text()
    for piece, span in pieces(text, result.spans):
        if span is None:
            view.append(piece)
            continue
        colour_name = colours[span.rule]
        if piece.isspace():
            view.append(_visible(piece), style=f"reverse {colour_name}")
        else:
            view.append(piece, style=f"strike {colour_name}")
        view.append(f"{{{label(span)}}}", style=f"dim italic {colour_name}")
    if not view.plain.endswith("\n"):
        view.append("\n")
    console = Console(file=file, force_terminal=True if colour else None, highlight=False, soft_wrap=True)
    console.print(view, end="")
    lines = _tally_lines(text, result)
    console.print("\n" + lines[0], style="bold", markup=False)
    for line, rule_tally in zip(lines[1:], tally(result.spans), strict=True):
        console.print(line, style=colours[rule_tally.rule], markup=False)


def render_html(text: str, result: Result, source: str) -> str:
    """One self-contained HTML page: removed spans struck through and coloured per rule, the
    rule id and captures beside them and on hover, a legend with counts, and a switch to hide
    what was removed.

    >>> page = render_html("a <b> c", Result("a  c", [Span("x/y", 2, 5, "<b>")]), "in.txt")
    >>> '<del class="r0" title="x/y">&lt;b&gt;</del>' in page
    True
    """
    spans = result.spans
    rule_tallies = tally(spans)
    rules = [t.rule for t in rule_tallies if t.rule != TIDY_RULE]
    classes = {rule: f"r{k}" for k, rule in enumerate(rules)} | {TIDY_RULE: "tidy"}
    body: list[str] = []
    for piece, span in pieces(text, spans):
        if span is None:
            body.append(_esc(piece))
            continue
        cls = classes[span.rule]
        if piece.isspace():
            kind = "ws nl" if "\n" in piece else "ws"
            body.append(f'<del class="{cls} {kind}" title="{_esc(span.rule)}">{_esc(piece)}</del>')
        else:
            body.append(f'<del class="{cls}" title="{_esc(label(span))}">{_esc(piece)}</del>')
            body.append(f'<span class="tag {cls}" aria-hidden="true">{_esc(label(span))}</span>')
    legend = "\n".join(
        f'<tr><td><span class="swatch {classes[t.rule]}"></span></td>'
        f"<td><code>{_esc(t.rule)}</code></td>"
        f'<td class="n">{t.spans}</td><td class="n">{t.chars}</td></tr>'
        for t in rule_tallies
    )
    return _PAGE.format(
        title=_esc(f"cleaner explain: {source}"),
        version=__version__,
        source=_esc(source),
        summary=_esc(summary(text, result)),
        summary_class="summary held-back" if result.held_back else "summary",
        colours=_rule_css(classes),
        legend=legend or '<tr><td></td><td colspan="3">no rule removed anything</td></tr>',
        text="".join(body),
    )


def _tally_lines(text: str, result: Result) -> list[str]:
    lines = [f"== {summary(text, result)}"]
    for t in tally(result.spans):
        lines.append(f"  {t.chars:6d} chars {t.spans:3d} {'span ' if t.spans == 1 else 'spans'}  {t.rule}")
    return lines


def _assign(spans: Sequence[Span], palette: Sequence[str], tidy: str) -> dict[str, str]:
    """A palette entry per rule, in order of first cut; whitespace tidying gets ``tidy``."""
    rules = [t.rule for t in tally(spans) if t.rule != TIDY_RULE]
    colours = {rule: palette[k % len(palette)] for k, rule in enumerate(rules)}
    colours[TIDY_RULE] = tidy
    return colours


def _rule_css(classes: dict[str, str]) -> str:
    return "\n".join(
        f".{cls} {{ color: {fg}; background: {bg}; }} .swatch.{cls} {{ background: {fg}; }}"
        for cls, (fg, bg) in _assign_css(classes).items()
    )


def _assign_css(classes: dict[str, str]) -> dict[str, tuple[str, str]]:
    colours = {}
    for k, cls in enumerate(c for c in classes.values() if c != "tidy"):
        colours[cls] = HTML_COLOURS[k % len(HTML_COLOURS)]
    if "tidy" in classes.values():
        colours["tidy"] = HTML_TIDY_COLOURS
    return colours


def _visible(piece: str) -> str:
    return piece.translate(_ESCAPES) if piece.isspace() else piece


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cleaner {version}">
<title>{title}</title>
<style>
body {{ margin: 0; background: #fbfbf8; color: #1d1d1b; font: 17px/1.6 Georgia, "Times New Roman", serif; }}
.page {{ max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }}
header, .legend, .controls {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }}
h1 {{ font-size: 1.05rem; font-weight: 600; margin: 0 0 .25rem; overflow-wrap: anywhere; }}
.summary {{ margin: 0 0 1rem; color: #4a4a46; font-size: .95rem; }}
.summary.held-back {{ color: #8a3b00; font-weight: 600; }}
table.legend {{ border-collapse: collapse; font-size: .85rem; margin: 0 0 1rem; }}
.legend th, .legend td {{ padding: .15rem .6rem .15rem 0; text-align: left; }}
.legend th {{ color: #6b6b66; font-weight: 500; border-bottom: 1px solid #ddd; }}
.legend td.n, .legend th.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.swatch {{ display: inline-block; width: .9rem; height: .9rem; border-radius: 2px; vertical-align: -2px; }}
.controls {{ font-size: .85rem; color: #4a4a46; margin: 0 0 1.5rem; }}
.text {{ white-space: pre-wrap; overflow-wrap: anywhere; border-top: 1px solid #e4e4df;
  padding-top: 1.25rem; }}
del {{ text-decoration-line: line-through; text-decoration-thickness: 1px; border-radius: 3px;
  padding: 0 1px; }}
del.ws {{ text-decoration: none; }}
del.nl::before {{ content: "\\21B5"; font-size: .75em; opacity: .7; }}
.tag {{ font: .68rem/1 ui-monospace, "SFMono-Regular", Menlo, monospace; background: none; margin-left: .2rem;
  vertical-align: super; white-space: nowrap; }}
#hide:checked ~ .text del, #hide:checked ~ .text .tag {{ display: none; }}
{colours}
</style>
</head>
<body>
<div class="page">
<header>
<h1>{source}</h1>
<p class="{summary_class}">{summary}</p>
</header>
<table class="legend">
<thead><tr><th></th><th>rule</th><th class="n">spans</th><th class="n">characters</th></tr></thead>
<tbody>
{legend}
</tbody>
</table>
<input type="checkbox" id="hide"><label class="controls" for="hide"> hide removed text</label>
<div class="text">{text}</div>
</div>
</body>
</html>
"""
