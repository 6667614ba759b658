"""``cleaner clean``: clean text, files, trees and corpora; optionally report every removed span."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cleaner.batch.plan import DEFAULT_INCLUDE
from cleaner.batch.settings import DEFAULT_FIELD
from cleaner.commands.options import (
    EncodingOption,
    HtmlOption,
    MaxRemovedOption,
    NoIgnoreOption,
    chain_options,
    fail,
    load_chain_or_exit,
)
from cleaner.core.guard import DEFAULT_MAX_REMOVED
from cleaner.io.limits import parse_size
from cleaner.messages import EXIT_USAGE
from cleaner.version import install_hint

if TYPE_CHECKING:
    from cleaner.rulefiles.config import ChainSettings


def _size(value: str) -> str:
    try:
        parse_size(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


@chain_options()
def clean(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, directories, or '-' for standard input (the default). Directories are "
            "searched recursively for --include files. A URL (s3://bucket/raw, any fsspec "
            "protocol) is read through fsspec.",
            metavar="PATH...",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="For one input, the file for its clean text (default: standard output). For a "
            "directory or several inputs, a directory: each output keeps its input's relative "
            "path (several inputs each get a folder named after them). A URL (s3://bucket/clean) "
            "is written through fsspec.",
            metavar="PATH",
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
            f"({' '.join(DEFAULT_INCLUDE)}). Globs follow .gitignore rules: one with '/' is anchored "
            "to the directory ('a/*.txt' is not 'a/b/y.txt'), '**/' spans any folders.",
            metavar="GLOB",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            help="Glob of files or folders to skip inside directories; repeatable. Names "
            "starting with '.' are always skipped, and what .gitignore files ignore (see --no-ignore).",
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
            "the path below the input directory (for JSONL, 'FILE:LINE', plus the record's 'id'). "
            "It replaces the file only when the run completes.",
            metavar="FILE",
            readable=False,
        ),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            help="Write the run's summary (counts, spans per rule, skipped files) as JSON.",
            metavar="FILE",
            readable=False,
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
            help="Clean directories and corpora on a Dask cluster instead of local processes: the "
            "scheduler's address (e.g. tcp://10.0.0.5:8786), or 'local' to start one on this "
            "machine. Inputs are read and outputs written here, unless they are URLs or --shared "
            f"says the workers see them. Needs {install_hint('dask')}.",
            show_default=False,
        ),
    ] = None,
    shared: Annotated[
        bool,
        typer.Option(
            "--shared",
            help="With --scheduler: the workers see the inputs and the output folder at the same "
            "paths (shared storage), so they read and write them themselves; this machine "
            "plans and writes the report.",
        ),
    ] = False,
    shard_mb: Annotated[
        int | None,
        typer.Option(
            "--shard-mb",
            min=1,
            metavar="MB",
            help="Clean one JSONL file into shards under -o DIR, one per MB MiB of input "
            "(NAME-00000.jsonl, ...), each written whole by a worker; --resume keeps every "
            "finished shard.",
            show_default=False,
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue a stopped run (with --output, or --in-place with --report): skip inputs "
            "whose output is the one the stopped run wrote, and rebuild --report as an "
            "uninterrupted run would have written it.",
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No progress bar and no end-of-run summary (errors still show)."),
    ] = False,
    stats: Annotated[
        bool,
        typer.Option(
            "--stats",
            help="End a directory or corpus run with the spans removed per rule and the inputs skipped, "
            "not only the one summary line (--summary FILE writes all of it as JSON).",
        ),
    ] = False,
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
    max_record_bytes: Annotated[
        str,
        typer.Option(
            "--max-record-bytes",
            envvar="CLEANER_MAX_RECORD_BYTES",
            metavar="SIZE",
            callback=_size,
            help="The longest JSONL record or line of text cleaned (e.g. 256MiB, 1G): a file holding "
            "a longer one is named and skipped, so that memory stays bounded.",
        ),
    ] = "64MiB",
    *,
    chain_settings: ChainSettings,
    max_removed: MaxRemovedOption = DEFAULT_MAX_REMOVED,
    no_ignore: NoIgnoreOption = False,
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

      cleaner clean corpus.jsonl -o shards/ --shard-mb 64 --scheduler tcp://10.0.0.5:8786 --shared

      cleaner clean notes/ --in-place --include '*.md' --exclude drafts

      cleaner clean raw/ --check

      cleaner clean page.html --encoding cp1252 --report removed.jsonl
    """
    from cleaner.batch.runner import BatchOptions, UsageError, run

    _refuse_options_without_effect(paths or [], include, exclude, field, no_ignore)
    options = BatchOptions(
        paths=tuple(paths or ()),
        output=_location(output),
        in_place=in_place,
        include=tuple(include) if include else DEFAULT_INCLUDE,
        gitignore=not no_ignore,
        exclude=tuple(exclude or ()),
        field=field,
        report=report,
        summary=summary,
        jobs=jobs,
        scheduler=scheduler,
        shared=shared,
        shard_bytes=shard_mb << 20 if shard_mb else None,
        max_record_bytes=parse_size(max_record_bytes),
        resume=resume,
        quiet=quiet,
        stats=stats,
        diff=diff,
        check=check,
        max_removed=max_removed,
        encoding=encoding,
        html=html,
    )
    chain = load_chain_or_exit(chain_settings)
    try:
        status = run(options, chain)
    except UsageError as exc:
        fail(str(exc), EXIT_USAGE)
    if status:
        raise typer.Exit(status)


def _refuse_options_without_effect(
    paths: list[str],
    include: list[str] | None,
    exclude: list[str] | None,
    field: str | None,
    no_ignore: bool = False,
) -> None:
    """Options that would do nothing for these inputs are a mistake to point out, not to ignore."""
    from cleaner.io.remote import is_url
    from cleaner.report.sources import RECORD_SUFFIXES

    # URLs are left to the run: whether one is a folder is known only by asking its store.
    named = [Path(path) for path in paths if path != "-" and not is_url(path)]
    if len(named) < len(paths) - paths.count("-") or not named:
        return
    if (include or exclude) and not any(path.is_dir() for path in named):
        fail("--include and --exclude choose files inside directories, and no input is one", EXIT_USAGE)
    if no_ignore and not any(path.is_dir() for path in named):
        fail("--no-ignore reads .gitignore files inside directories, and no input is one", EXIT_USAGE)
    if field is not None and not any(path.is_dir() or path.name.endswith(RECORD_SUFFIXES) for path in named):
        corpora = "*.jsonl, *.jsonl.gz, *.parquet"
        fail(f"--field {field}: no input is a corpus ({corpora}) or a directory", EXIT_USAGE)


def _location(output: str | None) -> Path | str | None:
    """``-o`` as a path of this machine, or as a URL (kept as text) for fsspec."""
    from cleaner.io.remote import is_url, local_path

    if output is None or is_url(output):
        return output
    return Path(local_path(output))
