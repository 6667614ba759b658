"""Exit statuses and the one-line messages every part of cleaner prints the same way.

A leaf module: it imports nothing of cleaner's, so any layer may use it.

Exit statuses (the README's table):

====  =====================================================================================
0     done; nothing went wrong
1     some input could not be cleaned (unreadable, binary, undecodable), or a check found
      something (``--check`` would change files, ``rules check`` found problems, ``rules
      test`` failed), or an output could not be written (that input is named and skipped),
      or the report could not be written (the run stops; ``--resume`` continues it), or
      ``restore`` refused a clean file or a report edited since
2     usage error: options that do not fit, an input that does not exist, a rule file or
      config file that cannot be used, a file the run would write that is one of its inputs
      or another of its outputs, an output or report another run is writing (locked)
130   stopped by Ctrl-C (SIGINT); 143: stopped by SIGTERM
====  =====================================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_SIGNAL_BASE = 128  # a run stopped by signal N exits with 128 + N

PROGRAM = "cleaner"


def error_line(message: str) -> str:
    """The one line an error is printed as.

    >>> error_line("raw/a.txt: binary file (PNG image)")
    'cleaner: error: raw/a.txt: binary file (PNG image)'
    """
    return f"{PROGRAM}: error: {message}"


def warning_line(message: str) -> str:
    """The one line a warning is printed as.

    >>> warning_line("a.txt: left unchanged")
    'cleaner: warning: a.txt: left unchanged'
    """
    return f"{PROGRAM}: warning: {message}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A suggestion to append to a message about an unknown ``word``, or "".

    >>> did_you_mean("patern", ["pattern", "scope"])
    "; did you mean 'pattern'?"
    >>> did_you_mean("zzz", ["pattern"])
    ''
    """
    import difflib  # only for a mistake: the pipe starts without it (about 1 ms)

    hint = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean '{hint[0]}'?" if hint else ""


def internal_error(exc: BaseException) -> str:
    """Why a document could not be cleaned when cleaner itself failed: named, never a traceback.

    >>> internal_error(ValueError("bad offset"))
    'internal error (ValueError: bad offset)'
    """
    return f"internal error ({describe(exc)})"


def describe(exc: BaseException) -> str:
    """An exception as ``Type: message`` on one line (just ``Type`` when it has no message).

    >>> describe(OSError("disk\\nfull")), describe(KeyError())
    ('OSError: disk full', 'KeyError')
    """
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def plural(count: int, noun: str) -> str:
    """``count`` with its noun, in the plural unless it is one.

    >>> plural(1, "file"), plural(3, "error")
    ('1 file', '3 errors')
    """
    return f"{count} {noun}{'' if count == 1 else 's'}"


def cannot_read(exc: OSError) -> str:
    """Why an input could not be read, as the run reports it.

    >>> cannot_read(FileNotFoundError(2, "No such file or directory"))
    'cannot read: No such file or directory'
    """
    return f"cannot read: {exc.strerror or exc}"


def cannot_write(output: str | PathLike[str], exc: OSError) -> str:
    """Why an output could not be written, as the run reports it.

    >>> cannot_write("out/a.txt", IsADirectoryError(21, "Is a directory"))
    'cannot write out/a.txt: Is a directory'
    """
    return f"cannot write {output}: {exc.strerror or exc}"


#: Said on a terminal before waiting for standard input, so that a bare ``cleaner clean`` does
#: not look as if it hung.
READING_TERMINAL = f"{PROGRAM}: reading standard input; end it with Ctrl-D (cleaner clean --help shows more)"
