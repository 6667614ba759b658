"""Finding and reading rule files: the built-in packs, files and folders named by the user."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from cleaner.core.rule import RuleFileError

_NOT_REGULAR = "not a regular file (a pipe or device)"

#: Rule files larger than this are refused before they are parsed.
MAX_RULE_FILE_BYTES = 1_000_000


def read_rule_file(path: Path) -> str:
    """A rule file's text (UTF-8, optional BOM), refusing oversized or unreadable files, and
    anything but a regular file: a pipe or a device could keep the command waiting for ever.

    >>> read_rule_file(Path("/dev/null"))
    Traceback (most recent call last):
    cleaner.core.rule.RuleFileError: /dev/null:1:1: not a regular file (a pipe or device)
    """
    try:
        # O_NONBLOCK: opening a pipe with no writer returns at once instead of waiting for one
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise RuleFileError(str(path), 1, 1, _NOT_REGULAR)
            raw = handle.read(MAX_RULE_FILE_BYTES + 1)
    except OSError as exc:
        raise RuleFileError(str(path), 1, 1, f"cannot read rule file: {exc.strerror}") from None
    if len(raw) > MAX_RULE_FILE_BYTES:
        raise RuleFileError(str(path), 1, 1, f"rule file is larger than {MAX_RULE_FILE_BYTES} bytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RuleFileError(str(path), line, col, "rule file is not valid UTF-8") from None


def builtin_rules_dir() -> Path:
    """The folder of built-in packs: inside the installed wheel, or the source checkout's."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "rules"  # the wheel puts the packs inside the package
    return packaged if packaged.is_dir() else package.parent / "rules"


def builtin_rule_files() -> list[Path]:
    """The built-in rule files, in chain order (sorted by file name)."""
    return sorted(builtin_rules_dir().glob("*.yaml"))


def expand_rule_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield rule files: files as given, folders as their ``*.yaml``/``*.yml`` files, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        else:
            yield path
