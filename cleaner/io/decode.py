"""Bytes to text: refuse binary files, find the encoding, and reduce HTML pages to their main text.

The encoding is found in this order, and the first that applies wins:

1. ``encoding=`` given by the caller (``--encoding``); a byte-order mark of the same Unicode
   family is still stripped.
2. A byte-order mark (UTF-8, UTF-16, UTF-32).
3. UTF-16 / UTF-32 without a byte-order mark, recognised by where the NUL bytes fall.
4. Strict UTF-8 over the whole input.
5. A charset declared in the first 1024 bytes (HTML ``<meta charset>``, an XML declaration).
6. chardet on a bounded window of at most :data:`SAMPLE_BYTES` bytes that starts at the line
   holding the first byte that is not UTF-8, so detection costs the same for 1 MB and 100 MB.
   A guess below :data:`CONFIDENCE_FLOOR` is refused rather than trusted.

A Unicode encoding, or a legacy codec that reads several bytes as one character (Shift-JIS,
GBK, …), decodes the **whole** input strictly: a window can mislead, and a byte that does not
decode is an error naming its offset. A single-byte legacy codec (cp1252, ISO-8859-*, …)
reads the input line by line (:mod:`cleaner.io.segments`): lines that are UTF-8 stay UTF-8,
so text pasted together from both never turns into mojibake, and the encoding is then
reported as ``utf-8+<codec>``. Bytes that fit no codec (at most 1 % of the input, in an input
with UTF-8 lines or a legacy codec found for it) are replaced by U+FFFD and kept in
``Decoded.replaced``. Newlines are left as they are. Binary inputs (known magic numbers, NUL
bytes, mostly control characters) raise :class:`DecodeError` naming what they look like. An HTML
page above :data:`~cleaner.io.limits.MAX_HTML_BYTES` is refused. chardet and trafilatura are
imported only when an input needs them.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from cleaner.io.binary import SAMPLE_BYTES, DecodeError, binary_kind, refuse_control_characters
from cleaner.io.limits import refuse_large_page
from cleaner.io.segments import LineDecoder, Replaced, TooManyReplaced, is_single_byte, replaced_limit

if TYPE_CHECKING:
    from cleaner.io.htmllines import LineInfo

#: Bytes searched for a declared charset (``<meta charset>``); the HTML standard says 1024,
#: pages put it after long comments and scripts.
DECLARATION_BYTES = 4096
#: chardet guesses below this confidence are refused (chardet 7's own threshold).
CONFIDENCE_FLOOR = 0.2
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})

#: Byte-order marks and the codec each one starts (longest first: UTF-32 LE begins like UTF-16 LE).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# An explicit Unicode encoding still drops the byte-order mark of its own family.
_BOM_FAMILY = {
    "utf-8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "utf-16-le": "utf-16",
    "utf-16-be": "utf-16",
    "utf-32": "utf-32",
    "utf-32-le": "utf-32",
    "utf-32-be": "utf-32",
}
# Declared labels that browsers decode with a superset (WHATWG Encoding Standard), by codec name.
_BROWSER_CODEC = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9._:-]+)|\A<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9._:-]+)""",
    re.IGNORECASE,
)
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL
)


class Decoded(NamedTuple):
    """Text ready for the engine, and how it was obtained.

    ``encoding`` is the Python codec that decoded the input (``utf-8+cp1252`` when its UTF-8
    lines were read as UTF-8 and the others as cp1252). ``html`` is true when ``text`` is the
    main text extracted from an HTML page (offsets then refer to that text, not the page);
    ``date`` is the page's date (``YYYY-MM-DD``) when the page gives one, and ``lines`` says
    what each line of ``text`` was on the page (:class:`~cleaner.io.htmllines.LineInfo`).
    ``replaced`` lists the runs of bytes no codec could read, each replaced by one U+FFFD.
    """

    text: str
    encoding: str
    html: bool = False
    date: str | None = None
    lines: tuple[LineInfo, ...] = ()
    replaced: tuple[Replaced, ...] = ()
    # The input itself when it is exactly the UTF-8 encoding of ``text``: the engine searches
    # UTF-8 bytes, and need not encode the text again.
    utf8: bytes | None = None


