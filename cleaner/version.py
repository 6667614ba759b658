"""The version and the distribution name of cleaner: written once, here; the package metadata
reads the version too.

The import package and the command are ``cleaner``; the distribution on the package index is
``boilerplate-cleaner``, as the name ``cleaner`` there belongs to another project.
"""

__version__ = "0.1.0"
DISTRIBUTION = "boilerplate-cleaner"


def install_hint(extra: str) -> str:
    """How to add an optional part, with pip or, for a pipx install, with pipx.

    >>> install_hint("dask")
    "pip install 'boilerplate-cleaner[dask]' (with pipx: pipx install --force 'boilerplate-cleaner[dask]')"
    """
    spec = f"'{DISTRIBUTION}[{extra}]'"
    return f"pip install {spec} (with pipx: pipx install --force {spec})"
