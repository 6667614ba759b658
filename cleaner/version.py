"""The version and the distribution name of cleaner: written once, here; the package metadata
reads the version too.

The import package and the command are ``cleaner``; the distribution on the package index is
``boilerplate-cleaner``, as the name ``cleaner`` there belongs to another project.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

__version__ = "0.1.0"
DISTRIBUTION = "boilerplate-cleaner"


def install_hint(extra: str) -> str:
    """How to add an optional part to this installation: with pipx when cleaner runs from an
    environment pipx made (``pipx inject`` adds the extra's packages to it, wherever cleaner
    itself was installed from), else with pip.

    >>> install_hint("dask")
    "pip install 'boilerplate-cleaner[dask]'"
    """
    if not in_pipx():
        return f"pip install '{DISTRIBUTION}[{extra}]'"
    packages = extra_requirements(extra) or [f"{DISTRIBUTION}[{extra}]"]
    return f"pipx inject {DISTRIBUTION} " + " ".join(f"'{package}'" for package in packages)


def in_pipx(prefix: str | None = None) -> bool:
    """Whether ``prefix`` (default: this Python's environment) is one that pipx made and keeps.

    >>> in_pipx("/nonexistent/pipx/venvs/boilerplate-cleaner")
    False
    """
    return (Path(sys.prefix if prefix is None else prefix) / "pipx_metadata.json").is_file()


def extra_requirements(extra: str) -> list[str]:
    """The packages an extra brings, as the installed metadata lists them ([] when cleaner runs
    from a source tree that was never installed).

    >>> extra_requirements("s3")
    ['s3fs>=2023.1']
    """
    from importlib.metadata import PackageNotFoundError, requires

    try:
        listed = requires(DISTRIBUTION) or []
    except PackageNotFoundError:
        return []
    marker = re.compile(rf"""^\s*extra\s*==\s*["']{re.escape(extra)}["']\s*$""")
    return [
        requirement.strip()
        for requirement, _, condition in (line.partition(";") for line in listed)
        if marker.match(condition)
    ]
