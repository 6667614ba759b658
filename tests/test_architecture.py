"""The package keeps the shape docs/architecture.md describes: layers, sizes, and kinds that are
one module each."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import cleaner
from cleaner.core import kinds
from cleaner.core.kinds.base import Candidate, Field, Matcher, Reach
from cleaner.rulefiles.schema import check_pack

PACKAGE = Path(cleaner.__file__).parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def test_imports_run_one_way_with_no_cycles() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    done = subprocess.run([str(lint)], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stdout[-3000:]


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    first = body[0]
    documented = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and len(body) > 1
    start = body[1].lineno if documented else first.lineno
    return (node.end_lineno or start) - start + 1


def test_modules_and_functions_stay_small() -> None:
    too_big = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(PACKAGE.parent).as_posix()
        if source.count("\n") > MAX_MODULE_LINES:
            too_big.append(f"{name}: {source.count(chr(10))} lines")
        functions = [
            n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        too_big += [
            f"{name}: {f.name}() has {_body_lines(f)} lines"
            for f in functions
            if _body_lines(f) > MAX_FUNCTION_LINES
        ]
    assert too_big == []


class _ShoutMatcher(Matcher):
    """A kind written for this test: lines written in capitals, of at least ``min_letters``."""

    kind = "shout"
    summary = "lines written in capitals"
    fields = (Field("min_letters", "integer", low=1, high=1000),)

    def candidates(self, reach: Reach) -> Iterator[Candidate]:
        data, pos = reach.data, reach.lo
        while pos < reach.hi:
            end = data.find(b"\n", pos, reach.hi)
            end = reach.hi if end < 0 else end
            line = data[pos:end].decode("utf-8")
            letters = [char for char in line if char.isalpha()]
            if len(letters) >= self.rule.option("min_letters") and all(char.isupper() for char in letters):
                yield Candidate(pos, end, {"letters": str(len(letters))})
            pos = end + 1


def test_a_new_kind_is_one_module_and_a_registry_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(kinds.KINDS, "shout", _ShoutMatcher)
    text = """\
pack: loud
rules:
  - id: capitals
    kind: shout
    min_letters: 6
    examples:
      remove: ["The story.\\n[[BREAKING NEWS]]"]
      keep: ["The story.\\nNATO met."]
"""
    pack, problems = check_pack(text, "loud.yaml")
    assert pack is not None and problems == []
    chain = cleaner.Chain(pack.rules)
    result = chain.clean("BREAKING NEWS\nThe council met on Tuesday.\nNATO said no.\n")
    assert result.clean == "The council met on Tuesday.\nNATO said no.\n"
    assert result.spans[0].captures == {"letters": "12"}
    _, problems = check_pack(text.replace("min_letters: 6", "min_letters: 0"), "loud.yaml")
    assert [problem.message for problem in problems] == ["'min_letters' must be between 1 and 1000, got 0"]
