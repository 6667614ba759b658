"""Rule files to a chain's rules: packs loaded in order, later rules overriding earlier ones."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cleaner.core.rule import ERROR, Pack, Problem, Rule, RuleFileError
from cleaner.rulefiles.cache import check_file_cached
from cleaner.rulefiles.files import builtin_rule_files, expand_rule_paths, read_rule_file


def load_pack(path: Path) -> Pack:
    """Read and validate one rule file.

    >>> load_pack(builtin_rule_files()[0]).name in {p.stem for p in builtin_rule_files()}
    True
    """
    from cleaner.rulefiles.schema import parse_pack  # a run whose rules are cached checks none

    return parse_pack(read_rule_file(path), str(path))


def load_packs(files: Iterable[Path]) -> list[Pack]:
    """Load rule files in order; raise one :class:`RuleFileError` with the errors of all of them.

    Files loaded before without errors come from the cache (see :mod:`cleaner.rulefiles.cache`).
    """
    packs: list[Pack] = []
    errors: list[Problem] = []
    for file in files:
        pack, problems = check_file_cached(file)
        errors.extend(problem for problem in problems if problem.severity == ERROR)
        if pack is not None:
            packs.append(pack)
    if errors:
        raise RuleFileError.from_problems(errors)
    return packs


def chain_rules(packs: Iterable[Pack]) -> list[Rule]:
    """All rules of the packs in chain order, enabled or not.

    A rule whose ``pack/id`` is already in the chain replaces it in place (keeping the
    earlier position), so a user pack that reuses a built-in pack name and rule id
    overrides that rule.

    >>> first = Pack("demo", "", (Rule("demo", "a", "phrase", "A"), Rule("demo", "b", "phrase", "B")), "1")
    >>> second = Pack("demo", "", (Rule("demo", "a", "phrase", "AA"),), "2")
    >>> [(rule.id, rule.option("pattern")) for rule in chain_rules([first, second])]
    [('a', 'AA'), ('b', 'B')]
    """
    chain: dict[str, Rule] = {}
    for pack in packs:
        for rule in pack.rules:
            chain[rule.qualified_id] = rule
    return list(chain.values())


def load_rules(paths: Iterable[Path] = (), *, builtin: bool = True) -> list[Rule]:
    """Load the chain's enabled rules in order: built-in packs first, then the given files or folders.

    See :func:`chain_rules` for how a later rule overrides an earlier one.

    >>> rules = load_rules()
    >>> any(rule.qualified_id.endswith("gallery-caption") for rule in rules)
    True
    """
    files = [*builtin_rule_files()] if builtin else []
    files.extend(expand_rule_paths(paths))
    return [rule for rule in chain_rules(load_packs(files)) if rule.enabled]
