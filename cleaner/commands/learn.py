"""``cleaner learn``: mine the lines a site repeats into a rule pack to review and use with ``--rules``."""

from __future__ import annotations

import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from cleaner.batch.plan import DEFAULT_INCLUDE
from cleaner.batch.settings import DEFAULT_FIELD
from cleaner.commands.options import EncodingOption, HtmlOption, NoIgnoreOption, fail
from cleaner.messages import EXIT_PROBLEMS, EXIT_SIGNAL_BASE, EXIT_USAGE, error_line, plural, warning_line

if TYPE_CHECKING:
    from cleaner.learn.run import LearnOptions

_PACK_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def learn(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files, directories, JSONL corpora (*.jsonl, *.jsonl.gz), or '-' for standard input "
            "(the default). Directories are searched recursively for --include files.",
            metavar="PATH",
            show_default=False,
            readable=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="The rule file to write (default: standard output). A folder (existing, or ending "
            "in '/') gets one pack per group, named after the group.",
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            metavar="PACK",
            help="The pack's name (default: the output file's name, else 'learned').",
        ),
    ] = None,
    group_by: Annotated[
        str,
        typer.Option(
            "--group-by",
            metavar="HOW",
            help="How documents are grouped into sites: 'folder' (the folder a file lies in), "
            "'field:NAME' (a JSONL field, e.g. field:domain) or 'host' (the host of --url-field). "
            "Text files are always grouped by folder.",
        ),
    ] = "folder",
    url_field: Annotated[
        str,
        typer.Option(
            "--url-field", metavar="NAME", help="The JSONL field holding a URL, for --group-by host."
        ),
    ] = "url",
    field: Annotated[
        str | None,
        typer.Option(
            "--field",
            metavar="NAME",
            help=f"The text field of JSONL records. Default: {DEFAULT_FIELD!r}. Given explicitly, "
            "standard input is read as JSONL.",
            show_default=False,
        ),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include",
            metavar="GLOB",
            help=f"Glob of files to read inside directories; repeatable; replaces the default "
            f"({' '.join(DEFAULT_INCLUDE)}). Globs follow .gitignore rules, as in cleaner clean.",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", metavar="GLOB", help="Glob of files or folders to skip; repeatable."),
    ] = None,
    min_docs: Annotated[
        int,
        typer.Option(
            "--min-docs", min=2, metavar="N", help="A line must occur in at least N documents of its group."
        ),
    ] = 3,
    min_share: Annotated[
        float,
        typer.Option(
            "--min-share",
            min=0.0,
            max=1.0,
            metavar="SHARE",
            help="… and in at least this share of its group's documents.",
        ),
    ] = 0.1,
    prose_share: Annotated[
        float,
        typer.Option(
            "--prose-share",
            min=0.0,
            max=1.0,
            metavar="SHARE",
            help="A line that reads like article prose (a sentence heavy in stopwords, or a quotation) "
            "must occur in at least this share of its group's documents, and is then marked for review.",
        ),
    ] = 0.5,
    max_rules: Annotated[
        int,
        typer.Option("--max-rules", min=1, metavar="N", help="At most N rules per group, the most useful."),
    ] = 25,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, metavar="N", help="Worker processes; 0 means all cores.")
    ] = 0,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Show, per rule, its counts and the first documents it occurs in, and the lines held "
            "back and why (on standard output when the pack goes to a file, else on standard error).",
        ),
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write one JSON line per proposed or held-back line: counts, scope, samples.",
            metavar="FILE",
            readable=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on standard error.")] = False,
    *,
    no_ignore: NoIgnoreOption = False,
    encoding: EncodingOption = None,
    html: HtmlOption = None,
) -> None:
    """Learn the lines each site repeats (headers, footers, prompts) into a rule pack to review.

    Reads documents as 'clean' does, groups them (by folder, a JSONL field, or URL host), and
    finds lines, and line templates with digits and month or day names masked, that recur
    across the documents of a group. Writes one anchored 'line' rule per line or template,
    with examples from the corpus and its counts, most useful first. Lines that read like
    article prose need --prose-share and are marked for review. Review the pack, then use it
    with 'cleaner clean --rules'.

    Examples:

      cleaner learn raw/ -o site.yaml

      cleaner clean raw/ -o clean/ --rules site.yaml

      cleaner learn crawl.jsonl.gz --group-by host -o rules/ --explain

      cleaner learn crawl.jsonl --group-by field:domain --min-share 0.2 --report learned.jsonl
    """
    from cleaner.learn.inputs import GroupBy
    from cleaner.learn.run import LearnOptions, LearnUsageError
    from cleaner.learn.select import Thresholds

    if name is not None and not _PACK_NAME.match(name):
        raise typer.BadParameter("a pack name uses lowercase letters, digits, - or _", param_hint="--name")
    try:
        grouping = GroupBy.parse(group_by, url_field)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--group-by") from None
    options = LearnOptions(
        paths=tuple(str(path) for path in paths or ()),
        include=tuple(include) if include else DEFAULT_INCLUDE,
        gitignore=not no_ignore,
        exclude=tuple(exclude or ()),
        field=field,
        group_by=grouping,
        limits=Thresholds(min_docs, min_share, prose_share, max_rules),
        jobs=jobs,
        encoding=encoding,
        html=html,
        avoid=tuple(path for path in (Path(output) if output else None, report) if path is not None),
    )
    try:
        _run(options, output, name, explain=explain, report=report, quiet=quiet)
    except LearnUsageError as exc:
        fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        typer.echo(error_line("stopped; nothing was written"), err=True)
        raise typer.Exit(EXIT_SIGNAL_BASE + signal.SIGINT) from None


