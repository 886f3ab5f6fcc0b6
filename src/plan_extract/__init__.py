"""plan_extract: Vietnamese administrative plan documents (Kế hoạch, Quyết định ban
hành Kế hoạch) to typed datasets."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "extract", "load"]


def extract(path, agency_files=()):
    """Extract one document in process and return its :class:`DocumentResult`."""
    from .pipeline import Options, extract_document

    return extract_document(path, Options(agency_files=tuple(agency_files)))


def __getattr__(name: str):
    # ``load`` (plan_extract.api) needs pandas; it is imported on first use, so that
    # extraction, which never needs pandas, starts fast and stays small
    if name == "load":
        from .api import load

        return load
    raise AttributeError(f"module 'plan_extract' has no attribute {name!r}")
