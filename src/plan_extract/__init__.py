"""plan_extract: Vietnamese administrative plan documents (Kế hoạch, Quyết định ban
hành Kế hoạch) to typed datasets."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "extract", "load"]


def extract(path, agency_files=()):
    """Extract one document in process and return its :class:`DocumentResult`."""
    from .pipeline import Options, extract_document
    return extract_document(path, Options(agency_files=tuple(agency_files)))


from .api import load  # noqa: E402