def _run(
    options: LearnOptions,
    output: str | None,
    name: str | None,
    *,
    explain: bool,
    report: Path | None,
    quiet: bool,
) -> None:
    import time

    from cleaner.learn.explain import explain_lines, write_report
    from cleaner.learn.pack import PackTooLarge, build_packs
    from cleaner.learn.run import learn as learn_corpus

    started = time.perf_counter()
    outcome = learn_corpus(options, on_problem=lambda source, reason: _say(error_line(f"{source}: {reason}")))
    source = " ".join(options.paths) if options.paths else "standard input"
    try:
        packs = build_packs(outcome.groups, output, name, source)
    except PackTooLarge as exc:
        fail(str(exc), EXIT_USAGE)
    for pack in packs:
        _write(pack.path, pack.text)
    names = {group.label: pack.name for pack in packs for group in pack.groups}
    if explain:
        to_stdout = all(pack.path is not None for pack in packs)
        for line in explain_lines(outcome.groups, names):
            typer.echo(line, err=not to_stdout)
    if report is not None:
        _write_report(report, lambda out: write_report(out, outcome.groups, names))
    reading = outcome.reading
    if not quiet:
        rules = sum(len(group.proposed) for group in outcome.groups)
        review = sum(p.review for group in outcome.groups for p in group.proposed)
        held = sum(len(group.held_back) for group in outcome.groups)
        where = ", ".join(str(pack.path) for pack in packs if pack.path is not None) or "standard output"
        _say(
            f"learn: {plural(reading.documents, 'document')} ({reading.bytes_in / 1e6:.1f} MB) in "
            f"{plural(len(outcome.groups), 'group')}: {plural(rules, 'rule')} ({review} to review), "
            f"{held} held back; wrote {where} in {time.perf_counter() - started:.1f} s"
        )
        if not rules and reading.documents:
            _say(warning_line("no line recurs in enough documents (see --min-docs, --min-share)"))
    if reading.problems:
        raise typer.Exit(EXIT_PROBLEMS)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _write(path: Path | None, text: str) -> None:
    from cleaner.io.output import atomic_writer

    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_writer(path) as out:
            out.write(text)
    except OSError as exc:
        fail(f"{path}: cannot write: {exc.strerror}")


def _write_report(path: Path, write: Callable[[IO[str]], None]) -> None:
    from cleaner.io.output import atomic_writer

    try:
        with atomic_writer(path) as out:
            write(out)
    except OSError as exc:
        fail(f"{path}: cannot write: {exc.strerror}")
