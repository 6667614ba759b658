"""``cleaner learn`` on generated sites: the loop learn -> rules check/test -> clean, the
inputs and groupings, determinism, and the command line (CliRunner and a real process)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sites
import yaml
from typer.testing import CliRunner

from cleaner.commands.app import app
from cleaner.rulefiles.schema import ERROR, check_pack

PER_SITE = 40
runner = CliRunner()


def cli(*args: str | Path, stdin: bytes | None = None):
    return runner.invoke(app, [str(arg) for arg in args], input=stdin)


def run(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "cleaner", *map(str, args)]
    return subprocess.run(command, input=stdin, capture_output=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[sites.Page]]:
    root = tmp_path_factory.mktemp("sites") / "raw"
    return root, sites.write_tree(root, PER_SITE)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[sites.Page]]:
    path = tmp_path_factory.mktemp("corpus") / "crawl.jsonl"
    return path, sites.write_jsonl(path, PER_SITE)


def assert_loop_holds(pages: list[sites.Page], cleaned: list[str]) -> None:
    furniture, removed, article, lost = sites.tally(pages, cleaned)
    assert removed >= 0.99 * furniture, f"{removed} of {furniture} furniture lines removed"
    assert lost == 0, f"{lost} of {article} article lines lost"


def test_learn_then_clean_a_tree_removes_the_furniture_and_keeps_every_article_line(tree, tmp_path) -> None:
    root, pages = tree
    pack = tmp_path / "site.yaml"
    learned = cli("learn", root, "-o", pack, "--jobs", "1")
    assert learned.exit_code == 0, learned.output
    assert "learn: 160 documents" in learned.stderr
    checked = cli("rules", "check", pack)
    assert checked.exit_code == 0 and "0 errors" in checked.stderr, checked.output
    tested = cli("rules", "test", pack)
    assert tested.exit_code == 0 and " 0 failed" in tested.stdout, tested.output
    out = tmp_path / "clean"
    cleaned = cli("clean", root, "-o", out, "--no-default-rules", "--rules", pack, "--jobs", "1", "-q")
    assert cleaned.exit_code == 0, cleaned.output
    texts = [(out / page.site.slug / f"{n % PER_SITE:04d}.txt").read_text() for n, page in enumerate(pages)]
    assert_loop_holds(pages, texts)


def test_the_pack_has_one_section_per_site_with_anchored_unique_rules(tree, tmp_path) -> None:
    root, _ = tree
    text = cli("learn", root, "--jobs", "1", "-q").stdout
    pack, problems = check_pack(text, "learned.yaml")
    assert pack is not None and not [p for p in problems if p.severity == ERROR]
    assert pack.name == "learned"
    ids = [rule.id for rule in pack.rules]
    assert len(ids) == len(set(ids))
    for site in sites.SITES:
        assert f"  # {root.as_posix()}/{site.slug}: {PER_SITE} documents" in text
        assert any(rule_id.startswith(site.slug + "-") for rule_id in ids)
    for rule in pack.rules:
        pattern = rule.option("pattern")
        assert rule.kind == "line" and pattern.startswith("^") and pattern.endswith("\\r?$")
        assert rule.examples_remove and rule.examples_keep
    by_id = {rule.id: rule for rule in pack.rules}
    # A header with a date that varies is one template, in the head; a copyright line in the tail.
    updated = by_id["harbour-gazette-updated"]
    assert updated.option("pattern") == r"^Updated \d+ \p{L}{2,12} \d+, \d+:\d+\r?$"
    assert updated.scope == "head"
    german = by_id["abendzeitung-aktualisiert-am-um-uhr"]
    assert german.option("pattern") == r"^Aktualisiert am \d+\. \p{L}{2,12} \d+ um \d+:\d+ Uhr\r?$"
    copyright_line = by_id["harbour-gazette-harbour-gazette-ltd-all-rights-reserved"]
    assert copyright_line.scope == "tail" and copyright_line.scope_lines <= 3
    # A mask that never varies is written out: every reading time is in "min".
    listen = by_id["harbour-gazette-listen-to-this-article-min"]
    assert listen.option("pattern") == r"^Listen to this article · \d+ min\r?$"
    # Most useful first: within a site, the characters each rule removes never grow.
    documents = yaml.safe_load(text)["rules"]
    harbour = [rule for rule in documents if rule["id"].startswith("harbour-gazette-")]
    chars = [int(rule["description"].split(", ")[-1].split()[0].replace(",", "")) for rule in harbour]
    assert chars == sorted(chars, reverse=True)


def test_prose_furniture_is_proposed_for_review_and_says_so(tree) -> None:
    root, _ = tree
    text = cli("learn", root, "--jobs", "1", "-q").stdout
    rules = {rule["id"]: rule for rule in yaml.safe_load(text)["rules"]}
    blurb = rules["metro-daily-post-the-metro-daily-post-is-an"]
    assert blurb["description"].startswith("review: reads like article text")
    assert "# review: reads like article text" in text
    assert not rules["harbour-gazette-the-harbour-gazette"]["description"].startswith("review")


def test_learn_then_clean_a_corpus_grouped_by_host(corpus, tmp_path) -> None:
    path, pages = corpus
    pack = tmp_path / "hosts.yaml"
    learned = cli("learn", path, "--group-by", "host", "-o", pack, "--jobs", "1")
    assert learned.exit_code == 0, learned.output
    text = pack.read_text()
    assert "# harbourgazette.example: 40 documents" in text  # www. dropped
    out = tmp_path / "clean.jsonl"
    cleaned = cli("clean", path, "-o", out, "--no-default-rules", "--rules", pack, "--jobs", "1", "-q")
    assert cleaned.exit_code == 0, cleaned.output
    texts = [json.loads(line)["text"] for line in out.read_text().splitlines()]
    assert_loop_holds(pages, texts)


def test_a_corpus_grouped_by_a_field_into_one_pack_per_group(corpus, tmp_path) -> None:
    path, _ = corpus
    gz = tmp_path / "crawl.jsonl.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    folder = f"{tmp_path / 'rules'}/"  # a trailing slash: one pack per group
    learned = cli("learn", gz, "--group-by", "field:domain", "-o", folder, "--jobs", "1", "-q")
    assert learned.exit_code == 0, learned.output
    files = sorted(p.name for p in (tmp_path / "rules").iterdir())
    assert files == [
        "valleycourier-example.yaml",
        "www-abendzeitung-example.yaml",
        "www-harbourgazette-example.yaml",
        "www-metrodailypost-example.yaml",
    ]
    one = (tmp_path / "rules" / "valleycourier-example.yaml").read_text()
    assert "pack: valleycourier-example" in one
    assert "\n  - id: copyright-valley-courier-media-all-right" in one  # no group prefix
    checked = cli("rules", "check", tmp_path / "rules")
    assert checked.exit_code == 0 and "0 errors" in checked.stderr


def test_without_grouping_a_corpus_is_one_group_and_learns_little(corpus) -> None:
    path, _ = corpus
    text = cli("learn", path, "--jobs", "1", "-q").stdout
    # Four sites in one group of 160: each header is in at most a quarter of the documents.
    assert text.count("\n  - id: ") >= 10
    assert "\n  # " + path.parent.as_posix() + ": 160 documents" in text


@pytest.mark.slow
def test_output_is_the_same_for_any_number_of_jobs(corpus, tmp_path) -> None:
    path, _ = corpus
    outputs = []
    for jobs in ("1", "2"):
        pack, report = tmp_path / f"j{jobs}" / "site.yaml", tmp_path / f"j{jobs}.jsonl"
        done = run("learn", path, "--group-by", "host", "-o", pack, "--report", report, "--jobs", jobs)
        assert done.returncode == 0, done.stderr
        outputs.append((pack.read_bytes(), report.read_bytes()))
    assert outputs[0] == outputs[1]


def test_standard_input_is_read_as_jsonl_when_the_field_is_given(corpus) -> None:
    path, _ = corpus
    done = run("learn", "--field", "text", "--group-by", "host", "--name", "piped", stdin=path.read_bytes())
    assert done.returncode == 0, done.stderr
    pack, _ = check_pack(done.stdout.decode(), "<stdout>")
    assert pack is not None and pack.name == "piped" and len(pack.rules) >= 20
    assert b"learn: 160 documents" in done.stderr


def test_explain_and_report_show_where_each_rule_occurs(tree, tmp_path) -> None:
    root, _ = tree
    report = tmp_path / "learned.jsonl"
    pack = tmp_path / "site.yaml"
    done = cli("learn", root, "-o", pack, "--explain", "--report", report, "--jobs", "1", "-q")
    assert done.exit_code == 0, done.output
    first = f"{root.as_posix()}/harbour-gazette/0000.txt"
    assert "  site/harbour-gazette-the-harbour-gazette  40 documents (100.0 %)" in done.stdout
    assert f"    {first}  line 1 (non-blank line 1 of " in done.stdout
    records = [json.loads(line) for line in report.read_text().splitlines()]
    masthead = next(r for r in records if r.get("rule") == "site/harbour-gazette-the-harbour-gazette")
    assert masthead["documents"] == masthead["group_documents"] == 40
    assert masthead["scope"] == "head" and masthead["samples"][0] == {
        "source": first,
        "line": 1,
        "position": 1,
        "lines": masthead["samples"][0]["lines"],
    }
    assert {r["status"] for r in records} <= {"proposed", "held back"}


def test_unreadable_inputs_are_named_and_the_rest_is_learned(tmp_path) -> None:
    bad = tmp_path / "bad"
    (bad / "site").mkdir(parents=True)
    for n in range(3):
        (bad / "site" / f"{n}.txt").write_text(f"Listen live on Radio {n}\nA story, number {n}.\n")
    (bad / "site" / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (bad / "broken.jsonl").write_text('{"text": "fine"}\nnot json\n')
    done = run("learn", bad, "-o", tmp_path / "bad.yaml")
    assert done.returncode == 1
    errors = done.stderr.decode().splitlines()
    assert f"cleaner: error: {bad.as_posix()}/site/photo.txt: binary file (PNG image)" in errors
    bad_json = f"cleaner: error: {bad.as_posix()}/broken.jsonl:2: not valid JSON"
    assert any(line.startswith(bad_json) for line in errors)
    assert "pattern: '^Listen live on Radio \\d+\\r?$'" in (tmp_path / "bad.yaml").read_text()


def test_html_pages_are_learned_from_their_main_text(tmp_path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for n, page in enumerate(sites.pages_of(sites.SITES[0], 8)):
        paragraphs = "".join(f"<p>{line}</p>" for line, _ in page.lines)
        body = f"<body><article>{paragraphs}</article></body>"
        html = f"<!doctype html><html><head><title>t{n}</title></head>{body}</html>"
        (folder / f"{n}.html").write_text(html)
    done = cli("learn", folder, "--jobs", "1", "-q", "--min-docs", "2")
    assert done.exit_code == 0, done.output
    assert "pattern: '^THE HARBOUR GAZETTE\\r?$'" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--group-by", "domain"), "--group-by 'domain': use one of folder, host, field:NAME"),
        (("--name", "My Site"), "a pack name uses lowercase letters"),
        (("--min-share", "2"), "--min-share"),
    ],
)
def test_usage_errors_exit_2(tree, args: tuple[str, ...], message: str) -> None:
    root, _ = tree
    done = cli("learn", root, *args)
    assert done.exit_code == 2 and message in done.output


def test_help_shows_the_loop() -> None:
    done = cli("learn", "--help")
    assert done.exit_code == 0 and "cleaner learn raw/ -o site.yaml" in done.stdout


def test_the_readme_excerpt_of_a_learned_pack_checks_and_passes(tmp_path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("# Learned by `cleaner learn`", 1)[1].split("```", 1)[0]
    path = tmp_path / "site.yaml"
    path.write_text("# Learned by `cleaner learn`" + excerpt, encoding="utf-8")
    checked = cli("rules", "check", path)
    assert checked.exit_code == 0 and "0 errors, 0 warnings" in checked.stderr
    assert cli("rules", "test", path).exit_code == 0
