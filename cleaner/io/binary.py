"""Binary inputs, told by their first bytes (magic numbers) or by control characters in their text."""

from __future__ import annotations

import re

#: Bytes and characters looked at to tell a binary input.
SAMPLE_BYTES = 64 * 1024
#: A text whose first SAMPLE_BYTES characters are more than this share control characters is binary.
CONTROL_SHARE_LIMIT = 0.1


class DecodeError(ValueError):
    """The input cannot be turned into text; the message says why."""


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"(\xb5/\xfd", "zstd archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "ELF executable"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_RIFF_WEBP = re.compile(rb"RIFF....WEBP", re.DOTALL)
# C0 controls other than tab, line feed, vertical tab, form feed, carriage return and escape.
# Each is one byte in UTF-8, and no byte of another character's UTF-8 is one of them, so they
# are counted in the encoded text (a C loop) rather than matched one by one.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])


def binary_kind(head: bytes) -> str | None:
    """What a binary file looks like from its first bytes, or ``None`` for no known format.

    >>> binary_kind(b"%PDF-1.7 ..."), binary_kind(b"Plain words.")
    ('PDF document', None)
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if _BZIP2.match(head):
        return "bzip2 archive"
    if _RIFF_WEBP.match(head):
        return "WebP image"
    return None


def refuse_control_characters(text: str, *, page: bool = False) -> None:
    """Raise :class:`DecodeError` when the start of a decoded text looks binary: NUL bytes, or
    more than :data:`CONTROL_SHARE_LIMIT` control characters, in its first :data:`SAMPLE_BYTES`
    characters. In an HTML ``page`` NUL bytes only count as control characters: browsers and
    trafilatura drop them, and pages that carry a few are common enough.

    >>> refuse_control_characters("Plain words.\\n")
    >>> refuse_control_characters("\\x01\\x02\\x03 ok")
    Traceback (most recent call last):
    cleaner.io.binary.DecodeError: binary file (50% control characters)
    """
    sample = text[:SAMPLE_BYTES]
    if "\x00" in sample and not page:
        raise DecodeError("binary file (contains NUL bytes)")
    encoded = sample.encode("utf-8", "surrogatepass")
    share = (len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))) / max(len(sample), 1)
    if share > CONTROL_SHARE_LIMIT:
        raise DecodeError(f"binary file ({share:.0%} control characters)")
