"""One reader per input format, each filling the same intermediate representation
(:mod:`plan_extract.ir`). ``read(path)`` picks the reader from the file's content
and extension."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import Empty, Unreadable, Unsupported, limit_error  # noqa: F401 - limit_error: re-exported
from ..ir import DocumentIR, SourceInfo

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
SOFFICE_EXTENSIONS = {".doc", ".odt", ".rtf"}  # converted to .docx by LibreOffice
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | SOFFICE_EXTENSIONS | {".docx", ".pdf"}
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*"
                         rb"<(?:!doctype\s+html|html)\b", re.I | re.S)


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096]
    for bom, enc in ((b"\xef\xbb\xbf", None), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom):]
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
    return SourceInfo(path=str(path), format=fmt, sha256=sha256 or hashlib.sha256(data).hexdigest(),
                      size=len(data))


def read(path: Path | str, data: bytes | None = None, sha256: str | None = None,
         pdf_options=None) -> DocumentIR:
    """Read one input into the IR; raises :class:`ReadError` with a one-line reason.
    ``sha256``: the content hash of ``data``, when the caller has it already;
    ``pdf_options``: the PDF reader's thresholds (:class:`~plan_extract.options.PdfOptions`)."""
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
    info = source_info(path, data, fmt, sha256)
    if fmt in ("txt", "md"):
        from .text import read_text
        return read_text(data, info)
    if fmt == "docx":
        from .docx import read_docx
        return read_docx(data, info)
    if fmt == "pdf":
        from .pdf import read_pdf
        return read_pdf(data, info, options=pdf_options)
    if fmt == "doc":
        from .docx import read_doc
        return read_doc(path, data, info)
    if fmt == "html":
        from .html import read_html
        return read_html(data, info)
    if fmt in ("odt", "rtf"):
        from .docx import read_converted
        return read_converted(path, data, info, fmt)
    raise Unsupported(f"unsupported format: {fmt}")
