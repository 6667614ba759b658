"""Bytes to text: byte-order marks, then strict UTF-8."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class DecodeError(ValueError):
    """The input cannot be turned into text; the message says why."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text ready for the engine, and how it was obtained."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Decode input bytes. Newlines are left as they are.

    >>> decode_bytes("caf\\u00e9\\r\\n".encode())
    Decoded(text='café\\r\\n', encoding='utf-8')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {encoding} at byte {exc.start}") from None
    if b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not valid UTF-8 (byte {exc.start})") from None