def decode_bytes(
    data: bytes,
    *,
    encoding: str | None = None,
    html: bool | None = None,
    name: str | os.PathLike[str] | None = None,
    line_facts: bool = True,
) -> Decoded:
    """Decode input bytes into text; newlines are left as they are.

    ``encoding`` overrides detection. ``html``: ``None`` decides by ``name``'s extension
    (.html, .htm, .xhtml) or by a page that starts with ``<!doctype html`` or ``<html``;
    ``True`` / ``False`` force it. ``line_facts``: for a page, also say what each line was on it
    (``Decoded.lines``). Raises :class:`DecodeError` for binary or undecodable input.

    >>> decoded = decode_bytes("caf\\u00e9\\r\\n".encode())
    >>> decoded.text, decoded.encoding, decoded.html, decoded.date
    ('café\\r\\n', 'utf-8', False, None)
    >>> decode_bytes("caf\\u00e9".encode("utf-16")).encoding
    'utf-16'
    >>> decode_bytes(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR")
    Traceback (most recent call last):
    cleaner.io.binary.DecodeError: binary file (PNG image)
    """
    kind = binary_kind(data[:SAMPLE_BYTES])
    if kind:
        raise DecodeError(f"binary file ({kind})")
    texts: dict[str, str] = {}

    def first_error(codec: str) -> int | None:
        try:
            texts[codec] = data.decode(codec)
        except UnicodeDecodeError as exc:
            return exc.start
        return None

    read_by_line: dict[str | None, tuple[str, LineDecoder]] = {}

    def by_line(legacy: str | None) -> LineDecoder:
        decoder = LineDecoder(legacy, limit=replaced_limit(len(data)))
        read_by_line[legacy] = decoder.decode(data, final=True), decoder
        return decoder

    choice = choose_encoding(
        data[:SAMPLE_BYTES], first_error, lambda start: guess_encoding(data, start), encoding, by_line
    )
    replaced: tuple[Replaced, ...] = ()
    if choice.by_line:
        text, decoder = read_by_line[choice.legacy]
        replaced = tuple(decoder.replaced)
    else:
        text = texts[choice.encoding]
    if html is None:
        html = looks_like_html(text, name)
    refuse_control_characters(text, page=html)
    if not html:
        utf8 = data if choice.encoding == "utf-8" and not choice.by_line else None
        return Decoded(text, choice.encoding, utf8=utf8, replaced=replaced)
    if not text.strip():
        return Decoded(text, choice.encoding, html=True, replaced=replaced)
    refuse_large_page(len(data))
    from cleaner.io.html import extract_page

    page = extract_page(text, line_facts=line_facts)
    if not page.text.strip():
        raise DecodeError("no main text found in the HTML page (--no-html reads it as plain text)")
    return Decoded(page.text, choice.encoding, html=True, date=page.date, lines=page.lines, replaced=replaced)


def normalize_encoding(name: str) -> str:
    """The Python codec name for an encoding label; ``ValueError`` if it is not a text encoding.

    >>> normalize_encoding("Windows-1252"), normalize_encoding("latin1")
    ('cp1252', 'iso8859-1')
    >>> normalize_encoding("base64")
    Traceback (most recent call last):
    ValueError: unknown text encoding 'base64'
    """
    try:
        # Decoding one byte refuses bytes-to-bytes codecs such as base64 (empty input would not).
        b"a".decode(name, "ignore")
        return codecs.lookup(name).name
    except (LookupError, UnicodeError):
        raise ValueError(f"unknown text encoding {name!r}") from None


def looks_like_html(text: str, name: str | os.PathLike[str] | None = None) -> bool:
    """Whether an input is an HTML page: by its file extension, else by how the text starts.

    >>> looks_like_html("<!DOCTYPE html><html><body><p>Hi</p></body></html>")
    True
    >>> looks_like_html("<p>A fragment</p>"), looks_like_html("", "page.HTM")
    (False, True)
    """
    if name is not None and os.path.splitext(os.fspath(name))[1].lower() in HTML_SUFFIXES:
        return True
    return _HTML_START.match(text[:SAMPLE_BYTES]) is not None


