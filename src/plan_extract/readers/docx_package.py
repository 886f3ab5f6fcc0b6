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
* the bytes of every part are scanned, in bounded chunks, for a DTD or entity declaration
  (``<!DOCTYPE``, ``<!ENTITY``, in UTF-8 or UTF-16): such a part is rejected before
  any parser sees it. The Open Packaging Conventions forbid DTDs in package parts, so
  no Word file has one; the decision rests on those bytes, not on how a version of
  libxml2 words its complaint about the entities it met.

Every XML parse, here and in python-docx, runs with entity resolution, DTD loading
and network access off (:func:`parse_xml`; python-docx's own parser is built with
``resolve_entities=False`` and lxml's defaults ``load_dtd=False``,
``no_network=True``).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from ..errors import Damaged, Encrypted, ReadError, TooLarge, Unsafe, Unsupported, limit_error

MB = 1024 * 1024
MAX_PART_BYTES = 128 * MB  # one part, inflated (a long plan's document.xml is a few MB)
MAX_TOTAL_BYTES = 512 * MB  # all parts, inflated
MAX_RATIO = 100  # inflated / compressed, for parts above RATIO_FLOOR
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
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False, huge_tree=False
    )


def parse_xml(xml: bytes, name: str) -> etree._Element:
    """A part's XML with :func:`safe_parser`; :class:`ReadError` when it declares a DTD
    (found in its bytes, before parsing) or is damaged."""
    if declares_dtd(xml):
        raise _dtd_error(name)
    try:
        root = etree.fromstring(xml, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise xml_error(exc, xml, name) from None
    if _has_dtd(root):
        raise _dtd_error(name)
    return root


MAX_DEPTH = 256  # libxml2's cap without XML_PARSE_HUGE, which safe_parser keeps


def xml_error(exc: Exception, xml: bytes | None = None, name: str | None = None) -> ReadError:
    """The reason a part did not parse: nested deeper than :data:`MAX_DEPTH` when its
    elements are (counted on the part itself), else damaged."""
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    where = f"{name}: " if name else ""
    if xml is not None and nested_deeper_than(xml, MAX_DEPTH):
        return Unsafe(f"rejected .docx: {where}XML nested more than {MAX_DEPTH} levels deep (tables inside tables?)")
    return Damaged(f"damaged .docx: {where}XML not well-formed ({msg[:160]})")


def nested_deeper_than(xml: bytes, limit: int) -> bool:
    """Do the elements of ``xml`` nest deeper than ``limit``? Counted on the events of
    an incremental parse (entities, DTDs and network off) that stops at the first
    element past the limit; a part that is damaged before that is not."""
    depth = 0
    try:
        for event, _el in etree.iterparse(
            io.BytesIO(xml),
            events=("start", "end"),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=True,
        ):
            depth += 1 if event == "start" else -1
            if depth > limit:
                return True
    except etree.XMLSyntaxError:
        return False
    return False


_DECLARATIONS = tuple(
    word.encode(enc) for word in ("<!doctype", "<!entity") for enc in ("ascii", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(d) for d in _DECLARATIONS) - 1
_CHUNK = 1 << 20


def declares_dtd(xml: bytes) -> bool:
    """Does this XML declare a DTD or an entity (``<!DOCTYPE``, ``<!ENTITY``, any case,
    UTF-8 or UTF-16)? Text and attribute values cannot hold a bare ``<``, so these
    bytes occur only as markup (or in a comment or CDATA, which Word never writes)."""
    return _scan_for_declarations(io.BytesIO(xml))


def _scan_for_declarations(fh) -> bool:
    tail = b""
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return False
        window = (tail + chunk).lower()
        if any(d in window for d in _DECLARATIONS):
            return True
        tail = window[-_OVERLAP:]


def _has_dtd(el: etree._Element) -> bool:
    info = el.getroottree().docinfo
    return bool(info.doctype) or info.internalDTD is not None or info.externalDTD is not None


def _dtd_error(name: str) -> ReadError:
    return Unsafe(
        f"rejected .docx: {name} declares a DTD (<!DOCTYPE …>, XML entities), which no Word file has; not read"
    )


def _zip_error(data: bytes, exc: Exception) -> ReadError:
    if _EOCD not in data[-(65536 + 22) :]:
        return Damaged("damaged .docx: truncated zip (the end of the archive, its table of contents, is missing)")
    return Damaged(f"damaged .docx: zip archive unreadable ({str(exc)[:160] or type(exc).__name__})")


def check_container(data: bytes) -> None:
    """Everything above that needs no inflating, plus the DTD check of each XML part.
    Raises :class:`ReadError` with the reason."""
    if data[:2] != b"PK":
        raise Unsupported("not a .docx: not a zip archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_members(infos)
            for info in infos:  # every member: python-docx picks XML parts by content type, not name
                if _member_declares_dtd(zf, info):
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
        raise TooLarge(f"rejected .docx: the zip holds {len(infos)} files (limit {MAX_MEMBERS})")
    names = {i.filename for i in infos}
    if "word/document.xml" not in names and not any(n.endswith("document.xml") for n in names):
        raise Unsupported("not a Word document: the zip has no word/document.xml")
    total = 0
    for info in infos:
        size, packed = info.file_size, info.compress_size
        if size > MAX_PART_BYTES:
            raise TooLarge(
                f"rejected .docx: {info.filename} would inflate to {size_text(size)} "
                f"(limit {size_text(MAX_PART_BYTES)}; zip bomb?)"
            )
        if size > RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
            raise Unsafe(
                f"rejected .docx: {info.filename} would inflate {size / max(packed, 1):.0f} times, "
                f"{size_text(packed)} to {size_text(size)} (zip bomb?)"
            )
        total += size
        if total > MAX_TOTAL_BYTES:
            raise TooLarge(
                f"rejected .docx: its parts would inflate to more than {size_text(MAX_TOTAL_BYTES)} (zip bomb?)"
            )
        if info.flag_bits & 0x1:
            raise Encrypted("encrypted .docx: its parts are password-protected")


def _member_declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Scan a member for DTD and entity declarations, inflating it in bounded chunks
    (its size was checked against the limits already). Every member is scanned, not
    only those named ``.xml``: python-docx picks XML parts by content type, and a part
    may open with white space for gigabytes. A member whose stream does not inflate to
    what its header declares is reported as damaged."""
    try:
        with zf.open(info) as fh:
            return _scan_for_declarations(fh)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise member_error(info.filename, exc) from None


def member_error(name: str, exc: Exception) -> ReadError:
    """A member whose deflate stream does not give what its header declares: too few
    or too many bytes, or bytes whose CRC-32 differs (:mod:`zipfile` checks both)."""
    if isinstance(exc, (zipfile.BadZipFile, EOFError)):
        return Damaged(f"damaged .docx: {name} does not inflate to what its header declares (size or CRC-32 wrong)")
    return Damaged(f"damaged .docx: {name} unreadable ({str(exc)[:160] or type(exc).__name__})")


def _deepest_part(data: bytes) -> bytes | None:
    """The first XML part nested deeper than :data:`MAX_DEPTH`, if any (python-docx
    does not say which part it failed to parse)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                xml = zf.read(info)
                if nested_deeper_than(xml, MAX_DEPTH):
                    return xml
    except Exception:
        return None
    return None


def _bad_member(data: bytes) -> str:
    """The first member that does not inflate to what its header declares, found by
    reading every member (``ZipFile.testzip``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.testzip() or "a part"
    except Exception:
        return "a part"


def open_document(data: bytes):
    """The python-docx document of a checked container."""
    import docx

    check_container(data)
    try:
        return docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError as exc:
        raise xml_error(exc, _deepest_part(data)) from None
    except (zipfile.BadZipFile, zlib.error) as exc:  # a member's stream does not match its header
        raise member_error(_bad_member(data), exc) from None
    except Exception as exc:
        limit = limit_error(exc)
        if limit is not None:
            raise limit from None
        msg = str(exc).splitlines()[0][:160] if str(exc) else ""
        raise Damaged(f"damaged .docx: {type(exc).__name__}{': ' + msg if msg else ''}") from None
