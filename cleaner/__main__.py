"""The ``cleaner`` command (console script and ``python -m cleaner``).

The bare pipe form, ``cleaner clean`` with no other argument (and no option set through the
environment), runs without the command-line framework (see :mod:`cleaner.commands.pipe`);
everything else goes to the Typer app in :mod:`cleaner.commands.app`.
"""

from __future__ import annotations

import os
import sys

#: Options of ``cleaner clean`` that the environment can set; the pipe form takes none.
OPTION_ENV = ("CLEANER_MAX_RECORD_BYTES",)


def main() -> None:
    """Run the command line: the pipe form directly, any other form through the Typer app."""
    if sys.argv[1:] == ["clean"] and not any(os.environ.get(name) for name in OPTION_ENV):
        from cleaner.commands.pipe import main as clean_pipe

        clean_pipe()
    from cleaner.commands.app import app

    app()


if __name__ == "__main__":
    main()