def guess_encoding(data: bytes, start: int = 0) -> tuple[str, float]:
    """chardet's guess ``(codec, confidence)`` from at most :data:`SAMPLE_BYTES` bytes.

    The window begins at the line holding byte ``start`` (the first byte that is not UTF-8,
    where the evidence is; at most 1 KiB before it) and ends at a line break, so it does not
    cut a multi-byte character of an ASCII-compatible encoding. Candidates are the encodings
    of the modern web and the ISO-8859 family; DOS, Mac and EBCDIC code pages need
    ``--encoding``.

    >>> guess_encoding("Привет, как дела? Это новости нашего города.".encode("cp1251"))[0]
    'cp1251'
    """
    import chardet
    from chardet import EncodingEra

    floor = max(0, start - 1024)
    begin = data.rfind(b"\n", floor, start) + 1 or floor
    window = data[begin : begin + SAMPLE_BYTES]
    if begin + SAMPLE_BYTES < len(data):
        cut = window.rfind(b"\n")
        if cut > SAMPLE_BYTES // 2:
            window = window[: cut + 1]
    found = chardet.detect(
        window,
        max_bytes=SAMPLE_BYTES,
        encoding_era=EncodingEra.MODERN_WEB | EncodingEra.LEGACY_ISO,
        prefer_superset=True,
    )
    if found["encoding"] is None:
        raise DecodeError(f"binary file ({found.get('mime_type') or 'no text encoding fits'})")
    try:
        return codecs.lookup(found["encoding"]).name, found["confidence"]
    except LookupError:
        raise DecodeError(f"detected encoding {found['encoding']} has no Python codec") from None


class Choice(NamedTuple):
    """How an input is decoded: strictly with the codec ``encoding`` names, or, with ``by_line``,
    line by line (:class:`~cleaner.io.segments.LineDecoder`) with the single-byte ``legacy``
    codec (``None``: UTF-8 with undecodable bytes replaced); ``encoding`` is then what the
    report says (``utf-8+cp1252``)."""

    encoding: str
    by_line: bool = False
    legacy: str | None = None


def choose_encoding(
    head: bytes,
    first_error: Callable[[str], int | None],
    guess: Callable[[int], tuple[str, float]],
    encoding: str | None = None,
    by_line: Callable[[str | None], LineDecoder] | None = None,
) -> Choice:
    """How to decode the whole input, chosen in the order of the module docstring.

    ``head`` is the input's first :data:`SAMPLE_BYTES` bytes. ``first_error(codec)`` decodes the
    whole input strictly and returns the offset of its first bad byte, or ``None`` when all of it
    decodes. ``guess(offset)`` is chardet's guess (:func:`guess_encoding`) around the first byte
    that is not UTF-8. ``encoding`` is the caller's choice. ``by_line(legacy)`` reads the whole
    input with a :class:`~cleaner.io.segments.LineDecoder` limited to
    :func:`~cleaner.io.segments.replaced_limit` replaced bytes, and returns it (its counts);
    without it, single-byte codecs decode strictly too. Raises
    :class:`DecodeError` when nothing fits. Both a whole input in memory
    (:func:`decode_bytes`) and a large file read in passes (:mod:`cleaner.batch.large`) decode
    through this one sequence.

    >>> data = "Grüße aus Köln".encode("cp1252")
    >>> def first_error(codec):
    ...     try:
    ...         data.decode(codec)
    ...     except UnicodeDecodeError as exc:
    ...         return exc.start
    >>> choose_encoding(data, first_error, lambda start: guess_encoding(data, start), "latin-1")
    Choice(encoding='iso8859-1', by_line=False, legacy=None)
    >>> choose_encoding(data, first_error, lambda start: guess_encoding(data, start), "utf-8")
    Traceback (most recent call last):
    cleaner.io.binary.DecodeError: not valid utf-8 at byte 2
    """
    if encoding is not None:
        return Choice(_explicit_encoding(head, normalize_encoding(encoding), first_error))
    for bom, codec in BOMS:
        if head.startswith(bom):
            return Choice(_explicit_encoding(head, codec, first_error))
    wide = _wide_unicode_without_bom(head)
    if wide and first_error(wide) is None:
        return Choice(wide)
    # Otherwise not UTF-16/32 after all; NUL bytes then make it binary below.
    first_bad = first_error("utf-8")
    if first_bad is None:
        return Choice("utf-8")
    if b"\x00" in head and not looks_like_html(head.decode("latin-1")):  # see refuse_control_characters
        raise DecodeError("binary file (contains NUL bytes)")
    declared = _declared_encoding(head[:DECLARATION_BYTES])
    # Pages often declare a charset they do not use: then detect instead.
    if declared and first_error(declared) is None:
        return _legacy_choice(declared, by_line)
    codec, confidence = guess(first_bad)
    if confidence >= CONFIDENCE_FLOOR and codec != "utf-8":
        if is_single_byte(codec) and by_line is not None:
            return _legacy_choice(codec, by_line)
        bad = first_error(codec)
        if bad is not None:
            raise DecodeError(
                f"detected {codec} from a sample, but byte {bad} is not valid {codec}; "
                "name the encoding with --encoding"
            )
        return Choice(codec)
    if by_line is not None:  # UTF-8 lines and a few stray bytes: UTF-8, the strays replaced
        with contextlib.suppress(TooManyReplaced):
            if by_line(None).utf8_lines:
                return Choice("utf-8", by_line=True)
    raise DecodeError(
        f"unknown encoding: not UTF-8 (byte {first_bad}), and chardet's best guess, {codec}, "
        f"has confidence {confidence:.2f} < {CONFIDENCE_FLOOR}; name it with --encoding"
        if codec != "utf-8"
        else f"unknown encoding: not UTF-8 (byte {first_bad} and more than 1 % of the input), "
        "and no other encoding found; name it with --encoding"
    )


