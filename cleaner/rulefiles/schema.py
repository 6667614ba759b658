"""The schema of rule files: a pack, its rules (the fields every rule has, plus its kind's own),
their examples and the pack's whole-document cases.

Validation collects every problem it can find in a file, each a :class:`Problem` located at
``path:line:col``: *errors* make the file unusable (loading raises a :class:`RuleFileError`
that carries all of them), *warnings* (a rule without examples) do not. The CLI prints one
line per problem and never a traceback. ``cleaner rules check`` and ``cleaner clean`` run the
same validation, so they give the same messages. A kind's own fields are declared by the kind
(:attr:`cleaner.core.kinds.base.Matcher.fields`) and checked here by their declared types.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cleaner.core.kinds import KINDS, Matcher
from cleaner.core.rule import (
    ERROR,
    MARK_CLOSE,
    MARK_OPEN,
    SCOPES,
    Case,
    Pack,
    PageFact,
    Problem,
    Rule,
    RuleFileError,
    split_marked,
)
from cleaner.core.signals import HTML_ROLES
from cleaner.rulefiles.checker import Checker
from cleaner.rulefiles.files import MAX_RULE_FILE_BYTES, read_rule_file
from cleaner.rulefiles.located import Located, compose, located, type_name
from cleaner.rulefiles.parts import Parts, UnknownPart, parse_parts, warn_unused

MAX_SCOPE_LINES = 1000
PACK_KEYS = ("pack", "description", "parts", "rules", "cases")
#: The keys every rule may have, whatever its kind.
COMMON_RULE_KEYS = (
    "id",
    "kind",
    "description",
    "ignore_case",
    "scope",
    "scope_lines",
    "examples",
    "enabled",
    "guard",
)
EXAMPLE_KEYS = ("remove", "keep", "html")
# What examples.html may say of a line: what an HTML page made of it (see HtmlLine).
HTML_FACT_KEYS = ("role", "link_share")
CASE_KEYS = ("name", "input", "expected")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def rule_keys() -> tuple[str, ...]:
    """Every key a rule may have: the common ones, then each kind's fields (for did-you-mean)."""
    kind_keys = dict.fromkeys(spec.name for kind in KINDS.values() for spec in kind.fields)
    return COMMON_RULE_KEYS + tuple(key for key in kind_keys if key not in COMMON_RULE_KEYS)


def _kinds_using(key: str) -> str:
    return ", ".join(name for name, kind in KINDS.items() if any(spec.name == key for spec in kind.fields))


def _parse_examples(check: Checker, at: Located) -> dict[str, Any]:
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
    if "html" in examples and (facts := _parse_html_facts(check, examples["html"])) is not None:
        values["examples_html"] = facts
    return values


def _parse_html_facts(check: Checker, at: Located) -> tuple[PageFact, ...] | None:
    """``examples.html``: for some lines of the examples (by their text), what the page made of
    them: ``role`` (paragraph when not given) and ``link_share`` (0 when not given). The
    examples are then cleaned as text extracted from such a page."""
    if not isinstance(at.value, dict):
        check.error(at, f"examples.html must be a mapping of lines to their facts, got {type_name(at.value)}")
        return None
    facts = []
    for line, (line_at, value_at) in at.value.items():
        if not isinstance(line, str) or not line.strip():
            check.error(line_at, "examples.html: each key must be the text of a line of the examples")
            continue
        fields = check.mapping(value_at, f"examples.html['{line}']", HTML_FACT_KEYS)
        if fields is None:
            continue
        role = check.get(fields, "role", check.choice, HTML_ROLES) or "paragraph"
        link_share = check.get(fields, "link_share", check.number, 0, 1)
        facts.append((line.strip(), role, link_share or 0.0))
    return tuple(facts)


def _parse_rule(
    check: Checker, pack: str, at: Located, seen_ids: dict[str, int], parts: Parts
) -> Rule | None:
    """One rule, or None when it has errors (all of them recorded)."""
    errors_before = check.error_count
    fields = check.mapping(at, "rule", rule_keys())
    if fields is None:
        return None
    rule_id = _rule_id(check, at, fields, seen_ids)
    what = f"rule '{rule_id}'" if rule_id else "rule"
    kind_name = check.require(at, what, fields, "kind", check.choice, tuple(KINDS))
    kind = KINDS.get(kind_name) if kind_name is not None else None
    options = _kind_options(check, at, fields, kind, what) if kind is not None else {}
    expanded = _expand_parts(check, fields, options, kind, parts) if kind is not None else True
    values = _common_values(check, fields)
    failed = check.error_count > errors_before or not expanded
    if failed or rule_id is None or kind_name is None:  # None: an error
        return None
    rule = Rule(
        pack,
        rule_id,
        kind_name,
        options=options,
        source=check.path,
        source_line=at.line,
        **{key: value for key, value in values.items() if value is not None},
    )
    if not _check_patterns(check, rule, fields):
        return None
    _warn_without_examples(check, at, rule, what)
    return rule


def _rule_id(check: Checker, at: Located, fields: dict[str, Located], seen_ids: dict[str, int]) -> str | None:
    rule_id = check.require(at, "rule", fields, "id", check.string)
    if rule_id is None:
        return None
    if not _ID_RE.match(rule_id):
        check.error(fields["id"], f"id '{rule_id}' must use lowercase letters, digits, - or _")
    elif rule_id in seen_ids:
        check.error(fields["id"], f"duplicate id '{rule_id}' (first defined on line {seen_ids[rule_id]})")
    else:
        seen_ids[rule_id] = fields["id"].line
    return rule_id


