"""Why an input is rejected (SPEC section 6): one exception class per fixed code, each
carrying the one-line reason that goes to the manifest beside the code.

``raise Damaged("damaged PDF: …")``; ``except ReadError as exc: exc.code, str(exc)``.
:class:`ReadError` is also importable as ``plan_extract.ir.ReadError``.
"""

from __future__ import annotations


class ReadError(Exception):
    """An input that cannot be extracted; ``str(exc)`` is the one-line reason and
    ``code`` one of :data:`REJECTION_CODES`. Raise a subclass: the base class's code
    is ``unreadable``, the most general."""

    code = "unreadable"

    @property
    def reason(self) -> str:
        return str(self)


class Empty(ReadError):
    """No content: an empty file, only white space, a Word document without text."""

    code = "empty"


class NotAPlan(ReadError):
    """Readable text that is not a plan document (no header, sections or task table)."""

    code = "not_a_plan"


class Damaged(ReadError):
    """A file of a known format that is broken: truncated, not well-formed, undecodable."""

    code = "damaged"


class Unsafe(ReadError):
    """Hostile content refused before it is processed: XML entities and DTDs, a zip
    bomb by its compression ratio, structures nested beyond any real document."""

    code = "unsafe"


class Encrypted(ReadError):
    """Password-protected: a PDF that needs a user password, an encrypted Word file."""

    code = "encrypted"


class TooLarge(ReadError):
    """Over a size limit: the file, a PDF's pages, a Word part inflated, the memory."""

    code = "too_large"


class Timeout(ReadError):
    """Over the time limit per file (or the conversion's)."""

    code = "timeout"


class Unsupported(ReadError):
    """Not a format that is read: binary content, a zip that is no Word document, an
    old .doc without LibreOffice, a pipe or a device."""

    code = "unsupported"


class Unreadable(ReadError):
    """The file cannot be opened or read (missing, permissions, an I/O error)."""

    code = "unreadable"


class NoText(ReadError):
    """A PDF without a usable text layer (a scan: needs OCR)."""

    code = "no_text"


class Duplicate(ReadError):
    """A second input with the doc_id of another one (the same file name)."""

    code = "duplicate"


class Internal(ReadError):
    """A fault of the extractor itself (a bug, a crashed worker process)."""

    code = "internal"


ERROR_CLASSES: tuple[type[ReadError], ...] = (
    Empty,
    NotAPlan,
    Damaged,
    Unsafe,
    Encrypted,
    TooLarge,
    Timeout,
    Unsupported,
    Unreadable,
    NoText,
    Duplicate,
    Internal,
)
#: every rejection code, with its meaning (the data dictionary lists them)
REJECTION_CODES: dict[str, str] = {c.code: " ".join((c.__doc__ or "").split()) for c in ERROR_CLASSES}


# -- the batch's per-file limits, raised inside a reader -----------------------------------------


class FileTimeout(BaseException):
    """The per-file time limit (``batch.limits.time_limit``). Not an Exception:
    libraries' ``except Exception`` blocks must not swallow it."""


def limit_error(exc: BaseException | None) -> BaseException | None:
    """The batch's per-file limit, time (:class:`FileTimeout`) or memory (``MemoryError``),
    behind ``exc``: itself, or wrapped by a library (pdfplumber wraps whatever pdfminer
    raises in ``PdfminerException``). A reader re-raises it instead of turning it into
    a rejection of its own or a page warning. None when the error is something else."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (MemoryError, FileTimeout)):
            return exc
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
    return None
