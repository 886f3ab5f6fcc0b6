"""``json/<doc_id>.json``: the whole document, nested (what eval/score.py reads)."""

from __future__ import annotations

from pathlib import Path

import orjson

from ..model import DocumentResult
from .atomic import write_bytes


def document_json(doc: DocumentResult) -> bytes:
    """The document as compact UTF-8 JSON. orjson serialises the dataclasses natively
    (fields in declaration order): the same bytes as ``json.dumps(..., ensure_ascii=False,
    separators=(",", ":"))``, about four times faster."""
    return orjson.dumps(doc)


def write_document(doc: DocumentResult, out_dir: Path) -> Path:
    target = out_dir / "json" / f"{doc.doc_id}.json"
    write_bytes(target, document_json(doc))
    return target