def _legacy_choice(codec: str, by_line: Callable[[str | None], LineDecoder] | None) -> Choice:
    """A legacy codec that fits: a single-byte one reads the input line by line, UTF-8 lines as
    UTF-8, and may leave up to 1 % of the bytes replaced."""
    if by_line is None or not is_single_byte(codec):
        return Choice(codec)
    try:
        lines = by_line(codec)
    except TooManyReplaced:
        raise DecodeError(
            f"more than 1 % of the bytes are neither UTF-8 nor {codec}; name the encoding with --encoding"
        ) from None
    return Choice(lines.label, by_line=True, legacy=codec)


def _explicit_encoding(head: bytes, codec: str, first_error: Callable[[str], int | None]) -> str:
    """``codec`` (or its byte-order-mark form, when the input starts with its mark), which must fit."""
    bom_codec = _BOM_FAMILY.get(codec)
    if bom_codec and any(head.startswith(bom) for bom, name in BOMS if name == bom_codec):
        codec = bom_codec
    bad = first_error(codec)
    if bad is not None:
        raise DecodeError(f"not valid {codec} at byte {bad}")
    return codec


def _wide_unicode_without_bom(head: bytes) -> str | None:
    """UTF-32 or UTF-16 text without a byte-order mark, told apart by where NUL bytes fall."""
    size = len(head) - len(head) % 4
    if size < 4 or b"\x00" not in head:
        return None
    head = head[:size]
    units = size // 4
    zeros = [head[i::4].count(0) for i in range(4)]
    if zeros[3] == units and zeros[2] >= 0.9 * units and zeros[0] < units:
        return "utf-32-le"
    if zeros[0] == units and zeros[1] >= 0.9 * units and zeros[3] < units:
        return "utf-32-be"
    pairs = 2 * units
    even, odd = zeros[0] + zeros[2], zeros[1] + zeros[3]
    if odd >= 0.5 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.5 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _declared_encoding(head: bytes) -> str | None:
    """The charset an HTML page declares (meta tag or XML declaration), as a codec name.

    The first declaration of another encoding than UTF-8 counts (strict UTF-8 was already
    tried; pages carry stray ``charset=utf-8`` in scripts before their real ``<meta>``);
    a label browsers read as a larger encoding means that one (ISO-8859-1 and ASCII mean
    windows-1252, GB2312 means GB18030, …: the WHATWG Encoding Standard).

    >>> _declared_encoding(b'<script>x="charset=utf-8"</script><meta charset="ISO-8859-1">')
    'cp1252'
    """
    for found in _DECLARED_CHARSET.finditer(head):
        try:
            encoding = normalize_encoding((found.group(1) or found.group(2)).decode("ascii"))
        except ValueError:
            continue
        if not encoding.startswith("utf-"):
            return _BROWSER_CODEC.get(encoding, encoding)
    return None
