"""Decoding text inputs: UTF-8 (with or without BOM), UTF-16 (BOM or not), and
Windows-1258 (whose tone marks are combining characters). The encoding is detected
from the bytes, never assumed, and the result is normalised to NFC."""

from __future__ import annotations

import unicodedata

from ..errors import Damaged, Unsupported

_VIET_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")


# control bytes that no text encoding uses for text (counted with bytes.translate, which
# deletes them: far faster than a regex scan)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
# the control characters that plain text does not hold (not tab, line feed, form feed or
# carriage return), all in Latin-1, as bytes
_LATIN1_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), *range(0x7F, 0xA0)])


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.05


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:2000]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nul > 0.3 * half and even_nul < 0.05 * half:
        return "utf-16-le"
    if even_nul > 0.3 * half and odd_nul < 0.05 * half:
        return "utf-16-be"
    return None


def _count_controls(text: str) -> int:
    """Control characters and the non-characters U+FFFE, U+FFFF in text. The controls are
    counted in the Latin-1 bytes of the text (other characters dropped): several times
    faster than a regex scan of the whole text."""
    latin1 = text.encode("latin-1", "ignore")
    noncharacters = sum(text.count(ch) for ch in "\ufffe\uffff" if ch in text)  # ``in`` is the fast test
    return len(latin1) - len(latin1.translate(None, _LATIN1_CONTROLS)) + noncharacters


def _plausible_text(text: str) -> bool:
    if not text:
        return False
    return _count_controls(text) / len(text) < 0.03


def decode(data: bytes) -> tuple[str, str]:
    """Return (text in NFC, encoding name). Raises ReadError when no supported
    encoding explains the bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    elif data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            text, enc = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise Damaged("invalid UTF-16 text (byte order mark present, content undecodable)") from None
    else:
        enc16 = _utf16_without_bom(data)
        if enc16:
            try:
                text, enc = data.decode(enc16), enc16
            except UnicodeDecodeError:
                raise Damaged("undecodable text: looks like UTF-16 but is not valid") from None
        else:
            if _looks_binary(data):
                raise Unsupported("binary file: not a text document")
            try:
                text, enc = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as exc:
                text, enc = _decode_legacy(data, exc)
    if not _plausible_text(text):
        raise Damaged(f"binary or corrupt content (decoded as {enc}, too many control characters)")
    return unicodedata.normalize("NFC", text), enc


def _decode_legacy(data: bytes, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    """Bytes that are not UTF-8: Windows-1258 if it decodes to Vietnamese text, or a
    file whose lines mix UTF-8 and Windows-1258 (pasted together from two sources)."""
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed, "mixed:utf-8+windows-1258"
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise Damaged(
            f"undecodable text: not UTF-8 (invalid byte at offset {utf8_error.start}) and not Windows-1258"
        ) from None
    nfc = unicodedata.normalize("NFC", text)
    has_combining = any(unicodedata.combining(ch) for ch in text)
    if has_combining or any(ch in _VIET_LETTERS for ch in nfc):
        return text, "windows-1258"
    raise Damaged(
        f"undecodable text: not UTF-8 (invalid byte at offset {utf8_error.start}) "
        "and no Vietnamese text in Windows-1258"
    )


def _decode_mixed(data: bytes) -> str | None:
    """Line by line, when most lines are UTF-8 with non-ASCII text and the others
    decode as Windows-1258."""
    lines = data.split(b"\n")
    utf8_lines = legacy_lines = 0
    out: list[str] = []
    for line in lines:
        try:
            text = line.decode("utf-8")
            if any(b > 127 for b in line):
                utf8_lines += 1
        except UnicodeDecodeError:
            try:
                text = line.decode("cp1258")
            except UnicodeDecodeError:
                return None
            legacy_lines += 1
        out.append(text)
    if utf8_lines == 0 or legacy_lines == 0:
        return None
    return "\n".join(out)
