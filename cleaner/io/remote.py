"""Inputs and outputs addressed by URL (``s3://bucket/key``, ``gs://…``, ``memory://…``), through fsspec.

Plain paths and ``file://`` URLs never come here: they are files of this machine (or of a
shared file system mounted at the same place on every worker), read and written with the
standard library, atomically by rename (:mod:`cleaner.io.output`). For any other URL, fsspec and
the package of its protocol (s3fs for ``s3://``) are imported when first needed.

Writing is *write, then commit*. An object store has no rename: it makes an object visible
only when its upload completes, whole (one PUT, or a multipart upload completed at the end),
so a reader never sees half an output; an upload that fails is aborted and the object that
was there, if any, stays. What an object store does not give: locks (two runs on one output
prefix are not refused, so do not start them), and replacing an object only if unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable
from typing import IO, Any

from cleaner.version import install_hint

_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+)://")
#: The extra that brings a protocol's package, for the hint when it is missing.
_EXTRAS = {"s3": "s3", "s3a": "s3"}

Writer = Callable[[IO[bytes]], object]


class MissingProtocol(OSError):
    """A URL's protocol needs a package that is not installed; the message says which to install."""


def is_url(location: str) -> bool:
    """Whether ``location`` is a URL that fsspec opens (``file://`` is a local path, not a URL here).

    >>> is_url("s3://bucket/raw"), is_url("file:///data/raw"), is_url("/data/raw"), is_url("C:/x")
    (True, False, False, False)
    """
    match = _SCHEME.match(location)
    return match is not None and match["scheme"].lower() != "file"


def local_path(location: str) -> str:
    """A ``file://`` URL as the path it names; anything else as it is.

    >>> local_path("file:///data/raw"), local_path("raw/a.txt")
    ('/data/raw', 'raw/a.txt')
    """
    return location[len("file://") :] if location.lower().startswith("file://") else location


def join(url: str, *parts: str) -> str:
    """A URL below ``url``.

    >>> join("s3://bucket/clean/", "world", "a.txt")
    's3://bucket/clean/world/a.txt'
    """
    return "/".join([url.rstrip("/"), *parts])


def name_of(url: str) -> str:
    """The last part of a URL's path.

    >>> name_of("s3://bucket/raw/news.jsonl"), name_of("s3://bucket/raw/")
    ('news.jsonl', 'raw')
    """
    return url.rstrip("/").rsplit("/", 1)[-1]


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system of ``url`` and the path within it; :class:`MissingProtocol` when a
    package is missing."""
    try:
        from fsspec.core import url_to_fs
    except ImportError as exc:
        raise MissingProtocol(f"{url}: URLs need fsspec ({exc}): {install_hint('s3')}") from None
    try:
        return url_to_fs(url)
    except ImportError as exc:
        scheme = url.split("://", 1)[0].lower()
        hint = install_hint(_EXTRAS[scheme]) if scheme in _EXTRAS else "install the package it names"
        raise MissingProtocol(f"{url}: {' '.join(str(exc).split())} ({hint})") from None
    except ValueError as exc:  # an unknown protocol
        raise MissingProtocol(f"{url}: {exc}") from None


def read_bytes(url: str) -> bytes:
    """The whole object at ``url``."""
    fs, path = filesystem(url)
    return _os_errors(url, lambda: fs.cat_file(path))


def open_input(url: str) -> IO[bytes]:
    """The object at ``url``, opened for reading (seekable: ranges are fetched as read)."""
    fs, path = filesystem(url)
    return _os_errors(url, lambda: fs.open(path, "rb"))


def size(url: str) -> int:
    """The size of the object at ``url``, in bytes."""
    fs, path = filesystem(url)
    return int(_os_errors(url, lambda: fs.size(path)))


def modified(location: str) -> float:
    """When a file or the object at a URL was last written (seconds since the epoch)."""
    if not is_url(location):
        import os

        return os.stat(local_path(location)).st_mtime
    fs, path = filesystem(location)
    return float(_os_errors(location, lambda: fs.modified(path).timestamp()))


def isdir(url: str) -> bool:
    """Whether ``url`` is a folder (a prefix holding objects) rather than one object."""
    fs, path = filesystem(url)
    return bool(_os_errors(url, lambda: fs.isdir(path)))


def exists(url: str) -> bool:
    fs, path = filesystem(url)
    return bool(_os_errors(url, lambda: fs.exists(path)))


def files_below(url: str) -> list[tuple[str, ...]]:
    """Every object below the folder ``url``, as path parts below it, sorted as the walk of a
    local folder visits them (depth first, names sorted)."""
    fs, path = filesystem(url)
    top = path.rstrip("/")
    found = _os_errors(url, lambda: fs.find(top))
    parts = [tuple(item[len(top) :].strip("/").split("/")) for item in found]
    return sorted(p for p in parts if p != ("",))


def write(url: str, data: bytes | Writer) -> None:
    """Write ``data`` (bytes, or a function writing to a binary file) to ``url``, committed whole
    at the end: nothing is visible at ``url`` before then, and a failure leaves what was there."""
    fs, path = filesystem(url)
    with contextlib.suppress(Exception):
        fs.makedirs(fs._parent(path), exist_ok=True)  # a folder where the file system has folders
    if isinstance(data, bytes):
        _os_errors(url, lambda: fs.pipe_file(path, data))
        return
    handle = _os_errors(url, lambda: fs.open(path, "wb"))
    try:
        data(handle)
    except BaseException:
        with contextlib.suppress(Exception):
            handle.discard()  # abort the upload: nothing is committed
        raise
    _os_errors(url, handle.close)


def sha256(url: str) -> str:
    """Hex SHA-256 of the object at ``url``, read in blocks."""
    digest = hashlib.sha256()
    with open_input(url) as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _os_errors(url: str, call: Callable[[], Any]) -> Any:
    """Run ``call``; any failure of the file system becomes an OSError naming ``url``."""
    try:
        return call()
    except OSError:
        raise
    except Exception as exc:  # botocore and friends raise their own
        raise OSError(f"{url}: {type(exc).__name__}: {' '.join(str(exc).split())}") from None


def read_location(location: str, limit: int = -1) -> bytes:
    """The bytes of a file (a path, or a ``file://`` URL) or of the object at a URL; no more
    than ``limit`` bytes when it is given (a pipe may have no end)."""
    if is_url(location) and limit < 0:
        return read_bytes(location)
    with open_location(location) as handle:
        return handle.read(limit)


def open_location(location: str) -> IO[bytes]:
    """A file or an object at a URL, opened for reading."""
    if is_url(location):
        return open_input(location)
    return open(local_path(location), "rb")


def write_location(
    location: str, data: bytes | Writer, *, fsync: bool = True, replace_links: bool = False
) -> None:
    """Write a file atomically (temporary file, then rename: :func:`cleaner.io.output.stage`), or
    an object at a URL, committed whole (:func:`write`)."""
    if is_url(location):
        write(location, data)
        return
    from cleaner.io.output import write_atomically  # removes its temporary file, however stopped

    write_atomically(local_path(location), data, fsync=fsync, replace_links=replace_links)
