"""A cache of validated rule files, so that a run does not parse and check unchanged rules again.

Reading a rule file means parsing YAML, checking every field and compiling every pattern,
which costs more than cleaning a short article. Once a file has loaded without errors, the
resulting pack is stored as JSON under the cache folder, keyed by a hash of the file's text and
of the code that validates it; the next run with the same file loads the JSON instead. Each
entry also holds what a chain works out about each rule's pattern before it can scan
(:mod:`cleaner.core.answers`: the patterns' line locality, prefilter entries and openings).

The folder is ``$CLEANER_CACHE_DIR``, else the user's cache folder as platformdirs finds it
(``$XDG_CACHE_HOME/cleaner``, else ``~/.cache/cleaner`` on Linux; ``~/Library/Caches/cleaner``
on macOS; ``%LOCALAPPDATA%\\cleaner\\Cache`` on Windows); ``CLEANER_CACHE_DIR=`` (empty) turns the
cache off. Deleting it is always safe. A cache that cannot be read or written is ignored: a
rule file is then checked as if for the first time.

An entry is trusted only with its keyed hash (HMAC-SHA-256 of its name and content, under a
random key kept in the folder's ``key`` file, readable by the user alone): an entry edited,
or copied to another entry's name, is checked again from its rule file and rewritten. A key
file that others can read or that is not the user's turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cleaner.core.answers import PatternAnswers, pattern_answers, remember_answers
from cleaner.core.openings import Opening
from cleaner.core.rule import ERROR, Case, Pack, Problem, Rule, RuleFileError
from cleaner.rulefiles.files import read_rule_file

CACHE_ENV = "CLEANER_CACHE_DIR"
# 2: a rule's kind fields are its options; 3: set entries stored; 4: signed; 5: answers by rule;
# 6: line openings stored
FORMAT = 6
MAX_ENTRIES = 256  # more than that, and the least recently written half goes
# The code whose behaviour an entry records (the engine and the rule-file readers, relative to
# the package): a change to any of it makes every entry stale.
_VALIDATING_CODE = ("core", "rulefiles")
_salt: str | None = None
# Systems whose cache folder follows the XDG base directory rules (Linux and the BSDs).
_XDG_PLATFORM = os.name == "posix" and sys.platform not in ("darwin", "ios", "android")


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Where validated rule files are cached, or None when caching is off.

    >>> str(cache_dir({"CLEANER_CACHE_DIR": "/tmp/rules-cache"})), cache_dir({"CLEANER_CACHE_DIR": ""})
    ('/tmp/rules-cache', None)
    >>> cache_dir({}).name == "cleaner" or cache_dir({}).parent.name == "cleaner"
    True
    """
    configured = environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured else None
    if _XDG_PLATFORM:
        # The XDG rule that platformdirs follows on these systems (a test checks that both
        # agree), without importing platformdirs: 6 ms of a pipe run's start-up.
        base = environ.get("XDG_CACHE_HOME", "")
        return Path(base if os.path.isabs(base) else os.path.expanduser("~/.cache"), "cleaner")
    from platformdirs import user_cache_path

    return user_cache_path("cleaner", appauthor=False)


def _code_salt() -> str | None:
    """A hash of the validating code, this Python's version and the RE2 library's file; None
    when they cannot be read (an install without source files): nothing is cached then."""
    global _salt
    if _salt is None:
        import re2

        digest = hashlib.sha256(f"{FORMAT}:{sys.version_info[:2]}".encode())
        package = Path(__file__).resolve().parents[1]
        try:
            for folder in _VALIDATING_CODE:
                sources = sorted((package / folder).rglob("*.py"))
                if not sources:
                    return None
                for source in sources:
                    digest.update(source.relative_to(package).as_posix().encode())
                    digest.update(source.read_bytes())
            library = os.stat(re2._re2.__file__)
        except (OSError, AttributeError):
            return None
        digest.update(f"{library.st_size}:{library.st_mtime_ns}".encode())
        _salt = digest.hexdigest()
    return _salt


