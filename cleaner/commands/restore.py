"""``cleaner restore``: rebuild originals from clean text and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cleaner.batch.settings import DEFAULT_FIELD
from cleaner.commands.options import fail, read_input_or_exit, write_output
from cleaner.messages import EXIT_PROBLEMS, EXIT_USAGE, error_line


def restore(
    clean_path: Annotated[
        Path,
        typer.Argument(
            metavar="CLEAN",
            help="A clean file ('-' reads standard input) or the output directory of a run.",
            show_default=False,
            readable=False,
        ),
    ],
    report: Annotated[
        Path,
        typer.Option(
            "--report",
            help="The JSONL report written when CLEAN was made.",
            show_default=False,
            metavar="FILE",
            readable=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the original here (a directory, for a directory CLEAN).",
            metavar="PATH",
            readable=False,
        ),
    ] = None,
    field: Annotated[
        str,
        typer.Option(
            "--field",
            metavar="NAME",
            help="The text field that was cleaned in JSONL records (as given to cleaner clean).",
        ),
    ] = DEFAULT_FIELD,
) -> None:
    """Rebuild the original text from clean text and its report, refusing clean text edited since
    and a report edited since.

    For a directory, each record's source is matched to the clean file at the same place in
    the output tree (raw/world/a.txt -> CLEAN/world/a.txt); files no record names are copied.
    A JSONL corpus (*.jsonl, *.jsonl.gz) is restored record by record.

    Examples:

      cleaner restore article.clean.txt --report removed.jsonl -o article.txt

      cleaner restore clean/ --report removed.jsonl -o restored/

      cleaner restore clean.jsonl.gz --report removed.jsonl -o restored.jsonl.gz
    """
    from cleaner.batch.journal import Companions
    from cleaner.report.records import RestoreError, read_records
    from cleaner.report.restore import group_by_source, original_bytes, restore_document, select_records
    from cleaner.report.sources import is_corpus
    from cleaner.report.tree import restore_tree

    if Companions(report).journal.exists():
        fail(
            f"{report}: a run writing it was stopped (its journal {Companions(report).journal} is there), "
            "so the outputs may be newer than the report; finish that run with --resume first"
        )
    if not clean_path.is_dir() and is_corpus(clean_path.name):
        _restore_corpus(clean_path, report, output, field)  # the report is read as a stream
        return
    try:
        with report.open(encoding="utf-8") as handle:
            groups = group_by_source(read_records(handle))
    except OSError as exc:
        fail(f"{report}: cannot read: {exc.strerror}")
    except (RestoreError, UnicodeDecodeError) as exc:
        fail(f"{report}: {exc}")
    if clean_path.is_dir():
        if output is None:
            fail(f"{clean_path}: restoring a directory needs -o OUT_DIR", EXIT_USAGE)
        if output.resolve() == clean_path.resolve() or clean_path.resolve() in output.resolve().parents:
            fail(f"{output}: must not be inside {clean_path}", EXIT_USAGE)
        outcome = restore_tree(clean_path, groups, output, skip=[report], field=field)
        for error in outcome.errors:
            typer.echo(error_line(error), err=True)
        typer.echo(
            f"{outcome.restored} files restored, {outcome.copied} copied unchanged, "
            f"{len(outcome.errors)} errors",
            err=True,
        )
        raise typer.Exit(EXIT_PROBLEMS if outcome.errors else 0)
    source, decoded = read_input_or_exit(clean_path, html=False)
    try:
        records = select_records(groups, decoded.text)
        original = original_bytes(restore_document(decoded.text, records), records)
    except RestoreError as exc:
        fail(f"{source}: {exc}")
    write_output(output, original)


def _restore_corpus(clean: Path, report: Path, output: Path | None, field: str) -> None:
    """Restore a clean JSONL corpus record by record, reading the report as it goes; one error
    line for the first record that fails."""
    from cleaner.report.corpus import restore_corpus_file
    from cleaner.report.records import RestoreError, read_records

    try:
        handle = report.open(encoding="utf-8")
    except OSError as exc:
        fail(f"{report}: cannot read: {exc.strerror}")
    try:
        with handle:
            restore_corpus_file(clean, read_records(handle), field, output)
    except OSError as exc:
        fail(f"{exc.filename or clean}: cannot read or write: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        fail(f"{report}: {exc}")
    except RestoreError as exc:
        fail(str(exc))