def _kind_options(
    check: Checker, at: Located, fields: dict[str, Located], kind: type[Matcher], what: str
) -> dict[str, Any]:
    """The kind's own fields, checked by their declared types; another kind's field is an error."""
    own = {spec.name: spec for spec in kind.fields}
    options: dict[str, Any] = {}
    for spec in kind.fields:
        if spec.required:
            value = check.require(at, f"{kind.kind} {what}", fields, spec.name, check.field_value, spec)
        else:
            value = check.get(fields, spec.name, check.field_value, spec)
        if value is not None:
            options[spec.name] = value
    for key, value_at in fields.items():
        if key not in own and key not in COMMON_RULE_KEYS:
            check.error(value_at, f"'{key}' is only used by {_kinds_using(key)} rules")
    return options


def _expand_parts(
    check: Checker, fields: dict[str, Located], options: dict[str, Any], kind: type[Matcher], parts: Parts
) -> bool:
    """Replace the ``(?&name)`` calls of the rule's patterns by the rule file's parts; False
    when one cannot be (recorded, unless the part has errors of its own, already recorded).
    Only pattern fields call parts: a phrase's text is literal, "(?&" and all."""
    expanded = True
    for key in (spec.name for spec in kind.fields if spec.type == "pattern"):
        value = options.get(key)
        if isinstance(value, str) and "(?&" in value:
            try:
                options[key] = parts.expand(value)
            except UnknownPart as exc:
                expanded = False
                if not exc.refused:
                    check.error(fields[key], str(exc))
    return expanded


def _common_values(check: Checker, fields: dict[str, Located]) -> dict[str, Any]:
    """The fields every rule may have, checked."""
    values: dict[str, Any] = {
        "ignore_case": check.get(fields, "ignore_case", check.boolean),
        "enabled": check.get(fields, "enabled", check.boolean),
        "guard": check.get(fields, "guard", check.boolean),
        "scope": check.get(fields, "scope", check.choice, SCOPES),
    }
    description = check.get(fields, "description", check.string)
    values["description"] = description.strip() if description else None
    if "scope_lines" in fields and (values["scope"] is not None or "scope" not in fields):
        if values["scope"] in (None, "anywhere"):
            check.error(fields["scope_lines"], "'scope_lines' needs scope: head or tail")
        else:
            values["scope_lines"] = check.get(fields, "scope_lines", check.integer, 1, MAX_SCOPE_LINES)
    if "examples" in fields:
        values.update(_parse_examples(check, fields["examples"]))
    return values


def _warn_without_examples(check: Checker, at: Located, rule: Rule, what: str) -> None:
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


def _check_patterns(check: Checker, rule: Rule, fields: dict[str, Located]) -> bool:
    """Compile each pattern with RE2, then refuse rules that would remove (nearly) any text."""
    from cleaner.core.patterns import PatternError, compile_pattern
    from cleaner.rulefiles.lint import breadth_problem, locality_warning

    ok = True
    for key, source in KINDS[rule.kind].patterns(rule).items():
        try:
            compile_pattern(source, ignore_case=rule.ignore_case, field=key)
        except PatternError as exc:
            check.error(fields[key], str(exc))
            ok = False
    if ok and (problem := breadth_problem(rule)) is not None:
        key, message = problem
        check.error(fields[key], message)
        ok = False
    if ok and (warning := locality_warning(rule)) is not None:
        key, message = warning
        check.warn(fields[key], message)
    return ok


def _parse_case(check: Checker, at: Located, number: int) -> Case | None:
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
        node = compose(path, text)
    except RuleFileError as exc:
        return None, exc.problems
    if node is None:
        return None, [Problem(path, 1, 1, "rule file is empty")]
    check = Checker(path)
    root = located(node, check.error)
    top = check.mapping(root, "rule file", PACK_KEYS)
    if top is None:
        return None, check.problems
    name = check.require(root, "rule file", top, "pack", check.string)
    if name is not None and not _ID_RE.match(name):
        check.error(top["pack"], f"pack name '{name}' must use lowercase letters, digits, - or _")
        name = None
    description = check.get(top, "description", check.string) or ""
    parts = parse_parts(check, top["parts"]) if "parts" in top else Parts()
    rules: list[Rule | None] = []
    if "rules" not in top:
        if "rules" not in check.suggested.get(id(root), ()):
            check.error(root, "rule file is missing 'rules'")
    elif not isinstance(top["rules"].value, list) or not top["rules"].value:
        check.error(top["rules"], "'rules' must be a non-empty list of rules")
    else:
        seen_ids: dict[str, int] = {}
        rules = [_parse_rule(check, name or "?", item, seen_ids, parts) for item in top["rules"].value]
        if "parts" in top:
            warn_unused(check, top["parts"], parts)
    cases: list[Case | None] = []
    if "cases" in top:
        if not isinstance(top["cases"].value, list):
            check.error(top["cases"], f"'cases' must be a list, got {type_name(top['cases'].value)}")
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


def check_file(path: Path) -> tuple[Pack | None, list[Problem]]:
    """Read and validate one rule file: the pack (None if it has errors) and every problem.

    >>> from cleaner.rulefiles.files import builtin_rule_files
    >>> pack, problems = check_file(builtin_rule_files()[0])
    >>> pack.name == builtin_rule_files()[0].stem, [p for p in problems if p.severity == ERROR]
    (True, [])
    """
    try:
        text = read_rule_file(path)
    except RuleFileError as exc:
        return None, exc.problems
    return check_pack(text, str(path))
