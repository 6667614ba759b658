"""Load and validate rule files (YAML packs) into :class:`Rule` objects.

Validation collects every problem it can find in a file, each a :class:`Problem` located at
``path:line:col``: *errors* make the file unusable (loading raises a :class:`RuleFileError`
that carries all of them), *warnings* (a rule without examples) do not. The CLI prints one
line per problem and never a traceback. ``cleaner rules check`` and ``cleaner clean`` run the
same validation, so they give the same messages.

YAML is read with the safe loader only, and a first pass over the event stream refuses what a
rule file never needs and an attacker would use: aliases (the "billion laughs" bomb),
explicit tags other than ``!!str``, nesting deeper than :data:`MAX_NESTING`, and files
larger than :data:`MAX_RULE_FILE_BYTES`. That pass does not recurse, so a deeply nested
document cannot exhaust the stack either.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

KINDS = ("phrase", "regex", "line", "block")
SCOPES = ("anywhere", "head", "tail")
MAX_RULE_FILE_BYTES = 1_000_000
MAX_NESTING = 20
# A block holds a start match and an end match, each at least one character long (patterns
# that match the empty string are refused), so a shorter bound could never remove anything.
MIN_BLOCK_CHARS = 2
MAX_BLOCK_CHARS = 100_000
MAX_SCOPE_LINES = 1000
DEFAULT_SCOPE_LINES = 3
ERROR, WARNING = "error", "warning"
# In examples.remove, the part the rule must remove may be marked: "Text [[removed]] text".
MARK_OPEN, MARK_CLOSE = "[[", "]]"

PACK_KEYS = ("pack", "description", "rules", "cases")
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
CASE_KEYS = ("name", "input", "expected")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Problem:
    """One finding in a rule file, at a 1-based ``line`` and ``col``.

    >>> str(Problem("my.yaml", 6, 5, "unknown key 'patern' in rule; did you mean 'pattern'?"))
    "my.yaml:6:5: unknown key 'patern' in rule; did you mean 'pattern'?"
    >>> str(Problem("my.yaml", 3, 5, "rule 'x' has no examples", WARNING))
    "my.yaml:3:5: warning: rule 'x' has no examples"
    """

    path: str
    line: int
    col: int
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        label = "warning: " if self.severity == WARNING else ""
        return f"{self.path}:{self.line}:{self.col}: {label}{self.message}"


class RuleFileError(ValueError):
    """Rule files that cannot be used. ``str()`` is the first error; ``problems`` has them all."""

    def __init__(
        self, path: str, line: int, col: int, message: str, problems: Sequence[Problem] = ()
    ) -> None:
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path, self.line, self.col, self.message = path, line, col, message
        self.problems = list(problems) or [Problem(path, line, col, message)]

    @classmethod
    def from_problems(cls, problems: Sequence[Problem]) -> RuleFileError:
        first = problems[0]
        return cls(first.path, first.line, first.col, first.message, problems)


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
    # Where each example is written ((line, col), parallel to the tuples above), for messages.
    examples_remove_at: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)
    examples_keep_at: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)

    @property
    def qualified_id(self) -> str:
        return f"{self.pack}/{self.id}"


@dataclass(frozen=True)
class Case:
    """A whole-document test of a pack: its rules must turn ``input`` into ``expected``."""

    name: str
    input: str
    expected: str
    line: int = 0
    col: int = 0


@dataclass(frozen=True)
class Pack:
    """A rule file: a named group of rules, and optional whole-document cases."""

    name: str
    description: str
    rules: tuple[Rule, ...]
    source: str
    cases: tuple[Case, ...] = ()


def split_marked(example: str) -> tuple[str, list[tuple[int, int]]]:
    """The example without ``[[``/``]]`` markers, and the marked spans in that text.

    >>> split_marked("The crowd cheered. [[Fans ( PA )]] Police closed the road.")
    ('The crowd cheered. Fans ( PA ) Police closed the road.', [(19, 30)])
    >>> split_marked("No markers here.")
    ('No markers here.', [])
    """
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = length = 0
    while True:
        opening = example.find(MARK_OPEN, pos)
        closing = example.find(MARK_CLOSE, pos)
        if opening < 0:
            if closing >= 0:
                raise ValueError(f"'{MARK_CLOSE}' at character {closing + 1} has no '{MARK_OPEN}' before it")
            pieces.append(example[pos:])
            return "".join(pieces), spans
        if 0 <= closing < opening:
            raise ValueError(f"'{MARK_CLOSE}' at character {closing + 1} has no '{MARK_OPEN}' before it")
        closing = example.find(MARK_CLOSE, opening + len(MARK_OPEN))
        if closing < 0:
            raise ValueError(f"'{MARK_OPEN}' at character {opening + 1} is not closed by '{MARK_CLOSE}'")
        inner = example[opening + len(MARK_OPEN) : closing]
        if MARK_OPEN in inner:
            raise ValueError(f"'{MARK_OPEN}' at character {opening + 1} contains another '{MARK_OPEN}'")
        if not inner:
            raise ValueError(f"'{MARK_OPEN}{MARK_CLOSE}' at character {opening + 1} marks nothing")
        pieces.append(example[pos:opening])
        length += opening - pos
        spans.append((length, length + len(inner)))
        pieces.append(inner)
        length += len(inner)
        pos = closing + len(MARK_CLOSE)


# --- YAML with positions -------------------------------------------------------------------


@dataclass
class _Located:
    value: Any
    line: int
    col: int


def _at_mark(path: str, mark: yaml.Mark | None, message: str) -> RuleFileError:
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return RuleFileError(path, line, col, message)


# The loader tried first; None: libyaml's when installed. It is some twenty times faster than
# PyYAML's own, whose messages differ, so a file it refuses is read again with PyYAML's own.
_FAST_LOADER: type | None = None


def _compose(path: str, text: str) -> yaml.Node | None:
    """One YAML document as a node tree, after refusing unsafe YAML (see the module docstring)."""
    import yaml  # only when a rule file is read; a run with cached rule files needs no YAML

    fast_loader = _FAST_LOADER or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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


# --- validation ----------------------------------------------------------------------------


class _Invalid(Exception):
    """A value that failed a type check; the checker records it and carries on."""

    def __init__(self, at: _Located, message: str) -> None:
        super().__init__(message)
        self.at, self.message = at, message


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    hint = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean '{hint[0]}'?" if hint else ""


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


class _Checker:
    """Turns located YAML values into typed values, collecting positioned problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        # Keys a did-you-mean already pointed at, per mapping: a missing key that was merely
        # misspelt is one mistake, so it gets one message (the did-you-mean), not two.
        self.suggested: dict[int, set[str]] = {}

    @property
    def error_count(self) -> int:
        return sum(problem.severity == ERROR for problem in self.problems)

    def error(self, at: _Located, message: str) -> None:
        self.problems.append(Problem(self.path, at.line, at.col, message))

    def warn(self, at: _Located, message: str) -> None:
        self.problems.append(Problem(self.path, at.line, at.col, message, WARNING))

    def located(self, node: yaml.Node) -> _Located:
        """Convert a composed node into plain values wrapped with their position."""
        import yaml

        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, tuple[_Located, _Located]] = {}
            for key_node, value_node in node.value:
                key = self.located(key_node)
                if not isinstance(key.value, str):
                    self.error(key, f"keys must be strings, got {_type_name(key.value)} (quote it)")
                elif key.value in mapping:
                    first = mapping[key.value][0].line
                    self.error(key, f"duplicate key '{key.value}' (first on line {first})")
                else:
                    mapping[key.value] = (key, self.located(value_node))
            return _Located(mapping, line, col)
        if isinstance(node, yaml.SequenceNode):
            return _Located([self.located(item) for item in node.value], line, col)
        return _Located(_scalar(node), line, col)

    def mapping(self, at: _Located, what: str, allowed: tuple[str, ...]) -> dict[str, _Located] | None:
        """The known keys of a mapping; unknown keys are recorded (with a did-you-mean)."""
        if not isinstance(at.value, dict):
            self.error(at, f"{what} must be a mapping, got {_type_name(at.value)}")
            return None
        fields = {}
        for key, (key_at, value_at) in at.value.items():
            if key in allowed:
                fields[key] = value_at
                continue
            hint = difflib.get_close_matches(key, allowed, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            self.suggested.setdefault(id(at), set()).update(hint)
            self.error(key_at, f"unknown key '{key}' in {what}{suggestion}")
        return fields

    def get(self, fields: dict[str, _Located], key: str, convert: Callable[..., Any], *args: Any) -> Any:
        """The converted value of an optional key; None when absent or invalid (recorded)."""
        if key not in fields:
            return None
        try:
            return convert(fields[key], key, *args)
        except _Invalid as exc:
            self.error(exc.at, exc.message)
            return None

    def require(
        self,
        at: _Located,
        what: str,
        fields: dict[str, _Located],
        key: str,
        convert: Callable[..., Any],
        *args: Any,
    ) -> Any:
        """Like :meth:`get`, recording a missing key at the mapping's position."""
        if key not in fields:
            if key not in self.suggested.get(id(at), ()):
                self.error(at, f"{what} is missing '{key}'")
            return None
        return self.get(fields, key, convert, *args)

    # Converters: return the typed value or raise _Invalid.

    @staticmethod
    def string(at: _Located, key: str, non_empty: bool = True) -> str:
        if isinstance(at.value, bool):  # yes/no/on/off are booleans to YAML
            raise _Invalid(at, f"'{key}' must be a string, got a boolean (quote it)")
        if not isinstance(at.value, str):
            raise _Invalid(at, f"'{key}' must be a string, got {_type_name(at.value)}")
        if non_empty and not at.value.strip():
            raise _Invalid(at, f"'{key}' must not be empty")
        return at.value

    @staticmethod
    def choice(at: _Located, key: str, allowed: tuple[str, ...]) -> str:
        value = _Checker.string(at, key)
        if value not in allowed:
            raise _Invalid(
                at, f"unknown {key} '{value}' (one of {', '.join(allowed)}){_did_you_mean(value, allowed)}"
            )
        return value

    @staticmethod
    def boolean(at: _Located, key: str) -> bool:
        if not isinstance(at.value, bool):
            raise _Invalid(at, f"'{key}' must be true or false, got {_type_name(at.value)}")
        return at.value

    @staticmethod
    def integer(at: _Located, key: str, low: int, high: int) -> int:
        if isinstance(at.value, bool) or not isinstance(at.value, int):
            raise _Invalid(at, f"'{key}' must be an integer, got {_type_name(at.value)}")
        if not low <= at.value <= high:
            raise _Invalid(at, f"'{key}' must be between {low} and {high}, got {at.value}")
        return at.value

    def string_items(self, at: _Located, key: str) -> list[_Located] | None:
        """The items of a list of strings; each bad item is recorded."""
        if not isinstance(at.value, list):
            self.error(at, f"'{key}' must be a list of strings, got {_type_name(at.value)}")
            return None
        good = []
        for item in at.value:
            try:
                self.string(item, key)
                good.append(item)
            except _Invalid as exc:
                self.error(exc.at, exc.message)
        return good


def _parse_examples(check: _Checker, at: _Located) -> dict[str, Any]:
    values: dict[str, Any] = {}
    examples = check.mapping(at, "examples", EXAMPLE_KEYS)
    if examples is None:
        return values
    if "remove" in examples and (items := check.string_items(examples["remove"], "remove")) is not None:
        for item in items:
            try:
                split_marked(item.value)
            except ValueError as exc:
                check.error(item, f"remove example: {exc}")
        values["examples_remove"] = tuple(item.value for item in items)
        values["examples_remove_at"] = tuple((item.line, item.col) for item in items)
    if "keep" in examples and (items := check.string_items(examples["keep"], "keep")) is not None:
        for item in items:
            if MARK_OPEN in item.value or MARK_CLOSE in item.value:
                check.error(item, f"keep examples cannot mark text to remove ('{MARK_OPEN}', '{MARK_CLOSE}')")
        values["examples_keep"] = tuple(item.value for item in items)
        values["examples_keep_at"] = tuple((item.line, item.col) for item in items)
    return values


def _parse_rule(check: _Checker, pack: str, at: _Located, seen_ids: dict[str, int]) -> Rule | None:
    """One rule, or None when it has errors (all of them recorded)."""
    errors_before = check.error_count
    fields = check.mapping(at, "rule", RULE_KEYS)
    if fields is None:
        return None
    rule_id = check.require(at, "rule", fields, "id", check.string)
    what = f"rule '{rule_id}'" if rule_id else "rule"
    if rule_id is not None:
        if not _ID_RE.match(rule_id):
            check.error(fields["id"], f"id '{rule_id}' must use lowercase letters, digits, - or _")
        elif rule_id in seen_ids:
            check.error(fields["id"], f"duplicate id '{rule_id}' (first defined on line {seen_ids[rule_id]})")
        else:
            seen_ids[rule_id] = fields["id"].line
    kind = check.require(at, what, fields, "kind", check.choice, KINDS)

    values: dict[str, Any] = {}
    if kind == "block":
        values["start"] = check.require(at, f"block {what}", fields, "start", check.string)
        values["end"] = check.require(at, f"block {what}", fields, "end", check.string)
        values["max_chars"] = check.require(
            at, f"block {what}", fields, "max_chars", check.integer, MIN_BLOCK_CHARS, MAX_BLOCK_CHARS
        )
        if "pattern" in fields:
            check.error(fields["pattern"], "'pattern' is not used by block rules; use start and end")
    elif kind is not None:
        values["pattern"] = check.require(at, f"{kind} {what}", fields, "pattern", check.string)
        for key in ("start", "end", "max_chars"):
            if key in fields:
                check.error(fields[key], f"'{key}' is only used by block rules")
    if "word_boundary" in fields and kind not in (None, "phrase"):
        check.error(fields["word_boundary"], "'word_boundary' is only used by phrase rules")
    else:
        values["word_boundary"] = check.get(fields, "word_boundary", check.boolean)
    values["ignore_case"] = check.get(fields, "ignore_case", check.boolean)
    values["enabled"] = check.get(fields, "enabled", check.boolean)
    description = check.get(fields, "description", check.string)
    values["description"] = description.strip() if description else None
    values["scope"] = check.get(fields, "scope", check.choice, SCOPES)
    if "scope_lines" in fields and (values["scope"] is not None or "scope" not in fields):
        if values["scope"] in (None, "anywhere"):
            check.error(fields["scope_lines"], "'scope_lines' needs scope: head or tail")
        else:
            values["scope_lines"] = check.get(fields, "scope_lines", check.integer, 1, MAX_SCOPE_LINES)
    if "examples" in fields:
        values.update(_parse_examples(check, fields["examples"]))
    if check.error_count > errors_before:
        return None

    rule = Rule(
        pack=pack,
        id=rule_id,
        kind=kind,
        source=check.path,
        source_line=at.line,
        **{key: value for key, value in values.items() if value is not None},
    )
    if not _check_patterns(check, rule, fields):
        return None
    if not rule.examples_remove and not rule.examples_keep:
        check.warn(
            at,
            f"{what} has no examples; add examples.remove and examples.keep so "
            "'cleaner rules test' can check it",
        )
    elif not rule.examples_remove:
        check.warn(at, f"{what} has no examples.remove (text it must remove)")
    elif not rule.examples_keep:
        check.warn(at, f"{what} has no examples.keep (text it must leave alone)")
    return rule


def _check_patterns(check: _Checker, rule: Rule, fields: dict[str, _Located]) -> bool:
    """Compile each pattern with RE2, then refuse rules that would remove (nearly) any text."""
    from cleaner.core.matchers import PatternError, compile_pattern, phrase_pattern
    from cleaner.rulefiles.lint import breadth_problem

    ok = True
    for key in ("start", "end") if rule.kind == "block" else ("pattern",):
        source = phrase_pattern(rule) if rule.kind == "phrase" else getattr(rule, key)
        try:
            compile_pattern(source, ignore_case=rule.ignore_case, field=key)
        except PatternError as exc:
            check.error(fields[key], str(exc))
            ok = False
    if ok and (problem := breadth_problem(rule)) is not None:
        key, message = problem
        check.error(fields[key], message)
        ok = False
    return ok


def _parse_case(check: _Checker, at: _Located, number: int) -> Case | None:
    errors_before = check.error_count
    fields = check.mapping(at, "case", CASE_KEYS)
    if fields is None:
        return None
    name = check.get(fields, "name", check.string) or f"case {number}"
    text = check.require(at, f"case '{name}'", fields, "input", check.string, False)
    expected = check.require(at, f"case '{name}'", fields, "expected", check.string, False)
    if check.error_count > errors_before:
        return None
    return Case(name=name, input=text, expected=expected, line=at.line, col=at.col)


def check_pack(text: str, path: str = "<string>") -> tuple[Pack | None, list[Problem]]:
    """Validate one rule file's text: the pack (None if it has errors) and every problem found.

    >>> pack, problems = check_pack('''
    ... pack: demo
    ... rules:
    ...   - id: read-more
    ...     kind: phrase
    ...     patern: Read more
    ... ''', "demo.yaml")
    >>> pack is None
    True
    >>> for problem in problems:
    ...     print(problem)
    demo.yaml:6:5: unknown key 'patern' in rule; did you mean 'pattern'?
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_RULE_FILE_BYTES:
        return None, [Problem(path, 1, 1, f"rule file is larger than {MAX_RULE_FILE_BYTES} bytes")]
    try:
        node = _compose(path, text)
    except RuleFileError as exc:
        return None, exc.problems
    if node is None:
        return None, [Problem(path, 1, 1, "rule file is empty")]
    check = _Checker(path)
    root = check.located(node)
    top = check.mapping(root, "rule file", PACK_KEYS)
    if top is None:
        return None, check.problems
    name = check.require(root, "rule file", top, "pack", check.string)
    if name is not None and not _ID_RE.match(name):
        check.error(top["pack"], f"pack name '{name}' must use lowercase letters, digits, - or _")
        name = None
    description = check.get(top, "description", check.string) or ""
    rules: list[Rule | None] = []
    if "rules" not in top:
        if "rules" not in check.suggested.get(id(root), ()):
            check.error(root, "rule file is missing 'rules'")
    elif not isinstance(top["rules"].value, list) or not top["rules"].value:
        check.error(top["rules"], "'rules' must be a non-empty list of rules")
    else:
        seen_ids: dict[str, int] = {}
        rules = [_parse_rule(check, name or "?", item, seen_ids) for item in top["rules"].value]
    cases: list[Case | None] = []
    if "cases" in top:
        if not isinstance(top["cases"].value, list):
            check.error(top["cases"], f"'cases' must be a list, got {_type_name(top['cases'].value)}")
        else:
            cases = [_parse_case(check, item, n) for n, item in enumerate(top["cases"].value, 1)]
    problems = sorted(check.problems, key=lambda problem: (problem.line, problem.col))
    if check.error_count or name is None:
        return None, problems
    pack = Pack(
        name=name,
        description=description.strip(),
        rules=tuple(rule for rule in rules if rule is not None),
        source=path,
        cases=tuple(case for case in cases if case is not None),
    )
    return pack, problems


def parse_pack(text: str, path: str = "<string>") -> Pack:
    """Parse and validate one rule file's text; raise :class:`RuleFileError` with every error.

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
    pack, problems = check_pack(text, path)
    errors = [problem for problem in problems if problem.severity == ERROR]
    if errors or pack is None:
        raise RuleFileError.from_problems(errors)
    return pack


def read_rule_file(path: Path) -> str:
    """A rule file's text (UTF-8, optional BOM), refusing oversized or unreadable files."""
    try:
        with path.open("rb") as handle:
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


def check_file(path: Path) -> tuple[Pack | None, list[Problem]]:
    """Read and validate one rule file: the pack (None if it has errors) and every problem."""
    try:
        text = read_rule_file(path)
    except RuleFileError as exc:
        return None, exc.problems
    return check_pack(text, str(path))


def load_pack(path: Path) -> Pack:
    """Read and validate one rule file.

    >>> load_pack(builtin_rule_files()[0]).name in {p.stem for p in builtin_rule_files()}
    True
    """
    return parse_pack(read_rule_file(path), str(path))


def load_packs(files: Iterable[Path]) -> list[Pack]:
    """Load rule files in order; raise one :class:`RuleFileError` with the errors of all of them.

    Files loaded before without errors come from the cache (see :mod:`cleaner.rulefiles.cache`).
    """
    from cleaner.rulefiles.cache import check_file_cached

    packs, errors = [], []
    for file in files:
        pack, problems = check_file_cached(file)
        errors.extend(problem for problem in problems if problem.severity == ERROR)
        if pack is not None:
            packs.append(pack)
    if errors:
        raise RuleFileError.from_problems(errors)
    return packs


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


def chain_rules(packs: Iterable[Pack]) -> list[Rule]:
    """All rules of the packs in chain order, enabled or not.

    A rule whose ``pack/id`` is already in the chain replaces it in place (keeping the
    earlier position), so a user pack that reuses a built-in pack name and rule id
    overrides that rule.

    >>> first = Pack("demo", "", (Rule("demo", "a", "phrase", "A"), Rule("demo", "b", "phrase", "B")), "1")
    >>> second = Pack("demo", "", (Rule("demo", "a", "phrase", "AA"),), "2")
    >>> [(rule.id, rule.pattern) for rule in chain_rules([first, second])]
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
