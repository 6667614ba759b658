"""The rule model: a rule, a pack of rules, a pack's whole-document cases, and problems found in
rule files. Plain data; rule kinds (:mod:`cleaner.core.kinds`) give rules their behaviour and
rule files (:mod:`cleaner.rulefiles`) make them from YAML."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

SCOPES = ("anywhere", "head", "tail")
DEFAULT_SCOPE_LINES = 3
ERROR, WARNING = "error", "warning"
# In examples.remove, the part the rule must remove may be marked: "Text [[removed]] text".
MARK_OPEN, MARK_CLOSE = "[[", "]]"

Options = tuple[tuple[str, Any], ...]
#: What an HTML page made of one line of a rule's examples: (line, role, link share).
PageFact = tuple[str, str, float | None]


class Problem(NamedTuple):
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


class _RuleFields(NamedTuple):
    pack: str
    id: str
    kind: str
    options: Options
    description: str
    ignore_case: bool
    scope: str
    scope_lines: int
    examples_remove: tuple[str, ...]
    examples_keep: tuple[str, ...]
    # What an HTML page made of the examples' lines, for rules that read a page's facts:
    # (line, role, link share) each; empty: the examples are plain text.
    examples_html: tuple[PageFact, ...]
    enabled: bool
    guard: bool | None  # count what it removes towards the --max-removed guard; None: its kind says
    source: str
    source_line: int
    # Where each example is written ((line, col), parallel to the tuples above), for messages;
    # the last fields, left out of comparisons (see Rule.__eq__).
    examples_remove_at: tuple[tuple[int, int], ...]
    examples_keep_at: tuple[tuple[int, int], ...]


# The fields rules are compared by: all but where the examples are written.
_COMPARED = len(_RuleFields._fields) - 2


class Rule(_RuleFields):
    """One declarative cleaning rule, as written in a pack.

    The fields every rule has are attributes; the fields of its kind (``pattern``, a block's
    ``start``, ``end`` and ``max_chars``, …) are its ``options``, read with :meth:`option`.
    They may be given as keywords, and ``pattern`` also by position.

    >>> rule = Rule("demo", "read-more", "phrase", "Read more", word_boundary=False)
    >>> rule.qualified_id, rule.option("pattern"), rule.option("word_boundary")
    ('demo/read-more', 'Read more', False)
    >>> rule.option("max_chars", 0)
    0
    """

    __slots__ = ()

    def __new__(
        cls,
        pack: str,
        id: str,
        kind: str,
        pattern: str | None = None,
        *,
        options: Iterable[Sequence[Any]] | Mapping[str, Any] = (),
        description: str = "",
        ignore_case: bool = False,
        scope: str = "anywhere",
        scope_lines: int = DEFAULT_SCOPE_LINES,
        examples_remove: Sequence[str] = (),
        examples_keep: Sequence[str] = (),
        examples_html: Iterable[Sequence[Any]] = (),
        enabled: bool = True,
        guard: bool | None = None,
        source: str = "<memory>",
        source_line: int = 0,
        examples_remove_at: Sequence[Sequence[int]] = (),
        examples_keep_at: Sequence[Sequence[int]] = (),
        **kind_options: Any,
    ) -> Rule:
        merged = dict(options.items() if isinstance(options, Mapping) else (tuple(pair) for pair in options))
        merged.update(kind_options)
        if pattern is not None:
            merged["pattern"] = pattern
        return super().__new__(
            cls,
            pack,
            id,
            kind,
            tuple(sorted((key, value) for key, value in merged.items() if value is not None)),
            description,
            ignore_case,
            scope,
            scope_lines,
            tuple(examples_remove),
            tuple(examples_keep),
            tuple(tuple(entry) for entry in examples_html),
            enabled,
            guard,
            source,
            source_line,
            tuple((line, col) for line, col in examples_remove_at),
            tuple((line, col) for line, col in examples_keep_at),
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its fields as they are: __new__ reads its arguments as a rule file gives them.
        return (self._make, (tuple(self),))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rule):
            return NotImplemented
        return self[:_COMPARED] == other[:_COMPARED]

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self[:_COMPARED])

    def option(self, name: str, default: Any = None) -> Any:
        """The value of one of the kind's fields, or ``default`` when the rule does not set it."""
        for key, value in self.options:
            if key == name:
                return value
        return default

    @property
    def qualified_id(self) -> str:
        return f"{self.pack}/{self.id}"


class Case(NamedTuple):
    """A whole-document test of a pack: its rules must turn ``input`` into ``expected``."""

    name: str
    input: str
    expected: str
    line: int = 0
    col: int = 0


class Pack(NamedTuple):
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
