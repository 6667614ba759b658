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

from cleaner.core.engine import Chain, clean_text
from cleaner.core.result import Result, Span
from cleaner.core.rule import Rule, RuleFileError
from cleaner.report.records import restore
from cleaner.rulefiles.chain import load_rules

__all__ = [
    "Chain",
    "Result",
    "Rule",
    "RuleFileError",
    "Span",
    "clean_text",
    "load_chain",
    "restore",
]
__version__ = "0.1.0"


def load_chain(rule_paths: Iterable[str | Path] = (), *, builtin: bool = True) -> Chain:
    """Compile the built-in packs (unless ``builtin=False``) plus rule files or folders.

    >>> len(load_chain().rules) > 0
    True
    """
    return Chain(load_rules([Path(p) for p in rule_paths], builtin=builtin), checked=True)
