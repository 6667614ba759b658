"""Load and validate rule files (YAML packs) into :class:`Rule` objects.

Every problem is reported as a :class:`RuleFileError` that carries ``path:line:col``, so
the CLI can print one line per mistake and never a traceback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

KINDS = ("phrase", "regex", "line", "block")
SCOPES = ("anywhere", "head", "tail")
MAX_RULE_FILE_BYTES = 1_000_000
MAX_NESTING = 20
MAX_BLOCK_CHARS = 100_000
DEFAULT_SCOPE_LINES = 3

PACK_KEYS = ("pack", "description", "rules")
RULE_KEYS = (
    "id",
    "kind",
    "description",
    "pattern",
    "start",
    "end",
    "max_chars",
    "ignore_case",
    "word_boundary",
    "scope",
    "scope_lines",
    "examples",
    "enabled",
)
EXAMPLE_KEYS = ("remove", "keep")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class RuleFileError(ValueError):
    """A problem in a rule file, located at ``path:line:col`` (1-based)."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path, self.line, self.col, self.message = path, line, col, message


@dataclass(frozen=True)
class Rule:
    """One declarative cleaning rule, as written in a pack.

    >>> Rule(pack="demo", id="read-more", kind="phrase", pattern="Read more").qualified_id
    'demo/read-more'
    """

    pack: str
    id: str
    kind: str
    pattern: str | None = None
    start: str | None = None
    end: str | None = None
    max_chars: int | None = None
    description: str = ""
    ignore_case: bool = False
    word_boundary: bool = True
    scope: str = "anywhere"
    scope_lines: int = DEFAULT_SCOPE_LINES
    examples_remove: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()
    enabled: bool = True
    source: str = "<memory>"
    source_line: int = 0

    @property
    def qualified_id(self) -> str:
        return f"{self.pack}/{self.id}"


@dataclass(frozen=True)
class Pack:
    """A rule file: a named group of rules."""

    name: str
    description: str
    rules: tuple[Rule, ...]
    source: str


# --- YAML with positions -------------------------------------------------------------------


@dataclass
class _Located:
    value: Any
    line: int
    col: int


def _compose(path: str, text: str) -> yaml.Node | None:
    try:
        # libyaml's loader when PyYAML has it: the same nodes and marks, ten times faster.
        return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise RuleFileError(path, line, col, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(path, 1, 1, f"invalid YAML: {exc}") from None


def _to_located(path: str, node: yaml.Node, depth: int, seen: set[int]) -> _Located:
    """Convert a composed node into plain values wrapped with their position.

    Aliases are refused: rule files never need them, and they are how "billion laughs"
    documents explode in memory.
    """
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if depth > MAX_NESTING:
        raise RuleFileError(path, line, col, f"document nested deeper than {MAX_NESTING} levels")
    if id(node) in seen:
        raise RuleFileError(path, line, col, "YAML aliases (*name) are not allowed in rule files")
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, tuple[_Located, _Located]] = {}
        for key_node, value_node in node.value:
            key = _to_located(path, key_node, depth + 1, seen)
            if not isinstance(key.value, str):
                raise RuleFileError(path, key.line, key.col, "keys must be strings")
            if key.value in mapping:
                raise RuleFileError(path, key.line, key.col, f"duplicate key '{key.value}'")
            mapping[key.value] = (key, _to_located(path, value_node, depth + 1, seen))
        return _Located(mapping, line, col)
    if isinstance(node, yaml.SequenceNode):
        return _Located([_to_located(path, n, depth + 1, seen) for n in node.value], line, col)
    return _Located(_scalar(node), line, col)


def _scalar(node: yaml.ScalarNode) -> Any:
    """Resolve a scalar the way the safe loader would (bool, int, float, null, str)."""
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


# --- validation ----------------------------------------------------------------------------


