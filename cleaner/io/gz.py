"""Writing gzip corpora (``*.jsonl.gz``): python-isal's ``igzip`` when it is installed, else the
standard library's ``gzip``.

Both write standard gzip (RFC 1952), one member per chunk, without a time stamp: any gzip
reader reads what either writes. On JSONL of news text in 1 MiB chunks, ISA-L's level 3
compresses at about 220 MB/s of CPU time against zlib level 6's 17 MB/s (which took over a
third of a ``-j 1`` corpus run), for an output about a tenth larger (41 % of the input
instead of 37 %). Where no isal wheel is available the standard library does the same job,
more slowly. Reading stays with the standard library, whose errors on a damaged
file (``zlib.error``, ``EOFError``, ``gzip.BadGzipFile``) are the ones the readers report;
decompressing costs far less than compressing.
"""

from __future__ import annotations

import gzip
from types import ModuleType
from typing import IO

_fast: ModuleType | None
try:
    from isal import igzip

    _fast = igzip
except ImportError:  # pragma: no cover - a platform without an isal wheel
    _fast = None

#: ISA-L's levels run 0-3; 3, its smallest output, is still over ten times faster than zlib's 6.
ISAL_LEVEL = 3
#: zlib's own default: level 9 is several times slower for a few per cent smaller output.
ZLIB_LEVEL = 6


def backend() -> str:
    """Which library compresses: ``"isal"`` or ``"zlib"``.

    >>> backend() in ("isal", "zlib")
    True
    """
    return "isal" if _fast is not None else "zlib"


def compress(data: bytes) -> bytes:
    """``data`` as one gzip member, without a time stamp (so the same input gives the same bytes).

    >>> gzip.decompress(compress(b"one line\\n"))
    b'one line\\n'
    """
    if _fast is not None:
        return _fast.compress(data, ISAL_LEVEL, mtime=0)
    return gzip.compress(data, ZLIB_LEVEL, mtime=0)


def writer(raw: IO[bytes]) -> gzip.GzipFile:
    """A writer of one gzip member, without a time stamp, to ``raw``; close it to finish the member.

    >>> import io
    >>> out = io.BytesIO()
    >>> with writer(out) as gz:
    ...     _ = gz.write(b"x\\n")
    >>> gzip.decompress(out.getvalue())
    b'x\\n'
    """
    if _fast is not None:
        return _fast.GzipFile(fileobj=raw, mode="wb", compresslevel=ISAL_LEVEL, mtime=0)
    return gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=ZLIB_LEVEL, mtime=0)
