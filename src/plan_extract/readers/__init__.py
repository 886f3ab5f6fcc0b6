"""One reader per input format, each filling the same intermediate representation
(:mod:`plan_extract.ir`). ``read(path)`` names the format from the file's content and
extension (:func:`sniff_format`) and picks its reader from :data:`READERS`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import Empty, Unreadable, Unsupported, limit_error  # noqa: F401 - limit_error: re-exported
from ..ir import DocumentIR, SourceInfo
from ..options import ReaderOptions

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
SOFFICE_EXTENSIONS = {".doc", ".odt", ".rtf"}  # converted to .docx by LibreOffice
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | SOFFICE_EXTENSIONS | {".docx", ".pdf"}
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*"
    rb"<(?:!doctype\s+html|html)\b",
    re.I | re.S,
)


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096]
    for bom, enc in ((b"\xef\xbb\xbf", None), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :]
            if enc:
                head = head.decode(enc, "ignore").encode("ascii", "ignore")
            break
    return bool(_HTML_START.match(head))


def sniff_format(path: Path, data: bytes) -> str:
    """The format by magic bytes first, extension second."""
    ext = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        # a zip: OpenDocument text names its type in the first member, "mimetype"
        return "odt" if b"application/vnd.oasis.opendocument.text" in data[:200] else "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if ext == ".pdf":
        return "pdf"
    if ext == ".docx":
        return "docx"
    if ext in (".doc", ".odt", ".rtf"):
        return ext[1:]
    if ext in HTML_EXTENSIONS or (ext not in (".md", ".markdown") and _looks_like_html(data)):
        return "html"
    return "md" if ext in (".md", ".markdown") else "txt"


def source_info(path: Path, data: bytes, fmt: str, sha256: str | None = None) -> SourceInfo:
    return SourceInfo(path=str(path), format=fmt, sha256=sha256 or hashlib.sha256(data).hexdigest(), size=len(data))


Reader = Callable[[Path, bytes, SourceInfo, ReaderOptions], DocumentIR]
"""A reader: (path, content, source info, options) -> the document's IR; raises
:class:`~plan_extract.errors.ReadError` with a one-line reason."""


# each format's reader module is imported at the first file of that format (the PDF and
# Word readers take a third of a second to import, which a batch of text files saves)
def _text(path: Path, data: bytes, info: SourceInfo, options: ReaderOptions) -> DocumentIR:
    from .text import read_text

    return read_text(data, info)


def _docx(path: Path, data: bytes, info: SourceInfo, options: ReaderOptions) -> DocumentIR:
    from .docx import read_docx

    return read_docx(data, info)


def _doc(path: Path, data: bytes, info: SourceInfo, options: ReaderOptions) -> DocumentIR:
    from .docx import read_doc

    return read_doc(path, data, info)


def _converted(path: Path, data: bytes, info: SourceInfo, options: ReaderOptions) -> DocumentIR:
    from .docx import read_converted

    return read_converted(path, data, info, info.format)


def _pdf(path: Path, data: bytes, info: SourceInfo, options: ReaderOptions) -> DocumentIR:
    from .pdf import read_pdf

    return read_pdf(data, info, options)


def _html(path: Path, data: bytes, info: SourceInfo, options: ReaderOptions) -> DocumentIR:
    from .html import read_html

    return read_html(data, info)


#: the reader of each format (:func:`sniff_format` names it): a new format is a module
#: with its reader and one line here
READERS: dict[str, Reader] = {
    "txt": _text,
    "md": _text,
    "docx": _docx,
    "pdf": _pdf,
    "doc": _doc,
    "html": _html,
    "odt": _converted,
    "rtf": _converted,
}


def read(
    path: Path | str, data: bytes | None = None, sha256: str | None = None, options: ReaderOptions | None = None
) -> DocumentIR:
    """Read one input into the IR; raises :class:`ReadError` with a one-line reason.
    ``sha256``: the content hash of ``data``, when the caller has it already;
    ``options``: the readers' settings (:class:`~plan_extract.options.ReaderOptions`)."""
    path = Path(path)
    if data is None:
        sha256 = None  # a hash of the caller's is of the caller's bytes only
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None
    if not data.strip():
        raise Empty("empty file")
    fmt = sniff_format(path, data)
    reader = READERS.get(fmt)
    if reader is None:
        raise Unsupported(f"unsupported format: {fmt}")
    return reader(path, data, source_info(path, data, fmt, sha256), options or ReaderOptions())
