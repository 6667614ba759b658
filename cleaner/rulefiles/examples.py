"""``cleaner rules test``: run every rule's examples and every pack's whole-document cases.

- ``examples.remove``: the rule, alone in a chain, must remove something from the example.
  If the example marks parts with ``[[`` and ``]]``, the markers are taken out first and the
  rule must remove exactly the marked parts. The comparison is on non-space characters:
  which space beside a cut goes is the whitespace tidy's business, not the rule's.
- ``examples.keep``: the rule, alone, must leave the example untouched.
- ``examples.html``: what an HTML page made of some lines of the examples (their role and
  link share, by the line's text); the examples are then cleaned as text extracted from such
  a page, for rules that read a page's facts. Lines not listed are paragraphs without links.
- ``cases`` (top-level in a pack): the pack's enabled rules, together, must turn ``input``
  into exactly ``expected``.

Examples and cases never run through the whole chain: a keep example of one rule may
legitimately be cut by another (a teaser line that a caption rule must keep), and which other
rules are in a chain depends on the user's configuration. A pack's tests give the same answer
wherever the pack is used. Rules with ``enabled: false`` are skipped.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.core.engine import TIDY_RULE, Chain
from cleaner.core.kinds import kind_of
from cleaner.core.result import Result
from cleaner.core.rule import (
    ERROR,
    MARK_CLOSE,
    MARK_OPEN,
    WARNING,
    Pack,
    Problem,
    Rule,
    RuleFileError,
    split_marked,
)
from cleaner.core.signals import HtmlLine, HtmlLines
from cleaner.core.view import line_as_seen
from cleaner.messages import plural
from cleaner.rulefiles.schema import check_file


@dataclass(frozen=True)
class Failure:
    """One failed example or case, located where it is written, with a diff when it helps."""

    path: str
    line: int
    col: int
    subject: str
    message: str
    diff: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        head = f"{self.path}:{self.line}:{self.col}: FAIL {self.subject}: {self.message}"
        return [head, *(f"    {line}" for line in self.diff)]


@dataclass
class RuleTestResults:
    """What ``rules test`` ran and found."""

    files: int = 0
    rules: int = 0
    skipped: int = 0
    checks: int = 0
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        skipped = f", {self.skipped} skipped (enabled: false)" if self.skipped else ""
        passed = self.checks - len(self.failures)
        return (
            f"{plural(self.files, 'file')}, {plural(self.rules, 'rule')}{skipped}: "
            f"{passed} passed, {len(self.failures)} failed"
        )


def mark(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span wrapped in ``[[`` ``]]`` (the inverse of :func:`split_marked`).

    >>> mark("Story. Read more", [(7, 16)])
    'Story. [[Read more]]'
    """
    pieces, pos = [], 0
    for start, end in sorted(spans):
        pieces += [text[pos:start], MARK_OPEN, text[start:end], MARK_CLOSE]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _removed_by_rules(result: Result) -> list[tuple[int, int]]:
    """The rule spans of a result (not the whitespace tidy), adjacent ones merged."""
    merged: list[tuple[int, int]] = []
    for span in result.spans:
        if span.rule == TIDY_RULE:
            continue
        if merged and merged[-1][1] == span.start:
            merged[-1] = (merged[-1][0], span.end)
        else:
            merged.append((span.start, span.end))
    return merged


def _solid(text: str, spans: Iterable[tuple[int, int]]) -> set[int]:
    """Offsets of the non-space characters inside ``spans``."""
    return {i for start, end in spans for i in range(start, end) if not text[i].isspace()}


