"""``cleaner rules check``, ``rules list`` and ``rules show``: rule files and the chain, for people.

These functions return lines of text; the CLI prints them and picks the exit status.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from cleaner.core.kinds import kind_of
from cleaner.core.rule import Problem, Rule
from cleaner.messages import did_you_mean
from cleaner.rulefiles.config import ChainEntry, ChainPlan
from cleaner.rulefiles.files import builtin_rules_dir, expand_rule_paths
from cleaner.rulefiles.schema import check_file


class UnknownRuleError(LookupError):
    """``rules show`` was given an id that names no rule, or more than one."""


def check_paths(paths: Iterable[Path]) -> list[Problem]:
    """Every problem (errors and warnings) in the rule files and folders given, file by file.

    >>> from cleaner.rulefiles.files import builtin_rule_files
    >>> [problem for problem in check_paths(builtin_rule_files()) if problem.severity == "error"]
    []
    """
    problems: list[Problem] = []
    for path in paths:
        files = list(expand_rule_paths([path]))
        if path.is_dir() and not files:
            problems.append(Problem(str(path), 1, 1, "folder has no rule files (*.yaml, *.yml)"))
        for file in files:
            problems += check_file(file)[1]
    return problems


def display_source(rule: Rule) -> str:
    """``file:line`` of a rule, short: built-in files as ``<built-in>/NAME``, others relative to here.

    >>> from cleaner.rulefiles.files import builtin_rule_files
    >>> from cleaner.rulefiles.chain import load_pack
    >>> display_source(load_pack(builtin_rule_files()[0]).rules[0]).startswith("<built-in>/")
    True
    """
    path = Path(rule.source)
    if path.parent.resolve() == builtin_rules_dir().resolve():
        shown = f"<built-in>/{path.name}"
    else:
        try:
            shown = str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            shown = str(path)
    return f"{shown}:{rule.source_line}"


def _scope(rule: Rule) -> str:
    return rule.scope if rule.scope == "anywhere" else f"{rule.scope}:{rule.scope_lines}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def list_lines(plan: ChainPlan, width: int = 120) -> list[str]:
    """The chain as a table, one rule per line, descriptions cut to fit ``width``.

    >>> from cleaner.rulefiles.config import ChainSettings, plan_chain
    >>> lines = list_lines(plan_chain(ChainSettings(disable=("dates",))))
    >>> lines[0].split()[:7]
    ['ON', 'PACK', 'ID', 'KIND', 'SCOPE', 'SOURCE', 'DESCRIPTION']
    >>> [line.split()[:3] for line in lines if "date-header" in line]
    [['off', 'dates', 'date-header']]
    """
    rows = [("ON", "PACK", "ID", "KIND", "SCOPE", "SOURCE", "DESCRIPTION")]
    for entry in plan.entries:
        rule = entry.rule
        description = _one_line(rule.description)
        if entry.note:
            description = f"({entry.note}) {description}".rstrip()
        state = "on" if entry.on else "off"
        rows.append((state, rule.pack, rule.id, rule.kind, _scope(rule), display_source(rule), description))
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    room = max(width - sum(widths) - 2 * 6, 24)
    lines = []
    for row in rows:
        description = row[6] if len(row[6]) <= room else row[6][: room - 1] + "…"
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:6])]
        lines.append("  ".join([*cells, description]).rstrip())
    on = sum(entry.on for entry in plan.entries)
    config = plan.settings.config or "none found"
    rules = "rule" if on == 1 else "rules"
    lines += ["", f"{on} {rules} on, {len(plan.entries) - on} off; config file: {config}"]
    return lines


def list_records(plan: ChainPlan) -> list[dict[str, object]]:
    """The chain as data, one record per rule in order (``rules list --format json``).

    >>> from cleaner.rulefiles.config import ChainSettings, plan_chain
    >>> record = list_records(plan_chain(ChainSettings()))[0]
    >>> sorted(record)
    ['description', 'id', 'kind', 'note', 'on', 'pack', 'rule', 'scope', 'source']
    """
    return [
        {
            "rule": entry.rule.qualified_id,
            "pack": entry.rule.pack,
            "id": entry.rule.id,
            "on": entry.on,
            "note": entry.note,
            "kind": entry.rule.kind,
            "scope": _scope(entry.rule),
            "source": display_source(entry.rule),
            "description": _one_line(entry.rule.description),
        }
        for entry in plan.entries
    ]


def find_rule(plan: ChainPlan, ident: str) -> ChainEntry:
    """The entry for ``pack/id``, or for an ``id`` that only one pack uses.

    >>> from cleaner.rulefiles.config import ChainSettings, plan_chain
    >>> find_rule(plan_chain(ChainSettings()), "gallery-caption").rule.qualified_id
    'captions/gallery-caption'
    """
    entries = plan.entries
    found = [e for e in entries if e.rule.qualified_id == ident] or [e for e in entries if e.rule.id == ident]
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(entry.rule.qualified_id for entry in found)
        raise UnknownRuleError(f"'{ident}' names several rules ({names}); give it as pack/id")
    known = [e.rule.qualified_id for e in entries] + [e.rule.id for e in entries]
    suggestion = did_you_mean(ident, known)
    raise UnknownRuleError(f"no rule '{ident}' in the chain (see 'cleaner rules list'){suggestion}")


def rule_source_text(rule: Rule) -> list[str]:
    """The lines of the rule file that define ``rule``, as written.

    >>> from cleaner.rulefiles.files import builtin_rule_files
    >>> from cleaner.rulefiles.chain import load_pack
    >>> rule = load_pack(builtin_rule_files()[0]).rules[0]
    >>> rule_source_text(rule)[0].strip() == f"- id: {rule.id}"
    True
    """
    try:
        text = Path(rule.source).read_text(encoding="utf-8-sig")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    lines = text.splitlines()
    for key, value in root.value if isinstance(root, yaml.MappingNode) else ():
        if key.value != "rules" or not isinstance(value, yaml.SequenceNode):
            continue
        for node in value.value:
            if node.start_mark.line + 1 == rule.source_line:
                # The node ends where the next item starts ("  - id: ..."), or after its last
                # character when that is on the same line (a flow mapping, or the end of the file).
                end = node.end_mark.line
                if end < len(lines) and lines[end][: node.end_mark.column].strip(" -"):
                    end += 1
                snippet = lines[node.start_mark.line : end]
                while snippet and not snippet[-1].strip():
                    snippet.pop()
                return snippet
    return []


def show_lines(entry: ChainEntry) -> list[str]:
    """A rule in full: its settings, examples, where it is defined and its text there."""
    rule = entry.rule
    state = "on" if entry.on else f"off ({entry.note})"
    lines = [f"{rule.qualified_id}: {state}"]
    if entry.on and entry.note:
        lines.append(f"  {entry.note}")
    lines.append(f"  kind:        {rule.kind}")
    lines.append(f"  scope:       {_scope(rule)}")
    lines.append(f"  source:      {rule.source}:{rule.source_line}")
    if rule.description:
        lines.append(f"  description: {_one_line(rule.description)}")
    for spec in kind_of(rule).fields:
        value = rule.option(spec.name, spec.default)
        if value is not None:
            shown = str(value).lower() if isinstance(value, bool) else value
            lines.append(f"  {spec.name + ':':<12} {shown}")
    lines.append(f"  ignore_case: {str(rule.ignore_case).lower()}")
    for label, examples in (("remove", rule.examples_remove), ("keep", rule.examples_keep)):
        lines.append(f"  examples.{label}:" + ("" if examples else " (none)"))
        lines += [f"    - {example!r}" for example in examples]
    if rule.examples_html:
        lines.append("  examples.html (what the page made of these lines):")
        for line, role, share in rule.examples_html:
            lines.append(f"    {line!r}: role={role}, link_share={share:g}")
    source = rule_source_text(rule)
    if source:
        lines += ["", f"{rule.source}:{rule.source_line}:", *source]
    return lines
