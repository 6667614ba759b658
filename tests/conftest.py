"""Shared test fixtures."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def rule_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache of validated rule files for the whole test run (and the processes it starts),
    instead of the user's own."""
    folder = tmp_path_factory.mktemp("cache")
    os.environ["CLEANER_CACHE_DIR"] = str(folder)
    return folder


def missing_shared(what: str, where: Path) -> NoReturn:
    """Skip a test whose shared data is absent, saying how to provide it; fail instead where
    ``CLEANER_REQUIRE_SHARED`` is set (a machine that must have the data)."""
    message = (
        f"{what} not found at {where}: the project's shared data (evaluation sets, seed articles) "
        "is kept outside the repository; put its folder beside the clone as ../shared, or set "
        "CLEANER_SHARED to it"
    )
    if os.environ.get("CLEANER_REQUIRE_SHARED"):
        pytest.fail(f"{message} (CLEANER_REQUIRE_SHARED is set)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared data folder (seed article, evaluation set), beside the repository.

    Tests that need it skip with a reason where it is absent, as in a user's clone.
    """
    root = Path(os.environ.get("CLEANER_SHARED", REPO.parent / "shared"))
    if not root.is_dir():
        missing_shared("the shared data folder", root)
    return root


@pytest.fixture(scope="session")
def shared_path(shared_dir: Path) -> Callable[[str, str], Path]:
    """``shared_path(relative, what)``: a file or non-empty folder of the shared data folder;
    the test is skipped (or fails, see :func:`missing_shared`) when it is not there."""

    def find(relative: str, what: str) -> Path:
        path = shared_dir / relative
        if not (path.is_file() or (path.is_dir() and any(path.iterdir()))):
            missing_shared(what, path)
        return path

    return find


@pytest.fixture(scope="session")
def seed_path(shared_path: Callable[[str, str], Path]) -> Path:
    """The seed article: a date header + donation appeal line, three gallery captions."""
    return shared_path("seeds/000_1a0085ccc8c9eb6a.txt", "the seed article")


@pytest.fixture(scope="session")
def run_cleaner():
    """``run_cleaner(*args, stdin=b"", python_flags=())``: ``python -m cleaner ARGS`` in a real
    subprocess from the repository root; returns the CompletedProcess (stdout/stderr as bytes)."""

    def run(*args: str | Path, stdin: bytes = b"", python_flags: tuple[str, ...] = ()):
        return subprocess.run(
            [sys.executable, *python_flags, "-m", "cleaner", *map(str, args)],
            input=stdin,
            capture_output=True,
            cwd=REPO,
            timeout=120,
        )

    return run


@pytest.fixture(scope="session")
def s3():  # type: ignore[no-untyped-def]
    """An S3-compatible server (moto in server mode) on 127.0.0.1 (see tests/cluster.py)."""
    from cluster import S3Server

    server = S3Server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory, s3):  # type: ignore[no-untyped-def]
    """A ``dask scheduler`` and two single-threaded ``dask worker`` processes on 127.0.0.1 that
    see this machine's files and the S3 server."""
    pytest.importorskip("distributed")
    from cluster import Cluster

    running = Cluster(tmp_path_factory.mktemp("cluster"), s3.env).start(2)
    yield running
    running.stop()