class _Checker:
    """Turns located YAML values into typed values, raising positioned errors."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, at: _Located, message: str) -> RuleFileError:
        return RuleFileError(self.path, at.line, at.col, message)

    def mapping(self, at: _Located, what: str, allowed: tuple[str, ...]) -> dict:
        if not isinstance(at.value, dict):
            raise self.fail(at, f"{what} must be a mapping, got {_type_name(at.value)}")
        for key, (key_at, _) in at.value.items():
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
                raise self.fail(key_at, f"unknown key '{key}' in {what}{suggestion}")
        return {key: value_at for key, (_, value_at) in at.value.items()}

    def string(self, at: _Located, key: str, *, non_empty: bool = True) -> str:
        if not isinstance(at.value, str):
            raise self.fail(at, f"'{key}' must be a string, got {_type_name(at.value)}")
        if non_empty and not at.value.strip():
            raise self.fail(at, f"'{key}' must not be empty")
        return at.value

    def boolean(self, at: _Located, key: str) -> bool:
        if not isinstance(at.value, bool):
            raise self.fail(at, f"'{key}' must be true or false, got {_type_name(at.value)}")
        return at.value

    def integer(self, at: _Located, key: str, low: int, high: int) -> int:
        if isinstance(at.value, bool) or not isinstance(at.value, int):
            raise self.fail(at, f"'{key}' must be an integer, got {_type_name(at.value)}")
        if not low <= at.value <= high:
            raise self.fail(at, f"'{key}' must be between {low} and {high}, got {at.value}")
        return at.value

    def strings(self, at: _Located, key: str) -> tuple[str, ...]:
        if not isinstance(at.value, list):
            raise self.fail(at, f"'{key}' must be a list of strings, got {_type_name(at.value)}")
        return tuple(self.string(item, key) for item in at.value)


def _type_name(value: Any) -> str:
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


def _parse_rule(check: _Checker, pack: str, at: _Located, seen_ids: dict[str, int]) -> Rule:
    fields = check.mapping(at, "rule", RULE_KEYS)
    for required in ("id", "kind"):
        if required not in fields:
            raise check.fail(at, f"rule is missing '{required}'")
    rule_id = check.string(fields["id"], "id")
    if not _ID_RE.match(rule_id):
        raise check.fail(fields["id"], f"id '{rule_id}' must use lowercase letters, digits, - or _")
    if rule_id in seen_ids:
        raise check.fail(
            fields["id"], f"duplicate id '{rule_id}' (first defined on line {seen_ids[rule_id]})"
        )
    seen_ids[rule_id] = fields["id"].line
    kind = check.string(fields["kind"], "kind")
    if kind not in KINDS:
        hint = difflib.get_close_matches(kind, KINDS, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        raise check.fail(fields["kind"], f"unknown kind '{kind}' (one of {', '.join(KINDS)}){suggestion}")

    values: dict[str, Any] = {}
    if kind == "block":
        for key in ("start", "end", "max_chars"):
            if key not in fields:
                raise check.fail(at, f"block rule '{rule_id}' is missing '{key}'")
        values["start"] = check.string(fields["start"], "start")
        values["end"] = check.string(fields["end"], "end")
        values["max_chars"] = check.integer(fields["max_chars"], "max_chars", 1, MAX_BLOCK_CHARS)
        for key in ("pattern",):
            if key in fields:
                raise check.fail(fields[key], f"'{key}' is not used by block rules; use start/end")
    else:
        if "pattern" not in fields:
            raise check.fail(at, f"{kind} rule '{rule_id}' is missing 'pattern'")
        values["pattern"] = check.string(fields["pattern"], "pattern")
        for key in ("start", "end", "max_chars"):
            if key in fields:
                raise check.fail(fields[key], f"'{key}' is only used by block rules")
    if "word_boundary" in fields:
        if kind != "phrase":
            raise check.fail(fields["word_boundary"], "'word_boundary' is only used by phrase rules")
        values["word_boundary"] = check.boolean(fields["word_boundary"], "word_boundary")
    for key in ("ignore_case", "enabled"):
        if key in fields:
            values[key] = check.boolean(fields[key], key)
    if "description" in fields:
        values["description"] = check.string(fields["description"], "description").strip()
    if "scope" in fields:
        scope = check.string(fields["scope"], "scope")
        if scope not in SCOPES:
            raise check.fail(fields["scope"], f"unknown scope '{scope}' (one of {', '.join(SCOPES)})")
        values["scope"] = scope
    if "scope_lines" in fields:
        if values.get("scope", "anywhere") == "anywhere":
            raise check.fail(fields["scope_lines"], "'scope_lines' needs scope: head or tail")
        values["scope_lines"] = check.integer(fields["scope_lines"], "scope_lines", 1, 1000)
    if "examples" in fields:
        examples = check.mapping(fields["examples"], "examples", EXAMPLE_KEYS)
        if "remove" in examples:
            values["examples_remove"] = check.strings(examples["remove"], "remove")
        if "keep" in examples:
            values["examples_keep"] = check.strings(examples["keep"], "keep")

    rule = Rule(pack=pack, id=rule_id, kind=kind, source=check.path, source_line=at.line, **values)
    # Compile here so that a bad pattern is reported at its own line.
    from cleaner.matchers import PatternError, compile_rule

    try:
        compile_rule(rule)
    except PatternError as exc:
        key_at = fields.get(exc.field, at)
        raise check.fail(key_at, str(exc)) from None
    return rule


def parse_pack(text: str, path: str = "<string>") -> Pack:
    """Parse and validate one rule file's text.

    >>> pack = parse_pack('''
    ... pack: demo
    ... rules:
    ...   - id: read-more
    ...     kind: phrase
    ...     pattern: Read more
    ... ''')
    >>> [rule.qualified_id for rule in pack.rules]
    ['demo/read-more']
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_RULE_FILE_BYTES:
        raise RuleFileError(path, 1, 1, f"rule file is larger than {MAX_RULE_FILE_BYTES} bytes")
    node = _compose(path, text)
    if node is None:
        raise RuleFileError(path, 1, 1, "rule file is empty")
    check = _Checker(path)
    top = check.mapping(_to_located(path, node, 0, set()), "rule file", PACK_KEYS)
    root = _Located(top, node.start_mark.line + 1, node.start_mark.column + 1)
    for required in ("pack", "rules"):
        if required not in top:
            raise check.fail(root, f"rule file is missing '{required}'")
    name = check.string(top["pack"], "pack")
    if not _ID_RE.match(name):
        raise check.fail(top["pack"], f"pack name '{name}' must use lowercase letters, digits, - or _")
    description = check.string(top["description"], "description") if "description" in top else ""
    rules_at = top["rules"]
    if not isinstance(rules_at.value, list) or not rules_at.value:
        raise check.fail(rules_at, "'rules' must be a non-empty list")
    seen_ids: dict[str, int] = {}
    rules = tuple(_parse_rule(check, name, item, seen_ids) for item in rules_at.value)
    return Pack(name=name, description=description.strip(), rules=rules, source=path)


