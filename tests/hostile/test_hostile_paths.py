"""Path collisions: no output, report or summary may land on an input (only --in-place overwrites
inputs), and no two of them on each other. Each is refused before anything is written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hostile_cli import PLAIN, SEED, SEED_CLEAN, assert_refused, assert_sound, cleaner, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

INPUTS = ["a.txt", "d/b.txt", "d/c.txt", "mi/a.txt", "mi/b.txt", "d2/x.txt", "d2/sub/x.txt", "d2/sub/y.txt"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Inputs in the shapes the probes need, a hard link and a symbolic link to ``a.txt``, and a
    folder ``d2/sub`` that holds inputs, one named as the output of ``d2/x.txt`` would be."""
    root = tmp_path / "t"
    write(root, {rel: SEED if "b" not in rel else PLAIN for rel in INPUTS})
    os.link(root / "a.txt", root / "ha.txt")
    os.symlink("a.txt", root / "la.txt")
    return root


@pytest.mark.parametrize(
    ("args", "mention"),
    [
        # 1. --report / --summary naming an input, alone or inside an input folder
        ("a.txt -o a.clean.txt --report a.txt", "--report a.txt is the input"),
        ("a.txt --report a.txt", "--report a.txt is the input"),
        ("d -o out --report d/b.txt", "--report d/b.txt is an input"),
        ("a.txt -o a.clean.txt --summary a.txt", "--summary a.txt is the input"),
        ("d -o out --summary d/b.txt", "--summary d/b.txt is an input"),
        ("a.txt -o a.clean.txt --report la.txt", "is the input a.txt (the same file)"),  # a symbolic link
        ("a.txt -o a.clean.txt --report ha.txt", "is the input a.txt (the same file)"),  # a hard link
        ("d --in-place --report d/b.txt", "--report d/b.txt is an input"),
        ("d --in-place --summary d/c.txt", "--summary d/c.txt is an input"),
        ("a.txt d -o out --report d", "--report d is the input folder"),
        ("a.txt --summary d", "--summary d: Is a directory"),  # not only at the end of the run
        # 2. -o landing on inputs
        ("mi/a.txt mi/b.txt -o mi", "--output mi holds the input mi/a.txt"),
        ("d2 -o d2/sub", "--output d2/sub is inside the input folder d2 and already holds"),
        ("d -o .", "--output . holds the input d"),
        ("a.txt d -o d", "--output d is the input directory"),
        ("d -o d", "--output d is the input directory"),
        ("a.txt -o a.txt", "--output a.txt is the input; use --in-place"),
        ("a.txt -o ./d/../a.txt", "is the input a.txt (the same file)"),
        ("a.txt -o la.txt", "is the input a.txt (the same file)"),
        ("a.txt -o ha.txt", "is the input a.txt (the same file)"),
        # 3. the report on an output, or on the summary
        ("a.txt -o out.txt --report out.txt", "--report out.txt and --output out.txt are the same file"),
        ("a.txt -o out.txt --summary out.txt", "--summary out.txt and --output out.txt are the same file"),
        ("d -o out --report r.jsonl --summary ./r.jsonl", "are the same file"),
        ("d -o out --report out", "--report out is the output folder"),
        ("d -o out --report out/b.txt", "--report out/b.txt is where the output of d/b.txt goes"),
        ("mi/a.txt d -o out --summary out/a.txt", "is where the output of mi/a.txt goes"),
    ],
)
def test_a_write_onto_an_input_or_another_output_is_refused(tree: Path, args: str, mention: str) -> None:
    run = cleaner(tree, "clean", *args.split(), "-j", "1")
    assert_refused(run, mention)


def test_a_link_inside_an_input_folder_to_the_report_stops_the_run_before_the_report_is_written(
    tree: Path,
) -> None:
    write(tree, {"notes.txt": b"my own notes, not a report\n"})
    os.symlink("../notes.txt", tree / "d/notes-link.txt")

    run = cleaner(tree, "clean", "d", "-o", "out", "--report", "notes.txt", "-j", "1")

    assert_sound(run)
    assert run.status == 2 and len(run.error_lines) == 1, run.stderr
    assert "--report notes.txt is the input d/notes-link.txt (the same file)" in run.error_lines[0]
    assert run.changed() == []  # notes.txt and every input as they were
    assert not [rel for rel in run.created() if not rel.startswith("out/")]  # no report, no journal


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_link_in_the_output_folder_to_an_input_is_replaced_not_written_through(
    tree: Path, jobs: str
) -> None:
    """As in an output folder made with `cp -rs`: the links are replaced by the outputs."""
    (tree / "out").mkdir()
    for name in ("b.txt", "c.txt"):
        os.symlink(f"../d/{name}", tree / "out" / name)

    run = cleaner(tree, "clean", "d", "-o", "out", "-j", jobs)

    assert_sound(run)
    assert run.status == 0, run.stderr
    assert run.changed(["d/b.txt", "d/c.txt"]) == []
    assert not (tree / "out/c.txt").is_symlink() and (tree / "out/c.txt").read_bytes() == SEED_CLEAN


