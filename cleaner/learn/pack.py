"""The learned rules as an ordinary rule pack: YAML a person reads, reviews and edits.

The file opens with a comment saying what it is and how to use it, then one section per
group (a comment with the group and its documents), each rule a ``line`` rule with its
anchored pattern, its scope, its counts in the description and its examples from the
corpus. A rule that reads like article text says ``review:`` in its description and a
comment above it. Before a pack is handed out it goes through the project's own checks:
each rule's examples run through the engine (a ``keep`` example the rule would cut is left
out), and the whole text through the loader, which must find no error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cleaner.learn.select import GroupResult, Proposal, group_slugs, name_rules, slug
from cleaner.rulefiles.files import MAX_RULE_FILE_BYTES
from cleaner.rulefiles.schema import ERROR, Rule, check_pack

REVIEW_NOTE = "review: reads like article text; delete this rule if the articles need it"


class LearnedPackError(RuntimeError):
    """A learned pack the loader refuses: a defect in ``learn``, named with the loader's messages."""


class PackTooLarge(ValueError):
    """A pack over the size a rule file may have; the message says what to do instead."""


@dataclass
class PackFile:
    """One rule file to write: where (None: standard output), its pack name, groups and text."""

    path: Path | None
    name: str
    groups: list[GroupResult]
    text: str = ""


def is_folder_output(output: str | None) -> bool:
    """Whether ``-o`` names a folder (one pack per group): an existing folder, or a path ending
    in ``/``.

    >>> is_folder_output("rules/"), is_folder_output("site.yaml"), is_folder_output(None)
    (True, False, False)
    """
    return output is not None and (output.endswith(("/", os.sep)) or Path(output).is_dir())


def build_packs(
    groups: list[GroupResult], output: str | None, name: str | None, source: str
) -> list[PackFile]:
    """The rule files for ``groups``: one pack to ``output`` (or standard output) holding every
    group, its rule ids prefixed by the group's name when there are several; or, when
    ``output`` is a folder, one pack per group that has rules, named after the group. Each is
    checked by the loader before it is returned.

    >>> from cleaner.learn.collect import Stats
    >>> from cleaner.learn.select import Thresholds, select_group
    >>> seen = Stats("raw", "Share this", False, docs=9, chars=90, head=1, tail=12)
    >>> group = select_group("raw", 10, {b"1": seen}, None, Thresholds())
    >>> [pack] = build_packs([group], "site.yaml", None, "raw/")
    >>> pack.name, str(pack.path)
    ('site', 'site.yaml')
    >>> print("\\n".join(pack.text.splitlines()[-8:]))
      - id: share-this
        description: 'in 9 of 10 documents (90.0 %), 90 characters'
        kind: line
        scope: head
        scope_lines: 1
        pattern: '^Share this\\r?$'
        examples:
          remove: ['Share this']
    """
    if is_folder_output(output):
        assert output is not None
        slugs = group_slugs(group.label for group in groups if group.proposed)
        folder = Path(output)
        files = [
            PackFile(folder / f"{slugs[group.label]}.yaml", slugs[group.label], [group])
            for group in groups
            if group.proposed
        ]
        for pack in files:
            name_rules(pack.groups)
    else:
        path = Path(output) if output is not None else None
        pack_name = name or (slug(path.name.split(".")[0]) if path is not None else "") or "learned"
        prefix = group_slugs(group.label for group in groups) if len(groups) > 1 else None
        name_rules(groups, prefix=prefix)
        files = [PackFile(path, pack_name, groups)]
    settle_examples(groups)
    for pack in files:
        pack.text = render_pack(pack.name, pack.groups, source=source)
        size = len(pack.text.encode("utf-8"))
        if size > MAX_RULE_FILE_BYTES:
            raise PackTooLarge(
                f"the learned pack would be {size / 1e6:.1f} MB, over the {MAX_RULE_FILE_BYTES / 1e6:.0f} MB "
                "a rule file may have: write one pack per group with -o FOLDER/, or lower --max-rules"
            )
        check_learned(pack.text, str(pack.path or "<stdout>"))
    return files


def quote(text: str) -> str:
    """A YAML single-quoted scalar (``text`` holds only characters YAML can print).

    >>> quote("It's 5 o'clock: time")
    "'It''s 5 o''clock: time'"
    """
    return "'" + text.replace("'", "''") + "'"


