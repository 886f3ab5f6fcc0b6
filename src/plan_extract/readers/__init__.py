"""One reader per input format, each filling the same intermediate representation
(:mod:`plan_extract.ir`). ``read(path)`` picks the reader from the file's content
and extension."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from ..ir import DocumentIR, ReadError, SourceInfo

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}
SUPPORTED_EXTENSIONS = TEXT_EXTENSIONS | {".docx", ".pdf", ".doc"}


def limit_error(exc: Optional[BaseException]) -> Optional[BaseException]:
    """The batch's per-file limit, time (``FileTimeout``) or memory (``MemoryError``),
    behind ``exc``: itself, or wrapped by a library (pdfplumber wraps whatever pdfminer
    raises in ``PdfminerException``). A reader re-raises it instead of turning it into
    a rejection of its own or a page warning. None when the error is something else."""
    from ..batch.limits import FileTimeout

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (MemoryError, FileTimeout)):
            return exc
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
    return None


def sniff_format(path: Path, data: bytes) -> str:
    """The format by magic bytes first, extension second."""
    ext = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if ext == ".pdf":
        return "pdf"
    if ext == ".docx":
        return "docx"
    if ext == ".doc":
        return "doc"
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
            raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    if not data.strip():
        raise ReadError("empty file")
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
    raise ReadError(f"unsupported format: {fmt}")