def test_an_output_folder_inside_the_input_folder_is_walked_around_and_run_again(tree: Path) -> None:
    """The usual shape of a run inside the folder it cleans: the output folder, the report and
    the summary sit in it, and a second run over the first one's files is no collision."""
    args = ["clean", "d", "-o", "d/clean", "--report", "d/removed.jsonl", "--summary", "d/summary.json"]
    first = cleaner(tree, *args, "-j", "1", "--include", "*")
    second = cleaner(tree, *args, "-j", "1", "--include", "*")

    for run in (first, second):
        assert_sound(run)
        assert run.status == 0, run.stderr
        assert run.changed(["d/b.txt", "d/c.txt"]) == []
    assert (tree / "d/clean/c.txt").read_bytes() == SEED_CLEAN
    assert (tree / "d/clean/.cleaner-output").is_file()  # says what the folder holds
    assert json.loads((tree / "d/summary.json").read_text())["files"] == 2  # not its own files
    assert second.after == first.after | {"d/summary.json": second.after["d/summary.json"]}


def test_an_output_folder_inside_the_input_folder_that_holds_its_owners_files_is_refused(tree: Path) -> None:
    write(tree, {"d2/sub/x.txt": b"a file of mine that the output of d2/x.txt would replace\n"})
    run = cleaner(tree, "clean", "d2", "-o", "d2/sub", "-j", "1")
    assert_refused(run, "d2/sub/x.txt, which would be taken for an output")


# --- the argument space -----------------------------------------------------------------------

PLACES = ["a.txt", "la.txt", "ha.txt", "d", "d/b.txt", "mi", "mi/a.txt", "d2", "d2/sub", "d2/sub/x.txt", "."]
TARGETS = [*PLACES, "out", "out.txt", "out/b.txt", "out/a.txt", "r.jsonl", "d/r.jsonl", "s.json"]


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(
    inputs=st.lists(st.sampled_from(PLACES), min_size=1, max_size=2, unique=True),
    output=st.none() | st.sampled_from(TARGETS),
    report=st.none() | st.sampled_from(TARGETS),
    summary=st.none() | st.sampled_from(TARGETS),
    in_place=st.booleans(),
)
def test_any_combination_of_paths_is_refused_cleanly_or_run_without_touching_an_input(
    tmp_path_factory: pytest.TempPathFactory,
    inputs: list[str],
    output: str | None,
    report: str | None,
    summary: str | None,
    in_place: bool,
) -> None:
    root = tmp_path_factory.mktemp("space")
    write(root, {rel: SEED for rel in INPUTS})
    os.link(root / "a.txt", root / "ha.txt")
    os.symlink("a.txt", root / "la.txt")
    args = ["clean", *inputs, "-j", "1", "-q"]
    for flag, value in (("-o", output), ("--report", report), ("--summary", summary)):
        if value is not None:
            args += [flag, value]
    if in_place:
        args.append("--in-place")
    read = inputs_of(root, inputs)

    run = cleaner(root, *args)

    assert_sound(run)
    assert run.status in (0, 2), run.stderr
    if run.status == 2:
        assert_refused(run, "")
        return
    if not in_place:
        assert run.changed(read) == [], (args, run.changed(read))
    if report is not None:
        for line in (root / report).read_bytes().splitlines():
            assert json.loads(line)["source"]
    if summary is not None:
        assert json.loads((root / summary).read_text())["files"] >= 1


def inputs_of(root: Path, args: list[str]) -> list[str]:
    """Every file an argument names or holds (whether or not the walk would take it)."""
    found = []
    for arg in args:
        path = root / arg
        if path.is_dir():
            found += [p.relative_to(root).as_posix() for p in path.rglob("*.txt")]
        else:
            found.append(Path(os.path.normpath(arg)).as_posix())
            found.append(path.resolve().relative_to(root.resolve()).as_posix())  # what a link names
    return sorted({rel for rel in found if not any(part.startswith(".") for part in Path(rel).parts)})
