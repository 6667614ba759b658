"""The cache of validated rule files gives exactly what validating them gives, and never more."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Chain
from cleaner.core import openings, prefilter
from cleaner.core.kinds import kind_of
from cleaner.core.rule import RuleFileError
from cleaner.rulefiles import cache as packcache
from cleaner.rulefiles.cache import CACHE_ENV, check_file_cached
from cleaner.rulefiles.chain import load_packs
from cleaner.rulefiles.files import builtin_rule_files
from cleaner.rulefiles.schema import check_file

REPO = Path(__file__).resolve().parents[1]

RULE_FILE = """\
pack: site
rules:
  - id: more
    kind: line
    pattern: '^[ \\t]*More from [\\p{Lu}][^\\n]{0,40}$'
    examples:
      remove: ["More from Example News"]
      keep: ["More from the council later."]
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "rules").glob("*.json")) if (cache / "rules").is_dir() else []


@pytest.mark.parametrize("path", builtin_rule_files(), ids=lambda path: path.stem)
def test_a_cached_pack_equals_the_validated_one_field_for_field(cache: Path, path: Path) -> None:
    validated, _ = check_file(path)
    first, _ = check_file_cached(path)
    second, problems = check_file_cached(path)
    assert len(_entries(cache)) == 1
    assert problems == []
    assert validated is not None and first is not None and second is not None
    assert second == first == validated
    # Rules as tuples: also the fields equality leaves out (where each example is written).
    assert [tuple(rule) for rule in second.rules] == [tuple(rule) for rule in validated.rules]
    assert [tuple(rule) for rule in first.rules] == [tuple(rule) for rule in validated.rules]