def render_pack(name: str, groups: list[GroupResult], *, source: str) -> str:
    """The pack ``name`` holding the proposals of ``groups``; ``source`` says what it was learned from.

    >>> print(render_pack("empty", [], source="raw/").splitlines()[-1])
    rules: []
    """
    docs = sum(group.docs for group in groups)
    rules = sum(len(group.proposed) for group in groups)
    review = sum(proposal.review for group in groups for proposal in group.proposed)
    lines = [
        f"# Learned by `cleaner learn` from {source}: {docs:,} documents in {_groups(len(groups))}.",
        "# Each rule removes a whole line, or a line template (<N>: digits; <MONTH>: a month or day",
        "# name), that recurs across the documents of its group. Read them, delete any rule that",
        "# would remove article text, then: cleaner clean INPUT --rules THIS-FILE",
    ]
    if review:
        lines.append(f"# {review} of the {rules} rules read like article text: see the 'review:' notes.")
    lines += [
        f"pack: {name}",
        f"description: {quote(_description(groups))}",
        "rules:" if rules else "rules: []",
    ]
    for group in groups:
        count = len(group.proposed)
        rules_text = f"{count} rule{'s' * (count != 1)}" if count else "no rules"
        lines += ["", f"  # {_one_line(group.label)}: {group.docs:,} documents, {rules_text}"]
        for proposal in group.proposed:
            lines += _rule_lines(proposal)
    return "\n".join(lines) + "\n"


def _groups(count: int) -> str:
    return "1 group" if count == 1 else f"{count:,} groups"


def _description(groups: list[GroupResult]) -> str:
    labels = [_one_line(group.label) for group in groups if group.proposed]
    shown = ", ".join(labels[:5]) + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")
    return f"Lines that recur across the documents of {shown or 'no group'} (learned)"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:120]


def _rule_lines(proposal: Proposal) -> list[str]:
    stats = proposal.stats
    summary = (
        f"in {stats.docs:,} of {proposal.group_docs:,} documents ({proposal.share * 100:.1f} %), "
        f"{stats.chars:,} characters"
    )
    lines = []
    if proposal.review:
        lines.append(f"  # {REVIEW_NOTE}")
        summary = f"review: reads like article text; {summary}"
    lines += [
        f"  - id: {proposal.rule_id}",
        f"    description: {quote(summary)}",
        "    kind: line",
    ]
    scope, scope_lines = proposal.scope
    if scope != "anywhere":
        lines += [f"    scope: {scope}", f"    scope_lines: {scope_lines}"]
    lines += [
        f"    pattern: {quote(proposal.pattern)}",
        "    examples:",
        f"      remove: [{', '.join(quote(text) for text in proposal.removes)}]",
    ]
    if proposal.keep is not None:
        lines.append(f"      keep: [{quote(proposal.keep)}]")
    return lines


def settle_examples(groups: list[GroupResult]) -> None:
    """Run each proposal's examples through the engine as ``rules test`` does; a ``keep`` example
    the rule would cut is dropped (the rule stays: it is a line of the article text, not one
    the rule is meant for)."""
    from cleaner.rulefiles.examples import check_examples

    for group in groups:
        for proposal in group.proposed:
            if proposal.keep is None:
                continue
            _, failures = check_examples(_as_rule(proposal))
            if failures:
                _, without_keep = check_examples(_as_rule(proposal, keep=False))
                if len(without_keep) < len(failures):
                    proposal.keep = None


def _as_rule(proposal: Proposal, *, keep: bool = True) -> Rule:
    scope, scope_lines = proposal.scope
    return Rule(
        pack="learned",
        id=proposal.rule_id or "rule",
        kind="line",
        pattern=proposal.pattern,
        scope=scope,
        scope_lines=scope_lines or 3,
        examples_remove=tuple(proposal.removes),
        examples_keep=(proposal.keep,) if keep and proposal.keep is not None else (),
    )


def check_learned(text: str, path: str) -> None:
    """Load the pack as ``rules check`` would; :class:`LearnedPackError` with the loader's
    messages if it finds an error (warnings are fine)."""
    _, problems = check_pack(text, path)
    errors = [str(problem) for problem in problems if problem.severity == ERROR]
    if errors:
        raise LearnedPackError("the learned pack does not load: " + "; ".join(errors[:3]))
