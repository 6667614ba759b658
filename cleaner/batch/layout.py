"""Where a batch run's inputs are and where each output goes: the ``clean`` command's options
turned into a :class:`Layout`.

An input or ``-o`` is a path, or a URL that fsspec opens (``s3://bucket/raw``, see
:mod:`cleaner.io.remote`); a ``file://`` URL is the path it names. Each input file becomes a
:class:`Unit` with its report ``source``, its key (the order of the run) and its output.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from cleaner.batch.corpus import is_corpus, is_gzip, split_record_source
from cleaner.batch.ledger import Key, RecordKey
from cleaner.io import remote
from cleaner.io.limits import DEFAULT_MAX_RECORD_BYTES

DEFAULT_INCLUDE = ("*.txt", "*.text", "*.md", "*.jsonl", "*.jsonl.gz", "*.html", "*.htm")
STDIN_SOURCE = "<stdin>"
#: An input or output: a path of this machine, or a URL (a ``str``) read and written through fsspec.
Location = Path | str


class UsageError(ValueError):
    """Options that do not fit together; the message says how to fix them."""


@dataclass(frozen=True)
class BatchOptions:
    """The ``clean`` command's options (see ``cleaner clean --help``)."""

    paths: tuple[str, ...] = ()
    output: Path | str | None = None  # a str is a URL
    in_place: bool = False
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    gitignore: bool = True  # the walk passes over what .gitignore files in input folders ignore
    field: str | None = None  # None: "text"; given explicitly, standard input is read as JSONL
    report: Path | None = None
    summary: Path | None = None
    jobs: int = 0  # 0: all cores
    scheduler: str | None = None  # a Dask scheduler's address, or "local"; None: this machine's cores
    shared: bool = False  # the cluster's workers see the inputs and outputs at the same paths
    shard_bytes: int | None = None  # --shard-mb: clean one JSONL corpus into shards of this size
    resume: bool = False
    quiet: bool = False
    stats: bool = False  # the summary lists spans per rule and the skipped inputs
    diff: bool = False  # print a unified diff per changed input instead of writing outputs
    check: bool = False  # write nothing; name the inputs that would change
    max_removed: float | None = None
    encoding: str | None = None
    html: bool | None = None
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES  # the longest JSONL record or line of text cleaned

    @property
    def preview(self) -> bool:
        """``--diff`` or ``--check``: the run reads and cleans, but writes no files."""
        return self.diff or self.check


@dataclass(frozen=True)
class Root:
    path: Location | None  # None: standard input
    name: str  # its folder under the output directory when the run has several inputs
    is_dir: bool


class Unit(NamedTuple):
    """One input of the run: a text document or a JSONL corpus (or a shard of one). (A named
    tuple, as are the walk's files and the planner's steps: a run makes one per input, and a
    frozen dataclass takes three to four times as long to make.)"""

    source: str
    key: Key
    path: Location | None  # None: standard input
    output: Location | None  # None: standard output
    corpus: bool


@dataclass(frozen=True)
class Layout:
    """Where each input's output goes and how the report names it."""

    roots: tuple[Root, ...]
    tree: bool  # outputs mirror directories (a directory or several inputs)
    output: Location | None  # the output file (one input) or directory (a tree)
    in_place: bool
    stdin_corpus: bool
    preview: bool = False  # --diff/--check: no outputs at all
    shard_bytes: int | None = None  # one corpus cleaned into shards of this many input bytes
    # Output folders by their parts: a tree's files share few folders, so each is joined once.
    _folders: dict[tuple[str, ...], Path] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def several(self) -> bool:
        return len(self.roots) > 1

    @property
    def remote(self) -> bool:
        """Whether an input or the output is a URL (no local guards or locks apply to it)."""
        return isinstance(self.output, str) or any(isinstance(root.path, str) for root in self.roots)

    def source_key(self, source: str) -> RecordKey:
        """The key of the input a report ``source`` names (used when resuming a report)."""
        path, line = split_record_source(source)
        if not self.tree:
            return (0, (), line) if path == self.single_source() else (-1, (), line)
        parts = tuple(path.split("/"))
        index = 0
        if self.several:
            names = [root.name for root in self.roots]
            index = names.index(parts[0]) if parts[0] in names else -1
            parts = parts[1:]
        return (index, parts, line)

    def single_source(self) -> str:
        root = self.roots[0]
        return STDIN_SOURCE if root.path is None else str(root.path)

    def unit(self, index: int, parts: tuple[str, ...], path: Location) -> Unit:
        root = self.roots[index]
        name = parts[-1] if parts else remote.name_of(str(path))
        if not self.tree:
            return Unit(self.single_source(), (0, ()), root.path, self.output, is_corpus(name))
        named = (root.name, *parts) if self.several else parts
        output: Location | None
        if self.preview:
            output = None
        elif self.in_place:
            output = path
        elif isinstance(self.output, str):
            output = remote.join(self.output, *named)
        else:
            assert self.output is not None
            folder = self._folders.get(named[:-1])
            if folder is None:
                folder = self._folders[named[:-1]] = self.output.joinpath(*named[:-1])
            output = folder / named[-1] if named else folder
        return Unit("/".join(named), (index, parts), path, output, is_corpus(name))

    def output_folder(self, index: int, parts: tuple[str, ...]) -> Path | None:
        """The output folder for an input folder (where stale temporary files may lie); None
        for outputs at a URL, where nothing is left half-written."""
        root = self.roots[index]
        if self.in_place:
            return root.path.joinpath(*parts) if isinstance(root.path, Path) else None
        if not isinstance(self.output, Path):
            return None
        return self.output.joinpath(*((root.name, *parts) if self.several else parts))