def test_the_same_text_at_another_path_names_that_path(cache: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(RULE_FILE, encoding="utf-8")
    two.write_text(RULE_FILE, encoding="utf-8")
    check_file_cached(one)
    pack, _ = check_file_cached(two)
    assert len(_entries(cache)) == 1
    assert pack is not None and pack.source == str(two)
    assert {rule.source for rule in pack.rules} == {str(two)}


def test_an_edited_file_is_validated_again(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(RULE_FILE, encoding="utf-8")
    assert load_packs([path])[0].rules[0].option("pattern").startswith("^")
    path.write_text(RULE_FILE.replace("{0,40}", "{0,40}(?=x)"), encoding="utf-8")
    with pytest.raises(RuleFileError, match="look-arounds") as raised:
        load_packs([path])
    assert (raised.value.path, raised.value.line) == (str(path), 5)


def test_a_damaged_entry_is_ignored_and_replaced(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(RULE_FILE, encoding="utf-8")
    expected, _ = check_file(path)
    check_file_cached(path)
    [entry] = _entries(cache)
    for damage in (b"{not json", b'{"format": 1, "pack": {"rules": 3}}', b""):
        entry.write_bytes(damage)
        pack, _ = check_file_cached(path)
        assert pack == expected
        assert b'\n{"format"' in entry.read_bytes()


def test_an_edited_entry_is_not_trusted_even_with_its_old_signature(cache: Path, tmp_path: Path) -> None:
    """Someone who can write the cache cannot choose the rules: an entry whose pattern was
    edited keeps its signature line, and is checked again from the rule file."""
    path = tmp_path / "site.yaml"
    path.write_text(RULE_FILE, encoding="utf-8")
    expected, _ = check_file(path)
    check_file_cached(path)
    [entry] = _entries(cache)
    signature, body = entry.read_bytes().split(b"\n", 1)
    assert b"More from [" in body
    entry.write_bytes(signature + b"\n" + body.replace(b"More from [", b"Kept ["))

    pack, _ = check_file_cached(path)

    assert pack == expected
    assert entry.read_bytes() == signature + b"\n" + body  # rewritten as validated


def test_an_entry_copied_to_another_files_name_is_not_trusted(cache: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(RULE_FILE, encoding="utf-8")
    second.write_text(RULE_FILE.replace("pack: site", "pack: other"), encoding="utf-8")
    check_file_cached(first)
    check_file_cached(second)
    [a_entry, b_entry] = _entries(cache)
    a_entry.write_bytes(b_entry.read_bytes())

    for path in (first, second):
        assert check_file_cached(path)[0] == check_file(path)[0]


def test_a_key_others_can_read_turns_the_cache_off(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(RULE_FILE, encoding="utf-8")
    check_file_cached(path)
    (cache / "key").chmod(0o644)
    [entry] = _entries(cache)
    entry.unlink()

    assert check_file_cached(path)[0] == check_file(path)[0]
    assert _entries(cache) == []


def test_errors_are_not_cached(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(RULE_FILE.replace("kind: line", "kind: lines"), encoding="utf-8")
    for _ in range(2):
        pack, problems = check_file_cached(path)
        assert pack is None and "kind" in problems[0].message
    assert _entries(cache) == []


def test_an_empty_setting_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert load_packs(builtin_rule_files()[:1])
    assert list(tmp_path.rglob("*.json")) == []


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="the XDG rules apply to Linux and the BSDs")
@pytest.mark.parametrize("xdg", [None, "", "relative/cache", "/srv/cache"])
def test_the_default_folder_is_where_platformdirs_puts_it(
    xdg: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    platformdirs = pytest.importorskip("platformdirs")
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    expected = platformdirs.user_cache_path("cleaner", appauthor=False)
    assert packcache.cache_dir() == expected
    assert expected.parent == (Path(xdg) if xdg and xdg.startswith("/") else tmp_path / "home" / ".cache")


def test_a_cache_that_cannot_be_written_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv(CACHE_ENV, str(blocked))
    packs = load_packs(builtin_rule_files())
    assert [pack.name for pack in packs] == [path.stem for path in builtin_rule_files()]


def test_without_the_validating_code_to_hash_nothing_is_cached(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packcache, "_salt", None)
    monkeypatch.setattr(packcache, "_VALIDATING_CODE", ("core", "not-installed"))
    packs = load_packs(builtin_rule_files())
    assert [pack.name for pack in packs] == [path.stem for path in builtin_rule_files()]
    assert _entries(cache) == []


def test_a_cached_chain_starts_without_analysing_patterns(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_packs(builtin_rule_files())  # fills the cache
    monkeypatch.setattr(prefilter, "_line_locality", {})
    monkeypatch.setattr(prefilter, "_set_entries", {})
    monkeypatch.setattr(openings, "_openings", {})
    packs = load_packs(builtin_rule_files())  # from the cache, with the stored answers

    def refuse(pattern: str, **_: object) -> bool:
        raise AssertionError(f"analysed {pattern!r} again")

    monkeypatch.setattr(prefilter, "_analyse_line_locality", refuse)
    monkeypatch.setattr(prefilter, "relax", refuse)  # set entries are relaxed patterns
    monkeypatch.setattr(openings, "line_opening_of", refuse)
    chain = Chain([rule for pack in packs for rule in pack.rules if rule.enabled], checked=True)
    assert chain.clean("open image in gallery A pier ( AP )\n\nThe pier.\n").clean == "The pier.\n"


def test_the_stored_answers_are_those_worked_out_afresh(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_packs(builtin_rule_files())  # fills the cache
    for memo in ("_line_locality", "_set_entries"):
        monkeypatch.setattr(prefilter, memo, {})
    monkeypatch.setattr(openings, "_openings", {})
    packs = load_packs(builtin_rule_files())
    triggers = [kind_of(rule).trigger_of(rule) for pack in packs for rule in pack.rules]
    stored = [(prefilter._set_entries[t], openings._openings[t]) for t in triggers]
    monkeypatch.setattr(prefilter, "_set_entries", {})
    monkeypatch.setattr(openings, "_openings", {})
    assert stored == [(prefilter.set_entry(t), openings.line_opening(t)) for t in triggers]
    assert sum(opening is not None and opening.rest is not None for _, opening in stored) > 5


def test_a_warm_start_reads_no_yaml(tmp_path: Path) -> None:
    """Through real processes: the first run fills the cache, the second needs no YAML parser."""
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache")}
    probe = "import sys, cleaner; cleaner.load_chain(); print('yaml' in sys.modules)"
    runs = [
        subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [run.stdout.strip() for run in runs] == ["True", "False"], [run.stderr for run in runs]
