"""Zip archives written byte by byte for the hostile-input tests: members whose
deflate stream inflates to gigabytes (built in milliseconds from one repeated
compressed block), and members whose declared sizes lie."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

MB = 1024 * 1024


def deflate_repeated(byte: bytes, size: int, tail: bytes = b"") -> tuple[bytes, int]:
    """A raw deflate stream of ``size`` copies of ``byte`` followed by ``tail``, and
    the CRC-32 of what it inflates to. One megabyte is compressed once, ending with a
    full flush (byte-aligned, no reference back), and that block is repeated."""
    chunk = byte * MB
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(size, MB)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    end = last.compress(byte * rest + tail) + last.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(byte * rest + tail, crc)
    return block * count + end, crc


@dataclass
class Member:
    name: str
    raw: bytes  # the stored bytes (deflated unless method is 0)
    crc: int
    size: int  # declared uncompressed size
    method: int = zipfile.ZIP_DEFLATED


def member(name: str, data: bytes) -> Member:
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, comp.compress(data) + comp.flush(), zlib.crc32(data), len(data))


def members_of(docx: bytes) -> list[Member]:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return [member(i.filename, zf.read(i)) for i in zf.infolist()]


def write_zip(members: list[Member]) -> bytes:
    """A plain zip (no zip64: sizes below 4 GiB) holding ``members`` as given."""
    out = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(out)
        fields = (20, 0, m.method, 0, 0x21, m.crc & 0xFFFFFFFF, len(m.raw), m.size, len(name), 0)
        out += b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", *fields) + name + m.raw
        central += b"PK\x01\x02" + struct.pack("<HHHHHHIIIHHHHHII", 20, *fields, 0, 0, 0, 0, offset) + name
    start = len(out)
    out += central
    out += b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)
