"""``cleaner clean`` with no argument: standard input to standard output, with every default.

This is the pipe form (``cat a.txt | cleaner clean > a.clean.txt``), run once per article, so
its start-up is most of its time; it runs without the command-line framework, which takes
longer to import and build than the chain takes to clean an article. It behaves exactly as the
full command does for the same invocation (tests compare the two): the config file found from
the current folder, the built-in packs, the ``--max-removed`` guard with its default, the same
messages and exit statuses. No report is written, so none is built.
"""

from __future__ import annotations

import sys
from typing import BinaryIO, TextIO

from cleaner.messages import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, READING_TERMINAL, error_line, warning_line

SOURCE = "<stdin>"


def clean_pipe(
    stdin: BinaryIO | None, stdout: BinaryIO, stderr: TextIO, *, stream_above: int | None = None
) -> int:
    """Clean what ``stdin`` holds onto ``stdout``; messages go to ``stderr``. Returns the exit status.

    Input larger than ``stream_above`` bytes (default :data:`cleaner.batch.tasks.STREAM_ABOVE`) is
    cleaned in windows, in bounded memory, with the same result (:mod:`cleaner.batch.large`).
    ``stdin`` is None when the process started with standard input closed.

    >>> import io
    >>> out, err = io.BytesIO(), io.StringIO()
    >>> article = b"open image in gallery A pier ( AP )\\n\\nThe pier reopened after two years of repairs.\\n"
    >>> clean_pipe(io.BytesIO(article), out, err), out.getvalue()
    (0, b'The pier reopened after two years of repairs.\\n')
    """
    from cleaner.rulefiles.config import chain_error_lines, load_chain_from_settings, resolve_settings

    try:
        chain = load_chain_from_settings(resolve_settings())
    except ValueError as exc:  # a rule file or config file that cannot be used
        lines = chain_error_lines(exc)
        if lines is None:
            raise
        for line in lines:
            print(error_line(line), file=stderr)
        return EXIT_USAGE
    from cleaner.batch.settings import Settings
    from cleaner.batch.tasks import STREAM_ABOVE, DocResult, DocTask
    from cleaner.core.guard import DEFAULT_MAX_REMOVED
    from cleaner.io.stream import STDIN_CLOSED, read_stdin
    from cleaner.messages import cannot_read

    if stdin is None:
        print(error_line(f"{SOURCE}: {STDIN_CLOSED}"), file=stderr)
        return EXIT_PROBLEMS
    if stdin.isatty():
        print(READING_TERMINAL, file=stderr, flush=True)

    limit = STREAM_ABOVE if stream_above is None else stream_above
    try:
        data = read_stdin(stdin, limit)
    except OSError as exc:
        print(error_line(f"{SOURCE}: {cannot_read(exc)}"), file=stderr)
        return EXIT_PROBLEMS
    settings = Settings(chain, max_removed=DEFAULT_MAX_REMOVED, report=False)
    result: DocResult
    if isinstance(data, bytes):
        result = DocTask(SOURCE, None, data).run(settings)
    else:  # a large input: cleaned in windows, in bounded memory
        from cleaner.batch.large import StreamTask

        result = StreamTask.of(SOURCE, data).run(settings)
    try:
        if result.problem:
            print(error_line(f"{SOURCE}: {result.problem}"), file=stderr)
            return EXIT_PROBLEMS
        if result.warning:
            print(warning_line(f"{SOURCE}: {result.warning}"), file=stderr)
        if result.held_back:
            print(warning_line(f"{SOURCE}: {result.held_back}"), file=stderr)
        result.write_clean(stdout)
    finally:
        result.close()
    stdout.flush()
    return EXIT_OK


def main() -> None:
    """Run :func:`clean_pipe` on the process's standard streams and exit with its status."""
    try:
        stdin = None if sys.stdin is None else sys.stdin.buffer  # None: started with `<&-`
        status = clean_pipe(stdin, sys.stdout.buffer, sys.stderr)
    except KeyboardInterrupt:
        status = 130
    except BrokenPipeError:  # the reader went away (`cleaner clean < big | head`)
        sys.stderr.close()
        status = 1
    sys.exit(status)
