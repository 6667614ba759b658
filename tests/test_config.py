"""Config discovery (cleaner.toml, [tool.cleaner]) and its precedence under command-line flags."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.commands.app import app
from cleaner.rulefiles.config import (
    ChainSettings,
    ConfigError,
    find_config,
    load_chain_from_settings,
    plan_chain,
    read_config,
    resolve_settings,
)

runner = CliRunner()

SITE_RULES = """pack: site
rules:
  - id: app-prompt
    kind: line
    pattern: '^Gazette tide table: high water \\d\\d:\\d\\d$'
    examples:
      remove: ["Gazette tide table: high water 06:12"]
      keep: ["The tide table, the harbourmaster said, is wrong."]
"""
ARTICLE = (
    "open image in gallery Boats in the harbour ( AP )\n"
    "The ferry will run later from Monday.\n"
    "Gazette tide table: high water 06:12\n"
    "Repairs take eleven weeks.\n"
    "Engineers found cracks in two of the pier's columns during a routine inspection in March.\n"
    "The last sailing of the day will not change, the port authority said on Monday.\n"
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root with a sub-folder to run from."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "site.yaml").write_text(SITE_RULES, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "sub" / "deeper")
    return tmp_path


# --- discovery -----------------------------------------------------------------------------


def test_cleaner_toml_is_found_from_a_subfolder(repo: Path) -> None:
    (repo / "cleaner.toml").write_text('rules = ["rules/site.yaml"]\n', encoding="utf-8")
    assert find_config(Path.cwd()) == repo / "cleaner.toml"
    settings = resolve_settings()
    assert settings.config == repo / "cleaner.toml"
    assert settings.rules == (repo / "rules" / "site.yaml",)  # relative to the config file


def test_pyproject_without_tool_cleaner_is_passed_over(repo: Path) -> None:
    (repo / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.cleaner]\ndisable = ["dates"]\n', encoding="utf-8")
    assert find_config(Path.cwd()) == repo / "pyproject.toml"
    assert resolve_settings().disable == ("dates",)


def test_cleaner_toml_wins_over_pyproject_in_the_same_folder(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.cleaner]\ndisable = ["dates"]\n', encoding="utf-8")
    (repo / "cleaner.toml").write_text('disable = ["captions"]\n', encoding="utf-8")
    assert resolve_settings().disable == ("captions",)


def test_nearest_config_wins(repo: Path) -> None:
    (repo / "cleaner.toml").write_text('disable = ["dates"]\n', encoding="utf-8")
    (repo / "sub" / "cleaner.toml").write_text('disable = ["captions"]\n', encoding="utf-8")
    assert find_config(Path.cwd()) == repo / "sub" / "cleaner.toml"


def test_search_stops_at_the_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cleaner.toml").write_text('disable = ["dates"]\n', encoding="utf-8")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "src").mkdir()
    assert find_config(project / "src") is None
    elsewhere = tmp_path / "elsewhere"  # not in a repository: the walk goes on upward
    elsewhere.mkdir()
    assert find_config(elsewhere) == tmp_path / "cleaner.toml"


def test_search_stops_at_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A config above the home folder (in /home, or / itself) is no one's project config."""
    (tmp_path / "cleaner.toml").write_text('disable = ["dates"]\n', encoding="utf-8")
    home = tmp_path / "home" / "ana"
    (home / "notes").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    assert find_config(home / "notes") is None
    (home / "cleaner.toml").write_text('disable = ["captions"]\n', encoding="utf-8")
    assert find_config(home / "notes") == home / "cleaner.toml"  # the home folder's own is used


def test_search_stops_at_a_file_system_boundary(tmp_path: Path) -> None:
    """A config on the file system a folder is mounted on belongs to another tree of files."""
    (tmp_path / "cleaner.toml").write_text('disable = ["dates"]\n', encoding="utf-8")
    mounted = tmp_path / "mnt"
    mounted.mkdir()
    mount = shutil.which("mount")
    if mount is None or subprocess.run([mount, "-t", "tmpfs", "tmpfs", mounted]).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        (mounted / "notes").mkdir()
        assert find_config(mounted / "notes") is None
        assert find_config(tmp_path) == tmp_path / "cleaner.toml"
    finally:
        subprocess.run(["umount", mounted], check=True)


