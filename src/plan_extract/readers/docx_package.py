"""Opening a .docx without trusting it.

A Word file is a zip of XML parts; a hostile one can be something else named
``.docx``, a zip cut short, a zip bomb, or XML that declares entities pointing at
local files (XXE). Before python-docx opens the package:

* the zip's central directory is read (nothing inflated yet) and every member's
  declared uncompressed size is checked: one part above :data:`MAX_PART_BYTES`, all
  parts above :data:`MAX_TOTAL_BYTES`, or a part over :data:`RATIO_FLOOR` that
  inflates more than :data:`MAX_RATIO` times, is a zip bomb and rejected. The actual
  size cannot exceed the declared one: :mod:`zipfile` inflates a member in bounded
  chunks and stops at its declared size (a member whose stream goes on fails its
  CRC check, reported as damage), so memory stays bounded by those limits;
* the prolog of every part is parsed (inflating a few kilobytes; a part that is
  not XML fails at its first byte) and a part that declares a DTD (``<!DOCTYPE …>``,
  the carrier of XML entities) is rejected: the Open Packaging Conventions forbid
  DTDs in package parts, so no Word file has one.

Every XML parse, here and in python-docx, runs with entity resolution, DTD loading
and network access off (:func:`parse_xml`; python-docx's own parser is built with
``resolve_entities=False`` and lxml's defaults ``load_dtd=False``,
``no_network=True``).
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Optional

from lxml import etree

from ..ir import ReadError

MB = 1024 * 1024
MAX_PART_BYTES = 128 * MB     # one part, inflated (a long plan's document.xml is a few MB)
MAX_TOTAL_BYTES = 512 * MB    # all parts, inflated
MAX_RATIO = 100               # inflated / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 8 * MB
MAX_MEMBERS = 10_000
_EOCD = b"PK\x05\x06"


def size_text(n: float) -> str:
    for unit, size in (("GB", 1024 * MB), ("MB", MB), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} bytes"


def safe_parser() -> etree.XMLParser:
    """No entity substitution, no DTD loading, no network, lxml's depth and size caps."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False,
                           huge_tree=False)


def parse_xml(xml: bytes, name: str) -> etree._Element:
    """A part's XML with :func:`safe_parser`; :class:`ReadError` when it is damaged or
    declares a DTD."""
    try:
        root = etree.fromstring(xml, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise xml_error(exc, name) from None
    if _has_dtd(root):
        raise _dtd_error(name)
    return root


def xml_error(exc: Exception, name: Optional[str] = None) -> ReadError:
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    where = f"{name}: " if name else ""
    if "Excessive depth" in msg:
        return ReadError(f"rejected .docx: {where}XML nested more than 256 levels deep "
                         "(tables inside tables?)")
    return ReadError(f"damaged .docx: {where}XML not well-formed ({msg[:160]})")


def _has_dtd(el: etree._Element) -> bool:
    info = el.getroottree().docinfo
    return bool(info.doctype) or info.internalDTD is not None or info.externalDTD is not None


def _dtd_error(name: str) -> ReadError:
    return ReadError(f"rejected .docx: {name} declares a DTD (<!DOCTYPE …>, XML entities), "
                     "which no Word file has; not read")


def _zip_error(data: bytes, exc: Exception) -> ReadError:
    if _EOCD not in data[-(65536 + 22):]:
        return ReadError("damaged .docx: truncated zip (the end of the archive, its table of contents, "
                         "is missing)")
    return ReadError(f"damaged .docx: zip archive unreadable ({str(exc)[:160] or type(exc).__name__})")


def check_container(data: bytes) -> None:
    """Everything above that needs no inflating, plus the DTD check of each XML part.
    Raises :class:`ReadError` with the reason."""
    from . import limit_error

    if data[:2] != b"PK":
        raise ReadError("not a .docx: not a zip archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_members(infos)
            for info in infos:  # every member: python-docx picks XML parts by content type, not name
                if _declares_dtd(zf, info):
                    raise _dtd_error(info.filename)
    except ReadError:
        raise
    except Exception as exc:
        limit = limit_error(exc)
        if limit is not None:
            raise limit from None
        raise _zip_error(data, exc) from None


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise ReadError(f"rejected .docx: the zip holds {len(infos)} files (limit {MAX_MEMBERS})")
    names = {i.filename for i in infos}
    if "word/document.xml" not in names and not any(n.endswith("document.xml") for n in names):
        raise ReadError("not a Word document: the zip has no word/document.xml")
    total = 0
    for info in infos:
        size, packed = info.file_size, info.compress_size
        if size > MAX_PART_BYTES:
            raise ReadError(f"rejected .docx: {info.filename} would inflate to {size_text(size)} "
                            f"(limit {size_text(MAX_PART_BYTES)}; zip bomb?)")
        if size > RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
            raise ReadError(f"rejected .docx: {info.filename} would inflate {size / max(packed, 1):.0f} times, "
                            f"{size_text(packed)} to {size_text(size)} (zip bomb?)")
        total += size
        if total > MAX_TOTAL_BYTES:
            raise ReadError(f"rejected .docx: its parts would inflate to more than {size_text(MAX_TOTAL_BYTES)} "
                            "(zip bomb?)")
        if info.flag_bits & 0x1:
            raise ReadError("encrypted .docx: its parts are password-protected")


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Parse up to the root element's start tag only (a few kilobytes inflated); False
    for a part that is not XML."""
    try:
        with zf.open(info) as fh:
            for _event, el in etree.iterparse(fh, events=("start",), resolve_entities=False, load_dtd=False,
                                              no_network=True, huge_tree=False):
                return _has_dtd(el)
    except etree.XMLSyntaxError:
        return False  # damage is reported when the part is parsed for real
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise member_error(info.filename, exc) from None
    return False


def member_error(name: str, exc: Exception) -> ReadError:
    """A member whose deflate stream does not give what its header declares."""
    if "CRC" in str(exc):
        return ReadError(f"damaged .docx: {name} does not inflate to what its header declares "
                         "(size or CRC-32 wrong)")
    return ReadError(f"damaged .docx: {name} unreadable ({str(exc)[:160] or type(exc).__name__})")


def open_document(data: bytes):
    """The python-docx document of a checked container."""
    import docx

    from . import limit_error

    check_container(data)
    try:
        return docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        raise xml_error(exc) from None
    except (zipfile.BadZipFile, zlib.error) as exc:  # a member's stream does not match its header
        name = re.search(r"for file '([^']+)'", str(exc))
        raise member_error(name.group(1) if name else "a part", exc) from None
    except Exception as exc:
        limit = limit_error(exc)
        if limit is not None:
            raise limit from None
        msg = str(exc).splitlines()[0][:160] if str(exc) else ""
        raise ReadError(f"damaged .docx: {type(exc).__name__}{': ' + msg if msg else ''}") from None