def load_pack(path: Path) -> Pack:
    """Read and validate one rule file.

    >>> load_pack(builtin_rule_files()[0]).name in {p.stem for p in builtin_rule_files()}
    True
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleFileError(str(path), 1, 1, f"cannot read rule file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RuleFileError(str(path), line, 1, "rule file is not valid UTF-8") from None
    return parse_pack(text, str(path))


def builtin_rules_dir() -> Path:
    """The folder of built-in packs: inside the installed wheel, or the source checkout's."""
    packaged = resources.files("cleaner") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "rules"


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


def load_rules(paths: Iterable[Path] = (), *, builtin: bool = True) -> list[Rule]:
    """Load the chain's rules in order: built-in packs first, then the given files or folders.

    A rule whose ``pack/id`` is already in the chain replaces it in place, so a user pack
    that reuses a built-in pack name and rule id overrides that rule.

    >>> rules = load_rules()
    >>> any(rule.qualified_id.endswith("gallery-caption") for rule in rules)
    True
    """
    files = [*builtin_rule_files()] if builtin else []
    files.extend(expand_rule_paths(paths))
    chain: dict[str, Rule] = {}
    for file in files:
        for rule in load_pack(file).rules:
            chain[rule.qualified_id] = rule
    return [rule for rule in chain.values() if rule.enabled]
