"""Hand-written PDFs for the hostile-input tests: built in milliseconds, no converter.

* :func:`text_pdf` — pages of Helvetica text (one short line per page);
* :func:`drawing_pdf` — a page that only draws (a rectangle and a grey image), as a
  scan without OCR looks to a text extractor;
* :func:`encrypted_pdf` — the Standard security handler, revision 2 (RC4, 40-bit
  key), opened only with the user password.
"""

from __future__ import annotations

import hashlib
import struct

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_ID = hashlib.md5(b"plan-extract hostile pdf").digest()


def _pdf_string(text: str) -> bytes:
    return b"(" + text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _assemble(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """Objects numbered from 1 (1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>] %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        _ID.hex().encode(),
        _ID.hex().encode(),
        trailer_extra,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _pages_pdf(
    contents: list[bytes], resources: bytes, crypt: _RC4Key | None = None, encrypt_obj: bytes | None = None
) -> bytes:
    """Catalog (1), page tree (2), font (3), then a page and its content per page."""
    n = len(contents)
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, content in enumerate(contents):
        content_num = first_page + 2 * i + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s "
            b"/Contents %d 0 R >>" % (resources, content_num)
        )
        data = crypt.apply(content_num, content) if crypt else content
        objects.append(_stream(data))
    extra = b""
    if encrypt_obj is not None:
        objects.append(encrypt_obj)
        extra = b"/Encrypt %d 0 R " % len(objects)
    return _assemble(objects, extra)


_FONT = b"<< /Font << /F1 3 0 R >> >>"


def text_pdf(lines: list[str]) -> bytes:
    """One page per line of text (Latin-1 only)."""
    return _pages_pdf([b"BT /F1 12 Tf 72 770 Td " + _pdf_string(t) + b" Tj ET" for t in lines], _FONT)


def drawing_pdf() -> bytes:
    """One page: a stroked rectangle and an inline 8x8 grey image, no text at all."""
    image = b"BI /W 8 /H 8 /CS /G /BPC 8 ID " + bytes(range(0, 256, 4)) + b" EI"
    content = b"q 2 w 72 72 451 698 re S Q q 400 0 0 500 97 170 cm " + image + b" Q"
    return _pages_pdf([content], _FONT)


class _RC4Key:
    def __init__(self, key: bytes):
        self.key = key

    def apply(self, num: int, data: bytes, gen: int = 0) -> bytes:
        obj_key = hashlib.md5(self.key + struct.pack("<I", num)[:3] + struct.pack("<H", gen)).digest()
        return rc4(obj_key[: min(len(self.key) + 5, 16)], data)


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def encrypted_pdf(lines: list[str], user_password: str, owner_password: str = "owner") -> bytes:
    """:func:`text_pdf` encrypted with the Standard security handler, V1 R2 (PDF 1.4
    spec, algorithms 3.2-3.4): reading needs ``user_password`` (empty: anyone)."""

    def padded(pw: str) -> bytes:
        return (pw.encode("latin-1") + _PAD)[:32]

    o_key = hashlib.md5(padded(owner_password)).digest()[:5]
    o_value = rc4(o_key, padded(user_password))
    perms = -4  # every permission
    key = hashlib.md5(padded(user_password) + o_value + struct.pack("<i", perms) + _ID).digest()[:5]
    u_value = rc4(key, _PAD)
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <%s> /U <%s> /P %d >>" % (
        o_value.hex().encode(),
        u_value.hex().encode(),
        perms,
    )
    contents = [b"BT /F1 12 Tf 72 770 Td " + _pdf_string(t) + b" Tj ET" for t in lines]
    return _pages_pdf(contents, _FONT, crypt=_RC4Key(key), encrypt_obj=encrypt)
