"""YAML with positions: a rule file's text as plain values that remember their line and column.

YAML is read with the safe loader only, and a first pass over the event stream refuses what a
rule file never needs and an attacker would use: aliases (the "billion laughs" bomb),
explicit tags other than ``!!str``, and nesting deeper than :data:`MAX_NESTING`. That pass
does not recurse, so a deeply nested document cannot exhaust the stack either. PyYAML is
imported only here, and only when a rule file is read (a run with cached rule files needs none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cleaner.core.rule import RuleFileError

if TYPE_CHECKING:
    import yaml

MAX_NESTING = 20
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class Located:
    """A value from a rule file and where it is written (1-based line and column)."""

    value: Any
    line: int
    col: int


def _at_mark(path: str, mark: yaml.Mark | yaml._yaml.Mark | None, message: str) -> RuleFileError:
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return RuleFileError(path, line, col, message)


# The loader tried first; None: libyaml's when installed. It is some twenty times faster than
# PyYAML's own, whose messages differ, so a file it refuses is read again with PyYAML's own.
_FAST_LOADER: type | None = None


def compose(path: str, text: str) -> yaml.Node | None:
    """One YAML document as a node tree, after refusing unsafe YAML (see the module docstring)."""
    import yaml  # only when a rule file is read; a run with cached rule files needs no YAML

    fast_loader = _FAST_LOADER
    if fast_loader is None:
        fast_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        try:
            return _compose_with(path, text, fast_loader)
        except yaml.YAMLError:
            if fast_loader is yaml.SafeLoader:
                raise
            return _compose_with(path, text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise _at_mark(path, exc.problem_mark or exc.context_mark, _yaml_reason(exc)) from None
    except yaml.YAMLError as exc:
        raise RuleFileError(path, 1, 1, f"invalid YAML: {exc}") from None


def _compose_with(path: str, text: str, loader: type) -> yaml.Node | None:
    import yaml

    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise _at_mark(path, event.start_mark, "YAML aliases (*name) are not allowed in rule files")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != _STR_TAG:
            shown = tag.replace("tag:yaml.org,2002:", "!!", 1)
            raise _at_mark(path, event.start_mark, f"YAML tag '{shown}' is not allowed in rule files")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise _at_mark(path, event.start_mark, f"document nested deeper than {MAX_NESTING} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.compose(text, Loader=loader)


def _yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's problem, with its context ("while scanning a quoted scalar") and where that began."""
    problem = exc.problem or str(exc)
    if problem == "mapping values are not allowed here":
        problem += " (a value that contains ': ' must be quoted)"
    if not exc.context:
        return f"invalid YAML: {problem}"
    if problem.startswith("but "):
        return f"invalid YAML: {exc.context}, {problem}"
    where = ""
    if exc.context_mark is not None and exc.context_mark != exc.problem_mark:
        where = f" at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
    return f"invalid YAML: {problem} ({exc.context}{where})"


def _scalar(node: yaml.ScalarNode) -> Any:
    """Resolve a scalar the way the safe loader would (bool, int, float, null, date, str)."""
    import yaml

    if node.tag == _STR_TAG:
        return node.value
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError):
        return node.value  # e.g. "2024-13-45" looks like a date but is not one: keep the text


def located(node: yaml.Node, error: Callable[[Located, str], None]) -> Located:
    """Convert a composed node into plain values wrapped with their position; ``error`` hears
    keys that are not strings and duplicate keys (the later one is dropped)."""
    import yaml

    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, tuple[Located, Located]] = {}
        for key_node, value_node in node.value:
            key = located(key_node, error)
            if not isinstance(key.value, str):
                error(key, f"keys must be strings, got {type_name(key.value)} (quote it)")
            elif key.value in mapping:
                first = mapping[key.value][0].line
                error(key, f"duplicate key '{key.value}' (first on line {first})")
            else:
                mapping[key.value] = (key, located(value_node, error))
        return Located(mapping, line, col)
    if isinstance(node, yaml.SequenceNode):
        return Located([located(item, error) for item in node.value], line, col)
    assert isinstance(node, yaml.ScalarNode)
    return Located(_scalar(node), line, col)


def type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)