def check_file_cached(path: Path) -> tuple[Pack | None, list[Problem]]:
    """:func:`cleaner.rulefiles.schema.check_file`, answered from the cache for a file seen before.

    A cached answer carries no problems: only files without errors are cached, and their
    warnings matter to ``cleaner rules check``, which does not use the cache.

    >>> from cleaner.rulefiles.files import builtin_rule_files
    >>> from cleaner.rulefiles.schema import check_file
    >>> path = builtin_rule_files()[0]
    >>> check_file_cached(path)[0] == check_file(path)[0]
    True
    """
    try:
        text = read_rule_file(path)
    except RuleFileError as exc:
        return None, exc.problems
    folder = cache_dir()
    salt = _code_salt() if folder is not None else None
    signing = _signing_key(folder) if folder is not None and salt is not None else None
    entry = None
    if folder is not None and signing is not None:
        name = hashlib.sha256(f"{salt}\n{text}".encode("utf-8", "surrogatepass")).hexdigest()
        entry = folder / "rules" / f"{name}.json"
        pack = _read(entry, str(path), signing)
        if pack is not None:
            return pack, []
    from cleaner.rulefiles.schema import check_pack  # a cache hit needs none of the checking

    pack, problems = check_pack(text, str(path))
    valid = pack is not None and not any(p.severity == ERROR for p in problems)
    if entry is not None and signing is not None and valid and pack is not None:
        _write(entry, pack, signing)
    return pack, problems


def _signing_key(folder: Path) -> bytes | None:
    """The cache's key (made on first use), or None when it cannot be made or is not private."""
    path = folder / "key"
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            with contextlib.suppress(OSError):
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
                made = os.open(path, flags, 0o600)
                with os.fdopen(made, "wb") as out:
                    out.write(os.urandom(32))
            continue
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            key = handle.read(64)
        private = info.st_uid == os.geteuid() and not info.st_mode & 0o077
        return key if private and len(key) == 32 else None
    return None


def _signature(key: bytes, entry: Path, body: bytes) -> bytes:
    return hmac.new(key, entry.name.encode() + b"\n" + body, hashlib.sha256).hexdigest().encode()


def _read(entry: Path, source: str, key: bytes) -> Pack | None:
    try:
        signature, _, body = entry.read_bytes().partition(b"\n")
        if not hmac.compare_digest(signature, _signature(key, entry, body)):
            return None
        stored = json.loads(body)
        if stored["format"] != FORMAT:
            return None
        data = stored["pack"]
        rules = tuple(_rule(fields, source) for fields in data["rules"])
        cases = tuple(Case(**fields) for fields in data["cases"])
        pack = Pack(data["name"], data["description"], rules, source, cases)
        # The answers come in rule order (keyed by the patterns, they stored each pattern twice
        # more); a count that differs raises ValueError, and the entry is checked again.
        answers = PatternAnswers(
            [bool(local) for local in stored["line_local"]],
            [(str(entry), bool(lowered)) for entry, lowered in stored["set_entries"]],
            [
                None if answer is None else Opening(answer[0], tuple(answer[1]), answer[2])
                for answer in stored["openings"]
            ],
        )
        remember_answers(rules, answers)
    except (OSError, ValueError, KeyError, TypeError):  # missing, unreadable, or not ours
        return None
    return pack


def _rule(fields: dict[str, Any], source: str) -> Rule:
    return Rule(**fields, source=source)  # Rule turns the JSON lists back into tuples


def _write(entry: Path, pack: Pack, key: bytes) -> None:
    rules = []
    for rule in pack.rules:
        fields = rule._asdict()
        del fields["source"]  # the same text may live at several paths; the reader fills it in
        rules.append(fields)
    data = {
        "name": pack.name,
        "description": pack.description,
        "rules": rules,
        "cases": [case._asdict() for case in pack.cases],
    }
    stored = {"format": FORMAT, "pack": data, **pattern_answers(pack.rules)._asdict()}
    import tempfile

    with contextlib.suppress(OSError):  # a read-only or full disk only costs speed
        entry.parent.mkdir(parents=True, exist_ok=True)
        _prune(entry.parent)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            body = json.dumps(stored, ensure_ascii=False).encode("utf-8", "surrogatepass")
            with os.fdopen(handle, "wb") as out:
                out.write(_signature(key, entry, body) + b"\n" + body)
            os.replace(temporary, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _prune(folder: Path) -> None:
    """Keep the folder small: past :data:`MAX_ENTRIES`, drop the oldest half."""
    entries = list(folder.glob("*.json"))
    if len(entries) < MAX_ENTRIES:
        return
    entries.sort(key=lambda path: path.stat().st_mtime)
    for stale in entries[: len(entries) // 2]:
        with contextlib.suppress(OSError):
            stale.unlink()
