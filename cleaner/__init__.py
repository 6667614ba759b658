"""cleaner: strip boilerplate from extracted text with declarative rules, reporting every cut.

>>> import cleaner
>>> chain = cleaner.load_chain()
>>> result = cleaner.clean_text("open image in gallery A crowd gathers ( AP )\\n\\nThe story.", chain)
>>> result.clean
'The story.'
>>> [span.rule for span in result.spans]
['captions/gallery-caption', 'tidy/whitespace']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.core.engine import Chain, clean_text
from cleaner.core.guard import DEFAULT_MAX_REMOVED
from cleaner.core.result import Result, Span
from cleaner.core.rule import Rule, RuleFileError
from cleaner.report.records import restore
from cleaner.version import __version__

if TYPE_CHECKING:
    from cleaner.io.decode import Decoded

__all__ = [
    "DEFAULT_MAX_REMOVED",
    "Chain",
    "Result",
    "Rule",
    "RuleFileError",
    "Span",
    "__version__",
    "clean_bytes",
    "clean_text",
    "load_chain",
    "restore",
]


def load_chain(
    rule_paths: Iterable[str | Path] = (),
    *,
    packs: Iterable[str] | None = None,
    disable: Iterable[str] = (),
    builtin: bool = True,
    config: bool = False,
) -> Chain:
    """Compile a chain as ``cleaner clean`` would: the built-in packs, then rule files or folders.

    ``packs`` picks built-in packs (all of them by default); ``disable`` switches rules
    (``pack/id``) or whole packs off; ``builtin=False`` leaves the built-in packs out;
    ``config=True`` also reads the ``cleaner.toml`` (or ``[tool.cleaner]``) the command line
    finds from the current folder, with these arguments over it. Raises
    :class:`RuleFileError` for a rule file that cannot be used and ``ValueError`` for a
    ``packs`` or ``disable`` entry that names nothing.

    >>> len(load_chain().rules) > len(load_chain(packs=["captions"]).rules) > 0
    True
    >>> "captions/gallery-caption" in load_chain(disable=["captions/gallery-caption"]).rule_ids
    False
    """
    from cleaner.rulefiles.config import load_chain_from_settings, resolve_settings

    settings = resolve_settings(
        rules=tuple(Path(path) for path in rule_paths),
        packs=tuple(packs or ()),
        disable=tuple(disable),
        no_default_rules=not builtin,
        no_config=not config,
    )
    return load_chain_from_settings(settings)


def clean_bytes(
    data: bytes,
    chain: Chain,
    *,
    name: str | Path | None = None,
    encoding: str | None = None,
    html: bool | None = None,
    max_removed: float | None = DEFAULT_MAX_REMOVED,
) -> tuple[Decoded, Result]:
    """Decode a file's bytes as ``cleaner clean`` does (encoding detection, binary files refused,
    HTML pages reduced to their main text) and clean the text: the decoded input and the result.

    ``name`` (the file's name) tells an HTML page by its extension; ``encoding`` names the
    codec instead of detecting it; ``html`` forces the choice. Raises
    :class:`cleaner.io.decode.DecodeError` for input that is not text.

    >>> page = "Café.\\nopen image in gallery A pier ( AP )\\n".encode("cp1252")
    >>> decoded, result = clean_bytes(page, load_chain(), encoding="cp1252")
    >>> decoded.encoding, result.clean
    ('cp1252', 'Café.\\n')
    """
    from cleaner.batch.settings import Settings
    from cleaner.batch.tasks import clean_document

    settings = Settings(chain, encoding=encoding, html=html, max_removed=max_removed)
    return clean_document(data, settings, None if name is None else str(name))