def layout_for(options: BatchOptions) -> Layout:
    paths = list(options.paths) or ["-"]
    output = options.output
    if options.preview and (output is not None or options.in_place or options.report or options.resume):
        raise UsageError("--diff and --check write no files: drop --output, --in-place, --report, --resume")
    if output is not None and options.in_place:
        raise UsageError("use either --output or --in-place, not both")
    if options.scheduler is not None and options.jobs:
        raise UsageError("use either --jobs or --scheduler, not both: a cluster's workers run the tasks")
    if options.shared and options.scheduler is None:
        raise UsageError("--shared goes with --scheduler: it says the cluster's workers see these paths")
    if "-" in paths:
        if len(paths) > 1:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        if options.in_place:
            raise UsageError("--in-place needs files, not standard input")
        if options.resume:
            raise UsageError("--resume needs input files and --output")
        if options.shard_bytes:
            raise UsageError("--shard-mb needs a JSONL file, not standard input")
        return Layout(
            (Root(None, "-", False),), False, output, False, options.field is not None, options.preview
        )
    # A named path that is not there is a mistake in the command (as for black and ripgrep).
    missing = [path for path in paths if not remote.is_url(path) and not os.path.lexists(path)]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or directory")
    roots = tuple(_root(p) for p in paths)
    if isinstance(output, str) and options.in_place:
        raise UsageError("--in-place needs files of this machine")
    if any(isinstance(root.path, str) for root in roots) and options.in_place:
        raise UsageError("--in-place needs files of this machine, not URLs")
    if options.shard_bytes:
        return _shard_layout(options, roots, output)
    tree = len(roots) > 1 or roots[0].is_dir
    if tree:
        if output is None and not options.in_place and not options.preview:
            raise UsageError("a directory or several inputs need --output DIR (or --in-place)")
        names = Counter(root.name for root in roots)
        twice = sorted(name for name, count in names.items() if count > 1)
        if len(roots) > 1 and twice:
            raise UsageError(f"two inputs are named {twice[0]!r}; their outputs would collide under --output")
        if isinstance(output, Path) and output.exists() and not output.is_dir():
            raise UsageError(f"--output {output}: not a directory (a tree of outputs goes there)")
    else:
        if isinstance(output, Path) and output.is_dir():
            output = output / roots[0].name
        elif isinstance(output, str) and output.endswith("/"):
            output = remote.join(output, roots[0].name)
        if options.in_place:
            output = roots[0].path
    if options.resume and options.in_place and options.report is None:
        raise UsageError(
            "--resume needs --output, or --report with --in-place (an --in-place run without a report "
            "is simply run again: cleaning clean text changes nothing)"
        )
    if options.resume and output is None and not options.in_place:
        raise UsageError("--resume needs --output (it compares each output with its input)")
    return Layout(roots, tree, output, options.in_place, False, options.preview)


def _shard_layout(options: BatchOptions, roots: tuple[Root, ...], output: Location | None) -> Layout:
    """``--shard-mb``: one JSONL file cleaned into shards under the ``-o`` folder."""
    root = roots[0]
    if len(roots) > 1 or root.is_dir or not is_corpus(root.name) or is_gzip(root.name):
        raise UsageError(
            "--shard-mb cleans one uncompressed JSONL file (*.jsonl) into shards; a folder of "
            "shards is cleaned shard by shard without it"
        )
    if output is None or options.preview:
        raise UsageError("--shard-mb needs --output DIR, the folder for the shards")
    if isinstance(output, Path) and output.exists() and not output.is_dir():
        raise UsageError(f"--output {output}: not a directory (the shards go there)")
    return Layout(roots, True, output, False, False, False, options.shard_bytes)


def _root(given: str) -> Root:
    if remote.is_url(given):
        try:
            folder = remote.isdir(given)
        except OSError as exc:
            raise UsageError(str(exc)) from None
        return Root(given, remote.name_of(given), folder)
    path = Path(remote.local_path(given))
    return Root(path, _root_name(path), path.is_dir())


def _root_name(path: Path) -> str:
    if path.name not in ("", ".", ".."):
        return path.name
    return path.resolve().name or "root"