def test_a_config_others_can_write_is_ignored_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As a world-writable /tmp would let anyone choose the rules of every run below it."""
    (tmp_path / "cleaner.toml").write_text('disable = ["dates"]\n', encoding="utf-8")
    (tmp_path / "cleaner.toml").chmod(0o666)
    (tmp_path / "run").mkdir()

    assert resolve_settings(cwd=tmp_path / "run").config is None

    config = tmp_path / "cleaner.toml"
    said = capsys.readouterr().err
    assert said == f"cleaner: warning: {config}: config file ignored: it is writable by others\n"
    (tmp_path / "cleaner.toml").chmod(0o644)
    assert resolve_settings(cwd=tmp_path / "run").config == tmp_path / "cleaner.toml"


def test_verbose_names_the_config_used(repo: Path) -> None:
    (repo / "cleaner.toml").write_text('disable = ["captions"]\n', encoding="utf-8")
    said = runner.invoke(app, ["clean", "-v"], input=ARTICLE)
    assert said.exit_code == 0
    assert said.stderr == f"cleaner: config: {repo / 'cleaner.toml'}\n"
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", "--verbose", "--no-config"],
        input=ARTICLE, capture_output=True, text=True, timeout=60, cwd=Path.cwd(),
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == "cleaner: config: none (--no-config)\n"


# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('rule = ["x.yaml"]\n', "unknown key 'rule'; did you mean 'rules'?"),
        ('rules = "x.yaml"\n', "'rules' must be a list of strings"),
        ("disable = [1]\n", "'disable' must be a list of strings"),
        ('default_rules = "no"\n', "'default_rules' must be true or false"),
        (
            'packs = ["caption"]\n',
            "'packs': no built-in pack 'caption' (there are: appeals, ",
        ),
        (
            'packs = ["dates"]\ndefault_rules = false\n',
            "'packs' and 'default_rules = false' contradict each other",
        ),
        ("rules = [\n", "invalid TOML: "),
    ],
)
def test_bad_config_is_named_with_the_file(repo: Path, text: str, message: str) -> None:
    path = repo / "cleaner.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        read_config(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_bad_pyproject_table_says_where(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.cleaner]\ndisabel = ["dates"]\n', encoding="utf-8")
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{repo / 'pyproject.toml'}: [tool.cleaner]: unknown key 'disabel'; did you mean 'disable'?\n"
    )


# --- precedence ----------------------------------------------------------------------------


CONFIG = 'rules = ["rules/site.yaml"]\npacks = ["captions", "dates"]\ndisable = ["dates"]\n'


def test_command_line_over_config(repo: Path, tmp_path: Path) -> None:
    (repo / "cleaner.toml").write_text(CONFIG, encoding="utf-8")
    extra = tmp_path / "extra.yaml"
    extra.write_text(SITE_RULES.replace("pack: site", "pack: extra"), encoding="utf-8")
    base = resolve_settings()
    assert base.packs == ("captions", "dates")
    merged = resolve_settings(rules=(extra,), packs=("appeals",), disable=("appeals/support-now-line",))
    assert merged.rules == (repo / "rules" / "site.yaml", extra)  # --rules comes after the config's
    assert merged.packs == ("appeals",)  # --pack replaces
    assert merged.disable == ("dates", "appeals/support-now-line")  # --disable adds
    assert resolve_settings(no_default_rules=True).default_rules is False
    assert resolve_settings(no_config=True) == ChainSettings()


def test_pack_flag_overrides_default_rules_false(repo: Path) -> None:
    (repo / "cleaner.toml").write_text("default_rules = false\n", encoding="utf-8")
    assert plan_chain(resolve_settings()).rules() == []
    rules = plan_chain(resolve_settings(packs=("dates",))).rules()
    assert rules and {rule.pack for rule in rules} == {"dates"}


def test_unknown_pack_gets_a_did_you_mean(repo: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"--pack: no built-in pack 'caption' \(there are: .*\); did you mean 'captions'\?$"
    ):
        resolve_settings(packs=("caption",))


def test_pack_and_no_default_rules_contradict(repo: Path) -> None:
    with pytest.raises(ConfigError, match="contradict"):
        resolve_settings(packs=("dates",), no_default_rules=True)
    result = runner.invoke(app, ["clean", "--pack", "captions", "--pack", "nope"], input="x\n")
    assert result.exit_code == 2
    assert "--pack: no built-in pack 'nope'" in result.stderr


def test_disable_entries_must_name_something(repo: Path) -> None:
    with pytest.raises(
        ConfigError, match="cannot disable 'captions/galery-caption': no such rule; did you mean"
    ):
        plan_chain(ChainSettings(disable=("captions/galery-caption",)))
    with pytest.raises(ConfigError, match="cannot disable 'caption': no such pack; did you mean 'captions'"):
        plan_chain(ChainSettings(disable=("caption",)))
    # A rule of a built-in pack that is not selected is off anyway: accepted as is.
    plan = plan_chain(ChainSettings(packs=("dates",), disable=("captions/whatever",)))
    assert plan.rules() and {rule.pack for rule in plan.rules()} == {"dates"}


def test_user_rule_overrides_builtin_in_place(repo: Path) -> None:
    override = SITE_RULES.replace("pack: site", "pack: captions").replace(
        "id: app-prompt", "id: gallery-caption"
    )
    (repo / "rules" / "override.yaml").write_text(override, encoding="utf-8")
    plan = plan_chain(ChainSettings(rules=(repo / "rules" / "override.yaml",)))
    ids = [rule.qualified_id for rule in plan.rules()]
    assert ids.index("captions/gallery-caption") == ids.index("captions/gallery-caption-inline") - 1
    replaced = next(rule for rule in plan.rules() if rule.qualified_id == "captions/gallery-caption")
    assert replaced.option("pattern") == "^Gazette tide table: high water \\d\\d:\\d\\d$"


def test_missing_rule_file_from_config(repo: Path) -> None:
    (repo / "cleaner.toml").write_text('rules = ["rules/nope.yaml"]\n', encoding="utf-8")
    result = runner.invoke(app, ["clean"], input="x\n")
    assert result.exit_code == 2
    missing = repo / "rules" / "nope.yaml"
    assert (
        result.stderr == f"cleaner: error: {missing}:1:1: cannot read rule file: No such file or directory\n"
    )


# --- clean uses the same settings ----------------------------------------------------------


def test_clean_applies_config_and_flags(repo: Path) -> None:
    (repo / "cleaner.toml").write_text(
        'rules = ["rules/site.yaml"]\ndisable = ["captions"]\n', encoding="utf-8"
    )
    configured = runner.invoke(app, ["clean"], input=ARTICLE)
    assert configured.exit_code == 0, configured.output
    assert configured.stdout == ARTICLE.replace("Gazette tide table: high water 06:12\n", "")
    ignored = runner.invoke(app, ["clean", "--no-config"], input=ARTICLE)
    assert ignored.stdout == ARTICLE.split("\n", 1)[1]
    both = runner.invoke(app, ["clean", "--disable", "site"], input=ARTICLE)
    assert both.stdout == ARTICLE


def test_clean_with_config_in_a_real_process(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.cleaner]\nrules = ["rules"]\npacks = ["dates"]\n', encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean"],
        input=ARTICLE,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path.cwd(),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ARTICLE.replace("Gazette tide table: high water 06:12\n", "")


def test_load_chain_from_settings_matches_the_plan(repo: Path) -> None:
    settings = ChainSettings(rules=(repo / "rules",), disable=("appeals",))
    assert load_chain_from_settings(settings).rules == plan_chain(settings).rules()


def test_explain_uses_the_same_chain_options(repo: Path) -> None:
    (repo / "cleaner.toml").write_text('rules = ["rules/site.yaml"]\n', encoding="utf-8")
    configured = runner.invoke(app, ["explain", "--no-color"], input=ARTICLE)
    assert configured.exit_code == 0, configured.output
    assert "site/app-prompt" in configured.stdout
    disabled = runner.invoke(app, ["explain", "--no-color", "--disable", "site"], input=ARTICLE)
    assert disabled.exit_code == 0
    assert "site/app-prompt" not in disabled.stdout
    assert "captions/gallery-caption" in disabled.stdout
