"""The built-in rule packs: found where the package looks for them, and every example holds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import cleaner
from cleaner.core.engine import Chain, clean_text
from cleaner.core.rule import Rule
from cleaner.rulefiles.chain import load_pack, load_rules
from cleaner.rulefiles.examples import check_examples
from cleaner.rulefiles.files import builtin_rule_files

REPO = Path(__file__).resolve().parents[1]
BUILTIN_RULES = load_rules()


def test_builtin_rule_files_are_the_repositorys_rule_packs() -> None:
    files = builtin_rule_files()
    assert files, "no built-in rule files found"
    assert [path.name for path in files] == sorted(path.name for path in (REPO / "rules").glob("*.yaml"))
    for path in files:
        assert path.read_bytes() == (REPO / "rules" / path.name).read_bytes()


def test_every_builtin_pack_is_named_after_its_file() -> None:
    for path in builtin_rule_files():
        pack = load_pack(path)
        assert pack.name == path.stem
        assert pack.description, f"{path.name} says what its pack targets"


@pytest.mark.parametrize("rule", BUILTIN_RULES, ids=lambda rule: rule.qualified_id)
def test_builtin_rule_has_examples_that_hold(rule: Rule) -> None:
    assert rule.description, "every built-in rule says what it removes"
    assert rule.examples_remove, "every built-in rule needs examples.remove"
    assert rule.examples_keep, "every built-in rule needs examples.keep"
    # The same check as 'cleaner rules test': each example against its own rule, [[marks]] honoured.
    count, failures = check_examples(rule)
    assert count == len(rule.examples_remove) + len(rule.examples_keep)
    assert failures == [], "\n".join(line for failure in failures for line in failure.lines())


def test_builtin_keep_examples_survive_the_whole_builtin_chain() -> None:
    # `rules test` judges each example by its own rule; a keep example is article text, so the
    # whole default chain must leave it alone too (this catches rules that reach too far).
    chain = Chain(BUILTIN_RULES)
    for rule in BUILTIN_RULES:
        for example in rule.examples_keep:
            assert clean_text(example, chain).clean == example, f"{rule.qualified_id}: {example!r}"


def test_every_public_name_is_in_the_api_reference() -> None:
    reference = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [name for name in cleaner.__all__ if f"`{name}" not in reference]
    assert missing == []


def test_install_hints_name_pip_or_pipx_by_the_installation(tmp_path: Path, monkeypatch) -> None:
    from cleaner.version import install_hint

    assert install_hint("parquet") == "pip install 'boilerplate-cleaner[parquet]'"
    (tmp_path / "pipx_metadata.json").write_text("{}", encoding="utf-8")  # what pipx leaves in its venvs
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    # pipx inject adds the extra's own packages, wherever cleaner itself was installed from
    assert install_hint("dask") == "pipx inject boilerplate-cleaner 'dask[distributed]>=2024.1'"
    assert install_hint("parquet") == "pipx inject boilerplate-cleaner 'pyarrow>=14'"
