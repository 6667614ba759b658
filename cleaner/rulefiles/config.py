"""Which rules a run uses: one place that merges the command line with a config file.

Every command that runs or lists the chain (``clean``, ``rules list``, ``rules show``,
``rules test``) resolves its options here, so they all see the same chain.

**Config file.** ``cleaner.toml`` (keys at the top level) or the ``[tool.cleaner]`` table of
a ``pyproject.toml``, found by walking up from the current directory. In each directory
``cleaner.toml`` is looked for first, then a ``pyproject.toml`` that has a ``[tool.cleaner]``
table (one without it is passed over). The walk stops at the first directory that holds a
``.git`` (the repository root: a project is never configured by a file outside it), at the
home folder, or at a file-system boundary (a mount point), and never goes above ``/``. A config
file not owned by the user (or root), or writable by others, is passed over with a warning:
anyone who can write it could choose the rules, rule files at absolute paths included.
``--verbose`` names the config file used.

.. code-block:: toml

    [tool.cleaner]
    rules = ["rules/", "extra/my-site.yaml"]  # files or folders, relative to this file
    packs = ["captions", "dates"]             # built-in packs to use (default: all)
    disable = ["appeals/support-now-line", "dates"]  # rules (pack/id) or whole packs
    default_rules = true                      # false: no built-in packs at all

**Precedence.** The command line wins: ``--no-config`` ignores config files; ``--rules``
adds files after the config's (a later rule with the same ``pack/id`` replaces an earlier
one, so the command line's rule wins); ``--pack`` replaces the config's ``packs``;
``--disable`` adds to the config's ``disable``; ``--no-default-rules`` sets
``default_rules = false``.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cleaner.core.rule import Pack, Rule, RuleFileError
from cleaner.messages import did_you_mean, warning_line
from cleaner.rulefiles.chain import chain_rules, load_packs
from cleaner.rulefiles.files import builtin_rule_files, expand_rule_paths

if TYPE_CHECKING:
    from cleaner.core.engine import Chain

CONFIG_NAME = "cleaner.toml"
PYPROJECT_NAME = "pyproject.toml"
CONFIG_KEYS = ("rules", "packs", "disable", "default_rules")


class ConfigError(ValueError):
    """A config file or chain option that cannot be used; the message names where."""


def chain_error_lines(exc: BaseException) -> list[str] | None:
    """The lines that describe why a chain cannot be built (one per problem of a rule file,
    or the config error), or None for any other exception.

    >>> chain_error_lines(ConfigError("cleaner.toml: unknown key 'rule'"))
    ["cleaner.toml: unknown key 'rule'"]
    >>> chain_error_lines(KeyError("x")) is None
    True
    """
    if isinstance(exc, RuleFileError):
        return [str(problem) for problem in exc.problems]
    if isinstance(exc, ConfigError):
        return [str(exc)]
    return None


class ChainSettings(NamedTuple):
    """The rule sources of a run, after merging the command line with the config file.

    >>> ChainSettings().packs is None  # all built-in packs
    True
    """

    rules: tuple[Path, ...] = ()
    packs: tuple[str, ...] | None = None
    disable: tuple[str, ...] = ()
    default_rules: bool = True
    config: Path | None = None


class ChainEntry(NamedTuple):
    """A rule as the chain sees it: on or off, and why (``note``)."""

    rule: Rule
    on: bool
    note: str = ""


class ChainPlan(NamedTuple):
    """The rules a run uses, in chain order, plus those that are off (for ``rules list``)."""

    settings: ChainSettings
    entries: tuple[ChainEntry, ...]
    files: tuple[Path, ...] = ()

    def rules(self) -> list[Rule]:
        return [entry.rule for entry in self.entries if entry.on]


def builtin_packs() -> dict[str, Path]:
    """Built-in pack names and their files (a built-in pack's file is named after it).

    >>> "captions" in builtin_packs()
    True
    """
    return {path.stem: path for path in builtin_rule_files()}


def find_config(start: Path) -> Path | None:
    """The config file for ``start``: see the module docstring for where it is looked for.

    >>> find_config(Path("/")) is None
    True
    """
    directory = start.resolve()
    home = Path.home().resolve()
    while True:
        found = _config_in(directory)
        if found is not None:
            return found
        parent = directory.parent
        if (directory / ".git").exists() or parent == directory or directory == home:
            return None
        try:
            if parent.stat().st_dev != directory.stat().st_dev:  # a mount point: another file system
                return None
        except OSError:
            return None
        directory = parent


def _config_in(directory: Path) -> Path | None:
    """The config file of one folder, if there is one that may be trusted."""
    candidate = directory / CONFIG_NAME
    if candidate.is_file() and _trusted(candidate):
        return candidate
    candidate = directory / PYPROJECT_NAME
    if candidate.is_file() and _trusted(candidate):
        data = _read_toml(candidate)
        if "tool" in data and "cleaner" in data["tool"]:
            return candidate
    return None


def _trusted(path: Path) -> bool:
    """Whether a config file is the user's (or root's) and writable by nobody else; a warning
    line says why one is passed over."""
    info = path.stat()
    if info.st_uid not in (os.geteuid(), 0):
        why = "is owned by another user"
    elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        why = "is writable by others"
    else:
        return True
    print(warning_line(f"{path}: config file ignored: it {why}"), file=sys.stderr)
    return False


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def read_config(path: Path) -> ChainSettings:
    """The settings a config file gives, validated; paths are made relative to its folder.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "cleaner.toml").write_text('rules = ["site.yaml"]\\ndisable = ["dates"]\\n')
    >>> settings = read_config(folder / "cleaner.toml")
    >>> settings.rules == (folder / "site.yaml",), settings.disable
    (True, ('dates',))
    """
    data = _read_toml(path)
    where = str(path)
    if path.name == PYPROJECT_NAME:
        data = data.get("tool", {}).get("cleaner", {})
        where = f"{path}: [tool.cleaner]"
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table")
    for key in data:
        if key not in CONFIG_KEYS:
            raise ConfigError(f"{where}: unknown key '{key}'{did_you_mean(key, CONFIG_KEYS)}")

    def strings(key: str) -> tuple[str, ...] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}: '{key}' must be a list of strings")
        return tuple(value)

    default_rules = data.get("default_rules", True)
    if not isinstance(default_rules, bool):
        raise ConfigError(f"{where}: 'default_rules' must be true or false")
    packs = strings("packs")
    if packs is not None:
        if not default_rules:
            raise ConfigError(f"{where}: 'packs' and 'default_rules = false' contradict each other")
        _check_pack_names(packs, f"{where}: 'packs'")
    rules = tuple(path.parent / Path(item).expanduser() for item in strings("rules") or ())
    return ChainSettings(
        rules=rules,
        packs=packs,
        disable=strings("disable") or (),
        default_rules=default_rules,
        config=path,
    )


def _check_pack_names(names: tuple[str, ...], where: str) -> None:
    available = builtin_packs()
    for name in names:
        if name not in available:
            raise ConfigError(
                f"{where}: no built-in pack '{name}' (there are: {', '.join(available)})"
                f"{did_you_mean(name, available)}"
            )


def resolve_settings(
    *,
    rules: tuple[Path, ...] = (),
    packs: tuple[str, ...] = (),
    disable: tuple[str, ...] = (),
    no_default_rules: bool = False,
    no_config: bool = False,
    cwd: Path | None = None,
) -> ChainSettings:
    """Merge command-line options over the config file found from ``cwd`` (see module docstring).

    >>> resolve_settings(packs=("captions",), no_config=True).packs
    ('captions',)
    """
    if packs and no_default_rules:
        raise ConfigError("--pack and --no-default-rules contradict each other; use one")
    if packs:
        _check_pack_names(packs, "--pack")
    config_path = None if no_config else find_config(cwd or Path.cwd())
    base = read_config(config_path) if config_path else ChainSettings()
    # --pack turns built-in packs on even where the config file turned them off.
    default_rules = True if packs else base.default_rules and not no_default_rules
    return ChainSettings(
        rules=base.rules + tuple(rules),
        packs=tuple(packs) if packs else base.packs,
        disable=base.disable + tuple(disable),
        default_rules=default_rules,
        config=config_path,
    )


def plan_chain(settings: ChainSettings, *, include_unused: bool = False) -> ChainPlan:
    """Load the rule files the settings name and decide which rules are on.

    Built-in packs come first, in file-name order, then the ``rules`` files in order. With
    ``include_unused``, built-in packs that are not selected are loaded too and listed as
    off (``rules list`` shows them; ``clean`` does not need them). Raises
    :class:`~cleaner.rulefiles.schema.RuleFileError` for bad rule files and :class:`ConfigError` for
    a ``disable`` entry that names no rule or pack.

    >>> plan = plan_chain(ChainSettings(disable=("dates",)))
    >>> sorted({entry.rule.pack for entry in plan.entries if not entry.on})
    ['dates']
    """
    available = builtin_packs()
    if not settings.default_rules:
        selected = []
    else:
        selected = [name for name in available if settings.packs is None or name in settings.packs]
    unused = [name for name in available if name not in selected] if include_unused else []
    user_files = list(expand_rule_paths(settings.rules))
    loaded = load_packs([*(available[n] for n in selected), *user_files, *(available[n] for n in unused)])
    in_use, not_selected = loaded[: len(loaded) - len(unused)], loaded[len(loaded) - len(unused) :]

    disabled_rules, disabled_packs = _resolve_disable(settings.disable, loaded, set(available))
    first_seen: dict[str, Rule] = {}
    for pack in in_use:
        for rule in pack.rules:
            first_seen.setdefault(rule.qualified_id, rule)
    entries = []
    for rule in chain_rules(in_use):
        if rule.qualified_id in disabled_rules or rule.pack in disabled_packs:
            entries.append(ChainEntry(rule, False, "disabled"))
        elif not rule.enabled:
            entries.append(ChainEntry(rule, False, "enabled: false"))
        else:
            original = first_seen[rule.qualified_id]
            note = f"overrides {original.source}:{original.source_line}" if original is not rule else ""
            entries.append(ChainEntry(rule, True, note))
    for pack in not_selected:
        entries.extend(ChainEntry(rule, False, "pack not selected") for rule in pack.rules)
    return ChainPlan(settings=settings, entries=tuple(entries), files=tuple(Path(p.source) for p in in_use))


def _resolve_disable(
    disable: tuple[str, ...], packs: list[Pack], builtin_names: set[str]
) -> tuple[set[str], set[str]]:
    """Split ``disable`` into rule ids and pack names, refusing entries that name nothing."""
    rule_ids = {rule.qualified_id for pack in packs for rule in pack.rules}
    loaded_names = {pack.name for pack in packs}
    rules, whole_packs = set(), set()
    for entry in disable:
        if "/" in entry:
            pack_name = entry.split("/", 1)[0]
            # A rule of a built-in pack that is not loaded is off anyway: nothing to check it against.
            if entry not in rule_ids and (pack_name in loaded_names or pack_name not in builtin_names):
                raise ConfigError(f"cannot disable '{entry}': no such rule{did_you_mean(entry, rule_ids)}")
            rules.add(entry)
        elif entry in loaded_names | builtin_names:
            whole_packs.add(entry)
        else:
            names = loaded_names | builtin_names
            raise ConfigError(f"cannot disable '{entry}': no such pack{did_you_mean(entry, names)}")
    return rules, whole_packs


def load_chain_from_settings(settings: ChainSettings) -> Chain:
    """The compiled chain of the rules that are on.

    >>> chain = load_chain_from_settings(ChainSettings(packs=("captions",)))
    >>> sorted({rule.pack for rule in chain.rules})
    ['captions']
    """
    from cleaner.core.engine import Chain

    return Chain(plan_chain(settings).rules(), checked=True)