def text_diff(expected: str, actual: str, expected_label: str, actual_label: str) -> tuple[str, ...]:
    """A unified diff of two texts, line by line; a missing final newline is shown when only
    one of them has it.

    >>> for line in text_diff("a\\nb\\n", "a\\nc", "expected", "got"):
    ...     print(line)
    --- expected
    +++ got
    @@ -1,2 +1,2 @@
     a
    -b
    +c
    \\ No newline at end of file
    """
    show_missing_newline = expected.endswith("\n") != actual.endswith("\n")

    def items(text: str) -> list[str]:
        lines = text.splitlines(keepends=True)
        out = [line[:-1] if line.endswith("\n") else line for line in lines]
        if show_missing_newline and lines and not lines[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file"
        return out

    diff = difflib.unified_diff(items(expected), items(actual), expected_label, actual_label, lineterm="")
    return tuple(piece for line in diff for piece in line.split("\n"))


def check_examples(rule: Rule) -> tuple[int, list[Failure]]:
    """Run one rule's examples; the number of examples run and the failures.

    >>> rule = Rule(pack="demo", id="more", kind="phrase", pattern="Read more",
    ...             examples_remove=("Story. [[Read more]]",), examples_keep=("Read more widely.",))
    >>> count, failures = check_examples(rule)
    >>> count, [failure.message for failure in failures]
    (2, ['keep example was changed'])
    """
    chain = Chain([rule._replace(enabled=True)])
    html_lines = _page_facts(rule)
    failures = []
    positions = rule.examples_remove_at or ((rule.source_line, 1),) * len(rule.examples_remove)
    for example, (line, col) in zip(rule.examples_remove, positions, strict=True):
        text, marked = split_marked(example)
        removed = _removed_by_rules(chain.clean(text, max_removed=None, html_lines=html_lines(text)))
        message = ""
        diff: tuple[str, ...] = ()
        if not removed:
            message = f"remove example: the rule removed nothing{kind_of(rule).miss_hint(rule, text)}"
            diff = (f"example: {text!r}",)
        elif marked and _solid(text, removed) != _solid(text, marked):
            message = "remove example: the rule removed other text than the marked part"
            diff = text_diff(
                mark(text, marked), mark(text, removed), "marked in the example", "removed by the rule"
            )
        if message:
            failures.append(Failure(rule.source, line, col, rule.qualified_id, message, diff))
    positions = rule.examples_keep_at or ((rule.source_line, 1),) * len(rule.examples_keep)
    for text, (line, col) in zip(rule.examples_keep, positions, strict=True):
        removed = _removed_by_rules(chain.clean(text, max_removed=None, html_lines=html_lines(text)))
        if removed:
            diff = text_diff(text, mark(text, removed), "keep example", "removed by the rule")
            failures.append(
                Failure(rule.source, line, col, rule.qualified_id, "keep example was changed", diff)
            )
    return len(rule.examples_remove) + len(rule.examples_keep), failures


def _page_facts(rule: Rule) -> Callable[[str], HtmlLines | None]:
    """What the page made of each line of an example, from ``examples.html``; None for plain
    text (a rule without ``examples.html``)."""
    if not rule.examples_html:
        return lambda text: None
    listed = {line_as_seen(line): HtmlLine(role, link) for line, role, link in rule.examples_html}
    plain = HtmlLine("paragraph", 0.0)

    def facts(text: str) -> HtmlLines:
        lines = (line_as_seen(line) for line in text.splitlines())
        return {line: listed.get(line, plain) for line in lines if line}

    return facts


def check_cases(pack: Pack) -> list[Failure]:
    """Run a pack's whole-document cases through the pack's enabled rules."""
    if not pack.cases:
        return []
    chain = Chain([rule for rule in pack.rules if rule.enabled])
    failures = []
    for case in pack.cases:
        clean = chain.clean(case.input, max_removed=None).clean
        if clean != case.expected:
            diff = text_diff(case.expected, clean, "expected", f"cleaned by pack {pack.name}")
            failures.append(
                Failure(
                    pack.source,
                    case.line,
                    case.col,
                    f"pack {pack.name}, case '{case.name}'",
                    "the clean text differs from 'expected'",
                    diff,
                )
            )
    return failures


def run_tests(files: Iterable[Path]) -> RuleTestResults:
    """Validate and test rule files. Raises :class:`RuleFileError` if any has errors.

    >>> from cleaner.rulefiles.files import builtin_rules_dir
    >>> run = run_tests([builtin_rules_dir() / "layout.yaml"])
    >>> run.failures, run.checks > 0
    ([], True)
    """
    run = RuleTestResults()
    packs, errors = [], []
    for file in files:
        pack, problems = check_file(file)
        errors += [problem for problem in problems if problem.severity == ERROR]
        run.warnings += [problem for problem in problems if problem.severity == WARNING]
        if pack is not None:
            packs.append(pack)
    if errors:
        raise RuleFileError.from_problems(errors)
    for pack in packs:
        run.files += 1
        for rule in pack.rules:
            if not rule.enabled:
                run.skipped += 1
                continue
            run.rules += 1
            count, failures = check_examples(rule)
            run.checks += count
            run.failures += failures
        run.checks += len(pack.cases)
        run.failures += check_cases(pack)
    return run
